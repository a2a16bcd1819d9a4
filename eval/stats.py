"""The statistics eval's comparisons rest on, each returning plain JSON-able dicts.

The rules, so a figure can be trusted:

- **The conversation is the unit.** Turns of one conversation share a user, a topic and a mood, so they
  are not independent samples: measures are averaged per conversation before arms are compared, and a
  turn-level rate (errors per bot turn) gets an interval widened by its design effect (the spread of the
  per-conversation rates), never one that pretends every turn is a new person.
- **Intervals, not ± standard errors**: Wilson score intervals for proportions (0/5 reads [0, 0.43], not
  0 ± 0), bootstrap intervals (BCa) for means, and effect sizes with intervals (risk difference,
  Cohen's h, difference of means, rank-biserial correlation).
- **Tests**: Fisher's exact test when an expected cell is under 5, else the two-proportion z-test; the
  Mann-Whitney U test for conversation-level measures. Pairwise comparisons within one family (one
  measure of one experiment) are corrected with Holm's step-down method, which controls the family-wise
  error like Bonferroni but rejects more often.
- **A minimum n**: no test runs when either group has fewer than ``MIN_N`` conversations; the comparison
  says so instead of printing a p-value nobody should read.
- **Replayed logs are never significant.** In a ``chirpy replay`` log the "users" are recordings that
  cannot react to the bot, so an arm difference there is an artefact of which recordings fell in which
  arm: comparisons are still shown, marked ``significant: false`` with a warning.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any, Callable, Sequence

import numpy as np

ALPHA = 0.05
CONFIDENCE = 0.95
MIN_N = 10
"""Conversations per group below which no test is run."""
BOOTSTRAP_RESAMPLES = 2000
BCA_UP_TO = 500
SEED = 20240607  # bootstrap intervals are reproducible: the same log gives the same report
REPLAY_WARNING = ("this log comes from `chirpy replay`: its users are recordings that cannot react to the bot, "
                  "so arm differences are not evidence of anything and no comparison is marked significant")


def _z(confidence: float = CONFIDENCE) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + confidence / 2))


# -- single groups -------------------------------------------------------------------------------------
def mean(values: Sequence[float]) -> float | None:
    return float(sum(values) / len(values)) if len(values) else None


def percentiles(values: Sequence[float], qs: Sequence[float] = (50, 95, 99)) -> dict[str, float | None]:
    """Linear interpolation between closest ranks (numpy's default, the usual textbook definition)."""
    if not len(values):
        return {f"p{q:g}": None for q in qs}
    found = np.percentile(np.asarray(values, dtype=float), list(qs))
    return {f"p{q:g}": round(float(v), 3) for q, v in zip(qs, found)}


def wilson(k: float, n: float, confidence: float = CONFIDENCE) -> list[float] | None:
    """The Wilson score interval of k successes in n trials (k and n may be effective, non-integer counts)."""
    if n <= 0:
        return None
    z = _z(confidence)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # At k = 0 (or n) a bound is exactly 0 (or 1); rounding must not leave 3e-17 there.
    return [0.0 if k <= 0 else max(0.0, centre - half), 1.0 if k >= n else min(1.0, centre + half)]


def proportion(k: int, n: int) -> dict[str, Any]:
    """A proportion of independent units (conversations) with its Wilson interval."""
    return {"k": k, "n": n, "rate": k / n if n else None, "ci": wilson(k, n)}


def clustered_proportion(k_per_cluster: Sequence[float], n_per_cluster: Sequence[int]) -> dict[str, Any]:
    """A rate over units grouped in clusters (bot turns in conversations): the pooled rate, and a Wilson
    interval on the effective sample size n / deff, where the design effect deff compares the variance of
    the ratio estimator across clusters with the variance the same n independent units would have. deff
    is never taken below 1, so clustering can only widen the interval."""
    k_arr = np.asarray(k_per_cluster, dtype=float)
    n_arr = np.asarray(n_per_cluster, dtype=float)
    keep = n_arr > 0
    k_arr, n_arr = k_arr[keep], n_arr[keep]
    n, k, m = float(n_arr.sum()), float(k_arr.sum()), int(keep.sum())
    if n == 0:
        return {"k": 0, "n": 0, "conversations": 0, "rate": None, "ci": None, "design_effect": None}
    p = k / n
    deff = 1.0
    if m > 1 and 0 < p < 1:
        n_bar = n / m
        cluster_var = float(np.sum((k_arr - p * n_arr) ** 2)) / (m * (m - 1) * n_bar ** 2)
        deff = max(1.0, cluster_var / (p * (1 - p) / n))
    n_eff = n / deff
    return {"k": _tidy(k), "n": int(n), "conversations": m, "rate": p, "ci": wilson(p * n_eff, n_eff),
            "design_effect": round(deff, 3)}


def bootstrap_mean(values: Sequence[float]) -> dict[str, Any]:
    """The mean with a BCa bootstrap interval (percentile when BCa cannot be computed); none under 2 values."""
    data = np.asarray(values, dtype=float)
    result: dict[str, Any] = {"n": int(len(data)), "mean": float(data.mean()) if len(data) else None, "ci": None}
    if len(data) >= 2:  # BCa's jackknife is quadratic in n; past BCA_UP_TO the percentile method agrees closely
        methods = ("BCa", "percentile") if len(data) <= BCA_UP_TO else ("percentile",)
        result["ci"] = _bootstrap((data,), lambda x, axis: np.mean(x, axis=axis), methods)
    return result


def _bootstrap(samples: tuple[np.ndarray, ...], statistic: Callable[..., Any],
               methods: tuple[str, ...] = ("BCa", "percentile"), batch: int | None = None) -> list[float] | None:
    """A bootstrap interval; BCa's jackknife costs n statistic calls per sample, so two-sample statistics
    (a rank test per resample) use the percentile method."""
    from scipy import stats

    if all(np.all(s == s[0]) for s in samples):  # no spread: every resample gives the same value
        value = float(statistic(*samples, axis=-1))
        return [value, value]
    rng = np.random.default_rng(SEED)
    for method in methods:
        with np.errstate(all="ignore"):
            try:
                found = stats.bootstrap(samples, statistic, n_resamples=BOOTSTRAP_RESAMPLES, method=method,
                                        confidence_level=CONFIDENCE, random_state=rng, vectorized=True,
                                        batch=batch)
            except (ValueError, FloatingPointError):
                continue
        low, high = float(found.confidence_interval.low), float(found.confidence_interval.high)
        if math.isfinite(low) and math.isfinite(high):
            return [low, high]
    return None


# -- two groups -----------------------------------------------------------------------------------------
def compare_proportions(k1: int, n1: int, k2: int, n2: int) -> dict[str, Any]:
    """Two proportions of conversations: Fisher or z test; risk difference (Newcombe's hybrid score
    interval) and Cohen's h (normal-approximation interval)."""
    from scipy import stats

    p1, p2 = k1 / n1, k2 / n2
    if any(e < 5 for e in _expected_cells(k1, n1, k2, n2)):
        test, p = "fisher", float(stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)
    else:
        pooled = (k1 + k2) / (n1 + n2)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (p1 - p2) / se if se > 0 else 0.0
        test, p = "z", float(2 * stats.norm.sf(abs(z)))
    (l1, u1), (l2, u2) = wilson(k1, n1) or [0, 1], wilson(k2, n2) or [0, 1]
    d = p1 - p2
    diff_ci = [d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)]
    h = 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))
    h_half = _z() * math.sqrt(1 / n1 + 1 / n2)
    return {"test": test, "p": p, "difference": d, "difference_ci": diff_ci,
            "effect": h, "effect_ci": [h - h_half, h + h_half], "effect_name": "cohen_h"}


def _expected_cells(k1: int, n1: int, k2: int, n2: int) -> list[float]:
    total, yes = n1 + n2, k1 + k2
    no = total - yes
    return [n1 * yes / total, n1 * no / total, n2 * yes / total, n2 * no / total]


def compare_samples(a: Sequence[float], b: Sequence[float]) -> dict[str, Any]:
    """Two samples of per-conversation values: Mann-Whitney U; the difference of means with Welch's t
    interval; the rank-biserial correlation (> 0: the first group tends to be larger) with a percentile
    bootstrap interval."""
    from scipy import stats

    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    found = stats.mannwhitneyu(x, y, alternative="two-sided")
    u, p = float(found.statistic), float(found.pvalue)

    # The rank-biserial correlation depends only on order: bootstrap the pooled dense ranks, so each
    # resample's U statistic is a vectorised count over ranks rather than a rank test per resample.
    ranks = np.unique(np.concatenate([x, y]), return_inverse=True)[1]
    rx, ry = ranks[: len(x)], ranks[len(x):]
    batch = max(1, 20_000_000 // (len(ranks) + 1))  # resamples per call: bounds the rank-count table's memory
    return {"test": "mann_whitney", "p": p, "difference": float(x.mean() - y.mean()),
            "difference_ci": _welch_interval(x, y),
            "effect": 2 * u / (len(x) * len(y)) - 1,
            "effect_ci": _bootstrap((rx, ry), _rank_biserial, ("percentile",), batch),
            "effect_name": "rank_biserial"}


def _welch_interval(x: np.ndarray, y: np.ndarray) -> list[float] | None:
    from scipy import stats

    if np.var(x) == 0 and np.var(y) == 0:
        value = float(x.mean() - y.mean())
        return [value, value]
    found = stats.ttest_ind(x, y, equal_var=False).confidence_interval(CONFIDENCE)
    return [float(found.low), float(found.high)]


def _rank_biserial(s: np.ndarray, t: np.ndarray, axis: int = -1) -> np.ndarray:
    """2U / (n m) - 1 for each row of samples of dense integer ranks (ties count a half): per row, a count
    of t's ranks, its running sum gives how many t are below each s."""
    s, t = np.moveaxis(s, axis, -1).astype(np.int64), np.moveaxis(t, axis, -1).astype(np.int64)
    shape, n, m = s.shape[:-1], s.shape[-1], t.shape[-1]
    s2, t2 = s.reshape(-1, n), t.reshape(-1, m)
    k = int(max(s2.max(initial=0), t2.max(initial=0))) + 1
    offsets = np.arange(len(t2))[:, None] * k
    counts = np.bincount((t2 + offsets).ravel(), minlength=len(t2) * k).reshape(len(t2), k)
    below = np.cumsum(counts, axis=1) - counts
    u = np.take_along_axis(below, s2, axis=1).sum(axis=1) + 0.5 * np.take_along_axis(counts, s2, axis=1).sum(axis=1)
    return (2 * u / (n * m) - 1).reshape(shape)


# -- families of comparisons ------------------------------------------------------------------------------
def holm(comparisons: list[dict[str, Any]], alpha: float = ALPHA) -> list[dict[str, Any]]:
    """Holm's step-down correction over the comparisons that were tested: adds ``p_adjusted`` and
    ``significant`` in place (untested ones keep ``p_adjusted`` None and are never significant)."""
    tested = sorted((c for c in comparisons if c.get("p") is not None), key=lambda c: c["p"])
    m, running = len(tested), 0.0
    for i, c in enumerate(tested):
        running = max(running, min(1.0, (m - i) * c["p"]))  # adjusted p-values never decrease down the list
        c["p_adjusted"] = running
        c["significant"] = running < alpha
    for c in comparisons:
        c.setdefault("p_adjusted", None)
        c.setdefault("significant", False)
    return comparisons


def pairwise(groups: dict[str, Any], compare: Callable[[Any, Any], dict[str, Any]], *, replay: bool = False,
             min_n: int = MIN_N) -> list[dict[str, Any]]:
    """Compare every pair of groups (in the given order). A pair with a group under ``min_n`` conversations
    is listed untested; ``replay`` marks every comparison not significant, with the reason."""
    results = []
    for a, b in combinations(groups, 2):
        n_a, n_b = size(groups[a]), size(groups[b])
        row: dict[str, Any] = {"a": a, "b": b, "n_a": n_a, "n_b": n_b}
        if min(n_a, n_b) < min_n:
            row |= {"test": None, "p": None, "difference": None, "difference_ci": None, "effect": None,
                    "effect_ci": None, "effect_name": None,
                    "not_tested": f"fewer than {min_n} conversations in an arm ({n_a} vs {n_b})"}
        else:
            row |= compare(groups[a], groups[b])
        results.append(row)
    holm(results)
    if replay:
        for row in results:
            row["significant"] = False
            row["warning"] = REPLAY_WARNING
    return results


def size(group: Any) -> int:
    """Observations in a group: ``(k, n)`` for proportions, else a sample."""
    return int(group[1]) if isinstance(group, tuple) else len(group)


# -- planning ------------------------------------------------------------------------------------------------
def n_for_proportions(p1: float, p2: float, alpha: float = ALPHA, power: float = 0.8) -> int:
    """Conversations per arm for a two-sided two-proportion z test to detect p1 vs p2 (Fleiss's formula,
    without continuity correction)."""
    from scipy import stats

    z_a, z_b = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    p_bar = (p1 + p2) / 2
    root = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root ** 2 / (p1 - p2) ** 2)


def n_for_means(d: float, alpha: float = ALPHA, power: float = 0.8) -> int:
    """Conversations per arm to detect a standardised difference of means d (Cohen's d) with a two-sided
    two-sample t test: the smallest n whose noncentral-t power reaches ``power``."""
    from scipy import stats

    n = max(2, math.ceil(2 * ((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) / d) ** 2))
    while True:  # the normal approximation is a slight underestimate: step up to the exact t power
        df = 2 * n - 2
        critical = stats.t.ppf(1 - alpha / 2, df)
        noncentrality = d * math.sqrt(n / 2)
        reached = stats.nct.sf(critical, df, noncentrality) + stats.nct.cdf(-critical, df, noncentrality)
        if reached >= power:
            return n
        n += 1


def arm_key(arm: str) -> tuple[int, float, str]:
    """Sort order for arm names: numbers by value (0, 33, 66, 100), then names alphabetically."""
    try:
        return (0, float(arm), arm)
    except ValueError:
        return (1, 0.0, arm)


def _tidy(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 4)
