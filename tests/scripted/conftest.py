"""Fixtures for the scripted conversation: the default responders (topics, user-initiative handlers,
reaction, launch, closing, fallback) without neural or offense parts and without the initiative
controller, so what a test sees is what the scripted responders chose."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterator

import pytest

from chirpy.annotations import Annotations
from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.registry import annotators
from chirpy.state import ConversationState
from chirpy.turn import TurnResult

LEFT_OUT = {"neural", "offense"}  # tested by their own suites; they'd only add noise here


@annotators.register("scripted_test_dissatisfaction")
class FixedDissatisfaction:
    """Stands in for the dissatisfaction detector: labels the utterances listed in its config."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.labels: dict[str, list[str]] = dict(config.get("labels", {}))

    def annotate(self, annotations: Annotations, state: ConversationState) -> None:
        annotations.dissatisfaction = list(self.labels.get(annotations.text.lower(), []))


def scripted_config(db: Path) -> Config:
    default_order = Config.from_dict({}).responder_order
    return Config.from_dict({
        "bot": {"db": str(db), "seed": 3, "deadline_seconds": 5.0},
        "pipeline": {"annotators": ["scripted_test_dissatisfaction", "entity_linker"], "filters": ["no_repeat"],
                     "shapers": []},
        "responders": {"order": [name for name in default_order if name not in LEFT_OUT]},
        "scripted_test_dissatisfaction": {"labels": {"ugh not this again": ["repetition"],
                                                      "meh whatever man": ["disinterest"]}},
    })


@pytest.fixture(scope="session")
def scripted_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    bot = Bot(scripted_config(tmp_path_factory.mktemp("scripted") / "log.db"))
    yield bot
    bot.close()


_ids = itertools.count()


class Chat:
    """One conversation with the bot; ``say`` returns the turn, ``history`` the bot's lines."""

    def __init__(self, bot: Bot, conversation_id: str | None = None) -> None:
        self.bot = bot
        self.id = conversation_id or f"scripted-{next(_ids)}"
        self.turns: list[TurnResult] = [bot.start(self.id)]

    def say(self, text: str) -> TurnResult:
        result = self.bot.respond(self.id, text)
        self.turns.append(result)
        return result

    def state(self) -> ConversationState:
        state = self.bot.store.load_state(self.id)
        assert state is not None
        return state

    @property
    def bot_lines(self) -> list[str]:
        return [t.text for t in self.turns]


@pytest.fixture
def chat(scripted_bot: Bot, request: pytest.FixtureRequest) -> Chat:
    # Named after the test, not a running count: the conversation id seeds which topic opens first and
    # which phrasing is said, so a test sees the same conversation alone or in the whole suite.
    return Chat(scripted_bot, f"scripted-{request.node.name}")


@pytest.fixture
def new_chat(scripted_bot: Bot) -> Any:
    return lambda conversation_id=None: Chat(scripted_bot, conversation_id)


@pytest.fixture(scope="session")
def default_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """The shipped configuration (initiative controller on), minus the neural model: what users meet."""
    db = tmp_path_factory.mktemp("scripted_default") / "log.db"
    bot = Bot(Config.from_dict({"bot": {"db": str(db), "seed": 0}, "responders": {"neural": {"model": ""}}}))
    yield bot
    bot.close()


@pytest.fixture
def default_chat(default_bot: Bot) -> Any:
    return lambda conversation_id=None: Chat(default_bot, conversation_id)
