"""Eval throughput on a generated log (target: >= 20,000 turns/s on 2 cores, language model excluded).

Usage:  python bench/eval_throughput.py [--turns 100000] [--db PATH] [--keep]

Generates a log shaped like the default bot's (22 responders: ~30 responder runs and ~8 candidates
per turn, annotations and initiative details of real size, offense and dissatisfaction on some
turns, two experiments) with the real schema, then times ``chirpy eval``'s work (load + every metric,
no rendering) and, as baselines measured in the same run:
  - floor: SQLite merely fetching the turns' JSON columns (nothing decoded);
  - naive: ``select *`` on turns, candidates and runs with every JSON column decoded in Python.
Figures are wall-clock on a shared machine: expect noise, compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chirpy.store import SQLiteStore  # noqa: E402
from eval.log import load_log  # noqa: E402
from eval.report import evaluate  # noqa: E402

RESPONDERS = ["launch", "closing", "offense", "repeat", "complaint", "change_topic", "bot_facts", "neural", "movies",
              "music", "books", "food", "travel", "sports", "animals", "games", "school_work", "hobbies", "tv",
              "science", "reaction", "fallback"]
SPEAKERS = ["neural", "movies", "music", "fallback", "reaction", "offense", "animals"]
WORDS = ("i like watching movies with my friends on the weekend and my dog loves long walks in the park "
         "what do you think about music books science football cooking travel").split()
STRATEGIES = ["avoidance_redirect", "empathetic_name_redirect", "why"]
TYPES = ["clarification", "criticism", "repetition", "change_topic", "end_conversation"]


def generate(path: Path, n_turns: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    SQLiteStore(path).close()  # the real schema
    conn = sqlite3.connect(path)
    conv_rows, turn_rows, cand_rows, run_rows = [], [], [], []
    turn_id = 0
    cid_n = 0
    while turn_id < n_turns:
        cid_n += 1
        cid = f"conv-{cid_n:06d}"
        arms = {"offense_strategy": rng.choice(STRATEGIES), "backchannel": rng.choice(["0", "33", "66"])}
        arms_json = json.dumps(arms, separators=(",", ":"))
        length = min(rng.randint(3, 37), n_turns - turn_id)
        conv_rows.append((cid, "2026-01-01T00:00:00", rng.choice(["user_goodbye", "replay_input_exhausted", None]),
                          arms_json, length, "{}", 1))
        for index in range(length):
            turn_id += 1
            launch = index == 0
            words = [rng.choice(WORDS) for _ in range(rng.randint(1, 18))]
            text = " ".join(words)
            offensive = not launch and rng.random() < 0.05
            dissatisfied = [] if launch or rng.random() > 0.1 else [rng.choice(TYPES)]
            annotations = {
                "text": text, "raw_length": len(text), "truncated": False, "is_launch": launch, "is_empty": False,
                "is_english": True, "tokens": words + ["?"], "noun_phrases": words[: rng.randint(0, 3)],
                "entities": [], "is_question": False, "is_yes_no_question": False, "is_command": False,
                "is_yes": False, "is_no": False, "is_backchannel": False, "user_name": None,
                "offense": None if launch else {"is_offensive": offensive, "types": ["curse"] if offensive else [],
                                                "self_harm": False, "mild": [], "matches": [], "type": None},
                "dissatisfaction": dissatisfied, "extra": {},
            }
            speaker = "offense" if offensive else ("launch" if launch else rng.choice(SPEAKERS))
            details = {
                "response_meta": {"offense_arm": arms["offense_strategy"], "offense_action": "strategy"} if offensive else {},
                "initiative": {"arms": {"backchannel": arms["backchannel"]}, "action": "none",
                               "user_measures": None if launch else {
                                   "tokens": len(words), "noun_phrases": 1, "nll": round(rng.uniform(10, 80), 3),
                                   "responds_to": {"action": rng.choice(["none", "backchannel"]),
                                                   "ends_with_question": rng.random() < 0.5, "statement_type": "opinion"}},
                               "backchannel": {"eligible": True, "skip": None, "applied": False}},
            }
            turn_rows.append((turn_id, cid, index, None if launch else text, f"bot says {text} ok?", speaker, None,
                              rng.uniform(5, 400), arms_json, json.dumps(annotations, separators=(",", ":")), 0,
                              json.dumps(details, separators=(",", ":"))))
            for k in range(8):
                responder = speaker if k == 0 else rng.choice(RESPONDERS)
                scores = {"dissatisfaction": round(rng.random(), 4), "likelihood": -2.1} if responder == "neural" else {}
                cand_rows.append((turn_id, cid, index, "response", responder, f"candidate {k} {text}", 3, k,
                                  int(k == 0), None, 0, 0, json.dumps(scores), "{}"))
            for k, responder in enumerate(RESPONDERS + RESPONDERS[: rng.randint(0, 10)]):
                status = "timeout" if responder == "neural" and rng.random() < 0.02 else "ok"
                run_rows.append((turn_id, cid, index, responder, "response" if k < len(RESPONDERS) else "prompt",
                                 status, rng.expovariate(1 / (300 if responder == "neural" else 2)), None, 1))
    with conn:
        conn.executemany("insert into conversations (id, created_at, end_reason, arms, n_turns, state, state_version) "
                         "values (?,?,?,?,?,?,?)", conv_rows)
        conn.executemany("insert into turns (id, conversation_id, turn_index, user_text, bot_text, response_responder, "
                         "prompt_responder, latency_ms, arms, annotations, ended, details) values (?,?,?,?,?,?,?,?,?,?,?,?)",
                         turn_rows)
        conn.executemany("insert into candidates (turn_id, conversation_id, turn_index, kind, responder, text, priority, "
                         "rank, chosen, rejected, needs_prompt, is_question, scores, meta) "
                         "values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cand_rows)
        conn.executemany("insert into responder_runs (turn_id, conversation_id, turn_index, responder, phase, status, "
                         "latency_ms, error, n_candidates) values (?,?,?,?,?,?,?,?,?)", run_rows)
    conn.close()
    print(f"generated {len(turn_rows):,} turns, {len(cand_rows):,} candidates, {len(run_rows):,} runs "
          f"in {len(conv_rows):,} conversations")


def floor(path: Path) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    for _ in conn.execute("select annotations, details from turns"):
        pass
    conn.close()
    return time.perf_counter() - started


def naive(path: Path) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    for table, columns in (("turns", ("arms", "annotations", "details")), ("candidates", ("scores", "meta")),
                           ("responder_runs", ())):
        for row in conn.execute(f"select * from {table}"):
            record = dict(row)
            for column in columns:
                record[column] = json.loads(record[column])
    conn.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None, help="Reuse (or create) this generated log.")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs; the best is reported.")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "bench.db"
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.turns)
        print(f"(generation took {time.perf_counter() - started:.1f} s, not measured)")
    evaluate(load_log(path))  # warm-up: imports (numpy, scipy) and the OS page cache
    n = load_log(path).n_turns
    rows = [("floor (fetch JSON, no decode)", lambda: floor(path)),
            ("naive (select *, json.loads)", lambda: naive(path)),
            ("chirpy eval (load + metrics)", lambda: evaluate(load_log(path)))]
    results = {}
    print(f"{n:,} turns; best of {args.repeat}; wall = elapsed, cpu = process CPU time over all threads")
    for label, work in rows:
        wall, cpu = min(_timed(work) for _ in range(args.repeat))
        results[label] = wall
        print(f"  {label:30s} wall {wall:6.2f} s {n / wall:>9,.0f} turns/s   cpu {cpu:6.2f} s {n / cpu:>9,.0f} turns/s")
    ours, naive_s, floor_s = results[rows[2][0]], results[rows[1][0]], results[rows[0][0]]
    print(f"chirpy eval: {n / ours:,.0f} turns/s wall (target >= 20,000), {naive_s / ours:.1f}x faster than naive, "
          f"{ours / floor_s:.1f}x the fetch-only floor")
    tmp.cleanup()


def _timed(work) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    main()
