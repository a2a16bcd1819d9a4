"""Replay Topical-Chat under each back-channel arm and print the user-initiative measures per arm.

Usage:  python bench/initiative_replay.py [DATA_FILE] [--limit 100] [--out DIR] [--experiment backchannel]
                                         [--arms 0,33,66,100] [--config FILE] [--lm MODEL_DIR] [--side agent_1]

DATA_FILE defaults to ../shared/data/topical_chat/valid_freq.json (relative to the project root).
Writes one log per arm of the experiment (``DIR/<experiment>_<arm>.db``, default DIR
/tmp/chirpy_initiative_replay; default experiment: backchannel, also question_removal / statement_type)
with the same conversations and the other arms at their configured defaults, then prints per arm:
mean user tokens, distinct noun phrases, NLL (with --lm), the observed back-channel rate (of the
turns where one was allowed, and of all bot turns), the share of removable questions said as
statements, and the share of bot turns ending in a question; then the same measures grouped by what
the bot did in the turn the user answered.

Caveat: replayed user utterances were written to another human, not to this bot, so they do not
react to back-channels; the per-arm user measures show that the logging works end to end, while
the rates show the controller doing what each arm says. Only live users can answer the research
question. Timing figures on a shared 2-core machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from chirpy.bot import Bot  # noqa: E402
from chirpy.config import Config  # noqa: E402
from chirpy.replay import read_conversations, replay  # noqa: E402
from eval.initiative import by_previous_move, controller_summary  # noqa: E402
from eval.log import load_log  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "topical_chat" / "valid_freq.json"


def run_arm(arm: str, conversations: list, args: argparse.Namespace) -> tuple[Path, float, int]:
    db = Path(args.out) / f"{args.experiment}_{arm}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    overrides = {"bot.db": str(db)}
    if args.lm:
        overrides["initiative.lm_model"] = args.lm
    bot = Bot(Config.load(args.config, overrides=overrides), arm_overrides={args.experiment: arm})
    started = time.perf_counter()
    try:
        summary = replay(bot, conversations, limit=args.limit)
    finally:
        bot.close()
    return db, time.perf_counter() - started, summary.turns


def fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    return "-" if value is None else pattern.format(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--out", default="/tmp/chirpy_initiative_replay")
    parser.add_argument("--experiment", default="backchannel",
                        choices=["backchannel", "question_removal", "statement_type"])
    parser.add_argument("--arms", default=None, help="comma-separated (default: all arms of the experiment)")
    parser.add_argument("--config", default=None)
    parser.add_argument("--lm", default=None, help="local causal LM directory: also log user-utterance NLL")
    parser.add_argument("--side", default="agent_1")
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    declared = Config.load(args.config).experiments.get(args.experiment, {}).get("arms", [])
    args.arms = args.arms or ",".join(declared)
    conversations = read_conversations(args.data, side=args.side)[: args.limit]

    figures = {}
    print(f"{len(conversations)} conversations from {args.data}; logs in {args.out}")
    for arm in args.arms.split(","):
        db, seconds, turns = run_arm(arm.strip(), conversations, args)
        (summary,) = [s for s in controller_summary(db, args.experiment) if s.arm == arm.strip()]
        figures[arm] = {**summary.to_dict(), "seconds": round(seconds, 1), "ms_per_turn": round(1000 * seconds / max(1, turns), 1),
                        "by_previous_move": by_previous_move(load_log(db)), "db": str(db)}
        print(f"  arm {arm:>3}: {turns} user turns in {seconds:.1f} s ({figures[arm]['ms_per_turn']} ms/turn, noisy)")

    print()
    header = f"{args.experiment + ' arm':>20} {'convs':>5} {'bot turns':>9} {'user tokens':>11} {'distinct NPs':>12} " \
             f"{'NLL':>7} {'bc/eligible':>11} {'bc/bot turns':>12} {'eligible':>8} {'q removed':>9} {'ends with ?':>11}"
    print(header)
    print("-" * len(header))
    for arm, f in figures.items():
        print(f"{arm:>20} {f['conversations']:>5} {f['bot_turns']:>9} {fmt(f['mean_tokens']):>11} "
              f"{fmt(f['mean_noun_phrases']):>12} {fmt(f['mean_nll']):>7} "
              f"{fmt(f['backchannel_rate_eligible'], '{:.1%}'):>11} {fmt(f['backchannel_share_of_bot_turns'], '{:.1%}'):>12} "
              f"{f['backchannel_eligible']:>8} {fmt(f['question_removal_rate_eligible'], '{:.1%}'):>9} "
              f"{fmt(f['question_rate_of_bot_turns'], '{:.1%}'):>11}")
    print()
    for arm, f in figures.items():
        print(f"arm {arm}: back-channel not allowed because {f['backchannel_skips']}")
        print(f"arm {arm}: questions kept because {f['question_skips']} "
              f"(removed {f['questions_removed']} of {f['question_eligible']} removable)")
    print()
    print("user measures by what the bot did in the turn they answer (all arms pooled):")
    pooled: dict[str, list] = {}
    for f in figures.values():
        for key, group in f["by_previous_move"].items():
            pooled.setdefault(key, []).append(group)
    for key, groups in sorted(pooled.items()):
        n = sum(g["user_turns"] for g in groups)
        tokens = sum(g["tokens_mean"] * g["user_turns"] for g in groups) / n
        nps = sum(g["noun_phrases_mean"] * g["user_turns"] for g in groups) / n
        print(f"  after {key:<17} n={n:<5} tokens {tokens:5.2f}  distinct NPs {nps:4.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
