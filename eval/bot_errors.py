"""Bot errors found automatically: saying the same thing again, and asking what was already answered.

Each spoken part of a bot turn (response, prompt) is compared with every earlier part of the same
conversation, as sets of lower-cased words. *Exact* repetition: the same words in the same order.
*Near* repetition: word-set Jaccard similarity at or above ``near`` (default 0.8). Parts under
``min_words`` words are skipped: back-channels ("I see.") are meant to recur. A *question already
answered* is a bot question that repeats (exactly or nearly) an earlier bot question that the user
answered with a non-empty, non-dissatisfied reply. Rates are per part, per responder.
"""

from __future__ import annotations

import re
from typing import Any

from eval.log import Conversation, Log
from eval.stats import proportion_se

WORD = re.compile(r"[a-z0-9']+")
NEAR = 0.8
MIN_WORDS = 3


def bot_error_report(log: Log, near: float = NEAR, min_words: int = MIN_WORDS) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = {}
    for conversation in log.conversations:
        for responder, error in _errors(conversation, near, min_words):
            row = counts.setdefault(responder, {"parts": 0, "exact_repetition": 0, "near_repetition": 0,
                                                "answered_question": 0})
            if error is None:
                row["parts"] += 1
            else:
                row[error] += 1
    rows = []
    for responder, row in sorted(counts.items()):
        n = row["parts"]
        entry: dict[str, Any] = {"responder": responder, "parts": n}
        for error in ("exact_repetition", "near_repetition", "answered_question"):
            entry[error] = row[error]
            entry[f"{error}_rate"] = row[error] / n if n else None
            entry[f"{error}_se"] = proportion_se(row[error], n)
        rows.append(entry)
    total = sum(r["parts"] for r in rows)
    totals = {e: sum(r[e] for r in rows) for e in ("exact_repetition", "near_repetition", "answered_question")}
    return {"status": "ok", "parts": total, "totals": totals,
            "rates": {e: (k / total if total else None) for e, k in totals.items()},
            "by_responder": rows, "near_threshold": near, "min_words": min_words}


def _errors(conversation: Conversation, near: float, min_words: int) -> list[tuple[str, str | None]]:
    """(responder, None) for every part, plus (responder, error) for each error found."""
    answered_after = _answered_turns(conversation)
    found: list[tuple[str, str | None]] = []
    said: set[tuple[str, ...]] = set()
    # Earlier parts as (word set, its size, asked as a question that the user then answered).
    earlier: list[tuple[frozenset[str], int, bool]] = []
    for part in conversation.parts:
        found.append((part.responder, None))
        words = tuple(WORD.findall(part.text.lower()))
        if len(words) < min_words:
            continue
        bag = frozenset(words)
        size = len(bag)
        exact = words in said
        # Jaccard >= near needs the sizes within a factor near of each other: a cheap test first.
        low, high = near * size, size / near
        near_hit = answered = False
        for prev_bag, prev_size, prev_answered in earlier:
            if low <= prev_size <= high:
                shared = len(bag & prev_bag)
                if shared >= near * (size + prev_size - shared):
                    near_hit = True
                    answered = answered or (part.is_question and prev_answered)
        if exact:
            found.append((part.responder, "exact_repetition"))
        elif near_hit:
            found.append((part.responder, "near_repetition"))
        if answered:
            found.append((part.responder, "answered_question"))
        said.add(words)
        earlier.append((bag, size, part.is_question and part.turn_index in answered_after))
    return found


def _answered_turns(conversation: Conversation) -> set[int]:
    """Bot turns whose next user turn is a real answer: not empty, not a complaint or a 'huh?'."""
    by_index = {t.index: t for t in conversation.turns}
    return {i for i in by_index
            if (reply := by_index.get(i + 1)) is not None and not reply.launch and reply.tokens > 0
            and not reply.dissatisfaction}
