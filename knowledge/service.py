"""The ``knowledge`` resource: one opened store and its linker per store file, shared by the
annotator and the responder (and by several bots in one process), configured by ``[knowledge]``:

- ``path``: a store folder (or file) built with ``chirpy knowledge build``; "" = the starter store;
- ``cache_dir``: where the starter store is built ("" = ``$CHIRPY_CACHE_DIR`` or ``~/.cache/chirpy``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chirpy.errors import ComponentUnavailable
from knowledge.errors import KnowledgeStoreError
from knowledge.linker import EntityLinker
from knowledge.store import KnowledgeStore, store_file


@dataclass(frozen=True)
class Knowledge:
    store: KnowledgeStore
    linker: EntityLinker


def store_location(section: dict[str, Any]) -> Path:
    """The store file the ``[knowledge]`` table names (building the starter store if needed)."""
    path = str(section.get("path", "") or "")
    if path:
        return store_file(path)
    from knowledge.starter import starter_store

    return store_file(starter_store(section.get("cache_dir") or None))


def open_knowledge(section: dict[str, Any]) -> Knowledge:
    """The ``knowledge`` resource (``chirpy.registry.resources``): the store and its linker, shared by
    every part and bot that names the same store; ``ComponentUnavailable`` if there is none."""
    try:
        return _open(str(store_location(section).resolve()))
    except KnowledgeStoreError as exc:
        raise ComponentUnavailable(str(exc)) from None


@functools.lru_cache(maxsize=8)
def _open(path: str) -> Knowledge:
    store = KnowledgeStore(path)
    return Knowledge(store, EntityLinker(store))
