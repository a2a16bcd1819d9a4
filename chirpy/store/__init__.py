"""The conversation log: one contract, two engines — an SQLite file by default, PostgreSQL past one host.

The log is the product's raw material (eval/, the dissatisfaction predictor's training, replays), so
it records every candidate considered — chosen or not, rejected and why — and how each responder
fared. A turn is written whole or not at all. Every reader of the log (eval, export, import,
training, the initiative summary, the server) goes through this package, so each works on both
engines, checks the schema version, and raises ``StoreError`` only.

    store = open_log("chirpy.db")                                   # writer: migrates to the current schema
    reader = open_log("postgresql://chirpy@db/chirpy", read_only=True)  # reader: checks the version, never writes
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from chirpy.store.errors import LockTimeout, StoreError, StoreUnavailable
from chirpy.store.fields import LogField
from chirpy.store.location import LogLocation, parse_location
from chirpy.store.records import (
    LABEL_KINDS,
    WHOLE_CONVERSATION,
    ForgetReport,
    Label,
    Row,
    RunTimes,
    StoredConversation,
    StoredTurn,
    StoreHealth,
    TurnRecord,
    dumps,
    now,
)
from chirpy.store.schema import SCHEMA_VERSION, TABLES
from chirpy.store.sql import TURN_COLUMNS, FieldDecoder, SQLLogStore
from chirpy.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from chirpy.store.postgres import PostgresStore

LogStore = SQLLogStore
"""The contract every log store implements (see ``sql.py``)."""

__all__ = [
    "LABEL_KINDS", "SCHEMA_VERSION", "TABLES", "TURN_COLUMNS", "WHOLE_CONVERSATION", "FieldDecoder", "ForgetReport",
    "Label", "LockTimeout", "LogField",
    "LogLocation", "LogStore", "PostgresStore", "Row", "RunTimes", "SQLiteStore", "StoreError", "StoreHealth",
    "StoreUnavailable", "StoredConversation", "StoredTurn", "TurnRecord", "dumps", "now", "open_log",
    "parse_location", "reading",
]


def open_log(location: str | Path, *, read_only: bool = False, store: str = "auto") -> SQLLogStore:
    """The log at ``location`` (an SQLite path or a ``postgresql://`` URL). ``store`` names a store
    registered in ``chirpy.registry.stores`` instead of choosing by location (``[bot] store``)."""
    parsed = parse_location(str(location))
    if store in ("sqlite", "postgresql") and store != parsed.backend:
        raise StoreError(f"[bot] store = {store!r} but the log location {parsed.display} is for {parsed.backend}: "
                         'set [bot] store = "auto"')
    if store not in ("auto", "", "sqlite", "postgresql"):
        from chirpy.registry import stores

        try:
            cls = stores.get(store)
        except Exception:  # catalogue's RegistryError
            known = ", ".join(sorted(stores.get_all())) or "none"
            raise StoreError(f"unknown store {store!r} (registered: {known})") from None
        return cls(str(location), read_only=read_only)
    if parsed.backend == "postgresql":
        from chirpy.store.postgres import PostgresStore  # psycopg is imported only by those who use it

        return PostgresStore(parsed.target, read_only=read_only)
    return SQLiteStore(parsed.target, read_only=read_only)


@contextmanager
def reading(location: str | Path | SQLLogStore) -> Iterator[SQLLogStore]:
    """The log opened read-only, schema version checked (a missing, foreign or newer log fails here) and
    closed afterwards; a store passed in is used as it is and left open."""
    if isinstance(location, SQLLogStore):
        yield location
        return
    reader = open_log(location, read_only=True)
    try:
        yield reader
    finally:
        reader.close()


def __getattr__(name: str) -> Any:
    if name == "PostgresStore":
        from chirpy.store.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(name)
