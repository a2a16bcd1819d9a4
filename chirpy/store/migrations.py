"""Versioned schema migrations, one runner for both engines.

Why not a migrations tool: Alembic brings SQLAlchemy (a second database layer beside sqlite3 and
psycopg) and a script tree; yoyo serialises runs with a lock *table* it polls. What chirpy needs is
small and engine-native: take the engine's own exclusive lock (SQLite ``BEGIN IMMEDIATE``,
PostgreSQL ``pg_advisory_xact_lock``), re-read the version under it, run what is missing, record the
new version, commit — all in one transaction, so several processes starting on one fresh log (gunicorn
workers, two hosts) queue up and exactly one creates the tables.

Migration 1 builds today's specs of its six tables; when a later migration alters one of them, freeze
that table's version-1 spec here first so version 1 keeps meaning what it meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ContextManager, Protocol

from chirpy.errors import StoreError
from chirpy.store.schema import (
    CANDIDATES,
    CONVERSATIONS,
    LABELS,
    META,
    OLDEST_READABLE,
    REQUEST_LEDGER,
    RESPONDER_RUNS,
    SCHEMA_VERSION,
    TURNS,
    USERS,
    Dialect,
)


@dataclass(frozen=True)
class Migration:
    version: int
    summary: str
    statements: Callable[[Dialect], list[str]]


def _tables(*tables: Any) -> Callable[[Dialect], list[str]]:
    return lambda dialect: [sql for table in tables for sql in table.ddl(dialect)]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "conversations, turns, candidates, responder runs, users, meta",
              _tables(CONVERSATIONS, TURNS, CANDIDATES, RESPONDER_RUNS, USERS, META)),
    Migration(2, "request ledger (Alexa replay protection shared by every host)", _tables(REQUEST_LEDGER)),
    Migration(3, "labels (people's error and dissatisfaction judgements, chirpy review)", _tables(LABELS)),
)
assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1)), "migrations must be numbered 1..N"


class Cursor(Protocol):
    def execute(self, sql: str, params: Any = ...) -> Any: ...
    def fetchone(self) -> Any: ...


class MigrationTarget(Protocol):
    dialect: Dialect
    display: str

    def table_names(self, cursor: Cursor) -> set[str]: ...
    def reading(self) -> ContextManager[Cursor]: ...
    def exclusive(self) -> ContextManager[Cursor]: ...


def schema_version(target: MigrationTarget, cursor: Cursor) -> int | None:
    """The log's version; None for an empty database; an error for someone else's database."""
    tables = target.table_names(cursor)
    if not tables:
        return None
    if "meta" not in tables or "turns" not in tables:
        raise StoreError(f"{target.display} is not a chirpy log (tables: {', '.join(sorted(tables))})")
    cursor.execute("SELECT value FROM meta WHERE key = 'schema_version'")
    row = cursor.fetchone()
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise StoreError(f"{target.display} has no readable schema version in its meta table") from None


def check_readable(target: MigrationTarget, version: int | None) -> int:
    if version is None:
        raise StoreError(f"{target.display} holds no chirpy log yet (no tables)")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{target.display} was written with log schema version {version}, newer than this chirpy "
                         f"reads ({SCHEMA_VERSION}): upgrade chirpy, or export it with the chirpy that wrote it")
    if version < OLDEST_READABLE:
        raise StoreError(f"{target.display} was written with log schema version {version}; this chirpy reads "
                         f"{OLDEST_READABLE}-{SCHEMA_VERSION}. Export it with the chirpy that wrote it (chirpy "
                         "export), then import it here (chirpy import).")
    return version


def ensure_schema(target: MigrationTarget, *, read_only: bool) -> int:
    """Check the version (readers) or bring the log to ``SCHEMA_VERSION`` (writers). Returns the version."""
    with target.reading() as cursor:
        version = schema_version(target, cursor)
    if read_only:
        return check_readable(target, version)
    if version == SCHEMA_VERSION:
        return version  # the common case: no lock taken
    with target.exclusive() as cursor:
        version = schema_version(target, cursor)  # again, under the lock: another process may have migrated
        if version is not None:
            check_readable(target, version)
        for migration in MIGRATIONS:
            if migration.version > (version or 0):
                for statement in migration.statements(target.dialect):
                    cursor.execute(statement)
        cursor.execute("DELETE FROM meta WHERE key = 'schema_version'")
        cursor.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    return SCHEMA_VERSION
