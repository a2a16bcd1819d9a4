"""How a dialogue becomes model input: one utterance per line, newest last, under a token budget.

Why one format module: fine-tuning (finetune.py) and generation must agree exactly, or a fine-tuned
model sees a different layout at inference. A conversation is ``<eos>`` followed by each utterance and
a newline; the model's reply is the next line, so generation stops at a newline or ``<eos>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SEPARATOR = "\n"


def clean_utterance(text: str) -> str:
    """Collapse internal newlines/whitespace: a newline inside a turn would end it early."""
    return " ".join(str(text).split())


def encode_turn(tokenizer: Any, text: str) -> list[int]:
    return list(tokenizer.encode(clean_utterance(text) + SEPARATOR, add_special_tokens=False))


def encode_history(tokenizer: Any, history: Sequence[str], budget: int) -> list[int]:
    """Token ids for ``<eos>`` + the most recent turns that fit in ``budget`` tokens.

    Whole turns are dropped from the oldest end; if the newest turn alone is too long, its tail is
    kept (the end of what the user said matters most for the reply).
    """
    eos = tokenizer.eos_token_id
    room = max(1, budget - 1)
    kept: list[int] = []
    for turn in reversed(history):
        ids = encode_turn(tokenizer, turn)
        if len(kept) + len(ids) > room:
            if not kept:
                kept = ids[-room:]
            break
        kept = ids + kept
    return [eos] + kept
