"""The few statistics the A/B questions need, each returning plain JSON-able dicts.

Proportions (re-offense) are compared with Fisher's exact test when any expected cell is under 5
and a two-proportion z-test otherwise; effect size is Cohen's h (and the raw difference). Means of
skewed counts (tokens, turns) are compared with the Mann-Whitney U test, effect size the
rank-biserial correlation (and the raw difference of means). Multiple pairwise comparisons get a
Bonferroni correction within each family (one metric of one experiment).
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any, Sequence

import numpy as np

ALPHA = 0.05


def mean(values: Sequence[float]) -> float | None:
    return float(sum(values) / len(values)) if values else None


def sem(values: Sequence[float]) -> float | None:
    """Standard error of the mean (sample standard deviation / sqrt n); None under 2 values."""
    if len(values) < 2:
        return None
    return float(np.std(np.asarray(values, dtype=float), ddof=1) / math.sqrt(len(values)))


def proportion_se(k: int, n: int) -> float | None:
    if n == 0:
        return None
    p = k / n
    return math.sqrt(p * (1 - p) / n)


def percentiles(values: Sequence[float], qs: Sequence[float] = (50, 95, 99)) -> dict[str, float | None]:
    """Linear interpolation between closest ranks (numpy's default, the usual textbook definition)."""
    if not len(values):
        return {f"p{q:g}": None for q in qs}
    found = np.percentile(np.asarray(values, dtype=float), list(qs))
    return {f"p{q:g}": round(float(v), 3) for q, v in zip(qs, found)}


def compare_proportions(k1: int, n1: int, k2: int, n2: int) -> dict[str, Any]:
    from scipy import stats

    p1, p2 = k1 / n1, k2 / n2
    expected_small = min(n1, n2) == 0 or any(
        e < 5 for e in _expected_cells(k1, n1, k2, n2))
    if expected_small:
        test, p = "fisher", float(stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)
    else:
        pooled = (k1 + k2) / (n1 + n2)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (p1 - p2) / se if se > 0 else 0.0
        test, p = "z", float(2 * stats.norm.sf(abs(z)))
    cohen_h = 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))
    return {"test": test, "p": p, "difference": p1 - p2, "effect": cohen_h, "effect_name": "cohen_h"}


def _expected_cells(k1: int, n1: int, k2: int, n2: int) -> list[float]:
    total, yes = n1 + n2, k1 + k2
    no = total - yes
    return [n1 * yes / total, n1 * no / total, n2 * yes / total, n2 * no / total]


def compare_samples(a: Sequence[float], b: Sequence[float]) -> dict[str, Any]:
    from scipy import stats

    result = stats.mannwhitneyu(a, b, alternative="two-sided")
    u = float(result.statistic)
    rank_biserial = 2 * u / (len(a) * len(b)) - 1  # > 0: the first sample tends to be larger
    return {"test": "mann_whitney", "p": float(result.pvalue), "difference": float(np.mean(a) - np.mean(b)),
            "effect": rank_biserial, "effect_name": "rank_biserial"}


def bonferroni(comparisons: list[dict[str, Any]], alpha: float = ALPHA) -> list[dict[str, Any]]:
    """Adds ``p_adjusted`` and ``significant`` (survives the correction) to each comparison, in place."""
    m = len(comparisons)
    for c in comparisons:
        c["p_adjusted"] = min(1.0, c["p"] * m)
        c["significant"] = c["p_adjusted"] < alpha
    return comparisons


def pairwise(groups: dict[str, Any], compare: Any, min_size: int = 1) -> list[dict[str, Any]]:
    """Compare every pair of groups (in the given order) that both have ``min_size`` observations."""
    results = []
    for a, b in combinations(groups, 2):
        if _size(groups[a]) < min_size or _size(groups[b]) < min_size:
            continue
        results.append({"a": a, "b": b, **compare(groups[a], groups[b])})
    return bonferroni(results)


def _size(group: Any) -> int:
    return group[1] if isinstance(group, tuple) else len(group)
