"""Loading conversation content (TOML files of phrasings, patterns and scripts).

Content is edited far more often than code, by people tuning the bot, so it lives in data files.
A broken file is reported with its path and the TOML error, as a ConfigError, at start-up.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

from chirpy.errors import ConfigError
from chirpy.text import WORD


@functools.lru_cache(maxsize=128)
def _load(path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"content file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"content file {path} is not valid TOML: {exc}") from None


def load_content(path: str | Path, base: Path | None = None) -> dict[str, Any]:
    """Read a content file; a relative path is looked up next to ``base`` (the code that uses it)."""
    resolved = Path(path)
    if not resolved.is_absolute() and base is not None and not resolved.exists():
        resolved = base / resolved
    return _load(str(resolved.resolve()))


def compile_patterns(patterns: list[str]) -> re.Pattern[str]:
    """One alternation of whole-word patterns, matched against lowercased ASR-style text."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@functools.lru_cache(maxsize=1024)
def normalise(text: str) -> str:
    """The form content patterns are written for: lowercase, no punctuation except apostrophes.

    Cached: every topic responder, reader and filter normalises the same utterance (and the same
    scripted lines) again, over a hundred calls a turn for a few distinct texts."""
    return " ".join(WORD.findall(text.lower().replace("’", "'")))
