"""A responder that hangs (ignores the cancel signal, never returns) among the default responders:
does the bot keep answering, does the thread pool stay bounded, and does the process still exit?

    python bench/hanging_responder.py [--turns 200] [--deadline 2.0] [--exit-wait 30]

Two child processes run the same user turns with the default configuration (scripted responders;
no neural model): the baseline without the hanging responder, then the scenario with it (it hangs
in both phases, response and prompt). For each it prints the replies that are not the last-resort
line, turn latency, live threads and queued calls over time, and how long the process took to exit
after its last turn (a process still alive after --exit-wait seconds is killed and reported so).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
# What the simulated user says, in order (cycled); shared with bench/load_test.py. None ends a conversation.
USER_LINES: list[str] = json.loads((HERE / "load_test_utterances.json").read_text())["utterances"]
SAMPLE_EVERY = 20  # turns between samples of threads and queue


def pool_figures(runner: Any) -> tuple[int, int]:
    """(threads, queued calls) of the bot's responder pool; reads the old ThreadPoolExecutor too,
    so the same script measures the code before the fix."""
    if hasattr(runner, "stats"):
        stats = runner.stats()
        return stats.threads, stats.queued
    pool = runner._pool  # before the fix: a concurrent.futures.ThreadPoolExecutor
    return len(pool._threads), pool._work_queue.qsize()


def child(turns: int, deadline: float, hang: bool) -> None:
    sys.path.append(str(HERE.parent))  # PYTHONPATH, if set, wins
    from chirpy.bot import LAST_RESORT, Bot
    from chirpy.config import Config
    from chirpy.registry import responders
    from chirpy.responder import Responder, TurnContext

    forever = threading.Event()
    log_lines = _count_log_lines()

    @responders.register("bench_hang")
    class HangingResponder(Responder):
        """Blocks forever and never looks at ctx.cancelled: a stuck network call, a deadlock."""

        def respond(self, ctx: TurnContext) -> None:
            forever.wait()

        def prompt(self, ctx: TurnContext) -> None:
            forever.wait()

    with tempfile.TemporaryDirectory() as tmp:
        overrides: dict[str, Any] = {"bot.db": str(Path(tmp) / "bench.db"), "bot.deadline_seconds": deadline,
                                     "responders.neural.model": ""}
        if hang:
            order = Config.load().responder_order
            order.insert(order.index("fallback"), "bench_hang")
            overrides["responders.order"] = order
        config = Config.load(None, overrides)
        bot = Bot(config)
        good, latencies, first_last_resort = 0, [], None
        conversation = bot.start("bench-0").conversation_id
        line, n_conversations = 0, 1
        for turn in range(1, turns + 1):
            started = time.monotonic()
            result = bot.respond(conversation, USER_LINES[line % len(USER_LINES)])
            latencies.append((time.monotonic() - started) * 1000)
            line += 1
            if result.text.startswith(LAST_RESORT):
                first_last_resort = first_last_resort or turn
            else:
                good += 1
            if result.ended or line % len(USER_LINES) == 0:
                conversation = bot.start(f"bench-{n_conversations}").conversation_id
                n_conversations += 1
            if turn % SAMPLE_EVERY == 0 or turn == 1:
                threads, queued = pool_figures(bot.runner)
                print(json.dumps({"sample": {"turn": turn, "threads": threading.active_count(),
                                             "pool_threads": threads, "queued": queued,
                                             "turn_ms": round(latencies[-1], 1)}}), flush=True)
        threads, queued = pool_figures(bot.runner)
        quarantined = list(getattr(bot.runner.stats(), "quarantined", [])) if hasattr(bot.runner, "stats") else []
        print(json.dumps({"summary": {
            "turns": turns, "not_last_resort": good, "first_last_resort": first_last_resort,
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1),
            "max_ms": round(max(latencies), 1), "total_s": round(sum(latencies) / 1000, 1),
            "threads_end": threading.active_count(), "queued_end": queued, "quarantined": quarantined,
            "log_lines": dict(log_lines),
        }}), flush=True)
        bot.close()
    print(json.dumps({"closing": True}), flush=True)
    # Returning from main lets the interpreter exit normally: it joins non-daemon threads, so a
    # pool of stuck non-daemon workers keeps the process alive here.


def _count_log_lines() -> Counter[str]:
    """Warnings per logger, counted instead of printed: how much a stuck responder floods the log."""
    counts: Counter[str] = Counter()

    class Counting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            counts[record.name] += 1

    root = logging.getLogger()
    root.addHandler(Counting(logging.WARNING))
    root.setLevel(logging.WARNING)
    return counts


def run_child(turns: int, deadline: float, hang: bool, exit_wait: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--turns", str(turns), "--deadline", str(deadline)]
    if hang:
        command.append("--hang")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    samples: list[dict[str, Any]] = []
    summary: dict[str, Any] = {}
    closed_at = None
    assert process.stdout is not None
    for raw in process.stdout:
        record = json.loads(raw)
        if "sample" in record:
            samples.append(record["sample"])
            s = record["sample"]
            print(f"  turn {s['turn']:>4}: {s['threads']:>3} threads ({s['pool_threads']} in the pool), "
                  f"{s['queued']:>5} queued, this turn {s['turn_ms']:.0f} ms", flush=True)
        elif "summary" in record:
            summary = record["summary"]
        elif "closing" in record:
            closed_at = time.monotonic()
            break
    if closed_at is None:
        closed_at = time.monotonic()
    try:
        process.wait(timeout=exit_wait)
        exit_s: float | None = time.monotonic() - closed_at
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        exit_s = None
    return {"summary": summary, "samples": samples, "exit_s": exit_s, "returncode": process.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--deadline", type=float, default=2.0, help="[bot] deadline_seconds")
    parser.add_argument("--exit-wait", type=float, default=30.0, help="seconds to wait for the process to exit")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--hang", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.turns, args.deadline, args.hang)
        return

    results = {}
    for name, hang in (("baseline (no hanging responder)", False), ("with a hanging responder", True)):
        print(f"{name}: {args.turns} turns, deadline {args.deadline} s", flush=True)
        results[name] = run_child(args.turns, args.deadline, hang, args.exit_wait)
    print()
    print(f"{'run':<34} {'not last-resort':>16} {'first last-resort':>18} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'max ms':>8} {'turns s':>8} {'threads':>8} {'queued':>7} {'exit s':>8}")
    for name, result in results.items():
        s = result["summary"]
        max_threads = max((x["threads"] for x in result["samples"]), default=0)
        max_queued = max((x["queued"] for x in result["samples"]), default=0)
        exit_s = "hung" if result["exit_s"] is None else f"{result['exit_s']:.2f}"
        print(f"{name:<34} {s.get('not_last_resort', '?'):>10} / {s.get('turns', '?'):<4} "
              f"{str(s.get('first_last_resort') or '-'):>18} {s.get('p50_ms', '?'):>8} {s.get('p95_ms', '?'):>8} "
              f"{s.get('max_ms', '?'):>8} {s.get('total_s', '?'):>8} {max_threads:>8} {max_queued:>7} {exit_s:>8}")
        if s.get("quarantined"):
            print(f"{'':<34} quarantined at the end: {', '.join(s['quarantined'])}")
        lines = ", ".join(f"{name} {n}" for name, n in sorted(s.get("log_lines", {}).items())) or "none"
        print(f"{'':<34} warning lines logged: {lines}")
    print(f"(threads and queued: the most seen in samples every {SAMPLE_EVERY} turns; "
          f"exit s: from the last turn's close to process exit, 'hung' = still alive after {args.exit_wait:.0f} s)")


if __name__ == "__main__":
    main()
