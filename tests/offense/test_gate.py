"""The output safety gate: nothing offensive leaves the bot, whoever wrote it."""

from __future__ import annotations

import json
import tomllib
from types import SimpleNamespace

import pytest

from chirpy import registry
from chirpy.responder import Candidate, Priority
from classifiers.offense.gate import SafetyGate, check_bot_text
from responders.offense.handler import CONTENT


def test_gate_is_registered_as_the_safety_filter() -> None:
    assert registry.filters.get("safety") is SafetyGate


def test_offensive_neural_candidate_is_replaced_by_the_next_best(make_bot) -> None:
    bot = make_bot(responders={"offense_test_neural": {
        "priority": "STRONG_CONTINUE",
        "lines": ["Humans are so stupid, you are an idiot.", "What the hell do you want?", "Rivers are calming."],
    }})
    bot.start("c1")
    turn = bot.respond("c1", "i went for a walk by the water")
    assert turn.response.text == "Rivers are calming."
    rejected = {c.text: c.rejected for c in turn.candidates if c.rejected}
    assert rejected["Humans are so stupid, you are an idiot."].startswith("safety: offensive")
    assert rejected["What the hell do you want?"].startswith("safety: mild")
    row = bot.store.turns("c1")[-1]
    logged = [c for c in bot.store.candidates(row["id"]) if c["rejected"]]
    assert any(c["rejected"].startswith("safety") for c in logged)  # eval can see what was blocked


def test_when_every_neural_line_offends_the_fallback_speaks(make_bot) -> None:
    bot = make_bot(responders={"offense_test_neural": {"priority": "STRONG_CONTINUE", "lines": ["go to hell"]}})
    bot.start("c1")
    turn = bot.respond("c1", "tell me something")
    assert "hell" not in turn.text.lower()


@pytest.mark.parametrize("utterance", ["my name is bitch", "call me dickhead", "my name is hitler"])
def test_user_with_an_offensive_name_is_not_called_by_it(make_bot, utterance: str) -> None:
    bot = make_bot(arm="empathetic_name_redirect")
    bot.start("c1")
    turn = bot.respond("c1", utterance)
    bad = utterance.split()[-1]
    assert bad not in turn.text.lower()
    assert bot.store.load_state("c1").user_name is None
    assert turn.annotations.extra["rejected_name"]["name"].lower() == bad
    later = bot.respond("c1", "you are stupid")  # a name arm, but there is no usable name
    assert bad not in later.text.lower() and later.response.meta["offense_strategy"] == "empathetic_redirect"


def test_gate_checks_an_echoed_name_on_its_own() -> None:
    gate = SafetyGate({})
    ctx = SimpleNamespace(user_name="Hitler")
    assert gate.check(Candidate("Welcome back, Hitler!", Priority.FORCE_START), ctx)
    assert gate.check(Candidate("Welcome back, Sam!", Priority.FORCE_START), SimpleNamespace(user_name="Sam")) is None


def test_gate_is_strict_about_the_bot_but_not_prudish() -> None:
    assert check_bot_text("That sucks.")  # mild: fine from a user, not from the bot
    assert check_bot_text("I want to kill myself.")
    assert check_bot_text("That sucks.", strict=False) is None
    for fine in ["I loved Kill Bill.", "Sorry to hear your dog died.", "That was a hell of a game!",
                 "You are so funny.", "What's your favorite movie?", "Top Gun is a classic.",
                 "I love a book with a world I can get lost in.", "Al Gore wrote about climate.",
                 "Shut your eyes and relax.", "Your mom is nice.", "Niger is in West Africa.",
                 "I made a chicken breast recipe.", "Killer whales are smart.", "The stable version is out."]:
        assert check_bot_text(fine) is None, fine


def test_every_offense_handler_line_passes_the_gate() -> None:
    content = tomllib.loads(CONTENT.read_text())
    lines = [line for by_type in content["strategy"].values() for group in by_type.values() for line in group]
    lines += [line for group in content["escalation"].values() for line in group]
    lines += [r.format(help=content["self_harm"]["help"]) for r in content["self_harm"]["responses"]]
    lines += [f.format(name="Sam", line="okay.") for f in content["name_frames"]]
    for line in lines:
        assert check_bot_text(line) is None, (line, check_bot_text(line))


def test_gate_ignores_what_it_cannot_read() -> None:
    assert SafetyGate({}).check(SimpleNamespace(text=None), SimpleNamespace(user_name=None)) is None
    assert json.dumps(SafetyGate({"strict": False}).strict) == "false"


def test_an_echoed_name_is_judged_once_not_per_candidate(monkeypatch) -> None:
    gate = SafetyGate({})
    seen: list[str] = []
    original = gate.classifier.classify

    def counting(text: str, *args):
        seen.append(text)
        return original(text, *args)

    monkeypatch.setattr(gate.classifier, "classify", counting)
    ctx = SimpleNamespace(user_name="Sam")
    for line in ("Nice to meet you, Sam!", "Sam, what's your favorite movie?", "Tell me more, Sam."):
        assert gate.check(Candidate(line, Priority.CAN_START), ctx) is None
    assert seen.count("Sam") == 1


def test_a_line_is_judged_once_and_by_its_own_gates_standard(monkeypatch) -> None:
    strict, lenient = SafetyGate({}), SafetyGate({"strict": False})
    seen: list[str] = []
    original = strict.classifier.classify

    def counting(text: str, *args):
        seen.append(text)
        return original(text, *args)

    monkeypatch.setattr(strict.classifier, "classify", counting)  # shared by both gates (same bot names)
    ctx = SimpleNamespace(user_name=None)
    for _ in range(3):  # the same scripted line comes back turn after turn
        assert strict.check(Candidate("That sucks.", Priority.CAN_START), ctx)
    assert seen.count("That sucks.") == 1
    # The strict gate's verdict is its own: the lenient one still lets mild language through.
    assert lenient.check(Candidate("That sucks.", Priority.CAN_START), ctx) is None
