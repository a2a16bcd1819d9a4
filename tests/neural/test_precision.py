"""Per-phase precision: one mode or PREFILL/DECODE; a split shares the tensors it does not convert."""

from __future__ import annotations

import pytest

from responders.neural.generation import GenerationSettings, SharedCacheGenerator
from responders.neural.loading import ModelLoadError, load_model
from responders.neural.precision import PhasePrecision, Precision, resolve_phases

HISTORY = ["how was your day?", "it was good, thanks for asking.", "what did you do?"]


@pytest.mark.parametrize("text, prefill, decode", [
    ("int8", "int8", "int8"), ("fp32/int8", "fp32", "int8"), ("BF16/fp32", "bf16", "fp32"), (None, "auto", "auto"),
])
def test_parse(text, prefill, decode):
    phases = PhasePrecision.parse(text)
    assert (phases.prefill.value, phases.decode.value) == (prefill, decode)


@pytest.mark.parametrize("text", ["int4", "fp32/int8/bf16", "auto/int8"])
def test_bad_precision_is_one_clear_error(text, tiny_dir):
    with pytest.raises(ValueError, match="neural precision"):
        PhasePrecision.parse(text)
    with pytest.raises((ValueError, ModelLoadError)):
        load_model(tiny_dir, precision=text)


def test_auto_picks_a_measured_mode_per_phase():
    phases = resolve_phases("auto", embed=64)
    assert Precision.AUTO not in (phases.prefill, phases.decode)
    assert resolve_phases("fp32/int8", embed=64) == PhasePrecision(Precision.FP32, Precision.INT8)
    assert resolve_phases("auto", embed=64, device="cuda") == PhasePrecision(Precision.BF16, Precision.BF16)


def test_split_model_shares_embeddings_and_generates_like_fp32(tiny_dir):
    import torch

    lm = load_model(tiny_dir, precision="fp32/int8")
    assert lm.precision is Precision.INT8 and lm.prefill_precision is Precision.FP32 and lm.phases == "fp32/int8"
    assert lm.model.transformer.wte.weight is lm.prefill_model.transformer.wte.weight  # no second copy
    assert isinstance(lm.model.transformer.h[0].attn.c_attn, torch.ao.nn.quantized.dynamic.Linear)
    assert not isinstance(lm.prefill_model.transformer.h[0].attn.c_attn, torch.ao.nn.quantized.dynamic.Linear)
    greedy = GenerationSettings(do_sample=False, max_new_tokens=8, stop_at_newline=False)
    split = SharedCacheGenerator(lm, greedy)
    fp32 = SharedCacheGenerator(load_model(tiny_dir, precision="fp32"), greedy)
    prefix = split.prefix_ids(HISTORY)
    # The prefill ran in fp32, so the first token comes from exactly the fp32 logits.
    assert split.decode(prefix, 1).tokens[0][0] == fp32.decode(prefix, 1).tokens[0][0]
    sampled = split.generate(HISTORY, n=4, seed=0)
    assert sampled.candidates or sampled.unfinished
