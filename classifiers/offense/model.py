"""The trained offense model: one logistic regression per head over hashed features.

Why this model: ConvAbuse has a few thousand labelled turns, so a strongly regularised linear model
over word and character n-grams generalises about as well as anything we can afford to run on
every turn, and it scores a turn in well under a millisecond with numpy alone (no scikit-learn or
torch at bot run time; scikit-learn only fits it). Heads: "abusive" decides the verdict; one head
per handler type (criticism, sexual, ...) names the kind of abuse the lexicon cannot name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from classifiers.offense.features import FeatureSpec

ABUSIVE = "abusive"


@dataclass
class OffenseModel:
    """Weights ``(2**dim_bits, heads)``, a bias per head, and the decision threshold per head."""

    weights: np.ndarray
    bias: np.ndarray
    heads: tuple[str, ...]
    thresholds: dict[str, float]
    spec: FeatureSpec
    version: int = 0
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.weights = np.asarray(self.weights, dtype=np.float32)
        self.bias = np.asarray(self.bias, dtype=np.float64).reshape(-1)
        self.heads = tuple(self.heads)
        if self.weights.shape != (1 << self.spec.dim_bits, len(self.heads)) or self.bias.shape != (len(self.heads),):
            raise ValueError(
                f"weights {self.weights.shape} / bias {self.bias.shape} do not fit "
                f"2**{self.spec.dim_bits} features x {len(self.heads)} heads"
            )
        if not self.heads or self.heads[0] != ABUSIVE or set(self.thresholds) != set(self.heads):
            raise ValueError(f"heads must start with {ABUSIVE!r} and each head needs a threshold")

    @property
    def types(self) -> tuple[str, ...]:
        """The offense types this model can name (every head after "abusive")."""
        return self.heads[1:]

    def probabilities(self, idx: np.ndarray, val: np.ndarray) -> dict[str, float]:
        """P(head) for one turn's sparse features."""
        logits = val.astype(np.float64) @ self.weights[idx] + self.bias if len(idx) else self.bias
        probs = 1.0 / (1.0 + np.exp(-np.clip(logits, -40.0, 40.0)))
        return dict(zip(self.heads, probs.tolist()))
