"""Latency of a scripted turn, end to end: clean → spaCy + annotators → responders → selection →
shapers → one SQLite transaction. Compared, in the same run, with spaCy alone on the same
utterances (the floor every turn pays).

Target (issue 2): p50 ≤ 25 ms, p95 ≤ 60 ms on 2 cores, spaCy included.

    python bench/turn_latency.py [--turns 300] [--config FILE]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from chirpy.bot import Bot
from chirpy.config import Config

USER_LINES = [
    "my name is alex",
    "yeah i have a dog",
    "she is a golden retriever called maple",
    "i watched the new dune movie last weekend",
    "what's your favorite movie",
    "i like science fiction a lot especially when the world building is good",
    "are you a robot",
    "let's talk about music",
    "i mostly listen to jazz and some old rock like led zeppelin",
    "i don't know",
    "that makes no sense",
    "what do you think about pizza",
    "i had a long day at work today",
    "ok",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300, help="user turns to measure (≥ 200)")
    parser.add_argument("--config", default=None, help="a config TOML merged over the defaults")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        # Scripted responders only: the neural responder is measured by bench/generation.py.
        overrides = {"bot.db": str(Path(tmp) / "bench.db"), "responders.neural.model": ""}
        bot = Bot(Config.load(args.config, overrides))
        bot.respond("warm-up", "hello there")  # first-call costs (lazy imports, caches) are not per-turn costs

        turn_ms: list[float] = []
        conversations = 0
        while len(turn_ms) < args.turns:
            first = bot.start(f"bench-{conversations}")
            conversations += 1
            for line in USER_LINES:
                started = time.perf_counter()
                result = bot.respond(first.conversation_id, line)
                turn_ms.append((time.perf_counter() - started) * 1000)
                if result.ended or len(turn_ms) >= args.turns:
                    break

        nlp = bot.nlp
        spacy_ms = []
        for _ in range(max(1, args.turns // len(USER_LINES))):
            for line in USER_LINES:
                started = time.perf_counter()
                nlp(line)
                spacy_ms.append((time.perf_counter() - started) * 1000)
        responders = ", ".join(bot.order)
        bot.close()

    p50, p95 = percentile(turn_ms, 0.5), percentile(turn_ms, 0.95)
    s50 = percentile(spacy_ms, 0.5)
    print(f"responders: {responders}")
    print(f"turns measured: {len(turn_ms)} over {conversations} conversations")
    print(f"scripted turn  p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   mean {statistics.fmean(turn_ms):6.1f} ms   max {max(turn_ms):6.1f} ms")
    print(f"spaCy alone    p50 {s50:6.1f} ms   (the turn costs {p50 / s50:.1f}× spaCy at the median)")
    print(f"target p50 ≤ 25 ms: {'met' if p50 <= 25 else 'MISSED'}   target p95 ≤ 60 ms: {'met' if p95 <= 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
