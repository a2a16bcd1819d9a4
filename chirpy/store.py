"""The conversation log: SQLite through sqlite-utils, one file, WAL mode, one transaction per turn.

The log is the product's raw material (eval/, the dissatisfaction predictor's training, replays),
so it records every candidate considered — chosen or not, rejected and why — and how each
responder fared, and it is readable with any SQLite tool. A turn is written whole or not at all.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from chirpy.errors import StoreError
from chirpy.registry import stores
from chirpy.state import STATE_VERSION, ConversationState

SCHEMA_VERSION = 1


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE: take the write lock first. A deferred transaction that reads and then writes
    cannot wait for the lock (SQLite answers "database is locked" at once rather than risk a
    deadlock), so concurrent writers (server threads, gunicorn workers) would fail instead of
    queueing behind busy_timeout."""
    db.execute("BEGIN IMMEDIATE")
    try:
        with db.atomic():  # a savepoint inside our transaction, as sqlite-utils expects
            yield
        db.execute("COMMIT")
    except BaseException:
        db.conn.rollback()
        raise


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


SCHEMA: dict[str, dict[str, Any]] = {
    "conversations": {
        "columns": {
            "id": str, "created_at": str, "updated_at": str, "ended_at": str, "end_reason": str,
            "user_id": str, "channel": str, "seed": int, "arms": str, "n_turns": int,
            "state": str, "state_version": int,
        },
        "pk": "id",
        "indexes": [["user_id"]],
    },
    "turns": {
        "columns": {
            "id": int, "conversation_id": str, "turn_index": int, "created_at": str, "user_text": str,
            "bot_text": str, "response_responder": str, "prompt_responder": str, "latency_ms": float,
            "arms": str, "annotations": str, "topic": str, "ended": int, "details": str,
        },
        "pk": "id",
        # Unique per conversation: two writers racing on one conversation cannot both log turn N.
        "unique": [["conversation_id", "turn_index"]],
    },
    "candidates": {
        "columns": {
            "id": int, "turn_id": int, "conversation_id": str, "turn_index": int, "kind": str,
            "responder": str, "text": str, "priority": int, "rank": int, "chosen": int,
            "rejected": str, "needs_prompt": int, "is_question": int, "scores": str, "meta": str,
        },
        "pk": "id",
        "indexes": [["turn_id"], ["conversation_id", "turn_index"], ["responder"]],
    },
    "responder_runs": {
        "columns": {
            "id": int, "turn_id": int, "conversation_id": str, "turn_index": int, "responder": str,
            "phase": str, "status": str, "latency_ms": float, "error": str, "n_candidates": int,
        },
        "pk": "id",
        "indexes": [["turn_id"], ["responder"]],
    },
    "users": {
        "columns": {"user_id": str, "facts": str, "updated_at": str},
        "pk": "user_id",
    },
    "meta": {"columns": {"key": str, "value": str}, "pk": "key"},
}


@stores.register("sqlite")
class SQLiteStore:
    """Thread-safe: each thread gets its own connection (sqlite3 connections are per-thread)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._connections: list[sqlite_utils.Database] = []
        self._lock = threading.Lock()
        if self.path != ":memory:":
            self._prepare_path(Path(self.path))
        try:
            self._ensure_schema(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot use {self.path} as a chirpy log: {exc}") from None

    # -- connections ---------------------------------------------------------------------------
    @staticmethod
    def _prepare_path(path: Path) -> None:
        if path.is_dir():
            raise StoreError(f"database path {path} is a directory")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for database {path}: {exc.strerror or exc}") from None

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                db = sqlite_utils.Database(conn)
                db.execute("PRAGMA busy_timeout = 30000")
                if self.path != ":memory:":
                    db.enable_wal()
                    # WAL + NORMAL: durable across an application crash, one fsync per checkpoint.
                    db.execute("PRAGMA synchronous = NORMAL")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"cannot open database {self.path}: {exc}") from None
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                try:
                    db.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()

    # -- schema --------------------------------------------------------------------------------
    def _ensure_schema(self, db: sqlite_utils.Database) -> None:
        existing = set(db.table_names())
        if "meta" in existing:
            row = db.execute("select value from meta where key = 'schema_version'").fetchone()
            version = int(row[0]) if row else None
            if version != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written with log schema version {version}; this chirpy reads version "
                    f"{SCHEMA_VERSION}. Export it with the chirpy that wrote it, or use a new --db path."
                )
            return
        if existing:
            raise StoreError(f"{self.path} is an SQLite database but not a chirpy log (tables: {sorted(existing)})")
        with db.atomic():
            for name, spec in SCHEMA.items():
                table = db[name].create(spec["columns"], pk=spec["pk"], if_not_exists=True)
                for columns in spec.get("indexes", []):
                    table.create_index(columns, if_not_exists=True)
                for columns in spec.get("unique", []):
                    table.create_index(columns, unique=True, if_not_exists=True)
            db["meta"].insert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, replace=True)

    # -- writing -------------------------------------------------------------------------------
    def save_turn(
        self,
        record: TurnRecord,
        state: ConversationState,
        *,
        channel: str | None = None,
        seed: int = 0,
        user_facts: dict[str, Any] | None = None,
    ) -> int:
        """Write the turn, its candidates and runs, the new state and any cross-session user facts
        (the name, keyed by the voice assistant's user id) atomically. Returns the turn id."""
        db = self.db
        stamp = now()
        try:
            with write_transaction(db):
                conversation = {
                    "id": record.conversation_id,
                    "updated_at": stamp,
                    "user_id": state.user_id,
                    "arms": dumps(state.arms),
                    "n_turns": state.turn_index,
                    "state": state.to_json(),
                    "state_version": STATE_VERSION,  # not state.to_dict(): a second asdict() costs ms per turn
                }
                if state.ended:
                    conversation |= {"ended_at": stamp, "end_reason": state.end_reason}
                if not db.execute("select 1 from conversations where id = ?", [record.conversation_id]).fetchone():
                    db["conversations"].insert(conversation | {"created_at": stamp, "channel": channel, "seed": seed})
                else:
                    db["conversations"].update(record.conversation_id, conversation)
                turn_id = db["turns"].insert({
                    "conversation_id": record.conversation_id,
                    "turn_index": record.turn_index,
                    "created_at": stamp,
                    "user_text": record.user_text,
                    "bot_text": record.bot_text,
                    "response_responder": record.response_responder,
                    "prompt_responder": record.prompt_responder,
                    "latency_ms": round(record.latency_ms, 3),
                    "arms": dumps(record.arms),
                    "annotations": dumps(record.annotations),
                    "topic": record.topic,
                    "ended": int(record.ended),
                    "details": dumps(record.details),
                }).last_pk
                common = {"turn_id": turn_id, "conversation_id": record.conversation_id, "turn_index": record.turn_index}
                if record.candidates:
                    db["candidates"].insert_all(common | c for c in record.candidates)
                if record.runs:
                    db["responder_runs"].insert_all(common | r for r in record.runs)
                if user_facts and state.user_id:
                    facts = self.user_facts(state.user_id) | user_facts
                    db["users"].upsert({"user_id": state.user_id, "facts": dumps(facts), "updated_at": stamp}, pk="user_id")
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" not in str(exc):
                raise StoreError(f"cannot write to {self.path}: {exc}") from None
            raise StoreError(
                f"turn {record.turn_index} of conversation {record.conversation_id} is already logged "
                f"(two writers on one conversation?): {exc}"
            ) from None
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot write to {self.path}: {exc}") from None
        return int(turn_id)

    def end_conversation(self, conversation_id: str, reason: str) -> bool:
        """Mark a conversation ended (e.g. the Alexa session closed). False if it does not exist."""
        with write_transaction(self.db):  # read and write under one lock: a concurrent turn cannot slip between
            state = self.load_state(conversation_id)
            if state is None:
                return False
            if not state.ended:
                state.ended, state.end_reason = True, reason
                stamp = now()
                self.db["conversations"].update(
                    conversation_id, {"ended_at": stamp, "updated_at": stamp, "end_reason": reason, "state": state.to_json()}
                )
        return True

    # -- reading -------------------------------------------------------------------------------
    def load_state(self, conversation_id: str) -> ConversationState | None:
        row = self.db.execute("select state from conversations where id = ?", [conversation_id]).fetchone()
        return ConversationState.from_json(row[0]) if row else None

    def user_facts(self, user_id: str) -> dict[str, Any]:
        row = self.db.execute("select facts from users where user_id = ?", [user_id]).fetchone()
        return json.loads(row[0]) if row else {}

    def turns(self, conversation_id: str) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select * from turns where conversation_id = ? order by turn_index", [conversation_id]
        ))

    def candidates(self, turn_id: int) -> list[dict[str, Any]]:
        return list(self.db.query("select * from candidates where turn_id = ? order by id", [turn_id]))
