from chirpy.responder import Candidate, Priority
from chirpy.selection import compose, rank


def cand(text: str, priority: Priority, responder: str) -> Candidate:
    c = Candidate(text, priority)
    c.responder = responder
    return c


def test_highest_priority_wins_regardless_of_order():
    a = cand("a", Priority.CAN_START, "first")
    b = cand("b", Priority.FORCE_START, "last")
    assert rank([a, b], ["first", "last"])[0] is b


def test_tie_is_broken_by_declared_responder_order():
    a = cand("a", Priority.CAN_START, "movies")
    b = cand("b", Priority.CAN_START, "music")
    assert rank([a, b], ["music", "movies"])[0] is b
    assert rank([a, b], ["movies", "music"])[0] is a


def test_a_responders_own_candidate_order_is_kept():
    first = cand("best", Priority.CAN_START, "neural")
    second = cand("second", Priority.CAN_START, "neural")
    assert [c.text for c in rank([first, second], ["neural"])] == ["best", "second"]


def test_rejected_candidates_are_never_chosen():
    a = cand("a", Priority.FORCE_START, "x")
    a.rejected = "safety: offensive"
    b = cand("b", Priority.UNIVERSAL_FALLBACK, "fallback")
    assert rank([a, b], ["x", "fallback"]) == [b]


def test_compose_appends_the_prompt():
    response = cand("I love rivers.", Priority.CAN_START, "x")
    prompt = cand("Do you swim?", Priority.CAN_START, "y")
    assert compose(response, prompt) == "I love rivers. Do you swim?"
    assert compose(response, None) == "I love rivers."


def test_question_flag_is_inferred_from_the_text():
    assert Candidate("Do you swim?", Priority.CAN_START).is_question
    assert not Candidate("I swim.", Priority.CAN_START).is_question
    assert not Candidate("Do you swim?", Priority.CAN_START, is_question=False).is_question
