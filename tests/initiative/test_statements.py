"""Finding a question's statement form: the formats responders use, and the stripping fallback."""

from __future__ import annotations

import pytest

from initiative.statements import StatementSettings, find_statement, strip_trailing_question, variant_options
from chirpy.responder import Candidate, Handoff, Priority, Statement


def question(*statements: Statement) -> Candidate:
    return Candidate("Do you like jazz?", Priority.CAN_START, statements=statements, responder="music")


def test_variants_keep_the_responders_order():
    line = question(Statement("I saw a jazz band once.", "experience"), Statement("I love jazz.", "opinion"),
                    Statement("Jazz is fun."))
    assert variant_options(line) == [("I saw a jazz band once.", "experience"), ("I love jazz.", "opinion"),
                                     ("Jazz is fun.", None)]
    assert variant_options(question()) == []


@pytest.mark.parametrize("make", [
    lambda: Statement("   "),  # empty
    lambda: Statement("Do you like jazz?", "opinion"),  # a question is no statement form
    lambda: Statement("I love jazz.", "feeling"),  # not a statement type
    lambda: Candidate("Bye!", Priority.FORCE_START, end_reason="user_goodbye"),  # ends nothing
    lambda: Candidate("So anyway.", Priority.CAN_START, handoff=Handoff(leave_topic=True)),  # hands to no prompt
    lambda: Candidate("Hi.", Priority.CAN_START, statement_type="rant"),
    lambda: Candidate("Hi.", Priority.CAN_START, statements=["I love jazz."]),  # untyped variant
])
def test_candidate_fields_are_checked_when_built(make):
    with pytest.raises((TypeError, ValueError)):
        make()


def test_variant_of_the_arms_type_first_and_nothing_already_said():
    line = question(Statement("Jazz began in New Orleans.", "general"), Statement("I love jazz.", "opinion"))
    said = {"I love jazz."}
    found = find_statement(line, [line], "opinion", StatementSettings(), lambda t: t in said)
    assert found.candidate.text == "Jazz began in New Orleans." and found.statement_type == "general"
    assert found.candidate.is_question is False and found.candidate.responder == "music"
    assert found.candidate.statement_type == "general"
    assert found.candidate.meta["initiative"] == {"method": "variant", "original": "Do you like jazz?"}
    assert line.text == "Do you like jazz?"  # the original candidate is left as it was, for the log


@pytest.mark.parametrize("text, expected", [
    ("Oh no, that sounds hard. What happened?", "Oh no, that sounds hard."),
    ("I love that! Did you enjoy it? Was it long?", "I love that!"),
    ("Oh no. What happened?", None),  # too little left to say
    ("What happened?", None),
    ("i love that. what else do you do for fun?", "i love that."),
])
def test_strip_trailing_question(text, expected):
    assert strip_trailing_question(text, min_words=3) == expected
