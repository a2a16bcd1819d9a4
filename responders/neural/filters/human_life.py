"""Reject claims of a human life the bot doesn't have (a spouse, a job, a body, a childhood).

Why: GPT-2 fine-tuned on human dialogues talks like a human ("my wife and I..."); users notice the
lie and it leads to follow-up questions the bot cannot answer consistently.
"""

from __future__ import annotations

from typing import Any

from responders.neural.filters.base import FilterContext, compile_patterns, load_data


class HumanLifeFilter:
    name = "human_life"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        data = load_data("human_life")
        self.categories = {cat: compile_patterns(pats) for cat, pats in data["claims"].items()}

    def check(self, text: str, ctx: FilterContext) -> str | None:
        for category, patterns in self.categories.items():
            for pattern in patterns:
                if match := pattern.search(text):
                    return f"claims a human {category} '{match.group(0).lower()}'"
        return None
