"""Reject questions the user already answered, or the bot already asked.

Why: "redundant question" is one of the research's seven neural-chat error types ("what's your
name?" after the user said it). Topics are detected with patterns in data/answered.toml: a
candidate question about a topic is rejected when an earlier user turn gave that answer, or when
the bot asked about that topic before (the user's reply to it was the answer, however phrased).
A question whose content words mostly match an earlier bot question is rejected as asked before.
"""

from __future__ import annotations

import re
from typing import Any

from responders.neural.filters.base import FilterContext, compile_patterns, load_data, stopwords, words


def is_question(text: str) -> bool:
    return "?" in text


def questions_in(text: str) -> list[str]:
    """The sentences of ``text`` that ask something."""
    return [q for q in re.split(r"(?<=[.!?])\s+", text) if "?" in q]


class AnsweredQuestionFilter:
    name = "answered_question"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = load_data("answered")
        self.stopwords = stopwords()
        self.slots: dict[str, tuple[list[re.Pattern[str]], list[re.Pattern[str]]]] = {
            slot: (compile_patterns(spec["question"]), compile_patterns(spec["answer"]))
            for slot, spec in data["slots"].items()
        }
        self.similarity = float((config or {}).get("max_question_similarity", 0.6))

    def _content(self, text: str) -> set[str]:
        return {w for w in words(text) if w not in self.stopwords}

    def _settled_slots(self, ctx: FilterContext) -> frozenset[str]:
        """Slots the user answered, or the bot asked about (the user's next turn answered it)."""
        return frozenset(
            slot for slot, (asks, answers) in self.slots.items()
            if any(a.search(turn) for turn in ctx.user_turns for a in answers)
            or any(p.search(turn) for turn in ctx.bot_turns for p in asks)
        )

    def _earlier_questions(self, ctx: FilterContext) -> list[set[str]]:
        """Content words of each earlier bot question (non-empty ones only)."""
        found = [self._content(" ".join(questions_in(turn))) for turn in ctx.bot_turns if is_question(turn)]
        return [words_ for words_ in found if words_]

    def check(self, text: str, ctx: FilterContext) -> str | None:
        if not is_question(text):
            return None
        questions = questions_in(text)
        settled = ctx.derived((id(self), "settled"), lambda: self._settled_slots(ctx))
        for slot, (asks, _) in self.slots.items():
            if slot in settled and any(p.search(q) for q in questions for p in asks):
                return f"asks about {slot}, which the user already answered"
        mine = self._content(" ".join(questions))
        if not mine:
            return None
        for theirs in ctx.derived((id(self), "questions"), lambda: self._earlier_questions(ctx)):
            if len(mine & theirs) / len(mine | theirs) >= self.similarity:
                return "asks a question the bot already asked"
        return None
