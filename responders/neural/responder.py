"""The neural chit-chat responder ("neural" in the config): GPT-2 talk about the user's day.

Flow: its prompt (a scripted personal opener, content/openers.toml) opens a personal topic; for
the next ``max_turns`` turns it answers with sampled GPT-2 candidates that passed the filters,
best-scored first (scorer named by ``ranker``); on the last turn its line needs a prompt, so a
scripted topic takes over. Generation starts as soon as the pipeline calls ``respond`` (in parallel
with the other responders) and stops before the turn deadline, keeping the lines completed so far
(and lines cut right after a sentence end); how it stopped is logged with every candidate.

Config (``[responders.neural]``): the settings and defaults declared in ``NeuralResponder.defaults``
(``chirpy config`` prints them merged); backend = "openai" reads base_url, api, api_key_env,
prompt_prefix and extra_body (remote.py), the local backend model, precision, threads, device.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from chirpy.content import load_content
from chirpy.errors import ComponentUnavailable, ConfigError
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, Returned, TurnContext
from responders.neural.backend import NeuralBackend, backend_name
from responders.neural.contract import GenerationSettings, field_defaults
from responders.neural.filters import DEFAULT_FILTERS, FilterContext, build_filters, first_rejection
from responders.neural.remote import REMOTE_KEYS, RemoteSettings
from responders.neural.scoring import make_scorer

log = logging.getLogger("chirpy.neural")
CONTENT = Path(__file__).parent / "content" / "openers.toml"
GENERATION_KEYS = ("num_candidates", "max_new_tokens", "temperature", "top_p", "top_k", "history_tokens",
                   "history_trim_tokens", "prefix_cache_mb", "decode_threads")


@responders.register("neural")
class NeuralResponder(Responder):
    defaults = {
        "backend": "local",  # local: the model runs in this process | openai: an OpenAI-compatible server
        "model": "",  # local: hub name (local cache only when offline) or dir, "" = off; openai: the served name
        "download": True,  # fetch a hub model not in the local cache (skipped at once when offline)
        "precision": "auto",  # auto (measured here, per phase) | fp32 | bf16 | int8 | PREFILL/DECODE, e.g. fp32/int8
        "threads": 0,  # torch threads for the local model; 0 = torch's default
        "device": "cpu",  # cpu | cuda
        # Sampling and history (contract.GenerationSettings: the research recipe; history_trim_tokens and
        # prefix_cache_mb keep a conversation's encoded history reusable across turns).
        **field_defaults(GenerationSettings, GENERATION_KEYS),
        "max_turns": 3,  # neural turns after an opener before handing to a scripted topic
        "return_top": 10,  # candidates offered to selection; the rest are logged as rejected
        "deadline_margin_s": 0.15,  # generation stops this long before the turn deadline
        "ranker": "likelihood",  # a scorer in chirpy.registry.scorers (falls back to likelihood if unavailable)
        "ranker_config": {},
        "filters": list(DEFAULT_FILTERS),
        "filter_config": {},  # per-filter options, by filter name
        "content": "",  # "": content/openers.toml
        # backend = "openai" (remote.RemoteSettings): the key comes from the variable named by api_key_env.
        "base_url": "",  # e.g. http://localhost:8000/v1
        **field_defaults(RemoteSettings, REMOTE_KEYS),
    }

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        cfg = self.config
        content = load_content(cfg["content"] or CONTENT, CONTENT.parent)
        self.openers: list[dict[str, Any]] = list(content.get("openers", []))
        self.max_turns = int(cfg["max_turns"])
        self.return_top = int(cfg["return_top"])
        self.margin = float(cfg["deadline_margin_s"])
        try:
            self.filters = build_filters(cfg["filters"], cfg["filter_config"])
        except ValueError as exc:
            raise ConfigError(f"[responders.neural] {exc}") from None

        try:
            backend = backend_name(cfg)
            settings = GenerationSettings.from_config({k: cfg[k] for k in GENERATION_KEYS})
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[responders.neural] {exc}") from None
        self.generator: NeuralBackend = (self._remote(cfg, settings) if backend == "openai"
                                         else self._local(cfg, settings))
        self.ranker_name = str(cfg["ranker"] or "likelihood")
        self.scorer, notice = make_scorer(self.ranker_name, cfg["ranker_config"])
        if notice:
            log.warning(notice)
            self.ranker_name = "likelihood"
        log.info("neural responder ready: %s", self.generator.describe())

    @staticmethod
    def _local(cfg: dict[str, Any], settings: Any) -> NeuralBackend:
        from responders.neural.generation import SharedCacheGenerator
        from responders.neural.loading import try_load_model
        from responders.neural.precision import PhasePrecision

        try:
            PhasePrecision.parse(cfg["precision"])
        except ValueError as exc:
            raise ConfigError(f"[responders.neural] {exc}") from None
        loaded, problem = try_load_model(str(cfg["model"] or ""), precision=cfg["precision"],
                                         threads=int(cfg["threads"]) or None, device=str(cfg["device"]),
                                         allow_download=bool(cfg["download"]))
        if loaded is None:
            raise ComponentUnavailable(problem or "neural model unavailable")
        return SharedCacheGenerator(loaded, settings)

    @staticmethod
    def _remote(cfg: dict[str, Any], settings: Any) -> NeuralBackend:
        from responders.neural.remote import OpenAIBackend

        try:
            remote = RemoteSettings.from_config(cfg)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[responders.neural] {exc}") from None
        return OpenAIBackend(remote, settings)

    def close(self) -> None:
        close = getattr(self.generator, "close", None)  # tests swap in stub generators without one
        if callable(close):
            close()

    # -- opening a personal topic ----------------------------------------------------------------
    def prompt(self, ctx: TurnContext) -> Returned:
        for opener in self.openers:
            topic = str(opener["topic"])
            if topic in ctx.state.topics_covered:
                continue
            private = dict(ctx.private)
            text = ctx.pick(opener["lines"], topic, private)
            state = private | {"active": True, "turns": 0, "topic": topic}
            # must_stay: the opener's question is the point; the initiative controller keeps it.
            return Candidate(text, Priority.CAN_START, topic=topic, state=state, must_stay=True,
                             meta={"neural_opener": topic})
        return None

    # -- chatting --------------------------------------------------------------------------------
    def respond(self, ctx: TurnContext) -> Returned:
        private = dict(ctx.private)
        if not private.get("active") or ctx.state.active_responder != self.name or ctx.annotations.is_launch:
            return None
        turns = int(private.get("turns", 0)) + 1
        last = turns >= self.max_turns
        state = private | ({"active": False, "turns": 0} if last else {"turns": turns})
        user_now = ctx.annotations.text
        history = [u.text for u in ctx.history] + [user_now]

        started = time.monotonic()
        result = self.generator.generate(history, seed=ctx.rng.randrange(2**31), should_stop=ctx.cancelled,
                                         deadline=ctx.deadline - self.margin, cache_key=ctx.conversation_id)
        gen_ms = (time.monotonic() - started) * 1000
        stop_note = result.stop_note()
        if result.cancelled:  # a cut is worth a line; a backend that is down already warned once
            log.log(logging.INFO if result.steps else logging.DEBUG, "neural turn %s/%s: %s",
                    ctx.conversation_id, ctx.turn_index, stop_note)
        filter_ctx = FilterContext(user_turns=ctx.state.user_utterances() + [user_now], bot_turns=ctx.state.bot_lines())
        seen: dict[str, int] = {}
        survivors, rejected = [], []
        for i, cand in enumerate(result.candidates + result.unfinished):
            if cand.ending == "length":
                rejected.append((cand, "neural.unfinished: cut off at max_new_tokens"))
            elif not cand.finished:
                rejected.append((cand, f"neural.deadline: stopped mid-sentence after {result.steps}/{result.max_steps} tokens"))
            elif cand.text.lower() in seen:
                rejected.append((cand, f"neural.duplicate: same as sample {seen[cand.text.lower()]}"))
            elif hit := first_rejection(cand.text, filter_ctx, self.filters):
                rejected.append((cand, f"neural.{hit[0]}: {hit[1]}"))
            else:
                survivors.append(cand)
            seen.setdefault(cand.text.lower(), i)

        scores = self.scorer.score(history, survivors) if survivors else []
        ranked = sorted(zip(survivors, scores), key=lambda pair: -pair[1])
        topic = private.get("topic")
        common = {"neural_turn": turns, "generation_ms": round(gen_ms, 1), "samples": len(result.candidates)
                  + len(result.unfinished), "neural_stop": stop_note, "history_tokens": result.prefix_tokens,
                  "reused_tokens": result.reused_tokens, "prefill_ms": result.prefill_ms}
        out: list[Candidate] = []
        for rank_, (cand, score) in enumerate(ranked):
            c = Candidate(cand.text, Priority.STRONG_CONTINUE, needs_prompt=last, topic=topic, state=state,
                          user_led=True, scores=self._scores(cand, score),
                          meta=common | {"neural_rank": rank_, "neural_ending": cand.ending})
            if rank_ >= self.return_top:
                c.rejected = f"neural.rank: below the top {self.return_top}"
            out.append(c)
        for cand, reason in rejected:
            out.append(Candidate(cand.text, Priority.STRONG_CONTINUE, needs_prompt=last, topic=topic, state=state,
                                 scores=self._scores(cand, None), meta=dict(common), rejected=reason))
        return out

    def _scores(self, cand: Any, score: float | None) -> dict[str, float]:
        scores = {"likelihood": round(cand.mean_logprob, 4)}
        if score is not None and self.ranker_name != "likelihood":
            scores[self.ranker_name] = round(float(score), 4)
        return scores
