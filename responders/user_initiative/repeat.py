"""Repeat the bot's last line when the user didn't catch it ("what?", "say that again").

The repeated line is wrapped ("Sure! I said: ...") so the bot still never says exactly the same
utterance twice, and it keeps the topic, entity and expectation of the line it repeats, so the
topic that asked the question still treats the next reply as its answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chirpy.registry import responders
from chirpy.responder import Priority, Responder, Returned, TurnContext
from responders.topics.lines import build, choose, load_slots
from responders.user_initiative.intents import load_intents, match

CONTENT = Path(__file__).parent / "content" / "repeat.toml"


@responders.register("repeat")
class RepeatResponder(Responder):
    defaults = {"content": ""}  # "": the file beside this module

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        path = self.config["content"] or CONTENT
        self.intents, data = load_intents(path, CONTENT.parent)
        self.lines = load_slots(data, str(path))

    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch or ann.is_empty or match(self.intents, ann.text) is None:
            return None
        private = dict(ctx.private)
        state = ctx.state
        last = self._original(ctx)
        if not last:
            return build([choose(self.lines["nothing"], "nothing", ctx, private)], Priority.FORCE_START,
                         needs_prompt=True, state=private)
        line = choose(self.intents[0].lines, "repeat", ctx, private, last=last)
        return build([line], Priority.FORCE_START, must_stay=True, topic=state.current_topic,
                     entity=state.current_entity, expects=state.expecting, state=private | {"last": last},
                     meta={"repeated": True})

    def _original(self, ctx: TurnContext) -> str | None:
        last = ctx.state.last_bot_text
        history = ctx.state.history
        said_by = next((u.responder for u in reversed(history) if u.speaker == "bot"), None)
        if said_by == self.name and ctx.private.get("last"):
            return str(ctx.private["last"])
        return last
