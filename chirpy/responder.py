"""The responder contract: the one thing a team implements to teach the bot something new.

A responder looks at the turn (annotations, conversation state, its own private state) and
returns *response* candidates; when asked, it also offers *prompts* (a line that opens its topic,
appended after another responder's response that ``needs_prompt``). Priorities decide who speaks:
force-start > strong-continue > can-start > weak-continue > universal-fallback, then the declared
responder order breaks ties.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any, Iterable

from chirpy.annotations import Annotations
from chirpy.content import load_content
from chirpy.phrasing import pick_phrasing
from chirpy.state import ConversationState, Utterance
from chirpy.text import normalise_for_comparison


class Priority(IntEnum):
    UNIVERSAL_FALLBACK = 1
    WEAK_CONTINUE = 2
    CAN_START = 3
    STRONG_CONTINUE = 4
    FORCE_START = 5


@dataclass
class Candidate:
    """One thing the bot could say, with everything needed to choose it and to log why."""

    text: str
    priority: Priority
    needs_prompt: bool = False  # append another responder's prompt (a redirect / handoff)
    is_question: bool | None = None  # None: inferred from the text
    must_stay: bool = False  # the initiative controller may not rewrite or replace this line
    state: dict[str, Any] | None = None  # this responder's private state if the candidate is spoken
    topic: str | None = None  # the topic the conversation is on after this line
    entity: str | None = None  # the thing being talked about ("Inception", "golden retrievers")
    expects: str | None = None  # what the line asks the user for ("name", ...)
    ends_conversation: bool = False
    scores: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # free-form, logged: variants, strategy arm, ...
    # Filled in by the pipeline.
    responder: str = ""
    kind: str = "response"  # "response" or "prompt"
    rejected: str | None = None  # why a filter refused it

    def __post_init__(self) -> None:
        self.priority = Priority(self.priority)
        if self.is_question is None:
            self.is_question = self.text.rstrip().endswith("?")


@dataclass
class TurnContext:
    """What a responder sees. Treat ``state`` and ``annotations`` as read-only: responders run in
    parallel. Change your own state by returning it on a candidate (``Candidate.state``)."""

    conversation_id: str
    turn_index: int
    annotations: Annotations
    state: ConversationState
    private: dict[str, Any]  # a copy of this responder's private state
    rng: random.Random  # seeded per conversation, turn and responder: replays are reproducible
    deadline: float  # time.monotonic() by which candidates must be returned
    cancelled: threading.Event  # set when the deadline passed: long work should check and stop
    response: Candidate | None = None  # during the prompt phase: the response the prompt follows
    services: dict[str, Any] = field(default_factory=dict)  # shared helpers (e.g. the spaCy pipeline)

    @property
    def arms(self) -> dict[str, str]:
        return self.state.arms

    @property
    def history(self) -> list[Utterance]:
        return self.state.history

    @property
    def user_name(self) -> str | None:
        return self.state.user_name or self.annotations.user_name

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def already_said(self, text: str) -> bool:
        """Did the bot say this (up to case and punctuation) earlier in the conversation?"""
        return normalise_for_comparison(text) in self.state.said_keys()


Returned = Candidate | Iterable[Candidate] | None


class Responder:
    """Base class for responders. Override ``respond`` and, to open topics, ``prompt``.

    Register a subclass with ``@chirpy.registry.responders.register("name")`` and list the name
    in ``[responders] order`` of the config. Its ``[responders.<name>]`` table arrives as ``config``.
    """

    name: str = ""  # set by the pipeline to the configured name

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = dict(config or {})

    def respond(self, ctx: TurnContext) -> Returned:
        return None

    def prompt(self, ctx: TurnContext) -> Returned:
        return None

    def close(self) -> None:
        """Release resources (models, threads) when the bot shuts down."""


class ContentResponder(Responder):
    """A responder whose phrasings live in a TOML content file (``CONTENT``, overridable per
    instance with a ``content`` key in its config table), spoken least-recently-used first."""

    CONTENT: Path

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.content = load_content(self.config.get("content", self.CONTENT), self.CONTENT.parent)

    def say(self, ctx: TurnContext, slot: str, private: dict[str, Any], **fields: str) -> str:
        """A phrasing for ``slot`` not said earlier if possible; its use is recorded in ``private``."""
        return pick_phrasing(self.content[slot], slot, private, ctx.rng, ctx.turn_index, ctx.already_said, **fields)


def as_list(returned: Returned) -> list[Candidate]:
    if returned is None:
        return []
    if isinstance(returned, Candidate):
        return [returned]
    return list(returned)
