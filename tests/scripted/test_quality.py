"""Conversation-quality fixes (follow-up to issue 3), each on realistic ASR-style phrasings:
the bot acknowledges how the user feels, never cheers a "no", reacts to names not kinds of things,
takes a lowercase title as a title, stays on topic after answering a question, does not ask what
the user already said, and offers to wrap up when the user is winding down."""

from __future__ import annotations

import re

import pytest

from chirpy.text import normalise_for_comparison

UPBEAT = re.compile(r"\b(nice|great|awesome|cool|good choice|love that)\b", re.IGNORECASE)


def _private(chat, responder: str) -> dict:
    return chat.state().responder_states.get(responder, {})


@pytest.mark.parametrize("said, feeling", [
    ("not really i'm pretty tired today", "tired"),
    ("im kind of stressed out", "stressed out"),
    ("honestly i feel so sad today", "sad"),
    ("i know i'm still upset about that one they are blaming the toy shop closing", "upset"),  # never "That's so interesting to me."
])
def test_the_bot_acknowledges_how_the_user_feels(chat, said: str, feeling: str) -> None:
    chat.say("i'm dana")
    reply = chat.say(said)
    assert "sorry" in reply.text.lower() and feeling in reply.text.lower()
    assert not UPBEAT.search(reply.text.split(".")[0])


@pytest.mark.parametrize("said", ["not really i mostly stay home", "nah not lately", "nope"])
def test_a_no_answer_never_gets_an_upbeat_reaction(chat, said: str) -> None:
    chat.say("i'm lee")
    chat.say("let's talk about movies")
    reply = chat.say(said)
    assert reply.response.responder == "movies"
    assert reply.response.meta.get("reaction") == "no"
    assert not reply.text.lower().startswith(("oh, nice", "oh nice", "great", "awesome", "mm, i like that"))


def test_a_kind_of_thing_is_not_praised_as_if_it_were_a_title(chat) -> None:
    chat.say("i'm dana")
    reply = chat.say("i watched a movie last night")
    assert reply.response.responder == "movies"
    assert "a movie" not in reply.text.lower()
    assert "recommending" not in reply.text and "on my list" not in reply.text


def test_a_lowercase_title_the_user_names_is_referred_to(chat) -> None:
    chat.say("i'm dana")
    chat.say("i watched a movie last night")
    reply = chat.say("it was dune part two")
    assert reply.response.responder == "movies"
    assert "Dune Part Two" in reply.text
    assert chat.state().current_entity == "Dune Part Two"


def test_a_title_is_not_taken_for_a_genre(chat) -> None:
    chat.say("i'm dana")
    chat.say("let's talk about movies")
    # Move the movie topic to its "what kind of movies" thread, then answer it with a title.
    for _ in range(6):
        if _private(chat, "movies").get("last_ask", "").lower().startswith(("what kind", "are you more into")):
            break
        chat.say("yeah i liked it a lot")
    reply = chat.say("it was dune part two")
    assert "Dune Part Two" in reply.text and "they're so much fun" not in reply.text


def test_after_answering_a_question_the_bot_stays_on_the_topic(chat) -> None:
    chat.say("i'm ash")
    chat.say("let's talk about movies")
    answers = iter(["the lion king", "comedies mostly", "probably inception", "yeah that one", "at home usually",
                    "i guess so", "sure"])
    threads = 4
    while len(_private(chat, "movies").get("asked", [])) < threads or _private(chat, "movies").get("stage") != "opined":
        chat.say(next(answers))
    reply = chat.say("what's your favorite movie")
    assert reply.response.responder == "movies" and not reply.response.handoff
    assert reply.prompt is None and reply.text.rstrip().endswith("?")  # answered, then asked back
    assert chat.state().current_topic == "movies"


def test_a_question_the_user_already_answered_is_not_asked(chat) -> None:
    chat.say("i'm sam")
    chat.say("lets talk about music")
    chat.say("i like taylor swift")
    assert "favorite_artist" in _private(chat, "music").get("asked", [])
    for said in ["yeah", "i guess", "sometimes"]:
        chat.say(said)
    later = " ".join(chat.bot_lines[3:]).lower()
    assert "favorite singer or band" not in later and "listen to all day?" not in later


@pytest.mark.parametrize("said", [
    "i have to go to work tomorrow so i should sleep", "i need to go to bed", "its getting late",
    "i should probably go", "okay im going to bed now",
    "no not into football maybe next year though i think i'm going to head out now i'm actually going to go to the book store",
])
def test_winding_down_gets_an_offer_to_wrap_up_and_yes_ends_the_chat(chat, said: str) -> None:
    chat.say("i'm dana")
    offer = chat.say(said)
    assert offer.response.responder == "closing" and not offer.ended
    assert offer.text.rstrip().endswith("?") and ("wrap up" in offer.text or "goodbye" in offer.text)
    assert chat.say("yeah").ended


def test_declining_the_wrap_up_keeps_the_conversation_going(chat) -> None:
    chat.say("i'm dana")
    chat.say("i need to go to bed soon")
    reply = chat.say("no i can talk a bit longer")
    assert not reply.ended and reply.prompt is not None


@pytest.mark.parametrize("said", ["i have to go to work tomorrow", "i should watch more movies", "i go to bed late"])
def test_mentioning_work_or_bed_alone_does_not_end_the_chat(chat, said: str) -> None:
    chat.say("i'm dana")
    reply = chat.say(said)
    assert reply.response.responder != "closing" and not reply.ended


def test_sad_news_gets_sympathy_not_a_topic(chat) -> None:
    chat.say("i'm dana")
    reply = chat.say("my cat died last week")
    assert "sorry" in reply.text.lower() or "sad" in reply.text.lower()
    assert "?" not in reply.text and "talk about" not in reply.text  # no "Aw, animals! I could talk about them all day"
    assert reply.response.must_stay  # the initiative controller may not swap it for "Hmm."


LONG_CHAT = [
    "i'm sam", "yeah sure", "i love pizza", "pepperoni", "what about you", "i don't know", "lets talk about music",
    "i like taylor swift", "her old albums mostly", "no not really", "i went to a concert last week", "it was coldplay",
    "do you like dogs", "i have a dog named max", "he is a golden retriever", "i play basketball on weekends",
    "the lakers", "i read a lot of books", "harry potter", "not really i'm pretty tired today", "thanks",
    "what do you do for fun", "cool", "i watched a movie last night",
]


def _sentences(text: str) -> list[str]:
    return [normalise_for_comparison(s) for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) > 2]


def test_a_long_default_conversation_has_variety_and_no_repeats(default_chat) -> None:
    """24 turns with the shipped config (initiative controller on): no sentence said twice, many
    responders take part, and a "no" is never answered with praise."""
    chat = default_chat()
    for said in LONG_CHAT:
        reply = chat.say(said)
        assert not reply.ended
        if said.startswith(("no ", "not really")):
            assert not UPBEAT.search(reply.text.split(".")[0]), reply.text
    sentences = [s for line in chat.bot_lines for s in _sentences(line)]
    assert len(sentences) == len(set(sentences)), [s for s in sentences if sentences.count(s) > 1]
    assert len({t.response.responder for t in chat.turns[1:]}) >= 6


def test_a_no_outside_any_topic_gets_no_cheer(chat) -> None:
    chat.say("i'm dana")
    reply = chat.say("nah i don't really do much of anything")
    assert not UPBEAT.search(reply.text.split(".")[0]) and "interesting" not in reply.text.split(".")[0].lower()


def test_a_word_in_passing_is_not_praised_as_a_pick(chat) -> None:
    chat.say("i'm dana")
    chat.say("let's talk about food")
    reply = chat.say("i have to go to work tomorrow")
    assert not re.search(r"\bwork[,!.]", reply.text, re.IGNORECASE), reply.text  # not "Oh nice, work."
