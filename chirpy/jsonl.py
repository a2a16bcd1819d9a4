"""Reading JSON Lines files (replay inputs, log exports) with errors that name the file and line."""

from __future__ import annotations

import json
from typing import Any, Iterator


def json_lines(text: str, where: object, error: type[Exception]) -> Iterator[tuple[int, Any]]:
    """``(line number, decoded value)`` for every non-blank line; a bad line raises ``error`` with
    ``where:line`` so a person can open the file at the right place."""
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{where}:{lineno}: not valid JSON ({exc.msg})") from None
