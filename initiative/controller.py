"""The initiative controller: a shaper that lets the user lead more of the conversation.

After selection it may (1) replace a user-led line with a back-channel, (2) turn a closing question
into a statement, (3) prefer the statement type of the conversation's arm — each at the rate of the
conversation's experiment arms, decided with the turn's seeded RNG so replays repeat exactly.
Every turn logs, in ``details["initiative"]``, the arms, what was eligible, what changed, and the
initiative measures of the user utterance that answered the *previous* bot turn (with a copy of
what the controller did at that turn under ``user_measures.responds_to``).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from pathlib import Path
from typing import Any

from chirpy.component import Component
from chirpy.content import load_content
from chirpy.errors import ConfigError
from chirpy.experiments import Experiment
from initiative.arms import BACKCHANNEL, QUESTION_REMOVAL, STATEMENT_TYPE, ArmDefaults, InitiativeArms, parse_rate
from initiative.backchannel import MIN_USER_WORDS, backchannel_skip
from initiative.lm import DEFAULT_HISTORY_TOKENS, load_utterance_scorer
from initiative.measures import user_measures
from initiative.statements import StatementSettings, find_preferred_type, find_statement, is_protected
from chirpy.registry import shapers
from chirpy.responder import STATEMENT_TYPES, Candidate, TurnContext
from chirpy.turn import ChosenTurn

log = logging.getLogger("initiative")

NAME = "initiative"  # shaper name, details key and per-conversation state key
CONTENT_DIR = Path(__file__).parent / "content"
BACKCHANNELS = CONTENT_DIR / "backchannels.toml"


@shapers.register(NAME)
class InitiativeController(Component):
    """Config table ``[initiative]`` (documented in chirpy/default_config.toml)."""

    defaults = {
        "min_user_words": MIN_USER_WORDS,  # no back-channel after a shorter user utterance
        "backchannels": "",  # "": content/backchannels.toml
        "lm_model": "",  # local causal LM dir: log the NLL of user utterances ("" = off)
        "lm_history_tokens": DEFAULT_HISTORY_TOKENS,
        "score_tolerance": {"likelihood": 0.25},  # how far a "near-equal" alternative may fall behind
        "max_rank_gap": 5,
        "strip_trailing_question": True,  # last resort: "Oh no. What happened?" -> "Oh no."
        "min_strip_words": 3,
        # Arms used when a team's config does not declare the experiment.
        "default_question_removal": ArmDefaults.question_removal,
        "default_statement_type": ArmDefaults.statement_type,
        "default_backchannel": ArmDefaults.backchannel,
    }
    experiments = (QUESTION_REMOVAL, STATEMENT_TYPE, BACKCHANNEL)

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.arm_defaults = ArmDefaults.from_config(self.config)
        self.settings = StatementSettings.from_config(self.config)
        self.min_user_words = int(self.config["min_user_words"])
        content = load_content(self.config["backchannels"] or BACKCHANNELS, CONTENT_DIR)
        self.backchannels = [str(p) for p in content.get("phrasings", []) if str(p).strip()]
        if not self.backchannels:
            raise ConfigError("[initiative] backchannels file lists no phrasings")
        self.scorer, message = load_utterance_scorer(
            str(self.config["lm_model"] or ""),
            int(self.config["lm_history_tokens"]),
        )
        if message:
            log.warning(message)

    def check_experiments(self, experiments: dict[str, Experiment]) -> None:
        """Rates must be percentages and statement types known: refused at start-up, not mid-turn."""
        for name in (QUESTION_REMOVAL, BACKCHANNEL):
            for arm in experiments[name].arms if name in experiments else ():
                parse_rate(arm, f"[experiments.{name}]")
        for arm in experiments[STATEMENT_TYPE].arms if STATEMENT_TYPE in experiments else ():
            if arm not in STATEMENT_TYPES:
                raise ConfigError(f"[experiments.{STATEMENT_TYPE}]: arm {arm!r} is not one of {list(STATEMENT_TYPES)}")

    def shape(self, turn: ChosenTurn, ctx: TurnContext) -> None:
        private = copy.deepcopy(ctx.state.responder_states.get(NAME, {}))
        previous = private.get("last")
        arms = self.arm_defaults.resolve(ctx.arms)
        # Both coins are thrown every turn, eligible or not, so one decision never shifts the other's stream.
        backchannel_coin, question_coin = ctx.rng.random(), ctx.rng.random()
        record: dict[str, Any] = {"arms": arms.to_dict(), "user_measures": self._measures(ctx, previous)}

        record["backchannel"] = self._backchannel(turn, ctx, arms, previous, backchannel_coin, private)
        if record["backchannel"]["applied"]:
            action = "backchannel"
            record["question_removal"] = {"eligible": False, "skip": "backchannel", "applied": False}
            record["statement_type"] = {"preferred": arms.statement_type, "switched": False}
        else:
            record["question_removal"] = self._remove_question(turn, ctx, arms, question_coin)
            record["statement_type"] = self._prefer_type(turn, arms, record["question_removal"]["applied"])
            action = ("question_removed" if record["question_removal"]["applied"]
                      else "statement_type" if record["statement_type"]["switched"] else "none")

        final = turn.prompt or turn.response
        record["action"] = action
        record["ends_with_question"] = bool(final.is_question)
        record["statement_type"]["said"] = None if final.is_question else final.statement_type
        turn.details[NAME] = record
        private["last"] = {
            "turn_index": ctx.turn_index, "action": action, "ends_with_question": record["ends_with_question"],
            "statement_type": record["statement_type"]["said"], "responder": final.responder,
            "arms": arms.to_dict(),
        }
        turn.state_updates[NAME] = private

    # -- measures ------------------------------------------------------------------------------
    def _measures(self, ctx: TurnContext, previous: dict[str, Any] | None) -> dict[str, Any] | None:
        ann = ctx.annotations
        if ann.is_launch:
            return None
        history = [u.text for u in ctx.state.history]
        try:
            measures = user_measures(ann, history, self.scorer)
        except Exception as exc:  # noqa: BLE001 — a failing language model loses one figure, not the turn
            log.warning("initiative: NLL failed: %s", exc)
            measures = user_measures(ann, history, None)
        measures["responds_to"] = copy.deepcopy(previous)
        return measures

    # -- back-channels -------------------------------------------------------------------------
    def _backchannel(self, turn: ChosenTurn, ctx: TurnContext, arms: InitiativeArms,
                     previous: dict[str, Any] | None, coin: float, private: dict[str, Any]) -> dict[str, Any]:
        skip = backchannel_skip(turn, ctx.annotations, previous, self.min_user_words)
        decision = {"eligible": skip is None, "skip": skip, "applied": False}
        if skip is not None or coin >= arms.backchannel_rate:
            return decision
        original = turn.response
        text = ctx.pick(self.backchannels, "backchannel", private)
        meta = {**original.meta, "initiative": {"method": "backchannel", "original": original.text}}
        turn.response = dataclasses.replace(original, text=text, is_question=False, needs_prompt=False, handoff=None,
                                            statements=(), statement_type=None, scores={}, meta=meta, rejected=None)
        self._changed(turn, "backchannel", "response", original, turn.response)
        decision["applied"] = True
        return decision

    # -- questions → statements ----------------------------------------------------------------
    def _remove_question(self, turn: ChosenTurn, ctx: TurnContext, arms: InitiativeArms,
                         coin: float) -> dict[str, Any]:
        slot = "prompt" if turn.prompt is not None else "response"
        line: Candidate = getattr(turn, slot)
        ranked = turn.ranked_prompts if slot == "prompt" else turn.ranked_responses
        decision: dict[str, Any] = {"eligible": False, "skip": None, "applied": False}
        if not line.is_question:
            decision["skip"] = "not_question"
        elif is_protected(line):
            decision["skip"] = "must_stay"
        else:
            found = find_statement(line, ranked, arms.statement_type, self.settings, ctx.already_said)
            if found is None:
                decision["skip"] = "no_statement_form"
            else:
                decision["eligible"] = True
                if coin < arms.question_removal_rate:
                    setattr(turn, slot, found.candidate)
                    self._changed(turn, "question_removed", slot, line, found.candidate, method=found.method)
                    decision.update(applied=True, method=found.method, statement_type=found.statement_type)
        return decision

    def _prefer_type(self, turn: ChosenTurn, arms: InitiativeArms, already_chose: bool) -> dict[str, Any]:
        decision: dict[str, Any] = {"preferred": arms.statement_type, "switched": False}
        slot = "prompt" if turn.prompt is not None else "response"
        line: Candidate = getattr(turn, slot)
        if already_chose or is_protected(line):
            return decision
        ranked = turn.ranked_prompts if slot == "prompt" else turn.ranked_responses
        other = find_preferred_type(line, ranked, arms.statement_type, self.settings)
        if other is not None:
            setattr(turn, slot, other)
            self._changed(turn, "statement_type", slot, line, other)
            decision["switched"] = True
        return decision

    @staticmethod
    def _changed(turn: ChosenTurn, action: str, slot: str, before: Candidate, after: Candidate, **extra: Any) -> None:
        turn.changes.append({"shaper": NAME, "action": action, "line": slot, "from": before.text,
                             "to": after.text, **extra})
