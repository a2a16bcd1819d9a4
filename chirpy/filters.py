"""The core's own candidate filter. Feature filters (the safety gate, ...) live with their features."""

from __future__ import annotations

from chirpy.component import Component
from chirpy.registry import filters
from chirpy.responder import Candidate, TurnContext


@filters.register("no_repeat")
class NoRepeatFilter(Component):
    """Refuse a line the bot already said in this conversation (up to case and punctuation)."""

    defaults: dict = {}

    def check(self, candidate: Candidate, ctx: TurnContext) -> str | None:
        if candidate.repeatable:  # e.g. pointing a user at help again: must never be dropped
            return None
        return "said earlier in this conversation" if ctx.already_said(candidate.text) else None
