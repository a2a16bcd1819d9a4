"""Fixtures for core tests: a bot on a temporary log with a small, explicit configuration, so the
core's behaviour is tested independently of which feature responders are enabled by default."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

import pytest

from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, TurnContext

CORE_ORDER = ["launch", "closing", "simple_topic", "fallback"]


def core_config(db: Path, **sections: Any) -> Config:
    data: dict[str, Any] = {
        "bot": {"db": str(db), "seed": 7, "deadline_seconds": 1.0},
        "pipeline": {"annotators": [], "filters": ["no_repeat"], "shapers": []},
        "responders": {"order": CORE_ORDER},
    }
    for key, value in sections.items():
        data.setdefault(key, {}).update(value)
    config = Config.from_dict(data)
    config.data["experiments"] = sections.get("experiments", {})  # only the experiments a test declares
    return config


@pytest.fixture
def make_bot(tmp_path: Path) -> Callable[..., Bot]:
    bots: list[Bot] = []

    def factory(db_name: str = "log.db", **sections: Any) -> Bot:
        bot = Bot(core_config(tmp_path / db_name, **sections))
        bots.append(bot)
        return bot

    yield factory
    for bot in bots:
        bot.close()


# Responders that exist only for tests: they make priorities, timing and failures controllable.

@responders.register("test_echo")
class EchoResponder(Responder):
    """Answers every user turn at a configured priority, optionally asking for a prompt."""

    def respond(self, ctx: TurnContext) -> Candidate | None:
        if ctx.annotations.is_launch:
            return None
        return Candidate(
            f"{self.config.get('prefix', 'echo')}: {ctx.annotations.text}",
            Priority[self.config.get("priority", "CAN_START")],
            needs_prompt=bool(self.config.get("needs_prompt", False)),
        )


@responders.register("test_prompter")
class PrompterResponder(Responder):
    def prompt(self, ctx: TurnContext) -> Candidate:
        return Candidate(self.config.get("text", "Shall we talk about rivers?"), Priority.CAN_START, topic="rivers")


@responders.register("test_slow")
class SlowResponder(Responder):
    """Ignores the cancel signal and blocks until the test releases it: the deadline must still hold."""

    release = threading.Event()
    finished = threading.Event()

    def respond(self, ctx: TurnContext) -> Candidate:
        SlowResponder.release.wait(timeout=10)
        SlowResponder.finished.set()
        return Candidate("I took my time.", Priority.FORCE_START)


@responders.register("test_polite_slow")
class PoliteSlowResponder(Responder):
    """Checks the cancel signal between steps, as the neural responder does."""

    stopped_early: list[bool] = []

    def respond(self, ctx: TurnContext) -> Candidate | None:
        for _ in range(300):
            if ctx.cancelled.wait(0.01):
                PoliteSlowResponder.stopped_early.append(True)
                return None
        return Candidate("Finished everything.", Priority.FORCE_START)


@responders.register("test_broken")
class BrokenResponder(Responder):
    def respond(self, ctx: TurnContext) -> Candidate:
        raise RuntimeError("this responder is broken on purpose")


@responders.register("test_bad_return")
class BadReturnResponder(Responder):
    def respond(self, ctx: TurnContext) -> Any:
        return ["not a candidate"]
