"""Numeric precision modes for CPU inference: fp32, bf16, int8 (dynamic quantization).

Why: decoding is bound by reading the weights once per step, so halving (bf16) or quartering (int8)
their size cuts latency on a CPU. bf16 needs native CPU support (AVX512-BF16 / AMX) to be fast;
int8 dynamic quantization only rewrites ``nn.Linear``, and GPT-2 uses ``Conv1D`` (a transposed
linear), so those are swapped for equivalent ``nn.Linear`` layers first. ``auto`` picks the mode
the benchmark (bench/generation.py) measured fastest while still correct on this kind of CPU.
Per-output-channel int8 weight scales are used: one outlier row then no longer coarsens a matrix.
"""

from __future__ import annotations

import enum
import warnings
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
    import torch

    if set(torch.backends.quantized.supported_engines) & {"x86", "fbgemm", "qnnpack"}:
        return Precision.INT8
    return Precision.BF16 if cpu_has_fast_bf16() else Precision.FP32


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
