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

    def check(self, text: str, ctx: FilterContext) -> str | None:
        if not is_question(text):
            return None
        questions = [q for q in re.split(r"(?<=[.!?])\s+", text) if "?" in q]
        for slot, (asks, answers) in self.slots.items():
            if any(p.search(q) for q in questions for p in asks):
                told = any(a.search(turn) for turn in ctx.user_turns for a in answers)
                # The bot asked this before: the user's next turn answered it ("It was good.").
                asked = any(p.search(turn) for turn in ctx.bot_turns for p in asks)
                if told or asked:
                    return f"asks about {slot}, which the user already answered"
        mine = self._content(" ".join(questions))
        for earlier in ctx.bot_turns:
            if not is_question(earlier):
                continue
            theirs = self._content(" ".join(q for q in re.split(r"(?<=[.!?])\s+", earlier) if "?" in q))
            if mine and theirs and len(mine & theirs) / len(mine | theirs) >= self.similarity:
                return "asks a question the bot already asked"
        return None
