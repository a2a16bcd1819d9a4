"""The offense handler: answer an offensive user the way that most reduces re-offense.

It takes the turn at force-start priority whenever the offense annotator flags the user's
utterance. The conversation's arm of the "offense_strategy" experiment picks the strategy
(avoidance / why / counter / empathetic, with or without the user's name and a redirect); a
redirect asks another responder for a prompt so a new topic opens in the same turn, and the
current topic is dropped. Self-harm always gets a caring answer that points to help, whatever the
arm. A user who keeps offending is offered a way out, then the bot says goodbye, instead of looping.

Everything eval needs (offense type, arm, strategy actually used, offense count, action) goes in
the candidate's ``meta``, which the store logs with the turn.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from chirpy.content import load_content
from chirpy.errors import ConfigError
from chirpy.experiments import Experiment
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, Returned, TurnContext
from classifiers.offense import classify_offense
from responders.offense.strategy import ARMS, DEFAULT_ARM, EXPERIMENT, Strategy

log = logging.getLogger("chirpy.responders.offense")

CONTENT = Path(__file__).parent / "phrasings.toml"
END_OFFER = "end_offer"  # Candidate.expects value: the bot asked whether to end the conversation


@responders.register("offense")
class OffenseResponder(Responder):
    defaults = {
        "content": "",  # "": phrasings.toml beside this module
        "escalate_after": 3,  # offenses before the bot offers to end the conversation
        "end_after": 5,  # offenses before it says goodbye (0 = never)
        "default_arm": DEFAULT_ARM,  # the strategy when the offense_strategy experiment is not declared
        "help_line": "",  # "": the phrasings file's self-harm help line
    }
    experiments = (EXPERIMENT,)

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.content = load_content(self.config["content"] or CONTENT, CONTENT.parent)
        try:
            self.escalate_after = int(self.config["escalate_after"])
            self.end_after = int(self.config["end_after"])
        except (TypeError, ValueError):
            raise ConfigError("[responders.offense] escalate_after and end_after must be integers") from None
        if self.escalate_after < 1 or (self.end_after and self.end_after < self.escalate_after):
            raise ConfigError("[responders.offense] needs escalate_after >= 1 and end_after 0 or >= escalate_after")
        self.default_arm = str(self.config["default_arm"])
        self.help_line = str(self.config["help_line"] or self.content["self_harm"]["help"])
        self._check_arms((*ARMS, self.default_arm), "offense phrasings")

    def check_experiments(self, experiments: dict[str, Experiment]) -> None:
        """The arms a team declares must be strategies this handler can say: checked at start-up."""
        self._check_arms(experiments[EXPERIMENT].arms, f"[experiments.{EXPERIMENT}]")

    def _check_arms(self, arms: tuple[str, ...], where: str) -> None:
        strategies = self.content.get("strategy", {})
        for arm in arms:
            try:
                base = Strategy.parse(arm).base
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
            if not strategies.get(base, {}).get("default"):
                raise ConfigError(f"{where}: arm {arm!r} needs 'default' phrasings for strategy {base!r}")

    # -- the turn --------------------------------------------------------------------------------
    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch or ann.is_empty:
            return None
        offense = ann.offense if ann.offense is not None else classify_offense(ann.text).to_dict()
        private = dict(ctx.private)
        if offense.get("self_harm"):
            return self._self_harm(ctx, private, offense)
        awaiting = ctx.state.expecting == END_OFFER and ctx.state.active_responder == self.name
        if not offense.get("is_offensive"):
            return self._answer_to_offer(ctx, private) if awaiting else None
        count = int(private.get("offenses", 0)) + 1
        private["offenses"] = count
        private["last_offense_turn"] = ctx.turn_index
        if self.end_after and count >= self.end_after and private.get("offered_end"):
            return self._goodbye(ctx, private, offense, "repeated_offense")
        if count >= self.escalate_after and not private.get("offered_end"):
            private["offered_end"] = ctx.turn_index
            return self._offer_end(ctx, private, offense)
        return self._strategy(ctx, private, offense)

    def _strategy(self, ctx: TurnContext, private: dict[str, Any], offense: dict[str, Any]) -> Candidate:
        strategy = self._strategy_for(ctx)
        kind = offense.get("type") or "default"
        options = self.content["strategy"][strategy.base]
        slot = f"{strategy.base}:{kind if kind in options else 'default'}"
        line = ctx.pick(options.get(kind) or options["default"], slot, private)
        name = ctx.user_name if strategy.use_name else None
        if name:
            line = ctx.pick(self.content["name_frames"], "name_frame", private, name=name, line=_lower_first(line))
        used = strategy.used(name_known=bool(name))
        return Candidate(
            line, Priority.FORCE_START, needs_prompt=strategy.redirect, must_stay=True, topic=None, state=private,
            repeatable=True, meta=self._meta(ctx, private, offense, action="strategy", arm=strategy.arm, strategy=used),
        )

    def _offer_end(self, ctx: TurnContext, private: dict[str, Any], offense: dict[str, Any]) -> Candidate:
        text = self._say(ctx, private, "offer_end")
        return Candidate(text, Priority.FORCE_START, must_stay=True, expects=END_OFFER, topic=None, state=private,
                         repeatable=True, meta=self._meta(ctx, private, offense, action="offer_end"))

    def _goodbye(self, ctx: TurnContext, private: dict[str, Any], offense: dict[str, Any] | None,
                 reason: str) -> Candidate:
        text = self._say(ctx, private, "goodbye")
        return Candidate(text, Priority.FORCE_START, must_stay=True, ends_conversation=True, end_reason=reason,
                         state=private, repeatable=True, meta=self._meta(ctx, private, offense, action="end"))

    def _answer_to_offer(self, ctx: TurnContext, private: dict[str, Any]) -> Candidate | None:
        ann = ctx.annotations
        if ann.is_yes:
            return self._goodbye(ctx, private, None, "accepted_end_offer")
        if ann.is_no:
            text = self._say(ctx, private, "carry_on")
            return Candidate(text, Priority.FORCE_START, needs_prompt=True, must_stay=True, topic=None, state=private,
                             repeatable=True, meta=self._meta(ctx, private, None, action="declined_end_offer"))
        return None  # the user moved on: let the other responders answer

    def _self_harm(self, ctx: TurnContext, private: dict[str, Any], offense: dict[str, Any]) -> Candidate:
        private["self_harm"] = int(private.get("self_harm", 0)) + 1
        text = ctx.pick(self.content["self_harm"]["responses"], "self_harm", private, help=self.help_line)
        # No redirect: changing the subject here would be deflecting someone who may need help.
        return Candidate(text, Priority.FORCE_START, must_stay=True, topic=None, state=private,
                         repeatable=True, meta=self._meta(ctx, private, offense, action="self_harm", strategy="care"))

    # -- helpers ---------------------------------------------------------------------------------
    def _strategy_for(self, ctx: TurnContext) -> Strategy:
        arm = ctx.arms.get(EXPERIMENT, self.default_arm)
        try:
            strategy = Strategy.parse(arm)
        except ValueError as exc:
            log.warning("%s; using %s", exc, self.default_arm)
            return Strategy.parse(self.default_arm)
        if strategy.base not in self.content["strategy"]:
            log.warning("no phrasings for offense strategy %r; using %s", strategy.base, self.default_arm)
            return Strategy.parse(self.default_arm)
        return strategy

    def _say(self, ctx: TurnContext, private: dict[str, Any], slot: str) -> str:
        return ctx.pick(self.content["escalation"][slot], slot, private)

    def _meta(self, ctx: TurnContext, private: dict[str, Any], offense: dict[str, Any] | None, *, action: str,
              arm: str | None = None, strategy: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "offense_type": (offense or {}).get("type"),
            "offense_types": list((offense or {}).get("types", [])),
            "offense_arm": arm or ctx.arms.get(EXPERIMENT, self.default_arm),
            "offense_strategy": strategy,
            "offense_action": action,
            "offense_count": int(private.get("offenses", 0)),
            "dropped_topic": ctx.state.current_topic,
            **extra,
        }


def _lower_first(line: str) -> str:
    """"Let's keep it friendly." -> "let's keep it friendly." for "Sam, let's ..."; "I'd ..." stays."""
    if line[:2] in ("I ", "I'") or not line:
        return line
    return line[0].lower() + line[1:]
