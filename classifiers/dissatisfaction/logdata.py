"""Training examples from a chirpy conversation log, read through the store (SQLite or PostgreSQL).

Every bot turn that the user answered becomes one example: the conversation up to it, what the bot
said, and whether the user's next utterance shows dissatisfaction — by the detector (recomputed from the
text, not read from the logged annotations, so improving the detector relabels old logs for free), by
the people who reviewed the conversation in ``chirpy review`` (``labels="human"``: reviewed
conversations only), or by people where they reviewed and the detector elsewhere (``labels="both"``). The generator's likelihood of the chosen neural line, when logged in
its candidate ``scores``, rides along for the likelihood baseline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from chirpy.store import LogStore, reading
from classifiers.dissatisfaction.train import Example, TrainingError, examples_from_turns

LABEL_SOURCES = ("detector", "human", "both")

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


def read_examples(location: str | Path | LogStore, responders: Collection[str] = (),
                  labels: str = "detector") -> list[Example]:
    """Examples from every conversation in the log at ``location`` (an SQLite path or a postgresql://
    URL, opened read-only through the store, schema version checked).

    ``responders`` limits the examples to bot turns whose response came from those responders
    (e.g. ``{"neural"}``); the context still includes every turn. ``labels`` picks who says whether the
    next user turn is dissatisfied (``LABEL_SOURCES``); a user turn counts as dissatisfied by people when
    at least half of its conversation's reviewers labelled it so.
    """
    if labels not in LABEL_SOURCES:
        raise TrainingError(f"unknown label source {labels!r} (one of: {', '.join(LABEL_SOURCES)})")
    with reading(location) as reader:
        likelihoods: dict[tuple[str, int], float] = {}
        for cid, index, scores in reader.chosen_response_scores():
            value = _likelihood(scores)
            if value is not None:
                likelihoods[(cid, index)] = value
        rows = reader.dialogue()
        judged = None
        if labels != "detector":
            from eval.labels import DISSATISFACTION, Judgements

            judged = Judgements(reader.labels())
            if not judged.reviewers:
                raise TrainingError(f"{reader.display} has no conversation that a person marked reviewed "
                                    "(label some with `chirpy review`), so there are no human labels to learn from")

    examples: list[Example] = []
    wanted = set(responders)
    by_conversation: dict[str, list[tuple[int, str, str, str]]] = {}
    for cid, index, user, bot, responder in rows:
        by_conversation.setdefault(cid, []).append((index, user or "", bot or "", responder or ""))
    for cid, turns in by_conversation.items():
        triples = [(user, bot, likelihoods.get((cid, index))) for index, user, bot, _ in turns]
        for example in examples_from_turns(cid, triples):
            if wanted and turns[example.position][3] not in wanted:
                continue
            if judged is not None:
                if judged.reviewed(cid):  # people read this conversation: their judgement is the label
                    answer = turns[example.position + 1][0]
                    example = replace(example, label=judged.share(cid, answer, DISSATISFACTION) >= 0.5)
                elif labels == "human":
                    continue
            examples.append(example)
    return examples
