"""Launch: greet, ask the user's name, remember it (across sessions when the channel has a user id).

The name flow lives here too, wherever in the conversation it happens: an answer to any "what
should I call you?" (the greeting's or bot_facts' when asked "what's my name" too early), one more
ask when the answer was only a greeting ("hi there"), a name given unprompted ("by the way my name
is priya") and a correction of a name the bot got wrong ("no, it's bea").
"""

from __future__ import annotations

from pathlib import Path

from chirpy.content import compile_patterns, normalise
from chirpy.registry import responders
from chirpy.responder import Candidate, ContentResponder, Priority, Returned, TurnContext
from chirpy.understanding.acts import vocabulary as acts

CONTENT = Path(__file__).parent / "content" / "launch.toml"
# A reply made only of these acts says hello but gives no name: ask once more.
GREETING_ONLY = frozenset({acts.GREETING, acts.BACK_CHANNEL, acts.POS_ANSWER})


@responders.register("launch")
class LaunchResponder(ContentResponder):
    CONTENT = CONTENT

    def __init__(self, config: dict | None = None) -> None:
        super().__init__(config)
        self.declines = compile_patterns(self.content["decline_patterns"])

    def respond(self, ctx: TurnContext) -> Returned:
        private, ann = ctx.private, ctx.annotations
        if ann.is_launch:
            if ctx.state.user_name:  # a returning user: the channel remembered their name
                text = self.say(ctx, "welcome_back", private, name=ctx.state.user_name)
                return Candidate(text, Priority.FORCE_START, needs_prompt=True, state=private | {"stage": "done"})
            text = self.say(ctx, "greeting", private)
            # must_stay: the initiative controller may not turn this question into a statement.
            return Candidate(text, Priority.FORCE_START, expects="name", must_stay=True,
                             state=private | {"stage": "asked_name"})
        if ctx.state.expecting == "name":
            return self._answer(ctx)
        if ann.user_name and ann.user_name != ctx.state.user_name:
            return self._told(ctx)
        return None

    def prompt(self, ctx: TurnContext) -> Returned:
        """Someone else answered "hi, how are you?": ask for the name once more after their answer."""
        if self._ask_again(ctx) and ctx.annotations.has_act(acts.GREETING):
            text = self.say(ctx, "ask_again_prompt", ctx.private)
            return Candidate(text, Priority.FORCE_START, expects="name", must_stay=True,
                             state=ctx.private | {"stage": "asked_again"})
        return None

    def _answer(self, ctx: TurnContext) -> Returned:
        private, ann = ctx.private, ctx.annotations
        done = private | {"stage": "done"}
        if ann.user_name:
            text = self.say(ctx, "nice_to_meet", done, name=ann.user_name)
            return Candidate(text, Priority.STRONG_CONTINUE, needs_prompt=True, state=done)
        if self.declines.search(normalise(ann.text)):
            return Candidate(self.say(ctx, "no_name", done), Priority.STRONG_CONTINUE, needs_prompt=True, state=done)
        if self._ask_again(ctx) and ann.acts and set(ann.acts) <= GREETING_ONLY and acts.GREETING in ann.acts:
            again = private | {"stage": "asked_again"}
            return Candidate(self.say(ctx, "ask_again", again), Priority.STRONG_CONTINUE, expects="name",
                             must_stay=True, state=again)
        # Not a name and not a refusal (a question, a greeting...): let others answer it if they can
        # (even weakly: "do you like birds" gets the answers responder's reply, not "Alright!").
        return Candidate(self.say(ctx, "not_a_name", done), Priority.UNIVERSAL_FALLBACK, needs_prompt=True, state=done)

    def _told(self, ctx: TurnContext) -> Candidate:
        """A name given outside the name question: a correction, or a first introduction."""
        private, ann = ctx.private, ctx.annotations
        slot = "corrected" if ctx.state.user_name else "nice_to_meet"
        text = self.say(ctx, slot, private, name=ann.user_name or "")
        return Candidate(text, Priority.FORCE_START, needs_prompt=True, state=private | {"stage": "done"},
                         topic=ctx.state.current_topic, entity=ctx.state.current_entity)

    @staticmethod
    def _ask_again(ctx: TurnContext) -> bool:
        return ctx.state.expecting == "name" and ctx.private.get("stage") == "asked_name" and not ctx.annotations.user_name
