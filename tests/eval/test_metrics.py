"""A hand-built log with answers worked out by hand: every figure eval prints must match exactly.

The log (conftest.fixture_conversations): six conversations; offense_strategy arms A (c1-c3) and
B (c4-c6); backchannel arms "0" (c1-c3) and "33" (c4-c6); turn latencies 10, 20, ..., 260 ms.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.conversations import read_ratings
from eval.log import load_log
from eval.report import evaluate


@pytest.fixture
def report(fixture_log: Path) -> dict:
    return evaluate(load_log(fixture_log))


def test_offense_reoffense_next_and_end(report: dict) -> None:
    offense = report["offense"]
    assert offense["status"] == "ok"
    assert offense["conversations_with_offense"] == 5  # c5 never offends
    a, b = offense["arms"]
    # A: c1 offends at 1 and 3 (Next 2), c3 at 1 and 2 (Next 1), c2 once at 2 of 0..5 (End 3).
    assert (a["arm"], a["conversations"], a["reoffended"]) == ("A", 3, 2)
    assert a["reoffense_rate"] == pytest.approx(2 / 3)
    assert a["reoffense_ci"] == pytest.approx(_wilson(2, 3))
    assert a["next_mean"] == pytest.approx(1.5)
    assert a["end_mean"] == pytest.approx(3.0)
    # B: c4 offends once at 1 of 0..2 (End 1), c6 once at 1 of 0..5 (End 4); nobody re-offends.
    assert (b["arm"], b["conversations"], b["reoffended"], b["reoffense_rate"]) == ("B", 2, 0, 0.0)
    assert b["reoffense_ci"] == pytest.approx([0.0, 0.6576], abs=1e-4)  # 0 of 2 is not "0 ± 0"
    assert b["next_mean"] is None
    assert b["end_mean"] == pytest.approx(2.5)


def test_arms_under_the_minimum_are_listed_but_not_tested(report: dict) -> None:
    (comparison,) = report["offense"]["comparisons"]["reoffense_rate"]
    assert (comparison["a"], comparison["b"], comparison["n_a"], comparison["n_b"]) == ("A", "B", 3, 2)
    assert comparison["test"] is None and comparison["p"] is None and comparison["significant"] is False
    assert "fewer than 10 conversations" in comparison["not_tested"]


def test_small_counts_use_fisher() -> None:
    from eval.stats import compare_proportions

    # Fisher's exact test on [[2, 1], [0, 2]]: P(2 of 3) = 0.3, the more extreme P(0 of 3) = 0.1.
    comparison = compare_proportions(2, 3, 0, 2)
    assert comparison["test"] == "fisher"
    assert comparison["p"] == pytest.approx(0.4)
    assert comparison["difference"] == pytest.approx(2 / 3)
    low, high = comparison["difference_ci"]
    assert low < 2 / 3 < high and low < 0  # Newcombe's interval: with 3 and 2 conversations it spans zero


def _wilson(k: int, n: int) -> list[float]:
    from scipy.stats import binomtest

    interval = binomtest(k, n).proportion_ci(method="wilson")
    return [interval.low, interval.high]


def test_initiative_means_per_arm(report: dict) -> None:
    initiative = report["initiative"]
    assert initiative["nll"] == "logged"
    assert list(initiative["experiments"]) == ["backchannel"]  # the offense experiment is not an initiative arm
    zero, thirty_three = initiative["experiments"]["backchannel"]["arms"]
    # The conversation is the unit: each measure is averaged per conversation, then over conversations.
    assert (zero["arm"], zero["conversations"], zero["user_turns"]) == ("0", 3, 11)
    assert zero["tokens_mean"] == pytest.approx((10 / 4 + 25 / 5 + 4 / 2) / 3)  # '.' is not a token
    assert zero["noun_phrases_mean"] == pytest.approx((2 / 4) / 3)  # "The cat" = "the cat"
    assert zero["nll_mean"] is None
    assert zero["turns_mean"] == pytest.approx(11 / 3)
    assert (thirty_three["arm"], thirty_three["user_turns"]) == ("33", 9)
    assert thirty_three["tokens_mean"] == pytest.approx((12 / 2 + 2 / 2 + 15 / 5) / 3)
    assert thirty_three["noun_phrases_mean"] == pytest.approx((1 / 2) / 3)
    assert thirty_three["nll_mean"] == pytest.approx(3.0)  # only c4 logged it: 2.0 and 4.0
    assert thirty_three["turns_mean"] == pytest.approx(3.0)
    low, high = thirty_three["tokens_ci"]
    assert low < thirty_three["tokens_mean"] < high
    moves = {m["move"]: (m["user_turns"], m["tokens_mean"], m["noun_phrases_mean"], m["nll_mean"])
             for m in initiative["by_previous_move"]["moves"]}
    assert moves == {"backchannel": (1, 6.0, 1.0, 2.0), "question": (1, 6.0, 0.0, 4.0)}  # c4's logged answers
    tokens = initiative["experiments"]["backchannel"]["comparisons"]["tokens"]
    assert [(c["a"], c["b"], c["n_a"], c["n_b"]) for c in tokens] == [("0", "33", 3, 3)]
    assert tokens[0]["not_tested"] and tokens[0]["significant"] is False


def test_dissatisfaction_per_responder_and_type(report: dict) -> None:
    d = report["dissatisfaction"]
    assert (d["bot_turns"], d["followed_by_dissatisfaction"]) == (20, 2)
    by_responder = {r["responder"]: (r["bot_turns"], r["dissatisfied"]) for r in d["by_responder"]}
    assert by_responder == {"launch": (6, 0), "offense": (6, 1), "fallback": (8, 1)}
    by_type = {r["type"]: r["count"] for r in d["by_type"] if r["count"]}
    assert by_type == {"clarification": 1, "repetition": 1, "criticism": 1}
    assert d["neural_deciles"]["status"] == "not logged"


def test_bot_errors_repetition_and_answered_question(report: dict) -> None:
    errors = report["bot_errors"]
    assert errors["parts"] == 27  # 26 turns, one of them spoken in two parts
    assert errors["totals"] == {"exact_repetition": 1, "near_repetition": 1, "answered_question": 1}
    rows = {r["responder"]: r for r in errors["by_responder"]}
    assert (rows["simple_topic"]["parts"], rows["simple_topic"]["exact_repetition"],
            rows["simple_topic"]["answered_question"]) == (2, 1, 1)
    assert rows["fallback"]["near_repetition"] == 1


def test_latency_percentiles(report: dict) -> None:
    turns = report["latency"]["turns"]
    # 26 values 10..260; linear interpolation at rank q/100 * 25.
    assert (turns["n"], turns["p50"], turns["p95"], turns["p99"]) == (26, 135.0, 247.5, 257.5)
    slow = next(r for r in report["latency"]["responders"] if r["responder"] == "slow")
    # 100, 200, 300, 400: ranks 1.5, 2.85, 2.97.
    assert (slow["runs"], slow["p50"], slow["p95"], slow["p99"]) == (4, 250.0, 385.0, 397.0)
    assert (slow["timeouts"], slow["errors"], slow["timeout_rate"]) == (1, 1, 0.25)


def test_conversations_lengths_endings_and_ratings(fixture_log: Path, tmp_path: Path) -> None:
    ratings_file = tmp_path / "ratings.csv"
    ratings_file.write_text("conversation_id,rating\nc1,5\nc2,3\nc4,4\nunknown,1\n", encoding="utf-8")
    c = evaluate(load_log(fixture_log), read_ratings(ratings_file))["conversations"]
    assert (c["count"], c["turns"]) == (6, 26)
    assert c["user_turns"]["mean"] == pytest.approx(20 / 6)
    # user turns 4, 5, 2, 2, 2, 5 -> sorted 2 2 2 4 5 5: median (2 + 4) / 2.
    assert (c["user_turns"]["median"], c["user_turns"]["min"], c["user_turns"]["max"]) == (3.0, 2, 5)
    assert {h["bucket"]: h["count"] for h in c["user_turns"]["histogram"] if h["count"]} == {"1-2": 3, "3-5": 3}
    assert [(e["reason"], e["count"]) for e in c["endings"]] == [
        ("replay_input_exhausted", 3), ("user_goodbye", 2), ("(still open)", 1)]
    r = c["ratings"]
    assert (r["rated"], r["unmatched"], r["mean"]) == (3, 1, 4.0)
    by_arm = {a["arm"]: a["mean"] for a in r["by_arm"]["offense_strategy"]}
    assert by_arm == {"A": 4.0, "B": 4.0}
    assert {x["responder"]: x["n"] for x in r["by_responder"]}["offense"] == 3


def test_bad_ratings_file_gives_line_number(tmp_path: Path) -> None:
    from eval.log import EvalError

    bad = tmp_path / "r.csv"
    bad.write_text("c1,5\nc2,great\n", encoding="utf-8")
    with pytest.raises(EvalError, match=r"r.csv:2: rating 'great' is not a number"):
        read_ratings(bad)


def test_sections_without_data_say_not_logged(tmp_path: Path, builders) -> None:
    plain = builders.user_turn(2, offensive=None)
    log = builders.write_log(tmp_path / "plain.db", [{"id": "x", "arms": {}, "turns": [builders.launch_turn(), plain]}])
    report = evaluate(load_log(log))
    assert report["offense"]["status"] == "not logged"
    assert report["dissatisfaction"]["status"] == "not logged"
    assert report["initiative"]["nll"] == "not logged"
    assert report["conversations"]["ratings"]["status"] == "not logged"
    assert report["latency"]["responders"] is None


def test_neural_deciles_rank_by_predictor_score(tmp_path: Path, builders) -> None:
    turns = [builders.launch_turn()]
    for i in range(20):  # the bot turn with score (i+1)/20 is followed by a complaint when the score > 0.5
        score = (i + 1) / 20
        turns.append(builders.user_turn(2, dissatisfaction=["criticism"] if i > 0 and (i / 20) > 0.5 else [],
                                        responder="neural", candidates=[builders.candidate("response", "neural", f"line {i} here now",
                                                                          scores={"dissatisfaction": score})]))
    log = builders.write_log(tmp_path / "neural.db", [{"id": "n", "arms": {}, "turns": turns}])
    deciles = evaluate(load_log(log))["dissatisfaction"]["neural_deciles"]
    assert deciles["status"] == "ok"
    assert [d["bot_turns"] for d in deciles["deciles"]] == [2] * 9 + [1]  # 19 scored turns have a reply
    assert [d["share"] for d in deciles["deciles"]] == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
