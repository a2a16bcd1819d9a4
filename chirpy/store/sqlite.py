"""The SQLite log: one file, WAL mode, a connection per thread, ``BEGIN IMMEDIATE`` write transactions.

Readers open the file read-only (an ``file:`` URI built by pathlib, so any character in the path is
escaped): evaluating or exporting a log never changes it, and a missing path is an error rather than
a new empty log. A connection that hits a transient error (the file went read-only, the disk filled,
the lock stayed busy) is dropped, so the next turn reconnects instead of failing forever.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, ContextManager, Iterator, Sequence

from chirpy.registry import stores
from chirpy.store.errors import StoreError, StoreUnavailable
from chirpy.store.fields import LogField
from chirpy.store.file_locks import FileLocks
from chirpy.store.location import parse_location
from chirpy.store.private_files import private_file, private_folder
from chirpy.store.records import RunTimes, StoreHealth
from chirpy.store.sql import CHUNK, SQLLogStore

BUSY_TIMEOUT_S = 30.0
# Errors that say "not now" rather than "never": the connection is dropped and the next call reconnects.
TRANSIENT = ("SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_BUSY", "SQLITE_LOCKED",
             "SQLITE_PERM")
# Runs are the log's biggest table (~30 rows per turn with the default responders). Grouping them in SQL
# walks the responder index in random order (slow); one sequential scan that packs each run into one
# integer (responder code, status code, latency in µs), grouped by numpy, is several times faster.
STATUS_CODES = {"ok": 0, "timeout": 1, "error": 2}
LATENCY_SCALE = 10**12  # µs below this, (responder, status) above: fits int64 for thousands of responders


@stores.register("sqlite")
class SQLiteStore(SQLLogStore):
    dialect = "sqlite"

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        location = parse_location(str(path))
        if location.backend != "sqlite":
            raise StoreError(f"{location.display} is not an SQLite path (open it with chirpy.store.open_log)")
        self.path = location.target
        self.display = self.path
        self.read_only = read_only
        self.memory = self.path == ":memory:"
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # An in-memory log is one database only while it is one connection: shared, one thread at a time.
        self._shared = threading.RLock() if self.memory else None
        self._file_locks: FileLocks | None = None
        if not self.memory:
            self._prepare(Path(self.path))
        try:
            self._open_schema()
        except BaseException:
            self.close()
            raise

    def _prepare(self, file: Path) -> None:
        if file.is_dir():
            raise StoreError(f"log database path {file} is a directory")
        if self.read_only:
            if not file.exists():
                raise StoreError(f"log database not found: {file}")
            return
        private_folder(file.parent)
        private_file(file)

    # -- connections -------------------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None) if self._shared is None else getattr(self, "_memory_conn", None)
        if conn is None:
            conn = self._connect(BUSY_TIMEOUT_S)
            if self._shared is None:
                self._local.conn = conn
            else:
                self._memory_conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _connect(self, timeout: float) -> sqlite3.Connection:
        with self.guard("open"):
            if self.read_only:
                target, uri = Path(self.path).resolve().as_uri() + "?mode=ro", True
            else:
                target, uri = self.path, False
            conn = sqlite3.connect(target, uri=uri, timeout=timeout, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if self.read_only:
                conn.execute("PRAGMA query_only = 1")
            elif not self.memory:
                _retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"), timeout)
                # WAL + NORMAL: durable across an application crash, one fsync per checkpoint.
                conn.execute("PRAGMA synchronous = NORMAL")
            return conn

    def _drop_connection(self) -> None:
        if self._shared is not None:
            return
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            with self._lock:
                if conn in self._connections:
                    self._connections.remove(conn)
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()
        self._memory_conn = None

    def _one_at_a_time(self) -> ContextManager[Any]:
        return self._shared if self._shared is not None else nullcontext()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Cursor]:
        with self._one_at_a_time():
            cursor = self._connection().cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        """BEGIN IMMEDIATE: take the write lock first. A deferred transaction that reads and then writes
        cannot wait for the lock (SQLite answers "database is locked" at once rather than risk a
        deadlock), so concurrent writers (server threads, gunicorn workers, a migration racing another)
        would fail instead of queueing behind busy_timeout."""
        with self._one_at_a_time():
            conn = self._connection()
            cursor = conn.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
                cursor.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
            finally:
                cursor.close()

    exclusive = transaction  # BEGIN IMMEDIATE already excludes every other writer, in any process

    # -- engine specifics ----------------------------------------------------------------------------------
    def table_names(self, cursor: Any) -> set[str]:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return {row[0] for row in cursor.fetchall()}

    def column_names(self, cursor: Any, table: str) -> set[str]:
        cursor.execute(f"PRAGMA table_info({table})")
        return {row[1] for row in cursor.fetchall()}

    def translate_error(self, exc: Exception, action: str) -> StoreError | None:
        if not isinstance(exc, sqlite3.Error):
            return None
        name = getattr(exc, "sqlite_errorname", "") or ""
        if isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc):
            return StoreError(f"{self.display}: cannot {action}: it is already logged "
                              f"(two writers on one conversation?): {exc}")
        if name == "SQLITE_NOTADB":
            return StoreError(f"{self.display} is not an SQLite database ({exc})")
        if name.startswith(TRANSIENT):
            self._drop_connection()
            return StoreUnavailable(f"{self.display}: cannot {action}: {exc}")
        return StoreError(f"{self.display}: cannot {action}: {exc}")

    def json_values_sql(self, column: str, fields: Sequence[LogField]) -> str:
        # json_extract with several paths parses the document once and returns an array; with one path it
        # returns the bare value, which json_array wraps (keeping objects as JSON, not as strings).
        paths = ", ".join(f"'{f.sqlite_path()}'" for f in fields)
        extract = f"json_extract({column}, {paths})"
        return f"coalesce({extract}, 'null')" if len(fields) > 1 else f"json_array({extract})"

    def stream(self, sql: str, params: Sequence[Any] = (), chunk: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
        with self.reading() as cursor:
            cursor.execute(sql, tuple(params))
            while rows := cursor.fetchmany(chunk):
                yield rows

    def run_times(self) -> dict[str, RunTimes]:
        import numpy as np

        with self.guard("read responder runs"), self.reading() as cursor:
            names = [r[0] for r in cursor.execute(
                "SELECT DISTINCT responder FROM responder_runs WHERE responder IS NOT NULL").fetchall()]
            if not names:
                return {}
            responder_case = "CASE responder " + " ".join(f"WHEN ? THEN {i}" for i in range(len(names))) + " END"
            statuses = " ".join(f"WHEN '{s}' THEN {c}" for s, c in STATUS_CODES.items())
            status_case = f"CASE status {statuses} ELSE 3 END"
            packed = cursor.execute(
                f"SELECT group_concat((({responder_case}) * 4 + ({status_case})) * {LATENCY_SCALE} "
                f"+ max(0, CAST(round(coalesce(latency_ms, 0) * 1000) AS INTEGER))) FROM responder_runs "
                "WHERE responder IS NOT NULL", names).fetchone()[0]
        if not packed:
            return {}
        values = np.fromstring(packed, sep=",", dtype=np.int64)  # text mode: parses in C, no Python list
        key, latency_ms = values // LATENCY_SCALE, (values % LATENCY_SCALE) / 1000.0
        code, status = key // 4, key % 4
        order = np.argsort(code, kind="stable")
        bounds = np.searchsorted(code[order], np.arange(len(names) + 1))
        stats = {}
        for i, name in enumerate(names):
            rows = order[bounds[i]:bounds[i + 1]]
            stats[name] = RunTimes(latency_ms[rows], int((status[rows] == 1).sum()), int((status[rows] == 2).sum()))
        return stats

    def conversation_lock(self, conversation_id: str, timeout: float) -> ContextManager[None]:
        if self.memory:  # one process by definition
            return nullcontext()
        if self._file_locks is None:
            self._file_locks = FileLocks(Path(f"{self.path}.server") / "locks")
        return self._file_locks.hold(conversation_id, timeout)

    def health(self) -> StoreHealth:
        """Whether a write would succeed now, tried on a fresh connection (never the cached ones)."""
        if self.read_only:
            return StoreHealth("sqlite", False, "opened read-only")
        if self.memory:
            return StoreHealth("sqlite", True)
        try:
            conn = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
                conn.execute("ROLLBACK")
            finally:
                conn.close()
        except sqlite3.Error as exc:
            return StoreHealth("sqlite", False, str(exc))
        return StoreHealth("sqlite", True)


def _retry_busy(statement: Any, timeout: float) -> None:
    """Switching a fresh file to WAL needs a moment of exclusive access; a racing process may hold it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
