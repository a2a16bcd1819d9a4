"""Dissatisfaction: which bot turns make users unhappy, by responder, by kind, and by predictor score.

A bot turn counts when a user turn follows it in the log; it is *followed by dissatisfaction* when
that next user turn's ``annotations.dissatisfaction`` lists any type. For the neural responder the
chosen candidate's predictor score (``scores[score_key]``) is split into ten equal-count deciles
(by rank), to check that a higher predicted risk goes with more real dissatisfaction. Bot turns are
clustered in conversations, so every share's interval is a Wilson interval widened by its design effect
(``eval.stats.clustered_proportion``).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from eval.log import Log
from eval.stats import clustered_proportion

NEURAL = "neural"
SCORE_KEY = "dissatisfaction"


def dissatisfaction_report(log: Log, neural: str = NEURAL, score_key: str = SCORE_KEY) -> dict[str, Any]:
    pairs = []  # (conversation id, responder, next user turn's types, neural score or None)
    for conversation in log.conversations:
        turns = conversation.turns
        if any(t.response_responder == neural for t in turns):
            chosen = {p.turn_index: p for p in conversation.parts if p.kind == "response" and p.responder == neural}
        else:
            chosen = {}
        for bot_turn, user_turn in zip(turns, turns[1:]):
            if user_turn.index != bot_turn.index + 1 or user_turn.launch:
                continue
            part = chosen.get(bot_turn.index) if chosen else None
            score = _score(part.scores, score_key) if part is not None else None
            pairs.append((conversation.id, bot_turn.response_responder, user_turn.dissatisfaction, score))
    if not any(types for _, _, types, _ in pairs):
        return {"status": "not logged",
                "reason": "no user turn is marked dissatisfied (enable the dissatisfaction annotator)"}
    return {
        "status": "ok",
        "bot_turns": len(pairs),
        "followed_by_dissatisfaction": sum(1 for _, _, types, _ in pairs if types),
        "by_responder": _by_responder(pairs),
        "by_type": _by_type(pairs),
        "neural_deciles": _deciles(pairs, neural, score_key),
    }


def _score(scores: str, key: str) -> float | None:
    if key not in scores:  # cheap test before decoding the JSON
        return None
    value = json.loads(scores).get(key)
    return float(value) if isinstance(value, (int, float)) else None


Pair = tuple[str, str, list[str], float | None]


def share(pairs: list[tuple[str, bool]]) -> dict[str, Any]:
    """The share of (conversation id, hit) units that are hits, clustered by conversation."""
    per: dict[str, list[int]] = {}
    for cid, hit in pairs:
        n_k = per.setdefault(cid, [0, 0])
        n_k[0] += 1
        n_k[1] += bool(hit)
    return clustered_proportion([k for _, k in per.values()], [n for n, _ in per.values()])


def _by_responder(pairs: list[Pair]) -> list[dict[str, Any]]:
    by: dict[str, list[tuple[str, bool]]] = {}
    for cid, responder, types, _ in pairs:
        by.setdefault(responder, []).append((cid, bool(types)))
    rows = []
    for responder, units in sorted(by.items()):
        found = share(units)
        rows.append({"responder": responder, "bot_turns": found["n"], "dissatisfied": found["k"],
                     "share": found["rate"], "ci": found["ci"]})
    return rows


def _by_type(pairs: list[Pair]) -> list[dict[str, Any]]:
    kinds = list(_known_types())
    turns: dict[str, int] = {}  # per conversation: bot turns, and those followed by each type
    hits: dict[str, dict[str, int]] = {}
    for cid, _, types, _ in pairs:
        turns[cid] = turns.get(cid, 0) + 1
        for kind in set(types):
            if kind not in kinds:
                kinds.append(kind)
            by_kind = hits.setdefault(kind, {})
            by_kind[cid] = by_kind.get(cid, 0) + 1
    ids = list(turns)
    sizes = [turns[c] for c in ids]
    rows = []
    for kind in kinds:
        found = clustered_proportion([hits.get(kind, {}).get(c, 0) for c in ids], sizes)
        rows.append({"type": kind, "count": found["k"], "share": found["rate"], "ci": found["ci"]})
    return rows


def _known_types() -> tuple[str, ...]:
    try:  # show every type, zeros included, when the detector is installed
        from classifiers.dissatisfaction import DISSATISFACTION_TYPES
        return tuple(DISSATISFACTION_TYPES)
    except ImportError:
        return ()


def _deciles(pairs: list[Pair], neural: str, key: str) -> dict[str, Any]:
    scored = [(score, bool(types), cid) for cid, responder, types, score in pairs
              if responder == neural and score is not None]
    if not scored:
        return {"status": "not logged", "reason": f"no chosen {neural!r} response carries a {key!r} score"}
    scored.sort(key=lambda st: st[0])
    rows = []
    for i, chunk in enumerate(np.array_split(np.arange(len(scored)), 10), 1):
        if not len(chunk):
            continue
        group = [scored[j] for j in chunk]
        found = share([(cid, hit) for _, hit, cid in group])
        rows.append({"decile": i, "bot_turns": len(group), "score_min": group[0][0], "score_max": group[-1][0],
                     "dissatisfied": found["k"], "share": found["rate"], "ci": found["ci"]})
    return {"status": "ok", "score_key": key, "deciles": rows}
