"""The controller inside the bot: what a user hears, what is never touched, and what is logged."""

from __future__ import annotations

import json

import pytest

from chirpy.config import Config
from chirpy.content import load_content
from chirpy.errors import ConfigError
from initiative.controller import BACKCHANNELS

from .conftest import details

CHAT = ["launch", "init_chat", "fallback"]
PHRASINGS = set(load_content(BACKCHANNELS)["phrasings"])


def one_turn(bot, cid: str, text: str):
    bot.start(cid)
    return bot.respond(cid, text)


def test_backchannel_replaces_a_user_led_line_and_keeps_the_thread(make_bot):
    bot = make_bot(CHAT, arms={"backchannel": "100"})
    turn = one_turn(bot, "c1", "i went hiking with my cousins last weekend")
    assert turn.text in PHRASINGS
    assert turn.changes[0]["action"] == "backchannel" and turn.changes[0]["from"].startswith("That sounds lovely")
    state = bot.store.load_state("c1")
    assert state.active_responder == "init_chat" and state.responder_states["init_chat"] == {"turns": 1}
    # The next turn the chat line is back (never two back-channels in a row).
    assert not bot.respond("c1", "we saw a huge waterfall near the lake").text in PHRASINGS


@pytest.mark.parametrize("text, reason", [
    ("yes sure", "short_user_utterance"),
    ("okay", "short_user_utterance"),
    ("what do you like to do on weekends", "user_question"),
    ("do you like hiking in the mountains", "user_question"),
    ("tell me about your favourite places", "user_command"),
    ("let's talk about something else now", "user_command"),
])
def test_no_backchannel_after_short_utterances_questions_or_commands(make_bot, text, reason):
    bot = make_bot(CHAT, arms={"backchannel": "100"})
    turn = one_turn(bot, "c1", text)
    assert turn.text not in PHRASINGS
    record = details(bot, "c1")[-1]
    assert record["backchannel"] == {"eligible": False, "skip": reason, "applied": False}


def test_no_backchannel_where_the_bot_is_not_letting_the_user_lead(make_bot):
    bot = make_bot(["launch", "init_quiz", "fallback"], arms={"backchannel": "100", "question_removal": "0"})
    turn = one_turn(bot, "c1", "i went hiking with my cousins last weekend")
    assert turn.text.startswith("What is your favourite season")
    assert details(bot, "c1")[-1]["backchannel"]["skip"] == "not_user_led"


def test_must_stay_lines_are_never_changed(make_bot):
    bot = make_bot(["launch", "init_quiz", "fallback"], arms={"backchannel": "100", "question_removal": "100"},
                   responders={"init_quiz": {"must_stay": True}})
    greeting = bot.start("c1")
    assert greeting.text.endswith("?") and greeting.changes == []  # the launch asks the user's name
    for text in ["i would rather tell you about my garden", "my garden has tomatoes and tall sunflowers"]:
        turn = bot.respond("c1", text)
        assert turn.text.startswith("Before we go on, may I ask how old you are") and turn.changes == []
    for record in details(bot, "c1"):
        assert record["action"] == "none" and record["question_removal"]["skip"] == "must_stay"
    assert details(bot, "c1")[-1]["backchannel"]["skip"] == "must_stay"


@pytest.mark.parametrize("arm, expected", [
    ("opinion", "I think autumn is the best season"),
    ("experience", "I once spent a whole autumn walking in the woods"),
    ("general", "Many people love autumn best"),
])
def test_removed_question_uses_the_statement_type_of_the_arm(make_bot, arm, expected):
    bot = make_bot(["launch", "init_quiz", "fallback"], arms={"question_removal": "100", "statement_type": arm})
    turn = one_turn(bot, "c1", "i like cold mornings and warm tea")
    assert turn.text.startswith(expected) and not turn.text.endswith("?")
    record = details(bot, "c1")[-1]
    assert record["question_removal"] == {"eligible": True, "skip": None, "applied": True, "method": "variant",
                                          "statement_type": arm}
    assert record["statement_type"]["said"] == arm


@pytest.mark.parametrize("arm, expected", [
    ("opinion", "i love quiet weekends like that."),
    ("experience", "my weekend was quiet too."),
    ("general", "i love quiet weekends like that."),  # nothing general: the best-ranked statement
])
def test_neural_question_gives_way_to_a_near_equal_statement(make_bot, arm, expected):
    bot = make_bot(["launch", "init_neural", "fallback"],
                   arms={"question_removal": "100", "statement_type": arm, "backchannel": "0"})
    turn = one_turn(bot, "c1", "i stayed home all weekend and slept")
    assert turn.text == expected.replace(".", " (1).")
    assert turn.changes[0]["method"] == "alternative"
    rows = bot.store.candidates(turn.turn_id)
    chosen = [r["text"] for r in rows if r["chosen"]]
    assert chosen == [turn.text]  # the log shows the swap: the question is there but not chosen


def test_statement_far_below_the_question_is_not_taken(make_bot):
    samples = [["what did you do then?", -1.0, None], ["that is strange.", -3.0, None], ["odd.", -2.9, None],
               ["quite.", -1.02, None]]
    bot = make_bot(["launch", "init_neural", "fallback"], arms={"question_removal": "100", "backchannel": "0"},
                   responders={"init_neural": {"samples": samples[:3]}}, initiative={"strip_trailing_question": False})
    turn = one_turn(bot, "c1", "i stayed home all weekend and slept")
    assert turn.text == "what did you do then (1)?"
    assert details(bot, "c1")[-1]["question_removal"]["skip"] == "no_statement_form"


def test_trailing_question_is_stripped_when_nothing_better_exists(make_bot):
    samples = [["oh no, that sounds really hard. what happened?", -1.0, None]]
    bot = make_bot(["launch", "init_neural", "fallback"], arms={"question_removal": "100", "backchannel": "0"},
                   responders={"init_neural": {"samples": samples}})
    turn = one_turn(bot, "c1", "my car broke down on the highway")
    assert turn.text == "oh no, that sounds really hard."
    assert turn.changes[0]["method"] == "strip"


def test_a_statement_of_the_arms_type_is_preferred(make_bot):
    samples = [["my weekend was quiet too.", -1.0, "experience"], ["i love quiet weekends.", -1.02, "opinion"]]
    bot = make_bot(["launch", "init_neural", "fallback"], arms={"statement_type": "opinion", "backchannel": "0"},
                   responders={"init_neural": {"samples": samples}})
    turn = one_turn(bot, "c1", "i stayed home all weekend and slept")
    assert turn.text == "i love quiet weekends (1)."
    assert details(bot, "c1")[-1]["action"] == "statement_type"


def test_arms_and_next_user_measures_are_logged(make_bot):
    arms = {"question_removal": "0", "statement_type": "opinion", "backchannel": "100"}
    bot = make_bot(CHAT, arms=arms, spacy_model="auto")
    bot.start("c1")
    bot.respond("c1", "my brother and i watched the new batman movie at the cinema")
    bot.respond("c1", "it was long")
    records = details(bot, "c1")
    rows = bot.store.query("select arms from turns where conversation_id = 'c1'")
    assert all(json.loads(row["arms"]) == arms for row in rows)
    assert all(r["arms"] == arms for r in records)
    assert records[0]["user_measures"] is None  # the launch turn answers nobody
    first = records[1]["user_measures"]
    assert first["tokens"] == 12 and first["noun_phrases"] >= 3  # my brother, the new batman movie, the cinema
    assert "nll" not in first  # no language model configured
    assert first["responds_to"]["turn_index"] == 0 and first["responds_to"]["action"] == "none"
    second = records[2]["user_measures"]
    assert second["tokens"] == 3
    assert second["responds_to"] == {**second["responds_to"], "turn_index": 1, "action": "backchannel",
                                     "ends_with_question": False}


def test_default_config_runs_the_default_arms_and_equal_weights_split(make_bot):
    declared = Config.from_dict({}).experiments
    initiative = {k: declared[k] for k in ("question_removal", "statement_type", "backchannel")}
    bot = make_bot(CHAT, experiments=initiative)
    arms = {json.dumps(bot.start(f"c{i}") and bot.store.load_state(f"c{i}").arms, sort_keys=True) for i in range(12)}
    assert [json.loads(a) for a in arms] == [{"question_removal": "66", "statement_type": "opinion",
                                              "backchannel": "33"}]
    split = {k: {**v, "weights": [1] * len(v["arms"])} for k, v in initiative.items()}
    ab = make_bot(CHAT, db_name="ab.db", experiments=split)
    seen = {ab.start(f"c{i}") and ab.store.load_state(f"c{i}").arms["backchannel"] for i in range(40)}
    assert seen == {"0", "33", "66", "100"}


def test_bad_arm_values_fail_clearly_at_start_up(make_bot):
    with pytest.raises(ConfigError, match="default_backchannel"):
        make_bot(CHAT, initiative={"default_backchannel": "lots"})
    # A declared arm the controller cannot run is refused before the first turn, not mid-conversation.
    with pytest.raises(ConfigError, match=r"\[experiments.backchannel\]: arm 'fifty' is not a percentage"):
        make_bot(CHAT, db_name="bad.db", experiments={"backchannel": {"arms": ["fifty"]}})
    with pytest.raises(ConfigError, match="statement_type.*'rant'"):
        make_bot(CHAT, db_name="bad2.db", experiments={"statement_type": {"arms": ["opinion", "rant"]}})
    with pytest.raises(ConfigError, match="unknown setting min_user_wrds"):
        make_bot(CHAT, db_name="bad3.db", initiative={"min_user_wrds": 2})
