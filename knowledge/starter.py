"""The starter store: a few hundred everyday entities written for chirpy (``starter/*.jsonl``),
built on first use into a cache file named by the hash of its content and of the code that
builds it, so the default bot knows something offline and a content change rebuilds it once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from knowledge.errors import KnowledgeStoreError
from knowledge.schema import FORMAT_VERSION, STORE_FILE

STARTER = Path(__file__).parent / "starter"
HERE = Path(__file__).parent
# What a starter store is made from: its content and everything that shapes it.
BUILD_INPUTS = ("builder.py", "shaping.py", "text.py", "topics.py", "schema.py", "commonness.py", "content/topics.toml")


def starter_files() -> list[Path]:
    return sorted(STARTER.glob("*.jsonl"))


def content_hash() -> str:
    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    for path in [*starter_files(), *(HERE / name for name in BUILD_INPUTS)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    explicit = os.environ.get("CHIRPY_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "chirpy"


def starter_store(cache_dir: str | Path | None = None) -> Path:
    """The folder of the starter store, building it if this content has not been built yet."""
    files = starter_files()
    if not files:
        raise KnowledgeStoreError(f"the starter store's content is missing ({STARTER}/*.jsonl)")
    from knowledge.builder import build_store
    from knowledge.sources import read_sources

    name = f"starter-{content_hash()}"
    for base in _writable_bases(Path(cache_dir) if cache_dir else default_cache_dir()):
        target = base / "knowledge" / name
        if (target / STORE_FILE).is_file():
            return target
        try:
            build_store(read_sources([(f, "jsonl") for f in files]), target, source_label="starter")
        except OSError:
            continue  # a read-only cache folder: try the next place
        return target
    raise KnowledgeStoreError("cannot write the starter knowledge store to any cache folder")


def _writable_bases(preferred: Path) -> list[Path]:
    return [preferred, Path(tempfile.gettempdir()) / f"chirpy-cache-{os.getuid() if hasattr(os, 'getuid') else 'user'}"]
