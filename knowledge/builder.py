"""``chirpy knowledge build``: input records → one SQLite file, written atomically.

The store is built in a temporary file inside the target folder and renamed over
``knowledge.db`` only when complete, so a crash or Ctrl-C never leaves a half store where a bot
would open it. Rows are inserted in batches with journaling off (the temporary file is thrown
away on failure anyway); the name index is sorted once at the end.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from knowledge.commonness import zipf_lookup
from knowledge.entry import SourceEntity
from knowledge.errors import KnowledgeInputError
from knowledge.schema import CREATE, FINISH, FORMAT_VERSION, STORE_FILE
from knowledge.shaping import Shaper, slug
from knowledge.topics import topic_guesser

BATCH = 5000
# Keep at most this many entities per name: "john smith" may name hundreds of people; the linker
# only ever needs the most popular few (and the conversation's own, which are popular enough).
MAX_PER_NAME = 40


@dataclass
class BuildReport:
    path: Path
    entities: int
    names: int
    skipped: int  # records with no sentence worth saying
    seconds: float

    @property
    def rate(self) -> float:
        return self.entities / self.seconds if self.seconds > 0 else 0.0


def build_store(
    sources: Iterable[SourceEntity], out_dir: str | Path, *, source_label: str = "",
    advance: Callable[[int], None] = lambda n: None,
) -> BuildReport:
    """Build ``out_dir/knowledge.db`` from records; the old store (if any) stays until the new one is whole."""
    started = time.perf_counter()
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KnowledgeInputError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
    if not out.is_dir():
        raise KnowledgeInputError(f"output path is not a folder: {out}")
    handle, temp_name = tempfile.mkstemp(prefix=".knowledge-", suffix=".tmp", dir=out)
    os.close(handle)
    temp = Path(temp_name)
    try:
        entities, names, skipped = _write(temp, sources, source_label, advance)
        final = out / STORE_FILE
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return BuildReport(final, entities, names, skipped, time.perf_counter() - started)


def _write(path: Path, sources: Iterable[SourceEntity], label: str, advance: Callable[[int], None]) -> tuple[int, int, int]:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE", "temp_store = MEMORY",
                       "cache_size = -200000", "page_size = 8192"):
            db.execute(f"PRAGMA {pragma}")
        db.executescript(CREATE)
        shaper = Shaper(topic_guesser(), zipf_lookup())
        ids: set[str] = set()
        entities: list[tuple] = []
        aliases: list[tuple] = []
        texts: list[tuple] = []
        count = skipped = 0
        max_popularity = 0.0
        db.execute("BEGIN")
        for source in sources:
            entity_id = _unique(source.source_id or slug(source.title), ids)
            shaped = shaper.shape(source, entity_id)
            if shaped is None:
                skipped += 1
                advance(1)
                continue
            count += 1
            ids.add(entity_id)
            max_popularity = max(max_popularity, shaped.popularity)
            entities.append((count, shaped.id, shaped.title, shaped.description, json.dumps(shaped.facts, ensure_ascii=False),
                             shaped.topic, shaped.popularity, int(shaped.generic)))
            aliases.extend((name, count, kind, int(common)) for name, (kind, common) in shaped.names.items())
            texts.append((count, shaped.title, " ".join([shaped.description, *shaped.facts])))
            if len(entities) >= BATCH:
                advance(_flush(db, entities, aliases, texts))
        advance(_flush(db, entities, aliases, texts))
        if count == 0:
            raise KnowledgeInputError(f"{label or 'input'}: no entities with usable text")
        for statement in FINISH.split(";"):
            if statement.strip():
                db.execute(statement)  # not executescript: it would commit the open transaction
        db.execute(f"""
            INSERT INTO aliases (name, entity, kind, common)
            SELECT name, entity, kind, common FROM (
                SELECT s.name, s.entity, s.kind, s.common,
                       ROW_NUMBER() OVER (PARTITION BY s.name ORDER BY s.kind, e.popularity DESC) AS position
                FROM alias_stage s JOIN entities e ON e.rowid = s.entity)
            WHERE position <= {MAX_PER_NAME} ORDER BY name, entity""")
        names = db.execute("SELECT count(*) FROM aliases").fetchone()[0]
        db.execute("DROP TABLE alias_stage")
        db.execute("INSERT INTO entity_text(entity_text) VALUES ('optimize')")
        meta = {"format_version": FORMAT_VERSION, "entities": count, "max_popularity": max_popularity,
                "source": label, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
        db.execute("COMMIT")
        db.execute("ANALYZE")
    finally:
        db.close()
    return count, names, skipped


def _flush(db: sqlite3.Connection, entities: list[tuple], aliases: list[tuple], texts: list[tuple]) -> int:
    """Insert a batch; returns how many entities it held."""
    n = len(entities)
    db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?)", entities)
    db.executemany("INSERT INTO alias_stage VALUES (?, ?, ?, ?)", aliases)
    db.executemany("INSERT INTO entity_text (rowid, title, body) VALUES (?, ?, ?)", texts)
    entities.clear()
    aliases.clear()
    texts.clear()
    return n


def _unique(entity_id: str, taken: set[str]) -> str:
    if entity_id not in taken:
        return entity_id
    n = 2
    while f"{entity_id}-{n}" in taken:
        n += 1
    return f"{entity_id}-{n}"
