"""Drive the scripted bot (no neural model) with Topical-Chat users and print how it held up.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/scripted_replay.py [--data ../shared/data/topical_chat/valid_freq.json]
        [--n 100] [--db /tmp/scripted_replay.db] [--no-shapers] [--show 1]

agent_1's messages play the user (via ``chirpy.replay``). Printed per run: share of user turns the
universal fallback answered, bot utterances repeated within a conversation, turns with a responder
error, who answered how often, and per-turn latency p50/p95 (noisy on a shared machine: compare
runs made at the same time, not absolute numbers).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chirpy.bot import Bot  # noqa: E402
from chirpy.config import Config  # noqa: E402
from chirpy.replay import read_conversations, replay  # noqa: E402
from chirpy.text import normalise_for_comparison  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "topical_chat" / "valid_freq.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=100, help="conversations to replay")
    parser.add_argument("--db", default=None, help="log database (default: a temporary file)")
    parser.add_argument("--no-shapers", action="store_true", help="turn the initiative controller off")
    parser.add_argument("--show", type=int, default=0, help="print this many transcripts")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"error: no Topical-Chat file at {args.data} (pass --data)")

    db = args.db or tempfile.mktemp(suffix=".db", prefix="scripted_replay_")
    settings: dict = {"bot": {"db": db}, "responders": {"neural": {"model": ""}}}
    if args.no_shapers:
        settings["pipeline"] = {"shapers": []}
    bot = Bot(Config.from_dict(settings))
    conversations = read_conversations(args.data, fmt="topical", side="agent_1")[: args.n]

    results: list = []
    replay(bot, conversations, on_turn=results.append)
    bot.close()

    user_turns = [r for r in results if not r.annotations.is_launch]
    by_conversation: dict[str, list] = {}
    for r in results:
        by_conversation.setdefault(r.conversation_id, []).append(r)
    repeats = []
    for cid, turns in by_conversation.items():
        seen: set[str] = set()
        for r in turns:
            key = normalise_for_comparison(r.text)
            if key in seen:
                repeats.append((cid, r.turn_index, r.text))
            seen.add(key)
    error_turns = [r for r in results if any(run.status == "error" for run in r.runs)]
    timeouts = sum(1 for r in results for run in r.runs if run.status == "timeout")
    fallback = [r for r in user_turns if r.response.responder == "fallback"]
    last_resort = [r for r in user_turns if r.response.responder == "last_resort"]
    latencies = sorted(r.latency_ms for r in user_turns)
    answered_by = Counter(r.response.responder for r in user_turns)
    questions = sum(1 for r in user_turns if r.text.rstrip().endswith("?"))

    print(f"data: {args.data.name}  conversations: {len(by_conversation)}  user turns: {len(user_turns)}  log: {db}")
    print(f"universal fallback answered: {len(fallback)} turns = {100 * len(fallback) / max(1, len(user_turns)):.1f}%"
          f"  (last-resort line: {len(last_resort)})")
    print(f"repeated bot utterances within a conversation: {len(repeats)}")
    print(f"turns with a responder error: {len(error_turns)}  responder timeouts: {timeouts}")
    print(f"bot turns ending with a question: {100 * questions / max(1, len(user_turns)):.1f}%")
    print(f"latency per user turn: p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.1f} ms (shared machine: noisy)")
    print("answered by: " + ", ".join(f"{name} {100 * n / len(user_turns):.1f}%" for name, n in answered_by.most_common()))
    for cid, index, text in repeats[:10]:
        print(f"  repeat: {cid} turn {index}: {text}")
    for r in error_turns[:5]:
        print(f"  error: {r.conversation_id} turn {r.turn_index}: " + "; ".join(
            f"{run.responder}: {run.error}" for run in r.runs if run.status == "error"))
    for cid in list(by_conversation)[: args.show]:
        print(f"\n--- {cid}")
        for r in by_conversation[cid]:
            if not r.annotations.is_launch:
                print(f"USER: {r.annotations.text}")
            print(f"BOT  [{r.response.responder}{'+' + r.prompt.responder if r.prompt else ''}]: {r.text}")


if __name__ == "__main__":
    main()
