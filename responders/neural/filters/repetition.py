"""Reject candidates that repeat n-grams from the conversation so far (or from themselves).

Why: repetition was the most common neural-chat error in the research. The bot repeating its own
earlier words is always bad; echoing the user is natural in small doses ("a new puppy? ..."), so
against user turns only a candidate made mostly of the user's n-grams is rejected.
"""

from __future__ import annotations

from typing import Any

from responders.neural.filters.base import FilterContext, stopwords, words


def ngrams(tokens: list[str], n: int, ignore: frozenset[str] = frozenset()) -> list[tuple[str, ...]]:
    """Word n-grams, skipping those made only of ``ignore`` words ("do you like" is not repetition)."""
    grams = (tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return [g for g in grams if not all(w in ignore for w in g)]


class RepetitionFilter:
    name = "repetition"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        cfg = config or {}
        self.n = int(cfg.get("n", 3))
        self.user_overlap = float(cfg.get("max_user_overlap", 0.5))
        self.ignore = stopwords()

    def _grams(self, turns: list[str]) -> frozenset[tuple[str, ...]]:
        return frozenset(g for turn in turns for g in ngrams(words(turn), self.n, self.ignore))

    def check(self, text: str, ctx: FilterContext) -> str | None:
        grams = ngrams(words(text), self.n, self.ignore)
        if not grams:
            return None
        if len(set(grams)) < len(grams):
            return "repeats itself"
        bot_grams = ctx.derived((id(self), "bot"), lambda: self._grams(ctx.bot_turns))
        if repeated := next((g for g in grams if g in bot_grams), None):
            return f"repeats earlier bot words '{' '.join(repeated)}'"
        user_grams = ctx.derived((id(self), "user"), lambda: self._grams(ctx.user_turns))
        share = sum(g in user_grams for g in grams) / len(grams)
        if share > self.user_overlap:
            return f"parrots the user ({share:.0%} of its {self.n}-grams)"
        return None
