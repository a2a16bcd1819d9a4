"""Training the offense model on a team's own data, loading it by config, and the shipped model's verdicts.

The fixture is written here: abuse built on made-up insult words ("zorblat", "quibnix") that no
lexicon knows, so the only way a model can flag them is by having learned them."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from cli.main import cli
from chirpy.state import ConversationState, Utterance
from classifiers.offense import OffenseClassifier, OffenseModelError, classify_offense
from classifiers.offense.annotator import OffenseAnnotator
from classifiers.offense.checkpoint import list_models, load_model, save_model
from classifiers.offense.dataset import read_labelled
from classifiers.offense.train import TrainConfig, train_model

ABUSE = ["you are a zorblat", "what a quibnix you are", "shut it you zorblat", "zorblat bot", "quibnix machine",
         "you total quibnix", "such a zorblat answer", "go away zorblat", "dumb quibnix", "you quibnix"]
FINE = ["i like rivers", "what is your favorite song", "tell me about dogs", "the weather is nice today",
        "i went hiking yesterday", "my sister plays the piano", "do you like pizza", "i am reading a book",
        "we watched a movie", "the game was close", "i cooked pasta", "my cat sleeps a lot"]


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _fixture(tmp_path: Path) -> Path:
    rows = [{"text": t, "abusive": True, "types": ["criticism"]} for t in ABUSE]
    rows += [{"text": t, "abusive": False} for t in FINE]
    return _write_jsonl(tmp_path / "team.jsonl", rows)


def _annotate(annotator: OffenseAnnotator, text: str, bot_said: str | None = None) -> dict:
    ann = SimpleNamespace(text=text, is_launch=False, user_name=None, extra={}, offense=None)
    state = ConversationState("c", history=[Utterance("bot", bot_said)] if bot_said else [])
    annotator.annotate(ann, state)
    return ann.offense


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    data = _fixture(tmp_path_factory.mktemp("data"))
    return train_model(read_labelled(data), TrainConfig(folds=2, inner_folds=2))


def test_a_model_learns_insults_no_lexicon_knows(tiny_model) -> None:
    rules_only = OffenseClassifier(model="none")
    learned = OffenseClassifier(model=tiny_model)
    assert not rules_only.classify("you zorblat").is_offensive
    verdict = learned.classify("you zorblat")
    assert verdict.is_offensive and verdict.type == "criticism" and verdict.score is not None
    assert not learned.classify("i like rivers and dogs").is_offensive


def test_checkpoints_are_versioned_and_loaded_by_config(tiny_model, tmp_path: Path) -> None:
    first = save_model(tiny_model, tmp_path / "models")
    second = save_model(tiny_model, tmp_path / "models")
    assert [v for v, _ in list_models(tmp_path / "models")] == [1, 2] and second.name == "offense-v0002.safetensors"
    assert b"pickle" not in first.read_bytes()[:200] and load_model(first).heads == tiny_model.heads
    annotator = OffenseAnnotator({"model": str(tmp_path / "models")})
    assert annotator.classifier.model.version == 2
    assert _annotate(annotator, "what a zorblat")["is_offensive"]
    assert not _annotate(OffenseAnnotator({}), "what a zorblat")["is_offensive"]  # the shipped model never saw it


def test_a_model_trained_with_context_reads_the_bots_previous_line(tmp_path: Path) -> None:
    question = "Do you want to zorblat me?"
    rows = [{"text": "yes", "abusive": True, "context": question, "types": ["sexual"]}] * 6
    rows += [{"text": "yes", "abusive": False, "context": f"Do you like {x}?"} for x in
             ("rivers", "dogs", "music", "pizza", "movies", "books", "tea", "snow")]
    data = _write_jsonl(tmp_path / "ctx.jsonl", rows)
    from classifiers.offense.features import FeatureSpec

    model = train_model(read_labelled(data), TrainConfig(spec=FeatureSpec(context=True), folds=2, inner_folds=2))
    save_model(model, tmp_path / "m")
    annotator = OffenseAnnotator({"model": str(tmp_path / "m")})
    assert _annotate(annotator, "yes", bot_said=question)["is_offensive"]
    assert not _annotate(annotator, "yes", bot_said="Do you like rivers?")["is_offensive"]


def test_train_command_cross_validates_compares_and_saves(tmp_path: Path) -> None:
    data = _fixture(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["train", "offense", "--data", str(data), "--out", str(out), "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "new model" in result.output and "shipped model" in result.output and "rules only" in result.output
    assert [v for v, _ in list_models(out)] == [1]
    assert OffenseClassifier(model=out).classify("you quibnix").is_offensive
    dry = CliRunner().invoke(cli, ["train", "offense", "--data", str(data), "--out", str(out), "--folds", "2",
                                   "--dry-run"])
    assert dry.exit_code == 0 and "nothing saved" in dry.output and len(list_models(out)) == 1


@pytest.mark.parametrize("content,suffix,message", [
    (None, ".jsonl", "no such file"),
    ('{"text": "hi", "abusive": false}\n{"text": "you", "abusive": "yes"}\n', ".jsonl", "bad.jsonl:2: 'abusive'"),
    ('{"text": "hi", "abusive": false}\nnot json\n', ".jsonl", "bad.jsonl:2: not valid JSON"),
    ('{"text": "hi", "abusive": true, "types": ["rude"]}\n', ".jsonl", "unknown type 'rude'"),
    ("text,label\nhello,0\n", ".csv", "not in the ConvAbuse layout"),
    ("hello", ".txt", "expected a .csv"),
])
def test_bad_training_data_is_one_line_naming_the_file(tmp_path: Path, content: str | None, suffix: str,
                                                       message: str) -> None:
    path = tmp_path / f"bad{suffix}"
    if content is not None:
        path.write_text(content)
    result = CliRunner().invoke(cli, ["train", "offense", "--data", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.output
    assert "bad" in lines[0]  # the file is named


def test_too_little_data_for_the_folds_is_a_clear_error(tmp_path: Path) -> None:
    data = _write_jsonl(tmp_path / "few.jsonl", [{"text": "you zorblat", "abusive": True},
                                                 {"text": "hello", "abusive": False}])
    result = CliRunner().invoke(cli, ["train", "offense", "--data", str(data), "--folds", "3"])
    assert result.exit_code == 2 and "each class needs at least 3" in result.output


def test_missing_or_damaged_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OffenseModelError, match="no offense model"):
        OffenseAnnotator({"model": str(tmp_path)})
    (tmp_path / "offense-v0001.safetensors").write_bytes(b"not a model")
    with pytest.raises(OffenseModelError, match="cannot read offense model"):
        load_model(tmp_path)


def test_a_model_from_another_feature_version_is_refused(tiny_model, tmp_path: Path) -> None:
    from safetensors import safe_open
    from safetensors.numpy import save_file

    path = save_model(tiny_model, tmp_path)
    with safe_open(str(path), framework="np") as f:
        meta, tensors = f.metadata(), {k: f.get_tensor(k) for k in f.keys()}
    save_file(tensors, str(path), metadata={**meta, "feature_version": "999"})
    with pytest.raises(OffenseModelError, match="retrain it"):
        load_model(path)


@pytest.mark.parametrize("text", [
    "you are the dumbest bot i have ever talked to",
    "you don't understand anything",
    "a toaster is smarter than you",
    "would you like to come to my bedroom tonight",
    "women are too stupid to drive",
    "fuck off you useless machine",
    "y o u   a r e   s t u p i d",
])
def test_shipped_model_flags_clear_abuse(text: str) -> None:
    assert classify_offense(text).is_offensive, text


@pytest.mark.parametrize("text", [
    "fucking awesome, i loved that movie",
    "i had a shitty day at work",
    "i'm such an idiot, i forgot my keys again",
    "what happens to your body when you die",
    "how do people get hurt skiing",
    "I mean when a single mistake can kill you, you have to be careful",
    "my favorite band is the killers",
    "do you like hiking in the mountains",
])
def test_shipped_model_passes_ordinary_chat_and_undirected_profanity(text: str) -> None:
    assert not classify_offense(text).is_offensive, text


def test_c_is_chosen_from_the_grid_by_the_inner_cross_validation(tmp_path: Path) -> None:
    turns = read_labelled(_fixture(tmp_path))
    model = train_model(turns, TrainConfig(folds=2, inner_folds=2, c_grid=(0.5, 2.0)))
    assert model.info["c"] in (0.5, 2.0) and model.info["c_grid"] == [0.5, 2.0]
    assert OffenseClassifier(model=model).classify("you zorblat").is_offensive


def test_rules_evidence_can_be_made_as_unreliable_as_on_unseen_turns() -> None:
    """The benchmarks' "as unseen" estimate: the rules' hits keep exactly the asked precision and recall,
    and nothing but the rules' evidence moves."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack

    from classifiers.offense.train import Matrices, as_if_unseen

    n = 200
    gold = np.arange(n) < 100  # rows 0-99 abusive
    hit = (np.arange(n) < 90) | ((np.arange(n) >= 100) & (np.arange(n) < 105))  # R 0.90, P 90/95
    plain = csr_matrix(np.eye(n))  # each row its own n-gram
    evidence = csr_matrix(hit.astype(float).reshape(-1, 1))  # one lexicon column
    m = Matrices(full=hstack([plain, evidence], format="csr"), plain=hstack([plain, csr_matrix((n, 1))], format="csr"),
                 rules_hit=hit)
    rows = as_if_unseen(m, gold, precision=0.75, recall=0.78, rng=np.random.default_rng(0))
    said = rows[:, n].toarray().ravel() > 0
    assert int(np.sum(said & gold)) == 78  # recall 0.78 of the 100 abusive rows
    assert int(np.sum(said & ~gold)) == 26  # 78 true hits at precision 0.75: 26 false ones
    assert (rows[:, :n] != m.plain[:, :n]).nnz == 0  # the n-grams are untouched

    # Told which hits are hard (here rows 50-89), the misses come from them first.
    hard = (np.arange(n) >= 50) & (np.arange(n) < 90)
    rows = as_if_unseen(m, gold, precision=0.75, recall=0.78, rng=np.random.default_rng(0), hard=hard)
    said = rows[:, n].toarray().ravel() > 0
    assert int(np.sum(said & gold)) == 78 and said[:50].all() and int(np.sum(said[50:90])) == 28
