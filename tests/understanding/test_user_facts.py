"""What the user says about themselves becomes typed facts (issue 13, listening memory): read once
per turn on speech text (lowercase, no punctuation, fillers, run-on sentences)."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from chirpy.annotations import Annotations
from chirpy.state import ConversationState, Utterance
from chirpy.topics import Topic, TopicIndex
from chirpy.understanding.facts import Fact, UserFacts
from chirpy.understanding.facts.reader import fact_reader
from responders.topics.script import load_script

TOPICS = TopicIndex([Topic(name, name, load_script(f"{name}.toml").keywords) for name in
                     ("music", "sports", "movies", "food", "animals", "tv")])


@pytest.fixture
def facts(annotate: Callable[..., Annotations]) -> Callable[..., list[Fact]]:
    def read(text: str, after: str | None = None, topic: str | None = None) -> list[Fact]:
        state = ConversationState("facts", current_topic=topic)
        if after:
            state.history.append(Utterance("bot", after))
        ann = annotate(text, last_bot_text=after)
        return fact_reader().read(ann, state, TOPICS)

    return read


def kinds(found: list[Fact]) -> dict[tuple[str, str], Any]:
    return {(f.kind, f.value): f for f in found}


def test_names_in_an_answer_are_what_they_like(facts) -> None:
    found = kinds(facts("mostly radiohead lately and some old jazz like coltrane",
                        after="What kind of music have you been listening to lately?", topic="music"))
    assert found[("likes", "radiohead")].topic == "music" and found[("likes", "radiohead")].named
    assert found[("likes", "coltrane")].named  # the gazetteer knows him: no store needed
    assert not any(f.named for (_, value), f in found.items() if value == "jazz")  # a kind of music, not an artist


def test_a_question_states_nothing(facts) -> None:
    assert facts("um do you like radiohead", after="What's been on your playlist lately?") == []


@pytest.mark.parametrize("said", ["um i'm not really into sports", "honestly i dont really follow sports",
                                  "im not a big fan of sports tbh lets talk about something else"])
def test_saying_they_are_not_into_a_topic_declines_it(facts, said: str) -> None:
    assert ("declined", "sports") in kinds(facts(said))


def test_a_short_no_declines_only_a_question_about_caring_for_the_topic(facts) -> None:
    assert ("declined", "sports") in kinds(facts("nah not really", after="Are you into sports at all?", topic="sports"))
    # "no" to "seen any good movies lately?" says they haven't, not that they dislike movies
    assert facts("nah not lately", after="Have you seen any good movies lately?", topic="movies") == []


def test_disliking_one_thing_is_not_declining_its_topic(facts) -> None:
    found = kinds(facts("i don't like football but i watch basketball sometimes"))
    assert found[("dislikes", "football")].topic == "sports"
    assert ("likes", "basketball") in found
    assert not any(kind == "declined" for kind, _ in found)


def test_a_run_on_sentence_gives_the_thing_not_the_rest(facts) -> None:
    found = kinds(facts("i love formula 1 verstappen has been dominant"))
    assert found[("likes", "formula 1")].topic == "sports"
    assert found[("likes", "formula 1")].named


def test_favourite_with_its_category(facts) -> None:
    fact = kinds(facts("uh my favorite band is radiohead for sure"))[("favorite", "radiohead")]
    assert (fact.topic, fact.category) == ("music", "band")


def test_job_pets_and_family(facts) -> None:
    found = kinds(facts("well i work as a nurse so im always tired and i have a dog named miso and my sister helps out"))
    assert {("job", "nurse"), ("pet", "dog"), ("family", "sister")} <= set(found)
    assert ("job", "teacher") in kinds(facts("im a teacher"))


def test_a_name_is_not_a_fact(facts) -> None:
    assert facts("my name is priya", after="What's your favorite thing to eat?", topic="food") == []


def test_later_facts_replace_what_they_contradict() -> None:
    known = UserFacts()
    known.learn([Fact("declined", "sports", "sports")])
    assert known.declined("sports")
    known.learn([Fact("likes", "basketball", "sports")])  # "actually i do watch basketball"
    assert not known.declined("sports")
    known.learn([Fact("dislikes", "basketball", "sports")])
    assert known.of_kind("likes") == [] and known.of_kind("dislikes")


def test_facts_round_trip_through_the_state() -> None:
    state = ConversationState("c")
    state.user_facts.learn([Fact("likes", "radiohead", "music", True), Fact("pet", "dog")])
    again = ConversationState.from_json(state.to_json())
    assert again.user_facts == state.user_facts
    assert again.user_facts.answers("named", "music") and again.user_facts.answers("pet", "animals")


@pytest.mark.parametrize("said", ["if i was a nurse i would be exhausted", "i wish i had a dog honestly"])
def test_a_hypothetical_is_not_about_them(facts, said: str) -> None:
    assert facts(said) == []


def test_things_joined_by_and_are_all_liked(facts) -> None:
    found = kinds(facts("i really like the lakers and lebron"))
    assert found[("likes", "lakers")].topic == found[("likes", "lebron")].topic == "sports"
    assert {("dislikes", "football"), ("dislikes", "baseball")} <= set(kinds(facts("i don't like football or baseball")))


def test_naming_something_of_a_declined_topic_does_not_lift_the_decline(annotate) -> None:
    state = ConversationState("facts")
    state.user_facts.learn([Fact("declined", "sports", "sports")])
    state.history.append(Utterance("bot", "Is there a part of science you find really fascinating?"))
    ann = annotate("my brother loves the lakers though", last_bot_text=state.last_bot_text)
    assert not any(f.topic == "sports" for f in fact_reader().read(ann, state, TOPICS))


def test_i_dont_know_to_a_topic_question_declines_nothing() -> None:
    """"i dont know" to "do you like to read?" is unsure, not "i'm not into books"."""
    import tempfile
    from pathlib import Path

    from chirpy.bot import Bot
    from chirpy.config import Config

    with tempfile.TemporaryDirectory() as tmp:
        bot = Bot(Config.from_dict({"bot": {"db": str(Path(tmp) / "log.db"), "seed": 0},
                                    "responders": {"neural": {"model": ""}}}))
        try:
            for n in range(6):  # several conversations: the question asked first varies with the seed
                cid = f"unsure-{n}"
                bot.start(cid)
                bot.respond(cid, "i'm jo")
                bot.respond(cid, "can we talk about books")
                reply = bot.respond(cid, "i dont know")
                assert not [f for f in reply.annotations.user_facts if f.kind == "declined"], reply.text
        finally:
            bot.close()
