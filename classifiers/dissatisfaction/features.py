"""Features of a (conversation context, candidate bot utterance) pair for the predictor.

Hashed sparse features (the "hashing trick") keep the model a fixed-size weight vector: no
vocabulary to build, store or keep in sync between training and serving, and any candidate text
(neural or scripted) can be scored. Besides the candidate's own words the features describe how
the candidate relates to the conversation, because the errors users complain about are
relational: repeating an earlier bot line, ignoring what the user just said, answering a
question with a question, asking again after the user already complained.

Everything that depends only on the context is computed once per turn (`Context`), so scoring
20 candidates costs 20 cheap passes over short strings.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

import numpy as np

from classifiers.dissatisfaction.detector import detect_dissatisfaction, normalize

FEATURE_SET_VERSION = 1
"""Bump when features change meaning: checkpoints trained on another version are refused."""

DEFAULT_DIM_BITS = 16

_QUESTION_STARTS = frozenset(
    "what what's whats who whos where wheres when why how which do does did are is was were can could "
    "would will should have has shall may might".split()
)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words, normalised the way our text is (apostrophes dropped)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(normalize(w) for w in STOP_WORDS) | {"s", "t", "m", "re", "ve", "ll", "d"}


def content_words(words: Sequence[str]) -> set[str]:
    stop = _stop_words()
    return {w for w in words if w not in stop and len(w) > 1}


def _ngrams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def looks_like_question(text: str, words: Sequence[str]) -> bool:
    return text.rstrip().endswith("?") or (bool(words) and words[0] in _QUESTION_STARTS)


@dataclass(frozen=True)
class Context:
    """What the features need from the conversation so far (computed once per turn)."""

    user_words: tuple[str, ...]
    user_content: frozenset[str]
    user_is_question: bool
    user_dissatisfaction: tuple[str, ...]
    bot_lines: frozenset[str]
    bot_bigrams: frozenset[tuple[str, ...]]
    bot_trigrams: frozenset[tuple[str, ...]]
    recent_content: frozenset[str]
    turn_bucket: int

    @classmethod
    def from_history(cls, history: Sequence[str]) -> "Context":
        """``history`` alternates speakers and ends with the user's latest utterance.

        Bot lines are therefore history[-2], history[-4], ...; an empty history is a valid
        (first-turn) context.
        """
        history = [h if isinstance(h, str) else "" for h in history]
        user = history[-1] if history else ""
        user_words = tuple(normalize(user).split())
        bot_texts = [normalize(t) for t in history[-2::-2]]
        bot_word_lists = [t.split() for t in bot_texts]
        bigrams: set[tuple[str, ...]] = set()
        trigrams: set[tuple[str, ...]] = set()
        for words in bot_word_lists:
            bigrams |= _ngrams(words, 2)
            trigrams |= _ngrams(words, 3)
        recent: set[str] = set()
        for text in history[-5:]:
            recent |= content_words(normalize(text).split())
        return cls(
            user_words=user_words,
            user_content=frozenset(content_words(user_words)),
            user_is_question=looks_like_question(user, user_words),
            user_dissatisfaction=tuple(detect_dissatisfaction(user)) if user else (),
            bot_lines=frozenset(t for t in bot_texts if t),
            bot_bigrams=frozenset(bigrams),
            bot_trigrams=frozenset(trigrams),
            recent_content=frozenset(recent),
            turn_bucket=min(len(history) // 2, 10) // 3,
        )


@dataclass
class FeatureHasher:
    """Maps named features to (index, signed value) pairs in a 2**dim_bits vector."""

    dim_bits: int = DEFAULT_DIM_BITS
    _cache: dict[str, tuple[int, float]] = field(default_factory=dict, repr=False)

    @property
    def dim(self) -> int:
        return 1 << self.dim_bits

    def slot(self, name: str) -> tuple[int, float]:
        hit = self._cache.get(name)
        if hit is None:
            h = zlib.crc32(name.encode("utf-8"))
            hit = (h & (self.dim - 1), 1.0 if h >> 31 else -1.0)
            if len(self._cache) < 200_000:
                self._cache[name] = hit
        return hit

    def featurize(
        self, ctx: Context, candidate: str, mean_logprob: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of the features of one candidate in ``ctx``."""
        named = candidate_features(ctx, candidate, mean_logprob)
        idx = np.empty(len(named), dtype=np.int64)
        val = np.empty(len(named), dtype=np.float32)
        for i, (name, value) in enumerate(named.items()):
            slot, sign = self.slot(name)
            idx[i] = slot
            val[i] = sign * value
        return idx, val


def candidate_features(ctx: Context, candidate: str, mean_logprob: float | None) -> dict[str, float]:
    """Named features (name -> value) of a candidate; readable, for debugging and tests."""
    text = candidate if isinstance(candidate, str) else ""
    norm = normalize(text)
    words = norm.split()
    f: dict[str, float] = {}
    for w in words:
        f["c1:" + w] = 1.0
    for a, b in zip(words, words[1:]):
        f[f"c2:{a}_{b}"] = 1.0
    n = len(words)
    f[f"len:{min(n, 24) // 4}"] = 1.0

    # Repetition of the bot's own earlier lines.
    if norm and norm in ctx.bot_lines:
        f["rep:exact"] = 1.0
    tri = _ngrams(words, 3)
    bi = _ngrams(words, 2)
    if tri:
        share = len(tri & ctx.bot_trigrams) / len(tri)
        f["rep:tri"] = share
        if share >= 0.5:
            f["rep:tri_half"] = 1.0
    if bi:
        f["rep:bi"] = len(bi & ctx.bot_bigrams) / len(bi)

    # Does the candidate follow on from what the user just said?
    mine = content_words(words)
    if ctx.user_content:
        overlap = len(mine & ctx.user_content)
        f["user:overlap"] = overlap / len(ctx.user_content)
        if overlap == 0:
            f["user:ignored"] = 1.0
    if ctx.recent_content and not (mine & ctx.recent_content):
        f["ctx:off_topic"] = 1.0

    question = looks_like_question(text, words)
    if question:
        f["q:cand"] = 1.0
        if ctx.user_is_question:
            f["q:answers_question_with_question"] = 1.0
    for kind in ctx.user_dissatisfaction:
        f["u_dis:" + kind] = 1.0
        if question:
            f["u_dis_q:" + kind] = 1.0
    if ctx.user_dissatisfaction and norm and norm in ctx.bot_lines:
        f["u_dis:rep_after_complaint"] = 1.0
    for w in ctx.user_words[:12]:
        f["u1:" + w] = 1.0
    f[f"turn:{ctx.turn_bucket}"] = 1.0

    if mean_logprob is not None and math.isfinite(mean_logprob):
        f[f"lp:{max(-8, min(0, math.floor(mean_logprob)))}"] = 1.0
    else:
        f["lp:missing"] = 1.0
    return f
