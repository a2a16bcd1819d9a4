"""A responder that hangs (ignores the cancel signal) must not exhaust the thread pool, starve other
responders, flood the log, or keep the process from exiting. The full 200-turn scenario, with its
figures, is bench/hanging_responder.py."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from chirpy.bot import LAST_RESORT
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, TurnContext
from chirpy.runner import ResponderRunner

ROOT = Path(__file__).resolve().parents[2]
RELEASE = threading.Event()  # set at teardown so the stuck threads of these tests end


@responders.register("test_hang")
class HangingResponder(Responder):
    """Blocks in both phases and never looks at ctx.cancelled."""

    def respond(self, ctx: TurnContext) -> None:
        RELEASE.wait(timeout=30)

    def prompt(self, ctx: TurnContext) -> None:
        RELEASE.wait(timeout=30)


@pytest.fixture(autouse=True)
def release_stuck_threads():
    RELEASE.clear()
    yield
    RELEASE.set()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_hanging_responder_is_quarantined_and_the_bot_keeps_answering(make_bot, caplog):
    bot = make_bot(bot={"deadline_seconds": 0.5, "quarantine_after": 3, "quarantine_seconds": 600},
                   responders={"order": ["launch", "test_hang", "simple_topic", "fallback"]})
    caplog.set_level(logging.WARNING, logger="chirpy.runner")
    launch = bot.start()
    replies, statuses = [], [r.status for r in launch.runs if r.responder == "test_hang"]
    for i in range(12):
        turn = bot.respond(launch.conversation_id, f"tell me something about rivers number {i}")
        replies.append(turn.text)
        statuses += [r.status for r in turn.runs if r.responder == "test_hang"]
    assert not any(reply.startswith(LAST_RESORT) for reply in replies)
    # Three calls (response or prompt phase) miss the deadline; from then on it is skipped.
    assert statuses[:3] == ["timeout"] * 3 and set(statuses[3:]) == {"quarantined"} and len(statuses) >= 12
    quarantine_lines = [r for r in caplog.records if "in a row" in r.getMessage()]
    assert len(quarantine_lines) == 1 and "test_hang" in quarantine_lines[0].getMessage()
    logged = {row["status"] for row in bot.store.query(
        "select status from responder_runs where responder = 'test_hang'")}
    assert logged == {"timeout", "quarantined"}
    stats = bot.runner.stats()
    assert stats.quarantined == ("test_hang",)
    assert stats.stuck == 3 and stats.queued == 0


def test_after_the_cool_off_it_is_tried_again_and_released_when_it_answers():
    clock = FakeClock()
    runner = ResponderRunner(4, quarantine_after=2, quarantine_seconds=60, clock=clock)
    slow = threading.Event()
    answers = {"mode": "hang"}

    def flaky() -> Candidate | None:
        if answers["mode"] == "hang":
            slow.wait(timeout=30)
            return None
        return Candidate("Back again.", Priority.CAN_START)

    def status() -> str:  # a hanging call waits out the whole deadline; an answering one returns at once
        return runner.run({"flaky": flaky}, "response", _soon(0.1 if answers["mode"] == "hang" else 5),
                          threading.Event())[0].status

    try:
        assert [status(), status(), status()] == ["timeout", "timeout", "quarantined"]
        clock.now += 61
        # Cool-off over, but both earlier calls are still stuck: trying again would only leak a thread.
        assert status() == "quarantined"
        slow.set()
        _wait_until(lambda: runner.stats().stuck == 0)
        answers["mode"] = "answer"
        assert status() == "ok"
        assert status() == "ok" and runner.stats().quarantined == ()
    finally:
        slow.set()
        runner.shutdown()


def test_stuck_threads_never_block_other_responders_and_the_pool_stays_bounded():
    # Quarantine is off here (a miss limit never reached), to show the pool's own bound.
    runner = ResponderRunner(2, quarantine_after=1000, max_stuck=3)
    block = threading.Event()

    def hang() -> None:
        block.wait(timeout=30)

    def quick() -> Candidate:
        return Candidate("Quick answer.", Priority.CAN_START)

    try:
        seen = []
        for _ in range(3):  # up to the stuck limit, each hanging call gets a replacement thread
            runs = {r.responder: r.status for r in runner.run({"hang": hang, "quick": quick}, "response",
                                                              _soon(0.5), threading.Event())}
            seen.append(runs["quick"])
        assert seen == ["ok", "ok", "ok"]
        for _ in range(20):
            runner.run({"hang": hang, "quick": quick}, "response", _soon(0.02), threading.Event())
            stats = runner.stats()
            assert stats.threads <= 2 + 3
            assert stats.queued <= 2
    finally:
        block.set()
        runner.shutdown()


def test_a_stuck_call_does_not_keep_the_process_from_exiting():
    script = textwrap.dedent("""
        import threading, time
        from chirpy.runner import ResponderRunner

        runner = ResponderRunner(2)
        runs = runner.run({"hang": threading.Event().wait}, "response", time.monotonic() + 0.1, threading.Event())
        print(runs[0].status)
        runner.shutdown()
    """)
    # Before the fix the interpreter joined the stuck pool thread at exit and never returned.
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])})
    assert done.returncode == 0 and done.stdout.strip() == "timeout", done.stderr


def test_chat_quit_exits_with_a_forever_hanging_responder(tmp_path):
    (tmp_path / "hang_plugin.py").write_text(textwrap.dedent("""
        import threading
        from chirpy.registry import responders
        from chirpy.responder import Responder

        @responders.register("hang_forever")
        class HangForever(Responder):
            def respond(self, ctx):
                threading.Event().wait()
            def prompt(self, ctx):
                threading.Event().wait()
    """))
    config = tmp_path / "bot.toml"
    config.write_text(textwrap.dedent("""
        [bot]
        extra_plugins = ["hang_plugin"]
        deadline_seconds = 0.3
        [pipeline]
        annotators = []
        shapers = []
        [responders]
        order = ["launch", "hang", "simple_topic", "fallback"]
        [responders.hang]
        type = "hang_forever"
    """))
    db = tmp_path / "log.db"
    path = [str(ROOT), str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", "from cli.main import main; main()", "chat", "--config",
                           str(config), "--db", str(db)], input="hello there\ni like rivers\n/quit\n",
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from turns where user_text is not null").fetchone()[0] == 2
        assert conn.execute("select end_reason from conversations").fetchall() == [("user_quit",)]


def _soon(seconds: float) -> float:
    return time.monotonic() + seconds


def _wait_until(condition, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)
