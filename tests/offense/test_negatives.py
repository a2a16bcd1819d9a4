"""Ordinary-chat negatives: split by conversation into trained and never-trained, read from
Topical-Chat or plain text, added by ``chirpy train offense --negatives``; bad files are one line.

Fixtures are written here (made-up insult words, invented chat); nothing reads ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from classifiers.offense import OffenseClassifier, OffenseDataError
from classifiers.offense.checkpoint import load_model
from classifiers.offense.dataset import LabelledTurn
from classifiers.offense.negatives import held_out, is_training_conversation, read_chat, training_negatives
from classifiers.offense.train import Matrices, TrainConfig, prepare, train_model

ABUSE = ["you are a zorblat", "what a quibnix you are", "shut it you zorblat", "zorblat bot", "quibnix machine",
         "you total quibnix", "such a zorblat answer", "go away zorblat", "dumb quibnix", "you quibnix"]
FINE = ["i like rivers", "what is your favorite song", "tell me about dogs", "the weather is nice today",
        "i went hiking yesterday", "my sister plays the piano", "do you like pizza", "i am reading a book",
        "we watched a movie", "the game was close", "i cooked pasta", "my cat sleeps a lot"]


def _data_file(tmp_path: Path) -> Path:
    data = tmp_path / "d.jsonl"
    rows = [{"text": t, "abusive": True} for t in ABUSE] + [{"text": t, "abusive": False} for t in FINE]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return data


def _chat_dir(tmp_path: Path) -> Path:
    root = tmp_path / "chat"
    root.mkdir()
    convs = {f"c{i}": {"content": [{"message": f"i watched film number {i} last night", "agent": "agent_1"},
                                   {"message": "was it any good", "agent": "agent_2"}]} for i in range(40)}
    (root / "talks.json").write_text(json.dumps(convs))
    (root / "notes.json").write_text(json.dumps({"Some Film": "movies"}))  # not conversations: skipped
    return root


def test_ordinary_chat_is_split_by_conversation_into_trained_and_never_trained(tmp_path: Path) -> None:
    chat = read_chat(_chat_dir(tmp_path))
    assert len(chat) == 80
    unseen = held_out(chat)
    trained = training_negatives(chat, limit=1000)
    assert 0 < len(unseen) < len(chat) and len(trained) + len(unseen) == len(chat)
    assert not {t.conversation for t in unseen} & {t.group.removeprefix("chat:") for t in trained}
    assert all(not t.abusive for t in trained)
    assert len(training_negatives(chat, limit=5)) == 5
    assert is_training_conversation("c1") == is_training_conversation("c1")  # stable, so bench and training agree


def test_ordinary_chat_negatives_teach_the_model_what_is_harmless() -> None:
    turns = [LabelledTurn(t, True, frozenset({"criticism"})) for t in ABUSE] + [LabelledTurn(t, False) for t in FINE]
    # People chatting about a festival that happens to share the insult's word.
    chat = [LabelledTurn(f"the zorblat festival in town {i} was fun", False) for i in range(30)]
    config = TrainConfig(folds=2, inner_folds=2)
    without = OffenseClassifier(model=train_model(turns, config))
    taught = OffenseClassifier(model=train_model(turns, config, negatives=Matrices.build(prepare(chat), config)))
    assert without.classify("the zorblat festival was fun").is_offensive
    assert not taught.classify("the zorblat festival was fun").is_offensive
    assert taught.classify("you are a zorblat").is_offensive


def test_train_command_adds_ordinary_chat_negatives(tmp_path: Path) -> None:
    data = _data_file(tmp_path)
    result = CliRunner().invoke(cli, ["train", "offense", "--data", str(data), "--out", str(tmp_path / "o"),
                                      "--folds", "2", "--negatives", str(_chat_dir(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "ordinary-chat turns added" in result.output
    assert load_model(tmp_path / "o").info["negative_rows"] > 0


@pytest.mark.parametrize("name,content,message", [
    ("missing.json", None, "no such file"),
    ("bad.json", "{not json", "not a JSON file"),
    ("list.json", "[1, 2]", "keyed by conversation id"),
    ("turns.csv", "a,b\n", "expected a Topical-Chat"),
])
def test_bad_ordinary_chat_is_one_line(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(OffenseDataError, match=message):
        read_chat(path)
    data = _data_file(tmp_path)
    result = CliRunner().invoke(cli, ["train", "offense", "--data", str(data), "--negatives", str(path)])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and name in lines[0], result.output
