"""Entity linking on what users actually type or say: any case, aliases, plurals, one word of a
longer name, and ambiguity settled by popularity and by the conversation so far."""

from __future__ import annotations

import pytest

from knowledge.linker import ConversationContext


def ids(knowledge, text: str, context: ConversationContext | None = None) -> list[str]:
    return [link.id for link in knowledge.linker.link(text, context)]


@pytest.mark.parametrize("text", ["I love The Zorblat Quintet!", "i love the zorblat quintet", "I LOVE THE ZORBLAT QUINTET"])
def test_case_does_not_matter(knowledge, text: str) -> None:
    assert ids(knowledge, text)[:1] == ["the-zorblat-quintet"]


def test_aliases_plurals_and_partial_names(knowledge) -> None:
    assert ids(knowledge, "have you heard the zorblats")[:1] == ["the-zorblat-quintet"]  # listed alias
    assert ids(knowledge, "the zorblat guys are great")[:1] == ["the-zorblat-quintet"]  # one word of the name
    assert ids(knowledge, "verstappen is so fast")[:1] == ["max-verstappen"]
    assert ids(knowledge, "i think bees are amazing")[:1] == ["honey-bee"]  # plural of an alias


def test_the_span_is_what_the_user_said(knowledge) -> None:
    link = knowledge.linker.link("honestly verstappen drives like a maniac")[0]
    assert link.span == "verstappen" and link.title == "Max Verstappen" and link.topic == "sports"


def test_ambiguity_goes_to_the_more_popular_entity_without_context(knowledge) -> None:
    assert ids(knowledge, "tell me about mercury")[:1] == ["mercury-planet"]


def test_ambiguity_goes_to_what_the_conversation_is_about(knowledge) -> None:
    discussed = ConversationContext(entities=("mercury-band",))
    assert ids(knowledge, "tell me about mercury", discussed)[:1] == ["mercury-band"]
    on_music = ConversationContext(topic="music")
    assert ids(knowledge, "tell me about mercury", on_music)[:1] == ["mercury-band"]


def test_an_everyday_word_is_not_a_title_without_a_cue(knowledge) -> None:
    assert ids(knowledge, "i hang out with my friends a lot") == []
    assert ids(knowledge, "we watched friends last night")[:1] == ["friends"]
    assert ids(knowledge, "I love Friends so much")[:1] == ["friends"]  # typed with a capital, mid-sentence
    # A cue ("shows") does not make the word a title where it is used as the word: "are friends with".
    assert ids(knowledge, "i guess the crews from both shows are friends with each other") == []


def test_longest_name_wins_and_nothing_is_linked_in_chit_chat(knowledge) -> None:
    assert ids(knowledge, "who won the quorble cup in 2018")[:1] == ["quorble-cup"]
    assert ids(knowledge, "what's up how are you doing today") == []
