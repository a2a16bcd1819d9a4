"""Surprisal of a user utterance under a causal language model (optional).

Uses the neural responder's loader and dialogue layout (``responders.neural``), so the same local
model directory serves both, and an absent model costs nothing: ``load_utterance_scorer`` returns
``None`` with a one-line reason and the controller logs tokens and noun phrases only.
"""

from __future__ import annotations

from typing import Any

DEFAULT_HISTORY_TOKENS = 256


class LMUtteranceScorer:
    """NLL of the utterance's tokens (and its end-of-turn newline) given the recent dialogue."""

    def __init__(self, loaded: Any, history_tokens: int = DEFAULT_HISTORY_TOKENS) -> None:
        self.loaded = loaded
        self.history_tokens = history_tokens

    def nll(self, history: list[str], text: str) -> tuple[float, int]:
        import torch

        from responders.neural.history import encode_history, encode_turn

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        room = self.loaded.max_positions
        target = encode_turn(tokenizer, text)[: room - 1]
        context = encode_history(tokenizer, history, max(1, min(self.history_tokens, room - len(target))))
        ids = torch.tensor([context + target])
        with torch.inference_mode():
            logits = model(input_ids=ids).logits[0, len(context) - 1:-1].float()
        logprobs = torch.log_softmax(logits, dim=-1)
        picked = logprobs.gather(1, torch.tensor(target).unsqueeze(1)).squeeze(1)
        return float(-picked.sum()), len(target)


def load_utterance_scorer(model: str, history_tokens: int = DEFAULT_HISTORY_TOKENS) -> tuple[LMUtteranceScorer | None, str | None]:
    """``(scorer, None)`` or ``(None, reason)``; never raises for a missing model or library."""
    if not model:
        return None, None
    try:
        from responders.neural.loading import try_load_model
    except ImportError as exc:
        return None, f"initiative: user-utterance NLL off (neural package unavailable: {exc})"
    loaded, message = try_load_model(model)
    if loaded is None:
        return None, f"initiative: user-utterance NLL off ({message})"
    return LMUtteranceScorer(loaded, history_tokens), None
