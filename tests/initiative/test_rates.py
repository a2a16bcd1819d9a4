"""Over a seeded run of many turns, each arm's observed rate is the arm's rate.

The rates are measured on the controller driven turn after turn (thousands of turns in about a
second, so the tolerance can be tight); test_pipeline.py checks the same through the whole bot.
"""

from __future__ import annotations

import pytest

from initiative import InitiativeController
from chirpy.responder import Candidate, Priority, Statement
from chirpy.turn import ChosenTurn

from .conftest import shape_many

TOLERANCE = 0.03  # three points; the standard error at 2,000+ eligible turns is about one point


def chat_turn(t: int) -> ChosenTurn:
    line = Candidate(f"That sounds lovely ({t}).", Priority.STRONG_CONTINUE, user_led=True, responder="chat")
    return ChosenTurn(line, None, [line], [])


def quiz_turn(t: int) -> ChosenTurn:
    line = Candidate(f"What is your favourite season ({t})?", Priority.STRONG_CONTINUE, responder="quiz",
                     statements=[Statement(f"I think autumn is the best ({t}).", "opinion")])
    return ChosenTurn(line, None, [line], [])


@pytest.mark.parametrize("arm", ["0", "33", "66", "100"])
def test_backchannel_rate_matches_its_arm(arm):
    records = shape_many(InitiativeController({}), chat_turn, {"backchannel": arm, "question_removal": "0"},
                         conversations=150, turns=24)
    eligible = [r for r in records if r["backchannel"]["eligible"]]
    applied = [r for r in eligible if r["backchannel"]["applied"]]
    assert len(eligible) >= 1800
    assert abs(len(applied) / len(eligible) - int(arm) / 100) <= TOLERANCE


@pytest.mark.parametrize("arm", ["0", "33", "66", "100"])
def test_question_removal_rate_matches_its_arm(arm):
    records = shape_many(InitiativeController({}), quiz_turn, {"question_removal": arm, "backchannel": "0"},
                         conversations=100, turns=24)
    eligible = [r for r in records if r["question_removal"]["eligible"]]
    removed = [r for r in eligible if r["question_removal"]["applied"]]
    assert len(eligible) == len(records) == 2400
    assert abs(len(removed) / len(eligible) - int(arm) / 100) <= TOLERANCE
    # The log agrees with what is said: a removed question leaves a turn that ends in a statement.
    assert sum(not r["ends_with_question"] for r in records) == len(removed)


def test_backchannels_alternate_at_100_percent_never_twice_in_a_row():
    records = shape_many(InitiativeController({}), chat_turn, {"backchannel": "100"}, conversations=5, turns=10)
    for c in range(5):
        actions = [r["action"] for r in records[c * 10:(c + 1) * 10]]
        assert actions == ["backchannel", "none"] * 5
        skips = [r["backchannel"]["skip"] for r in records[c * 10:(c + 1) * 10]]
        assert skips[1::2] == ["after_backchannel"] * 5
