"""What the user starts: questions about the bot, topic changes, requests to repeat, complaints.
Phrasings are realistic, including ASR-style text (lowercase, no punctuation, no apostrophes)."""

from __future__ import annotations

import pytest

from chirpy.text import normalise_for_comparison
from responders.topics.script import load_script

APOLOGY_WORDS = ("sorry", "apolog", "my mistake", "my bad", "oops", "you're right")


def in_a_topic(chat, topic: str = "movies"):
    chat.say("i'm sam")
    return chat.say(f"let's talk about {topic}")


@pytest.mark.parametrize("question, expected", [
    ("whats your name", "chirpy"),
    ("What's your name?", "chirpy"),
    ("who are you", "chirpy"),
    ("what should i call you", "chirpy"),
    ("are you a robot", "not a human|bot|computer program"),
    ("are you a real person", "not a human|bot|computer program"),
    ("am i talking to a computer", "not a human|bot|computer program"),
    ("how old are you", "young"),
    ("what can you do", "chat"),
    ("what can we talk about", "chat"),
    ("um can you help me", "chat"),
    ("how are you doing today", "thank|good"),
    ("doing well and yourself", "thank|good"),
    ("im good thanks how about you", "thank|good"),
])
def test_questions_about_the_bot_get_an_answer(chat, question: str, expected: str) -> None:
    chat.say("i'm sam")
    result = chat.say(question)
    assert result.response.responder == "bot_facts"
    assert any(word in result.response.text.lower() for word in expected.split("|"))


def test_help_inside_a_statement_is_not_a_request_for_help(chat) -> None:
    # "they help me to relax" is about comedies, not a question about what the bot can do.
    chat.say("i'm sam")
    result = chat.say("yes i like comedy the most they help me to relax")
    assert result.response.responder != "bot_facts", result.text


def test_after_answering_the_bot_returns_to_the_topic(chat) -> None:
    opened = in_a_topic(chat, "music")
    assert opened.prompt.responder == "music"
    result = chat.say("are you a robot")
    assert result.response.responder == "bot_facts"
    assert result.prompt is not None and result.prompt.responder == "music"
    assert result.prompt.is_question


def test_favorite_questions_are_answered_by_the_topic_that_knows(chat) -> None:
    chat.say("i'm sam")
    result = chat.say("whats your favorite movie")
    assert result.response.responder == "movies"
    # The answer is one of the movie script's own "about me" lines, said whole.
    script = load_script("movies.toml")
    assert any(line.text in result.text for line in script.lines["about_me"]), result.text
    other = chat.say("what's your favorite color")
    assert other.response.responder == "answers" and "color" in other.text.lower()


def test_a_request_a_script_covers_by_keyword_opens_that_script(chat) -> None:
    chat.say("i'm sam")
    result = chat.say("can we talk about quantum physics")
    assert "quantum physics" in result.response.text.lower()
    assert result.prompt is not None and result.prompt.topic == "science"


@pytest.mark.parametrize("request_text, topic", [
    ("let's talk about music", "music"),
    ("lets talk about music", "music"),
    ("can we talk about sports", "sports"),
    ("i want to talk about food", "food"),
    ("talk about books", "books"),
    ("could we chat about video games", "games"),
])
def test_asking_for_a_topic_opens_it(chat, request_text: str, topic: str) -> None:
    chat.say("i'm sam")
    result = chat.say(request_text)
    assert result.response.responder == "change_topic"
    assert result.prompt is not None and result.prompt.topic == topic
    assert chat.state().current_topic == topic


def test_asking_for_a_topic_without_a_script_lets_the_user_lead(chat) -> None:
    chat.say("i'm sam")
    result = chat.say("can we talk about electric cars")
    assert result.response.responder == "change_topic"
    assert "electric cars" in result.text.lower()
    assert result.response.user_led is True


@pytest.mark.parametrize("leave", [
    "i dont want to talk about this",
    "I don't want to talk about this.",
    "can we talk about something else",
    "change the subject",
    "something else",
])
def test_leaving_a_topic_switches_to_another(chat, leave: str) -> None:
    opened = in_a_topic(chat, "movies")
    assert opened.prompt.topic == "movies"
    result = chat.say(leave)
    assert result.response.responder == "change_topic"
    assert result.prompt is not None and result.prompt.topic not in (None, "movies")


def test_refusing_a_named_topic_does_not_open_it(chat) -> None:
    chat.say("i'm sam")
    result = chat.say("i dont want to talk about sports")
    assert "sports" in result.response.text.lower()
    assert result.prompt is not None and result.prompt.topic != "sports"


@pytest.mark.parametrize("ask_again", ["say that again", "what", "what?", "sorry what", "huh", "can you repeat that",
                                       "repeat that please", "i didnt catch that", "what did you say"])
def test_repeat_requests_repeat_the_last_line(chat, ask_again: str) -> None:
    opened = in_a_topic(chat, "animals")
    result = chat.say(ask_again)
    assert result.response.responder == "repeat"
    assert normalise_for_comparison(opened.text) in normalise_for_comparison(result.text)
    assert chat.state().current_topic == "animals"


def test_after_a_repeat_the_answer_still_goes_to_the_topic(chat) -> None:
    in_a_topic(chat, "food")
    chat.say("what")
    result = chat.say("pizza")
    assert result.response.responder == "food"
    assert "pizza" in result.text.lower()


def test_repeating_twice_repeats_the_original_line(chat) -> None:
    opened = in_a_topic(chat, "travel")
    chat.say("what")
    again = chat.say("say that again")
    assert normalise_for_comparison(opened.text) in normalise_for_comparison(again.text)
    assert normalise_for_comparison(again.text) != normalise_for_comparison(chat.bot_lines[-2])


@pytest.mark.parametrize("complaint", [
    "you're not listening",
    "youre not listening to me",
    "you already asked me that",
    "you keep asking the same thing",
    "that makes no sense",
    "that doesnt make any sense",
    "what are you talking about",
    "that was a weird question",
    "you didnt answer my question",
    "this is boring",
])
def test_complaints_get_an_apology_and_a_change_of_course(chat, complaint: str) -> None:
    opened = in_a_topic(chat, "movies")
    result = chat.say(complaint)
    assert result.response.responder == "complaint"
    assert any(word in result.response.text.lower() for word in APOLOGY_WORDS + ("fair enough", "i hear you"))
    assert result.prompt is not None and result.prompt.topic not in (None, opened.prompt.topic)


def test_complaints_use_the_dissatisfaction_annotation(chat) -> None:
    in_a_topic(chat, "music")
    # Not in the handler's own patterns: only the (stand-in) dissatisfaction annotator labels it.
    result = chat.say("ugh not this again")
    assert result.response.responder == "complaint"
    assert result.response.meta["complaint"] == "repetition"
    assert result.prompt is not None and result.prompt.topic != "music"


def test_disinterest_from_the_annotation_moves_on(chat) -> None:
    in_a_topic(chat, "books")
    result = chat.say("meh whatever man")
    assert result.response.responder == "complaint"
    assert result.prompt.topic not in (None, "books")


def test_user_questions_the_scripts_cannot_answer_get_a_fitting_reply(chat) -> None:
    chat.say("i'm sam")
    liked = chat.say("do you like jazz")
    assert liked.response.responder in ("music", "answers")
    assert "jazz" in liked.text.lower() or "music" in liked.text.lower()
    quiz = chat.say("do you know who invented the stapler")  # the knowledge store does not know this one
    assert quiz.response.responder == "answers" and quiz.response.meta["kind"] == "quiz"
    assert quiz.prompt is None  # "no idea, tell me": the user keeps the floor
    either = chat.say("Do you prefer cats or dogs?")
    assert either.response.meta["kind"] == "either_or"
    assert "cats" in either.response.text or "dogs" in either.response.text


def test_a_privacy_objection_gets_an_apology_and_a_new_topic(chat) -> None:
    in_a_topic(chat, "school and work")
    result = chat.say("why do you want to know")
    assert result.response.responder == "complaint" and result.response.meta["complaint"] == "privacy"
    assert result.prompt is not None and result.prompt.topic != "school_work"


def test_broken_handler_content_is_a_clear_config_error(tmp_path) -> None:
    from chirpy.errors import ConfigError
    from responders.user_initiative.bot_facts import BotFactsResponder

    bad = tmp_path / "facts.toml"
    bad.write_text('[[intents]]\nid = "name"\npatterns = ["(unclosed"]\nlines = ["I\'m Chirpy."]\n')
    with pytest.raises(ConfigError, match="facts.toml intent name: bad pattern"):
        BotFactsResponder({"content": str(bad)})
    mislabelled = tmp_path / "facts2.toml"  # content files are cached by path: a new name
    mislabelled.write_text('[[intents]]\nid = "name"\npatterns = ["name"]\nlines = ["Who am I?"]\n')
    with pytest.raises(ConfigError, match="ends with '\\?'"):
        BotFactsResponder({"content": str(mislabelled)})
