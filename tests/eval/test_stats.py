"""Statistics a researcher can trust: intervals that match the textbook, Holm, the power table checked by
simulation, the conversation as the unit, and replayed logs that never yield a finding."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as scipy_stats

from eval.log import load_log
from eval.report import evaluate
from eval.stats import (
    bootstrap_mean,
    clustered_proportion,
    compare_proportions,
    holm,
    n_for_means,
    n_for_proportions,
    pairwise,
    wilson,
)


def test_wilson_intervals_match_scipy_and_zero_of_five_is_not_certainty() -> None:
    assert wilson(0, 5) == pytest.approx([0.0, 0.4345], abs=1e-4)
    for k, n in ((0, 5), (3, 10), (41, 100), (99, 100)):
        expected = scipy_stats.binomtest(k, n).proportion_ci(method="wilson")
        assert wilson(k, n) == pytest.approx([expected.low, expected.high])
    assert wilson(0, 0) is None


def test_clustered_rates_widen_when_errors_bunch_in_one_conversation() -> None:
    spread = clustered_proportion([1, 1, 1, 1], [5, 5, 5, 5])  # one error in each conversation
    bunched = clustered_proportion([4, 0, 0, 0], [5, 5, 5, 5])  # all four in one conversation
    assert spread["rate"] == bunched["rate"] == pytest.approx(0.2)
    assert spread["ci"] == pytest.approx(wilson(4, 20))  # no clustering to account for: plain Wilson
    assert bunched["design_effect"] > 1
    assert bunched["ci"][1] - bunched["ci"][0] > spread["ci"][1] - spread["ci"][0]


def test_bootstrap_means() -> None:
    found = bootstrap_mean([1.0, 2.0, 3.0, 4.0, 10.0])
    assert found["mean"] == 4.0 and found["ci"][0] < 4.0 < found["ci"][1]
    assert bootstrap_mean([3.0, 3.0, 3.0])["ci"] == [3.0, 3.0]
    assert bootstrap_mean([3.0])["ci"] is None and bootstrap_mean([])["mean"] is None


def test_holm_adjusts_step_down_and_rejects_more_than_bonferroni() -> None:
    comparisons = [{"p": p} for p in (0.01, 0.04, 0.03, 0.005)]
    holm(comparisons)
    assert [c["p_adjusted"] for c in comparisons] == pytest.approx([0.03, 0.06, 0.06, 0.02])
    two = holm([{"p": 0.02}, {"p": 0.04}])  # Bonferroni: 0.04 and 0.08; Holm: 0.04 and 0.04
    assert [c["significant"] for c in two] == [True, True]
    untested = holm([{"p": None}])
    assert untested[0]["significant"] is False and untested[0]["p_adjusted"] is None


def test_power_table_sizes_hold_up_in_simulation() -> None:
    n = n_for_proportions(0.41, 0.47)
    assert n == 1074  # Fleiss: (1.96 sqrt(2 .44 .56) + 0.8416 sqrt(.41 .59 + .47 .53))^2 / .06^2
    rng = np.random.default_rng(7)
    runs = 400
    detected = sum(compare_proportions(int(rng.binomial(n, 0.41)), n, int(rng.binomial(n, 0.47)), n)["p"] < 0.05
                   for _ in range(runs))
    assert abs(detected / runs - 0.8) < 0.06  # 2.5 binomial standard errors
    m = n_for_means(0.5)
    assert m == 64
    hits = sum(scipy_stats.ttest_ind(rng.normal(0.5, 1, m), rng.normal(0, 1, m)).pvalue < 0.05 for _ in range(runs))
    assert abs(hits / runs - 0.8) < 0.06


def test_too_few_conversations_are_not_tested() -> None:
    (row,) = pairwise({"a": [1.0] * 9, "b": [2.0] * 30}, lambda a, b: {"p": 0.0})
    assert row["not_tested"] and row["p"] is None and row["significant"] is False


# -- whole logs ---------------------------------------------------------------------------------------------
def _offense_ab_log(builders, path: Path, arms: dict[str, tuple[float, int]], seed: int, channel: str) -> Path:
    """Conversations whose first offense is answered with the arm's strategy; each re-offends with the arm's
    probability (a real effect when the probabilities differ)."""
    rng = np.random.default_rng(seed)
    conversations = []
    for arm, (p_reoffend, n) in arms.items():
        for i in range(n):
            again = bool(rng.random() < p_reoffend)
            turns = [builders.launch_turn(), builders.user_turn(3, offensive=True, responder="offense", offense_arm=arm),
                     builders.user_turn(3, offensive=again, responder="offense" if again else "fallback"),
                     builders.user_turn(3)]
            conversations.append({"id": f"{arm}-{i}", "arms": {"offense_strategy": arm}, "end_reason": None,
                                  "turns": turns})
    builders.write_log(path, conversations)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE conversations SET channel = ?", (channel,))
    conn.close()
    return path


def test_a_real_effect_is_detected_at_the_stated_power_and_never_in_a_replay(builders, tmp_path: Path) -> None:
    # "why" (0.95 re-offense) against a redirect (0.47): the power table's third row, at 90% power. Over ten
    # simulated A/B logs about nine should detect it (seven or more: P < 0.013 by chance at that power).
    n = n_for_proportions(0.47, 0.95, power=0.9)
    arms = {"redirect": (0.47, n), "why": (0.95, n)}
    detected = []
    for seed in range(10):
        live = evaluate(load_log(_offense_ab_log(builders, tmp_path / f"live{seed}.db", arms, seed, channel="api")))
        (comparison,) = live["offense"]["comparisons"]["reoffense_rate"]
        assert live["replay"]["warning"] is None and comparison["n_a"] == comparison["n_b"] == n
        if comparison["significant"]:
            assert comparison["effect_ci"][1] < 0  # Cohen's h of redirect - why: clearly negative
            detected.append(seed)
    assert len(detected) >= 7, detected

    seed = detected[0]  # the same conversations, made by `chirpy replay`: the numbers stay, the finding goes
    replayed = evaluate(load_log(_offense_ab_log(builders, tmp_path / "replay.db", arms, seed, channel="replay")))
    (comparison,) = replayed["offense"]["comparisons"]["reoffense_rate"]
    assert comparison["p"] < 0.05 and comparison["significant"] is False
    assert "chirpy replay" in comparison["warning"] and replayed["replay"]["share"] == 1.0


def test_one_chatty_conversation_is_one_sample_not_forty(builders, tmp_path: Path) -> None:
    """The issue's false finding: testing user turns as independent samples. Here arm "100" differs from
    arm "33" only by one user who said forty long things; per conversation, that is one outlier in twelve."""
    rng = np.random.default_rng(3)
    conversations = []
    for arm in ("33", "100"):
        for i in range(12):
            chatty = arm == "100" and i == 0
            lengths = [12] * 40 if chatty else [int(rng.integers(3, 8)) for _ in range(3)]
            conversations.append({"id": f"{arm}-{i}", "arms": {"backchannel": arm}, "end_reason": None,
                                  "turns": [builders.launch_turn()] + [builders.user_turn(w) for w in lengths]})
    report = evaluate(load_log(builders.write_log(tmp_path / "chatty.db", conversations)))
    (comparison,) = report["initiative"]["experiments"]["backchannel"]["comparisons"]["tokens"]
    assert (comparison["a"], comparison["b"]) == ("33", "100")  # numeric arms in numeric order
    assert comparison["significant"] is False and comparison["p"] > 0.05
    per_turn = [w for c in conversations for t in c["turns"][1:] for w in [len(t["tokens"]) - 1]]
    arm_of = [c["arms"]["backchannel"] for c in conversations for _ in c["turns"][1:]]
    turn_level = scipy_stats.mannwhitneyu([w for w, a in zip(per_turn, arm_of) if a == "33"],
                                          [w for w, a in zip(per_turn, arm_of) if a == "100"])
    assert turn_level.pvalue < 0.001  # what a turn-level test would have claimed
