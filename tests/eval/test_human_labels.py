"""eval's human-label section on the hand-built log: rates, agreement and detector precision / recall."""

from __future__ import annotations

from pathlib import Path

import pytest

from chirpy.store import Label, open_log
from eval.log import load_log
from eval.report import evaluate


@pytest.fixture
def labelled(fixture_log: Path) -> dict:
    with open_log(fixture_log) as store:
        for person in ("ana", "ben"):
            for cid in ("c2", "c6"):
                store.add_label(Label(cid, -1, "reviewed", "complete", person))
            store.add_label(Label("c2", 5, "bot_error", "repetition", person))  # "...movies with you too"
            store.add_label(Label("c2", 3, "dissatisfaction", "clarification", person))
        store.add_label(Label("c2", 4, "bot_error", "unclear", "ben"))
        store.add_label(Label("c1", 1, "bot_error", "unclear", "carl"))  # carl never marked c1 reviewed
    return evaluate(load_log(fixture_log))["labels"]


def _rate(rows: list[dict], responder: str, kind: str) -> dict:
    return next(r for r in rows if r["responder"] == responder and r["type"] == kind)


def test_rates_count_reviewed_conversations_only_and_average_the_reviewers(labelled: dict) -> None:
    assert labelled["reviewed_conversations"] == 2 and labelled["annotators"] == ["ana", "ben", "carl"]
    assert labelled["labels_outside_reviews"] == 1  # carl's
    rows = labelled["bot_errors"]["rows"]
    # c2 and c6 have 6 bot turns each; both people labelled one repetition, one of them one unclear turn.
    assert (_rate(rows, "(any)", "repetition")["labelled"], _rate(rows, "(any)", "repetition")["turns"]) == (1, 12)
    assert _rate(rows, "(any)", "unclear")["labelled"] == pytest.approx(0.5)
    assert _rate(rows, "(any)", "hallucination")["rate"] == 0.0
    low, high = _rate(rows, "(any)", "hallucination")["ci"]
    assert low == 0.0 and high > 0.2  # nothing found in 12 turns is not proof of nothing
    fallback = _rate(rows, "fallback", "repetition")
    assert (fallback["labelled"], fallback["turns"]) == (1, 8)  # c2: 4 fallback turns, c6: 4 (offense answered one)


def test_agreement_is_cohens_kappa_with_an_interval(labelled: dict) -> None:
    from sklearn.metrics import cohen_kappa_score

    any_error = next(a for a in labelled["agreement"] if a["kind"] == "bot_error" and a["type"] == "(any)")
    ana = [0] * 12
    ben = [0] * 12
    ana[5] = ben[5] = ben[4] = 1  # c2's bot turns are items 0-5
    assert any_error["kappa"] == pytest.approx(cohen_kappa_score(ana, ben)) == pytest.approx(0.625)
    assert any_error["agreement"] == pytest.approx(11 / 12)
    low, high = any_error["kappa_ci"]
    assert low <= 0.625 <= high
    repetition = next(a for a in labelled["agreement"] if a["type"] == "repetition")
    assert repetition["kappa"] == pytest.approx(1.0)
    assert not any(a["type"] == "hallucination" for a in labelled["agreement"])  # nobody used it


def test_detectors_are_scored_against_people(labelled: dict) -> None:
    by_label = {d["label"]: d for d in labelled["detectors"]}
    repetition = by_label["bot_error: repetition"]
    assert (repetition["true_positive"], repetition["flagged"], repetition["positive"]) == (1, 1, 1)
    assert repetition["precision"] == repetition["recall"] == 1.0
    # The detector logged c2 turn 3 (clarification) and c6 turn 3 (repetition, criticism); people only c2's.
    dissatisfaction = by_label["dissatisfaction: (any)"]
    assert (dissatisfaction["true_positive"], dissatisfaction["flagged"], dissatisfaction["positive"]) == (1, 2, 1)
    assert dissatisfaction["precision"] == 0.5 and dissatisfaction["recall"] == 1.0


def test_a_log_without_labels_says_so(fixture_log: Path) -> None:
    section = evaluate(load_log(fixture_log))["labels"]
    assert section["status"] == "not logged" and "chirpy review" in section["reason"]


# -- labels feed the loop: training the dissatisfaction predictor on people's judgements ---------------------------
def test_training_examples_take_peoples_labels_where_they_reviewed(fixture_log: Path) -> None:
    from classifiers.dissatisfaction.logdata import read_examples

    with open_log(fixture_log) as store:
        store.add_label(Label("c1", -1, "reviewed", "complete", "ana"))
        store.add_label(Label("c1", 2, "dissatisfaction", "criticism", "ana"))  # the detector sees nothing there
    detector = read_examples(fixture_log)
    human = read_examples(fixture_log, labels="human")
    both = read_examples(fixture_log, labels="both")
    assert {e.conversation_id for e in human} == {"c1"}  # only what a person reviewed
    assert [e.label for e in human] == [False, True, False, False]  # bot turns 0-3, answered by user turns 1-4
    assert len(both) == len(detector)
    assert [e.label for e in both if e.conversation_id == "c1"] == [False, True, False, False]
    assert [e.label for e in both if e.conversation_id != "c1"] == [e.label for e in detector if e.conversation_id != "c1"]


def test_training_on_human_labels_without_any_review_is_one_clear_error(fixture_log: Path) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    result = CliRunner().invoke(cli, ["train", "dissatisfaction", "--db", str(fixture_log), "--labels", "human",
                                      "--dry-run"])
    assert result.exit_code == 2 and "no conversation that a person marked reviewed" in result.output
