"""The universal fallback: something sensible to say to anything, and a prompt to move on.

It is what guarantees that every turn has an answer, so it never fails and never runs dry: when all
of its phrasings have been used, the least recently used one comes back.
"""

from __future__ import annotations

from pathlib import Path

from chirpy.registry import responders
from chirpy.responder import Candidate, ContentResponder, Priority, Returned, TurnContext
from chirpy.understanding import understanding
from responders.topics.listening import follow_up, spoke_at_length, user_leads, user_told
from responders.topics.lines import build

CONTENT = Path(__file__).parent / "content" / "fallback.toml"


@responders.register("fallback")
class FallbackResponder(ContentResponder):
    CONTENT = CONTENT

    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        priority = Priority.UNIVERSAL_FALLBACK
        if ann.is_empty or not ann.is_english:
            # Nothing any other responder can understand: asking again beats a scripted non sequitur.
            slot, needs_prompt, priority = ("empty" if ann.is_empty else "not_english"), False, Priority.FORCE_START
        elif ann.is_question and understanding().asks(ann.reading):
            slot, needs_prompt = "question", False  # "I don't know. Do you?": the user answers next
        else:
            slot, needs_prompt = "statement", True
        text = self.say(ctx, slot, ctx.private)
        return Candidate(text, priority, needs_prompt=needs_prompt, state=ctx.private, meta={"slot": slot},
                         # Asking to repeat keeps the thread: the responder that was talking continues next turn.
                         topic=ctx.state.current_topic if not needs_prompt else None)

    def prompt(self, ctx: TurnContext) -> Returned:
        leaving = ctx.response is not None and ctx.response.handoff is not None and ctx.response.handoff.leave_topic
        if user_leads(ctx) and not leaving:
            return None  # they are telling us something at length: "What's on your mind?" would ignore it
        if user_told(ctx) and not leaving:  # ... and have for a while: we lead, on what they told us
            private = dict(ctx.private)
            return build([follow_up(ctx, private)], Priority.UNIVERSAL_FALLBACK, state=private)
        if spoke_at_length(ctx) and not leaving:
            return None  # a long turn with a question in it: our answer is the reply, not "What's on your mind?"
        text = self.say(ctx, "prompt", ctx.private)
        return Candidate(text, Priority.UNIVERSAL_FALLBACK, state=ctx.private)
