"""Choosing what to say: highest priority first, then the declared responder order.

There is no randomness here on purpose: given the same candidates the same one wins, so tests and
replays are reproducible and "why did the bot say that?" has a one-line answer.
"""

from __future__ import annotations

from typing import Sequence

from chirpy.responder import Candidate


def rank(candidates: Sequence[Candidate], order: Sequence[str]) -> list[Candidate]:
    """Unrejected candidates, best first. Within a responder, its own order is kept (it ranked them)."""
    position = {name: i for i, name in enumerate(order)}
    indexed = [(i, c) for i, c in enumerate(candidates) if c.rejected is None]
    indexed.sort(key=lambda ic: (-int(ic[1].priority), position.get(ic[1].responder, len(position)), ic[0]))
    return [c for _, c in indexed]


def compose(response: Candidate, prompt: Candidate | None) -> str:
    """The spoken turn: the response, then the prompt that hands the conversation on."""
    if prompt is None:
        return response.text.strip()
    return f"{response.text.strip()} {prompt.text.strip()}".strip()
