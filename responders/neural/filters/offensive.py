"""Reject candidates containing offensive words or phrases (lexicon in data/offensive.toml)."""

from __future__ import annotations

from typing import Any

from responders.neural.filters.base import FilterContext, compile_patterns, load_data, words


class OffensiveFilter:
    name = "offensive"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = load_data("offensive")
        extra = (config or {}).get("extra_words", [])
        self.words = {w.lower() for w in [*data["words"], *extra]}
        self.phrases = compile_patterns(data.get("phrases", []))

    def check(self, text: str, ctx: FilterContext) -> str | None:
        for word in words(text):
            if word in self.words:
                return f"offensive word '{word}'"
        for pattern in self.phrases:
            if match := pattern.search(text):
                return f"offensive phrase '{match.group(0).lower()}'"
        return None
