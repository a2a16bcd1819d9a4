"""The dissatisfaction predictor: logistic regression over hashed features.

Why this model: the labels are noisy and, at first, scarce (a few thousand logged bot turns), so a
linear model with strong regularisation generalises better than anything deep; it scores 20
candidates in well under a millisecond in plain numpy (no torch on the serving path); it works on
any candidate text, scripted or neural, and on logs that never stored hidden states; and its
weights are a single float vector, trivially versioned and hot-swapped. Torch is only used to fit it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from classifiers.dissatisfaction.features import FEATURE_SET_VERSION, Context, FeatureHasher


@dataclass
class DissatisfactionPredictor:
    """P(the user's next turn expresses dissatisfaction | context, candidate)."""

    weights: np.ndarray
    bias: float
    dim_bits: int
    model_version: int = 0
    feature_set_version: int = FEATURE_SET_VERSION
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.weights = np.asarray(self.weights, dtype=np.float32).reshape(-1)
        if self.weights.shape[0] != 1 << self.dim_bits:
            raise ValueError(f"weights have {self.weights.shape[0]} entries, expected 2**{self.dim_bits}")
        self._hasher = FeatureHasher(self.dim_bits)

    @property
    def hasher(self) -> FeatureHasher:
        return self._hasher

    def logits_for(self, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        if not rows:
            return np.zeros(0, dtype=np.float64)
        idx = np.concatenate([r[0] for r in rows])
        val = np.concatenate([r[1] for r in rows])
        owner = np.repeat(np.arange(len(rows)), [len(r[0]) for r in rows])
        sums = np.bincount(owner, weights=self.weights[idx] * val, minlength=len(rows))
        return sums + self.bias

    def predict(
        self,
        history: Sequence[str],
        candidates: Sequence[str],
        mean_logprobs: Sequence[float | None] | None = None,
    ) -> list[float]:
        """Probability of dissatisfaction for each candidate reply to ``history``."""
        ctx = Context.from_history(history)
        lps = list(mean_logprobs) if mean_logprobs is not None else [None] * len(candidates)
        rows = [self._hasher.featurize(ctx, c, lp) for c, lp in zip(candidates, lps)]
        return _sigmoid(self.logits_for(rows)).tolist()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))
