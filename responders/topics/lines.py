"""Scripted lines that know whether they are questions, and turns built from several of them.

In content files a plain string is a statement; a question is a table
``{ ask = "...?", say = "statement form", type = "opinion" | "experience" | "general" }``.
``say`` is what the initiative controller may speak instead of the question (research: personal
opinions raise user initiative more than questions do), so every question carries its statement
form where one makes sense.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from chirpy.errors import ConfigError
from chirpy.phrasing import pick_phrasing
from chirpy.responder import Candidate, Priority, TurnContext
from chirpy.text import normalise_for_comparison

STATEMENT_TYPES = ("opinion", "experience", "general")


@dataclass(frozen=True)
class Line:
    text: str
    question: bool
    statement: str | None = None  # the statement form of a question
    statement_type: str | None = None


@dataclass(frozen=True)
class Said:
    """One chosen line, formatted for this turn."""

    text: str
    question: bool
    statement: str | None = None
    statement_type: str | None = None


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


def said_before(ctx: TurnContext) -> Callable[[str], bool]:
    """A predicate: did any earlier bot turn contain this text (as whole words, any case)?

    Stricter than ``TurnContext.already_said`` (whole utterances): a phrase used inside a longer turn
    counts too, so a reaction is not recycled in a later turn.
    """
    spoken = [f" {normalise_for_comparison(t)} " for t in ctx.state.bot_utterances()]

    def check(text: str) -> bool:
        key = f" {normalise_for_comparison(text)} "
        return key.strip() != "" and any(key in utterance for utterance in spoken)

    return check


def choose(lines: tuple[Line, ...], slot: str, ctx: TurnContext, private: dict[str, Any], **fields: str) -> Said:
    """The least recently used line of a slot not said before (core LRU picker), formatted."""
    text = pick_phrasing([line.text for line in lines], slot, private, ctx.rng, ctx.turn_index,
                         said_before(ctx), **fields)
    for line in lines:
        if (line.text.format(**fields) if fields else line.text) == text:
            statement = line.statement.format(**fields) if (line.statement and fields) else line.statement
            return Said(text, line.question, statement, line.statement_type)
    return Said(text, text.rstrip().endswith("?"))


def fresh(lines: tuple[Line, ...], ctx: TurnContext, **fields: str) -> bool:
    """Is at least one line of the slot still unsaid in this conversation?"""
    check = said_before(ctx)
    return any(not check(line.text.format(**fields) if fields else line.text) for line in lines)


def build(parts: Iterable[Said | None], priority: Priority, **kwargs: Any) -> Candidate:
    """One candidate from several lines; its meta carries the statement form for the initiative controller."""
    said = [p for p in parts if p is not None and p.text]
    text = " ".join(p.text.strip() for p in said)
    questions = [p for p in said if p.question]
    meta: dict[str, Any] = dict(kwargs.pop("meta", None) or {})
    if questions and all(p.statement for p in questions):
        meta["statement_variant"] = " ".join((p.statement if p.question else p.text).strip() for p in said)
        meta["statement_type"] = questions[-1].statement_type or "opinion"
    return Candidate(text, priority, is_question=bool(questions), meta=meta, **kwargs)


def load_slots(data: dict[str, Any], where: str) -> dict[str, tuple[Line, ...]]:
    """Every slot of a content file's ``[lines]`` table, validated."""
    table = data.get("lines")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: needs a [lines] table")
    return {slot: parse_lines(raw, f"{where} [lines] {slot}") for slot, raw in table.items()}
