"""The Alexa endpoint driven with realistic, correctly signed envelopes for each request type."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest


def test_launch_greets_and_keeps_the_session_open(server, echo, ask_valid) -> None:
    reply = server.post_alexa(echo.launch())
    assert reply.status_code == 200
    response = ask_valid(reply.get_json())
    assert response["shouldEndSession"] is False
    assert "Chirpy" in response["outputSpeech"]["ssml"]
    # The reprompt repeats the bot's question so a silent user hears what was asked.
    assert response["reprompt"]["outputSpeech"]["ssml"].endswith("?</speak>")
    state = server.bot.store.load_state(echo.session_id)
    assert state is not None and state.user_id == echo.user_id
    assert server.bot.store.query("select channel from conversations")[0]["channel"] == "alexa"


def test_catch_all_intent_is_one_bot_turn(server, echo, ask_valid) -> None:
    server.post_alexa(echo.launch())
    reply = server.post_alexa(echo.say("my name is priya"))
    response = ask_valid(reply.get_json())
    assert "Priya" in response["outputSpeech"]["ssml"]
    turns = server.bot.store.turns(echo.session_id)
    assert [t["user_text"] for t in turns] == [None, "my name is priya"]


def test_one_shot_intent_without_launch_starts_the_conversation(server, echo, ask_valid) -> None:
    response = ask_valid(server.post_alexa(echo.say("let's talk about movies")).get_json())
    assert response["shouldEndSession"] is False
    assert len(server.bot.store.turns(echo.session_id)) == 1


def test_name_is_remembered_across_sessions_by_alexa_user_id(server, echo, ask_valid) -> None:
    server.post_alexa(echo.launch())
    server.post_alexa(echo.say("my name is priya"))
    server.post_alexa(echo.session_ended())
    echo.new_session()
    response = ask_valid(server.post_alexa(echo.launch()).get_json())
    assert "Priya" in response["outputSpeech"]["ssml"]
    assert server.bot.store.user_facts(echo.user_id) == {"name": "Priya"}


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_say_goodbye_and_close(server, echo, ask_valid, intent) -> None:
    server.post_alexa(echo.launch())
    server.post_alexa(echo.say("my name is sam"))
    response = ask_valid(server.post_alexa(echo.intent(intent)).get_json())
    assert response["shouldEndSession"] is True
    assert "reprompt" not in response
    assert "Sam" in response["outputSpeech"]["ssml"] and "Goodbye" in response["outputSpeech"]["ssml"]
    assert server.bot.store.load_state(echo.session_id).ended


def test_the_bot_ending_the_conversation_ends_the_session(server, echo, ask_valid) -> None:
    server.post_alexa(echo.launch())
    response = ask_valid(server.post_alexa(echo.say("goodbye")).get_json())
    assert response["shouldEndSession"] is True
    # A late utterance in the same session is answered politely, not with an error.
    late = ask_valid(server.post_alexa(echo.say("hello again")).get_json())
    assert late["shouldEndSession"] is True


@pytest.mark.parametrize("intent", ["AMAZON.HelpIntent", "AMAZON.FallbackIntent"])
def test_help_and_fallback_keep_the_session_open_without_a_turn(server, echo, ask_valid, intent) -> None:
    server.post_alexa(echo.launch())
    response = ask_valid(server.post_alexa(echo.intent(intent)).get_json())
    assert response["shouldEndSession"] is False and "reprompt" in response
    assert len(server.bot.store.turns(echo.session_id)) == 1


def test_empty_slot_is_an_empty_user_turn(server, echo, ask_valid) -> None:
    server.post_alexa(echo.launch())
    response = ask_valid(server.post_alexa(echo.say(None)).get_json())
    assert response["shouldEndSession"] is False
    assert server.bot.store.turns(echo.session_id)[-1]["user_text"] == ""


def test_session_ended_closes_the_conversation_with_an_empty_response(server, echo, ask_valid) -> None:
    server.post_alexa(echo.launch())
    reply = server.post_alexa(echo.session_ended("EXCEEDED_MAX_REPROMPTS"))
    assert reply.status_code == 200
    assert ask_valid(reply.get_json()) == {}
    state = server.bot.store.load_state(echo.session_id)
    assert state.ended and state.end_reason == "alexa_exceeded_max_reprompts"


def test_speech_is_escaped_well_formed_ssml(server, echo, ask_valid) -> None:
    server.post_alexa(echo.launch())
    server.post_alexa(echo.say("my name is priya"))
    # simple_topic or the fallback may echo parts of this; whatever comes back must parse as XML.
    response = ask_valid(server.post_alexa(echo.say('tom & jerry <b>"quotes"</b> it\'s \x07fun')).get_json())
    for ssml in (response["outputSpeech"]["ssml"], response["reprompt"]["outputSpeech"]["ssml"]):
        ElementTree.fromstring(ssml)


def test_unknown_request_type_is_a_clear_400_and_logs_nothing(server, echo) -> None:
    envelope = echo.envelope({"type": "AudioPlayer.PlaybackStarted", "token": "t", "offsetInMilliseconds": 0})
    reply = server.post_alexa(envelope)
    assert reply.status_code == 400
    assert reply.get_json()["error"]["code"] == "unsupported_request_type"
    assert server.counts() == (0, 0)


def test_unsigned_request_is_refused_when_verification_is_on(server, echo) -> None:
    reply = server.post_alexa(echo.launch(), sign=False)
    assert reply.status_code == 400 and reply.get_json()["error"]["code"] == "verification_failed"
    assert server.counts() == (0, 0)


def test_development_flag_accepts_unsigned_requests(make_server, echo, ask_valid) -> None:
    server = make_server(verify=False)
    response = ask_valid(server.client.post("/alexa", json=echo.launch()).get_json())
    assert response["shouldEndSession"] is False


def test_without_a_configured_skill_id_alexa_is_unavailable(make_server, echo) -> None:
    server = make_server(alexa_skill_ids=[])
    reply = server.post_alexa(echo.launch())
    assert reply.status_code == 503 and "alexa_skill_ids" in reply.get_json()["error"]["message"]
    assert server.counts() == (0, 0)


def test_skill_id_from_the_environment(make_server, echo) -> None:
    server = make_server(alexa_skill_ids=[], env={"CHIRPY_ALEXA_SKILL_IDS": f" {echo.skill_id} ,other"})
    assert server.post_alexa(echo.launch()).status_code == 200


def test_intent_request_without_an_intent_is_a_clear_400(server, echo) -> None:
    envelope = echo.say("hi")
    del envelope["request"]["intent"]
    reply = server.post_alexa(envelope)
    assert reply.status_code == 400 and reply.get_json()["error"]["code"] == "invalid_envelope"
    assert "intent" in reply.get_json()["error"]["message"]
    assert server.counts() == (0, 0)
