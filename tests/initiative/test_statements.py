"""Finding a question's statement form: the formats responders use, and the stripping fallback."""

from __future__ import annotations

import pytest

from chirpy.initiative.statements import StatementSettings, find_statement, strip_trailing_question, variant_options
from chirpy.responder import Candidate, Priority


def question(**meta) -> Candidate:
    return Candidate("Do you like jazz?", Priority.CAN_START, meta=meta, responder="music")


@pytest.mark.parametrize("meta, expected", [
    ({"statement_variant": "I love jazz.", "statement_type": "opinion"}, [("I love jazz.", "opinion")]),
    ({"statement_variant": "I love jazz."}, [("I love jazz.", None)]),
    ({"statement_variants": {"experience": "I saw a jazz band once.", "opinion": ["I love jazz.", "Jazz is fun."]}},
     [("I saw a jazz band once.", "experience"), ("I love jazz.", "opinion"), ("Jazz is fun.", "opinion")]),
    ({"statement_variants": [{"text": "Jazz is old.", "type": "general"}, "I love jazz."], "statement_type": "opinion"},
     [("Jazz is old.", "general"), ("I love jazz.", "opinion")]),
    ({"statement_variant": "   "}, []),
    ({}, []),
])
def test_variant_formats(meta, expected):
    assert variant_options(question(**meta)) == expected


def test_variant_of_the_arms_type_first_and_nothing_already_said():
    line = question(statement_variants={"general": "Jazz began in New Orleans.", "opinion": "I love jazz."})
    said = {"I love jazz."}
    found = find_statement(line, [line], "opinion", StatementSettings(), lambda t: t in said)
    assert found.candidate.text == "Jazz began in New Orleans." and found.statement_type == "general"
    assert found.candidate.is_question is False and found.candidate.responder == "music"
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
