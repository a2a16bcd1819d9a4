"""Intents as data: a named list of patterns and the lines that answer them.

Each handler's TOML file holds ``[[intents]]`` tables::

    [[intents]]
    id = "name"
    patterns = ["\\\\bwhat'?s your name\\\\b", ...]   # regexes on lowercase text, apostrophes optional
    lines = ["I'm Chirpy!", { ask = "...?", say = "...", type = "opinion" }]
    prompt = true                                 # follow the answer with a prompt (a topic)

Patterns are compiled once at start-up and matched in file order: put specific intents first.
Text is matched twice, as typed and with apostrophes removed, so "whats" and "what's" both hit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chirpy.content import load_content, normalise
from chirpy.errors import ConfigError
from responders.topics.lines import Line, parse_lines


@dataclass(frozen=True)
class Intent:
    id: str
    patterns: tuple[re.Pattern[str], ...]  # separate, so each may name its own (?P<thing>...) group
    lines: tuple[Line, ...]
    prompt: bool
    meta: dict[str, Any]


def load_intents(path: str | Path, base: Path) -> tuple[list[Intent], dict[str, Any]]:
    """The intents of a content file, and the whole file for any extra tables it has."""
    data = load_content(path, base)
    intents = []
    for i, raw in enumerate(data.get("intents", [])):
        where = f"{path} intent {raw.get('id', i)}"
        try:
            patterns = tuple(re.compile(p) for p in raw["patterns"])
            lines = parse_lines(raw["lines"], where)
        except KeyError as exc:
            raise ConfigError(f"{where}: missing {exc}") from None
        except re.error as exc:
            raise ConfigError(f"{where}: bad pattern: {exc}") from None
        extra = {k: v for k, v in raw.items() if k not in ("id", "patterns", "lines", "prompt")}
        intents.append(Intent(str(raw.get("id", i)), patterns, lines, bool(raw.get("prompt", True)), extra))
    return intents, data


def forms(text: str) -> tuple[str, ...]:
    """The lowercase forms patterns are matched against: with and without apostrophes."""
    lowered = normalise(text)
    return (lowered, lowered.replace("'", ""))


def match(intents: list[Intent], text: str) -> tuple[Intent, re.Match[str]] | None:
    for intent in intents:
        for form in forms(text):
            for pattern in intent.patterns:
                found = pattern.search(form)
                if found:
                    return intent, found
    return None
