"""Reading a JSON request body, the one way both front doors (the Alexa endpoint and the JSON API)
do it: parse, refuse ill-formed Unicode, check against a JSON schema, each failure a clear 400."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from chirpy.server.errors import ApiError


def parse_json(raw: bytes, invalid_code: str) -> Any:
    """The parsed body. JSON may escape a lone UTF-16 surrogate ("\\ud800"), which no UTF-8 text
    (the log, a header, a file) can hold: refused here rather than a 500 wherever it lands."""
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}") from None
    where = _ill_formed(value, ())
    if where is not None:
        raise ApiError(400, invalid_code, f"{_path(where)}: contains a lone UTF-16 surrogate (not valid Unicode)")
    return value


def check_schema(validator: Draft202012Validator, value: Any, invalid_code: str) -> None:
    error = best_match(validator.iter_errors(value))
    if error is not None:
        raise ApiError(400, invalid_code, f"{_path(tuple(error.absolute_path))}: {error.message}")


def _ill_formed(value: Any, where: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """Where the first string (key or value) with a lone surrogate is, or None. Iterative: the
    parser already bounded the nesting depth, but a deep body must not cost a recursion per level."""
    stack = [(value, where)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, str):
            if not node.isascii() and not _encodable(node):
                return at
        elif isinstance(node, dict):
            for key, item in node.items():
                if not key.isascii() and not _encodable(key):
                    return (*at, key.encode("utf-8", "backslashreplace").decode())
                stack.append((item, (*at, key)))
        elif isinstance(node, list):
            stack.extend((item, (*at, i)) for i, item in enumerate(node))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _path(where: tuple[Any, ...]) -> str:
    return ".".join(str(p).encode("utf-8", "backslashreplace").decode() for p in where) or "body"
