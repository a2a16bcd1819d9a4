"""The neural responder in the bot: opener hands to it, it chats max_turns turns, then hands off.

A stub generator makes the hand-off test deterministic; one test runs the real tiny model end to
end and checks that every sampled candidate, with its score or reject reason, reaches the log.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from chirpy.bot import Bot
from responders.neural.generation import GenerationResult
from responders.neural.scoring import NeuralCandidate

USER = ["my name is ann", "it was great, i went hiking", "we saw a lake and some birds",
        "yes it was really sunny", "no i do not"]


class StubGenerator:
    """Returns fixed candidates per call: one good line, advice, a human-life claim, a duplicate."""

    def __init__(self) -> None:
        self.calls = 0
        self.histories: list[list[str]] = []

    def generate(self, history: Sequence[str], *, seed=None, **_: object):
        self.calls += 1
        self.histories.append(list(history))
        k = self.calls
        good = ["Hiking sounds wonderful!", "A lake with birds must be beautiful.", "Sunny days are the best."][k - 1]
        cands = [
            NeuralCandidate("You should wear sunscreen.", [1, 2], -2.0, 3),
            NeuralCandidate(good, [1, 2, 3], -3.0, 4),
            NeuralCandidate("My wife loves hiking.", [1, 2], -1.0, 3),
            NeuralCandidate(good, [1, 2, 3], -3.0, 4),
        ]
        return GenerationResult(cands, prefix_tokens=10, steps=4)


@pytest.fixture
def stub_bot(tmp_path, tiny_dir, bot_config):
    bot = Bot(bot_config(tmp_path, model=str(tiny_dir), max_turns=3))
    stub = StubGenerator()
    bot.responders["neural"].generator = stub
    yield bot, stub
    bot.close()


def test_opener_hands_to_neural_then_to_a_scripted_topic(stub_bot):
    bot, stub = stub_bot
    bot.start("c1")
    turns = [bot.respond("c1", text) for text in USER]

    assert turns[0].response.responder == "launch" and turns[0].prompt.responder == "neural"
    assert turns[0].prompt.meta["neural_opener"] == "personal_day"
    for turn, expected in zip(turns[1:4], ["Hiking sounds wonderful!", "A lake with birds must be beautiful.",
                                          "Sunny days are the best."]):
        assert turn.response.responder == "neural" and turn.response.text == expected
    assert turns[1].prompt is None and turns[2].prompt is None
    assert turns[3].prompt is not None and turns[3].prompt.responder == "simple_topic"  # the hand-off
    assert turns[4].response.responder == "simple_topic"
    assert stub.calls == 3
    assert stub.histories[0][-1] == "it was great, i went hiking"  # the current user turn is included


def test_filtered_candidates_and_reasons_reach_the_log(stub_bot):
    bot, _ = stub_bot
    bot.start("c1")
    bot.respond("c1", USER[0])
    turn = bot.respond("c1", USER[1])
    rows = [r for r in bot.store.candidates(turn.turn_id) if r["responder"] == "neural"]
    reasons = sorted((r["rejected"] or "").split(":")[0] for r in rows)
    assert reasons == ["", "neural.advice", "neural.duplicate", "neural.human_life"]
    chosen = [r for r in rows if r["chosen"]]
    assert len(chosen) == 1 and json.loads(chosen[0]["scores"]) == {"likelihood": -0.75}


def test_max_turns_is_configurable(tmp_path, tiny_dir, bot_config):
    bot = Bot(bot_config(tmp_path, model=str(tiny_dir), max_turns=1))
    bot.responders["neural"].generator = StubGenerator()
    try:
        bot.start("c1")
        bot.respond("c1", USER[0])
        turn = bot.respond("c1", USER[1])
        assert turn.response.responder == "neural" and turn.prompt.responder == "simple_topic"
    finally:
        bot.close()


def test_real_tiny_model_end_to_end(tmp_path, tiny_dir, bot_config):
    bot = Bot(bot_config(tmp_path, model=str(tiny_dir), num_candidates=8, max_new_tokens=30, precision="fp32"))
    try:
        bot.start("c1")
        bot.respond("c1", USER[0])
        turn = bot.respond("c1", "it was good, thanks for asking.")
        assert "neural" in bot.responders  # the model loaded: a missing model would leave the responder out
        run = next(r for r in turn.runs if r.responder == "neural" and r.phase == "response")
        assert run.status == "ok"
        neural = [c for c in turn.candidates if c.responder == "neural"]
        assert neural and all(c.meta.get("samples") == 8 for c in neural)  # 8 sampled, every one logged
        assert all("likelihood" in c.scores for c in neural)
        assert all(c.rejected is None or c.rejected.startswith(("neural.", "no_repeat")) for c in neural)
        assert turn.text  # someone answered, neural or (if all were filtered) the fallback
    finally:
        bot.close()


def test_deadline_cancels_generation(tmp_path, tiny_dir, bot_config):
    """A turn deadline that has already passed stops generation instead of letting it run on."""
    bot = Bot(bot_config(tmp_path, model=str(tiny_dir), deadline_margin_s=1e6))
    try:
        bot.start("c1")
        bot.respond("c1", USER[0])
        turn = bot.respond("c1", USER[1])
        neural = [c for c in turn.candidates if c.responder == "neural" and c.kind == "response"]
        assert neural == []  # stopped before any line was complete: nothing half-written is offered
        assert turn.response.responder == "fallback"
        run = next(r for r in turn.runs if r.responder == "neural" and r.phase == "response")
        assert run.status == "ok"  # it returned in time rather than being abandoned at the deadline
    finally:
        bot.close()


class DeadlineStub:
    """A turn the deadline cut after 7 of 20 tokens: one line ended, one at a sentence end, one mid-sentence."""

    def generate(self, history: Sequence[str], **_: object) -> GenerationResult:
        done = NeuralCandidate("Hiking is fun!", [1, 2], -2.0, 3)
        sentence = NeuralCandidate("A lake sounds lovely.", [1, 2, 3], -1.0, 4, ending="sentence")
        cut = NeuralCandidate("I would love to see the", [1, 2, 3, 4], -0.5, 4, ending="cut")
        return GenerationResult([done, sentence], prefix_tokens=40, steps=7, stop="deadline", unfinished=[cut],
                                max_steps=20)


def test_a_deadline_cut_is_logged_with_every_candidate(tmp_path, tiny_dir, bot_config, caplog):
    bot = Bot(bot_config(tmp_path, model=str(tiny_dir)))
    bot.responders["neural"].generator = DeadlineStub()
    try:
        bot.start("c1")
        bot.respond("c1", USER[0])
        with caplog.at_level("INFO", logger="chirpy.neural"):
            turn = bot.respond("c1", USER[1])
        rows = {r["text"]: r for r in bot.store.candidates(turn.turn_id) if r["responder"] == "neural"}
    finally:
        bot.close()
    note = "deadline after 7/20 steps: kept 1 lines cut at a sentence end, 1 cut mid-sentence dropped"
    assert all(json.loads(r["meta"])["neural_stop"] == note for r in rows.values())
    assert json.loads(rows["A lake sounds lovely."]["meta"])["neural_ending"] == "sentence"
    assert rows["A lake sounds lovely."]["rejected"] is None
    assert rows["I would love to see the"]["rejected"] == "neural.deadline: stopped mid-sentence after 7/20 tokens"
    assert any(note in r.getMessage() for r in caplog.records)
