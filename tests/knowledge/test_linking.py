"""Entity linking on what users actually type or say: any case, aliases, plurals, one word of a
longer name, ambiguity settled by popularity and by the conversation so far, and in typed text a
run of capitalised words taken as one name."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.builder import build_store
from knowledge.linker import ConversationContext
from knowledge.service import open_knowledge
from knowledge.sources import input_files, read_sources

from .conftest import write_jsonl


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


# -- typed text: a run of capitalised words is one name ------------------------------------------
TYPED_ENTITIES = [
    {"title": "United States", "topic": "travel", "popularity": 95, "aliases": ["America", "USA"],
     "text": "The United States is a large country with fifty states and a federal government."},
    {"title": "The Rolling Stones", "topic": "music", "popularity": 80, "aliases": ["Stones"],
     "text": "The Rolling Stones are a rock band that has toured for more than sixty years."},
    {"title": "New York City", "topic": "travel", "popularity": 85, "aliases": ["New York"],
     "text": "New York City is the largest city in its country, with five boroughs."},
    {"title": "New York Yankees", "topic": "sports", "popularity": 70, "aliases": ["Yankees"],
     "text": "The New York Yankees are a baseball team that plays in the Bronx."},
    {"title": "Barack Obama", "topic": "politics", "popularity": 90, "aliases": ["Obama"],
     "text": "Barack Obama is a politician who served two terms as president."},
    {"title": "Lincoln Motor Company", "topic": "business", "popularity": 40, "aliases": ["Lincoln"],
     "text": "The Lincoln Motor Company is a maker of large luxury cars."},
    {"title": "New England Patriots", "topic": "sports", "popularity": 70, "aliases": ["Patriots"],
     "text": "The New England Patriots are an American football team from near Boston."},
    {"title": "Pixar", "topic": "movies", "popularity": 75,
     "text": "Pixar is an animation studio that made the first fully computer-animated feature film."},
    {"title": "The Lion King", "topic": "movies", "popularity": 75,
     "text": "The Lion King is an animated film about a young lion who must become king."},
]


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("typed")
    build_store(read_sources(input_files(write_jsonl(root / "typed.jsonl", TYPED_ENTITIES))), root / "store")
    return open_knowledge({"path": str(root / "store")})


@pytest.mark.parametrize("text", [
    "I've never been to North America",  # an alias that is one word of a longer place name
    "Captain America was great in that movie",  # ... of a character's name, at the start of a sentence
    "North America is huge",  # ... of a continent's name, at the start of a sentence
    "Now the Infinity Stones are part of every movie",  # ... of a thing's name
    "The New York Post gave it a terrible review",  # the name goes on after the alias
    "President Lincoln freed the slaves",  # a title before a name, but the company's first word is no surname
])
def test_part_of_a_longer_typed_name_is_not_linked(typed, text: str) -> None:
    assert ids(typed, text) == []


@pytest.mark.parametrize("text, expected", [
    ("Obama gave a great speech today", "barack-obama"),  # sentence start, nothing capitalised after it
    ("Plus America has amazing national parks", "united-states"),  # a word that opens sentences: no name
    ("Honestly America is a big country", "united-states"),  # ... nor does an adverb that opens one
    ("We drove through Canada, America and Mexico", "united-states"),  # a comma ends a name
    ("I love The Rolling Stones", "the-rolling-stones"),  # a capitalised article starts the title
    ("The New York Yankees won again", "new-york-yankees"),  # the whole run is the name
    ("the Patriots QB threw four touchdowns", "new-england-patriots"),  # an acronym is a name of its own
    ("I really love all the Pixar Movies", "pixar"),  # a capitalised noun saying what of it
    ("I rewatched Disney's Lion King yesterday", "the-lion-king"),  # a possessive ends a name
    ("I once saw President Obama give a speech", "barack-obama"),  # a title before a person's surname
    ("we watched the yankees play last night", "new-york-yankees"),  # speech: no capitals, so no runs
])
def test_a_typed_name_on_its_own_is_still_linked(typed, text: str, expected: str) -> None:
    assert ids(typed, text)[:1] == [expected]
