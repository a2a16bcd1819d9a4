"""Multi-candidate generation with one shared encoding of the dialogue history.

Why our own decode loop instead of ``model.generate(num_return_sequences=N)``: generate copies the
prompt N times before encoding it, sorts the whole vocabulary for nucleus sampling, and cannot be
cancelled mid-way. Here the history is encoded once (and across turns only its new utterances:
prefix_cache.py), sampling cuts to a top-k before top-p, finished rows are dropped from the batch,
and the loop checks between steps whether the next one still fits before the deadline.

When the deadline will not allow the full length, the loop stops before it passes: lines that
already ended are kept; a line cut right after a sentence end is kept and marked ``sentence``; a
line cut mid-sentence is never offered (it is returned as unfinished, ending ``cut``, for the log).
``GenerationResult.stop`` says which happened, so nothing is cut short silently.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import torch

from responders.neural.contract import (
    STOP_CANCELLED,
    STOP_COMPLETE,
    STOP_DEADLINE,
    GenerationResult,
    GenerationSettings,
)
from responders.neural.decoders import Decoder, GenericDecoder, GPT2PrefixDecoder, supports_prefix_decoder
from responders.neural.history import encode_history, encode_turn
from responders.neural.loading import LoadedModel
from responders.neural.prefix_cache import PrefixCache
from responders.neural.sampling import next_tokens
from responders.neural.scoring import Ending, NeuralCandidate
from responders.neural.threads import DecodeThreads, TurnThreads

StopCheck = Callable[[], bool] | threading.Event | None
SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_serials = itertools.count(1)  # tells apart models that share a name: part of every prefix-cache key


@dataclass
class DecodedRows:
    """Raw per-row output of ``SharedCacheGenerator.decode`` (tokens include the stop token)."""

    tokens: list[list[int]]
    logprob: list[float]
    done: list[bool]
    steps: int = 0
    stop: str = STOP_COMPLETE
    reused_tokens: int = 0
    decode_threads: int = 0  # the thread count the last decode steps ran on
    prefill_s: float = 0.0
    decode_s: float = 0.0

    @classmethod
    def empty(cls, n: int, stop: str = STOP_COMPLETE) -> "DecodedRows":
        return cls([[] for _ in range(n)], [0.0] * n, [False] * n, stop=stop)


def _stop_requested(should_stop: StopCheck) -> bool:
    if should_stop is None:
        return False
    if isinstance(should_stop, threading.Event):
        return should_stop.is_set()
    return bool(should_stop())


class SharedCacheGenerator:
    """Generates N candidate replies to a dialogue history; thread-safe (decodes one call at a time)."""

    def __init__(self, loaded: LoadedModel, settings: GenerationSettings | None = None,
                 prefix_cache: PrefixCache | None = None) -> None:
        self.loaded = loaded
        self.model = loaded.model
        self.prefill_model = loaded.prefill_model or loaded.model
        self.tokenizer = loaded.tokenizer
        self.settings = settings or GenerationSettings()
        self.prefix_cache = prefix_cache if prefix_cache is not None else PrefixCache(self.settings.prefix_cache_mb)
        # The cache key names the model object, its precisions and the decoder (whose key layout differs).
        self.model_key = f"{loaded.name}|{loaded.phases}|{self._decoder_kind()}|#{next(_serials)}"
        self._lock = threading.Lock()
        self._first_step_s = 0.0  # the last turn's first decode step: predicts this turn's first one
        self.decode_threads = DecodeThreads(self.settings.decode_threads)
        self._encode_turn = lru_cache(maxsize=4096)(lambda text: tuple(encode_turn(self.tokenizer, text)))
        # Decoding the whole vocabulary takes ~0.3 s: do it at start-up, not inside the first turn's deadline.
        self.stop_token_ids = self._stop_token_ids()

    def describe(self) -> str:
        cache = f"prefix cache {self.settings.prefix_cache_mb:g} MB" if self.prefix_cache.enabled else "no prefix cache"
        return f"{self.loaded.name} in-process ({self.loaded.phases}, {cache}, {self.decode_threads.describe()})"

    def close(self) -> None:
        self.prefix_cache.clear()

    def _stop_token_ids(self) -> torch.Tensor:
        """EOS plus every vocabulary entry whose text contains a newline (a turn ends at a newline)."""
        ids: set[int] = set()
        if self.settings.stop_at_newline:
            texts = self.tokenizer.batch_decode([[i] for i in range(len(self.tokenizer))])
            ids = {i for i, text in enumerate(texts) if "\n" in text}
        ids.add(int(self.tokenizer.eos_token_id))
        return torch.tensor(sorted(ids), dtype=torch.long)

    def prefix_ids(self, history: Sequence[str]) -> list[int]:
        s = self.settings
        budget = max(2, min(s.history_tokens, self.loaded.max_positions - s.max_new_tokens - 1))
        chunk = min(s.history_trim_tokens, budget // 2)
        return encode_history(self.tokenizer, history, budget, chunk, encode=self._encode_turn)

    def _decoder_kind(self) -> str:
        mode = self.settings.decoder
        if mode == "prefix" or (mode == "auto" and supports_prefix_decoder(self.model)):
            if not supports_prefix_decoder(self.model):
                raise ValueError("the shared-prefix decoder supports GPT-2 models only")
            return "prefix"
        return "generic"

    def _decoder(self) -> Decoder:
        if self._decoder_kind() == "prefix":
            return GPT2PrefixDecoder(self.model, self.settings.max_new_tokens, self.prefill_model)
        return GenericDecoder(self.model, self.prefill_model)

    def generate(
        self,
        history: Sequence[str],
        *,
        n: int | None = None,
        seed: int | None = None,
        should_stop: StopCheck = None,
        deadline: float | None = None,
        cache_key: Hashable | None = None,
    ) -> GenerationResult:
        """Sample ``n`` (default ``settings.num_candidates``) replies to ``history`` (oldest first).

        ``deadline`` (``time.monotonic()``) is when the lines must be done; ``cache_key`` names the
        conversation, so its encoded history is reused next turn (None: no reuse).
        """
        prefix = self.prefix_ids(history)
        rows = self.decode(prefix, n or self.settings.num_candidates, seed=seed, should_stop=should_stop,
                           deadline=deadline, cache_key=cache_key)
        finished, unfinished = [], []
        for row in range(len(rows.tokens)):
            cand = self._candidate(rows.tokens[row], rows.logprob[row], rows.done[row], rows.stop)
            if cand is not None:
                (finished if cand.finished else unfinished).append(cand)
        if rows.stop == STOP_CANCELLED:  # the turn moved on without us: nothing half-written is kept
            unfinished = []
        return GenerationResult(finished, len(prefix), rows.steps, rows.stop, unfinished, rows.reused_tokens,
                                round(rows.prefill_s * 1000, 1), round(rows.decode_s * 1000, 1),
                                self.settings.max_new_tokens)

    def decode(
        self,
        prefix: list[int],
        n: int,
        *,
        seed: int | None = None,
        should_stop: StopCheck = None,
        deadline: float | None = None,
        cache_key: Hashable | None = None,
    ) -> DecodedRows:
        """Token-level generation from ``prefix`` ids: each row runs until a stop token or the limit."""
        # Another conversation may be generating: wait for it, but give up if our own deadline passes.
        while not self._lock.acquire(timeout=0.01):
            if _stop_requested(should_stop):
                return DecodedRows.empty(n, STOP_CANCELLED)
            if deadline is not None and time.monotonic() >= deadline:
                return DecodedRows.empty(n, STOP_DEADLINE)
        try:
            with torch.inference_mode(), self.decode_threads.turn() as threads:
                return self._decode(prefix, n, seed, should_stop, deadline, cache_key, threads)
        finally:
            self._lock.release()

    def _prefill(self, decoder: Decoder, prefix: list[int], cache_key: Hashable | None) -> tuple[torch.Tensor, int]:
        """Encode ``prefix``, reusing the conversation's cached encoding of its start; return (logits, reused)."""
        cache = self.prefix_cache if cache_key is not None and decoder.supports_reuse else None
        entry = cache.lookup(self.model_key, cache_key, prefix) if cache is not None and cache.enabled else None
        reused = min(len(entry.token_ids), len(prefix) - 1) if entry is not None else 0
        logits, encoded = decoder.prefill(prefix[reused:], entry.kv.head(reused) if reused else None)
        if cache is not None and cache.enabled:
            cache.store(self.model_key, cache_key, prefix, encoded)
        return logits, reused

    def _decode(self, prefix: list[int], n: int, seed: int | None, should_stop: StopCheck,
                deadline: float | None, cache_key: Hashable | None, threads: TurnThreads) -> DecodedRows:
        s = self.settings
        rows = DecodedRows.empty(n)
        if _stop_requested(should_stop):
            rows.stop = STOP_CANCELLED
            return rows
        if deadline is not None and time.monotonic() >= deadline:  # no time left even to encode: give up
            rows.stop = STOP_DEADLINE
            return rows
        started = time.perf_counter()
        decoder = self._decoder()
        rng = torch.Generator().manual_seed(seed) if seed is not None else None
        stops = self.stop_token_ids
        logits, rows.reused_tokens = self._prefill(decoder, prefix, cache_key)
        rows.prefill_s = time.perf_counter() - started
        logits = logits.expand(n, -1)
        decoder.expand(n)
        active = torch.arange(n)  # original row index of each live batch row
        next_step_s = self._first_step_s  # what the coming step will cost: the last one's duration
        for step in range(s.max_new_tokens):
            chosen = next_tokens(logits, do_sample=s.do_sample, temperature=s.temperature,
                                 top_k=s.top_k, top_p=s.top_p, generator=rng)
            # log p(chosen) = its logit - logsumexp: no (rows x vocab) log-softmax tensor is written
            chosen_lp = logits.gather(-1, chosen.unsqueeze(-1)).squeeze(-1) - torch.logsumexp(logits, dim=-1)
            is_stop = torch.isin(chosen, stops)
            # Plain lists once per step: indexing tensors element by element costs microseconds each.
            for row, token, lp, stop in zip(active.tolist(), chosen.tolist(), chosen_lp.tolist(), is_stop.tolist()):
                rows.tokens[row].append(token)
                rows.logprob[row] += lp
                rows.done[row] = bool(stop)
            rows.steps = step + 1
            live = (~is_stop).nonzero().squeeze(-1)
            if live.numel() == 0 or step == s.max_new_tokens - 1:
                break
            if _stop_requested(should_stop):
                rows.stop = STOP_CANCELLED
                break
            if deadline is not None and time.monotonic() + next_step_s > deadline:
                rows.stop = STOP_DEADLINE  # the next step would end after the deadline: stop before it
                break
            if live.numel() < active.numel():
                active, chosen = active[live], chosen[live]
                decoder.keep(live)
            step_started = time.perf_counter()
            threads.before_step()
            logits = decoder.step(chosen)
            threads.after_step(took := time.perf_counter() - step_started)
            next_step_s = threads.expected_s(default=took)  # probe steps alternate thread counts
            if step == 0:
                self._first_step_s = next_step_s
        rows.decode_s = time.perf_counter() - started - rows.prefill_s
        rows.decode_threads = threads.current
        return rows

    def _candidate(self, ids: list[int], logprob: float, done: bool, stop: str) -> NeuralCandidate | None:
        text = self.tokenizer.decode(ids, skip_special_tokens=True)
        text = (text.split("\n", 1)[0] if self.settings.stop_at_newline else " ".join(text.split())).strip()
        if not text:
            return None
        ending: Ending = "stop"
        if not done and stop == STOP_COMPLETE:
            ending = "length"
        elif not done:
            ending = "sentence" if stop == STOP_DEADLINE and SENTENCE_END.search(text) else "cut"
        body = ids[:-1] if done else ids  # the newline/EOS counts toward likelihood, not the text
        return NeuralCandidate(text=text, token_ids=body, sum_logprob=logprob, num_tokens=len(ids), ending=ending)
