"""The store's contract, on SQLite and on a real PostgreSQL: what a team studying its logs finds after a
conversation, one transaction per turn, versions and migrations, read-only readers, erasure, the
request ledger and the cross-process conversation lock."""

from __future__ import annotations

import json
import threading
import time

import pytest

from chirpy.state import ConversationState
from chirpy.store import (
    SCHEMA_VERSION,
    Label,
    LockTimeout,
    StoreError,
    TurnRecord,
    open_log,
    parse_location,
)

from .conftest import raw_sql


def test_store_contents_after_a_scripted_conversation(make_bot, log_location):
    bot = make_bot(log_location)
    first = bot.start("conv-1", user_id="user-1")
    script = ["my name is june", "yes", "a parrot called kiwi", "ok", "bye"]
    for line in script:
        last = bot.respond("conv-1", line)
    assert last.ended
    store = bot.store

    (conv,) = store.query("select * from conversations where id = 'conv-1'")
    assert conv["n_turns"] == len(script) + 1 and conv["end_reason"] == "user_goodbye"
    state = json.loads(conv["state"])
    assert state["version"] == 1 and state["user_name"] == "June" and state["ended"]
    assert store.user_facts("user-1") == {"name": "June"}

    turns = store.turns("conv-1")
    assert [t["turn_index"] for t in turns] == list(range(len(script) + 1))
    assert turns[0]["user_text"] is None and turns[0]["bot_text"] == first.text
    assert [t["user_text"] for t in turns[1:]] == script
    assert json.loads(turns[1]["annotations"])["user_name"] == "June"

    for turn in turns:
        chosen = store.query("select kind, responder, text from candidates where turn_id = ? and chosen = 1",
                             [turn["id"]])
        kinds = {c["kind"]: c for c in chosen}
        assert kinds["response"]["responder"] == turn["response_responder"]
        assert turn["bot_text"].startswith(kinds["response"]["text"])
        if turn["prompt_responder"]:
            assert kinds["prompt"]["responder"] == turn["prompt_responder"]
        runs = store.query("select responder, status, latency_ms from responder_runs where turn_id = ? "
                           "and phase = 'response'", [turn["id"]])
        assert {r["responder"] for r in runs} == set(bot.order)
        assert all(r["status"] == "ok" and r["latency_ms"] >= 0 for r in runs)
    # Candidates that lost are logged too, with their priority and rank.
    assert store.query("select count(*) as n from candidates where chosen = 0")[0]["n"] > 0


def _record(cid: str, index: int, **changes) -> TurnRecord:
    record = TurnRecord(cid, index, None if index == 0 else f"user says {index}", f"bot says {index}", "fallback",
                        None, 12.5, {"exp": "a"}, {"tokens": ["user", "says"]},
                        candidates=[{"kind": "response", "responder": "fallback", "text": f"bot says {index}",
                                     "priority": 1, "rank": 0, "chosen": 1, "scores": {"x": 1.5}, "meta": {}}],
                        runs=[{"responder": "fallback", "phase": "response", "status": "ok", "latency_ms": 1.0}])
    for key, value in changes.items():
        setattr(record, key, value)
    return record


def _save(store, cid: str, index: int, user_id: str | None = None, **changes) -> int:
    state = ConversationState(conversation_id=cid, turn_index=index + 1, user_id=user_id, arms={"exp": "a"})
    return store.save_turn(_record(cid, index, **changes), state, channel="test")


def test_a_failed_write_leaves_no_partial_turn(log_location):
    with open_log(log_location) as store:
        _save(store, "c1", 0)
        unstorable = [{"responder": "fallback", "phase": "response", "status": "ok", "latency_ms": object()}]
        with pytest.raises(StoreError):  # fails after the conversation row and the turn row were written
            _save(store, "c1", 1, runs=unstorable)
        assert store.count_turns() == 1
        assert store.query("select count(*) as n from candidates where turn_index = 1")[0]["n"] == 0
        assert store.load_state("c1").turn_index == 1
        _save(store, "c1", 1)  # and the log still takes the turn afterwards
        assert store.count_turns() == 2


def test_two_writers_cannot_log_the_same_turn_twice(make_bot, log_location):
    bot = make_bot(log_location)
    bot.start("conv-1")
    stale = bot.store.load_state("conv-1")
    bot.respond("conv-1", "hello")
    with pytest.raises(StoreError, match="already logged"):
        bot._turn(stale, "hello again", channel=None)  # a second worker still holding the old state
    assert bot.store.count_turns() == 2


def test_a_turn_of_an_erased_conversation_is_not_resurrected(log_location):
    with open_log(log_location) as store:
        _save(store, "c1", 0, user_id="u1")
        store.forget(user_id="u1")
        with pytest.raises(StoreError, match="no longer in"):
            _save(store, "c1", 1, user_id="u1")  # a turn that loaded its state before the erasure
        assert store.count_turns() == 0 and store.count_conversations() == 0


# -- versions, migrations, readers ------------------------------------------------------------------------
def test_other_schema_versions_are_refused_clearly(log_location):
    open_log(log_location).close()
    raw_sql(log_location, "update meta set value = '0' where key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 0.*chirpy export"):
        open_log(log_location)
    with pytest.raises(StoreError, match="schema version 0"):
        open_log(log_location, read_only=True)
    raw_sql(log_location, f"update meta set value = '{SCHEMA_VERSION + 1}' where key = 'schema_version'")
    with pytest.raises(StoreError, match="newer than this chirpy reads"):
        open_log(log_location, read_only=True)


def test_a_version_1_log_is_migrated_by_a_writer_and_read_as_it_is(log_location):
    with open_log(log_location) as store:
        _save(store, "c1", 0)
    raw_sql(log_location, "drop table request_ledger")  # what a version-1 log looks like
    raw_sql(log_location, "drop table labels")
    raw_sql(log_location, "update meta set value = '1' where key = 'schema_version'")
    with open_log(log_location, read_only=True) as reader:  # readers accept it, and never migrate
        assert reader.count_turns() == 1
    assert raw_sql(log_location, "select value from meta where key = 'schema_version'") == [("1",)]
    with open_log(log_location) as store:
        assert store.remember_request("req-1", time.time(), 600, prune=False)
        assert store.count_turns() == 1
    assert raw_sql(log_location, "select value from meta where key = 'schema_version'") == [(str(SCHEMA_VERSION),)]


def test_a_reader_never_writes(log_location, tmp_path):
    with open_log(log_location) as store:
        _save(store, "c1", 0)
    with open_log(log_location, read_only=True) as reader:
        assert reader.load_state("c1").turn_index == 1
        with pytest.raises(StoreError, match="read-only"):
            _save(reader, "c2", 0)
        assert not reader.health().writable
    if parse_location(log_location).backend == "sqlite":
        missing = tmp_path / "sub" / "missing.db"
        with pytest.raises(StoreError, match="not found"):
            open_log(missing, read_only=True)
        assert not missing.parent.exists()


def test_a_foreign_database_is_not_a_chirpy_log(log_location):
    raw_sql(log_location, "create table invoices (id integer)")
    with pytest.raises(StoreError, match="not a chirpy log"):
        open_log(log_location)


def test_health_says_the_log_is_writable(log_location):
    with open_log(log_location) as store:
        health = store.health()
        assert health.writable and health.backend == parse_location(log_location).backend


# -- erasure ------------------------------------------------------------------------------------------------
def test_forget_a_user_removes_everything_about_them_and_nothing_else(log_location):
    with open_log(log_location) as store:
        for cid, user in (("a1", "alice"), ("a2", "alice"), ("b1", "bob")):
            for index in range(3):
                state = ConversationState(conversation_id=cid, turn_index=index + 1, user_id=user)
                store.save_turn(_record(cid, index), state, user_facts={"name": user.title()})
        store.add_label(Label("a1", 1, "bot_error", "repetition", "ann"))
        store.add_label(Label("b1", 1, "bot_error", "unclear", "ann"))

        report = store.forget(user_id="alice")
        assert report.to_dict() == {"conversations": 2, "turns": 6, "candidates": 6, "responder_runs": 6,
                                    "users": 1, "labels": 1}
        for table in ("conversations", "turns", "candidates", "responder_runs"):
            column = "id" if table == "conversations" else "conversation_id"
            assert {r["c"] for r in store.query(f"select {column} as c from {table}")} == {"b1"}, table
        assert store.user_facts("alice") == {} and store.user_facts("bob") == {"name": "Bob"}
        assert raw_sql(log_location, "select conversation_id from labels") == [("b1",)]

        one = store.forget(conversation_id="b1")
        assert (one.conversations, one.turns, one.users, one.labels) == (1, 3, 0, 1)
        assert store.user_facts("bob") == {"name": "Bob"}  # facts belong to the user, not the conversation
        assert store.forget(user_id="nobody").total == 0


# -- what several processes and hosts share -------------------------------------------------------------------
def test_a_request_id_is_accepted_once_across_hosts(log_location):
    with open_log(log_location) as host_a, open_log(log_location) as host_b:
        now = time.time()
        assert host_a.remember_request("req-1", now, 600, prune=False)
        assert not host_b.remember_request("req-1", now + 1, 600, prune=False)
        assert host_b.remember_request("req-2", now + 1, 600, prune=False)
        # Old ids are pruned now and then; by then their signed timestamps are stale anyway.
        assert host_a.remember_request("req-3", now + 700, 600, prune=True)
        assert host_b.remember_request("req-1", now + 700, 600, prune=False)


def test_a_conversation_lock_holds_across_hosts(log_location):
    with open_log(log_location) as host_a, open_log(log_location) as host_b:
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with host_a.conversation_lock("conv-a", 5.0):
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert held.wait(10)
            started = time.monotonic()
            with pytest.raises(LockTimeout):
                with host_b.conversation_lock("conv-a", 0.3):
                    pass
            assert time.monotonic() - started < 3
            with host_b.conversation_lock("conv-b", 2.0):  # another conversation is not blocked
                pass
        finally:
            release.set()
            holder.join(10)
        with host_b.conversation_lock("conv-a", 5.0):  # released by its holder
            pass


def test_declared_fields_come_back_in_the_order_asked(log_location):
    from chirpy.store import FieldDecoder, LogField

    topic = LogField("details", ("shaping", "topic"), "test")
    tokens = LogField("annotations", ("tokens",), "test")
    missing = LogField("details", ("nobody", "wrote", "this"), "test")
    with open_log(log_location) as store:
        _save(store, "c1", 0, details={"shaping": {"topic": {"name": "pets", "n": 2}}})
        _save(store, "c1", 1, annotations={"tokens": ["a", "b"], "text": "x"})
        fields = [topic, tokens, missing]  # columns interleaved: the decoder puts them back in this order
        decode = FieldDecoder(fields)
        rows = [row for chunk in store.turn_rows(fields) for row in chunk]
    assert [row[:3] for row in rows] == [("c1", 0, True), ("c1", 1, False)]
    assert [decode(row[-1]) for row in rows] == [[{"name": "pets", "n": 2}, ["user", "says"], None],
                                                  [None, ["a", "b"], None]]
