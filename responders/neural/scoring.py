"""The scorer contract for ranking neural candidates, and the default likelihood scorer.

Why a protocol: the research ranks sampled candidates by a learned dissatisfaction predictor; until
one is trained, the model's own mean token log-likelihood is the baseline. Any scorer registered in
``chirpy.registry.scorers`` can be named by config key ``neural.ranker``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from chirpy.registry import scorers

# How a sampled line ended: "stop" = its own newline/EOS; "sentence" = the deadline stopped it right
# after a sentence end (offered, and logged as such); "length" = max_new_tokens mid-line; "cut" = the
# deadline (or a cancel) stopped it mid-sentence. Only "stop" and "sentence" lines are offered.
Ending = Literal["stop", "sentence", "length", "cut"]
COMPLETE_ENDINGS = frozenset({"stop", "sentence"})


@dataclass
class NeuralCandidate:
    """One sampled continuation of the dialogue history."""

    text: str
    token_ids: list[int]
    sum_logprob: float  # log p(tokens | history) under the untempered model
    num_tokens: int
    ending: Ending = "stop"

    @property
    def finished(self) -> bool:
        return self.ending in COMPLETE_ENDINGS

    @property
    def mean_logprob(self) -> float:
        return self.sum_logprob / max(1, self.num_tokens)


@runtime_checkable
class CandidateScorer(Protocol):
    """Scores candidates for one history; higher is better. Must return one float per candidate.

    Scorers are created as ``cls(config: dict)`` from ``chirpy.registry.scorers``.
    """

    def score(self, history: Sequence[str], candidates: Sequence[NeuralCandidate]) -> list[float]: ...


@scorers.register("likelihood")
class LikelihoodScorer:
    """Mean token log-probability (length-normalised so short replies don't always win)."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = config or {}

    def score(self, history: Sequence[str], candidates: Sequence[NeuralCandidate]) -> list[float]:
        return [c.mean_logprob for c in candidates]


def make_scorer(name: str | None, config: dict[str, Any] | None = None) -> tuple[CandidateScorer, str | None]:
    """Create the scorer named ``name``; on any failure fall back to likelihood with a one-line notice."""
    wanted = (name or "likelihood").strip() or "likelihood"
    if wanted != "likelihood":
        try:
            factory = scorers.get(wanted)
            scorer = factory(config or {})
            if not isinstance(scorer, CandidateScorer):
                raise TypeError("it has no score(history, candidates) method")
            return scorer, None
        except Exception as err:  # noqa: BLE001 - an untrained predictor must not stop the bot
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            return LikelihoodScorer(config), f"neural ranker '{wanted}' unavailable ({reason}); using likelihood"
    return LikelihoodScorer(config), None
