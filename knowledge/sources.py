"""Reading build inputs: JSONL (one entity a line) and ``wikimedia/wikipedia`` parquet files.

Both are streamed (a Wikipedia dump does not fit in memory twice), and a problem is reported as
one ``KnowledgeInputError`` naming the file and row, raised when the reader reaches it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from knowledge.entry import RawRecord, SourceEntity
from knowledge.errors import KnowledgeInputError

FORMATS = ("auto", "jsonl", "parquet")
PARQUET_BATCH_ROWS = 2048
# Pages that are lists or signposts, not things to talk about.
_SKIP_TITLE_PREFIXES = ("List of ", "Lists of ", "Index of ", "Outline of ", "Glossary of ")


def input_files(path: str | Path, fmt: str = "auto") -> list[tuple[Path, str]]:
    """The files to read and the format of each; a folder means every .jsonl / .parquet inside."""
    path = Path(path)
    if fmt not in FORMATS:
        raise KnowledgeInputError(f"unknown input format {fmt!r} (choose from {', '.join(FORMATS)})")
    if not path.exists():
        raise KnowledgeInputError(f"input not found: {path}")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".jsonl", ".parquet") and p.is_file())
        if fmt != "auto":
            files = [p for p in files if p.suffix == f".{fmt}"]
        if not files:
            raise KnowledgeInputError(f"{path}: no .jsonl or .parquet files in this folder")
        return [(p, p.suffix[1:]) for p in files]
    if fmt == "auto":
        fmt = "parquet" if path.suffix == ".parquet" or _looks_like_parquet(path) else "jsonl"
    return [(path, fmt)]


def count_records(files: list[tuple[Path, str]]) -> int:
    """How many records the inputs hold (for the progress bar); 0 when unknown."""
    total = 0
    for path, fmt in files:
        if fmt == "parquet":
            total += _parquet_file(path).metadata.num_rows
        else:
            with _open_text(path) as handle:
                total += sum(1 for line in handle if line.strip())
    return total


def read_sources(files: list[tuple[Path, str]]) -> Iterator[SourceEntity | RawRecord]:
    """Every record of the inputs, in order. JSONL lines come unparsed (``RawRecord``): the
    builder's worker processes decode them (``decode``), so parsing runs in parallel too."""
    for path, fmt in files:
        yield from (read_parquet(path) if fmt == "parquet" else read_jsonl(path))


def decode(record: SourceEntity | RawRecord) -> SourceEntity:
    """A record as an entity; a malformed JSONL line raises ``KnowledgeInputError`` naming its row."""
    if isinstance(record, SourceEntity):
        return record
    try:
        item = json.loads(record.text)
    except json.JSONDecodeError as exc:
        raise KnowledgeInputError(f"{record.where}: not valid JSON ({exc.msg})") from None
    return _jsonl_entity(item, record.where)


# -- JSONL ----------------------------------------------------------------------------------------
def read_jsonl(path: Path) -> Iterator[RawRecord]:
    """``{"title", "text", "aliases"?, "topic"?, "popularity"?, "generic"?, "id"?}`` per line (see ``decode``)."""
    with _open_text(path) as handle:
        try:
            for lineno, line in enumerate(handle, 1):
                if line.strip():
                    yield RawRecord(f"{path}:{lineno}", line)
        except UnicodeDecodeError:
            raise KnowledgeInputError(f"{path}: not UTF-8 text (is it a parquet file? pass --format parquet)") from None


def _jsonl_entity(item: Any, where: str) -> SourceEntity:
    if not isinstance(item, dict):
        raise KnowledgeInputError(f"{where}: expected an object with \"title\" and \"text\"")
    title, text = item.get("title"), item.get("text")
    if not isinstance(title, str) or not title.strip():
        raise KnowledgeInputError(f"{where}: \"title\" must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        raise KnowledgeInputError(f"{where}: \"text\" must be a non-empty string")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise KnowledgeInputError(f"{where}: \"aliases\" must be a list of strings")
    topic = item.get("topic")
    if topic is not None and (not isinstance(topic, str) or not topic.strip()):
        raise KnowledgeInputError(f"{where}: \"topic\" must be a non-empty string")
    popularity = item.get("popularity")
    if popularity is not None and (isinstance(popularity, bool) or not isinstance(popularity, (int, float)) or popularity < 0):
        raise KnowledgeInputError(f"{where}: \"popularity\" must be a non-negative number")
    generic = item.get("generic")
    if generic is not None and not isinstance(generic, bool):
        raise KnowledgeInputError(f"{where}: \"generic\" must be true or false")
    entity_id = item.get("id")
    if entity_id is not None and (not isinstance(entity_id, str) or not entity_id.strip()):
        raise KnowledgeInputError(f"{where}: \"id\" must be a non-empty string")
    return SourceEntity(title=title.strip(), text=text, where=where, aliases=aliases,
                        topic=topic.strip() if topic else None, popularity=popularity, generic=generic,
                        source_id=entity_id)


def _open_text(path: Path) -> Any:
    try:
        return path.open(encoding="utf-8")
    except IsADirectoryError:
        raise KnowledgeInputError(f"input path is a folder: {path}") from None
    except OSError as exc:
        raise KnowledgeInputError(f"cannot read {path}: {exc.strerror or exc}") from None


# -- Wikipedia parquet ----------------------------------------------------------------------------
def read_parquet(path: Path) -> Iterator[SourceEntity]:
    """``wikimedia/wikipedia`` rows (id, url, title, text), row group by row group. Aliases come
    from a ``redirects`` or ``aliases`` list column when the file has one."""
    parquet = _parquet_file(path)
    columns = set(parquet.schema_arrow.names)
    for needed in ("title", "text"):
        if needed not in columns:
            raise KnowledgeInputError(f"{path}: no {needed!r} column (columns: {', '.join(sorted(columns))})")
    wanted = ["title", "text", *[c for c in ("redirects", "aliases") if c in columns]]
    row = 0
    try:
        batches = parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=wanted)
        for batch in batches:
            data = batch.to_pydict()
            for i in range(batch.num_rows):
                row += 1
                title, text = data["title"][i], data["text"][i]
                where = f"{path}: row {row}"
                if not isinstance(title, str) or not title.strip():
                    raise KnowledgeInputError(f"{where}: empty or missing title")
                if not isinstance(text, str):
                    raise KnowledgeInputError(f"{where}: missing text")
                if title.startswith(_SKIP_TITLE_PREFIXES) or not text.strip():
                    continue
                aliases = [a for column in ("redirects", "aliases") if column in data
                           for a in (data[column][i] or []) if isinstance(a, str)]
                yield SourceEntity(title=title, text=text, where=where, aliases=aliases, lead_only=True)
    except KnowledgeInputError:
        raise
    except Exception as exc:  # noqa: BLE001 — pyarrow raises many types for a damaged file
        raise KnowledgeInputError(f"{path}: cannot read row group after row {row}: {exc}") from None


def _parquet_file(path: Path) -> Any:
    import pyarrow.parquet as pq  # lazy: pyarrow takes ~0.3 s to import

    try:
        return pq.ParquetFile(path)
    except OSError as exc:
        raise KnowledgeInputError(f"{path}: not a readable parquet file ({exc})") from None
    except Exception as exc:  # noqa: BLE001 — ArrowInvalid and friends
        raise KnowledgeInputError(f"{path}: not a parquet file ({exc})") from None


def _looks_like_parquet(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PAR1"
    except OSError:
        return False
