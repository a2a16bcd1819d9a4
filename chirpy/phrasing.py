"""Choosing among several phrasings of the same thing: least recently used first.

Socialbots sound robotic when they repeat themselves. Content files give several phrasings per
slot; the picker takes the one used least recently in this conversation (ties broken by the
turn's seeded RNG), skips anything already said, and remembers its choices in the responder's
private state so the memory survives across turns and processes.
"""

from __future__ import annotations

import random
from typing import Any, Sequence


def pick_phrasing(
    options: Sequence[str],
    slot: str,
    private: dict[str, Any],
    rng: random.Random,
    turn_index: int,
    already_said: Any = None,
    **fields: Any,
) -> str:
    """Return one option formatted with ``fields``; records the use in ``private['phrasing']``.

    ``already_said`` is an optional predicate (``TurnContext.already_said``): options whose
    formatted text the bot said earlier are avoided while any alternative remains.
    """
    if not options:
        raise ValueError(f"no phrasings for slot {slot!r}")
    used: dict[str, int] = private.setdefault("phrasing", {}).setdefault(slot, {})
    formatted = [(option, option.format(**fields) if fields else option) for option in options]
    fresh = [pair for pair in formatted if not (already_said and already_said(pair[1]))] or formatted
    oldest = min(used.get(option, -1) for option, _ in fresh)
    ties = [pair for pair in fresh if used.get(pair[0], -1) == oldest]
    option, text = ties[rng.randrange(len(ties))]
    used[option] = turn_index
    return text
