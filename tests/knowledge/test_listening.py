"""The knowledge responder listens before it shares: a thing named in passing inside the user's own
point gets their point taken in first and our fact as a tangent; the fact that touches their point
comes first; a pronoun after their own new subject is theirs, not ours; "a spanner" is a tool."""

from __future__ import annotations

import itertools
from pathlib import Path

from chirpy.bot import Bot

_ids = itertools.count()


def converse(bot: Bot, *lines: str) -> list:
    cid = f"listening-{next(_ids)}"
    bot.start(cid)
    bot.respond(cid, "my name is sam")
    return [bot.respond(cid, line) for line in lines]


def test_named_in_passing_their_point_comes_first_and_ours_is_a_tangent(knowledge_bot) -> None:
    [turn] = converse(knowledge_bot, "its pretty crazy how many snails the gsl loses with only eleven minutes of racing")
    assert turn.response.responder == "knowledge"
    text = turn.text
    assert "crazy" in text.split(".")[0].lower() + text.split("!")[0].lower()  # agreed in their word, first
    assert "the GSL" in text  # as they said it, not "Grand Snail League"
    assert not text.startswith(("Ooh", "Oh, the GSL", "The GSL!")) and "?" not in text  # no "do you follow the GSL?"


def test_a_short_mention_is_still_greeted_with_the_thing(knowledge_bot) -> None:
    [turn] = converse(knowledge_bot, "have you heard of the gsl")
    assert turn.response.responder == "knowledge" and "the GSL" in turn.text
    assert "crazy" not in turn.text.lower()


def test_the_fact_that_touches_their_point_comes_first(knowledge_bot) -> None:
    [turn] = converse(knowledge_bot, "i bet the grand snail league would be great fun to watch on television")
    assert "1994" in turn.text  # the television fact, not the first stored one ("twelve teams")
    assert "twelve" not in turn.text


def test_a_pronoun_after_their_own_subject_is_theirs(knowledge_bot, knowledge) -> None:
    first, moved = converse(knowledge_bot, "i've been listening to the zorblat quintet all week",
                            "i love birds they are so interesting their bones are so hollow")
    assert first.response.responder == "knowledge"
    facts = list(knowledge.store.get("the-zorblat-quintet").all_facts())
    assert not any(f.rstrip(".").lower() in moved.text.lower() for f in facts)  # no more quintet facts


def test_a_pronoun_before_anything_new_still_points_back(knowledge_bot) -> None:
    first, more = converse(knowledge_bot, "i've been listening to the zorblat quintet all week",
                           "they are honestly so good i play their stuff every single morning")
    assert more.response.responder == "knowledge" and more.response.entity == first.response.entity


def test_a_surname_that_is_a_word_needs_no_determiner(knowledge) -> None:
    linked = knowledge.linker.link("i dropped a spanner on my foot this morning")
    assert "ada-spanner" not in [link.id for link in linked]
    linked = knowledge.linker.link("i think spanner is the best jockey ever")
    assert "ada-spanner" in [link.id for link in linked]


def test_a_question_about_another_thing_leaves_the_entity_we_held(knowledge_bot, knowledge) -> None:
    first, asked = converse(knowledge_bot, "i've been listening to the zorblat quintet all week",
                            "wow thats some stiff competition are you familiar with max verstappen")
    quintet = list(knowledge.store.get("the-zorblat-quintet").all_facts())
    assert not any(f.rstrip(".").lower() in asked.text.lower() for f in quintet)
    assert "Verstappen" in asked.text


def test_a_name_with_its_article_is_never_said_after_my(knowledge) -> None:
    from responders.knowledge.responder import title_fields

    fields = title_fields(knowledge.store.get("grand-snail-league"))
    assert fields["title"] == "the Grand Snail League" and fields["name"] == "Grand Snail League"
    toml = (Path(__file__).parents[2] / "responders" / "knowledge" / "content" / "knowledge.toml").read_text()
    assert "my {title}" not in toml and "my {Title}" not in toml  # "that's my the Solar System trivia"


def test_a_long_reply_that_starts_with_no_is_engaged_not_a_brush_off(knowledge_bot) -> None:
    first, more = converse(knowledge_bot, "i've been listening to the zorblat quintet all week",
                           "no i had no idea about that i always thought they were some rock band from the city "
                           "my sister saw them play live once")
    assert first.response.responder == "knowledge"
    assert more.response.meta.get("kind") != "move_on"


def test_an_answer_to_our_question_naming_a_thing_is_not_a_passing_mention(knowledge_bot) -> None:
    cid = f"listening-{next(_ids)}"
    knowledge_bot.start(cid)
    knowledge_bot.respond(cid, "my name is sam")
    asked = knowledge_bot.respond(cid, "lets talk about music")
    assert asked.text.rstrip().endswith("?")
    answer = knowledge_bot.respond(cid, "mostly the zorblat quintet lately and some old jazz records")
    assert answer.response.responder == "knowledge"
    assert "reminds me" not in answer.text and "Speaking of" not in answer.text and "Funny you mention" not in answer.text


def test_a_company_is_named_without_its_legal_suffix() -> None:
    from knowledge.entry import StoredEntity
    from responders.knowledge.responder import title_fields

    company = StoredEntity("snailco", "Snailco, Inc.", "Snailco is a company that breeds racing snails.", (), "business", 10.0, False)
    assert title_fields(company)["title"] == "Snailco" and title_fields(company)["name"] == "Snailco"
