"""Speech output: always well-formed SSML within Alexa's 8,000-character limit."""

from __future__ import annotations

import random
from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from chirpy.server.alexa import speak
from chirpy.server.ssml import SPEECH_LIMIT, clean, to_ssml


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=300))
def test_any_text_becomes_parseable_ssml_with_the_same_words(text: str) -> None:
    ssml = to_ssml(text)
    root = ElementTree.fromstring(ssml)
    assert root.tag == "speak"
    assert (root.text or "") == clean(text)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(seed=st.integers(0, 2**32), n_words=st.integers(1500, 3000))
def test_long_text_is_cut_to_the_limit_without_breaking_an_entity(seed: int, n_words: int) -> None:
    rng = random.Random(seed)
    vocabulary = ["Tom & Jerry.", "<b>bold</b>", "it's", '"quoted"', "word", "Really?"]
    ssml = to_ssml(" ".join(rng.choice(vocabulary) for _ in range(n_words)))
    assert len(ssml) <= SPEECH_LIMIT
    ElementTree.fromstring(ssml)


def test_long_text_ends_on_a_sentence_boundary() -> None:
    text = " ".join(f"This is sentence number {i}." for i in range(1000))
    ssml = to_ssml(text)
    assert len(ssml) <= SPEECH_LIMIT
    assert ssml.endswith(".</speak>") and len(ssml) > SPEECH_LIMIT - 100


def test_one_giant_word_is_cut_by_characters() -> None:
    ssml = to_ssml("&" * 9000)
    assert len(ssml) <= SPEECH_LIMIT
    ElementTree.fromstring(ssml)


def test_reprompt_only_while_the_session_stays_open() -> None:
    assert "reprompt" in speak("Hi?", end=False, reprompt="Still there?")["response"]
    assert "reprompt" not in speak("Bye.", end=True, reprompt="Still there?")["response"]
