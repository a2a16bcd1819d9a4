"""The core annotator on ASR-style text: lowercase, no punctuation, contractions without apostrophes."""

from __future__ import annotations

import pytest

from chirpy.annotations import CoreAnnotator
from chirpy.nlp import load_nlp
from chirpy.text import clean_user_text


@pytest.fixture(scope="module")
def annotate():
    annotator = CoreAnnotator(load_nlp())

    def run(text: str, expecting: str | None = None):
        return annotator.annotate(clean_user_text(text, 1000), expecting=expecting)

    return run


@pytest.mark.parametrize("text", [
    "whats your name", "what's your favorite movie", "how old are you", "do you like dogs",
    "are you a robot", "can you sing", "where do you live", "i like cats do you", "why",
])
def test_questions_without_question_marks(annotate, text):
    assert annotate(text).is_question


@pytest.mark.parametrize("text", ["i like cats", "what a day", "my dog is called rex", "yes", "i dont know"])
def test_statements_are_not_questions(annotate, text):
    assert not annotate(text).is_question


def test_yes_no_questions(annotate):
    assert annotate("do you have a favorite band").is_yes_no_question
    assert not annotate("what is your favorite band").is_yes_no_question


@pytest.mark.parametrize("text", ["tell me a joke", "let's talk about music", "lets talk about sports",
                                  "stop", "please repeat that", "sing me a song"])
def test_commands(annotate, text):
    assert annotate(text).is_command


@pytest.mark.parametrize("text", ["i went hiking", "my name is sam", "call me al", "the movie was great"])
def test_not_commands(annotate, text):
    assert not annotate(text).is_command


def test_yes_and_no(annotate):
    assert annotate("yeah i do").is_yes and not annotate("yeah i do").is_no
    assert annotate("nope").is_no and annotate("not really").is_no


@pytest.mark.parametrize("text,name", [
    ("my name is sam", "Sam"), ("hi my name's olivia", "Olivia"), ("call me alex", "Alex"),
    ("you can call me dee", "Dee"), ("My name is María", "María"),
])
def test_stated_names(annotate, text, name):
    assert annotate(text).user_name == name


@pytest.mark.parametrize("text,name", [("sam", "Sam"), ("it's kim", "Kim"), ("kim here", "Kim")])
def test_bare_names_count_only_when_the_bot_asked(annotate, text, name):
    assert annotate(text, expecting="name").user_name == name
    assert annotate(text).user_name is None


@pytest.mark.parametrize("text,name", [("i'm jordan", "Jordan"), ("im taylor", "Taylor")])
def test_i_am_and_a_first_name_is_an_introduction_anywhere(annotate, text, name):
    assert annotate(text, expecting="name").user_name == name
    assert annotate(text).user_name == name


@pytest.mark.parametrize("text", ["i'm tired", "i am good thanks", "no", "i don't want to tell you",
                                  "why do you want to know", "i'm not telling"])
def test_replies_that_are_not_names(annotate, text):
    assert annotate(text, expecting="name").user_name is None


def test_noun_phrases_and_entities(annotate):
    ann = annotate("I watched The Matrix with my brother in New York")
    assert "The Matrix" in ann.noun_phrases or any(e.text == "The Matrix" for e in ann.entities)
    assert any(e.label == "GPE" and e.text == "New York" for e in ann.entities)
    assert "I" not in ann.noun_phrases  # bare pronouns are not things the user talked about


def test_backchannels(annotate):
    assert annotate("mhm").is_backchannel and annotate("oh wow").is_backchannel
    assert not annotate("oh wow that movie was amazing").is_backchannel
