"""Multi-candidate generation with one shared encoding of the dialogue history.

Why our own decode loop instead of ``model.generate(num_return_sequences=N)``: generate copies the
prompt N times before encoding it, sorts the whole vocabulary for nucleus sampling, and cannot be
cancelled mid-way. Here the history is encoded once, sampling cuts to a top-k before top-p, finished
rows are dropped from the batch, and ``should_stop()`` is checked between steps so a turn deadline
really stops the work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from responders.neural.decoders import Decoder, GenericDecoder, GPT2PrefixDecoder, supports_prefix_decoder
from responders.neural.history import encode_history
from responders.neural.loading import LoadedModel
from responders.neural.sampling import next_tokens
from responders.neural.scoring import NeuralCandidate

StopCheck = Callable[[], bool] | threading.Event | None


@dataclass
class GenerationSettings:
    """Defaults follow the research recipe (20 candidates, top-p 0.9, temperature 0.7, <=20 tokens)."""

    num_candidates: int = 20
    max_new_tokens: int = 20
    temperature: float = 0.7
    top_p: float = 0.9
    top_k: int = 50
    history_tokens: int = 800
    do_sample: bool = True
    stop_at_newline: bool = True  # a reply is one line; False only for raw-LM comparisons
    decoder: str = "auto"  # "auto" (shared-prefix for GPT-2, else generic) | "prefix" | "generic"

    def __post_init__(self) -> None:
        problems = []
        if not (isinstance(self.num_candidates, int) and self.num_candidates >= 1):
            problems.append("num_candidates must be an integer >= 1")
        if not (isinstance(self.max_new_tokens, int) and self.max_new_tokens >= 1):
            problems.append("max_new_tokens must be an integer >= 1")
        if not (isinstance(self.top_k, int) and self.top_k >= 0):
            problems.append("top_k must be an integer >= 0 (0 = no top-k cut)")
        if not (isinstance(self.top_p, (int, float)) and 0 < self.top_p <= 1):
            problems.append("top_p must be in (0, 1]")
        if not (isinstance(self.temperature, (int, float)) and self.temperature > 0):
            problems.append("temperature must be > 0")
        if not (isinstance(self.history_tokens, int) and self.history_tokens >= 2):
            problems.append("history_tokens must be an integer >= 2")
        if self.decoder not in {"auto", "prefix", "generic"}:
            problems.append("decoder must be auto, prefix or generic")
        if problems:
            raise ValueError("bad neural generation settings: " + "; ".join(problems))

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "GenerationSettings":
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(config) - known
        if unknown:
            raise ValueError(f"unknown neural generation setting(s): {', '.join(sorted(unknown))}")
        return cls(**config)


@dataclass
class GenerationResult:
    candidates: list[NeuralCandidate]
    prefix_tokens: int
    steps: int
    cancelled: bool = False
    unfinished: list[NeuralCandidate] = field(default_factory=list)  # rows cut off by max_new_tokens


@dataclass
class DecodedRows:
    """Raw per-row output of ``SharedCacheGenerator.decode`` (tokens include the stop token)."""

    tokens: list[list[int]]
    logprob: list[float]
    hidden: list[Any]
    done: list[bool]
    steps: int = 0
    cancelled: bool = False


def _stop_requested(should_stop: StopCheck) -> bool:
    if should_stop is None:
        return False
    if isinstance(should_stop, threading.Event):
        return should_stop.is_set()
    return bool(should_stop())


class SharedCacheGenerator:
    """Generates N candidate replies to a dialogue history; thread-compatible (one call at a time)."""

    def __init__(self, loaded: LoadedModel, settings: GenerationSettings | None = None) -> None:
        self.loaded = loaded
        self.model = loaded.model
        self.tokenizer = loaded.tokenizer
        self.settings = settings or GenerationSettings()
        self._lock = threading.Lock()
        # Decoding the whole vocabulary takes ~0.3 s: do it at start-up, not inside the first turn's deadline.
        self.stop_token_ids = self._stop_token_ids()

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
        budget = min(s.history_tokens, self.loaded.max_positions - s.max_new_tokens - 1)
        return encode_history(self.tokenizer, history, max(2, budget))

    def _decoder(self) -> Decoder:
        mode = self.settings.decoder
        if mode == "prefix" or (mode == "auto" and supports_prefix_decoder(self.model)):
            if not supports_prefix_decoder(self.model):
                raise ValueError("the shared-prefix decoder supports GPT-2 models only")
            return GPT2PrefixDecoder(self.model, self.settings.max_new_tokens)
        return GenericDecoder(self.model)

    def generate(
        self,
        history: Sequence[str],
        *,
        n: int | None = None,
        seed: int | None = None,
        should_stop: StopCheck = None,
        keep_hidden: bool = False,
    ) -> GenerationResult:
        """Sample ``n`` (default ``settings.num_candidates``) replies to ``history`` (oldest first)."""
        prefix = self.prefix_ids(history)
        rows = self.decode(prefix, n or self.settings.num_candidates, seed=seed,
                           should_stop=should_stop, keep_hidden=keep_hidden)
        finished, unfinished = [], []
        for row in range(len(rows.tokens)):
            cand = self._candidate(rows.tokens[row], rows.logprob[row], rows.hidden[row], rows.done[row])
            if cand is not None:
                (finished if cand.finished else unfinished).append(cand)
        if rows.cancelled:  # a half-written reply is worse than none: only complete lines survive
            unfinished = []
        return GenerationResult(finished, len(prefix), rows.steps, rows.cancelled, unfinished)

    def decode(
        self,
        prefix: list[int],
        n: int,
        *,
        seed: int | None = None,
        should_stop: StopCheck = None,
        keep_hidden: bool = False,
    ) -> "DecodedRows":
        """Token-level generation from ``prefix`` ids: each row runs until a stop token or the limit."""
        # Another conversation may be generating: wait for it, but give up if our own deadline passes.
        while not self._lock.acquire(timeout=0.01):
            if _stop_requested(should_stop):
                return DecodedRows([[] for _ in range(n)], [0.0] * n, [None] * n, [False] * n, cancelled=True)
        try:
            with torch.inference_mode():
                return self._decode(prefix, n, seed, should_stop, keep_hidden)
        finally:
            self._lock.release()

    def _decode(
        self, prefix: list[int], n: int, seed: int | None, should_stop: StopCheck, keep_hidden: bool
    ) -> "DecodedRows":
        s = self.settings
        rows = DecodedRows(tokens=[[] for _ in range(n)], logprob=[0.0] * n, hidden=[None] * n, done=[False] * n)
        if _stop_requested(should_stop):
            rows.cancelled = True
            return rows
        decoder = self._decoder()
        rng = torch.Generator().manual_seed(seed) if seed is not None else None
        stops = self.stop_token_ids
        logits, hidden = decoder.prefill(prefix)
        logits, hidden = logits.expand(n, -1), hidden.expand(n, -1)
        decoder.expand(n)
        active = torch.arange(n)  # original row index of each live batch row
        for step in range(s.max_new_tokens):
            chosen = next_tokens(logits, do_sample=s.do_sample, temperature=s.temperature,
                                 top_k=s.top_k, top_p=s.top_p, generator=rng)
            chosen_lp = torch.log_softmax(logits, dim=-1).gather(-1, chosen.unsqueeze(-1)).squeeze(-1)
            is_stop = torch.isin(chosen, stops)
            # Plain lists once per step: indexing tensors element by element costs microseconds each.
            for j, (row, token, lp, stop) in enumerate(
                zip(active.tolist(), chosen.tolist(), chosen_lp.tolist(), is_stop.tolist())
            ):
                rows.tokens[row].append(token)
                rows.logprob[row] += lp
                if keep_hidden:  # at the stop token: the state that read the whole line and predicted its end
                    rows.hidden[row] = hidden[j].float().clone()
                if stop:
                    rows.done[row] = True
            rows.steps = step + 1
            live = (~is_stop).nonzero().squeeze(-1)
            if live.numel() == 0 or step == s.max_new_tokens - 1:
                break
            if _stop_requested(should_stop):
                rows.cancelled = True
                break
            if live.numel() < active.numel():
                active, chosen = active[live], chosen[live]
                decoder.keep(live)
            logits, hidden = decoder.step(chosen)
        return rows

    def _candidate(self, ids: list[int], logprob: float, hidden: Any, finished: bool) -> NeuralCandidate | None:
        text = self.tokenizer.decode(ids, skip_special_tokens=True)
        text = (text.split("\n", 1)[0] if self.settings.stop_at_newline else " ".join(text.split())).strip()
        if not text:
            return None
        body = ids[:-1] if finished else ids  # the newline/EOS counts toward likelihood, not the text
        return NeuralCandidate(text=text, token_ids=body, sum_logprob=logprob, num_tokens=len(ids),
                               hidden=hidden, finished=finished)
