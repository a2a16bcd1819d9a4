"""Requests for one conversation never interleave (threads and processes); different conversations
run in parallel."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, TurnContext
from chirpy.server.locks import ConversationLocks, LockTimeout
from chirpy.store import open_log


class Probe:
    """Counts turns in flight, per conversation and overall."""

    lock = threading.Lock()
    active: dict[str, int] = {}
    max_same = 0
    max_total = 0
    wait_s = 0.1  # how long a turn waits for another to overlap it

    @classmethod
    def reset(cls) -> None:
        cls.active, cls.max_same, cls.max_total, cls.wait_s = {}, 0, 0, 0.1


@responders.register("server_probe")
class ProbeResponder(Responder):
    """Holds each turn open until another turn overlaps it (or ``Probe.wait_s`` pass), recording the overlap."""

    def respond(self, ctx: TurnContext) -> Candidate | None:
        if ctx.annotations.is_launch:
            return None
        cid = ctx.conversation_id
        with Probe.lock:
            Probe.active[cid] = Probe.active.get(cid, 0) + 1
            Probe.max_same = max(Probe.max_same, Probe.active[cid])
            Probe.max_total = max(Probe.max_total, sum(Probe.active.values()))
        end = time.monotonic() + Probe.wait_s
        while time.monotonic() < end:
            with Probe.lock:
                if Probe.max_total > 1:  # an overlap happened: nobody needs to wait any more
                    break
            time.sleep(0.005)
        time.sleep(0.02)
        with Probe.lock:
            Probe.max_total = max(Probe.max_total, sum(Probe.active.values()))
            Probe.active[cid] -= 1
        return Candidate(f"probe {ctx.turn_index}", Priority.STRONG_CONTINUE)


@pytest.fixture
def probed(make_server):
    Probe.reset()
    server = make_server(verify=False, max_waiters_per_conversation=8)  # these tests queue 6 turns on purpose
    server.bot.config.data["responders"]["order"] = ["server_probe", "launch", "fallback"]
    from chirpy.bot import Bot

    bot = Bot(server.bot.config, store=server.bot.store)
    server.app.extensions["chirpy"].bot = bot
    server.bot = bot
    yield server
    bot.runner.shutdown()  # the store is shared with the fixture's bot, which closes it


def _turn(server, cid: str, text: str) -> int:
    client = server.app.test_client()  # one client per thread
    reply = client.post(f"/api/v1/conversations/{cid}/turns", json={"text": text})
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()["turn_index"]


def test_same_conversation_turns_never_interleave(probed) -> None:
    cid = probed.client.post("/api/v1/conversations").get_json()["conversation_id"]
    with ThreadPoolExecutor(6) as pool:
        indices = list(pool.map(lambda i: _turn(probed, cid, f"message {i}"), range(6)))
    assert sorted(indices) == [1, 2, 3, 4, 5, 6]
    assert Probe.max_same == 1
    turns = probed.bot.store.turns(cid)
    assert [t["turn_index"] for t in turns] == list(range(7))
    # Each turn saw the state its predecessor wrote: the history grows by two every turn.
    assert len(probed.bot.store.load_state(cid).history) == 13


def test_different_conversations_run_in_parallel(probed) -> None:
    cids = [probed.client.post("/api/v1/conversations").get_json()["conversation_id"] for _ in range(4)]
    Probe.wait_s = 5.0  # generous for a loaded machine: the first overlap ends every wait
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda cid: _turn(probed, cid, "hello"), cids))
    assert Probe.max_total >= 2
    assert Probe.max_same == 1


_HOLDER = """
import sys
from chirpy.server.locks import ConversationLocks
from chirpy.store import open_log
locks = ConversationLocks(open_log(sys.argv[1]))
with locks.hold(sys.argv[2]):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_lock_holds_across_processes(tmp_path: Path) -> None:
    log = str(tmp_path / "log.db")
    locks = ConversationLocks(open_log(log))
    other = next(f"conv-{i}" for i in range(100) if locks.bucket(f"conv-{i}") != locks.bucket("conv-a"))
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, log, "conv-a"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeout):
            with locks.hold("conv-a", timeout=0.2):
                pass
        with locks.hold(other, timeout=1.0):  # another conversation is not blocked
            pass
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with locks.hold("conv-a", timeout=5.0):  # released when the holder is gone
        pass


def test_busy_conversation_gets_409_not_a_hang(make_server) -> None:
    server = make_server(verify=False, lock_timeout_seconds=0.2)
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    services = server.app.extensions["chirpy"]
    with services.locks.hold(cid):
        reply = server.app.test_client().post(f"/api/v1/conversations/{cid}/turns", json={"text": "hi"})
    assert reply.status_code == 409 and reply.get_json()["error"]["code"] == "conversation_busy"
    assert len(server.bot.store.turns(cid)) == 1


def test_requests_beyond_the_waiter_bound_get_429_at_once(make_server) -> None:
    """Issue 17 #6: a burst on one conversation used to tie up a server thread per request for the whole
    lock timeout; now one holder and ``max_waiters_per_conversation`` waiters queue, the rest are refused."""
    server = make_server(verify=False, lock_timeout_seconds=10, max_waiters_per_conversation=2)
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    other = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    services = server.app.extensions["chirpy"]

    def send(conversation: str) -> tuple[int, str, float]:
        started = time.monotonic()
        reply = server.app.test_client().post(f"/api/v1/conversations/{conversation}/turns", json={"text": "hi"})
        return reply.status_code, reply.get_json().get("error", {}).get("code", ""), time.monotonic() - started

    with ThreadPoolExecutor(6) as pool:
        with services.locks.hold(cid):  # a slow turn in progress
            waiting = [pool.submit(send, cid) for _ in range(2)]
            deadline = time.monotonic() + 5
            while services.locks._waiting[cid] < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            refused = [pool.submit(send, cid) for _ in range(3)]
            # Answered while the slow turn still holds the lock (a waiter could only finish after it).
            refusals = [f.result(timeout=5) for f in refused]
            assert all(status == 429 and code == "too_many_requests" for status, code, _ in refusals), refusals
            assert send(other)[0] == 200  # another conversation is not held up
        assert sorted(f.result(timeout=20)[0] for f in waiting) == [200, 200]
    assert [t["turn_index"] for t in server.bot.store.turns(cid)] == [0, 1, 2]
