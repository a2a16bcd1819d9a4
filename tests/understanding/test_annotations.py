"""Acts, language and name land on the turn's annotations, typed, logged, and the old flags follow."""

from __future__ import annotations

import json

from chirpy.understanding.acts import vocabulary as v


def test_the_old_flags_are_derived_from_the_acts(annotate):
    ann = annotate("yeah i like dogs do you")
    assert ann.acts[0] == v.POS_ANSWER and v.YES_NO_QUESTION in ann.acts
    assert ann.is_yes and ann.is_question and ann.is_yes_no_question and not ann.is_no
    ann = annotate("tell me a joke")
    assert ann.is_command and not ann.is_question
    ann = annotate("um what do you think about cats")
    assert ann.is_question and not ann.is_yes_no_question
    assert annotate("mhm").is_backchannel and not annotate("mhm that sounds great").is_backchannel


def test_acts_and_segments_are_logged_with_the_turn(conversation):
    chat = conversation()
    result = chat.say("i like dogs do you")
    store = chat.bot.store
    row = store.query("select annotations from turns where conversation_id = ? order by turn_index desc",
                      [chat.id])[0]
    logged = json.loads(row["annotations"])
    assert logged["acts"] == result.annotations.acts
    assert [s["text"] for s in logged["segments"]] == [s.text for s in result.annotations.segments]
    assert logged["language"] == "en"


def test_a_statement_is_not_answered_as_a_question(conversation):
    chat = conversation()
    chat.say("my name is lee")
    reply = chat.say("not really can we talk about movies instead")
    assert "good question" not in reply.text.lower() and "don't know" not in reply.text.lower()
    assert reply.response.responder in ("change_topic", "movies")  # the request is followed, not questioned
