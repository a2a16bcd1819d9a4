"""The log contract, written once in SQL both engines speak; ``sqlite.py`` and ``postgres.py`` supply
connections, locks and the few spellings that differ.

Writers: ``save_turn`` (one transaction per turn: the turn, its candidates and runs, the new state and
the user's facts, whole or not at all), ``end_conversation``, ``import_conversation``, ``forget``,
``remember_request``. Readers: typed methods for each reader of the log (eval's fast loader, export,
training, the initiative summary, the JSON API). A store opened ``read_only`` never writes — not even
a migration — and refuses write calls.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from contextlib import contextmanager
from typing import Any, ContextManager, Iterator, Sequence

from chirpy.errors import StoreError
from chirpy.state import STATE_VERSION, ConversationState
from chirpy.store.fields import LogField
from chirpy.store.labels import LabelMethods
from chirpy.store.migrations import Cursor, ensure_schema
from chirpy.store.records import (
    ForgetReport,
    Row,
    RunTimes,
    StoredConversation,
    StoredTurn,
    StoreHealth,
    TurnRecord,
    dumps,
    now,
)
from chirpy.store.schema import TABLES, Dialect

CHUNK = 5000
PRUNE_LEDGER_EVERY = 500

TURN_COLUMNS = ("conversation_id", "turn_index", "user_text IS NULL", "bot_text", "response_responder",
                "prompt_responder", "latency_ms", "arms")
"""The leading columns of every row ``turn_rows`` yields; the declared fields' values come last."""

_CANDIDATE_COLUMNS = ("turn_id", "conversation_id", "turn_index", "kind", "responder", "text", "priority", "rank",
                      "chosen", "rejected", "needs_prompt", "is_question", "scores", "meta")
_RUN_COLUMNS = ("turn_id", "conversation_id", "turn_index", "responder", "phase", "status", "latency_ms", "error",
                "n_candidates")
_TURN_INSERT_COLUMNS = ("conversation_id", "turn_index", "created_at", "user_text", "bot_text", "response_responder",
                        "prompt_responder", "latency_ms", "arms", "annotations", "topic", "ended", "details")


def _insert_sql(table: str, columns: Sequence[str], suffix: str = "") -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}){suffix}"


class SQLLogStore(LabelMethods, ABC):
    dialect: Dialect
    row_lock = ""  # how this engine locks selected rows until commit (SQLite's write transaction already does)
    display: str  # the location as messages show it (no password)
    read_only: bool

    # -- what each engine provides -------------------------------------------------------------------
    @abstractmethod
    def reading(self) -> ContextManager[Cursor]:
        """A cursor for reads outside any write transaction."""

    @abstractmethod
    def transaction(self) -> ContextManager[Cursor]:
        """One write transaction: committed when the block ends, rolled back if it raises."""

    @abstractmethod
    def exclusive(self) -> ContextManager[Cursor]:
        """A write transaction that also excludes every other process (for migrations)."""

    @abstractmethod
    def table_names(self, cursor: Cursor) -> set[str]: ...

    @abstractmethod
    def column_names(self, cursor: Cursor, table: str) -> set[str]: ...

    @abstractmethod
    def translate_error(self, exc: Exception, action: str) -> StoreError | None:
        """The store error for a driver exception (None: not the driver's, let it through)."""

    @abstractmethod
    def json_values_sql(self, column: str, fields: Sequence[LogField]) -> str:
        """An SQL expression: a JSON array (text) of the fields' values in ``column``'s document."""

    @abstractmethod
    def stream(self, sql: str, params: Sequence[Any] = (), chunk: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
        """Rows of a large read in chunks, without holding them all in memory."""

    @abstractmethod
    def run_times(self) -> dict[str, RunTimes]:
        """Every responder run's latency and status, grouped by responder."""

    @abstractmethod
    def conversation_lock(self, conversation_id: str, timeout: float) -> ContextManager[None]:
        """Exclusive across every process (and, for PostgreSQL, every host) sharing the log."""

    @abstractmethod
    def health(self) -> StoreHealth: ...

    @abstractmethod
    def close(self) -> None: ...

    # -- shared plumbing -------------------------------------------------------------------------------
    def _open_schema(self) -> int:
        with self.guard("open"):
            return ensure_schema(self, read_only=self.read_only)

    @contextmanager
    def guard(self, action: str) -> Iterator[None]:
        """Driver exceptions become store errors naming the log and what was being done."""
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:
            error = self.translate_error(exc, action)
            if error is None:
                raise
            raise error from None

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.display} was opened read-only")

    def __enter__(self) -> "SQLLogStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.guard("read"), self.reading() as cursor:
            cursor.execute(sql, tuple(params))
            return list(cursor.fetchall())

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of any read-only SQL (``?`` placeholders) as dicts: for tools and tests."""
        return self._dicts(sql, params)

    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.guard("read"), self.reading() as cursor:
            cursor.execute(sql, tuple(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    # -- writing ---------------------------------------------------------------------------------------
    def save_turn(self, record: TurnRecord, state: ConversationState, *, channel: str | None = None, seed: int = 0,
                  user_facts: dict[str, Any] | None = None) -> int:
        """Write the turn, its candidates and runs, the new state and any cross-session user facts (the
        name, keyed by the voice assistant's user id) atomically. Returns the turn id."""
        self._writable()
        cid = record.conversation_id
        stamp = now()
        values: dict[str, Any] = {
            "updated_at": stamp, "user_id": state.user_id, "arms": dumps(state.arms), "n_turns": state.turn_index,
            "state": state.to_json(), "state_version": STATE_VERSION,
        }
        if state.ended:
            values |= {"ended_at": stamp, "end_reason": state.end_reason}
        turn = (cid, record.turn_index, stamp, record.user_text, record.bot_text, record.response_responder,
                record.prompt_responder, round(record.latency_ms, 3), dumps(record.arms), dumps(record.annotations),
                record.topic, int(record.ended), dumps(record.details))
        with self.guard(f"log turn {record.turn_index} of conversation {cid}"), self.transaction() as cursor:
            if record.turn_index == 0:
                values |= {"id": cid, "created_at": stamp, "channel": channel, "seed": seed}
                cursor.execute(_insert_sql("conversations", list(values)), tuple(values.values()))
            else:
                assignments = ", ".join(f"{name} = ?" for name in values)
                cursor.execute(f"UPDATE conversations SET {assignments} WHERE id = ?", (*values.values(), cid))
                if cursor.rowcount == 0:  # erased (chirpy forget) while this turn ran: do not resurrect it
                    raise StoreError(f"conversation {cid} is no longer in {self.display} (erased during the turn?)")
            cursor.execute(_insert_sql("turns", _TURN_INSERT_COLUMNS, " RETURNING id"), turn)
            turn_id = int(cursor.fetchone()[0])
            common = (turn_id, cid, record.turn_index)
            if record.candidates:
                cursor.executemany(_insert_sql("candidates", _CANDIDATE_COLUMNS), [common + (
                    c.get("kind"), c.get("responder"), c.get("text"), c.get("priority"), c.get("rank"), c.get("chosen"),
                    c.get("rejected"), c.get("needs_prompt"), c.get("is_question"), _json_or_none(c.get("scores")),
                    _json_or_none(c.get("meta"))) for c in record.candidates])
            if record.runs:
                cursor.executemany(_insert_sql("responder_runs", _RUN_COLUMNS), [common + (
                    r.get("responder"), r.get("phase"), r.get("status"), r.get("latency_ms"), r.get("error"),
                    r.get("n_candidates")) for r in record.runs])
            if user_facts and state.user_id:
                cursor.execute("SELECT facts FROM users WHERE user_id = ?", (state.user_id,))
                row = cursor.fetchone()
                facts = (json.loads(row[0]) if row and row[0] else {}) | user_facts
                cursor.execute("INSERT INTO users (user_id, facts, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) "
                               "DO UPDATE SET facts = excluded.facts, updated_at = excluded.updated_at",
                               (state.user_id, dumps(facts), stamp))
        return turn_id

    def end_conversation(self, conversation_id: str, reason: str) -> bool:
        """Mark a conversation ended (e.g. the Alexa session closed). False if it does not exist."""
        self._writable()
        with self.guard(f"end conversation {conversation_id}"), self.transaction() as cursor:
            # Read and write in one transaction: a concurrent turn cannot slip between them.
            cursor.execute("SELECT state FROM conversations WHERE id = ?", (conversation_id,))
            row = cursor.fetchone()
            if row is None:
                return False
            state = ConversationState.from_json(row[0])
            if not state.ended:
                state.ended, state.end_reason = True, reason
                stamp = now()
                cursor.execute("UPDATE conversations SET ended_at = ?, updated_at = ?, end_reason = ?, state = ? "
                               "WHERE id = ?", (stamp, stamp, reason, state.to_json(), conversation_id))
        return True

    def import_conversation(self, conversation: StoredConversation) -> bool:
        """Add one conversation with all its rows (JSON columns as JSON text). False if its id is taken."""
        self._writable()
        cid = conversation.row["id"]
        with self.guard(f"import conversation {cid}"), self.transaction() as cursor:
            row = _known("conversations", conversation.row)
            cursor.execute(_insert_sql("conversations", list(row), " ON CONFLICT (id) DO NOTHING"), tuple(row.values()))
            if cursor.rowcount == 0:
                return False
            for turn in conversation.turns:
                row = _known("turns", turn.row, drop=("conversation_id",)) | {"conversation_id": cid}
                cursor.execute(_insert_sql("turns", list(row), " RETURNING id"), tuple(row.values()))
                link = {"turn_id": int(cursor.fetchone()[0]), "conversation_id": cid,
                        "turn_index": turn.row["turn_index"]}
                for table, rows in (("candidates", turn.candidates), ("responder_runs", turn.runs)):
                    for child in rows:
                        values = _known(table, child, drop=tuple(link)) | link
                        cursor.execute(_insert_sql(table, list(values)), tuple(values.values()))
            if conversation.labels:
                self._insert_labels(cursor, cid, conversation.labels)
        return True

    def forget(self, *, user_id: str | None = None, conversation_id: str | None = None) -> ForgetReport:
        """Erase a user's conversations (or one conversation) and everything logged about them, in one
        transaction: turns, candidates, responder runs, state, labels, and — for a user — their facts."""
        self._writable()
        if (user_id is None) == (conversation_id is None):
            raise StoreError("forget needs exactly one of a user id or a conversation id")
        if user_id is not None:
            which, key = "IN (SELECT id FROM conversations WHERE user_id = ?)", user_id
        else:
            which, key = "= ?", conversation_id
        counts: dict[str, int] = {}
        with self.guard("erase"), self.transaction() as cursor:
            # Lock the conversations first: a turn saving concurrently either commits before (and is erased
            # with the rest) or finds its conversation gone afterwards (and is refused, not resurrected).
            cursor.execute(f"SELECT id FROM conversations WHERE id {which}{self.row_lock}", (key,))
            cursor.fetchall()
            tables = self.table_names(cursor)
            steps = [
                ("candidates", f"DELETE FROM candidates WHERE conversation_id {which}"),
                ("responder_runs", f"DELETE FROM responder_runs WHERE turn_id IN "
                                   f"(SELECT id FROM turns WHERE conversation_id {which})"),
            ]
            if "labels" in tables and "conversation_id" in self.column_names(cursor, "labels"):
                steps.append(("labels", f"DELETE FROM labels WHERE conversation_id {which}"))
            steps += [("turns", f"DELETE FROM turns WHERE conversation_id {which}"),
                      ("conversations", f"DELETE FROM conversations WHERE id {which}")]
            for table, sql in steps:
                cursor.execute(sql, (key,))
                counts[table] = max(cursor.rowcount, 0)
            if user_id is not None:
                cursor.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
                counts["users"] = max(cursor.rowcount, 0)
        return ForgetReport(**counts)

    def remember_request(self, request_id: str, seen_at: float, keep_seconds: float, prune: bool) -> bool:
        """Record an Alexa request id; False if it is already recorded (a replay), on any host."""
        self._writable()
        with self.guard("record a request id"), self.transaction() as cursor:
            if prune:
                cursor.execute("DELETE FROM request_ledger WHERE seen_at < ?", (seen_at - keep_seconds,))
            cursor.execute("INSERT INTO request_ledger (request_id, seen_at) VALUES (?, ?) "
                           "ON CONFLICT (request_id) DO NOTHING", (request_id, seen_at))
            return cursor.rowcount == 1

    # -- reading: one conversation (the bot, the JSON API) ---------------------------------------------
    def load_state(self, conversation_id: str) -> ConversationState | None:
        rows = self._rows("SELECT state FROM conversations WHERE id = ?", (conversation_id,))
        return ConversationState.from_json(rows[0][0]) if rows else None

    def user_facts(self, user_id: str) -> dict[str, Any]:
        rows = self._rows("SELECT facts FROM users WHERE user_id = ?", (user_id,))
        return json.loads(rows[0][0]) if rows and rows[0][0] else {}

    def turns(self, conversation_id: str) -> list[Row]:
        return self._dicts("SELECT * FROM turns WHERE conversation_id = ? ORDER BY turn_index", (conversation_id,))

    def candidates(self, turn_id: int) -> list[Row]:
        return self._dicts("SELECT * FROM candidates WHERE turn_id = ? ORDER BY id", (turn_id,))

    def conversation_ids(self, user_id: str) -> list[str]:
        return [r[0] for r in self._rows("SELECT id FROM conversations WHERE user_id = ? ORDER BY id", (user_id,))]

    # -- reading: the whole log (eval, export, training, summaries) ------------------------------------
    def count_turns(self) -> int:
        return int(self._rows("SELECT count(*) FROM turns")[0][0])

    def count_conversations(self) -> int:
        return int(self._rows("SELECT count(*) FROM conversations")[0][0])

    def conversation_summaries(self) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
        """``(id, end_reason, arms JSON, channel, created_at)`` of every conversation, oldest first (the
        channel says where it came from: ``replay`` for ``chirpy replay``, ``api``, ``alexa``, ...)."""
        return self._rows("SELECT id, end_reason, arms, channel, created_at FROM conversations ORDER BY created_at, id")

    def turn_rows(self, fields: Sequence[LogField], chunk: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
        """Every turn ordered by conversation and index: the ``TURN_COLUMNS`` and then, as one JSON text,
        the declared fields' values grouped by column (decode with ``FieldDecoder(fields)``). The
        engine extracts the fields, parsing each document once, so readers never decode whole documents."""
        groups = _group_by_column(fields)
        values = " || ',' || ".join(self.json_values_sql(column, group) for column, group in groups)
        sql = (f"SELECT {', '.join(TURN_COLUMNS)}, '[' || {values} || ']' FROM turns "
               "ORDER BY conversation_id, turn_index")
        with self.guard("read turns"):
            yield from self.stream(sql, (), chunk)

    def field_values(self, field: LogField) -> Iterator[tuple[str, int, Any]]:
        """``(conversation_id, turn_index, value)`` of every turn where ``field`` was logged, in order."""
        decode = FieldDecoder([field])
        sql = (f"SELECT conversation_id, turn_index, '[' || {self.json_values_sql(field.column, [field])} || ']' "
               "FROM turns ORDER BY conversation_id, turn_index")
        with self.guard("read turns"):
            for rows in self.stream(sql):
                for cid, index, text in rows:
                    (value,) = decode(text)
                    if value is not None:
                        yield cid, index, value

    def chosen_parts(self) -> list[tuple[Any, ...]]:
        """``(conversation_id, turn_index, kind, responder, text, is_question, scores JSON)`` of the chosen
        candidates, in speaking order (the response before the prompt)."""
        return self._rows("SELECT conversation_id, turn_index, kind, responder, text, is_question, scores "
                          "FROM candidates WHERE chosen = 1 ORDER BY conversation_id, turn_index, kind DESC, id")

    def dialogue(self) -> list[tuple[str, int, str | None, str | None, str | None]]:
        """``(conversation_id, turn_index, user_text, bot_text, response_responder)`` of every turn, in order."""
        return self._rows("SELECT conversation_id, turn_index, user_text, bot_text, response_responder FROM turns "
                          "ORDER BY conversation_id, turn_index")

    def chosen_response_scores(self) -> list[tuple[str, int, str]]:
        """``(conversation_id, turn_index, scores JSON)`` of each turn's chosen response that has scores."""
        return self._rows("SELECT conversation_id, turn_index, scores FROM candidates "
                          "WHERE chosen = 1 AND kind = 'response' AND scores IS NOT NULL")

    def iter_conversations(self) -> Iterator[StoredConversation]:
        """Every conversation with all its rows and labels, oldest first (what export writes)."""
        for row in self._dicts("SELECT * FROM conversations ORDER BY created_at, id"):
            cid = row["id"]
            candidates = _by_turn(self._dicts("SELECT * FROM candidates WHERE conversation_id = ? ORDER BY id", (cid,)))
            runs = _by_turn(self._dicts("SELECT * FROM responder_runs WHERE turn_id IN "
                                        "(SELECT id FROM turns WHERE conversation_id = ?) ORDER BY id", (cid,)))
            turns = [StoredTurn(t, candidates.get(t["id"], []), runs.get(t["id"], []))
                     for t in self._dicts("SELECT * FROM turns WHERE conversation_id = ? ORDER BY turn_index", (cid,))]
            with self.guard("read labels"), self.reading() as cursor:
                labels = self._label_rows(cursor, cid)
            yield StoredConversation(row, turns, labels)


class FieldDecoder:
    """Turns the JSON text ``turn_rows`` builds into the fields' values, in the order they were asked."""

    def __init__(self, fields: Sequence[LogField]) -> None:
        groups = _group_by_column(fields)
        self._nulls = [[None] * len(group) for _, group in groups]
        flat = [f for _, group in groups for f in group]
        order = [flat.index(f) for f in fields]
        self._order = None if order == list(range(len(flat))) else order
        self._raw_decode = json.JSONDecoder().raw_decode

    def __call__(self, text: str) -> list[Any]:
        values: list[Any] = []
        for group, nulls in zip(self._raw_decode(text)[0], self._nulls):
            values += group if group is not None else nulls
        return values if self._order is None else [values[i] for i in self._order]


def _group_by_column(fields: Sequence[LogField]) -> list[tuple[str, list[LogField]]]:
    if len(set(fields)) != len(fields):
        raise ValueError("a log field is asked for twice")
    groups: dict[str, list[LogField]] = {}
    for f in fields:
        groups.setdefault(f.column, []).append(f)
    return list(groups.items())


def _json_or_none(value: Any) -> str | None:
    return None if value is None else dumps(value)


def _known(table: str, row: Row, drop: tuple[str, ...] = ()) -> Row:
    """The row's values for the table's own columns; row ids are the receiving log's to assign."""
    columns = TABLES[table].columns
    return {k: v for k, v in row.items() if k in columns and columns[k] != "id" and k not in drop}


def _by_turn(rows: list[Row]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row["turn_id"], []).append(row)
    return grouped
