"""The offense model's second opinion: alt-profanity-check's score, read into arrays and used as features."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from classifiers.offense import OffenseClassifier, OffenseModelError
from classifiers.offense.checkpoint import load_model, save_model
from classifiers.offense.external import profanity_scorer
from classifiers.offense.features import FeatureSpec, external_features, featurize
from classifiers.offense.train import TrainConfig, train_model
from tests.offense.test_training import _fixture
from classifiers.offense.dataset import read_labelled

TEXTS = ["you are a worthless piece of garbage", "I love rivers and mountains", "", "the the the",
         "WHAT THE HELL is wrong with you", "café au lait s'il vous plaît", "shut up shut up shut up"]


def test_the_fast_score_is_the_packages_own_probability() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from profanity_check import predict_prob

    expected = predict_prob(TEXTS)
    scorer = profanity_scorer()
    for text, p in zip(TEXTS, expected):
        assert scorer.probability(text) == pytest.approx(float(p), abs=1e-9), text
    assert scorer.probability("you are a worthless piece of garbage") > 0.5 > scorer.probability("I love rivers")


def test_the_score_becomes_rising_levels_crossed_with_the_target() -> None:
    insult = external_features("you are a worthless piece of garbage".split(), "you")
    assert "e>=0.1" in insult and "e>=0.5" in insult and "e>=0.5|you" in insult
    assert external_features("i love rivers".split(), "me") == []
    with_score = featurize(FeatureSpec(external=True), "you are a worthless piece of garbage", None, None)
    without = featurize(FeatureSpec(), "you are a worthless piece of garbage", None, None)
    assert len(with_score[0]) == len(without[0]) + len(insult)


def test_a_model_trained_with_the_score_keeps_it_through_its_file(tmp_path: Path) -> None:
    model = train_model(read_labelled(_fixture(tmp_path)), TrainConfig(folds=2, inner_folds=2))
    assert model.spec.external  # the shipped recipe reads the score
    loaded = load_model(save_model(model, tmp_path / "m"))
    assert loaded.spec.external
    assert OffenseClassifier(model=loaded).classify("you zorblat").is_offensive


def test_a_model_that_needs_the_package_says_so_in_one_line_when_it_is_missing(tmp_path: Path, monkeypatch) -> None:
    model = train_model(read_labelled(_fixture(tmp_path)), TrainConfig(folds=2, inner_folds=2))
    monkeypatch.setitem(sys.modules, "profanity_check", None)
    monkeypatch.setitem(sys.modules, "profanity_check.profanity_check", None)
    profanity_scorer.cache_clear()
    try:
        with pytest.raises(OffenseModelError) as err:
            OffenseClassifier(model=model)
        assert "pip install alt-profanity-check" in str(err.value) and "\n" not in str(err.value)
        # A model trained without the score does not need the package.
        plain = train_model(read_labelled(_fixture(tmp_path)),
                            TrainConfig(spec=FeatureSpec(), folds=2, inner_folds=2))
        assert OffenseClassifier(model=plain).classify("you zorblat").is_offensive
    finally:
        profanity_scorer.cache_clear()
