"""``chirpy knowledge build``: input records → one SQLite file, written atomically.

The store is built in a temporary file inside the target folder and renamed over
``knowledge.db`` only when complete, so a crash or Ctrl-C never leaves a half store where a bot
would open it. Rows are inserted in batches with journaling off (the temporary file is thrown
away on failure anyway); the name index is sorted once at the end.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from knowledge.commonness import zipf_lookup
from knowledge.entry import RawRecord, SourceEntity
from knowledge.errors import KnowledgeInputError
from knowledge.schema import CREATE, FINISH, FORMAT_VERSION, STORE_FILE
from knowledge.sources import decode
from knowledge.shaping import ShapedEntity, Shaper, slug
from knowledge.topics import topic_guesser

BATCH = 5000
# Shaping (sentence splitting, names, topics) is pure Python and most of the work: with more input
# than one batch it runs in worker processes while this one writes SQLite.
WORKERS = min(2, os.cpu_count() or 1)
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
    phases: dict[str, float]  # seconds per phase: "load" (read, shape, insert), "index" (names, full text)

    @property
    def rate(self) -> float:
        return self.entities / self.seconds if self.seconds > 0 else 0.0


def build_store(
    sources: Iterable[SourceEntity | RawRecord], out_dir: str | Path, *, source_label: str = "",
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
        entities, names, skipped, phases = _write(temp, sources, source_label, advance)
        final = out / STORE_FILE
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return BuildReport(final, entities, names, skipped, time.perf_counter() - started, phases)


def _write(path: Path, sources: Iterable[SourceEntity | RawRecord], label: str,
           advance: Callable[[int], None]) -> tuple[int, int, int, dict[str, float]]:
    started = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    pool = None
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE", "temp_store = MEMORY",
                       "cache_size = -200000", "page_size = 8192"):
            db.execute(f"PRAGMA {pragma}")
        db.executescript(CREATE)
        ids: set[str] = set()
        entities: list[tuple] = []
        aliases: list[tuple] = []
        count = skipped = 0
        max_popularity = 0.0
        batches = _batched(iter(sources), BATCH)
        first = next(batches, [])
        if len(first) < BATCH or WORKERS < 2:
            shaped_batches: Iterator[list[tuple[ShapedEntity, str] | None]] = map(_shape_batch, itertools.chain([first], batches))
        else:
            _shaper()  # load the word and topic tables once, before the workers fork
            pool = multiprocessing.get_context("fork").Pool(WORKERS)
            shaped_batches = pool.imap(_shape_batch, itertools.chain([first], batches))
        db.execute("BEGIN")
        for batch in shaped_batches:
            for item in batch:
                if item is None:
                    skipped += 1
                    continue
                shaped, facts_json = item
                count += 1
                shaped.id = _unique(shaped.id, ids)
                ids.add(shaped.id)
                max_popularity = max(max_popularity, shaped.popularity)
                entities.append((count, shaped.id, shaped.title, shaped.description, facts_json, shaped.topic,
                                 shaped.popularity, int(shaped.generic)))
                aliases.extend((name, count, kind, int(common)) for name, (kind, common) in shaped.names.items())
            advance(_flush(db, entities, aliases) + batch.count(None))
        if count == 0:
            raise KnowledgeInputError(f"{label or 'input'}: no entities with usable text")
        loaded = time.perf_counter()
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
        # The full-text index in one statement (no per-row round trips); the facts' JSON punctuation
        # is only separators to the tokenizer.
        db.execute("INSERT INTO entity_text (rowid, title, body) SELECT rowid, title, description || ' ' || facts FROM entities")
        db.execute("INSERT INTO entity_text(entity_text) VALUES ('optimize')")
        meta = {"format_version": FORMAT_VERSION, "entities": count, "max_popularity": max_popularity,
                "source": label, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
        db.execute("COMMIT")
        db.execute("ANALYZE")
    finally:
        if pool is not None:
            pool.terminate()
        db.close()
    return count, names, skipped, {"load": loaded - started, "index": time.perf_counter() - loaded}


_SHAPER: list[Shaper] = []  # one per process (the workers build theirs on first use, or inherit it)


def _shaper() -> Shaper:
    if not _SHAPER:
        _SHAPER.append(Shaper(topic_guesser(), zipf_lookup()))
    return _SHAPER[0]


def _shape_batch(batch: list[SourceEntity | RawRecord]) -> list[tuple[ShapedEntity, str] | None]:
    """Decode and shape a batch (in a worker): each entity with its facts as JSON, ready to insert."""
    shaper = _shaper()
    shaped: list[tuple[ShapedEntity, str] | None] = []
    for record in batch:
        source = decode(record)
        entity = shaper.shape(source, source.source_id or slug(source.title))
        shaped.append((entity, entity.facts_json) if entity is not None else None)
    return shaped


def _batched(items: Iterator[SourceEntity | RawRecord], size: int) -> Iterator[list[SourceEntity | RawRecord]]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def _flush(db: sqlite3.Connection, entities: list[tuple], aliases: list[tuple]) -> int:
    """Insert a batch; returns how many entities it held."""
    n = len(entities)
    db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?)", entities)
    db.executemany("INSERT INTO alias_stage VALUES (?, ?, ?, ?)", aliases)
    entities.clear()
    aliases.clear()
    return n


def _unique(entity_id: str, taken: set[str]) -> str:
    if entity_id not in taken:
        return entity_id
    n = 2
    while f"{entity_id}-{n}" in taken:
        n += 1
    return f"{entity_id}-{n}"
