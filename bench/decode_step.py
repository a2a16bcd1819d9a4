"""Benchmark: one decode step of the shared-prefix decoder, a baseline version vs this one, 1 and 2 threads.

GPT-2-medium-sized random weights at int8 (cost does not depend on weight values), N=20 rows, a
prefix of 200 and 800 history tokens. The baseline decoder is read from git (``--baseline REF``,
default ``aadb054``: before the step work of issue 15) and runs on the same model and the same
encoded prefix; the variants take turns round by round (19 steps each), so load from other
processes hits all alike. Per variant: median wall ms per step and median process CPU ms per step
(all threads; on a busy machine wall time inflates while CPU time stays about the work done), and
the floor per step (weights + prefix keys/values read once at the measured bandwidth, or the
matmuls at the measured int8 rate, whichever is slower). Then where a step's CPU time goes
(torch profiler, 1 thread).

    .venv/bin/python bench/decode_step.py               # ~3 minutes on 2 cores
    .venv/bin/python bench/decode_step.py --rounds 2 --prefix 200
"""

from __future__ import annotations

from torch_env import ROOT  # first: sets the OpenMP environment before torch is imported

import argparse
import copy
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import torch
from generation import SIZES, VOCAB, measure_machine

from responders.neural import decoders
from responders.neural.precision import prepare_phase_models

STEPS = 19  # a turn of 20 new tokens: the first comes from the prefill


def baseline_decoders(ref: str):
    """The decoders module as it was at git ``ref`` (imported under another name)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:responders/neural/decoders.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_decoders.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("baseline_decoders", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def per_core_int8_flops() -> float:
    """int8 matmul FLOP/s of one thread by its CPU time (a shared machine's waits are not counted).

    bench/generation.py times 2 threads by the wall clock; while other jobs hold a core that
    measures the scheduler (it read 56 GFLOP/s here under load, against ~270 from this per-core rate)."""
    layer = torch.ao.nn.quantized.dynamic.Linear(1024, 4096)
    x = torch.randn(512, 1024)
    torch.set_num_threads(1)
    layer(x)
    best = float("inf")
    for _ in range(5):
        started = time.thread_time()
        layer(x)
        best = min(best, time.thread_time() - started)
    return 2 * 512 * 1024 * 4096 / best


def step_floor(model, bandwidth: float, core_flops: float, prefix: int, rows: int, threads: int) -> float:
    """generation.floor_seconds's per-step bound (weights + prefix K/V read once, or the matmuls), int8."""
    cfg = model.config
    weights = cfg.n_layer * 12 * cfg.n_embd**2 + cfg.vocab_size * cfg.n_embd  # blocks + LM head, 1 byte each
    kv_bytes = 2 * cfg.n_layer * prefix * cfg.n_embd * 4
    return max((weights + kv_bytes) / bandwidth, 2 * rows * weights / (core_flops * threads))


def category(op: str) -> str:
    if "linear" in op:
        return "int8 linear layers (incl. LM head)"
    if "flash_attention" in op:
        return "prefix attention (fused)"
    if op in {"aten::bmm", "aten::mul", "aten::sum", "aten::_softmax", "aten::cat", "aten::exp", "aten::amax",
              "aten::maximum", "aten::div", "aten::sub"}:
        return "suffix attention + merge"
    if "layer_norm" in op or "gelu" in op:
        return "layer norms, GELU"
    return "everything else (copies, views, adds, dispatch)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default="aadb054", help="git ref of the baseline decoders.py")
    ap.add_argument("--prefix", default="200,800", help="history lengths in tokens")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--passive-omp", action="store_true", help="OMP_WAIT_POLICY=PASSIVE")
    args = ap.parse_args()
    thread_counts = [int(t) for t in args.threads.split(",")]
    torch.manual_seed(0)
    from transformers import GPT2Config, GPT2LMHeadModel

    base = GPT2LMHeadModel(GPT2Config(**SIZES["medium"])).eval()
    model, _, _ = prepare_phase_models(copy.deepcopy(base), "int8")
    old = baseline_decoders(args.baseline)
    machine = measure_machine()
    core = per_core_int8_flops()
    print(f"GPT-2-medium-sized int8, N={args.n}, {STEPS} steps per round, {args.rounds} rounds, baseline "
          f"{args.baseline}; load average {os.getloadavg()[0]:.2f}; measured read bandwidth "
          f"{machine.bandwidth / 1e9:.1f} GB/s, int8 matmul {core / 1e9:.0f} GFLOP/s per core (CPU time; "
          f"generation.py's 2-thread wall-clock figure now: {machine.flops['int8'] / 1e9:.0f})")
    rng = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, VOCAB - 1, (args.n,), generator=rng)
    with torch.inference_mode():
        for length in (int(p) for p in args.prefix.split(",")):
            ids = torch.randint(0, VOCAB - 1, (length,), generator=rng).tolist()
            new = decoders.GPT2PrefixDecoder(model, STEPS + 1)
            torch.set_num_threads(max(thread_counts))
            new.prefill(ids, None)
            was = old.GPT2PrefixDecoder(model, STEPS + 1)
            was.prefix_k, was.prefix_v, was.prefix_len = new.prefix_k, new.prefix_v, new.prefix_len
            wall: dict[tuple[str, int], list[float]] = defaultdict(list)
            cpu: dict[tuple[str, int], list[float]] = defaultdict(list)
            outputs = {}
            for _ in range(args.rounds):
                for threads in thread_counts:
                    for name, dec in (("baseline", was), ("new", new)):
                        torch.set_num_threads(threads)
                        dec.expand(args.n)
                        for _ in range(STEPS):
                            t, c = time.perf_counter(), time.process_time()
                            outputs[name] = dec.step(tokens)
                            wall[name, threads].append(time.perf_counter() - t)
                            cpu[name, threads].append(time.process_time() - c)
            same = (outputs["new"].argmax(-1) == outputs["baseline"].argmax(-1)).float().mean().item()
            floors = {t: step_floor(model, machine.bandwidth, core, length, args.n, t) for t in thread_counts}
            print(f"\nprefix {length} tokens: floor per step " + ", ".join(
                f"{floors[t] * 1000:.0f} ms on {t} core(s)" for t in thread_counts)
                + f"; last step's argmax new = baseline in {same:.0%} of rows (int8 activation rounding "
                  f"amplifies float-order differences; in fp32 the logits agree to ~2e-6); load average "
                  f"{os.getloadavg()[0]:.2f}")
            for threads in thread_counts:
                w = {k: statistics.median(wall[k, threads]) * 1000 for k in ("baseline", "new")}
                c = {k: statistics.median(cpu[k, threads]) * 1000 for k in ("baseline", "new")}
                print(f"  {threads} thread(s): baseline {w['baseline']:7.0f} ms wall {c['baseline']:6.0f} ms CPU | "
                      f"new {w['new']:7.0f} ms wall {c['new']:6.0f} ms CPU | wall {w['baseline'] / w['new']:.2f}x, "
                      f"CPU {c['baseline'] / c['new']:.2f}x; new = {w['new'] / 1000 / floors[threads]:.1f}x the floor")
            torch.set_num_threads(1)
            for name, dec in (("baseline", was), ("new", new)):
                dec.expand(args.n)
                from torch.profiler import ProfilerActivity, profile

                with profile(activities=[ProfilerActivity.CPU]) as prof:
                    for _ in range(5):
                        dec.step(tokens)
                parts: dict[str, float] = defaultdict(float)
                for event in prof.key_averages():
                    parts[category(event.key)] += event.self_cpu_time_total / 5 / 1000
                total = sum(parts.values())
                print(f"  {name} step at 1 thread by the profiler, {total:.0f} ms: " + "; ".join(
                    f"{k} {v:.0f}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
