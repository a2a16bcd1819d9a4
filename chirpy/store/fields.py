"""Typed declarations of the values features write inside a turn's JSON columns.

A feature that logs something in ``turns.annotations`` or ``turns.details`` declares it here-shaped,
next to the code that writes it (``classifiers/offense/logfields.py``, ...). Readers ask the store for
declared fields, so eval and the other readers never spell another package's JSON paths, and the
store turns a declaration into each engine's JSON access (SQLite ``json_extract``, PostgreSQL ``#>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

JsonColumn = Literal["annotations", "details"]
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class LogField:
    column: JsonColumn  # the turns column holding the JSON document
    path: tuple[str, ...]  # keys from the document's root to the value
    owner: str  # the package that writes it (for messages and docs)

    def __post_init__(self) -> None:
        if self.column not in ("annotations", "details"):
            raise ValueError(f"log field column must be annotations or details, not {self.column!r}")
        if not self.path or not all(_KEY.match(key) for key in self.path):
            # Keys go into SQL text (JSON paths cannot be bound parameters in SQLite): identifiers only.
            raise ValueError(f"log field path must be identifiers, not {self.path!r}")

    @property
    def name(self) -> str:
        return f"{self.column}.{'.'.join(self.path)}"

    def sqlite_path(self) -> str:
        return "$." + ".".join(self.path)

    def postgres_path(self) -> str:
        return "{" + ",".join(self.path) + "}"
