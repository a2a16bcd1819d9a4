"""The shipped model: two logistic regressions over hashed features, as arrays plus JSON metadata.

``boundary``: does a sentence end after this word? ``question``: is this segment a question?
Stored as ``<name>.npz`` (the weight tables, float16) and ``<name>.json`` (format and feature
versions, biases, thresholds, and what it was trained on). No pickle: both files are plain data.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from chirpy.errors import ComponentUnavailable
from chirpy.understanding.acts.features import FEATURE_VERSION

FORMAT_VERSION = 1
MODEL_DIR = Path(__file__).parent / "model"
MODEL_NAME = "dialogue_acts"
HEADS = ("boundary", "question")


class ActModelError(ComponentUnavailable):
    """The dialogue-act model file is missing, unreadable or from an incompatible version."""


@dataclass
class LinearHead:
    weights: np.ndarray  # float32 [2 ** bits]
    bias: float
    threshold: float = 0.5

    def probability(self, indices: np.ndarray) -> float:
        score = self.bias + float(self.weights[indices].sum())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def probabilities(self, indices: np.ndarray) -> np.ndarray:
        """One probability per row of a [rows, features] index table."""
        scores = np.clip(self.bias + self.weights[indices].sum(axis=1), -30.0, 30.0)
        return 1.0 / (1.0 + np.exp(-scores))


@dataclass
class ActModel:
    bits: int
    heads: dict[str, LinearHead]
    info: dict[str, Any] = field(default_factory=dict)  # training data, date, held-out figures

    def save(self, directory: Path = MODEL_DIR, name: str = MODEL_NAME) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(directory / f"{name}.npz",
                            **{h: self.heads[h].weights.astype(np.float16) for h in HEADS})
        meta = {
            "format_version": FORMAT_VERSION, "feature_version": FEATURE_VERSION, "bits": self.bits,
            "heads": {h: {"bias": self.heads[h].bias, "threshold": self.heads[h].threshold} for h in HEADS},
            "info": self.info,
        }
        path = directory / f"{name}.json"
        path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: Path = MODEL_DIR, name: str = MODEL_NAME) -> "ActModel":
        meta_path, array_path = directory / f"{name}.json", directory / f"{name}.npz"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            arrays = np.load(array_path, allow_pickle=False)
        except FileNotFoundError as exc:
            raise ActModelError(f"dialogue-act model not found: {exc.filename}") from None
        except (OSError, ValueError) as exc:
            raise ActModelError(f"dialogue-act model unreadable ({meta_path}): {exc}") from None
        if meta.get("format_version") != FORMAT_VERSION or meta.get("feature_version") != FEATURE_VERSION:
            raise ActModelError(
                f"dialogue-act model {meta_path} has format {meta.get('format_version')} / features "
                f"{meta.get('feature_version')}; this chirpy reads {FORMAT_VERSION} / {FEATURE_VERSION} "
                "(retrain with python -m chirpy.understanding.acts.train)")
        try:
            heads = {h: LinearHead(arrays[h].astype(np.float32), float(meta["heads"][h]["bias"]),
                                   float(meta["heads"][h]["threshold"])) for h in HEADS}
        except KeyError as exc:
            raise ActModelError(f"dialogue-act model {meta_path} lacks {exc}") from None
        bits = int(meta["bits"])
        if any(head.weights.shape != (1 << bits,) for head in heads.values()):
            raise ActModelError(f"dialogue-act model {array_path}: weight tables do not match bits={bits}")
        return cls(bits, heads, meta.get("info", {}))
