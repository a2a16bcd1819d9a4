"""Answers to questions about the bot: its name, what it is, its age, what it can do, ...

A user who asks the bot something is taking the initiative; ignoring it is the fastest way to lose
them. The answer usually needs a prompt after it, which brings the conversation back to the topic
it was on (the topic engine resumes) or opens a new one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chirpy.content import normalise
from chirpy.errors import ConfigError
from chirpy.registry import responders
from chirpy.responder import Priority, Responder, Returned, TurnContext
from responders.topics.lines import Line, build, choose, parse_lines
from responders.user_initiative.intents import load_intents, match

CONTENT = Path(__file__).parent / "content" / "bot_facts.toml"


@responders.register("bot_facts")
class BotFactsResponder(Responder):
    defaults = {"content": ""}  # "": the file beside this module

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        path = self.config["content"] or CONTENT
        self.intents, data = load_intents(path, CONTENT.parent)
        try:
            self.steps_aside = {i.id: [re.compile(p) for p in i.meta.get("steps_aside", [])] for i in self.intents}
        except re.error as exc:
            raise ConfigError(f"{path}: bad steps_aside pattern: {exc}") from None
        self.unknown_name = parse_lines(data.get("my_name", {}).get("unknown", []), f"{path} [my_name] unknown")

    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch or ann.is_empty:
            return None
        found = match(self.intents, ann.text)
        if found is None:
            return None
        intent, matched = found
        said = normalise(ann.text)
        if any(p.search(said) for p in self.steps_aside[intent.id]):
            return None  # another question in the turn is the one to answer (see the content file)
        fields = {k: v.strip() for k, v in matched.groupdict().items() if v}
        private = dict(ctx.private)
        if intent.id == "my_name":
            return self._their_name(ctx, intent.lines, private)
        line = choose(intent.lines, intent.id, ctx, private, **fields)
        weak = intent.meta.get("priority") == "weak"
        return build([line], Priority.WEAK_CONTINUE if weak else Priority.FORCE_START, needs_prompt=intent.prompt,
                     topic=ctx.state.current_topic, entity=ctx.state.current_entity, state=private,
                     meta={"intent": intent.id})

    def _their_name(self, ctx: TurnContext, known: tuple[Line, ...], private: dict[str, Any]) -> Returned:
        """"What's my name?": say it when we know it; otherwise say so, and ask."""
        name = ctx.user_name
        if name:
            line = choose(known, "my_name", ctx, private, name=name)
            # repeatable: asked again, the name is said again rather than dropped as a repeat.
            return build([line], Priority.FORCE_START, needs_prompt=True, topic=ctx.state.current_topic,
                         entity=ctx.state.current_entity, state=private, repeatable=True, meta={"intent": "my_name"})
        line = choose(self.unknown_name, "my_name_unknown", ctx, private)
        # must_stay: the initiative controller may not turn the question into a statement.
        return build([line], Priority.FORCE_START, expects="name", must_stay=True, state=private,
                     meta={"intent": "my_name", "name_known": False})
