"""Fixtures for understanding tests: the core annotator, and the shipped bot minus the neural model
and the initiative controller (its random back-channels would hide which responder answered)."""

from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator

import pytest

from chirpy.annotations import Annotations, CoreAnnotator
from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.nlp import load_nlp
from chirpy.text import clean_user_text
from chirpy.turn import TurnResult

_ids = itertools.count()


@pytest.fixture(scope="session")
def annotator() -> CoreAnnotator:
    return CoreAnnotator(load_nlp())


@pytest.fixture(scope="session")
def annotate(annotator: CoreAnnotator) -> Callable[..., Annotations]:
    def run(text: str, **context: Any) -> Annotations:
        return annotator.annotate(clean_user_text(text, 1000), **context)

    return run


@pytest.fixture(scope="session")
def understanding_bot(tmp_path_factory: pytest.TempPathFactory, annotator: CoreAnnotator) -> Iterator[Bot]:
    db = tmp_path_factory.mktemp("understanding") / "log.db"
    bot = Bot(Config.from_dict({"bot": {"db": str(db), "seed": 0}, "responders": {"neural": {"model": ""}},
                                "pipeline": {"shapers": []}}))
    yield bot
    bot.close()


class Conversation:
    def __init__(self, bot: Bot, user_id: str | None = None) -> None:
        self.bot = bot
        self.id = f"understanding-{next(_ids)}"
        self.user_id = user_id
        self.opening = bot.start(self.id, user_id=user_id)

    def say(self, text: str) -> TurnResult:
        return self.bot.respond(self.id, text, user_id=self.user_id)

    @property
    def name(self) -> str | None:
        state = self.bot.store.load_state(self.id)
        return state.user_name if state else None


@pytest.fixture
def conversation(understanding_bot: Bot) -> Callable[..., Conversation]:
    return lambda user_id=None: Conversation(understanding_bot, user_id)
