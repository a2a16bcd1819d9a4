"""What a team studying its logs will find in the database after a conversation."""

from __future__ import annotations

import json
import sqlite3

import pytest

from chirpy.errors import StoreError
from chirpy.store import SQLiteStore


def test_store_contents_after_a_scripted_conversation(make_bot, tmp_path):
    bot = make_bot()
    first = bot.start("conv-1")
    script = ["my name is june", "yes", "a parrot called kiwi", "ok", "bye"]
    for line in script:
        last = bot.respond("conv-1", line)
    assert last.ended

    db = sqlite3.connect(tmp_path / "log.db")
    db.row_factory = sqlite3.Row
    conv = db.execute("select * from conversations where id = 'conv-1'").fetchone()
    assert conv["n_turns"] == len(script) + 1 and conv["end_reason"] == "user_goodbye"
    state = json.loads(conv["state"])
    assert state["version"] == 1 and state["user_name"] == "June" and state["ended"]

    turns = db.execute("select * from turns where conversation_id = 'conv-1' order by turn_index").fetchall()
    assert [t["turn_index"] for t in turns] == list(range(len(script) + 1))
    assert turns[0]["user_text"] is None and turns[0]["bot_text"] == first.text
    assert [t["user_text"] for t in turns[1:]] == script
    assert json.loads(turns[1]["annotations"])["user_name"] == "June"

    for turn in turns:
        chosen = db.execute("select kind, responder, text from candidates where turn_id = ? and chosen = 1",
                            [turn["id"]]).fetchall()
        kinds = {c["kind"]: c for c in chosen}
        assert kinds["response"]["responder"] == turn["response_responder"]
        assert turn["bot_text"].startswith(kinds["response"]["text"])
        if turn["prompt_responder"]:
            assert kinds["prompt"]["responder"] == turn["prompt_responder"]
        runs = db.execute("select responder, status, latency_ms from responder_runs where turn_id = ? and phase = 'response'",
                          [turn["id"]]).fetchall()
        assert {r["responder"] for r in runs} == set(bot.order)
        assert all(r["status"] == "ok" and r["latency_ms"] >= 0 for r in runs)
    # Candidates that lost are logged too, with their priority and rank.
    losers = db.execute("select count(*) from candidates where chosen = 0").fetchone()[0]
    assert losers > 0


def test_a_failed_write_leaves_no_partial_turn(make_bot, tmp_path):
    bot = make_bot()
    bot.start("conv-1")
    bot.store.db.execute(
        "create trigger fail_runs before insert on responder_runs begin select raise(abort, 'disk trouble'); end"
    )
    with pytest.raises(StoreError):
        bot.respond("conv-1", "my name is kim")
    assert bot.store.db.execute("select count(*) from turns").fetchone()[0] == 1
    assert bot.store.db.execute("select count(*) from candidates where turn_index = 1").fetchone()[0] == 0
    assert bot.store.load_state("conv-1").turn_index == 1 and bot.store.load_state("conv-1").user_name is None


def test_two_writers_cannot_log_the_same_turn_twice(make_bot):
    bot = make_bot()
    bot.start("conv-1")
    stale = bot.store.load_state("conv-1")
    bot.respond("conv-1", "hello")
    with pytest.raises(StoreError, match="already logged"):
        bot._turn(stale, "hello again", channel=None)  # a second worker still holding the old state


def test_corrupt_and_foreign_databases_are_refused_clearly(tmp_path):
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a database"):
        SQLiteStore(corrupt)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("create table invoices (id integer)")
    with pytest.raises(StoreError, match="not a chirpy log"):
        SQLiteStore(foreign)


def test_an_older_schema_version_is_refused_clearly(tmp_path):
    path = tmp_path / "old.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("update meta set value = '0' where key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 0"):
        SQLiteStore(path)


def test_a_directory_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match="directory"):
        SQLiteStore(tmp_path)
