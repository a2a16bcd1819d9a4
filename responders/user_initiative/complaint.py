"""Complaints about the bot: apologise, then change course.

Uses the dissatisfaction annotation when an annotator provides it (types "repetition", "misheard",
"clarification", "criticism", "disinterest") and its own patterns otherwise, so it works with or
without the detector. The apology needs a prompt, and ``Handoff.leave_topic`` tells the current
topic not to resume: the next topic in the rotation opens instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chirpy.registry import responders
from chirpy.responder import Handoff, Priority, Responder, Returned, TurnContext
from responders.topics.lines import build, choose
from responders.user_initiative.intents import Intent, load_intents, match

CONTENT = Path(__file__).parent / "content" / "complaint.toml"


@responders.register("complaint")
class ComplaintResponder(Responder):
    defaults = {"content": ""}  # "": the file beside this module

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.intents, _ = load_intents(self.config["content"] or CONTENT, CONTENT.parent)

    def _from_annotation(self, types: list[str]) -> Intent | None:
        for intent in self.intents:
            if set(intent.meta.get("types", [])) & set(types):
                return intent
        return None

    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch or ann.is_empty:
            return None
        found = match(self.intents, ann.text)
        intent = found[0] if found else self._from_annotation(ann.dissatisfaction)
        if intent is None:
            return None
        private = dict(ctx.private)
        line = choose(intent.lines, intent.id, ctx, private)
        return build([line], Priority.FORCE_START, needs_prompt=True, handoff=Handoff(leave_topic=True),
                     state=private, meta={"complaint": intent.id, "apology": True})
