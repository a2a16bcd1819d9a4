"""The knowledge responder in conversation: a fact about what the user brings up, then an
opinion or a question; more while the user keeps going; never the same fact twice; back to the
entity's scripted topic when it runs dry; factual questions answered from the store, or honestly
not; every fact through the safety gate; and a bot without a store runs without it."""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path

from chirpy.bot import Bot
from chirpy.config import Config

_ids = itertools.count()


def converse(bot: Bot, *lines: str) -> list:
    """A conversation past the launch (the name exchange), then ``lines``; their turns."""
    cid = f"knowledge-{next(_ids)}"
    bot.start(cid)
    bot.respond(cid, "my name is sam")
    return [bot.respond(cid, line) for line in lines]


def facts_of(knowledge, entity_id: str) -> list[str]:
    return list(knowledge.store.get(entity_id).all_facts())


def spoken_facts(text: str, facts: list[str]) -> list[str]:
    lowered = text.lower()
    return [f for f in facts if f.lower().rstrip(".") in lowered or f[0].lower() + f[1:].rstrip(".") in text]


def test_a_named_entity_gets_a_fact_then_a_question_or_opinion(knowledge_bot, knowledge) -> None:
    [turn] = converse(knowledge_bot, "i've been listening to the zorblat quintet all week")
    assert turn.response.responder == "knowledge"
    said = spoken_facts(turn.text, facts_of(knowledge, "the-zorblat-quintet"))
    assert len(said) == 1
    after = turn.text.lower().split(said[0].lower().rstrip(".").split()[-1], 1)[1]
    assert len(after.strip(" .")) > 10  # something of the bot's own after the fact: a question or a take


def test_the_user_keeps_going_more_facts_no_repeats_then_back_to_the_topic(knowledge_bot, knowledge) -> None:
    turns = converse(knowledge_bot, "i've been listening to the zorblat quintet all week",
                     "yeah they are honestly my favorite band ever", "wow i did not know that at all",
                     "that is so cool tell me more", "haha amazing")
    facts = facts_of(knowledge, "the-zorblat-quintet")
    said = [f for t in turns for f in spoken_facts(t.text, facts)]
    assert len(said) >= 3 and len(said) == len(set(said))  # several facts, none twice
    handback = next(t for t in turns if t.response.responder == "knowledge" and t.response.needs_prompt)
    assert handback.response.handoff is not None and handback.response.handoff.requested == "music"
    assert handback.prompt is not None and handback.prompt.responder == "music"


def test_a_brush_off_hands_back_at_once(knowledge_bot) -> None:
    first, brush = converse(knowledge_bot, "have you ever heard of max verstappen he is a great driver", "no")
    assert first.response.responder == "knowledge"
    assert brush.response.responder == "knowledge" and brush.response.needs_prompt
    assert brush.prompt is not None and brush.prompt.topic == "sports"


def test_a_fact_the_user_just_told_us_is_not_told_back(knowledge_bot) -> None:
    [turn] = converse(knowledge_bot, "did you know the zorblat quintet recorded their first album in a lighthouse")
    assert turn.response.responder == "knowledge" and "lighthouse" not in turn.text.lower()


def test_factual_questions_are_answered_from_the_store(knowledge_bot) -> None:
    won, when, what, bees = converse(knowledge_bot, "who won the quorble cup in 2018", "when was the first quorble cup",
                                     "what is mercury", "do you know anything about bees")
    assert won.response.responder == "knowledge" and "Snailtown won the 2018 Quorble Cup" in won.text
    assert "1930" in when.text
    assert "smallest planet" in what.text
    assert bees.response.responder == "knowledge" and "bees" in bees.text.lower() and "Honey bee" not in bees.text


def test_a_follow_up_question_about_it_is_answered_too(knowledge_bot) -> None:
    intro, age, again = converse(knowledge_bot, "i really like max verstappen he drives so well",
                                 "how old was he when he first raced in formula one", "when did he win his first title")
    assert intro.response.responder == "knowledge" and "2021" in intro.text  # the first fact it shares
    assert age.response.responder == "knowledge" and "seventeen" in age.text
    assert again.response.responder == "knowledge" and "2021" not in again.text and again.response.meta["kind"] == "mentioned"


def honest(text: str) -> bool:
    return any(words in text.lower() for words in ("not sure", "don't know"))


def test_unknown_factual_questions_get_an_honest_answer(knowledge_bot) -> None:
    [who] = converse(knowledge_bot, "who is zorgon the magnificent")
    assert who.response.responder == "knowledge" and honest(who.response.text)
    [year] = converse(knowledge_bot, "who won the quorble cup in 1999")  # the store knows the cup, not that year
    assert honest(year.response.text) and "Snailtown" not in year.text


def test_a_concept_in_passing_is_left_alone(knowledge_bot) -> None:
    [turn] = converse(knowledge_bot, "i got stung by some bees at the park yesterday afternoon")
    assert turn.response.responder != "knowledge"
    [liked] = converse(knowledge_bot, "i love bees they are my favorite insects")
    assert liked.response.responder == "knowledge"


def test_facts_pass_the_safety_gate(tmp_path: Path, write_jsonl, make_knowledge_bot) -> None:
    source = write_jsonl(tmp_path / "pass.jsonl", [
        {"title": "Grumble Pass", "topic": "travel", "text": "Grumble Pass is a mountain road in Brellin. "
         "Drivers say it is a damn steep climb. It was paved in 1931."}])
    from knowledge.builder import build_store
    from knowledge.sources import input_files, read_sources

    build_store(read_sources(input_files(source)), tmp_path / "store")
    bot = make_knowledge_bot(tmp_path / "store")
    turns = converse(bot, "we drove over grumble pass on our road trip last summer", "yeah it was a really fun drive",
                     "what else do you know about grumble pass")
    assert not any("damn" in t.text for t in turns)
    refused = [c for t in turns for c in t.candidates if c.responder == "knowledge" and c.rejected]
    assert refused and all(c.rejected.startswith("safety") for c in refused)


def test_without_a_store_the_responder_is_off_with_one_line(tmp_path: Path, make_knowledge_bot, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        bot = make_knowledge_bot(tmp_path / "no-such-store")
    lines = [r.getMessage() for r in caplog.records if "knowledge" in r.getMessage()]
    assert len(lines) == 1 and "no-such-store" in lines[0]
    assert "knowledge" not in bot.responders
    [turn] = converse(bot, "who won the quorble cup in 2018")
    assert turn.text and turn.annotations.linked_entities == []


def test_the_starter_store_is_built_once_and_knows_what_the_scripts_mention(tmp_path: Path) -> None:
    from knowledge.service import open_knowledge, store_location

    section = {"cache_dir": str(tmp_path / "cache")}
    first = store_location(section)
    built_at = first.stat().st_mtime_ns
    assert store_location(section) == first and first.stat().st_mtime_ns == built_at  # cached, not rebuilt
    linker = open_knowledge(section).linker
    assert linker.link("i watched the office again")[0].title == "The Office"  # an everyday word: needs a cue
    for said in ["spirited away", "paddington", "zelda", "the beatles", "taylor swift", "pixar",
                 "inception", "iceland", "kyoto", "the little prince", "charlotte's web", "bojack horseman",
                 "ella fitzgerald", "lebron james", "the lakers", "golden retrievers", "minecraft", "sushi"]:
        assert linker.link(f"what about {said}"), said
    # A company's short name is its first word, not a surname: "an apple computer" is the company.
    assert linker.link("did you know smoking near an apple computer voids its warranty")[0].title == "Apple Inc."
    assert linker.link("i ate an apple with my lunch")[0].title == "Apple"


def test_the_default_bot_answers_from_the_starter_store(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CHIRPY_CACHE_DIR", str(tmp_path / "cache"))
    bot = Bot(Config.from_dict({"bot": {"db": str(tmp_path / "log.db"), "seed": 0},
                                "responders": {"neural": {"model": ""}}}))
    try:
        telephone, world_cup = converse(bot, "do you know who invented the telephone", "who won the world cup in 2018")
    finally:
        bot.close()
    assert telephone.response.responder == "knowledge" and "Alexander Graham Bell" in telephone.text
    assert world_cup.response.responder == "knowledge" and "France" in world_cup.text


def test_questions_about_something_else_than_what_it_is(knowledge_bot) -> None:
    """"what is the X of Y" is not "what is Y"; an opinion question is left to the topics."""
    year, liked = converse(knowledge_bot, "what is the year the first quorble cup was held",
                           "do you like the zorblat quintet")
    assert "1930" in year.text and "snail racing tournament" not in year.text
    assert liked.response.responder != "knowledge"


# -- listening before sharing: a thing named in passing inside the user's own point gets their point
# taken in first and our fact as a tangent; the fact that touches their point comes first; a pronoun
# after their own new subject is theirs, not ours; "a spanner" is a tool.
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
    cid = f"knowledge-{next(_ids)}"
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


# -- letting the user lead: a long "yeah ..." about something else, a question about an unknown thing
# after a known one, a word in front of another noun, and a user still telling when our facts run out.
def test_a_long_yeah_that_goes_on_about_something_else_is_taken_in(knowledge_bot, knowledge) -> None:
    first, moved = converse(knowledge_bot, "i've been listening to the zorblat quintet all week",
                            "yeah i do not think so either there is a shop in alabama where you can buy stuff "
                            "people left at airports")
    assert first.response.responder == "knowledge"
    quintet = facts_of(knowledge, "the-zorblat-quintet")
    assert not spoken_facts(moved.text, quintet) and moved.response.meta.get("kind") == "heard_elsewhere", moved.text


def test_a_question_about_an_unknown_thing_gets_no_fact_about_the_known_one(knowledge_bot, knowledge) -> None:
    [turn] = converse(knowledge_bot, "the zorblat quintet is great do you know much about the republican party")
    assert not spoken_facts(turn.text, facts_of(knowledge, "the-zorblat-quintet")), turn.text


def test_a_word_in_front_of_another_noun_is_not_the_thing(knowledge_bot, knowledge) -> None:
    [turn] = converse(knowledge_bot, "did you know most members of the bee keeper association are retired teachers")
    assert not spoken_facts(turn.text, facts_of(knowledge, "honey-bee")), turn.text


def test_out_of_facts_while_they_keep_telling_their_point_is_taken_in(make_knowledge_bot, store_dir: Path) -> None:
    turns = converse(make_knowledge_bot(store_dir, max_facts_per_entity=2),
                     "i've been listening to the zorblat quintet all week", "yeah they are honestly my favorite band ever",
                     "my sister saw them live in a tiny club years ago and she still talks about the encore they played")
    last = turns[-1]
    assert last.response.responder == "knowledge" and last.response.meta.get("kind") == "heard_more", last.text
    assert "facts" not in last.text and "trivia" not in last.text and "everything I know" not in last.text


def test_out_of_facts_after_a_reply_of_theirs_the_reply_is_taken_in_first(make_knowledge_bot, store_dir: Path) -> None:
    _, last = converse(make_knowledge_bot(store_dir, max_facts_per_entity=1),
                       "i've been listening to the zorblat quintet all week",
                       "i heard they are good but never saw them live")
    assert last.response.meta.get("kind") == "handback", last.text
    assert not last.response.text.startswith(("That's about everything", "Anyway, that's my", "I think that's all my"))


def test_asked_for_more_facts_the_bot_shares_one(knowledge_bot, knowledge) -> None:
    first, more = converse(knowledge_bot, "i've been listening to the zorblat quintet all week",
                           "cool can you share some of those facts with me i sure want to learn today")
    quintet = facts_of(knowledge, "the-zorblat-quintet")
    assert spoken_facts(first.text, quintet) and more.response.responder == "knowledge", more.text
    new = [f for f in spoken_facts(more.text, quintet) if f not in spoken_facts(first.text, quintet)]
    assert new, more.text


def test_a_fact_the_user_just_said_in_digits_is_not_told_back(knowledge_bot) -> None:
    [turn] = converse(knowledge_bot, "all i know about the grand snail league is that it has like 12 of them")
    assert turn.response.responder == "knowledge" and "twelve teams" not in turn.text, turn.text


def test_contracted_function_words_carry_no_content(knowledge) -> None:
    from responders.knowledge.questions import content_stems

    fw = knowledge.linker.function_words
    assert content_stems("that's what i've got and i don't know", fw) == content_stems("got", fw)
    assert content_stems("it has 32 teams", fw) == content_stems("it has thirty-two teams", fw)
    assert "iowa" in content_stems("iowa's locker room", fw)  # a possessive keeps its name


def test_do_you_know_any_cool_facts_gets_another_fact(knowledge_bot, knowledge) -> None:
    first, more = converse(knowledge_bot, "i've been listening to the zorblat quintet all week",
                           "do you know any cool facts about them")
    quintet = facts_of(knowledge, "the-zorblat-quintet")
    assert more.response.meta.get("kind") == "more", more.text
    assert [f for f in spoken_facts(more.text, quintet) if f not in spoken_facts(first.text, quintet)], more.text


def test_a_factual_question_at_the_end_of_a_remark_is_answered(knowledge_bot) -> None:
    [turn] = converse(knowledge_bot, "i love snail racing so how many teams are in the grand snail league")
    assert turn.response.responder == "knowledge" and "twelve" in turn.text, turn.text


def test_a_name_in_front_of_another_noun_in_a_point_of_their_own_gets_no_unrelated_fact(knowledge_bot, knowledge) -> None:
    """"gsl snails" in a remark about what they eat: "It has twelve teams" would ignore the point;
    a fact that touches it would not."""
    [turn] = converse(knowledge_bot, "my cousin says gsl snails eat only lettuce and cucumber every day which sounds boring to me")
    assert not spoken_facts(turn.text, facts_of(knowledge, "grand-snail-league")), turn.text
    [told] = converse(knowledge_bot, "my cousin says gsl snails are retired far too early and it sounds unfair to me")
    assert spoken_facts(told.text, facts_of(knowledge, "grand-snail-league")), told.text  # "retired after four seasons"



def test_a_name_they_said_whole_is_what_its_last_word_means_later(tmp_path: Path, write_jsonl, make_knowledge_bot) -> None:
    # A singer whose surname is also a planet's name: once the user has said the singer's whole name,
    # the surname alone is the singer, not the (more popular) planet.
    from knowledge.builder import build_store
    from knowledge.sources import input_files, read_sources

    source = write_jsonl(tmp_path / "entities.jsonl", [
        {"title": "Pella Orbis", "topic": "music", "popularity": 30,
         "text": "Pella Orbis is a singer from the town of Quellmoor. She recorded her first album in a barn."},
        {"title": "Orbis", "topic": "science", "popularity": 80,
         "text": "Orbis is a cold planet with three rings. A day on Orbis lasts forty hours."},
    ])
    build_store(read_sources(input_files(source)), tmp_path / "store")
    bot = make_knowledge_bot(tmp_path / "store")
    _, later = converse(bot, "i do like pella orbis shes one of my favorite artists what about you do you like her",
                       "orbis was named after her grandfather who was a wrestler")
    assert later.response.entity_id != "orbis"
    assert not any(word in later.text for word in ("planet", "rings", "forty hours")), later.text
    alone = converse(bot, "did you know orbis has three rings")[0]  # a new conversation: the planet
    assert alone.response.entity_id == "orbis" or "Orbis" in alone.text, alone.text


def test_a_yeah_that_goes_on_with_a_point_is_taken_in_before_more_of_ours(knowledge_bot, knowledge) -> None:
    _, more = converse(knowledge_bot, "i've been listening to the zorblat quintet all week",
                       "yeah they are great too my brother says their drummer is the best he has ever seen live")
    assert more.response.meta.get("kind") == "more" and spoken_facts(more.text, facts_of(knowledge, "the-zorblat-quintet"))
    # Their point is nodded to first: our next fact does not open the reply.
    assert not more.text.startswith(("Here's another", "I also read", "Oh, and", "Something else", "And apparently")), more.text


def test_their_favourite_named_in_a_longer_turn_is_met_as_their_pick(knowledge_bot) -> None:
    from responders.topics.lines import shared_reactions

    reply = converse(knowledge_bot, "dont hate me but my favorite band is the zorblat quintet")[0]
    picks = tuple(line.text for line in shared_reactions()["their_pick"])
    assert reply.response.responder == "knowledge" and reply.text.startswith(picks), reply.text  # not "I can tell you've thought about this"


def test_a_word_only_questions_use_does_not_block_the_answer(knowledge_bot) -> None:
    # "total" is how people ask, not a word the stored sentence ("It has twelve teams.") must share.
    asked = converse(knowledge_bot, "thanks how many teams total are in the grand snail league")[0]
    assert asked.response.responder == "knowledge" and "twelve" in asked.text, asked.text


def test_an_everyday_thing_after_another_noun_is_another_thing(knowledge_bot, knowledge) -> None:
    bee_facts = facts_of(knowledge, "honey-bee")
    spelling = converse(knowledge_bot, "did you know there are fantasy drafts for the national spelling bee")[0]
    assert not spelled_any(spelling.text, bee_facts), spelling.text  # a contest, not the insect
    bees = converse(knowledge_bot, "did you know bees can recognise faces")[0]
    assert spelled_any(bees.text, bee_facts), bees.text


def spelled_any(text: str, facts: list[str]) -> bool:
    return bool(spoken_facts(text, facts)) or any(word in text.lower() for word in ("waggle", "colonies", "queen"))


def test_thinking_aloud_gets_no_fact_but_a_factual_wonder_is_answered(knowledge_bot, knowledge) -> None:
    league = facts_of(knowledge, "grand-snail-league")
    aloud = converse(knowledge_bot, "i wonder how a young snail would size up against the champions in the grand snail league")[0]
    assert not spoken_facts(aloud.text, league), aloud.text  # their musing, not our next fact
    asked = converse(knowledge_bot, "i wonder who won the quorble cup in 2018")[0]
    assert "Snailtown" in asked.text, asked.text
