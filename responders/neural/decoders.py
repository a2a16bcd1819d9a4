"""Incremental decoders: encode the history once, then advance N candidate rows one token at a time.

Two implementations of the same small interface:

* ``GenericDecoder`` works for any Hugging Face causal LM: prefill at batch 1 through the model's
  own forward and a ``DynamicCache``, then ``batch_repeat_interleave(N)`` so the history is encoded
  once, not N times.
* ``GPT2PrefixDecoder`` (GPT-2 family) never copies the history's keys/values at all: each step
  attends to the single batch-1 prefix cache with all N queries at once (one fused attention), plus
  a small per-row cache of the generated tokens, merged through their softmax normalisers
  ("shared-prefix" attention). That removes the N-fold cache copy and the per-step ``torch.cat``
  that grows it, which at N=20 and a 200-token history is as much memory traffic per step as the
  weights themselves.

Both prefill *on top of* an earlier prefix's keys/values (``PrefixKV``), so a conversation's next
turn encodes only its new utterances (see prefix_cache.py). The prefill and the decode steps may run
different copies of the weights (e.g. fp32 prefill, int8 decode: precision.py's phase plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import torch


@dataclass(frozen=True)
class PrefixKV:
    """The keys and values of an encoded token prefix, per layer, each ``(1, heads, tokens, head_dim)``."""

    keys: tuple[torch.Tensor, ...]
    values: tuple[torch.Tensor, ...]

    @property
    def length(self) -> int:
        return int(self.keys[0].shape[-2]) if self.keys else 0

    @property
    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in (*self.keys, *self.values))

    def head(self, tokens: int) -> "PrefixKV":
        """The first ``tokens`` positions (views: no copy; causal attention makes them exact)."""
        if tokens >= self.length:
            return self
        return PrefixKV(tuple(k[:, :, :tokens] for k in self.keys), tuple(v[:, :, :tokens] for v in self.values))


def _flash_with_lse() -> Any:
    """torch's fused CPU attention that also returns the softmax normaliser (log-sum-exp), if present."""
    return getattr(torch.ops.aten, "_scaled_dot_product_flash_attention_for_cpu", None)


def prefix_attention(q: torch.Tensor, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """All rows' (already scaled) queries ``q`` (1, H, R, D) against one prefix (1, H, P, D).

    Returns (output (H, R, D), log-sum-exp of the scores (H, R)), so the caller can merge in more keys.
    The fused kernel blocks the work and the softmax; at 800 history tokens it took 60-75% of the time
    of batched matmuls + softmax on the 2-core dev machine. Without it: the same thing in plain ops.
    """
    flash = _flash_with_lse()
    if flash is not None and q.device.type == "cpu" and q.dtype in (torch.float32, torch.bfloat16):
        out, lse = flash(q, keys, values, 0.0, False, scale=1.0)[:2]
        return out[0], lse[0]
    scores = torch.matmul(q[0], keys[0].transpose(-1, -2)).float()  # (H, R, P)
    lse = torch.logsumexp(scores, dim=-1)
    return torch.matmul(torch.exp(scores - lse.unsqueeze(-1)).to(values.dtype), values[0]), lse


class Decoder(Protocol):
    supports_reuse: bool  # False: prefill must start from scratch (``past`` is always None)

    def prefill(self, new_ids: list[int], past: PrefixKV | None) -> tuple[torch.Tensor, PrefixKV]:
        """Encode ``new_ids`` after ``past`` (batch 1); return (logits (1, V) at the last token, the whole prefix)."""

    def expand(self, rows: int) -> None:
        """Make ``rows`` copies of the decoding state (sharing the encoded history)."""

    def step(self, tokens: torch.Tensor) -> torch.Tensor:
        """Feed one token per row; return logits (rows, V)."""

    def keep(self, rows: torch.Tensor) -> None:
        """Drop finished rows: keep only the row indices in ``rows``."""


def _device(model: Any) -> torch.device:
    return next(model.parameters()).device


def activation_dtype(model: Any) -> torch.dtype:
    """The dtype a model computes in: int8 dynamic quantization keeps fp32 activations."""
    floats = [p.dtype for p in model.parameters() if p.is_floating_point()]
    return floats[0] if floats else torch.float32


class GenericDecoder:
    """Any causal LM through its own forward and a repeated ``DynamicCache``."""

    def __init__(self, model: Any, prefill_model: Any | None = None) -> None:
        from transformers import DynamicCache
        from transformers.cache_utils import DynamicLayer

        self.model = model
        self.prefill_model = prefill_model or model
        self.cache = DynamicCache(config=model.config)
        self.device = _device(model)
        self.dtype = activation_dtype(model)
        # Rebuilding a cache from stored tensors is exact only for plain (non-sliding) layers.
        self.supports_reuse = all(type(layer) is DynamicLayer for layer in self.cache.layers)

    def _forward(self, model: Any, ids: torch.Tensor, **extra: Any) -> torch.Tensor:
        out = model(input_ids=ids, cache=self.cache, use_cache=True, **extra)
        self.cache = out.cache
        return out.logits[:, -1, :].float()

    def prefill(self, new_ids: list[int], past: PrefixKV | None) -> tuple[torch.Tensor, PrefixKV]:
        from transformers import DynamicCache

        if past is not None and past.length:
            self.cache = DynamicCache(ddp_cache_data=list(zip(past.keys, past.values)), config=self.model.config)
        ids = torch.tensor([new_ids], device=self.device)
        try:  # only the last position's logits: the full (P x vocab) projection is ~20 GFLOP for GPT-2-medium
            logits = self._forward(self.prefill_model, ids, logits_to_keep=1)
        except TypeError:  # a model whose forward predates logits_to_keep
            logits = self._forward(self.prefill_model, ids)
        layers = self.cache.layers
        if layers and layers[0].keys.dtype != self.dtype:  # e.g. bf16 prefill feeding fp32 (int8) decode steps
            for layer in layers:
                layer.keys, layer.values = layer.keys.to(self.dtype), layer.values.to(self.dtype)
        return logits, PrefixKV(tuple(layer.keys for layer in layers), tuple(layer.values for layer in layers))

    def expand(self, rows: int) -> None:
        self.cache.batch_repeat_interleave(rows)

    def step(self, tokens: torch.Tensor) -> torch.Tensor:
        return self._forward(self.model, tokens.view(-1, 1))

    def keep(self, rows: torch.Tensor) -> None:
        self.cache.batch_select_indices(rows)


def supports_prefix_decoder(model: Any) -> bool:
    cfg = model.config
    return (
        getattr(cfg, "model_type", "") == "gpt2"
        and not getattr(cfg, "add_cross_attention", False)
        and not getattr(cfg, "reorder_and_upcast_attn", False)
        and hasattr(model, "transformer")
        and hasattr(model.transformer, "h")
    )


class GPT2PrefixDecoder:
    """GPT-2 prefill and decode steps with shared-prefix attention (see module docstring)."""

    supports_reuse = True

    def __init__(self, model: Any, max_new_tokens: int, prefill_model: Any | None = None) -> None:
        self.model = model
        self.tf = model.transformer
        self.blocks = list(self.tf.h)
        prefill_model = prefill_model or model
        self.prefill_tf = prefill_model.transformer
        self.prefill_blocks = list(self.prefill_tf.h)
        self.prefill_head = prefill_model.lm_head
        cfg = model.config
        self.heads = cfg.n_head
        self.embed = cfg.n_embd
        self.head_dim = self.embed // self.heads
        self.capacity = max_new_tokens + 1
        # GPT-2's "gelu_new" is the tanh approximation written as 7 separate ops; the fused kernel is
        # the same function (max diff ~2e-7) at a third of the cost per decode step.
        fused = getattr(cfg, "activation_function", "") in {"gelu_new", "gelu_pytorch_tanh"}
        self.act = partial(torch.nn.functional.gelu, approximate="tanh") if fused else self.blocks[0].mlp.act
        # transformers 5 precomputes the scale per layer; older versions: 1/sqrt(d) (/ layer+1 if configured).
        self.scaling = [getattr(b.attn, "scaling", None) or self._default_scaling(i) for i, b in enumerate(self.blocks)]
        self.device = _device(model)
        self.dtype = activation_dtype(model)
        self.prefix_k: tuple[torch.Tensor, ...] = ()
        self.prefix_v: tuple[torch.Tensor, ...] = ()
        self.suffix_k: list[torch.Tensor] = []
        self.suffix_v: list[torch.Tensor] = []
        self.prefix_len = 0
        self.filled = 0  # generated tokens already in the suffix cache

    def _default_scaling(self, layer: int) -> float:
        cfg = self.model.config
        scale = self.head_dim**-0.5 if getattr(cfg, "scale_attn_weights", True) else 1.0
        return scale / (layer + 1) if getattr(cfg, "scale_attn_by_inverse_layer_idx", False) else scale

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        """(1, T, E) -> (1, H, T, D)."""
        return x.view(1, -1, self.heads, self.head_dim).transpose(1, 2)

    def prefill(self, new_ids: list[int], past: PrefixKV | None) -> tuple[torch.Tensor, PrefixKV]:
        """GPT-2's forward over ``new_ids`` attending to ``past`` too; keeps every layer's keys/values."""
        start = past.length if past is not None else 0
        count = len(new_ids)
        ids = torch.tensor([new_ids], device=self.device)
        positions = torch.arange(start, start + count, device=self.device)
        h = self.prefill_tf.wte(ids) + self.prefill_tf.wpe(positions)  # (1, T, E)
        # Row t sees every earlier position and itself (None: plain causal, nothing cached before).
        visible = torch.arange(start + count, device=self.device) <= positions.unsqueeze(1) if start else None
        keys, values = [], []
        for i, block in enumerate(self.prefill_blocks):
            q, k, v = block.attn.c_attn(block.ln_1(h)).split(self.embed, dim=-1)
            q, k, v = self._heads(q), self._heads(k).to(self.dtype), self._heads(v).to(self.dtype)
            if start:
                k, v = torch.cat([past.keys[i], k], dim=2), torch.cat([past.values[i], v], dim=2)
            else:  # own storage: views would pin the whole fused q/k/v buffer in the prefix cache
                k, v = k.contiguous(), v.contiguous()
            keys.append(k)
            values.append(v)
            a = torch.nn.functional.scaled_dot_product_attention(
                q, k.to(q.dtype), v.to(q.dtype), attn_mask=visible, is_causal=visible is None, scale=self.scaling[i])
            h = h + block.attn.c_proj(a.transpose(1, 2).reshape(1, count, self.embed))
            mlp = block.mlp
            h = h + mlp.c_proj(self.act(mlp.c_fc(block.ln_2(h))))
        logits = self.prefill_head(self.prefill_tf.ln_f(h[:, -1, :])).float()
        self.prefix_k, self.prefix_v = tuple(keys), tuple(values)
        self.prefix_len = start + count
        return logits, PrefixKV(self.prefix_k, self.prefix_v)

    def expand(self, rows: int) -> None:
        shape = (rows, self.heads, self.capacity, self.head_dim)
        self.suffix_k = [torch.zeros(shape, dtype=self.dtype, device=self.device) for _ in self.blocks]
        self.suffix_v = [torch.zeros(shape, dtype=self.dtype, device=self.device) for _ in self.blocks]
        self.filled = 0

    def keep(self, rows: torch.Tensor) -> None:
        self.suffix_k = [k.index_select(0, rows) for k in self.suffix_k]
        self.suffix_v = [v.index_select(0, rows) for v in self.suffix_v]

    def _attend(self, i: int, q: torch.Tensor) -> torch.Tensor:
        """q (R, H, D), already scaled -> attention output (R, H, D) over prefix (shared) + suffix (per row).

        The two parts are attended separately and merged through their softmax normalisers, so the
        shared prefix is one fused attention of all R rows and is never copied per row. The prefix
        enters the merge as one extra "key" whose score is its log-sum-exp and whose "value" is its
        attention output: one softmax over (1 + t) scores then weighs both parts exactly.
        """
        t = self.filled + 1
        out_p, lse_p = prefix_attention(q.transpose(0, 1).unsqueeze(0).contiguous(), self.prefix_k[i],
                                        self.prefix_v[i])
        # Multiply-and-sum, not matmul: 320 tiny (t x D)·(D) products cost ~4x more through batched BLAS.
        suffix_scores = (self.suffix_k[i][:, :, :t] * q.unsqueeze(2)).sum(dim=-1).to(lse_p.dtype)  # (R, H, t)
        weights = torch.softmax(torch.cat((lse_p.transpose(0, 1).unsqueeze(-1), suffix_scores), dim=-1), dim=-1)
        weights = weights.to(q.dtype)
        mixed = out_p.transpose(0, 1) * weights[..., :1]
        return mixed + torch.matmul(weights[..., 1:].unsqueeze(-2), self.suffix_v[i][:, :, :t]).squeeze(-2)

    def step(self, tokens: torch.Tensor) -> torch.Tensor:
        rows = tokens.shape[0]
        position = self.prefix_len + self.filled
        pos = torch.full((rows,), position, dtype=torch.long, device=self.device)
        h = self.tf.wte(tokens) + self.tf.wpe(pos)  # (R, E)
        slot = self.filled
        for i, block in enumerate(self.blocks):
            attn = block.attn
            qkv = attn.c_attn(block.ln_1(h))
            q, k, v = qkv.split(self.embed, dim=-1)
            q = q.view(rows, self.heads, self.head_dim) * self.scaling[i]
            self.suffix_k[i][:, :, slot] = k.view(rows, self.heads, self.head_dim)
            self.suffix_v[i][:, :, slot] = v.view(rows, self.heads, self.head_dim)
            a = self._attend(i, q).reshape(rows, self.embed)
            h = h + attn.c_proj(a)
            mlp = block.mlp
            h = h + mlp.c_proj(self.act(mlp.c_fc(block.ln_2(h))))
        self.filled += 1
        return self.model.lm_head(self.tf.ln_f(h)).float()
