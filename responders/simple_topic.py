"""A minimal scripted topic: opens with a prompt, holds a short exchange, then hands off.

It exists to show (and test) the response + prompt contract on the smallest possible example; the
full topic system lives in its own responders.
"""

from __future__ import annotations

from pathlib import Path

from chirpy.registry import responders
from chirpy.responder import Candidate, ContentResponder, Priority, Returned, TurnContext

CONTENT = Path(__file__).parent / "content" / "simple_topic.toml"


@responders.register("simple_topic")
class SimpleTopicResponder(ContentResponder):
    CONTENT = CONTENT

    def __init__(self, config: dict | None = None) -> None:
        super().__init__(config)
        self.topic = str(self.content["topic"])

    def prompt(self, ctx: TurnContext) -> Returned:
        if self.topic in ctx.state.topics_covered:
            return None  # topics already covered are not re-opened
        private = ctx.private | {"step": 1}
        return Candidate(self.say(ctx, "opener", private), Priority.CAN_START, topic=self.topic, state=private)

    def respond(self, ctx: TurnContext) -> Returned:
        if ctx.state.active_responder != self.name or ctx.state.current_topic != self.topic:
            return None
        ann, private = ctx.annotations, dict(ctx.private)
        step = private.get("step", 0)
        if step == 1:
            slot = "after_no" if ann.is_no else "after_yes"
            private["step"] = 2
            return Candidate(self.say(ctx, slot, private), Priority.STRONG_CONTINUE, topic=self.topic, state=private)
        if step == 2:
            private["step"] = 3
            named = ann.noun_phrases or [e.text for e in ann.entities]
            entity = _strip_determiner(named[-1]) if named else None
            if entity:
                text = self.say(ctx, "opinion_entity", private, entity=entity)
            else:
                text = self.say(ctx, "opinion", private)
            return Candidate(text, Priority.STRONG_CONTINUE, topic=self.topic, entity=entity, state=private,
                             needs_prompt=True)
        return None


def _strip_determiner(phrase: str) -> str:
    words = phrase.split()
    if len(words) > 1 and words[0].lower() in {"a", "an", "the", "my", "our", "some"}:
        words = words[1:]
    return " ".join(words)
