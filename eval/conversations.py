"""Conversations: how many, how long (user turns), how they ended, and how users rated them.

Ratings come from outside the log (an Alexa ratings export, a survey): a CSV of conversation id and
rating, header optional. Per arm means every experiment's arms; per responder means the mean rating
of the conversations in which that responder spoke at least once (the Alexa Prize convention).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np

from eval.log import EvalError, Log
from eval.stats import arm_key, bootstrap_mean, compare_samples, mean, pairwise

LENGTH_BUCKETS = ((0, 0), (1, 2), (3, 5), (6, 10), (11, 20), (21, 50), (51, None))
OPEN = "(still open)"


def read_ratings(path: str | Path) -> dict[str, float]:
    """``conversation_id,rating`` rows; a first row whose rating is not a number is taken as a header."""
    file = Path(path)
    try:
        with file.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise EvalError(f"ratings file not found: {file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"cannot read ratings file {file}: {exc}") from None
    ratings: dict[str, float] = {}
    for lineno, row in enumerate(rows, 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise EvalError(f"{file}:{lineno}: expected 'conversation_id,rating'")
        try:
            value = float(row[1])
        except ValueError:
            if lineno == 1:
                continue  # header
            raise EvalError(f"{file}:{lineno}: rating {row[1]!r} is not a number") from None
        if not math.isfinite(value):
            raise EvalError(f"{file}:{lineno}: rating {row[1]!r} is not a finite number")
        ratings[row[0].strip()] = value
    return ratings


def conversation_report(log: Log, ratings: dict[str, float] | None = None) -> dict[str, Any]:
    lengths = [len(c.user_turns) for c in log.conversations]
    endings: dict[str, int] = {}
    for c in log.conversations:
        endings[c.end_reason or OPEN] = endings.get(c.end_reason or OPEN, 0) + 1
    report: dict[str, Any] = {
        "status": "ok",
        "count": len(lengths),
        "turns": log.n_turns,
        "user_turns": {
            "mean": mean(lengths), "median": float(np.median(lengths)) if lengths else None,
            "min": min(lengths, default=None), "max": max(lengths, default=None),
            "histogram": [{"bucket": _label(lo, hi), "count": sum(1 for n in lengths if n >= lo and (hi is None or n <= hi))}
                          for lo, hi in LENGTH_BUCKETS],
        },
        "endings": [{"reason": r, "count": k, "share": k / len(lengths)}
                    for r, k in sorted(endings.items(), key=lambda rk: (-rk[1], rk[0]))],
        "ratings": _ratings(log, ratings) if ratings is not None else {"status": "not logged",
                                                                       "reason": "no --ratings CSV given"},
    }
    return report


def _label(lo: int, hi: int | None) -> str:
    return f"{lo}+" if hi is None else (str(lo) if lo == hi else f"{lo}-{hi}")


def _ratings(log: Log, ratings: dict[str, float]) -> dict[str, Any]:
    rated = [(c, ratings[c.id]) for c in log.conversations if c.id in ratings]
    if not rated:
        return {"status": "not logged", "reason": f"none of the {len(ratings)} ratings matches a conversation in the log"}
    per_arm: dict[str, dict[str, list[float]]] = {}
    per_responder: dict[str, list[float]] = {}
    for conversation, rating in rated:
        for experiment, arm in conversation.arms.items():
            per_arm.setdefault(experiment, {}).setdefault(arm, []).append(rating)
        for responder in {t.response_responder for t in conversation.turns} | {p.responder for p in conversation.parts}:
            per_responder.setdefault(responder, []).append(rating)
    values = [r for _, r in rated]
    overall = bootstrap_mean(values)
    replay = log.replayed > 0
    by_arm = {}
    comparisons = {}
    for experiment, arms in sorted(per_arm.items()):
        names = sorted(arms, key=arm_key)
        by_arm[experiment] = [{"arm": a, **_mean_row(arms[a])} for a in names]
        comparisons[experiment] = pairwise({a: arms[a] for a in names}, compare_samples, replay=replay)
    return {
        "status": "ok",
        "rated": len(rated),
        "unmatched": len(ratings) - len(rated),
        "mean": overall["mean"], "ci": overall["ci"],
        "by_arm": by_arm,
        "comparisons": comparisons,
        "by_responder": [{"responder": r, **_mean_row(v)} for r, v in sorted(per_responder.items())],
    }


def _mean_row(values: list[float]) -> dict[str, Any]:
    found = bootstrap_mean(values)
    return {"n": found["n"], "mean": found["mean"], "ci": found["ci"]}
