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
from typing import Any, Iterable, Sequence

from chirpy.annotations import Annotations
from chirpy.component import Component
from chirpy.content import load_content
from chirpy.phrasing import pick_phrasing
from chirpy.state import ConversationState, Utterance
from chirpy.topics import Topic, TopicIndex


class Priority(IntEnum):
    UNIVERSAL_FALLBACK = 1
    WEAK_CONTINUE = 2
    CAN_START = 3
    STRONG_CONTINUE = 4
    FORCE_START = 5


STATEMENT_TYPES = ("opinion", "experience", "general")
"""The kinds of statement the research compared: personal opinion, personal experience, general fact."""


@dataclass(frozen=True)
class Statement:
    """A statement the initiative controller may say instead of a question (written by a person)."""

    text: str
    type: str | None = None  # one of STATEMENT_TYPES

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValueError("a statement needs text")
        if self.text.rstrip().endswith("?"):
            raise ValueError(f"statement {self.text!r} ends with '?'")
        if self.type is not None and self.type not in STATEMENT_TYPES:
            raise ValueError(f"statement type {self.type!r} is not one of {STATEMENT_TYPES}")


@dataclass(frozen=True)
class Handoff:
    """What a response that needs a prompt tells the responders offering one."""

    leave_topic: bool = False  # the user wants off the current topic: do not resume it
    requested: str | None = None  # the user asked for this ("let's talk about films"): the topic claiming it opens
    avoid: str | None = None  # the user does not want to talk about this


@dataclass
class Candidate:
    """One thing the bot could say, with everything needed to choose it and to log why.

    Parts of the bot read the typed fields; ``meta`` is free-form and only logged."""

    text: str
    priority: Priority
    needs_prompt: bool = False  # append another responder's prompt (a redirect / handoff)
    is_question: bool | None = None  # None: inferred from the text
    must_stay: bool = False  # the initiative controller may not rewrite or replace this line
    state: dict[str, Any] | None = None  # this responder's private state if the candidate is spoken
    topic: str | None = None  # the topic the conversation is on after this line
    entity: str | None = None  # the thing being talked about ("Inception", "golden retrievers")
    entity_id: str | None = None  # its id in the knowledge store, when it has one (tells two "Mercury"s apart)
    expects: str | None = None  # what the line asks the user for ("name", ...)
    ends_conversation: bool = False
    end_reason: str | None = None  # why, when it ends the conversation (logged with the conversation)
    handoff: Handoff | None = None  # with needs_prompt: what the prompt should (not) do
    statements: tuple[Statement, ...] = ()  # statement forms of this question line, best first
    statement_type: str | None = None  # the kind of statement this line is, when it is one
    user_led: bool = False  # the user holds the floor: a back-channel may stand in for this line
    repeatable: bool = False  # may be said again (pointing a user at help): never refused as a repeat
    scores: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # free-form, logged only
    # Filled in by the pipeline.
    responder: str = ""
    kind: str = "response"  # "response" or "prompt"
    rejected: str | None = None  # why a filter refused it

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"candidate text must be a string, got {type(self.text).__name__}")
        self.priority = Priority(self.priority)
        if self.is_question is None:
            self.is_question = self.text.rstrip().endswith("?")
        self.statements = tuple(self.statements)
        if not all(isinstance(s, Statement) for s in self.statements):
            raise TypeError("Candidate.statements holds Statement objects")
        if self.statement_type is not None and self.statement_type not in STATEMENT_TYPES:
            raise ValueError(f"statement_type {self.statement_type!r} is not one of {STATEMENT_TYPES}")
        if self.end_reason is not None and not self.ends_conversation:
            raise ValueError("end_reason is only for a candidate that ends the conversation")
        if self.handoff is not None and not self.needs_prompt:
            raise ValueError("a handoff is only for a candidate that needs a prompt")


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
    topics: TopicIndex = field(default_factory=TopicIndex)  # every enabled topic, shared by all responders

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
        """Did the bot say this earlier in the conversation (as whole words of one turn, any case)?"""
        return self.state.has_said(text)

    def pick(self, options: Sequence[str], slot: str, private: dict[str, Any], **fields: Any) -> str:
        """The phrasing of ``slot`` to say now: least recently used, not said before if possible.
        The choice is remembered in ``private`` (keep it by returning it as the candidate's state)."""
        return pick_phrasing(options, slot, private, self.rng, self.turn_index, self.already_said, **fields)


Returned = Candidate | Iterable[Candidate] | None


class Responder(Component):
    """Base class for responders. Override ``respond`` and, to open topics, ``prompt``.

    Register a subclass with ``@chirpy.registry.responders.register("name")`` and enable the name
    in the config (``[responders.order] add = ["name"]``). Its ``[responders.<name>]`` table arrives
    as ``config``, over the class's declared ``defaults``.
    """

    name: str = ""  # set by the pipeline to the configured name

    def respond(self, ctx: TurnContext) -> Returned:
        return None

    def prompt(self, ctx: TurnContext) -> Returned:
        return None

    def topics(self) -> list[Topic]:
        """The topics this responder runs, for the shared topic index (called once, after naming)."""
        return []

    def close(self) -> None:
        """Release resources (models, threads) when the bot shuts down."""


class ContentResponder(Responder):
    """A responder whose phrasings live in a TOML content file (``CONTENT``, overridable per
    instance with a ``content`` key in its config table), spoken least-recently-used first."""

    CONTENT: Path
    defaults = {"content": ""}  # "": the file beside the responder's code

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.content = load_content(self.config["content"] or self.CONTENT, self.CONTENT.parent)

    def say(self, ctx: TurnContext, slot: str, private: dict[str, Any], **fields: str) -> str:
        """A phrasing for ``slot`` not said earlier if possible; its use is recorded in ``private``."""
        return ctx.pick(self.content[slot], slot, private, **fields)


def as_list(returned: Returned) -> list[Candidate]:
    if returned is None:
        return []
    if isinstance(returned, Candidate):
        return [returned]
    return list(returned)
