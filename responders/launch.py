"""Launch: greet, ask the user's name, remember it (across sessions when the channel has a user id)."""

from __future__ import annotations

from pathlib import Path

from chirpy.content import compile_patterns, normalise
from chirpy.registry import responders
from chirpy.responder import Candidate, ContentResponder, Priority, Returned, TurnContext

CONTENT = Path(__file__).parent / "content" / "launch.toml"


@responders.register("launch")
class LaunchResponder(ContentResponder):
    CONTENT = CONTENT

    def __init__(self, config: dict | None = None) -> None:
        super().__init__(config)
        self.declines = compile_patterns(self.content["decline_patterns"])

    def respond(self, ctx: TurnContext) -> Returned:
        private = ctx.private
        if ctx.annotations.is_launch:
            if ctx.state.user_name:  # a returning user: the channel remembered their name
                text = self.say(ctx, "welcome_back", private, name=ctx.state.user_name)
                return Candidate(text, Priority.FORCE_START, needs_prompt=True, state=private | {"stage": "done"})
            text = self.say(ctx, "greeting", private)
            # must_stay: the initiative controller may not turn this question into a statement.
            return Candidate(text, Priority.FORCE_START, expects="name", must_stay=True,
                             state=private | {"stage": "asked_name"})
        if private.get("stage") != "asked_name" or ctx.state.expecting != "name":
            return None
        done = private | {"stage": "done"}
        name = ctx.annotations.user_name
        if name:
            text = self.say(ctx, "nice_to_meet", done, name=name)
            return Candidate(text, Priority.STRONG_CONTINUE, needs_prompt=True, state=done)
        if self.declines.search(normalise(ctx.annotations.text)):
            return Candidate(self.say(ctx, "no_name", done), Priority.STRONG_CONTINUE, needs_prompt=True, state=done)
        # Not a name and not a refusal (a question, a greeting...): let others answer it if they can.
        return Candidate(self.say(ctx, "not_a_name", done), Priority.WEAK_CONTINUE, needs_prompt=True, state=done)
