"""Fixtures for the offense tests: a bot with the offense annotator, handler and safety gate on a
temporary log, with a blank spaCy pipeline (fast) and a stand-in "neural" responder whose lines
the test controls."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, TurnContext
from responders.offense import ARMS

ORDER = ["launch", "closing", "offense", "offense_test_topic", "offense_test_neural", "fallback"]


def offense_config(db: Path, **sections: Any) -> Config:
    data: dict[str, Any] = {
        "bot": {"db": str(db), "seed": 3, "deadline_seconds": 2.0, "spacy_model": "blank",
                "plugins": ["responders.launch", "responders.closing", "responders.fallback",
                            "classifiers.offense.annotator", "classifiers.offense.gate", "responders.offense"]},
        "pipeline": {"annotators": ["offense"], "filters": ["no_repeat", "safety"], "shapers": []},
        "responders": {"order": ORDER},
    }
    for key, value in sections.items():
        data.setdefault(key, {}).update(value)
    return Config.from_dict(data)


@pytest.fixture
def make_bot(tmp_path: Path) -> Callable[..., Bot]:
    bots: list[Bot] = []

    def factory(arm: str | None = None, db_name: str = "log.db", **sections: Any) -> Bot:
        overrides = {"offense_strategy": arm} if arm else None
        bot = Bot(offense_config(tmp_path / db_name, **sections), arm_overrides=overrides)
        bots.append(bot)
        return bot

    yield factory
    for bot in bots:
        bot.close()


@pytest.fixture
def equal_arms() -> dict[str, Any]:
    """The offense experiment with every arm equally likely (the A/B test setting)."""
    return {"offense_strategy": {"arms": list(ARMS), "weights": [1] * len(ARMS)}}


@responders.register("offense_test_topic")
class TopicResponder(Responder):
    """Opens a "rivers" topic as a prompt and keeps talking about it while it holds the thread."""

    def prompt(self, ctx: TurnContext) -> Candidate | None:
        if "rivers" in ctx.state.topics_covered:
            return Candidate("What's your favorite kind of music?", Priority.CAN_START, topic="music")
        return Candidate("Do you like rivers?", Priority.CAN_START, topic="rivers")

    def respond(self, ctx: TurnContext) -> Candidate | None:
        if ctx.state.current_topic == "rivers" and not ctx.annotations.is_launch:
            return Candidate("Rivers are lovely. Which river do you like best?", Priority.STRONG_CONTINUE,
                             topic="rivers")
        return None


@responders.register("offense_test_neural")
class NeuralStandIn(Responder):
    """Plays a neural generator: offers the configured lines, best first, at can-start priority."""

    def respond(self, ctx: TurnContext) -> list[Candidate] | None:
        if ctx.annotations.is_launch:
            return None
        lines = self.config.get("lines", [])
        return [Candidate(t, Priority[self.config.get("priority", "WEAK_CONTINUE")]) for t in lines]
