"""Portable logs: a chirpy log as JSONL (one conversation per line, with its turns, candidates and
responder runs) and back, through the store, so both work on SQLite and PostgreSQL alike.

Why: a log is tied to one engine and schema version; JSONL moves between machines, engines and chirpy
versions, diffs, greps, and feeds other tools. JSON columns are decoded so the file is plain JSON all
the way down — and a JSON column that does not decode (written by some other tool) stops the export
with the row named, rather than travelling on as text that breaks eval wherever it lands.
People's labels (``chirpy review``) travel in a ``labels`` list on their conversation's line.
Cross-session user facts (the ``users`` table: names) are personal data and are deliberately not
exported.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

from chirpy.jsonl import json_lines
from chirpy.store import (
    LABEL_KINDS,
    SCHEMA_VERSION,
    TABLES,
    LogStore,
    Row,
    StoredConversation,
    StoredTurn,
    StoreError,
    dumps,
    open_log,
    reading,
)
from eval.log import EvalError

FORMAT = "chirpy-log"
# Columns that only link rows inside one database; the JSONL nesting carries the same information.
LINK_COLUMNS = {"id", "turn_id", "conversation_id", "turn_index"}


def export_jsonl(location: str | Path | LogStore, out: str | Path,
                 progress: Callable[[int], None] | None = None) -> int:
    """Write every conversation as one JSON line; returns the number of conversations written. The file
    appears only when the export is complete."""
    partial = Path(f"{out}.partial")
    written = 0
    try:
        with reading(location) as reader, partial.open("w", encoding="utf-8") as handle:
            for conversation in reader.iter_conversations():
                handle.write(json.dumps(export_line(conversation), ensure_ascii=False, separators=(",", ":")) + "\n")
                written += 1
                if progress:
                    progress(1)
        os.replace(partial, out)
    except OSError as exc:
        raise EvalError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return written


def export_line(conversation: StoredConversation) -> dict[str, Any]:
    cid = conversation.row["id"]
    turns = []
    for turn in conversation.turns:
        where = f"turn {turn.row['turn_index']} of conversation {cid}"
        line = _decode("turns", turn.row, where)
        line["turn_index"] = turn.row["turn_index"]
        line["candidates"] = [_decode("candidates", c, f"candidate {c['id']} of {where}") for c in turn.candidates]
        line["runs"] = [_decode("responder_runs", r, f"responder run {r['id']} of {where}") for r in turn.runs]
        turns.append(line)
    row = _decode("conversations", conversation.row, f"conversation {cid}", keep_id=True)
    line = {"format": FORMAT, "schema_version": SCHEMA_VERSION, **row, "turns": turns}
    if conversation.labels:  # people's judgements travel with the conversation they judge
        line["labels"] = [{k: v for k, v in label.items() if k != "conversation_id"} for label in conversation.labels]
    return line


def _decode(table: str, row: Row, where: str, keep_id: bool = False) -> dict[str, Any]:
    json_columns = TABLES[table].json_columns
    result = {}
    for key, value in row.items():
        if key in LINK_COLUMNS and not (keep_id and key == "id"):
            continue
        if key in json_columns and isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise EvalError(f"cannot export {where}: its {table}.{key} is not valid JSON ({exc.msg} at "
                                f"character {exc.pos}); repair or delete that row, then export again") from None
        result[key] = value
    return result


def import_jsonl(source: str | Path, location: str | Path, *, skip_existing: bool = True,
                 progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Add the conversations of a JSONL export to a log (created if needed). Returns (imported, skipped).
    A conversation already in the log is skipped (or, with ``skip_existing=False``, an error)."""
    lines = _read_lines(Path(source))
    store = open_log(location)
    imported = skipped = 0
    try:
        for lineno, item in lines:
            try:
                conversation = _stored(item)
            except (TypeError, AttributeError, KeyError, ValueError) as exc:
                raise EvalError(f"{source}:{lineno}: not a complete conversation: "
                                f"{type(exc).__name__}: {exc}") from None
            try:
                added = store.import_conversation(conversation)
            except StoreError as exc:
                raise EvalError(f"{source}:{lineno}: {exc}") from None
            if not added:
                if not skip_existing:
                    raise EvalError(f"{source}:{lineno}: conversation {item['id']!r} is already in {store.display}")
                skipped += 1
            else:
                imported += 1
            if progress:
                progress(1)
    finally:
        store.close()
    return imported, skipped


def _stored(item: dict[str, Any]) -> StoredConversation:
    conversation = _encode("conversations",
                           {k: v for k, v in item.items() if k not in ("format", "schema_version", "turns", "labels")})
    turns = []
    for turn in item["turns"]:
        row = _encode("turns", {k: v for k, v in turn.items() if k not in ("candidates", "runs")})
        row["turn_index"] = int(turn["turn_index"])
        turns.append(StoredTurn(row, [_encode("candidates", c) for c in turn.get("candidates") or []],
                                [_encode("responder_runs", r) for r in turn.get("runs") or []]))
    labels = [_label_row(label) for label in item.get("labels") or []]
    return StoredConversation(conversation, turns, labels)


def _label_row(label: dict[str, Any]) -> Row:
    if not isinstance(label, dict) or label.get("kind") not in LABEL_KINDS or not label.get("value"):
        raise ValueError(f"a label needs a kind ({', '.join(LABEL_KINDS)}) and a value, got {label!r}")
    return {"turn_index": int(label["turn_index"]), "kind": label["kind"], "value": str(label["value"]),
            "annotator": str(label.get("annotator") or "unknown"), "created_at": label.get("created_at")}


def _encode(table: str, row: dict[str, Any]) -> Row:
    """JSON columns back to JSON text: every one was decoded on export, so every one is encoded here."""
    json_columns = TABLES[table].json_columns
    return {k: (dumps(v) if k in json_columns and v is not None else v) for k, v in row.items()}


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
        if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
            raise EvalError(f"{path}:{lineno}: exported from log schema version {version}; "
                            f"this chirpy imports versions 1-{SCHEMA_VERSION}")
        items.append((lineno, item))
    return items
