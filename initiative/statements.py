"""Turning a question into a statement, and preferring the statement type an arm asks for.

Three sources, best first:

1. **variant** — scripted content gives the question's statement forms (``Candidate.statements``),
   so the statement is written by a person;
2. **alternative** — another candidate from the same responder, same priority, not a question and
   of near-equal score (neural responders rank their samples best-first): the research's way of
   removing questions from neural chat without writing anything new;
3. **strip** — drop a trailing question sentence when a statement sentence precedes it
   ("Sorry to hear that. What happened?" → "Sorry to hear that."); optional, on by default.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Mapping

from chirpy.errors import ConfigError
from chirpy.responder import Candidate

Option = tuple[str, str | None]  # (statement text, its statement type)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class StatementSettings:
    """``[initiative]`` keys that tune how near "near-equal" is and whether stripping is allowed."""

    # Score key -> how much an alternative may lose and still count as near-equal (absolute, in the
    # key's units). The first key present on the chosen line decides; with none, only the rank gap does.
    score_tolerance: Mapping[str, float] = dataclasses.field(
        default_factory=lambda: {"likelihood": 0.25})  # mean log-prob per token, in nats
    max_rank_gap: int = 5  # and at most this many places below the chosen one
    strip_trailing_question: bool = True
    min_strip_words: int = 3  # what remains after stripping must say something

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> "StatementSettings":
        tolerance = table.get("score_tolerance", {"likelihood": 0.25})
        if not isinstance(tolerance, Mapping):
            raise ConfigError("[initiative] score_tolerance must be a table of score key = tolerance")
        return cls(
            score_tolerance={str(k): float(v) for k, v in tolerance.items()},
            max_rank_gap=int(table.get("max_rank_gap", cls.max_rank_gap)),
            strip_trailing_question=bool(table.get("strip_trailing_question", cls.strip_trailing_question)),
            min_strip_words=int(table.get("min_strip_words", cls.min_strip_words)),
        )


@dataclass(frozen=True)
class Restatement:
    """What the controller would put in place of a line, and how it was found."""

    candidate: Candidate
    method: str  # "variant" | "alternative" | "strip"
    statement_type: str | None


def is_protected(line: Candidate) -> bool:
    """Lines the controller never touches: marked must-stay, waiting for a specific answer, or goodbyes."""
    return bool(line.must_stay or line.expects or line.ends_conversation)


def variant_options(line: Candidate) -> list[Option]:
    """The statement forms a responder attached to a question line, in the responder's order."""
    return [(s.text.strip(), s.type) for s in line.statements]


def prefer_type(options: Sequence[Option], preferred: str) -> list[Option]:
    """The arm's statement type first, the rest after, each group in the responder's order."""
    return [o for o in options if o[1] == preferred] + [o for o in options if o[1] != preferred]


def near_equal_alternatives(line: Candidate, ranked: Sequence[Candidate], settings: StatementSettings) -> list[Candidate]:
    """Same responder, kind and priority, ranked just below ``line`` with a score close to its own."""
    own = [c for c in ranked if c.responder == line.responder and c.kind == line.kind and c.rejected is None]
    if line not in own:
        return []
    position = own.index(line)
    key = next((k for k in settings.score_tolerance if k in line.scores), None)
    found = []
    for gap, other in enumerate(own[position + 1:], start=1):
        if gap > settings.max_rank_gap:
            break
        if other.priority != line.priority or other.needs_prompt != line.needs_prompt:
            continue  # a lower-priority or prompt-needing line would change who speaks next
        if key is not None and key in other.scores:
            if float(line.scores[key]) - float(other.scores[key]) > settings.score_tolerance[key]:
                continue
        found.append(other)
    return found


def strip_trailing_question(text: str, min_words: int) -> str | None:
    """``"Oh no. What happened?"`` → ``"Oh no."`` when enough statement is left; else ``None``."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    while sentences and sentences[-1].rstrip().endswith("?"):
        sentences.pop()
    if not sentences:
        return None
    kept = " ".join(sentences).strip()
    if len(re.findall(r"[A-Za-z0-9']+", kept)) < min_words:
        return None
    return kept


def restated(line: Candidate, text: str, method: str, statement_type: str | None) -> Candidate:
    """A new candidate saying ``text`` instead of ``line``, keeping its responder, topic and state."""
    meta = {**line.meta, "initiative": {"method": method, "original": line.text}}
    return dataclasses.replace(line, text=text, is_question=False, statement_type=statement_type or line.statement_type,
                               meta=meta, scores=dict(line.scores), rejected=None)


def find_statement(
    line: Candidate, ranked: Sequence[Candidate], preferred: str, settings: StatementSettings,
    already_said: Callable[[str], bool],
) -> Restatement | None:
    """The best statement to say instead of the question ``line``, or ``None`` if there is none."""
    for text, stype in prefer_type(variant_options(line), preferred):
        if not text.endswith("?") and not already_said(text):
            return Restatement(restated(line, text, "variant", stype), "variant", stype)
    statements = [c for c in near_equal_alternatives(line, ranked, settings) if not c.is_question]
    tagged = [c for c in statements if c.statement_type == preferred]
    for other in tagged + [c for c in statements if c not in tagged]:
        return Restatement(other, "alternative", other.statement_type)
    if settings.strip_trailing_question:
        kept = strip_trailing_question(line.text, settings.min_strip_words)
        if kept and not already_said(kept):
            return Restatement(restated(line, kept, "strip", None), "strip", None)
    return None


def find_preferred_type(line: Candidate, ranked: Sequence[Candidate], preferred: str,
                        settings: StatementSettings) -> Candidate | None:
    """A near-equal statement of the arm's type from the same responder, when ``line`` is another type."""
    current = line.statement_type
    if line.is_question or current is None or current == preferred:
        return None
    for other in near_equal_alternatives(line, ranked, settings):
        if not other.is_question and other.statement_type == preferred:
            return other
    return None
