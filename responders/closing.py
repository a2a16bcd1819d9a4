"""Closing: the user wants to stop, so say goodbye and end the conversation."""

from __future__ import annotations

from pathlib import Path

from chirpy.content import compile_patterns, load_content, normalise
from chirpy.phrasing import pick_phrasing
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, Returned, TurnContext

CONTENT = Path(__file__).parent / "content" / "closing.toml"


@responders.register("closing")
class ClosingResponder(Responder):
    def __init__(self, config: dict | None = None) -> None:
        super().__init__(config)
        self.content = load_content(self.config.get("content", CONTENT), CONTENT.parent)
        self.wants_to_stop = compile_patterns(self.content["patterns"])

    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        ending = "end_conversation" in ann.dissatisfaction or bool(self.wants_to_stop.search(normalise(ann.text)))
        if ann.is_launch or not ending:
            return None
        name = ctx.user_name
        text = pick_phrasing(self.content["goodbye"], "goodbye", ctx.private, ctx.rng, ctx.turn_index,
                             name_suffix=f", {name}" if name else "")
        return Candidate(text, Priority.FORCE_START, ends_conversation=True, must_stay=True,
                         state=ctx.private, meta={"end_reason": "user_goodbye"})
