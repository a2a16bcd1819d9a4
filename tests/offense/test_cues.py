"""Slot features (cues.py): the same judgement said of "you" in any phrasing lands on one feature, and
the same word said of oneself, of no one or in a question lands elsewhere."""

from __future__ import annotations

import pytest

from classifiers.offense.cues import cue_features
from classifiers.offense.features import FeatureSpec, featurize, target_of, words_of
from classifiers.offense.normalize import variants


def cues(text: str) -> list[str]:
    words = words_of(variants(text)[-1])
    return cue_features(words, "?" in text, target_of(words))


@pytest.mark.parametrize("text", ["you are useless", "you're really so useless", "u r such a useless",
                                  "You are NOT useless"])
def test_what_is_said_of_you_is_one_feature_whatever_the_fillers(text: str) -> None:
    assert "ya:useless" in cues(text)
    assert ("ya:not" in cues(text)) == ("NOT" in text)


def test_the_same_word_said_of_oneself_or_of_the_bot_is_another_feature() -> None:
    assert "me:useless" in cues("i'm so useless today") and "ya:useless" not in cues("i'm so useless today")
    assert "nb:useless" in cues("useless bot")
    assert "yn:understand" in cues("you don't understand anything")


def test_harm_in_a_question_is_not_harm_aimed_at_you() -> None:
    assert "harm|q" in cues("how do people die?") and "harm|q" in cues("what happens when you die")
    assert "harm|you" in cues("i will hurt you")


def test_requests_groups_and_enthusiasm() -> None:
    assert {"req", "req|intim"} <= set(cues("can i see you naked"))
    assert "req|intim" not in cues("can i ask you a question")
    assert {"grp", "grp:cats"} <= set(cues("all cats are lazy"))
    assert "pos|none" in cues("that was fucking awesome") and "pos|me" in cues("i love it")


def test_cues_change_the_features_only_when_the_spec_asks() -> None:
    text = variants("you are really so useless")[-1]
    plain = featurize(FeatureSpec(lexicon=False), text, None, None)
    with_cues = featurize(FeatureSpec(lexicon=False, cues=True), text, None, None)
    assert len(with_cues[0]) > len(plain[0])
    assert set(plain[0]) <= set(with_cues[0])
