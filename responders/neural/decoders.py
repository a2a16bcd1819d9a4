"""Incremental decoders: encode the history once, then advance N candidate rows one token at a time.

Two implementations of the same small interface:

* ``GenericDecoder`` works for any Hugging Face causal LM: prefill at batch 1, then
  ``DynamicCache.batch_repeat_interleave(N)`` so the history is encoded once, not N times.
* ``GPT2PrefixDecoder`` (GPT-2 family) never copies the history's keys/values at all: each step
  attends to the single batch-1 prefix cache with all N queries in one matmul, plus a small
  per-row cache of the generated tokens, merged in one softmax ("shared-prefix" attention). That
  removes the N-fold cache copy and the per-step ``torch.cat`` that grows it, which at N=20 and a
  200-token history is as much memory traffic per step as the weights themselves.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Protocol

import torch


class Decoder(Protocol):
    def prefill(self, prefix_ids: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode the history (batch 1); return (logits (1, V), final hidden (1, E)) at its last token."""

    def expand(self, rows: int) -> None:
        """Make ``rows`` copies of the decoding state (sharing the encoded history)."""

    def step(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Feed one token per row; return (logits (rows, V), final hidden (rows, E))."""

    def keep(self, rows: torch.Tensor) -> None:
        """Drop finished rows: keep only the row indices in ``rows``."""


def _device(model: Any) -> torch.device:
    return next(model.parameters()).device


class GenericDecoder:
    """Any causal LM through its own forward and a repeated ``DynamicCache``."""

    def __init__(self, model: Any) -> None:
        from transformers import DynamicCache

        self.model = model
        self.cache = DynamicCache(config=model.config)
        self.device = _device(model)

    def _forward(self, ids: torch.Tensor, **extra: Any) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.model(input_ids=ids, past_key_values=self.cache, use_cache=True, output_hidden_states=True, **extra)
        self.cache = out.past_key_values
        return out.logits[:, -1, :].float(), out.hidden_states[-1][:, -1, :]

    def prefill(self, prefix_ids: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        ids = torch.tensor([prefix_ids], device=self.device)
        try:  # only the last position's logits: the full (P x vocab) projection is ~20 GFLOP for GPT-2-medium
            return self._forward(ids, logits_to_keep=1)
        except TypeError:  # a model whose forward predates logits_to_keep
            return self._forward(ids)

    def expand(self, rows: int) -> None:
        self.cache.batch_repeat_interleave(rows)

    def step(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self._forward(tokens.view(-1, 1))

    def keep(self, rows: torch.Tensor) -> None:
        self.cache.batch_select_indices(rows)


def supports_prefix_decoder(model: Any) -> bool:
    cfg = model.config
    return (
        getattr(cfg, "model_type", "") == "gpt2"
        and not getattr(cfg, "add_cross_attention", False)
        and hasattr(model, "transformer")
        and hasattr(model.transformer, "h")
    )


class GPT2PrefixDecoder:
    """GPT-2 decode steps with shared-prefix attention (see module docstring)."""

    def __init__(self, model: Any, max_new_tokens: int) -> None:
        self.model = model
        self.tf = model.transformer
        self.blocks = list(self.tf.h)
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
        self.prefix_k: list[torch.Tensor] = []
        self.prefix_v: list[torch.Tensor] = []
        self.suffix_k: list[torch.Tensor] = []
        self.suffix_v: list[torch.Tensor] = []
        self.prefix_len = 0
        self.filled = 0  # generated tokens already in the suffix cache

    def _default_scaling(self, layer: int) -> float:
        cfg = self.model.config
        scale = self.head_dim**-0.5 if getattr(cfg, "scale_attn_weights", True) else 1.0
        return scale / (layer + 1) if getattr(cfg, "scale_attn_by_inverse_layer_idx", False) else scale

    def prefill(self, prefix_ids: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        from transformers import DynamicCache

        ids = torch.tensor([prefix_ids], device=self.device)
        cache = DynamicCache(config=self.model.config)
        out = self.model(input_ids=ids, past_key_values=cache, use_cache=True, output_hidden_states=True,
                         logits_to_keep=1)
        cache = out.past_key_values
        self.prefix_k = [layer.keys for layer in cache.layers]  # each (1, H, P, D)
        self.prefix_v = [layer.values for layer in cache.layers]
        self.prefix_len = len(prefix_ids)
        return out.logits[:, -1, :].float(), out.hidden_states[-1][:, -1, :]

    def expand(self, rows: int) -> None:
        dtype = self.prefix_k[0].dtype
        shape = (rows, self.heads, self.capacity, self.head_dim)
        self.suffix_k = [torch.zeros(shape, dtype=dtype, device=self.device) for _ in self.blocks]
        self.suffix_v = [torch.zeros(shape, dtype=dtype, device=self.device) for _ in self.blocks]
        self.filled = 0

    def keep(self, rows: torch.Tensor) -> None:
        self.suffix_k = [k.index_select(0, rows) for k in self.suffix_k]
        self.suffix_v = [v.index_select(0, rows) for v in self.suffix_v]

    def _attend(self, i: int, q: torch.Tensor, scaling: float) -> torch.Tensor:
        """q (R, H, D) -> attention output (R, H, D) over prefix (shared) + suffix (per row)."""
        t = self.filled + 1
        pk, pv = self.prefix_k[i][0], self.prefix_v[i][0]  # (H, P, D)
        sk, sv = self.suffix_k[i][:, :, :t], self.suffix_v[i][:, :, :t]  # (R, H, t, D)
        qh = q.transpose(0, 1)  # (H, R, D): all rows share the prefix, so one batched matmul per head
        prefix_scores = torch.matmul(qh, pk.transpose(-1, -2)).transpose(0, 1)  # (R, H, P)
        suffix_scores = torch.matmul(sk, q.unsqueeze(-1)).squeeze(-1)  # (R, H, t)
        scores = torch.cat([prefix_scores, suffix_scores], dim=-1).float() * scaling
        probs = torch.softmax(scores, dim=-1).to(q.dtype)
        p_prefix, p_suffix = probs[..., : self.prefix_len], probs[..., self.prefix_len :]
        out = torch.matmul(p_prefix.transpose(0, 1), pv).transpose(0, 1)  # (R, H, D)
        return out + torch.matmul(p_suffix.unsqueeze(-2), sv).squeeze(-2)

    def step(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        rows = tokens.shape[0]
        position = self.prefix_len + self.filled
        pos = torch.full((rows,), position, dtype=torch.long, device=self.device)
        h = self.tf.wte(tokens) + self.tf.wpe(pos)  # (R, E)
        slot = self.filled
        for i, block in enumerate(self.blocks):
            attn = block.attn
            qkv = attn.c_attn(block.ln_1(h))
            q, k, v = qkv.split(self.embed, dim=-1)
            q = q.view(rows, self.heads, self.head_dim)
            self.suffix_k[i][:, :, slot] = k.view(rows, self.heads, self.head_dim)
            self.suffix_v[i][:, :, slot] = v.view(rows, self.heads, self.head_dim)
            a = self._attend(i, q, self.scaling[i]).reshape(rows, self.embed)
            h = h + attn.c_proj(a)
            mlp = block.mlp
            h = h + mlp.c_proj(self.act(mlp.c_fc(block.ln_2(h))))
        self.filled += 1
        hidden = self.tf.ln_f(h)
        return self.model.lm_head(hidden).float(), hidden
