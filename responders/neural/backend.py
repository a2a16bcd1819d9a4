"""Where the neural responder's candidates come from: one interface, two implementations.

* ``local`` (default): ``SharedCacheGenerator`` runs a Hugging Face causal LM in this process.
* ``openai``: ``OpenAIBackend`` asks an OpenAI-compatible server (e.g. vLLM on a GPU) for all N
  candidates in one request, with token log-probabilities.

Both return a ``GenerationResult`` of ``NeuralCandidate``s (text, summed log-probability, how the
line ended), so the filters, the rankers (likelihood, dissatisfaction) and the turn log are the same
whichever one runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Protocol

from responders.neural.contract import GenerationResult, GenerationSettings

BACKENDS = ("local", "openai")


class NeuralBackend(Protocol):
    settings: GenerationSettings

    def generate(
        self,
        history: Sequence[str],
        *,
        n: int | None = None,
        seed: int | None = None,
        should_stop: Callable[[], bool] | threading.Event | None = None,
        deadline: float | None = None,
        cache_key: Hashable | None = None,
    ) -> GenerationResult:
        """Sample ``n`` replies to ``history`` (oldest first, the user's latest last) by ``deadline``."""

    def describe(self) -> str:
        """One line for the start-up log: what generates, where, how."""

    def close(self) -> None:
        """Release what the backend holds (cached encodings, HTTP connections)."""


def backend_name(config: dict[str, Any]) -> str:
    name = str(config.get("backend", "local") or "local").strip().lower()
    if name not in BACKENDS:
        raise ValueError(f"unknown neural backend '{name}' (choose one of: {', '.join(BACKENDS)})")
    return name
