"""Bot errors found automatically: saying the same thing again, and asking what was already answered.

Each spoken part of a bot turn (response, prompt) is compared with every earlier part of the same
conversation, as sets of lower-cased words. *Exact* repetition: the same words in the same order.
*Near* repetition: word-set Jaccard similarity at or above ``near`` (default 0.8). Parts under
``min_words`` words are skipped: back-channels ("I see.") are meant to recur. A *question already
answered* is a bot question that repeats (exactly or nearly) an earlier bot question that the user
answered with a non-empty, non-dissatisfied reply. Rates are per part, per responder, with intervals
clustered by conversation.
"""

from __future__ import annotations

import re
from typing import Any

from eval.log import Conversation, Log
from eval.stats import clustered_proportion

WORD = re.compile(r"[a-z0-9']+")
NEAR = 0.8
MIN_WORDS = 3


ERRORS = ("exact_repetition", "near_repetition", "answered_question")


def bot_error_report(log: Log, near: float = NEAR, min_words: int = MIN_WORDS) -> dict[str, Any]:
    # responder -> conversation id -> [parts, exact, near, answered]
    counts: dict[str, dict[str, list[int]]] = {}
    for conversation in log.conversations:
        for responder, _, error in find_errors(conversation, near, min_words):
            row = counts.setdefault(responder, {}).setdefault(conversation.id, [0, 0, 0, 0])
            row[0 if error is None else 1 + ERRORS.index(error)] += 1
    rows = []
    for responder, per_conversation in sorted(counts.items()):
        parts = [c[0] for c in per_conversation.values()]
        entry: dict[str, Any] = {"responder": responder, "parts": sum(parts)}
        for i, error in enumerate(ERRORS, 1):
            found = clustered_proportion([c[i] for c in per_conversation.values()], parts)
            entry[error], entry[f"{error}_rate"], entry[f"{error}_ci"] = found["k"], found["rate"], found["ci"]
        rows.append(entry)
    total = sum(r["parts"] for r in rows)
    totals = {e: sum(r[e] for r in rows) for e in ERRORS}
    return {"status": "ok", "parts": total, "totals": totals,
            "rates": {e: (k / total if total else None) for e, k in totals.items()},
            "by_responder": rows, "near_threshold": near, "min_words": min_words}


def find_errors(conversation: Conversation, near: float = NEAR,
                min_words: int = MIN_WORDS) -> list[tuple[str, int, str | None]]:
    """(responder, turn index, None) for every part, plus (responder, turn index, error) for each error found."""
    answered_after = _answered_turns(conversation)
    found: list[tuple[str, int, str | None]] = []
    said: set[tuple[str, ...]] = set()
    # Earlier parts as (word set, its size, asked as a question that the user then answered).
    earlier: list[tuple[frozenset[str], int, bool]] = []
    for part in conversation.parts:
        found.append((part.responder, part.turn_index, None))
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
            found.append((part.responder, part.turn_index, "exact_repetition"))
        elif near_hit:
            found.append((part.responder, part.turn_index, "near_repetition"))
        if answered:
            found.append((part.responder, part.turn_index, "answered_question"))
        said.add(words)
        earlier.append((bag, size, part.is_question and part.turn_index in answered_after))
    return found


def _answered_turns(conversation: Conversation) -> set[int]:
    """Bot turns whose next user turn is a real answer: not empty, not a complaint or a 'huh?'."""
    by_index = {t.index: t for t in conversation.turns}
    return {i for i in by_index
            if (reply := by_index.get(i + 1)) is not None and not reply.launch and reply.tokens > 0
            and not reply.dissatisfaction}
