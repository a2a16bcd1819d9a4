"""Other languages are recognised and answered politely in English, never echoed as names or titles."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, language", [
    ("me gusta el fútbol", "es"), ("no hablo inglés", "es"), ("je ne parle pas anglais", "fr"),
    ("ich spreche kein englisch", "de"), ("non parlo inglese", "it"), ("eu não falo inglês", "pt"),
    ("как дела", "ru"), ("我喜欢足球", "zh"),
])
def test_other_languages_are_recognised(annotate, text, language):
    ann = annotate(text)
    assert ann.language == language and not ann.is_english


@pytest.mark.parametrize("text", ["ok", "yes", "lol", "sam", "gracias", "real madrid", "i love tacos", "deja vu",
                                  "my name is jose", "um i dont know", "bye now", "i watched amelie last night"])
def test_short_english_stays_english(annotate, text):
    ann = annotate(text)
    assert ann.is_english and ann.language == "en"


def test_spanish_is_never_taken_as_a_name(annotate):
    assert annotate("me gusta el fútbol", expecting="name").user_name is None
    assert annotate("me llamo carlos", expecting="name").user_name is None


@pytest.mark.parametrize("text", ["me gusta el fútbol", "je ne parle pas anglais", "ich spreche kein englisch"])
def test_the_bot_answers_that_it_speaks_english(conversation, text):
    chat = conversation()
    reply = chat.say(text)  # right after the name question, the riskiest place
    assert "english" in reply.text.lower()
    assert "gusta" not in reply.text.lower() and "fútbol" not in reply.text.lower() and "parle" not in reply.text.lower()
    chat.say("my name is ana")
    reply = chat.say("me gusta el fútbol")
    assert "english" in reply.text.lower() and "Gusta" not in reply.text


def test_a_broken_identifier_does_not_break_the_turn(annotator):
    from chirpy.annotations import CoreAnnotator
    from chirpy.text import clean_user_text

    class Broken:
        def identify(self, text: str) -> str:
            raise RuntimeError("model file vanished")

    fragile = CoreAnnotator(annotator.nlp, acts=annotator.acts, names=annotator.names, language=Broken())
    ann = fragile.annotate(clean_user_text("do you like dogs", 1000))
    assert ann.is_english and ann.is_question
    assert not fragile.annotate(clean_user_text("как дела", 1000)).is_english
