"""Detect whether a user utterance expresses dissatisfaction with the bot, and of which kinds.

The detector is rule-based on purpose: its output becomes the *training label* for the
dissatisfaction predictor, so precision beats recall (a false "dissatisfied" label teaches the
predictor to avoid good responses). The phrasings live in ``patterns.toml`` so they can be tuned
without touching code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Callable

DISSATISFACTION_TYPES: tuple[str, ...] = (
    "clarification",
    "misheard",
    "criticism",
    "repetition",
    "privacy",
    "offensive",
    "end_conversation",
    "change_topic",
    "disinterest",
)

# Words a speaker (or the ASR) puts in front of the real sentence; matching is tried with and
# without them so "okay bye" and "no youre not listening" read like "bye" / "youre not listening".
_LEADING_FILLERS = frozenset(
    "um umm uh uhh uhm er erm hmm hm mm alexa oh ok okay well no nope yeah yes yep sorry ugh man "
    "dude hey".split()
)
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_SEGMENT_BREAK = re.compile(r"[.!?;,:\n]+")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_MACRO = re.compile(r"<([a-z_]+)>")


@dataclass(frozen=True)
class _TypePatterns:
    name: str
    patterns: tuple[re.Pattern[str], ...]  # tried on the whole utterance and on each piece
    whole: tuple[re.Pattern[str], ...]  # tried on the whole utterance only


def normalize(text: str) -> str:
    """Lowercase, drop apostrophes ("don't" == "dont", as ASR often writes it), words only."""
    text = _APOSTROPHES.sub("", text.lower())
    return " ".join(_NON_WORD.sub(" ", text).split())


def _strip_fillers(words: list[str]) -> list[str]:
    start = 0
    while start < len(words) and words[start] in _LEADING_FILLERS:
        start += 1
    return words[start:]


def _variants(text: str) -> tuple[list[str], list[str]]:
    """(whole-utterance variants, whole + piece variants), each with and without leading fillers."""
    lowered = _APOSTROPHES.sub("", text.lower())
    pieces = [lowered] + _SEGMENT_BREAK.split(lowered)
    out: list[str] = []
    n_whole = 0
    for i, piece in enumerate(pieces):
        words = _NON_WORD.sub(" ", piece).split()
        for variant in (words, _strip_fillers(words)):
            joined = " ".join(variant)
            if joined and joined not in out:
                out.append(joined)
        if i == 0:
            n_whole = len(out)
    return out[:n_whole], out


@lru_cache(maxsize=4)
def _load_patterns(resource: str = "patterns.toml") -> tuple[_TypePatterns, ...]:
    raw = tomllib.loads(resources.files(__package__).joinpath(resource).read_text("utf-8"))
    macros: dict[str, str] = raw.get("macros", {})

    def expand(pattern: str) -> str:
        return _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)

    tables = raw.get("types", {})
    unknown = set(tables) - set(DISSATISFACTION_TYPES)
    if unknown:
        raise ValueError(f"{resource}: unknown dissatisfaction types {sorted(unknown)}")
    def compile_all(name: str, key: str) -> tuple[re.Pattern[str], ...]:
        pats = []
        for pattern in tables.get(name, {}).get(key, []):
            try:
                pats.append(re.compile(expand(pattern)))
            except re.error as exc:
                raise ValueError(f"{resource}: bad pattern for {name!r}: {pattern!r} ({exc})") from exc
        return tuple(pats)

    return tuple(
        _TypePatterns(name, compile_all(name, "patterns"), compile_all(name, "whole")) for name in DISSATISFACTION_TYPES
    )


@lru_cache(maxsize=1)
def _offense_classifier() -> Callable[[str], object] | None:
    """The offense engineer's classifier, if installed; dissatisfaction works without it."""
    try:
        from classifiers.offense import classify_offense  # type: ignore[attr-defined]
    except Exception:  # absent or broken: fall back to our own short list
        return None
    return classify_offense


def detect_dissatisfaction(text: str, *, use_offense_classifier: bool = True) -> list[str]:
    """Dissatisfaction types expressed by a user utterance, in ``DISSATISFACTION_TYPES`` order.

    An empty list means "no sign of dissatisfaction" (not "satisfied"). Never raises on odd input.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    return list(_detect(text, use_offense_classifier))


@lru_cache(maxsize=8192)
def _detect(text: str, use_offense_classifier: bool) -> tuple[str, ...]:
    """Cached: logs repeat short replies ("yes", "ok", "what") thousands of times."""
    whole, variants = _variants(text)
    found: list[str] = []
    for table in _load_patterns():
        if any(p.search(v) for p in table.patterns for v in variants) or any(
            p.search(v) for p in table.whole for v in whole
        ):
            found.append(table.name)
    if use_offense_classifier and "offensive" not in found:
        classify = _offense_classifier()
        if classify is not None:
            try:
                if getattr(classify(text), "is_offensive", False):
                    found.append("offensive")
                    found.sort(key=DISSATISFACTION_TYPES.index)
            except Exception:  # a bug there must not break annotation here
                pass
    return tuple(found)


def is_dissatisfied(text: str) -> bool:
    """True when the utterance expresses any kind of dissatisfaction."""
    return bool(detect_dissatisfaction(text))
