"""Numeric precision modes for CPU inference: fp32, bf16, int8 (dynamic quantization).

Why: decoding is bound by reading the weights once per step, so halving (bf16) or quartering (int8)
their size cuts latency on a CPU. bf16 needs native CPU support (AVX512-BF16 / AMX) to be fast;
int8 dynamic quantization only rewrites ``nn.Linear``, and GPT-2 uses ``Conv1D`` (a transposed
linear), so those are swapped for equivalent ``nn.Linear`` layers first. ``auto`` picks the mode
the benchmark (bench/generation.py) measured fastest while still correct on this kind of CPU.
Per-output-channel int8 weight scales are used: one outlier row then no longer coarsens a matrix.

The two phases of a turn want different things: the prefill (encoding new history tokens, many rows
at once) is compute-bound, the decode steps (20 rows) read every weight once per step. A precision
may therefore name one mode per phase, ``"PREFILL/DECODE"`` (e.g. ``"fp32/int8"``); ``"auto"``
times both phases' matrix shapes on this machine at start-up and picks the fastest for each.
"""

from __future__ import annotations

import copy
import enum
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


class Precision(str, enum.Enum):
    FP32 = "fp32"
    BF16 = "bf16"
    INT8 = "int8"
    AUTO = "auto"

    @classmethod
    def parse(cls, value: "Precision | str | None") -> "Precision":
        if isinstance(value, Precision):
            return value
        text = (value or "auto").strip().lower()
        aliases = {"float32": "fp32", "bfloat16": "bf16", "qint8": "int8"}
        try:
            return cls(aliases.get(text, text))
        except ValueError:
            choices = ", ".join(p.value for p in cls)
            raise ValueError(f"unknown neural precision '{value}' (choose one of: {choices})") from None


@lru_cache(maxsize=1)
def cpu_has_fast_bf16() -> bool:
    """True when the CPU computes bf16 matmuls natively (otherwise bf16 is emulated and slow)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_auto(device: str = "cpu") -> Precision:
    """The measured default: int8 on CPUs (with a quantized-kernel engine), bf16 on GPUs.

    bench/generation.py on the 2-core AVX512 dev machine, GPT-2-sized models, N=20: int8 was the
    fastest (about 2x bf16, 4-5x fp32) with greedy output identical to fp32 and a mean KL of the
    next-token distributions ~5e-4 nats (tolerance: identical greedy, KL < 0.01 nats, far below what
    temperature-0.7 sampling changes). Run the benchmark's ``--model DIR`` check on your fine-tuned
    model; if its KL is larger, set ``precision = "bf16"`` (needs native bf16) or ``"fp32"``.
    """
    if device != "cpu":
        return Precision.FP32 if device == "mps" else Precision.BF16
    if _has_quantized_engine():
        return Precision.INT8
    return Precision.BF16 if cpu_has_fast_bf16() else Precision.FP32


@dataclass(frozen=True)
class PhasePrecision:
    """The precision of the prefill and of the decode steps (equal for a one-copy model)."""

    prefill: Precision
    decode: Precision

    @classmethod
    def parse(cls, value: "PhasePrecision | Precision | str | None") -> "PhasePrecision":
        """``"int8"`` (both phases), ``"fp32/int8"`` (prefill/decode) or ``"auto"``; ValueError otherwise."""
        if isinstance(value, PhasePrecision):
            return value
        text = value.value if isinstance(value, Precision) else (value or "auto")
        parts = [part for part in str(text).split("/")]
        if len(parts) == 1:
            mode = Precision.parse(parts[0])
            return cls(mode, mode)
        if len(parts) != 2 or Precision.AUTO in (modes := tuple(map(Precision.parse, parts))):
            raise ValueError(f"neural precision '{value}' must be one mode or PREFILL/DECODE, e.g. fp32/int8")
        return cls(*modes)

    @property
    def split(self) -> bool:
        return self.prefill is not self.decode

    def __str__(self) -> str:
        return self.decode.value if not self.split else f"{self.prefill.value}/{self.decode.value}"


# Rows per matmul: a decode step of 20 candidates; a turn's new utterances; a full re-encode of history.
DECODE_ROWS, PREFILL_ROWS = 20, (64, 512)
SPLIT_GAIN = 0.85  # a second weight copy for the prefill must make it at least 15% faster


@lru_cache(maxsize=8)
def measure_phase_seconds(embed: int, threads: int) -> dict[Precision, tuple[float, float]]:
    """Seconds of one GPT-2-block-sized matmul (embed -> 4*embed) per precision: (decode, prefill).

    Random weights: the cost of a matmul does not depend on their values. bf16 is timed only on a
    CPU with native bf16 (emulated bf16 is several times slower than fp32 everywhere we measured).
    """
    import torch

    def best_of(fn: object, rows: int) -> float:
        x = torch.randn(rows, embed)
        fn(x)  # first call allocates and picks kernels
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn(x)
            times.append(time.perf_counter() - t0)
        return min(times)

    linear = torch.nn.Linear(embed, 4 * embed)
    layers: dict[Precision, object] = {Precision.FP32: linear}
    if cpu_has_fast_bf16():
        bf16 = copy.deepcopy(linear).to(torch.bfloat16)
        layers[Precision.BF16] = lambda x: bf16(x.to(torch.bfloat16))
    if _has_quantized_engine():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec = {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
            layers[Precision.INT8] = torch.ao.quantization.quantize_dynamic(
                torch.nn.Sequential(copy.deepcopy(linear)), spec, dtype=torch.qint8)
    with torch.inference_mode():
        return {mode: (best_of(layer, DECODE_ROWS), sum(best_of(layer, rows) for rows in PREFILL_ROWS))
                for mode, layer in layers.items()}


def _has_quantized_engine() -> bool:
    import torch

    return bool(set(torch.backends.quantized.supported_engines) & {"x86", "fbgemm", "qnnpack"})


def resolve_phases(spec: PhasePrecision | str, embed: int, device: str = "cpu") -> PhasePrecision:
    """Replace ``auto`` (in either phase) by the measured fastest mode on this machine.

    int8 is as correct as fp32 for chit-chat on the models we checked (identical greedy output, mean
    KL of next-token distributions ~5e-4 nats); run ``bench/generation.py --model DIR`` on your own.
    """
    phases = PhasePrecision.parse(spec)
    if Precision.AUTO not in (phases.prefill, phases.decode):
        return phases
    if device != "cpu":
        mode = Precision.FP32 if device == "mps" else Precision.BF16
        return PhasePrecision(mode, mode)
    import torch

    seconds = measure_phase_seconds(embed, torch.get_num_threads())
    decode = min(seconds, key=lambda m: seconds[m][0]) if phases.decode is Precision.AUTO else phases.decode
    prefill = phases.prefill
    if prefill is Precision.AUTO:
        fastest = min(seconds, key=lambda m: seconds[m][1])
        same = seconds.get(decode, (0.0, float("inf")))[1]
        prefill = fastest if seconds[fastest][1] < SPLIT_GAIN * same else decode
    return PhasePrecision(prefill, decode)


def prepare_phase_models(model: Any, spec: PhasePrecision | str, device: str = "cpu") -> tuple[Any, Any | None, PhasePrecision]:
    """Convert ``model`` for the decode phase; return (decode model, prefill model or None, phases).

    With one mode for both phases there is one copy (``None`` for the prefill model). Otherwise the
    decode copy is made first; with an fp32 prefill it shares every tensor the conversion leaves
    alone (embeddings, layer norms), so the extra memory is the converted matrices only.
    """
    embed = int(getattr(model.config, "n_embd", 0) or getattr(model.config, "hidden_size", 0) or 1024)
    phases = resolve_phases(spec, embed, device)
    if not phases.split:
        apply_precision(model, phases.decode, device)
        return model, None, phases
    shared = {id(t): t for t in (*model.parameters(), *model.buffers())} if phases.prefill is Precision.FP32 else {}
    decode_model = copy.deepcopy(model, memo=shared)
    apply_precision(decode_model, phases.decode, device)
    apply_precision(model, phases.prefill, device)
    return decode_model, model, phases


def conv1d_to_linear(model: Any) -> int:
    """Replace every transformers ``Conv1D`` in ``model`` by an equivalent ``nn.Linear``; return count."""
    import torch
    from transformers.pytorch_utils import Conv1D

    swapped = 0
    for parent in list(model.modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, Conv1D):
                n_in, n_out = child.weight.shape  # Conv1D stores (in, out); Linear wants (out, in)
                linear = torch.nn.Linear(n_in, n_out, bias=child.bias is not None)
                with torch.no_grad():
                    linear.weight.copy_(child.weight.t())
                    if child.bias is not None:
                        linear.bias.copy_(child.bias)
                setattr(parent, child_name, linear)
                swapped += 1
    return swapped


def apply_precision(model: Any, precision: Precision | str, device: str = "cpu") -> Precision:
    """Convert ``model`` in place (or by module swap) to ``precision``; return the mode applied."""
    import torch

    mode = Precision.parse(precision)
    if mode is Precision.AUTO:
        mode = resolve_auto(device)
    if mode is Precision.BF16:
        model.to(torch.bfloat16)
    elif mode is Precision.INT8:
        if device != "cpu":
            raise ValueError("int8 dynamic quantization runs on CPU only")
        conv1d_to_linear(model)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch deprecates quantized tensors but still runs them
            # Per-output-channel weight scales: one outlier row no longer coarsens a whole matrix.
            spec = {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
            torch.ao.quantization.quantize_dynamic(model, spec, dtype=torch.qint8, inplace=True)
    return mode
