"""The "dissatisfaction" neural ranker: score = 1 - P(the user's next turn is dissatisfied).

Set ``ranker = "dissatisfaction"`` in ``[responders.neural]``; its ``[responders.neural.ranker_config]``
table is this scorer's config. The scorer serves the newest checkpoint in ``model`` (default
``models/dissatisfaction``) and picks up a newly trained one within ``reload_seconds`` without a restart. With no checkpoint it
refuses to start (``ComponentUnavailable``), and the neural responder falls back to likelihood
with a one-line notice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chirpy.errors import ComponentUnavailable
from chirpy.registry import scorers
from classifiers.dissatisfaction.checkpoint import CheckpointError, load_checkpoint
from classifiers.dissatisfaction.model import DissatisfactionPredictor
from classifiers.dissatisfaction.reloading import ReloadingPredictor

DEFAULT_MODEL_DIR = "models/dissatisfaction"


def _mean_logprob(candidate: Any) -> float | None:
    value = getattr(candidate, "mean_logprob", None)
    try:
        value = float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return value if value is not None and math.isfinite(value) else None


@scorers.register("dissatisfaction")
class DissatisfactionScorer:
    """Ranks candidates by how unlikely they are to upset the user (higher = better).

    Config keys (``[responders.neural.ranker_config]``): ``model`` = a checkpoint directory (newest
    version served, hot-reloaded) or one checkpoint file (fixed); ``reload_seconds`` = how often to
    look for a newer version (default 5).
    """

    name = "dissatisfaction"

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        *,
        predictor: DissatisfactionPredictor | None = None,
        reloading: ReloadingPredictor | None = None,
    ) -> None:
        self.config = dict(config or {})
        self._fixed = predictor
        self._reloading = reloading
        if predictor is not None or reloading is not None:
            if reloading is not None and reloading.get() is None:
                raise ComponentUnavailable(f"no trained dissatisfaction predictor in {reloading.directory}")
            return
        location = Path(str(self.config.get("model", DEFAULT_MODEL_DIR)))
        if location.is_file():
            try:
                self._fixed = load_checkpoint(location)
            except CheckpointError as exc:
                raise ComponentUnavailable(str(exc)) from None
            return
        interval = float(self.config.get("reload_seconds", 5.0))
        self._reloading = ReloadingPredictor(location, check_interval=interval)
        if self._reloading.get() is None:
            raise ComponentUnavailable(
                f"no trained dissatisfaction predictor in {location} (run `chirpy train dissatisfaction --db LOG.db`)"
            )

    @property
    def predictor(self) -> DissatisfactionPredictor:
        if self._fixed is not None:
            return self._fixed
        assert self._reloading is not None
        current = self._reloading.get()
        assert current is not None  # __init__ refused to start without one; swaps never unset it
        return current

    @property
    def model_version(self) -> int:
        return self.predictor.model_version

    def probabilities(self, history: Sequence[str], candidates: Sequence[Any]) -> list[float]:
        """P(dissatisfied next turn) per candidate (``NeuralCandidate`` or plain strings)."""
        texts = [c if isinstance(c, str) else str(getattr(c, "text", "")) for c in candidates]
        lps = [None if isinstance(c, str) else _mean_logprob(c) for c in candidates]
        return self.predictor.predict(list(history), texts, lps)

    def score(self, history: Sequence[str], candidates: Sequence[Any]) -> list[float]:
        return [1.0 - p for p in self.probabilities(history, candidates)]
