"""Reading a built store: entities by id, the entities a set of names point at, and a full-text
search for questions. The file is opened read-only and never loaded whole: SQLite reads the pages
a lookup needs, so a million-entity store costs a few megabytes of memory per thread."""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from knowledge.entry import StoredEntity
from knowledge.errors import KnowledgeStoreError
from knowledge.schema import FORMAT_VERSION, STORE_FILE

# Page cache per connection (KiB, negative = size): enough for the upper levels of the indexes.
CACHE_KIB = 8192
_ENTITY_COLUMNS = "rowid, id, title, description, facts, topic, popularity, generic"


@dataclass(frozen=True)
class NameHit:
    """A stored name that matched, and the entity it points at (without its text)."""

    name: str
    kind: int
    common: bool
    rowid: int
    id: str
    title: str
    topic: str | None
    popularity: float
    generic: bool


def store_file(path: str | Path) -> Path:
    """A store folder (``DIR/knowledge.db``) or the file itself."""
    path = Path(path).expanduser()
    return path / STORE_FILE if path.is_dir() else path


class KnowledgeStore:
    """Thread-safe: each thread gets its own read-only connection (responders run in a pool)."""

    def __init__(self, path: str | Path) -> None:
        self.path = store_file(path)
        if not self.path.is_file():
            raise KnowledgeStoreError(f"no knowledge store at {self.path} (build one with `chirpy knowledge build`)")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        meta = self._meta()
        version = meta.get("format_version")
        if version != FORMAT_VERSION:
            raise KnowledgeStoreError(f"{self.path}: store format {version!r} is not supported (this chirpy reads "
                                      f"{FORMAT_VERSION}); rebuild it with `chirpy knowledge build`")
        self.size = int(meta.get("entities", 0))
        self.max_popularity = float(meta.get("max_popularity", 0.0))

    # -- connections ---------------------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            # immutable: the builder never writes an existing store (it renames a new one over it),
            # so readers need no locks.
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            try:
                db = sqlite3.connect(uri, uri=True, check_same_thread=False)
                db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            except sqlite3.Error as exc:
                raise KnowledgeStoreError(f"cannot open the knowledge store {self.path}: {exc}") from None
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def _meta(self) -> dict[str, object]:
        try:
            rows = self._db().execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.DatabaseError as exc:
            raise KnowledgeStoreError(f"{self.path} is not a knowledge store ({exc})") from None
        return {key: json.loads(value) for key, value in rows}

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    # -- reading -------------------------------------------------------------------------------
    def names(self, keys: Iterable[str]) -> list[NameHit]:
        """Every (name, entity) pair whose name is one of ``keys``."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self._db().execute(
            f"SELECT a.name, a.kind, a.common, e.rowid, e.id, e.title, e.topic, e.popularity, e.generic "
            f"FROM aliases a JOIN entities e ON e.rowid = a.entity WHERE a.name IN ({marks})", keys).fetchall()
        return [NameHit(r[0], r[1], bool(r[2]), r[3], r[4], r[5], r[6], r[7], bool(r[8])) for r in rows]

    def get(self, entity_id: str) -> StoredEntity | None:
        row = self._db().execute(f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return _entity(row) if row else None

    def search(self, groups: list[list[str]], limit: int = 5) -> list[StoredEntity]:
        """Entities whose text holds every group (any one word of it; ``word*`` is a prefix), best first."""
        clauses = []
        for group in groups:
            terms = [f'"{t[:-1]}"*' if t.endswith("*") else f'"{t}"' for t in group if t.rstrip("*").isalnum()]
            if terms:
                clauses.append("(" + " OR ".join(terms) + ")")
        if not clauses:
            return []
        db = self._db()
        rows = db.execute("SELECT rowid FROM entity_text WHERE entity_text MATCH ? ORDER BY bm25(entity_text, 4.0, 1.0) "
                          "LIMIT ?", (" AND ".join(clauses), limit)).fetchall()
        if not rows:
            return []
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        found = {r[0]: _entity(r) for r in db.execute(f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE rowid IN ({marks})", ids)}
        return [found[i] for i in ids if i in found]

    def popularity_share(self, popularity: float) -> float:
        """0..1 on a log scale, so one huge value does not flatten the rest."""
        if self.max_popularity <= 0:
            return 0.0
        return math.log1p(popularity) / math.log1p(self.max_popularity)


def _entity(row: tuple) -> StoredEntity:
    return StoredEntity(id=row[1], title=row[2], description=row[3], facts=tuple(json.loads(row[4])), topic=row[5],
                        popularity=row[6], generic=bool(row[7]))
