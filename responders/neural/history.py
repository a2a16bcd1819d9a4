"""How a dialogue becomes model input: one utterance per line, newest last, under a token budget.

Why one format module: fine-tuning (finetune.py) and generation must agree exactly, or a fine-tuned
model sees a different layout at inference. A conversation is ``<eos>`` followed by each utterance and
a newline; the model's reply is the next line, so generation stops at a newline or ``<eos>``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

SEPARATOR = "\n"


def clean_utterance(text: str) -> str:
    """Collapse internal newlines/whitespace: a newline inside a turn would end it early."""
    return " ".join(str(text).split())


def encode_turn(tokenizer: Any, text: str) -> list[int]:
    return list(tokenizer.encode(clean_utterance(text) + SEPARATOR, add_special_tokens=False))


def encode_history(
    tokenizer: Any,
    history: Sequence[str],
    budget: int,
    trim_chunk: int = 0,
    encode: Callable[[str], Sequence[int]] | None = None,
) -> list[int]:
    """Token ids for ``<eos>`` + the most recent turns that fit in ``budget`` tokens.

    Whole turns are dropped from the oldest end; if the newest turn alone is too long, its tail is
    kept (the end of what the user said matters most for the reply).

    ``trim_chunk`` > 0 trims in chunks: when the history outgrows the budget, the oldest turns go
    until ``trim_chunk`` tokens are free, and the start then stays put until the budget is reached
    again. The prompt then begins the same way for many turns, so the keys/values encoded for it
    last turn stay valid (prefix_cache.py). The start is replayed from the whole history turn by
    turn, so it depends on the history alone: any worker, cache or not, builds the same prompt.
    With ``trim_chunk`` = 0 this is exactly "the most recent turns that fit". ``encode`` maps an
    utterance to its ids (default ``encode_turn``; callers pass a memoised one).
    """
    eos = tokenizer.eos_token_id
    room = max(1, budget - 1)
    low_water = max(0, room - max(0, trim_chunk))
    encode = encode or (lambda text: encode_turn(tokenizer, text))
    turns = [encode(turn) for turn in history]
    start, total = 0, 0
    for newest, ids in enumerate(turns):
        total += len(ids)
        if total > room:
            while start < newest and total > low_water:  # never drop the newest turn itself
                total -= len(turns[start])
                start += 1
    kept = [token for ids in turns[start:] for token in ids]
    return [eos] + kept[-room:]
