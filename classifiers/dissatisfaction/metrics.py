"""Held-out figures for a dissatisfaction ranker: ROC AUC, and precision/recall at a threshold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


def roc_auc(labels: Sequence[bool], scores: Sequence[float]) -> float:
    """Probability a random positive outscores a random negative (ties count half); NaN if one class.

    This is the Mann-Whitney U statistic of the positives, normalised by the number of pairs.
    """
    from scipy.stats import mannwhitneyu

    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float(mannwhitneyu(s[y], s[~y], method="asymptotic").statistic / (n_pos * n_neg))


@dataclass(frozen=True)
class RankerFigures:
    name: str
    n: int
    auc: float
    precision: float
    recall: float
    flagged_share: float

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "name": self.name,
            "n": self.n,
            "auc": self.auc,
            "precision": self.precision,
            "recall": self.recall,
            "flagged_share": self.flagged_share,
        }


def figures(name: str, labels: Sequence[bool], scores: Sequence[float], flag_share: float) -> RankerFigures:
    """AUC, plus precision/recall when the top ``flag_share`` of scores are called "dissatisfied".

    Flagging the same share for every ranker (the training positive rate) compares rankers fairly
    even when their scores live on different scales (probabilities vs. log-likelihoods).
    """
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    if len(y) == 0:
        nan = float("nan")
        return RankerFigures(name, 0, nan, nan, nan, 0.0)
    k = int(round(min(max(flag_share, 0.0), 1.0) * len(y)))
    flagged = np.zeros(len(y), dtype=bool)
    if k > 0:
        # Stable order so equal scores are broken the same way on every run.
        flagged[np.argsort(-s, kind="stable")[:k]] = True
    tp = int((flagged & y).sum())
    precision = tp / k if k else float("nan")
    recall = tp / int(y.sum()) if y.any() else float("nan")
    return RankerFigures(name, len(y), roc_auc(y, s), precision, recall, k / len(y))
