"""Filters applied to neural candidates before ranking; each returns a reject reason or None."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from responders.neural.filters.advice import AdviceFilter
from responders.neural.filters.answered import AnsweredQuestionFilter
from responders.neural.filters.base import CandidateFilter, FilterContext
from responders.neural.filters.human_life import HumanLifeFilter
from responders.neural.filters.offensive import OffensiveFilter
from responders.neural.filters.repetition import RepetitionFilter

FILTERS: dict[str, type] = {
    "offensive": OffensiveFilter,
    "repetition": RepetitionFilter,
    "answered_question": AnsweredQuestionFilter,
    "advice": AdviceFilter,
    "human_life": HumanLifeFilter,
}
DEFAULT_FILTERS = tuple(FILTERS)


def build_filters(names: Sequence[str] | None = None, config: dict[str, Any] | None = None) -> list[CandidateFilter]:
    """Instantiate filters by name (config ``neural.filters``); ``config[name]`` holds per-filter options."""
    chosen = list(DEFAULT_FILTERS if names is None else names)
    unknown = [n for n in chosen if n not in FILTERS]
    if unknown:
        raise ValueError(f"unknown neural filter(s): {', '.join(unknown)} (known: {', '.join(FILTERS)})")
    cfg = config or {}
    return [FILTERS[n](cfg.get(n, {})) for n in chosen]


def first_rejection(text: str, ctx: FilterContext, filters: Sequence[CandidateFilter]) -> tuple[str, str] | None:
    """``(filter name, reason)`` of the first filter that rejects ``text``, else None."""
    for f in filters:
        if (reason := f.check(text, ctx)) is not None:
            return f.name, reason
    return None


__all__ = ["FILTERS", "DEFAULT_FILTERS", "FilterContext", "CandidateFilter", "build_filters", "first_rejection"]
