"""The detector inside the real turn pipeline: annotations every component can read, logged with
the turn, and read back from that same log as training labels."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from chirpy.annotations import Annotations
from chirpy.bot import Bot
from chirpy.config import Config
from classifiers.dissatisfaction.annotator import DissatisfactionAnnotator
from classifiers.dissatisfaction.logdata import read_examples


def make_config(db: Path) -> Config:
    data: dict[str, Any] = {
        "bot": {"db": str(db), "seed": 3, "deadline_seconds": 2.0},
        "pipeline": {"annotators": ["offense", "dissatisfaction"], "filters": ["no_repeat"], "shapers": []},
        "responders": {"order": ["launch", "closing", "simple_topic", "fallback"]},
    }
    return Config.from_dict(data)


@pytest.fixture
def bot(tmp_path: Path) -> Bot:
    b = Bot(make_config(tmp_path / "log.db"))
    yield b
    b.close()


def test_annotator_fills_types_and_skips_launch() -> None:
    annotator = DissatisfactionAnnotator({})
    ann = Annotations(text="you already said that what do you mean")
    annotator.annotate(ann, None)
    assert ann.dissatisfaction == ["clarification", "repetition"]
    launch = Annotations(text="", is_launch=True)
    annotator.annotate(launch, None)
    assert launch.dissatisfaction == []


def test_offense_verdict_from_the_offense_annotator_is_reused() -> None:
    ann = Annotations(text="you are a lovely potato", offense={"is_offensive": True, "types": ["criticism"]})
    DissatisfactionAnnotator({}).annotate(ann, None)
    assert ann.dissatisfaction == ["offensive"]
    clean = Annotations(text="i love potatoes", offense={"is_offensive": False})
    DissatisfactionAnnotator({}).annotate(clean, None)
    assert clean.dissatisfaction == []


def test_bot_turns_carry_and_log_dissatisfaction(bot: Bot, tmp_path: Path) -> None:
    bot.start("c1")
    assert bot.respond("c1", "i like movies").annotations.dissatisfaction == []
    result = bot.respond("c1", "what are you talking about")
    assert result.annotations.dissatisfaction == ["clarification"]
    bot.respond("c1", "i like music")
    bot.respond("c1", "you keep saying the same thing")
    with sqlite3.connect(tmp_path / "log.db") as conn:
        logged = [json.loads(a)["dissatisfaction"] for (a,) in conn.execute(
            "select annotations from turns where conversation_id = 'c1' order by turn_index")]
    assert logged == [[], [], ["clarification"], [], ["repetition"]]

    # The same log, read back for training: bot turns 1 and 3 drew complaints.
    examples = read_examples(tmp_path / "log.db")
    assert [e.label for e in examples] == [False, True, False, True]
    assert examples[1].context[-1] == "i like movies"
    assert all(e.likelihood is None for e in examples)  # scripted turns log no likelihood
