"""Training examples from a chirpy conversation log, read through the store (SQLite or PostgreSQL).

Every bot turn that the user answered becomes one example: the conversation up to it, what the bot
said, and whether the detector finds dissatisfaction in the user's next utterance. Labels are
recomputed from the text (not read from the logged annotations), so improving the detector
relabels old logs for free. The generator's likelihood of the chosen neural line, when logged in
its candidate ``scores``, rides along for the likelihood baseline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from pathlib import Path

from chirpy.store import LogStore, reading
from classifiers.dissatisfaction.train import Example, examples_from_turns

LIKELIHOOD_KEYS = ("likelihood", "mean_logprob")
"""Candidate score names that hold the generator's mean token log-probability."""


def _likelihood(scores_json: str | None) -> float | None:
    try:
        scores = json.loads(scores_json or "{}")
    except (TypeError, ValueError):
        return None
    if not isinstance(scores, dict):
        return None
    for key in LIKELIHOOD_KEYS:
        value = scores.get(key)
        if isinstance(value, (int, float)) and math.isfinite(value):
            return float(value)
    return None


def read_examples(location: str | Path | LogStore, responders: Collection[str] = ()) -> list[Example]:
    """Examples from every conversation in the log at ``location`` (an SQLite path or a postgresql://
    URL, opened read-only through the store, schema version checked).

    ``responders`` limits the examples to bot turns whose response came from those responders
    (e.g. ``{"neural"}``); the context still includes every turn.
    """
    with reading(location) as reader:
        likelihoods: dict[tuple[str, int], float] = {}
        for cid, index, scores in reader.chosen_response_scores():
            value = _likelihood(scores)
            if value is not None:
                likelihoods[(cid, index)] = value
        rows = reader.dialogue()

    examples: list[Example] = []
    wanted = set(responders)
    by_conversation: dict[str, list[tuple[int, str, str, str]]] = {}
    for cid, index, user, bot, responder in rows:
        by_conversation.setdefault(cid, []).append((index, user or "", bot or "", responder or ""))
    for cid, turns in by_conversation.items():
        triples = [(user, bot, likelihoods.get((cid, index))) for index, user, bot, _ in turns]
        for example in examples_from_turns(cid, triples):
            if not wanted or turns[example.position][3] in wanted:
                examples.append(example)
    return examples
