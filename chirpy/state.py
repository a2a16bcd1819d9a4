"""Conversation state as plain, versioned JSON.

Chirpy Cardinal pickled its state, which made logs unreadable outside Python and broke on every
refactor. Here state is dataclasses ↔ dict with a version number: any SQLite browser can read it,
and an old log is either migrated or refused with a clear message.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

from chirpy.errors import ChirpyError
from chirpy.text import normalise_for_comparison
from chirpy.understanding.facts import UserFacts

STATE_VERSION = 1


@dataclass
class Utterance:
    speaker: str  # "user" or "bot"
    text: str
    responder: str | None = None  # for bot utterances: who said it (response responder)
    parts: list[str] | None = None  # for bot utterances: the response and the prompt, separately


@dataclass
class ConversationState:
    conversation_id: str
    turn_index: int = 0
    user_id: str | None = None
    user_name: str | None = None
    arms: dict[str, str] = field(default_factory=dict)
    history: list[Utterance] = field(default_factory=list)
    active_responder: str | None = None  # who holds the thread: its candidates may strongly continue
    current_topic: str | None = None
    current_entity: str | None = None
    topics_covered: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)  # what the bot talked about (store id, else name), latest last
    named_by_user: list[str] = field(default_factory=list)  # store ids the user said by their whole name, latest last
    expecting: str | None = None  # what the last bot line asked for ("name", ...), read by the annotator
    # What the user told the bot about themselves (likes, declined topics, job, pets, family), kept
    # across sessions for the same user id like the name (chirpy/understanding/facts).
    user_facts: UserFacts = field(default_factory=UserFacts)
    responder_states: dict[str, dict[str, Any]] = field(default_factory=dict)
    ended: bool = False
    end_reason: str | None = None
    rng_key: str | None = None  # seeds arms, phrasing and topic order; None: the conversation id

    @property
    def seed_key(self) -> str:
        """What this conversation's randomness hangs on. Normally its id (every conversation
        differs); a reproducible chat sets ``rng_key`` so the same seed replays the same bot."""
        return self.rng_key or self.conversation_id

    # -- reading -------------------------------------------------------------------------------
    def bot_utterances(self) -> list[str]:
        return [u.text for u in self.history if u.speaker == "bot"]

    def bot_lines(self) -> list[str]:
        """Every line the bot spoke, response and prompt counted separately."""
        return [part for u in self.history if u.speaker == "bot" for part in (u.parts or [u.text])]

    def has_said(self, text: str) -> bool:
        """Did an earlier bot turn contain this text, as whole words, up to case and punctuation?

        The one definition of "already said": it refuses a repeated turn and also a phrase reused
        inside a longer turn. Asked for every candidate and phrasing option of a turn, so the
        normalised history is built once per history length (a plain attribute, never serialised)."""
        key = normalise_for_comparison(text)
        if not key:
            return False
        cached = self.__dict__.get("_said_cache")
        if cached is None or cached[0] != len(self.history):
            # One padded line per bot turn: " key " can only match whole words inside one turn.
            spoken = "\n".join(f" {normalise_for_comparison(t)} " for t in self.bot_utterances())
            cached = (len(self.history), spoken)
            self.__dict__["_said_cache"] = cached
        return f" {key} " in cached[1]

    def user_utterances(self) -> list[str]:
        return [u.text for u in self.history if u.speaker == "user"]

    @property
    def last_bot_text(self) -> str | None:
        for u in reversed(self.history):
            if u.speaker == "bot":
                return u.text
        return None

    # -- (de)serialising -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, **asdict(self)}

    def to_json(self) -> str:
        """The same JSON as ``to_dict`` gives, written once per turn: the encoder walks the live fields
        instead of a copy, since ``asdict`` deep-copies the whole history and every responder's private
        state only for the copy to be dropped (about a millisecond per turn)."""
        shallow = {"version": STATE_VERSION, **_fields_of(self)}
        return json.dumps(shallow, ensure_ascii=False, separators=(",", ":"), default=_dataclass_fields)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ConversationState":
        data = dict(data)
        version = data.pop("version", None)
        if version != STATE_VERSION:
            data = migrate(data, version)
        history = [Utterance(**u) for u in data.pop("history", [])]
        facts = data.pop("user_facts", None)
        data["user_facts"] = UserFacts.from_list(facts.get("facts") if isinstance(facts, dict) else None)
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise ChirpyError(f"conversation state has unknown fields {sorted(unknown)}: written by a newer chirpy?")
        return cls(history=history, **data)

    @classmethod
    def from_json(cls, text: str) -> "ConversationState":
        return cls.from_dict(json.loads(text))


def _fields_of(instance: Any) -> dict[str, Any]:
    return {f.name: getattr(instance, f.name) for f in fields(instance)}


def _dataclass_fields(value: Any) -> dict[str, Any]:
    """``json.dumps``'s fallback: a nested dataclass (an Utterance, the user's facts) becomes the dict
    of its fields, as ``asdict`` would make it; anything else JSON cannot write is refused as usual."""
    if is_dataclass(value) and not isinstance(value, type):
        return _fields_of(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def migrate(data: dict[str, Any], version: Any) -> dict[str, Any]:
    """Bring state written by an older chirpy up to ``STATE_VERSION``; refuse anything else."""
    if not isinstance(version, int) or version > STATE_VERSION or version < 1:
        raise ChirpyError(f"conversation state version {version!r} is not supported (this chirpy writes {STATE_VERSION})")
    # No older versions exist yet; each future version adds one step here.
    return data
