"""Benchmark: the neural candidate filters per turn, deep into a conversation.

20 candidates against a 40-turn history (80 utterances): the filters as they run now (what they
derive from the conversation is built once per turn, ``FilterContext.derived``) against building it
for every candidate (what they did before), in the same run. Synthetic chit-chat, written here.

    .venv/bin/python bench/neural_filters.py [--turns 40] [--repeats 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from responders.neural.filters import FilterContext, build_filters, first_rejection  # noqa: E402

USER = ["i went for a walk by the river with my sister", "we had pasta for dinner and watched a film",
        "my dog chased a squirrel up a tree", "work was long but my team finished the project",
        "i am reading a book about the ocean", "the weather was sunny so we sat outside"]
BOT = ["That sounds like a relaxing afternoon. What did you see?", "Pasta is a great choice. What film was it?",
       "Dogs love a chase! Did it get away?", "Finishing a project feels good. What was it about?",
       "The ocean is fascinating. What have you learned so far?", "Sunny days are the best. Where did you sit?"]
CANDIDATES = [f"{BOT[i % 6].split('.')[0]} and {USER[(i + 2) % 6]}? I like {w}."
              for i, w in enumerate(["music", "rain", "trains", "tea", "maps", "birds", "soup", "clouds", "games",
                                     "bikes", "snow", "cats", "jazz", "hills", "boats", "bread", "stars", "chess",
                                     "kites", "lakes"])]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--turns", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args()
    user = [f"{USER[i % 6]} on day {i}" for i in range(args.turns)]
    bot = [f"{BOT[i % 6]} (number {i})" for i in range(args.turns)]
    filters = build_filters()

    def per_turn() -> list:
        ctx = FilterContext(user_turns=user, bot_turns=bot)
        return [first_rejection(text, ctx, filters) for text in CANDIDATES]

    def per_candidate() -> list:
        return [first_rejection(text, FilterContext(user_turns=user, bot_turns=bot), filters) for text in CANDIDATES]

    assert per_turn() == per_candidate()
    times: dict[str, list[float]] = {"once per turn": [], "per candidate (before)": []}
    for _ in range(args.repeats):
        for name, fn in (("once per turn", per_turn), ("per candidate (before)", per_candidate)):
            started = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - started) * 1000)
    print(f"{len(CANDIDATES)} candidates, {args.turns} turns of history, filters: {', '.join(f.name for f in filters)}")
    for name, samples in times.items():
        print(f"  {name:<24} median {statistics.median(samples):6.2f} ms per turn")


if __name__ == "__main__":
    main()
