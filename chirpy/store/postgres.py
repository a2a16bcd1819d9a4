"""The PostgreSQL log: psycopg 3 with a connection pool, the same tables and SQL as SQLite (JSON as jsonb).

Several hosts share one database: migrations serialise on a transaction-level advisory lock, a
conversation's turns on a session-level advisory lock (held on its own pooled connection for the
whole load-state → turn → save cycle; PostgreSQL releases it if the holder dies), and the Alexa
request ledger is a table. Connections are checked when taken from the pool, so after the database
restarts the next turn gets a fresh connection; while it is down, turns fail fast with
``StoreUnavailable`` (the server's 503) and nothing partial is written.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import psycopg
from psycopg import errors as pg_errors
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from chirpy.registry import stores
from chirpy.store.errors import LockTimeout, StoreError, StoreUnavailable
from chirpy.store.fields import LogField
from chirpy.store.location import parse_location
from chirpy.store.records import RunTimes, StoreHealth
from chirpy.store.sql import CHUNK, SQLLogStore

log = logging.getLogger("chirpy.store")

CONNECT_TIMEOUT_S = 5
POOL_TIMEOUT_S = 5.0  # how long a turn waits for a connection before it fails with 503
POOL_SIZE = 16  # per process: each in-flight turn may hold one connection for its lock and one for its queries
LOCK_NAMESPACE = 0x63687270  # "chrp": the first key of chirpy's two-key advisory locks
MIGRATION_LOCK = 1  # second key of the migration lock; conversation locks use the namespace + 1
# SQLSTATE classes that mean "not now": connection trouble (08), the server shutting down (57P),
# insufficient resources (53), a read-only transaction (25006, e.g. a standby after fail-over).
TRANSIENT_STATES = ("08", "53", "57P", "25006")


class _Cursor:
    """A psycopg cursor that takes the ``?`` placeholders the shared SQL is written with."""

    def __init__(self, cursor: psycopg.Cursor) -> None:
        self._cursor = cursor

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> "_Cursor":
        self._cursor.execute(self._sql(sql), tuple(params) or None)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(self._sql(sql), rows)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description


@stores.register("postgresql")
class PostgresStore(SQLLogStore):
    dialect = "postgresql"
    row_lock = " FOR UPDATE"

    def __init__(self, url: str, *, read_only: bool = False, pool_size: int = POOL_SIZE,
                 pool_timeout: float = POOL_TIMEOUT_S) -> None:
        location = parse_location(url)
        if location.backend != "postgresql":
            raise StoreError(f"{location.display} is not a postgresql:// URL")
        self.url = location.target
        self.display = location.display
        self.read_only = read_only
        self.pool_timeout = pool_timeout
        self._probe()
        self.pool = ConnectionPool(
            self.url, min_size=1, max_size=max(2, pool_size), timeout=pool_timeout, open=False,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S, "application_name": "chirpy"},
            configure=self._configure, check=ConnectionPool.check_connection, name="chirpy-log",
        )
        try:
            self.pool.open(wait=True, timeout=max(pool_timeout, CONNECT_TIMEOUT_S))
            self._open_schema()
        except PoolTimeout:
            self.pool.close()
            raise StoreUnavailable(f"cannot connect to the PostgreSQL log at {self.display}") from None
        except BaseException:
            self.pool.close()
            raise

    def _probe(self) -> None:
        """One direct connection first: the pool would only say "timed out", this says why."""
        try:
            psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_S).close()
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__  # libpq's lines, as one
            raise StoreUnavailable(f"cannot connect to the PostgreSQL log at {self.display}: {reason}") from None

    def _configure(self, conn: psycopg.Connection) -> None:
        # JSON columns come back as their text, as from SQLite: readers decode only what they need.
        conn.adapters.register_loader("jsonb", TextLoader)
        conn.adapters.register_loader("json", TextLoader)
        if self.read_only:
            conn.execute("SET default_transaction_read_only = on")

    def close(self) -> None:
        self.pool.close()

    # -- connections -------------------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[_Cursor]:
        with self._connection() as conn:
            with conn.cursor() as cursor:
                yield _Cursor(cursor)

    @contextmanager
    def transaction(self) -> Iterator[_Cursor]:
        with self._connection() as conn, conn.transaction(), conn.cursor() as cursor:
            yield _Cursor(cursor)

    @contextmanager
    def exclusive(self) -> Iterator[_Cursor]:
        with self.transaction() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_NAMESPACE, MIGRATION_LOCK))
            yield cursor

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        try:
            with self.pool.connection() as conn:
                yield conn
        except PoolTimeout:
            raise StoreUnavailable(f"{self.display}: no database connection within {self.pool_timeout:g} s "
                                   "(is PostgreSQL up?)") from None

    # -- engine specifics ----------------------------------------------------------------------------------
    def table_names(self, cursor: Any) -> set[str]:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        return {row[0] for row in cursor.fetchall()}

    def column_names(self, cursor: Any, table: str) -> set[str]:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                       "AND table_name = ?", (table,))
        return {row[0] for row in cursor.fetchall()}

    def translate_error(self, exc: Exception, action: str) -> StoreError | None:
        if not isinstance(exc, psycopg.Error):
            return None
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if isinstance(exc, pg_errors.UniqueViolation):
            return StoreError(f"{self.display}: cannot {action}: it is already logged "
                              f"(two writers on one conversation?): {detail}")
        state = exc.sqlstate or ""
        if isinstance(exc, psycopg.OperationalError) or state.startswith(TRANSIENT_STATES):
            return StoreUnavailable(f"{self.display}: cannot {action}: {detail}")
        return StoreError(f"{self.display}: cannot {action}: {detail}")

    def json_values_sql(self, column: str, fields: Sequence[LogField]) -> str:
        paths = ", ".join(f"{column} #> '{f.postgres_path()}'" for f in fields)
        return f"jsonb_build_array({paths})::text"

    def stream(self, sql: str, params: Sequence[Any] = (), chunk: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
        # A server-side cursor: a season of turns never sits in this process's memory at once.
        with self._connection() as conn, conn.transaction(), conn.cursor(name="chirpy_stream") as cursor:
            cursor.execute(_Cursor._sql(sql), tuple(params) or None)
            while rows := cursor.fetchmany(chunk):
                yield rows

    def run_times(self) -> dict[str, RunTimes]:
        import numpy as np

        with self.guard("read responder runs"), self.reading() as cursor:
            cursor.execute(
                "SELECT responder, array_agg(coalesce(latency_ms, 0)), count(*) FILTER (WHERE status = 'timeout'), "
                "count(*) FILTER (WHERE status = 'error') FROM responder_runs WHERE responder IS NOT NULL "
                "GROUP BY responder")
            rows = cursor.fetchall()
        return {name: RunTimes(np.asarray(latencies, dtype=np.float64), int(timeouts), int(errors))
                for name, latencies, timeouts, errors in rows}

    @contextmanager
    def conversation_lock(self, conversation_id: str, timeout: float) -> Iterator[None]:
        key = _lock_key(conversation_id)
        try:
            conn = self.pool.getconn(timeout=min(timeout, self.pool_timeout))
        except PoolTimeout:
            raise StoreUnavailable(f"{self.display}: no database connection for the conversation lock") from None
        reusable = False
        try:
            # lock_timeout bounds the wait server-side: no polling, and the waiter queue is fair. Both
            # statements go in one round trip (integers we computed, so no parameters are needed).
            lock = f"pg_advisory_lock({LOCK_NAMESPACE + 1}, {key})"
            try:
                conn.execute(f"SET lock_timeout = {max(1, int(timeout * 1000))}; SELECT {lock}".encode())
            except pg_errors.LockNotAvailable:
                raise LockTimeout(f"conversation {conversation_id} is busy with another request") from None
            except psycopg.Error as exc:
                raise self.translate_error(exc, f"lock conversation {conversation_id}") from None
            try:
                yield
            finally:
                try:
                    conn.execute(f"SELECT pg_advisory_unlock({LOCK_NAMESPACE + 1}, {key}); RESET lock_timeout".encode())
                    reusable = True
                except psycopg.Error:
                    pass  # the connection died: the server dropped the lock with it
        finally:
            if not reusable:  # never hand out a connection that may still hold a lock
                conn.close()
            self.pool.putconn(conn)

    def health(self) -> StoreHealth:
        if self.read_only:
            return StoreHealth("postgresql", False, "opened read-only")
        try:
            with self.pool.connection(timeout=2.0) as conn, conn.transaction():
                conn.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
                raise psycopg.Rollback()
        except (psycopg.Error, PoolTimeout) as exc:
            return StoreHealth("postgresql", False, (str(exc).strip().splitlines() or [type(exc).__name__])[0])
        return StoreHealth("postgresql", True)


def _lock_key(conversation_id: str) -> int:
    """A signed 32-bit key: a collision between two conversations only makes one wait for the other."""
    digest = hashlib.blake2b(conversation_id.encode("utf-8", "surrogatepass"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)
