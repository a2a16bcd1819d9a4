"""Learning from logs: labels from the user's next turn, a conversation-level split, and a
predictor that finds the hidden rule the likelihood ranker cannot see."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from classifiers.dissatisfaction.checkpoint import list_checkpoints
from classifiers.dissatisfaction.logdata import read_examples
from classifiers.dissatisfaction.synthetic import generate_conversations, write_log
from classifiers.dissatisfaction.train import (
    Example,
    TrainConfig,
    TrainingError,
    examples_from_turns,
    split_by_conversation,
    train_predictor,
)


def test_predictor_learns_hidden_rule_likelihood_stays_at_chance(trained) -> None:
    _, report = trained
    assert report.n_test > 200
    assert report.predictor.auc >= 0.85
    assert abs(report.likelihood.auc - 0.5) < 0.1
    assert report.predictor.precision > report.likelihood.precision + 0.2
    assert report.predictor.recall > report.likelihood.recall + 0.2


def test_labels_come_from_the_next_user_turn() -> None:
    turns = [
        ("i love my dog", "how much money do you make", -2.0),
        ("that's none of your business", "tell me more about your dog", -1.5),
        ("he is a puppy", "that puppy sounds wonderful", None),
        ("bye", "goodbye!", None),
    ]
    examples = examples_from_turns("c1", turns)
    assert [e.label for e in examples] == [True, False, True]  # "bye" ends the conversation
    assert examples[0].context == ("i love my dog",)
    assert examples[1].context == ("i love my dog", "how much money do you make", "that's none of your business")
    assert examples[0].likelihood == -2.0 and examples[2].likelihood is None
    assert len(examples) == 3  # the last bot line has no user reply, so no label


def test_split_never_puts_one_conversation_on_both_sides() -> None:
    examples = [Example(f"c{i % 17}", ("hi",), f"line {i}", i % 3 == 0) for i in range(200)]
    train, test = split_by_conversation(examples, 0.25, seed=5)
    assert {e.conversation_id for e in train}.isdisjoint({e.conversation_id for e in test})
    assert len(train) + len(test) == 200
    assert split_by_conversation(examples, 0.25, seed=5) == (train, test)  # deterministic


def test_training_is_deterministic(synthetic_log: Path) -> None:
    examples = read_examples(synthetic_log)[:600]
    a, _ = train_predictor(examples, TrainConfig(seed=1, max_iter=20))
    b, _ = train_predictor(examples, TrainConfig(seed=1, max_iter=20))
    assert (a.weights == b.weights).all() and a.bias == b.bias


def test_log_reader_filters_by_responder(synthetic_log: Path) -> None:
    assert len(read_examples(synthetic_log)) == 200 * 7
    assert read_examples(synthetic_log, responders={"scripted"}) == []


def test_too_little_data_is_a_clear_error() -> None:
    with pytest.raises(TrainingError, match="no examples"):
        train_predictor([])
    one_conversation = [Example("c", ("hi",), "hello", True), Example("c", ("hi",), "yo", False)]
    with pytest.raises(TrainingError, match="2 conversations"):
        train_predictor(one_conversation)
    happy = [Example(f"c{i}", ("hi",), "hello", False) for i in range(10)]
    with pytest.raises(TrainingError, match="both kinds"):
        train_predictor(happy)


def test_cli_trains_prints_figures_and_saves_new_versions(tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    write_log(str(log), generate_conversations(n_conversations=60, turns_per_conversation=6, seed=2))
    out = tmp_path / "models"
    runner = CliRunner()
    first = runner.invoke(cli, ["train", "dissatisfaction", "--db", str(log), "--out", str(out)])
    assert first.exit_code == 0, first.output
    for words in ("AUC", "precision", "recall", "likelihood ranker", "dissatisfaction predictor", "version 1"):
        assert words in first.output
    second = runner.invoke(cli, ["train", "dissatisfaction", "--db", str(log), "--out", str(out)])
    assert second.exit_code == 0, second.output
    assert [v for v, _ in list_checkpoints(out)] == [1, 2]
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp")]  # no leftovers from atomic writes
    dry = runner.invoke(cli, ["train", "dissatisfaction", "--db", str(log), "--out", str(out), "--dry-run"])
    assert dry.exit_code == 0 and len(list_checkpoints(out)) == 2


@pytest.mark.parametrize("kind", ["missing", "not_sqlite", "not_chirpy"])
def test_cli_bad_log_is_one_line_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.db"
    if kind == "not_sqlite":
        path.write_text("hello, I am not a database")
    elif kind == "not_chirpy":
        with sqlite3.connect(path) as conn:
            conn.execute("create table foo (x int)")
    result = CliRunner().invoke(cli, ["train", "dissatisfaction", "--db", str(path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "error:" in result.output and "Traceback" not in result.output
