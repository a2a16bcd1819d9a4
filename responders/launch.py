"""Launch: greet, ask the user's name, remember it (across sessions when the channel has a user id)."""

from __future__ import annotations

from pathlib import Path

from chirpy.content import compile_patterns, load_content, normalise
from chirpy.phrasing import pick_phrasing
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, Returned, TurnContext

CONTENT = Path(__file__).parent / "content" / "launch.toml"


@responders.register("launch")
class LaunchResponder(Responder):
    def __init__(self, config: dict | None = None) -> None:
        super().__init__(config)
        self.content = load_content(self.config.get("content", CONTENT), CONTENT.parent)
        self.declines = compile_patterns(self.content["decline_patterns"])

    def _say(self, ctx: TurnContext, slot: str, private: dict, **fields: str) -> str:
        return pick_phrasing(self.content[slot], slot, private, ctx.rng, ctx.turn_index, ctx.already_said, **fields)

    def respond(self, ctx: TurnContext) -> Returned:
        private = ctx.private
        if ctx.annotations.is_launch:
            if ctx.state.user_name:  # a returning user: the channel remembered their name
                text = self._say(ctx, "welcome_back", private, name=ctx.state.user_name)
                return Candidate(text, Priority.FORCE_START, needs_prompt=True, state=private | {"stage": "done"})
            text = self._say(ctx, "greeting", private)
            # must_stay: the initiative controller may not turn this question into a statement.
            return Candidate(text, Priority.FORCE_START, expects="name", must_stay=True,
                             state=private | {"stage": "asked_name"})
        if private.get("stage") != "asked_name" or ctx.state.expecting != "name":
            return None
        done = private | {"stage": "done"}
        name = ctx.annotations.user_name
        if name:
            text = self._say(ctx, "nice_to_meet", done, name=name)
            return Candidate(text, Priority.STRONG_CONTINUE, needs_prompt=True, state=done)
        if self.declines.search(normalise(ctx.annotations.text)):
            return Candidate(self._say(ctx, "no_name", done), Priority.STRONG_CONTINUE, needs_prompt=True, state=done)
        # Not a name and not a refusal (a question, a greeting...): let others answer it if they can.
        return Candidate(self._say(ctx, "not_a_name", done), Priority.WEAK_CONTINUE, needs_prompt=True, state=done)
