"""What goes into the log and what comes back out, as typed records."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass
class TurnRecord:
    """Everything about one turn that goes into the log, assembled by the pipeline."""

    conversation_id: str
    turn_index: int
    user_text: str | None
    bot_text: str
    response_responder: str
    prompt_responder: str | None
    latency_ms: float
    arms: dict[str, str]
    annotations: dict[str, Any]
    ended: bool = False
    topic: str | None = None
    details: dict[str, Any] = field(default_factory=dict)  # feature logs: offense strategy, shaping, ...
    candidates: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)


Row = dict[str, Any]
"""A stored row, column name → value, JSON columns as their JSON text (as any SQL tool shows them)."""


@dataclass
class StoredTurn:
    row: Row
    candidates: list[Row]
    runs: list[Row]


@dataclass
class StoredConversation:
    """A conversation with everything logged about it: what export writes and import reads back."""

    row: Row
    turns: list[StoredTurn]
    labels: list[Row] = field(default_factory=list)  # people's labels (``labels`` rows, without ids)


LABEL_KINDS = ("bot_error", "dissatisfaction", "reviewed")
WHOLE_CONVERSATION = -1
"""The ``turn_index`` of a label about a whole conversation ("reviewed": every turn read)."""


@dataclass(frozen=True)
class Label:
    """One person's judgement: a bot error type on a bot turn, a dissatisfaction type on a user turn,
    or ``reviewed`` on a whole conversation (``turn_index`` -1: unlabelled turns in it had none)."""

    conversation_id: str
    turn_index: int
    kind: str
    value: str
    annotator: str
    created_at: str = ""
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "conversation_id": self.conversation_id,
                "turn_index": None if self.turn_index == WHOLE_CONVERSATION else self.turn_index,
                "kind": self.kind, "value": self.value, "annotator": self.annotator, "created_at": self.created_at}


@dataclass(frozen=True)
class ForgetReport:
    """What an erasure removed, row counts per table."""

    conversations: int = 0
    turns: int = 0
    candidates: int = 0
    responder_runs: int = 0
    users: int = 0  # cross-session facts (the user's name)
    labels: int = 0  # a review app's labels, when the log has such a table

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def total(self) -> int:
        return sum(self.to_dict().values())


@dataclass(frozen=True)
class StoreHealth:
    backend: str
    writable: bool
    detail: str = ""  # why not, when not

    def to_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "writable": self.writable, **({"detail": self.detail} if self.detail else {})}


@dataclass
class RunTimes:
    """All runs of one responder (both phases): latencies in ms, and failure counts."""

    latencies: Any  # numpy array of float64
    timeouts: int
    errors: int
