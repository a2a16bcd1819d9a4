"""End to end in the bot: the neural responder ranks its samples with the trained predictor
(`ranker = "dissatisfaction"`), and every candidate's scores reach the turn log."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from chirpy.bot import Bot
from chirpy.config import Config

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# The generator's favourite (highest likelihood) is a nosy question; the user-friendly line is its least favourite.
SAMPLES = [
    ("how much money do you make", -0.5),
    ("i think the guitar is really interesting", -1.0),
    ("what do you like most about the dog", -2.5),
]


class StubGenerator:
    def generate(self, history: Sequence[str], *, seed=None, **_: object):
        from responders.neural.generation import GenerationResult
        from responders.neural.scoring import NeuralCandidate

        cands = [NeuralCandidate(t, list(range(4)), lp * 4, 4) for t, lp in SAMPLES]
        return GenerationResult(cands, prefix_tokens=10, steps=4)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from responders.neural.tiny import build_tiny_gpt2

    return build_tiny_gpt2(tmp_path_factory.mktemp("tiny_gpt2_dissat"), seed=0)


def make_bot(tmp_path: Path, tiny_dir: Path, ranker: str, model_dir: Path) -> Bot:
    config = Config.from_dict({
        "bot": {"db": str(tmp_path / f"{ranker}.db"), "deadline_seconds": 30.0, "seed": 1},
        "pipeline": {"annotators": ["offense", "dissatisfaction"], "filters": ["no_repeat"], "shapers": []},
        "responders": {
            "order": ["launch", "neural", "simple_topic", "fallback"],
            "neural": {"model": str(tiny_dir), "ranker": ranker, "ranker_config": {"model": str(model_dir)},
                       "filters": []},
        },
    })
    bot = Bot(config)
    bot.responders["neural"].generator = StubGenerator()
    return bot


def neural_reply(bot: Bot) -> tuple[str, list[dict]]:
    bot.start("c1")
    bot.respond("c1", "my name is ann")  # the neural opener ("how was your day?") is the prompt here
    turn = bot.respond("c1", "i really like my dog")
    assert turn.response.responder == "neural"
    rows = [r for r in bot.store.candidates(turn.turn_id) if r["responder"] == "neural"]
    return turn.response.text, rows


@pytest.mark.parametrize("ranker", ["likelihood", "dissatisfaction"])
def test_ranker_decides_the_neural_reply_and_scores_are_logged(tmp_path, tiny_dir, model_dir, ranker) -> None:
    bot = make_bot(tmp_path, tiny_dir, ranker, model_dir)
    try:
        text, rows = neural_reply(bot)
    finally:
        bot.close()
    scores = [json.loads(r["scores"]) for r in rows]
    assert len(rows) == len(SAMPLES)
    assert all("likelihood" in s for s in scores)
    if ranker == "likelihood":
        assert text == "how much money do you make"
    else:
        assert text == "what do you like most about the dog"
        assert all(0.0 <= s["dissatisfaction"] <= 1.0 for s in scores)  # every candidate, in the log


def test_no_checkpoint_means_likelihood_ranking(tmp_path, tiny_dir, caplog) -> None:
    with caplog.at_level("WARNING"):
        bot = make_bot(tmp_path, tiny_dir, "dissatisfaction", tmp_path / "empty")
    try:
        text, rows = neural_reply(bot)
    finally:
        bot.close()
    assert text == "how much money do you make"
    assert any("dissatisfaction" in r.message and "likelihood" in r.message for r in caplog.records)
    assert all("dissatisfaction" not in json.loads(r["scores"]) for r in rows)
