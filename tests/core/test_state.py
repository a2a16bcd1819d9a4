"""The conversation state written to the log each turn: the fast JSON writer must say exactly what
``to_dict`` says (the log is read back by other tools), and refuse what JSON cannot hold."""

from __future__ import annotations

import json

import pytest

from chirpy.state import ConversationState, Utterance
from chirpy.understanding.facts import Fact, UserFacts


def _lived_in_state() -> ConversationState:
    return ConversationState(
        conversation_id="c1", turn_index=3, user_name="Zoë", arms={"greeting_style": "warm"},
        history=[Utterance("bot", "Hi! What's your name?", "launch", ["Hi!", "What's your name?"]),
                 Utterance("user", "i'm zoë and i love jazz")],
        topics_covered=["music"], entities=["Q8341"],
        user_facts=UserFacts([Fact("likes", "jazz", "music"), Fact("pet", "dog", named=False)]),
        responder_states={"music": {"open": True, "asked": ["genre"], "phrasing": {"ask:genre": {"What?": 1}},
                                    "span": (2, 5)}},
        expecting="name",
    )


def test_state_json_is_exactly_the_json_of_its_dict() -> None:
    state = _lived_in_state()
    expected = json.dumps(state.to_dict(), ensure_ascii=False, separators=(",", ":"))
    assert state.to_json() == expected
    assert ConversationState.from_json(state.to_json()).to_dict() == json.loads(expected)


def test_state_json_refuses_what_json_cannot_hold() -> None:
    state = _lived_in_state()
    state.responder_states["music"]["seen"] = {"jazz"}  # a set: no JSON form
    with pytest.raises(TypeError, match="set"):
        state.to_json()
