"""The turn pipeline: annotate → responders in parallel → select → prompt → shape → log.

``Bot`` is the one object every interface drives (terminal chat, HTTP server, replay). It holds no
per-conversation memory of its own: each turn loads the conversation's state from the store and
writes the turn and the new state back in one transaction, so several worker processes can share
one log and a crash never leaves half a turn behind.
"""

from __future__ import annotations

import copy
import logging
import random
import threading
import time
import uuid
from functools import partial
from typing import Any

from chirpy import filters as _core_filters  # noqa: F401 — registers the built-in no_repeat filter
from chirpy import registry
from chirpy.registry import lookup
from chirpy.annotations import Annotations, CoreAnnotator
from chirpy.component import check_settings
from chirpy.config import Config
from chirpy.errors import ChirpyError, ComponentUnavailable, ConfigError, ConversationEnded
from chirpy.experiments import assign_arms, load_experiments
from chirpy.nlp import load_nlp
from chirpy.responder import Candidate, Priority, Responder, TurnContext, as_list
from chirpy.runner import ResponderRun, ResponderRunner
from chirpy.selection import compose, rank
from chirpy.state import ConversationState, Utterance
from chirpy.store import TurnRecord
from chirpy.text import CleanText, clean_user_text
from chirpy.topics import TopicIndex
from chirpy.turn import ChosenTurn, TurnResult
from chirpy.understanding.facts import UserFacts
from chirpy.understanding.facts.reader import fact_reader

log = logging.getLogger("chirpy.bot")

# Said only if every responder, the fallback included, failed or was filtered out.
LAST_RESORT = "Sorry, I lost my train of thought there. What would you like to talk about?"
# The prompt phase follows the response phase; it gets what is left of the deadline, but never
# less than this, so a slow response phase cannot leave a redirect without its new topic.
PROMPT_PHASE_FLOOR_S = 0.2
MAX_ENTITIES = 20  # entities remembered in the conversation state


class Bot:
    def __init__(self, config: Config, *, store: Any = None, arm_overrides: dict[str, str] | None = None) -> None:
        config.import_plugins()
        self.config = config
        bot = config.bot
        self.seed = int(bot.get("seed", 0))
        self.deadline_s = float(bot.get("deadline_seconds", 2.0))
        self.max_input_chars = int(bot.get("max_input_chars", 1000))
        self.experiments = load_experiments(config.experiments)
        self.arm_overrides = dict(arm_overrides or {})
        assign_arms(self.experiments, "validate", self.seed, self.arm_overrides)  # bad overrides fail now
        self.store = store if store is not None else open_store(config, bot.get("db", "chirpy.db"))
        self.nlp = load_nlp(str(bot.get("spacy_model", "auto")))
        self.annotator = CoreAnnotator(self.nlp)
        self.resources: dict[str, Any] = {}  # shared by the parts that declare them (Component.uses)
        self.missing_resources: set[str] = set()
        self.responders = self._build_responders()
        self.order = list(self.responders)
        # What responders legitimately share about each other, built once: never the Bot itself.
        self.topics = TopicIndex([t for r in self.responders.values() for t in r.topics()], self.seed)
        self.annotators = self._build_components(registry.annotators, "annotators")
        self.filters = self._build_components(registry.filters, "filters")
        self.shapers = self._build_components(registry.shapers, "shapers")
        self._check_requirements()
        self.runner = ResponderRunner.from_config(bot, len(self.responders))

    # -- building ------------------------------------------------------------------------------
    def _build_responders(self) -> dict[str, Responder]:
        built: dict[str, Responder] = {}
        for name in self.config.responder_order:
            table = self.config.responder_config(name)
            cls = lookup(registry.responders, str(table.get("type", name)), "responder")
            responder = self._make(name, cls, table, f"[responders.{name}]")
            if responder is not None:
                responder.name = name
                built[name] = responder
        if not built:
            raise ConfigError("no responder could be started")
        return built

    def _build_components(self, reg: Any, key: str) -> list[tuple[str, Any]]:
        parts = []
        for name in self.config.pipeline.get(key, []):
            part = self._make(name, lookup(reg, name, key[:-1]), self.config.section(name), f"[{name}]")
            if part is not None:
                parts.append((name, part))
        return parts

    def _make(self, name: str, cls: type, table: dict[str, Any], where: str) -> Any:
        """One part, with the shared resources it declares (``uses``); ``None`` when it or one of
        them is unavailable (said once, in one line: the bot runs without it)."""
        check_settings(cls, table, where)
        uses = tuple(getattr(cls, "uses", ()))
        for resource in uses:
            if resource not in self.resources and resource not in self.missing_resources:
                self._open_resource(resource)
        if any(r in self.missing_resources for r in uses):
            log.info("%s: off, %s is unavailable", name, ", ".join(r for r in uses if r in self.missing_resources))
            return None
        try:
            return cls(table, resources={r: self.resources[r] for r in uses}) if uses else cls(table)
        except ComponentUnavailable as exc:
            log.warning("%s: %s — running without it", name, exc)
            return None

    def _open_resource(self, name: str) -> None:
        """Open a shared resource (the knowledge store, ...) once, from its ``[NAME]`` table."""
        factory = lookup(registry.resources, name, "resource")
        try:
            self.resources[name] = factory(self.config.section(name))
        except ComponentUnavailable as exc:
            self.missing_resources.add(name)
            log.warning("%s: %s — running without it and the parts that use it", name, exc)

    def _check_requirements(self) -> None:
        """Every part finds the annotations it reads, filled before it runs, and the arms it runs are
        ones it can run: a one-line error at start-up rather than a silently different bot."""
        provided: set[str] = set()
        for name, annotator in self.annotators:
            _require(annotator, f"annotator {name!r}", provided, f"before {name!r} in [pipeline] annotators")
            provided |= set(getattr(annotator, "provides", ()))
        parts = [(f"responder {n!r}", r) for n, r in self.responders.items()]
        parts += [(f"filter {n!r}", f) for n, f in self.filters] + [(f"shaper {n!r}", s) for n, s in self.shapers]
        for what, part in parts:
            _require(part, what, provided, "in [pipeline] annotators")
        for what, part in [(f"annotator {n!r}", a) for n, a in self.annotators] + parts:
            declared = {e: self.experiments[e] for e in getattr(part, "experiments", ()) if e in self.experiments}
            if declared and hasattr(part, "check_experiments"):
                part.check_experiments(declared)

    # -- conversations -------------------------------------------------------------------------
    def start(
        self,
        conversation_id: str | None = None,
        *,
        user_id: str | None = None,
        arms: dict[str, str] | None = None,
        channel: str | None = None,
        rng_key: str | None = None,
    ) -> TurnResult:
        """Open a conversation: the bot speaks first (the launch turn, with no user utterance).
        ``rng_key`` (default: the conversation id) seeds its arms and phrasing choices: two
        conversations with the same key and the same user words go the same way."""
        conversation_id = conversation_id or uuid.uuid4().hex
        if self.store.load_state(conversation_id) is not None:
            raise ChirpyError(f"conversation {conversation_id} already exists")
        state = self._new_state(conversation_id, user_id, arms, rng_key)
        return self._turn(state, None, channel=channel)

    def respond(
        self,
        conversation_id: str,
        user_text: str | None,
        *,
        user_id: str | None = None,
        arms: dict[str, str] | None = None,
        channel: str | None = None,
    ) -> TurnResult:
        """One user turn. An unknown conversation id starts a conversation at this utterance."""
        state = self.store.load_state(conversation_id)
        if state is None:
            state = self._new_state(conversation_id, user_id, arms)
        elif state.ended:
            raise ConversationEnded(f"conversation {conversation_id} has ended")
        return self._turn(state, user_text or "", channel=channel)

    def end(self, conversation_id: str, reason: str) -> bool:
        return self.store.end_conversation(conversation_id, reason)

    def close(self) -> None:
        for responder in self.responders.values():
            try:
                responder.close()
            except Exception:  # noqa: BLE001 — shutting down: one bad close must not block the rest
                log.exception("closing responder %s", responder.name)
        self.runner.shutdown()
        self.store.close()

    def _new_state(self, conversation_id: str, user_id: str | None, arms: dict[str, str] | None,
                   rng_key: str | None = None) -> ConversationState:
        overrides = {**self.arm_overrides, **(arms or {})}
        state = ConversationState(conversation_id=conversation_id, user_id=user_id, rng_key=rng_key)
        state.arms = assign_arms(self.experiments, state.seed_key, self.seed, overrides)
        if user_id:
            known = self.store.user_facts(user_id)
            state.user_name = known.get("name")
            state.user_facts = UserFacts.from_list(known.get("facts"))
        return state

    # -- one turn ------------------------------------------------------------------------------
    def annotate(self, state: ConversationState, user_text: str | None) -> Annotations:
        """Everything the bot understands of one user turn (None: the launch), before any responder
        runs: the core reading, every configured annotator, then the facts about the user."""
        return self._annotate(state, clean_user_text(user_text, self.max_input_chars), user_text is None)

    def _annotate(self, state: ConversationState, clean: CleanText, is_launch: bool) -> Annotations:
        annotations = self.annotator.annotate(clean, is_launch=is_launch, expecting=state.expecting,
                                              known_name=state.user_name, last_bot_text=state.last_bot_text)
        for name, annotator in self.annotators:
            try:
                annotator.annotate(annotations, state)
            except Exception as exc:  # noqa: BLE001 — one failing annotator must not break the turn
                log.warning("annotator %s failed: %s", name, exc)
                annotations.extra.setdefault("annotator_errors", {})[name] = f"{type(exc).__name__}: {exc}"
        try:  # after the annotators: the facts use the linked entities
            annotations.user_facts = fact_reader().read(annotations, state, self.topics)
        except Exception as exc:  # noqa: BLE001 — a turn never fails because fact reading did
            log.warning("reading user facts failed: %s", exc)
        return annotations

    def _turn(self, state: ConversationState, user_text: str | None, *, channel: str | None) -> TurnResult:
        started = time.monotonic()
        deadline = started + self.deadline_s
        is_launch = user_text is None
        clean = clean_user_text(user_text, self.max_input_chars)
        annotations = self._annotate(state, clean, is_launch)

        responses, runs = self._run_phase("response", list(self.responders), state, annotations, deadline, None)
        response = self._choose(responses, "response") or self._last_resort()
        candidates = list(responses)
        prompts: list[Candidate] = []
        prompt = None
        if response.needs_prompt and not response.ends_conversation:
            names = [n for n in self.responders if n != response.responder]
            prompt_deadline = max(deadline, time.monotonic() + PROMPT_PHASE_FLOOR_S)
            prompts, prompt_runs = self._run_phase("prompt", names, state, annotations, prompt_deadline, response)
            runs += prompt_runs
            candidates += prompts
            prompt = self._choose(prompts, "prompt") or self._fallback_prompt(state, annotations, response)
            if prompt is not None and prompt not in candidates:
                candidates.append(prompt)

        turn = ChosenTurn(response, prompt, rank(responses, self.order), rank(prompts, self.order))
        self._shape(turn, self._context("shaper", state, annotations, deadline, threading.Event(), None))
        for candidate in (turn.response, turn.prompt):
            if candidate is not None and candidate not in candidates:
                candidates.append(candidate)  # a shaper's new line is logged like any other

        text = compose(turn.response, turn.prompt)
        latency_ms = (time.monotonic() - started) * 1000
        turn_index = state.turn_index
        self._advance_state(state, annotations, turn, text, is_launch)
        record = self._record(state, turn_index, clean.text if not is_launch else None, text, turn, candidates, runs,
                              annotations, latency_ms)
        user_facts = None
        if state.user_id and (state.user_name or annotations.user_facts):
            user_facts = {"name": state.user_name} if state.user_name else {}
            if annotations.user_facts:  # only when something new was said: most turns rewrite nothing
                user_facts["facts"] = state.user_facts.to_list()
        turn_id = self.store.save_turn(record, state, channel=channel, seed=self.seed, user_facts=user_facts)
        return TurnResult(
            conversation_id=state.conversation_id, turn_index=turn_index, text=text, ended=state.ended,
            response=turn.response, prompt=turn.prompt, candidates=candidates, runs=runs,
            annotations=annotations, latency_ms=latency_ms, turn_id=turn_id, changes=turn.changes,
        )

    def _context(
        self, name: str, state: ConversationState, annotations: Annotations, deadline: float,
        cancelled: threading.Event, response: Candidate | None,
    ) -> TurnContext:
        return TurnContext(
            conversation_id=state.conversation_id,
            turn_index=state.turn_index,
            annotations=annotations,
            state=state,
            private=copy.deepcopy(state.responder_states.get(name, {})),
            # A string seed is hashed deterministically (unlike hash()), so replays repeat exactly.
            rng=random.Random(f"{self.seed}:{state.seed_key}:{state.turn_index}:{name}"),
            deadline=deadline,
            cancelled=cancelled,
            response=response,
            topics=self.topics,
        )

    def _run_phase(
        self, phase: str, names: list[str], state: ConversationState, annotations: Annotations,
        deadline: float, response: Candidate | None,
    ) -> tuple[list[Candidate], list[ResponderRun]]:
        cancelled = threading.Event()
        calls = {}
        for name in names:
            responder = self.responders[name]
            ctx = self._context(name, state, annotations, deadline, cancelled, response)
            calls[name] = partial(responder.respond if phase == "response" else responder.prompt, ctx)
        runs = self.runner.run(calls, phase, deadline, cancelled)
        candidates = [c for run in runs for c in run.candidates]
        ctx = self._context("filters", state, annotations, deadline, cancelled, response)
        for candidate in candidates:
            self._filter(candidate, ctx)
        return candidates, runs

    def _filter(self, candidate: Candidate, ctx: TurnContext) -> None:
        # A responder may return candidates it rejected itself (e.g. neural samples its filters refused) so
        # they are logged with the reason; never un-reject them.
        candidate.rejected = candidate.rejected or self._refusal(candidate, ctx)

    def _choose(self, candidates: list[Candidate], phase: str) -> Candidate | None:
        ranked = rank(candidates, self.order)
        if ranked:
            return ranked[0]
        # Better to repeat ourselves than to say nothing: fall back to lines refused only for repetition.
        repeats = [c for c in candidates if c.rejected and c.rejected.startswith("no_repeat")]
        for candidate in repeats:
            candidate.rejected = None
        ranked = rank(repeats, self.order)
        if not ranked and phase == "response":
            log.warning("no usable response candidate; using the last-resort line")
        return ranked[0] if ranked else None

    def _shape(self, turn: ChosenTurn, ctx: TurnContext) -> None:
        """Run the shapers, then check any line they wrote or swapped in against the filters: the
        safety gate must see every word the bot speaks. A refused shaping is undone."""
        before = {part: (getattr(turn, part), getattr(turn, part).text if getattr(turn, part) else None)
                  for part in ("response", "prompt")}
        for name, shaper in self.shapers:
            try:
                shaper.shape(turn, ctx)
            except Exception as exc:  # noqa: BLE001 — shaping is optional polish; the turn stands without it
                log.warning("shaper %s failed: %s", name, exc)
                turn.changes.append({"shaper": name, "error": f"{type(exc).__name__}: {exc}"})
        for part, (original, original_text) in before.items():
            line = getattr(turn, part)
            if line is None or (line is original and line.text == original_text):
                continue
            # Back-channels and statement forms may legitimately echo earlier words: skip no_repeat.
            reason = self._refusal(line, ctx, skip=("no_repeat",))
            if reason:
                if original is not None:
                    original.text = original_text
                setattr(turn, part, original)
                turn.changes.append({"reverted": part, "reason": reason})

    def _refusal(self, candidate: Candidate, ctx: TurnContext, skip: tuple[str, ...] = ()) -> str | None:
        for name, check in self.filters:
            if name in skip:
                continue
            try:
                reason = check.check(candidate, ctx)
            except Exception as exc:  # noqa: BLE001 — a broken filter must not silence the bot
                log.warning("filter %s failed: %s", name, exc)
                continue
            if reason:
                return f"{name}: {reason}"
        return None

    def _fallback_prompt(self, state: ConversationState, annotations: Annotations, response: Candidate) -> Candidate | None:
        """No other responder offered a prompt: ask the universal fallback (even if it gave the response)."""
        name = str(self.config.bot.get("fallback", "fallback"))
        fallback = self.responders.get(name)
        if fallback is None:
            return None
        ctx = self._context(name, state, annotations, time.monotonic() + PROMPT_PHASE_FLOOR_S, threading.Event(), response)
        if response.responder == name and response.state is not None:
            ctx.private = copy.deepcopy(response.state)  # keep the response's phrasing memory
        try:
            prompts = as_list(fallback.prompt(ctx))
        except Exception as exc:  # noqa: BLE001
            log.warning("fallback prompt failed: %s", exc)
            return None
        for candidate in prompts:
            candidate.responder, candidate.kind = name, "prompt"
            self._filter(candidate, ctx)
        return self._choose(prompts, "prompt")

    @staticmethod
    def _last_resort() -> Candidate:
        return Candidate(LAST_RESORT, Priority.UNIVERSAL_FALLBACK, responder="last_resort")

    # -- after selection -----------------------------------------------------------------------
    def _advance_state(
        self, state: ConversationState, annotations: Annotations, turn: ChosenTurn, text: str, is_launch: bool
    ) -> None:
        if not is_launch:
            state.history.append(Utterance("user", annotations.text))
        parts = [c.text.strip() for c in (turn.response, turn.prompt) if c is not None]
        state.history.append(Utterance("bot", text, turn.response.responder, parts))
        if annotations.user_name:
            state.user_name = annotations.user_name
        state.user_facts.learn(annotations.user_facts)
        last = turn.prompt or turn.response
        for key in (e.id for e in annotations.linked_entities if e.named_in_full):
            # Bounded, latest last: "mars" after they said "bruno mars" is the singer (the entity linker).
            state.named_by_user = [e for e in state.named_by_user if e != key][-(MAX_ENTITIES - 1):]
            state.named_by_user.append(key)
        for candidate in (turn.response, turn.prompt):
            if candidate is not None and candidate.state is not None:
                state.responder_states[candidate.responder] = candidate.state
            if candidate is not None and candidate.topic and candidate.topic not in state.topics_covered:
                state.topics_covered.append(candidate.topic)
            key = candidate and (candidate.entity_id or candidate.entity)
            if key:
                # Bounded, most recent last: the entity linker weighs these to tell two "Mercury"s apart.
                state.entities = [e for e in state.entities if e != key][-(MAX_ENTITIES - 1):]
                state.entities.append(key)
        for name, update in turn.state_updates.items():
            state.responder_states[name] = update
        state.active_responder = last.responder
        state.current_topic = last.topic
        state.current_entity = last.entity
        state.expecting = last.expects
        state.turn_index += 1
        if turn.response.ends_conversation:
            state.ended = True
            state.end_reason = turn.response.end_reason or "bot_closed"

    def _record(
        self, state: ConversationState, turn_index: int, user_text: str | None, text: str, turn: ChosenTurn,
        candidates: list[Candidate], runs: list[ResponderRun], annotations: Annotations, latency_ms: float,
    ) -> TurnRecord:
        position = {id(c): i for i, c in enumerate(turn.ranked_responses + turn.ranked_prompts)}
        chosen = {id(turn.response), id(turn.prompt)}
        details: dict[str, Any] = {"response_meta": turn.response.meta, **turn.details}
        if turn.prompt is not None:
            details["prompt_meta"] = turn.prompt.meta
        if turn.changes:
            details["changes"] = turn.changes
        return TurnRecord(
            conversation_id=state.conversation_id,
            turn_index=turn_index,
            user_text=user_text,
            bot_text=text,
            response_responder=turn.response.responder,
            prompt_responder=turn.prompt.responder if turn.prompt else None,
            latency_ms=latency_ms,
            arms=state.arms,
            annotations=annotations.to_dict(),
            ended=state.ended,
            topic=state.current_topic,
            details=details,
            candidates=[
                {
                    "kind": c.kind, "responder": c.responder, "text": c.text, "priority": int(c.priority),
                    "rank": position.get(id(c)), "chosen": int(id(c) in chosen), "rejected": c.rejected,
                    "needs_prompt": int(c.needs_prompt), "is_question": int(bool(c.is_question)),
                    "scores": c.scores, "meta": c.meta,
                }
                for c in candidates
            ],
            runs=[
                {
                    "responder": r.responder, "phase": r.phase, "status": r.status,
                    "latency_ms": round(r.latency_ms, 3), "error": r.error, "n_candidates": len(r.candidates),
                }
                for r in runs
            ],
        )


def open_store(config: Config, location: str) -> Any:
    from chirpy.store import open_log

    return open_log(location, store=str(config.bot.get("store", "auto")))


def _require(part: Any, what: str, provided: set[str], where: str) -> None:
    missing = [f for f in getattr(part, "requires", ()) if f not in provided]
    if not missing:
        return
    field = missing[0]
    providers = sorted(n for n, cls in registry.annotators.get_all().items() if field in getattr(cls, "provides", ()))
    hint = f"enable the annotator {' or '.join(map(repr, providers))} {where}" if providers else "no annotator provides it"
    raise ConfigError(f"{what} reads annotation {field!r}: {hint}")
