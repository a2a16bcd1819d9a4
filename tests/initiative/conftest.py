"""Fixtures for the initiative controller: a bot on a temporary log with a blank spaCy pipeline
(fast) and stand-in responders whose lines the tests control — a user-led chit-chat responder,
a scripted question with statement variants, and a neural-like responder with scored samples."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, Statement, TurnContext

EXPERIMENTS = {
    "question_removal": {"arms": ["0", "33", "66", "100"]},
    "statement_type": {"arms": ["opinion", "experience", "general"]},
    "backchannel": {"arms": ["0", "33", "66", "100"]},
}
PLUGINS = ["responders.launch", "responders.closing", "responders.fallback", "initiative"]


def initiative_config(db: Path, order: list[str], spacy_model: str = "blank", **sections: Any) -> Config:
    data: dict[str, Any] = {
        "bot": {"db": str(db), "seed": 11, "deadline_seconds": 5.0, "spacy_model": spacy_model, "plugins": PLUGINS},
        "pipeline": {"annotators": [], "filters": ["no_repeat"], "shapers": ["initiative"]},
        "responders": {"order": order},
    }
    for key, value in sections.items():
        data.setdefault(key, {}).update(value)
    config = Config.from_dict(data)
    config.data["experiments"] = sections.get("experiments", EXPERIMENTS)
    return config


@pytest.fixture
def make_bot(tmp_path: Path) -> Iterator[Callable[..., Bot]]:
    bots: list[Bot] = []

    def factory(order: list[str], arms: dict[str, str] | None = None, db_name: str = "log.db", **sections: Any) -> Bot:
        bot = Bot(initiative_config(tmp_path / db_name, order, **sections), arm_overrides=arms)
        bots.append(bot)
        return bot

    yield factory
    for bot in bots:
        bot.close()


# -- stand-in responders -------------------------------------------------------------------------
# Each line carries the turn index so the no-repeat filter never interferes with the rates.

@responders.register("init_chat")
class ChatResponder(Responder):
    """User-led chit-chat: a statement every turn, marked so a back-channel may replace it."""

    def respond(self, ctx: TurnContext) -> Candidate | None:
        if ctx.annotations.is_launch:
            return None
        return Candidate(f"That sounds lovely, tell me more about it ({ctx.turn_index}).", Priority.STRONG_CONTINUE,
                         user_led=True, state={"turns": ctx.turn_index})


@responders.register("init_quiz")
class QuizResponder(Responder):
    """A scripted question with statement variants of each type (or one ``must_stay`` question)."""

    def respond(self, ctx: TurnContext) -> Candidate | None:
        if ctx.annotations.is_launch:
            return None
        i = ctx.turn_index
        if self.config.get("must_stay"):
            return Candidate(f"Before we go on, may I ask how old you are ({i})?", Priority.STRONG_CONTINUE,
                             must_stay=True, user_led=True, statements=[Statement(f"I am ageless ({i}).")])
        return Candidate(
            f"What is your favourite season ({i})?", Priority.STRONG_CONTINUE,
            statements=[
                Statement(f"Many people love autumn best ({i}).", "general"),
                Statement(f"I once spent a whole autumn walking in the woods ({i}).", "experience"),
                Statement(f"I think autumn is the best season ({i}).", "opinion"),
            ],
        )


@responders.register("init_neural")
class NeuralLikeResponder(Responder):
    """Scored samples, best first, like the neural responder: the top one asks a question."""

    def respond(self, ctx: TurnContext) -> list[Candidate] | None:
        if ctx.annotations.is_launch:
            return None
        i = ctx.turn_index
        samples = self.config.get("samples", [
            ["what did you do then?", -1.00, None],
            ["i love quiet weekends like that.", -1.05, "opinion"],
            ["my weekend was quiet too.", -1.10, "experience"],
            ["that is a very strange thing to say about a weekend.", -3.00, None],
        ])
        return [Candidate(f"{text[:-1]} ({i}){text[-1]}",
                          Priority.STRONG_CONTINUE, scores={"likelihood": score},
                          user_led=True, statement_type=stype)
                for text, score, stype in samples]


def details(bot: Bot, conversation_id: str | None = None) -> list[dict[str, Any]]:
    """The controller's per-turn log records, in turn order."""
    import json

    query = "select details from turns" + (" where conversation_id = ?" if conversation_id else "")
    query += " order by conversation_id, turn_index"
    rows = bot.store.query(query, [conversation_id] if conversation_id else [])
    return [json.loads(row["details"])["initiative"] for row in rows]


def shape_many(controller: Any, make_turn: Callable[[int], Any], arms: dict[str, str], *, conversations: int,
               turns: int, user_text: str = "i went to the park with my dog this morning") -> list[dict[str, Any]]:
    """Drive the controller alone, turn after turn, as the bot does (same RNG seeding, state carried
    over): thousands of turns in a second, so rate tests can be tight without being slow."""
    import random
    import threading
    import time

    from chirpy.annotations import Annotations
    from chirpy.state import ConversationState

    records = []
    for c in range(conversations):
        state = ConversationState(conversation_id=f"conv-{c}", arms=dict(arms))
        for t in range(1, turns + 1):
            state.turn_index = t
            ann = Annotations(text=user_text, tokens=user_text.split())
            turn = make_turn(t)
            ctx = TurnContext(conversation_id=state.conversation_id, turn_index=t, annotations=ann, state=state,
                              private={}, rng=random.Random(f"11:{state.conversation_id}:{t}:shaper"),
                              deadline=time.monotonic() + 5, cancelled=threading.Event())
            controller.shape(turn, ctx)
            state.responder_states.update(turn.state_updates)
            records.append(turn.details["initiative"])
    return records


@pytest.fixture(scope="session")
def tiny_lm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight GPT-2 saved locally: exercises the NLL path with no download."""
    from responders.neural.tiny import build_tiny_gpt2

    return build_tiny_gpt2(tmp_path_factory.mktemp("tiny_lm"))
