"""Replay protection: each Alexa request id is accepted once.

The signed timestamp already bounds a replay to the 150-second tolerance window; within that window
this ledger refuses a request id it has seen. It is a small SQLite file shared by all workers (next
to the log, not inside it: the log's schema belongs to the core and holds conversations only).
Entries older than the window are pruned now and then, so the file stays tiny.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import nullcontext
from pathlib import Path

from chirpy.errors import ChirpyError

KEEP_SECONDS = 600.0  # well beyond the 150 s timestamp tolerance: older ids are rejected as stale anyway
PRUNE_EVERY = 500


class RequestLedger:
    def __init__(self, path: str | Path | None) -> None:
        """``path=None``: an in-process ledger (one process, e.g. tests and the development server)."""
        self.path = str(path) if path is not None else ":memory:"
        self._local = threading.local()
        self._count = 0
        self._lock = threading.Lock()
        self._memory: sqlite3.Connection | None = None
        if path is not None:
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ChirpyError(f"cannot create folder for {path}: {exc.strerror or exc}") from None
        self._connect().execute(
            "create table if not exists seen (request_id text primary key, seen_at real not null)"
        )

    @classmethod
    def beside(cls, db_path: str) -> "RequestLedger":
        if db_path == ":memory:" or not db_path:
            return cls(None)
        return cls(Path(f"{db_path}.server") / "alexa_requests.sqlite")

    def _connect(self) -> sqlite3.Connection:
        if self.path == ":memory:":
            if self._memory is None:
                self._memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            return self._memory
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("pragma journal_mode = wal")
            conn.execute("pragma synchronous = normal")
            self._local.conn = conn
        return conn

    def first_time(self, request_id: str) -> bool:
        """Record ``request_id``; False if it was already recorded (a replay)."""
        now = time.time()
        with self._lock:
            self._count += 1
            prune = self._count % PRUNE_EVERY == 0
        conn = self._connect()
        try:
            with self._lock if self.path == ":memory:" else nullcontext():
                if prune:
                    conn.execute("delete from seen where seen_at < ?", [now - KEEP_SECONDS])
                conn.execute("insert into seen (request_id, seen_at) values (?, ?)", [request_id, now])
        except sqlite3.IntegrityError:
            return False
        return True

