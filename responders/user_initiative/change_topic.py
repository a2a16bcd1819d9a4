"""The user steers the conversation: "let's talk about X", "I don't want to talk about this".

A request for a topic a script covers is answered briefly and handed to that topic's prompt
(``Handoff.requested``: the topic engine opens at force-start). Anything else ("let's talk
about quantum physics") is welcomed and the user leads. Leaving ("change the subject", or the
dissatisfaction annotator's ``change_topic``) hands over with ``Handoff.leave_topic`` so the
current topic does not simply resume.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chirpy.registry import responders
from chirpy.responder import Handoff, Priority, Responder, Returned, TurnContext
from responders.topics.lines import build, choose, load_slots
from responders.user_initiative.intents import load_intents, match

CONTENT = Path(__file__).parent / "content" / "change_topic.toml"


@responders.register("change_topic")
class ChangeTopicResponder(Responder):
    defaults = {"content": ""}  # "": the file beside this module

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        path = self.config["content"] or CONTENT
        self.intents, data = load_intents(path, CONTENT.parent)
        self.lines = load_slots(data, str(path))
        self.vague = frozenset(data.get("vague_things", []))
        self.about_bot = frozenset(data.get("about_bot", []))

    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch or ann.is_empty:
            return None
        found = match(self.intents, ann.text)
        if found is None:
            if "change_topic" in ann.dissatisfaction:
                return self._leave(ctx, "leave", {})
            return None
        intent, matched = found
        thing = (matched.groupdict().get("thing") or "").strip()
        thing = " ".join(w for w in thing.split() if w not in ("the", "a", "an", "some", "please", "now"))
        if intent.id == "request":
            return self._request(ctx, thing)
        if intent.id == "avoid" and (not thing or thing in self.vague):
            return self._leave(ctx, "leave", {})
        return self._leave(ctx, intent.id, {"thing": thing} if thing else {})

    def _leave(self, ctx: TurnContext, intent_id: str, fields: dict[str, str]) -> Returned:
        intent = next(i for i in self.intents if i.id == intent_id)
        private = dict(ctx.private)
        line = choose(intent.lines, intent_id, ctx, private, **fields)
        handoff = Handoff(leave_topic=True, avoid=fields.get("thing") or None)
        return build([line], Priority.FORCE_START, needs_prompt=True, handoff=handoff, state=private,
                     meta={"intent": intent_id})

    def _request(self, ctx: TurnContext, thing: str) -> Returned:
        private = dict(ctx.private)
        if not thing or thing in self.vague:
            return self._leave(ctx, "pick", {})
        if thing in self.about_bot:
            line = choose(self.lines["about_me"], "about_me", ctx, private)
            return build([line], Priority.FORCE_START, needs_prompt=True, state=private, meta={"intent": "about_me"})
        if ctx.topics.claiming(thing):
            intent = next(i for i in self.intents if i.id == "request")
            line = choose(intent.lines, "request", ctx, private, thing=thing)
            return build([line], Priority.FORCE_START, needs_prompt=True, state=private,
                         handoff=Handoff(leave_topic=True, requested=thing), meta={"intent": "request"})
        line = choose(self.lines["open_thing"], "open_thing", ctx, private, thing=thing)
        return build([line], Priority.FORCE_START, entity=thing, state=private, user_led=True,
                     meta={"intent": "request"})
