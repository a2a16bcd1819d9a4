"""Benchmark: neural turns deep into a conversation, without and with reuse of the encoded history.

A 30-turn conversation whose history grows to ~800 tokens (the research recipe's history budget),
GPT-2-medium-sized random weights (cost does not depend on weight values), N=20 candidates, 20 new
tokens each, on the given number of threads. Each turn is answered twice, interleaved so that load
from other processes hits both alike:

* ``v1``: what chirpy did before: the whole history encoded every turn, the history window slid
  one turn at a time, one precision for everything (``--v1-precision``, default int8);
* ``new``: the conversation's encoded history reused from the prefix cache, history trimmed in
  chunks (``--trim``), per-phase precision (``--precision``, default auto = measured here).

Per turn it prints the history length, the tokens reused, the latency of all 20 steps, and how many
of the 20 tokens were ready by the deadline (``--deadline``, 2 s). Then p50/p95 over the turns,
a single cold turn at 200 tokens of history, the memory used by cached prefixes against the budget,
and the floor (bench/generation.py's bandwidth/matmul bound) for the same work. ``--extra-turns``
continues past the history budget, where chunked trimming forces a full re-encode now and then.

    .venv/bin/python bench/generation_turns.py                       # ~5 minutes on 2 quiet cores
    .venv/bin/python bench/generation_turns.py --size small --turns 10  # quick look

CTranslate2 / ONNX Runtime peers are reported by bench/generation.py's single-turn comparison when
installed; this benchmark only notes whether they are.
"""

from __future__ import annotations

import torch_env  # noqa: F401 — first: sets the OpenMP environment before torch is imported

import argparse
import copy
import importlib.util
import os
import statistics
import time
from dataclasses import dataclass

import torch
from generation import EOS, SIZES, VOCAB, floor_seconds, measure_machine

from responders.neural.generation import GenerationSettings, SharedCacheGenerator
from responders.neural.loading import LoadedModel
from responders.neural.precision import prepare_phase_models

NEWLINE = 198  # GPT-2's "\n"


class IdTokenizer:
    """Utterances written as space-separated token ids: exact lengths, no tokenizer download."""

    eos_token_id = EOS

    def __len__(self) -> int:
        return VOCAB

    def encode(self, text: str, add_special_tokens: bool = False) -> list[int]:
        return [int(word) for word in text.split()] + [NEWLINE]


@dataclass
class Turn:
    latency: float
    cpu: float  # CPU seconds of this process (all threads): the work done, whatever else runs
    tokens_by_deadline: int
    history: int
    reused: int
    prefill: float
    threads: int  # the thread count the decode steps ended on


def answer(gen: SharedCacheGenerator, history: list[str], n: int, deadline_s: float, key: str | None,
           seed: int) -> Turn:
    """One turn: all ``max_new_tokens`` steps, timing when each token became available."""
    ready: list[float] = []
    decoder_of = gen._decoder

    def timed_decoder():
        decoder = decoder_of()
        for name in ("prefill", "step"):
            call = getattr(decoder, name)

            def wrapped(*a, _call=call, **k):
                out = _call(*a, **k)
                ready.append(time.perf_counter())
                return out

            setattr(decoder, name, wrapped)
        return decoder

    gen._decoder = timed_decoder
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        prefix = gen.prefix_ids(history)
        rows = gen.decode(prefix, n, seed=seed, cache_key=key)
        latency, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        del gen._decoder
    in_time = sum(t - started <= deadline_s for t in ready)
    return Turn(latency, cpu, min(in_time, gen.settings.max_new_tokens), len(prefix), rows.reused_tokens, rows.prefill_s,
                rows.decode_threads)


def utterance(rng: torch.Generator, words: int) -> str:
    return " ".join(map(str, torch.randint(0, VOCAB - 1, (words,), generator=rng).tolist()))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build(base, spec: str, tokenizer, settings: GenerationSettings) -> SharedCacheGenerator:
    model, prefill_model, phases = prepare_phase_models(copy.deepcopy(base), spec)
    loaded = LoadedModel(model, tokenizer, "bench", phases.decode, prefill_model,
                         phases.prefill if prefill_model is not None else None)
    return SharedCacheGenerator(loaded, settings)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="medium", choices=sorted(SIZES))
    ap.add_argument("--turns", type=int, default=30)
    ap.add_argument("--extra-turns", type=int, default=10, help="turns past the history budget (trimming)")
    ap.add_argument("--words", default="12,12", help="user,bot utterance lengths in tokens (+1 newline each)")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--new-tokens", type=int, default=20)
    ap.add_argument("--history-tokens", type=int, default=800)
    ap.add_argument("--trim", type=int, default=200, help="new: history_trim_tokens")
    ap.add_argument("--cache-mb", type=float, default=512)
    ap.add_argument("--deadline", type=float, default=2.0)
    ap.add_argument("--v1-precision", default="int8")
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--decode-threads", type=int, default=0,
                    help="new: decode_threads (0 = auto: --threads or 1, measured); v1 always decodes on --threads")
    ap.add_argument("--passive-omp", action="store_true", help="OMP_WAIT_POLICY=PASSIVE (see bench/generation.py)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    user_words, bot_words = (int(x) for x in args.words.split(","))

    torch.manual_seed(0)
    from transformers import GPT2Config, GPT2LMHeadModel

    base = GPT2LMHeadModel(GPT2Config(**SIZES[args.size])).eval()
    common = dict(max_new_tokens=args.new_tokens, stop_at_newline=False, history_tokens=args.history_tokens)
    v1 = build(base, args.v1_precision, IdTokenizer(), GenerationSettings(**common, history_trim_tokens=0,
                                                                          prefix_cache_mb=0, decode_threads=args.threads))
    new = build(base, args.precision, IdTokenizer(), GenerationSettings(**common, history_trim_tokens=args.trim,
                                                                        prefix_cache_mb=args.cache_mb,
                                                                        decode_threads=args.decode_threads))
    machine = measure_machine()
    peers = [name for name in ("ctranslate2", "onnxruntime") if importlib.util.find_spec(name)]
    print(f"GPT-2-{args.size}-sized, N={args.n}, {args.new_tokens} new tokens, threads={args.threads}, "
          f"deadline {args.deadline} s, history budget {args.history_tokens} tokens (new: trimmed in "
          f"{args.trim}-token chunks), load average at start {os.getloadavg()[0]:.2f}")
    print(f"v1: precision {v1.loaded.phases}, no reuse;  new: precision {new.loaded.phases} "
          f"(asked: {args.precision}), prefix cache {args.cache_mb:.0f} MB, {new.decode_threads.describe()}")
    print(f"peers: {', '.join(peers) if peers else 'CTranslate2 and ONNX Runtime not installed: skipped'}")
    print(f"measured: read bandwidth {machine.bandwidth / 1e9:.1f} GB/s; matmul "
          + ", ".join(f"{k} {v / 1e9:.0f} GFLOP/s" for k, v in machine.flops.items()))

    rng = torch.Generator().manual_seed(0)
    history: list[str] = []
    rows: list[tuple[Turn, Turn]] = []
    peak_bytes = 0
    print(f"\n{'turn':>4} {'history':>7} {'reused':>6} | {'v1 s':>6} {'cpu':>5} {'ready':>5} {'prefill':>7} | {'new s':>6} "
          f"{'cpu':>5} {'ready':>5} {'prefill':>7} {'thr':>3} | {'floor v1':>8} {'floor new':>9}")
    for turn in range(args.turns + args.extra_turns):
        history.append(utterance(rng, user_words))
        a = answer(v1, history, args.n, args.deadline, None, seed=turn)
        b = answer(new, history, args.n, args.deadline, "bench", seed=turn)
        peak_bytes = max(peak_bytes, new.prefix_cache.stats().bytes_used)
        rows.append((a, b))
        fl_v1 = floor_seconds(v1.model, machine, v1.loaded.precision.value, a.history, args.n, args.new_tokens)
        fl_new = floor_seconds(new.model, machine, new.loaded.precision.value, b.history, args.n, args.new_tokens,
                               encoded=b.history - b.reused)
        mark = "  (past the budget)" if turn >= args.turns else ""
        print(f"{turn + 1:>4} {b.history:>7} {b.reused:>6} | {a.latency:>6.2f} {a.cpu:>5.2f} {a.tokens_by_deadline:>5} "
              f"{a.prefill:>7.2f} | "
              f"{b.latency:>6.2f} {b.cpu:>5.2f} {b.tokens_by_deadline:>5} {b.prefill:>7.2f} {b.threads:>3} | {fl_v1:>8.2f} "
              f"{fl_new:>9.2f}{mark}",
              flush=True)
        history.append(utterance(rng, bot_words))

    def summary(label: str, chosen: list[tuple[Turn, Turn]]) -> None:
        if not chosen:
            return
        for name, turns in (("v1", [a for a, _ in chosen]), ("new", [b for _, b in chosen])):
            lat, cpu = [t.latency for t in turns], [t.cpu for t in turns]
            full = sum(t.tokens_by_deadline == args.new_tokens for t in turns)
            print(f"  {label:<34} {name:>3}: p50 {pct(lat, 0.5):.2f} s  p95 {pct(lat, 0.95):.2f} s  "
                  f"max {max(lat):.2f} s  all {args.new_tokens} tokens by {args.deadline} s in {full}/{len(turns)} turns"
                  f"  (fewest {min(t.tokens_by_deadline for t in turns)});  CPU s p50 {pct(cpu, 0.5):.2f} "
                  f"p95 {pct(cpu, 0.95):.2f}")

    print("\nsummary (targets: every turn all 20 tokens inside the deadline; p50 <= 1.2 s, p95 <= 1.6 s deep in)")
    main_turns = rows[: args.turns]
    summary(f"turns 1-{args.turns} (history to {main_turns[-1][1].history})", main_turns)
    deep = [r for r in main_turns if r[1].history >= 0.75 * args.history_tokens]
    summary(f"turns with history >= {int(0.75 * args.history_tokens)} tokens", deep)
    summary(f"turns {args.turns + 1}-{len(rows)} (past the budget)", rows[args.turns:])
    print(f"\nby history length (issue 15's table; 'ready' = steps done by {args.deadline} s):")
    print(f"{'history':>7} | {'v1 full':>7} {'prefill':>7} {'ready':>5} | {'new full':>8} {'prefill':>7} {'ready':>5}")
    for tokens in (50, 200, 400, 800):
        a, b = min(main_turns, key=lambda r: abs(r[1].history - tokens))
        print(f"{b.history:>7} | {a.latency:>7.2f} {a.prefill:>7.2f} {a.tokens_by_deadline:>5} | {b.latency:>8.2f} "
              f"{b.prefill:>7.2f} {b.tokens_by_deadline:>5}")
    stats = new.prefix_cache.stats()
    print(f"\nprefix cache: {stats.entries} entries, {stats.bytes_used / 2**20:.1f} MB used (peak "
          f"{peak_bytes / 2**20:.1f} MB) of a {stats.budget_bytes / 2**20:.0f} MB budget; hits {stats.hits}, "
          f"misses {stats.misses} (hit rate {stats.hits / max(1, stats.hits + stats.misses):.0%}), evictions {stats.evictions}")

    single: list[str] = []  # a fresh conversation grown to ~200 tokens: nothing cached for it
    while len(v1.prefix_ids(single)) < 200:
        single.append(utterance(rng, user_words))
    repeats = 3
    cold_v1 = statistics.median(answer(v1, single, args.n, args.deadline, None, seed=i).latency for i in range(repeats))
    cold_new = statistics.median(answer(new, single, args.n, args.deadline, None, seed=i).latency for i in range(repeats))
    tokens = len(v1.prefix_ids(single))
    fl = floor_seconds(new.model, machine, new.loaded.precision.value, tokens, args.n, args.new_tokens)
    print(f"single cold turn at {tokens} tokens of history (median of {repeats}; target <= 1.0 s): "
          f"v1 {cold_v1:.2f} s, new {cold_new:.2f} s; floor {fl:.2f} s (new = {cold_new / fl:.1f}x the floor)")
    print("(CPU s = CPU time of all threads: on a busy machine wall time inflates while CPU time stays about "
          f"the work done; on {args.threads} quiet cores wall >= CPU s / {args.threads})")
    print(f"load average at the end {os.getloadavg()[0]:.2f} (the machine is shared: compare v1 and new, "
          f"which ran interleaved)")


if __name__ == "__main__":
    main()
