"""What every candidate filter sees and returns.

Why our own small protocol (not ``chirpy.registry.filters``): these checks need the conversation so
far split by speaker, which generic core filters don't get, and they run inside the neural
responder before ranking, so their reject reasons reach the turn log with the candidate.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

DATA_DIR = Path(__file__).parent / "data"
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(text: str) -> list[str]:
    """Lower-case word tokens; apostrophes kept inside words ("don't", "i'm")."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


@lru_cache(maxsize=None)
def load_data(name: str) -> dict[str, Any]:
    """Read ``data/<name>.toml`` (cached): the content people tune lives there, not in code."""
    with open(DATA_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def stopwords() -> frozenset[str]:
    return frozenset(load_data("stopwords")["stopwords"])


def compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    return [re.compile(rf"\b{p}\b", re.IGNORECASE) for p in patterns]


@dataclass
class FilterContext:
    """The conversation before the candidate, oldest first, split by speaker.

    One context serves all of a turn's candidates, so what a filter derives from the conversation
    (n-gram sets, earlier questions) is built once per turn through ``derived`` and reused.
    """

    user_turns: list[str] = field(default_factory=list)
    bot_turns: list[str] = field(default_factory=list)
    _derived: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` the first time ``key`` is asked for in this context, the same value after."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    @classmethod
    def from_history(cls, history: Sequence[str]) -> "FilterContext":
        """Alternating history whose last entry is the user's latest utterance."""
        user = [t for i, t in enumerate(reversed(history)) if i % 2 == 0][::-1]
        bot = [t for i, t in enumerate(reversed(history)) if i % 2 == 1][::-1]
        return cls(user_turns=user, bot_turns=bot)


class CandidateFilter(Protocol):
    name: str

    def check(self, text: str, ctx: FilterContext) -> str | None:
        """None to keep the candidate, else a short reason to reject it (logged)."""
