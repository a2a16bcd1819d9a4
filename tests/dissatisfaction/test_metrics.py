from __future__ import annotations

import math

import pytest

from classifiers.dissatisfaction.metrics import figures, roc_auc


def test_auc_extremes_and_ties() -> None:
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    assert roc_auc([0, 1, 1], [0.3, 0.3, 0.9]) == pytest.approx(0.75)
    assert math.isnan(roc_auc([1, 1], [0.2, 0.3]))


def test_precision_recall_flag_the_same_share() -> None:
    fig = figures("x", [1, 1, 0, 0, 0], [0.9, 0.2, 0.8, 0.1, 0.0], flag_share=0.4)
    assert fig.flagged_share == 0.4
    assert fig.precision == 0.5 and fig.recall == 0.5
    empty = figures("x", [], [], 0.3)
    assert empty.n == 0 and math.isnan(empty.auc)
