"""Portable logs: a chirpy log as JSONL (one conversation per line, with its turns, candidates and
responder runs) and back.

Why: a log is an SQLite file tied to one schema version; JSONL moves between machines and chirpy
versions, diffs, greps, and feeds other tools. JSON columns are decoded so the file is plain JSON
all the way down. Cross-session user facts (the ``users`` table: names) are personal data and are
deliberately not exported.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterator

from chirpy.jsonl import json_lines
from chirpy.store import SCHEMA, SCHEMA_VERSION, SQLiteStore, dumps
from eval.log import EvalError, open_log

FORMAT = "chirpy-log"
JSON_COLUMNS = {
    "conversations": ("arms", "state"),
    "turns": ("arms", "annotations", "details"),
    "candidates": ("scores", "meta"),
    "responder_runs": (),
}
# Columns that only link rows inside one database; the JSONL nesting carries the same information.
LINK_COLUMNS = {"id", "turn_id", "conversation_id", "turn_index"}


def export_jsonl(db_path: str | Path, out: str | Path, progress: Callable[[int], None] | None = None) -> int:
    """Write every conversation as one JSON line; returns the number of conversations written."""
    conn = open_log(db_path)
    conn.row_factory = sqlite3.Row
    written = 0
    try:
        with Path(out).open("w", encoding="utf-8") as handle:
            for line in _conversations(conn):
                handle.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                written += 1
                if progress:
                    progress(1)
    except OSError as exc:
        raise EvalError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        conn.close()
    return written


def count_conversations(db_path: str | Path) -> int:
    conn = open_log(db_path)
    try:
        return int(conn.execute("select count(*) from conversations").fetchone()[0])
    finally:
        conn.close()


def _conversations(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute("select * from conversations order by created_at, id").fetchall():
        conversation = _decode("conversations", row, keep_id=True)
        turns = []
        for turn_row in conn.execute("select * from turns where conversation_id = ? order by turn_index", [row["id"]]):
            turn = _decode("turns", turn_row)
            turn["turn_index"] = turn_row["turn_index"]
            turn["candidates"] = [_decode("candidates", c) for c in conn.execute(
                "select * from candidates where turn_id = ? order by id", [turn_row["id"]])]
            turn["runs"] = [_decode("responder_runs", r) for r in conn.execute(
                "select * from responder_runs where turn_id = ? order by id", [turn_row["id"]])]
            turns.append(turn)
        yield {"format": FORMAT, "schema_version": SCHEMA_VERSION, **conversation, "turns": turns}


def _decode(table: str, row: sqlite3.Row, keep_id: bool = False) -> dict[str, Any]:
    result = {}
    for key in row.keys():
        if key in LINK_COLUMNS and not (keep_id and key == "id"):
            continue
        value = row[key]
        if key in JSON_COLUMNS[table] and isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                pass  # keep the text: export must not fail on one odd row
        result[key] = value
    return result


def import_jsonl(source: str | Path, db_path: str | Path, *, skip_existing: bool = True,
                 progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Add the conversations of a JSONL export to a log (created if needed). Returns (imported, skipped).
    A conversation already in the log is skipped (or, with ``skip_existing=False``, an error)."""
    lines = _read_lines(Path(source))
    store = SQLiteStore(db_path)
    imported = skipped = 0
    try:
        db = store.db
        for lineno, item in lines:
            cid = item["id"]
            if db.execute("select 1 from conversations where id = ?", [cid]).fetchone():
                if not skip_existing:
                    raise EvalError(f"{source}:{lineno}: conversation {cid!r} is already in {db_path}")
                skipped += 1
            else:
                with db.atomic():
                    _insert(db, item)
                imported += 1
            if progress:
                progress(1)
    except (sqlite3.DatabaseError, TypeError, AttributeError, KeyError) as exc:
        raise EvalError(f"cannot import {source} into {db_path}: {type(exc).__name__}: {exc}") from None
    finally:
        store.close()
    return imported, skipped


def _read_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvalError(f"import file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"cannot read {path}: {exc}") from None
    items = []
    for lineno, item in json_lines(text, path, EvalError):
        if not isinstance(item, dict) or item.get("format") != FORMAT or not isinstance(item.get("turns"), list) \
                or not item.get("id"):
            raise EvalError(f"{path}:{lineno}: not a chirpy log export line (made by `chirpy export`)")
        version = item.get("schema_version")
        if version != SCHEMA_VERSION:
            raise EvalError(f"{path}:{lineno}: exported from log schema version {version}; "
                            f"this chirpy imports version {SCHEMA_VERSION}")
        items.append((lineno, item))
    return items


def _insert(db: Any, item: dict[str, Any]) -> None:
    conversation = _encode("conversations", {k: v for k, v in item.items() if k not in ("format", "schema_version", "turns")})
    db["conversations"].insert(conversation)
    cid = item["id"]
    for turn in item["turns"]:
        index = int(turn["turn_index"])
        row = _encode("turns", {k: v for k, v in turn.items() if k not in ("candidates", "runs")})
        turn_id = db["turns"].insert({**row, "conversation_id": cid, "turn_index": index}).last_pk
        common = {"turn_id": turn_id, "conversation_id": cid, "turn_index": index}
        if turn.get("candidates"):
            db["candidates"].insert_all(common | _encode("candidates", c) for c in turn["candidates"])
        if turn.get("runs"):
            db["responder_runs"].insert_all(common | _encode("responder_runs", r) for r in turn["runs"])


def _encode(table: str, row: dict[str, Any]) -> dict[str, Any]:
    known = SCHEMA[table]["columns"]
    return {k: (dumps(v) if k in JSON_COLUMNS[table] and not isinstance(v, str) and v is not None else v)
            for k, v in row.items() if k in known and k not in ("id",) or (table == "conversations" and k == "id")}
