"""Scripted lines that know whether they are questions, and turns built from several of them.

In content files a plain string is a statement; a question is a table
``{ ask = "...?", say = "statement form", type = "opinion" | "experience" | "general" }``.
``say`` is what the initiative controller may speak instead of the question (research: personal
opinions raise user initiative more than questions do), so every question carries its statement
form where one makes sense.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from chirpy.content import load_content
from chirpy.errors import ConfigError
from chirpy.responder import STATEMENT_TYPES, Candidate, Priority, Statement, TurnContext
from chirpy.understanding.reading import Reading


@dataclass(frozen=True)
class Line:
    """A content line; ``choose`` returns the chosen one formatted for the turn."""

    text: str
    question: bool
    statement: str | None = None  # the statement form of a question
    statement_type: str | None = None

    def formatted(self, **fields: str) -> "Line":
        if not fields:
            return self
        statement = self.statement.format(**fields) if self.statement else None
        return Line(self.text.format(**fields), self.question, statement, self.statement_type)


Said = Line  # a chosen, formatted line (the name reads better where responders assemble a turn)


def parse_lines(raw: Any, where: str) -> tuple[Line, ...]:
    """Validate a list of content lines; a mislabelled line is a ConfigError naming its place."""
    if isinstance(raw, (str, dict)):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}: expected a non-empty list of lines")
    lines = []
    for item in raw:
        if isinstance(item, str):
            if item.rstrip().endswith("?"):
                raise ConfigError(f"{where}: {item!r} ends with '?': write questions as {{ ask = ..., say = ... }}")
            lines.append(Line(item, False))
        elif isinstance(item, dict) and isinstance(item.get("ask"), str):
            kind = item.get("type", "opinion" if item.get("say") else None)
            if kind is not None and kind not in STATEMENT_TYPES:
                raise ConfigError(f"{where}: type {kind!r} is not one of {STATEMENT_TYPES}")
            if not item["ask"].rstrip().endswith("?"):
                raise ConfigError(f"{where}: question {item['ask']!r} does not end with '?'")
            lines.append(Line(item["ask"], True, item.get("say"), kind))
        else:
            raise ConfigError(f"{where}: a line must be a string or a table with 'ask' (got {item!r})")
    return tuple(lines)


def choose(lines: tuple[Line, ...], slot: str, ctx: TurnContext, private: dict[str, Any], **fields: str) -> Line:
    """The least recently used line of a slot not said before (``TurnContext.pick``), formatted."""
    formatted = [line.formatted(**fields) for line in lines]
    text = ctx.pick([line.text for line in lines], slot, private, **fields)
    return next(line for line in formatted if line.text == text)


def fresh(lines: tuple[Line, ...], ctx: TurnContext, **fields: str) -> bool:
    """Is at least one line of the slot still unsaid in this conversation?"""
    return any(not ctx.already_said(line.formatted(**fields).text) for line in lines)


def build(parts: Iterable[Line | None], priority: Priority, **kwargs: Any) -> Candidate:
    """One candidate from several lines, carrying the statement form the initiative controller may say."""
    said = [p for p in parts if p is not None and p.text]
    text = " ".join(p.text.strip() for p in said)
    questions = [p for p in said if p.question]
    statements: tuple[Statement, ...] = ()
    if questions and all(p.statement for p in questions):
        statement = " ".join((p.statement if p.question and p.statement else p.text).strip() for p in said)
        statements = (Statement(statement, questions[-1].statement_type or "opinion"),)
    return Candidate(text, priority, is_question=bool(questions), statements=statements, **kwargs)


def load_slots(data: dict[str, Any], where: str) -> dict[str, tuple[Line, ...]]:
    """Every slot of a content file's ``[lines]`` table, validated."""
    table = data.get("lines")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: needs a [lines] table")
    return {slot: parse_lines(raw, f"{where} [lines] {slot}") for slot, raw in table.items()}


# The reactions every topic shares, and the generic reaction and knowledge responders with them.
REACTIONS = Path(__file__).parent / "content" / "reactions.toml"


@functools.lru_cache(maxsize=4)
def shared_reactions(path: Path = REACTIONS) -> dict[str, tuple[Line, ...]]:
    return load_slots(load_content(path), str(path))


def fact_slot(reading: Reading, entity: str | None = None) -> str:
    """The shared reaction slot for a fact they told: sober for grim news, with the thing when named."""
    return "fact_grim" if reading.grim else "fact_entity" if entity else "fact"
