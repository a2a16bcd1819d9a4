"""Closing: the user wants to stop, so say goodbye and end the conversation.

Two strengths of "I want to stop". An explicit goodbye ("bye", "i have to go now") ends the chat at
once. Winding down ("i should sleep", "it's getting late", "i need to go to bed") is not a goodbye
yet, so the bot offers to wrap up (``expects = "wrap_up"``): a yes ends the chat, a no keeps it going.
"i have to go to work tomorrow" alone is neither (the patterns in ``content/closing.toml`` are anchored).
"""

from __future__ import annotations

from pathlib import Path

from chirpy.content import compile_patterns, normalise
from chirpy.registry import responders
from chirpy.responder import Candidate, ContentResponder, Priority, Returned, TurnContext

CONTENT = Path(__file__).parent / "content" / "closing.toml"
WRAP_UP = "wrap_up"  # what the offer expects: the next turn is read as the answer to it


@responders.register("closing")
class ClosingResponder(ContentResponder):
    CONTENT = CONTENT

    def __init__(self, config: dict | None = None) -> None:
        super().__init__(config)
        self.wants_to_stop = compile_patterns(self.content["patterns"])
        self.winding_down = compile_patterns(self.content["wind_down_patterns"])
        self.keep_going = compile_patterns(self.content["keep_going_patterns"])

    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch:
            return None
        lowered = normalise(ann.text)
        if "end_conversation" in ann.dissatisfaction or self.wants_to_stop.search(lowered):
            return self._goodbye(ctx)
        if ctx.state.expecting == WRAP_UP:
            if self.keep_going.search(lowered) or ann.is_no:
                text = self._say(ctx, "keep_going")
                return Candidate(text, Priority.STRONG_CONTINUE, needs_prompt=True, state=ctx.private,
                                 meta={"wrap_up": "declined"})
            if ann.is_yes or self.winding_down.search(lowered):
                return self._goodbye(ctx)
            return None  # something else entirely: whoever handles it answers, and the chat goes on
        if self.winding_down.search(lowered) and not ann.is_question:
            # must_stay: the initiative controller may not turn this offer into a statement.
            return Candidate(self._say(ctx, "offer"), Priority.FORCE_START, expects=WRAP_UP, must_stay=True,
                             state=ctx.private, meta={"wrap_up": "offered"})
        return None

    def _say(self, ctx: TurnContext, slot: str) -> str:
        name = ctx.user_name
        return self.say(ctx, slot, ctx.private, name_suffix=f", {name}" if name else "")

    def _goodbye(self, ctx: TurnContext) -> Candidate:
        return Candidate(self._say(ctx, "goodbye"), Priority.FORCE_START, ends_conversation=True,
                         end_reason="user_goodbye", must_stay=True, state=ctx.private)
