"""One line per conversation, kept in memory, so the list filters a 100k-turn log in milliseconds.

Built in one streaming pass over the log (the declared offense and dissatisfaction fields, extracted by
the database) and rebuilt when the log has grown. Text search and labels are asked of the store on
each request: they change while people work.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from chirpy.store import FieldDecoder, LogStore
from classifiers.dissatisfaction.logfields import DISSATISFACTION
from classifiers.offense.logfields import IS_OFFENSIVE

FIELDS = (IS_OFFENSIVE, DISSATISFACTION)
OPEN = "(still open)"


@dataclass
class ConversationLine:
    id: str
    created_at: str
    end_reason: str
    channel: str
    arms: dict[str, str]
    turns: int = 0
    responders: set[str] = field(default_factory=set)
    offensive: bool = False
    dissatisfied: bool = False


@dataclass(frozen=True)
class Filters:
    arm: str = ""  # "experiment=arm"
    responder: str = ""
    ended: str = ""
    offense: str = ""  # "yes" / "no" / ""
    dissatisfaction: str = ""
    labelled: str = ""
    date_from: str = ""  # YYYY-MM-DD, inclusive
    date_to: str = ""
    text: str = ""

    @classmethod
    def from_args(cls, args: Any) -> "Filters":
        return cls(**{name: (args.get(name) or "").strip() for name in cls.__dataclass_fields__})

    def query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


class ConversationIndex:
    def __init__(self, store: LogStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._turns = -1
        self.lines: list[ConversationLine] = []  # newest first
        self.by_id: dict[str, ConversationLine] = {}
        self.choices: dict[str, list[str]] = {}

    def refresh(self) -> None:
        """Rebuild when turns were added since the last build (a live bot may be writing)."""
        count = self.store.count_turns()
        if count == self._turns:
            return
        with self._lock:
            if count != self._turns:
                self._build()
                self._turns = count

    def _build(self) -> None:
        lines: dict[str, ConversationLine] = {}
        for cid, end_reason, arms, channel, created_at in self.store.conversation_summaries():
            lines[cid] = ConversationLine(cid, created_at or "", end_reason or OPEN, channel or "", _arms(arms))
        decode = FieldDecoder(FIELDS)
        for rows in self.store.turn_rows(FIELDS):
            for cid, _index, launch, _bot, responder, prompt, _latency, arms, fields in rows:
                line = lines.get(cid)
                if line is None:
                    line = lines[cid] = ConversationLine(cid, "", OPEN, "", _arms(arms))
                line.turns += 1
                line.responders.add(responder or "unknown")
                if prompt:
                    line.responders.add(prompt)
                offensive, dissatisfaction = decode(fields)
                line.offensive = line.offensive or bool(offensive)
                line.dissatisfied = line.dissatisfied or bool(dissatisfaction)
        self.lines = sorted(lines.values(), key=lambda c: (c.created_at, c.id), reverse=True)
        self.by_id = lines
        self.choices = {  # what each filter can be set to, from the log itself
            "arm": sorted({f"{e}={a}" for c in self.lines for e, a in c.arms.items()}),
            "responder": sorted({r for c in self.lines for r in c.responders}),
            "ended": sorted({c.end_reason for c in self.lines}),
        }

    def select(self, filters: Filters) -> list[ConversationLine]:
        found = self.lines
        if filters.arm and "=" in filters.arm:
            experiment, arm = filters.arm.split("=", 1)
            found = [c for c in found if c.arms.get(experiment) == arm]
        if filters.responder:
            found = [c for c in found if filters.responder in c.responders]
        if filters.ended:
            found = [c for c in found if c.end_reason == filters.ended]
        for flag, attribute in ((filters.offense, "offensive"), (filters.dissatisfaction, "dissatisfied")):
            if flag in ("yes", "no"):
                found = [c for c in found if getattr(c, attribute) == (flag == "yes")]
        if filters.date_from:
            found = [c for c in found if c.created_at[:10] >= filters.date_from]
        if filters.date_to:
            found = [c for c in found if c.created_at[:10] and c.created_at[:10] <= filters.date_to]
        if filters.labelled in ("yes", "no"):
            labelled = self.store.labelled_conversation_ids()
            found = [c for c in found if (c.id in labelled) == (filters.labelled == "yes")]
        if filters.text:
            matching = self.search(filters.text)
            found = [c for c in found if c.id in matching]
        return found

    def search(self, text: str) -> set[str]:
        """Conversations where the user or the bot said ``text`` (case-insensitive substring)."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        like = "ILIKE" if self.store.dialect == "postgresql" else "LIKE"  # SQLite's LIKE ignores ASCII case
        rows = self.store.query(f"SELECT DISTINCT conversation_id AS id FROM turns WHERE user_text {like} ? "
                                f"ESCAPE '\\' OR bot_text {like} ? ESCAPE '\\'", (pattern, pattern))
        return {r["id"] for r in rows}

    def neighbours(self, cid: str, filters: Filters) -> tuple[str | None, str | None]:
        """The conversations before and after ``cid`` in the filtered list (for n / p)."""
        ids = [c.id for c in self.select(filters)]
        if cid not in ids:
            return None, ids[0] if ids else None
        i = ids.index(cid)
        return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)


def _arms(text: str | None) -> dict[str, str]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
