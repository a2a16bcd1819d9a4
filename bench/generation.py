"""Benchmark: plain ``model.generate(num_return_sequences=N)`` vs chirpy's shared-cache generator.

Same process, same run, same random-weight models (cost does not depend on weight values):
GPT-2-small-sized (124M) and GPT-2-medium-sized (355M), a 200-token history, 20 new tokens,
N = 1, 5, 20, sampling with top-p 0.9 / temperature 0.7 (plain generate adds its default top_k=50;
ours uses top_k=50 before top-p: the same candidate set). Prints medians, speed-ups, a precision
check (greedy agreement and KL of next-token distributions vs fp32) and the theoretical floor from
the memory bandwidth and matmul throughput measured here.

    .venv/bin/python bench/generation.py                  # full run (several minutes on 2 cores)
    .venv/bin/python bench/generation.py --sizes small --repeats 2   # quick look
    .venv/bin/python bench/generation.py --model DIR --sizes ""      # precision check on a real model

Timings on a shared machine are noisy: compare the ratios, which are measured side by side.
``--passive-omp`` sets OMP_WAIT_POLICY=PASSIVE (spinning OpenMP threads crawl when other processes
compete for the cores); it must be decided before torch is imported, hence bench/torch_env.py is imported first.
"""

from __future__ import annotations

import torch_env  # noqa: F401 — first: sets the OpenMP environment before torch is imported

import argparse
import copy
import statistics
import time
from dataclasses import dataclass

import torch

from responders.neural.generation import GenerationSettings, SharedCacheGenerator
from responders.neural.loading import LoadedModel
from responders.neural.precision import Precision, apply_precision, resolve_phases

SIZES = {"small": dict(n_layer=12, n_embd=768, n_head=12), "medium": dict(n_layer=24, n_embd=1024, n_head=16)}
VOCAB, EOS = 50257, 50256


class VocabOnlyTokenizer:
    """What the generator needs when it is fed token ids directly (no newline stop in a benchmark)."""

    eos_token_id = EOS

    def __len__(self) -> int:
        return VOCAB


@dataclass
class Machine:
    bandwidth: float  # bytes/s, read
    flops: dict[str, float]  # matmul FLOP/s per precision


def timed(fn, repeats: int) -> float:
    fn()  # warm-up: first calls allocate and pick kernels
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def measure_machine() -> Machine:
    big = torch.ones(128 * 1024 * 1024)  # 512 MB, far beyond any cache
    read = timed(lambda: big.sum(), 5)
    bandwidth = big.numel() * 4 / read
    del big
    flops = {}
    for name, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        a, w = torch.randn(512, 1024, dtype=dtype), torch.randn(4096, 1024, dtype=dtype)
        flops[name] = 2 * 512 * 1024 * 4096 / timed(lambda: torch.nn.functional.linear(a, w), 5)
    q = torch.ao.nn.quantized.dynamic.Linear(1024, 4096)
    x = torch.randn(512, 1024)
    flops["int8"] = 2 * 512 * 1024 * 4096 / timed(lambda: q(x), 5)
    return Machine(bandwidth, flops)


def floor_seconds(model, machine: Machine, precision: str, prefix: int, n: int, new: int,
                  encoded: int | None = None) -> float:
    """Lower bound: prefill compute + per decode step max(weight+KV bytes / bandwidth, compute).

    ``encoded``: history tokens actually encoded this turn (default all ``prefix``; fewer when the
    conversation's earlier encoding is reused), while every step still attends to all ``prefix``."""
    cfg = model.config
    embed = cfg.n_embd * (cfg.vocab_size + cfg.n_positions)
    total = sum(p.numel() for p in model.parameters()) if precision != "int8" else None
    params = (total or _fp32_params(cfg)) - embed  # transformer blocks
    head = cfg.vocab_size * cfg.n_embd  # the LM head reads the (tied) embedding matrix every step
    size = {"fp32": 4, "bf16": 2, "int8": 1}[precision]
    kv_bytes = 2 * cfg.n_layer * prefix * cfg.n_embd * (2 if precision == "bf16" else 4)
    prefill = (2 * (prefix if encoded is None else encoded) * params + 2 * head) / machine.flops[precision]
    step = max(((params + head) * size + kv_bytes) / machine.bandwidth, 2 * n * (params + head) / machine.flops[precision])
    return prefill + (new - 1) * step


def _fp32_params(cfg) -> int:
    e, layers = cfg.n_embd, cfg.n_layer
    return layers * (12 * e * e + 13 * e) + 2 * e + e * (cfg.vocab_size + cfg.n_positions)


def plain_generate(model, prefix: list[int], n: int, new: int) -> None:
    ids = torch.tensor([prefix])
    with torch.inference_mode():
        model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=True, top_p=0.9, temperature=0.7,
                       max_new_tokens=new, min_new_tokens=new, num_return_sequences=n, pad_token_id=EOS)


def greedy_agreement(gen: SharedCacheGenerator, ref: SharedCacheGenerator, prefix: list[int], new: int) -> int:
    a = gen.decode(prefix, 1).tokens[0]
    b = ref.decode(prefix, 1).tokens[0]
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b), new))


def kl_vs_fp32(model, ref, prefix: list[int]) -> float:
    ids = torch.tensor([prefix])
    with torch.inference_mode():
        p = torch.log_softmax(ref(ids).logits.float(), -1)
        q = torch.log_softmax(model(ids).logits.float(), -1)
    return float((p.exp() * (p - q)).sum(-1).mean())


SAMPLE_HISTORY = [
    "Hi, how was your day?",
    "It was pretty good, I went to the beach with my sister and we had ice cream.",
    "That sounds lovely! What flavor did you get?",
    "Chocolate, of course. Then we watched the sunset and it was so pretty.",
]


def check_real_model(path: str, precisions: list[str], new: int) -> None:
    """Greedy agreement and KL vs fp32 on a real model and a real dialogue: is a precision correct?"""
    from responders.neural.loading import load_model

    ref = load_model(path, precision="fp32")
    ref_gen = SharedCacheGenerator(ref, GenerationSettings(do_sample=False, max_new_tokens=new, stop_at_newline=False))
    prefix = ref_gen.prefix_ids(SAMPLE_HISTORY)
    print(f"real model {path}: {len(prefix)}-token dialogue")
    for prec in precisions:
        if prec == "fp32":
            continue
        lm = load_model(path, precision=prec)
        gen = SharedCacheGenerator(lm, ref_gen.settings)
        agree = greedy_agreement(gen, ref_gen, prefix, new)
        print(f"  {prec}: greedy tokens identical to fp32 for {agree}/{new}; "
              f"mean KL(fp32||{prec}) {kl_vs_fp32(lm.model, ref.model, prefix):.2e} nats (tolerance 1e-2)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="small,medium")
    ap.add_argument("--n", default="1,5,20")
    ap.add_argument("--precisions", default="fp32,bf16,int8")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--history", type=int, default=200)
    ap.add_argument("--new-tokens", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--passive-omp", action="store_true", help="OMP_WAIT_POLICY=PASSIVE (see docstring)")
    ap.add_argument("--model", default=None, help="Also check bf16/int8 against fp32 on this real local model.")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    ns = [int(x) for x in args.n.split(",")]
    precisions = args.precisions.split(",")
    machine = measure_machine()
    print(f"threads={args.threads}  history={args.history} tokens  new={args.new_tokens} tokens  repeats={args.repeats}"
          f"  (medians; shared machine: absolute times are noisy, ratios are side by side)")
    print(f"measured: read bandwidth {machine.bandwidth / 1e9:.1f} GB/s; matmul "
          + ", ".join(f"{k} {v / 1e9:.0f} GFLOP/s" for k, v in machine.flops.items()))
    print(f"auto precision on this machine (prefill/decode, GPT-2-medium-sized matmuls): {resolve_phases('auto', 1024)}")
    rng = torch.Generator().manual_seed(0)
    prefix = [EOS] + torch.randint(0, VOCAB - 1, (args.history - 1,), generator=rng).tolist()

    if args.model:
        check_real_model(args.model, precisions, args.new_tokens)
    for size in filter(None, args.sizes.split(",")):
        from transformers import GPT2Config, GPT2LMHeadModel

        torch.manual_seed(0)
        base = GPT2LMHeadModel(GPT2Config(**SIZES[size])).eval()
        models = {}
        for prec in precisions:
            m = base if prec == "fp32" else copy.deepcopy(base)
            apply_precision(m, prec)
            models[prec] = m
        gens = {prec: SharedCacheGenerator(LoadedModel(m, VocabOnlyTokenizer(), size, Precision(prec)),
                                           GenerationSettings(max_new_tokens=args.new_tokens, stop_at_newline=False))
                for prec, m in models.items()}
        generic = SharedCacheGenerator(LoadedModel(base, VocabOnlyTokenizer(), size, Precision.FP32),
                                       GenerationSettings(max_new_tokens=args.new_tokens, stop_at_newline=False,
                                                          decoder="generic"))
        print(f"\n== GPT-2-{size}-sized ({sum(p.numel() for p in base.parameters()) / 1e6:.0f}M params) ==")
        greedy = {p: SharedCacheGenerator(g.loaded, GenerationSettings(max_new_tokens=args.new_tokens, do_sample=False,
                                                                         stop_at_newline=False)) for p, g in gens.items()}
        if "fp32" not in greedy:
            print("  (precision check skipped: it compares against fp32, which --precisions leaves out)")
        for prec in precisions:
            if prec != "fp32" and "fp32" in greedy:
                agree = greedy_agreement(greedy[prec], greedy["fp32"], prefix, args.new_tokens)
                print(f"  {prec}: greedy tokens identical to fp32 for {agree}/{args.new_tokens}; "
                      f"mean KL(fp32||{prec}) of next-token distributions {kl_vs_fp32(models[prec], base, prefix):.2e} nats")
        header = f"  {'N':>3} {'plain fp32':>11} {'ours generic fp32':>18}" + "".join(f" {'ours ' + p:>11} {'x':>6}" for p in precisions)
        print(header)
        for n in ns:
            plain = timed(lambda: plain_generate(base, prefix, n, args.new_tokens), args.repeats)
            gen_t = timed(lambda: generic.decode(prefix, n, seed=0), args.repeats)
            row = f"  {n:>3} {plain:>10.2f}s {gen_t:>17.2f}s"
            for prec in precisions:
                t = timed(lambda: gens[prec].decode(prefix, n, seed=0), args.repeats)
                row += f" {t:>10.2f}s {plain / t:>5.1f}x"
            print(row, flush=True)
        print("  floor (bandwidth / matmul bound) and how far above it the medians above are, N=" + str(ns[-1]) + ":")
        for prec in precisions:
            fl = floor_seconds(models[prec], machine, prec, args.history, ns[-1], args.new_tokens)
            t = timed(lambda: gens[prec].decode(prefix, ns[-1], seed=0), args.repeats)
            print(f"    {prec}: floor {fl:.2f}s, ours {t:.2f}s = {t / fl:.1f}x the floor")


if __name__ == "__main__":
    main()
