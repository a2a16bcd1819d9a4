"""Answers to questions about the bot: its name, what it is, its age, what it can do, ...

A user who asks the bot something is taking the initiative; ignoring it is the fastest way to lose
them. The answer usually needs a prompt after it, which brings the conversation back to the topic
it was on (the topic engine resumes) or opens a new one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chirpy.registry import responders
from chirpy.responder import Priority, Responder, Returned, TurnContext
from responders.topics.lines import build, choose
from responders.user_initiative.intents import load_intents, match

CONTENT = Path(__file__).parent / "content" / "bot_facts.toml"


@responders.register("bot_facts")
class BotFactsResponder(Responder):
    defaults = {"content": ""}  # "": the file beside this module

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.intents, _ = load_intents(self.config["content"] or CONTENT, CONTENT.parent)

    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch or ann.is_empty:
            return None
        found = match(self.intents, ann.text)
        if found is None:
            return None
        intent, matched = found
        fields = {k: v.strip() for k, v in matched.groupdict().items() if v}
        private = dict(ctx.private)
        line = choose(intent.lines, intent.id, ctx, private, **fields)
        weak = intent.meta.get("priority") == "weak"
        return build([line], Priority.WEAK_CONTINUE if weak else Priority.FORCE_START, needs_prompt=intent.prompt,
                     topic=ctx.state.current_topic, entity=ctx.state.current_entity, state=private,
                     meta={"intent": intent.id})
