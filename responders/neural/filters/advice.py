"""Reject advice-giving ("you should...", "I recommend..."): unsolicited advice annoys users."""

from __future__ import annotations

from typing import Any

from responders.neural.filters.base import FilterContext, compile_patterns, load_data


class AdviceFilter:
    name = "advice"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.patterns = compile_patterns(load_data("advice")["patterns"])

    def check(self, text: str, ctx: FilterContext) -> str | None:
        for pattern in self.patterns:
            if match := pattern.search(text):
                return f"gives advice '{match.group(0).lower()}'"
        return None
