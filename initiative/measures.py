"""User-initiative measures of one user utterance: length, distinct noun phrases, surprisal.

These are the research's three measures. They belong to the *bot turn the utterance answers*, so
the controller logs them at turn t+1 together with a copy of what it did at turn t — eval can group
"how did users answer a back-channel / a question / a statement" without joining turns.
"""

from __future__ import annotations

from typing import Any, Protocol

from chirpy.annotations import Annotations


class UtteranceScorer(Protocol):
    """Negative log-likelihood of ``text`` after ``history`` (oldest first), in nats."""

    def nll(self, history: list[str], text: str) -> tuple[float, int]: ...


def content_tokens(ann: Annotations) -> int:
    """spaCy tokens that carry letters or digits: punctuation is not initiative."""
    return sum(1 for token in ann.tokens if any(ch.isalnum() for ch in token))


def user_measures(ann: Annotations, history: list[str], scorer: UtteranceScorer | None) -> dict[str, Any]:
    measures: dict[str, Any] = {
        "tokens": content_tokens(ann),
        "noun_phrases": len({np.lower() for np in ann.noun_phrases}),
    }
    if scorer is not None and ann.text.strip():
        total, count = scorer.nll(history, ann.text)
        measures["nll"] = round(total, 4)
        measures["nll_per_token"] = round(total / max(1, count), 4)
    return measures
