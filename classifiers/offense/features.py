"""What the offense model sees of a turn: hashed word and character n-grams, the lexicon's verdict,
and (optionally) the bot's previous line.

Hashing (the "hashing trick") keeps the model a fixed-size weight matrix: no vocabulary file to
ship or keep in step between training and serving. Character n-grams inside words carry
misspellings and stretched or half-masked words ("stupd", "fuuuck", "idiooot") that a word list
misses; the lexicon features carry what people wrote down about abuse (threat patterns, insults
aimed at "you", the whitelist of innocent phrases), so the model learns how far to trust each.

``FeatureSpec`` is stored in the model file, so a checkpoint is always featurised the way it was
trained. ``FEATURE_VERSION`` changes when the code below changes what a feature means.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from classifiers.offense.result import OffenseResult

FEATURE_VERSION = 1

_WORD = re.compile(r"[a-z0-9]+")
_STRETCH = re.compile(r"([a-z])\1{2,}")
_VOWELS = re.compile(r"[aeiouy]")
_BOT_QUESTION = re.compile(r"\?\s*$")
_LENGTH_BUCKETS = (1, 2, 3, 5, 8, 13)
# Who the words are about. Profanity aimed at "you" is abuse; aimed at no one ("fucking awesome")
# or at oneself ("i feel like shit") usually is not: the lexicon features are crossed with these.
_SECOND_PERSON = frozenset("you u ya yu ye ur your youre yourself urself yours thou".split())
_FIRST_PERSON = frozenset("i im ive id me my mine myself we us our".split())


@dataclass(frozen=True)
class FeatureSpec:
    """How a turn becomes features. Stored with the model; chosen by cross-validation."""

    dim_bits: int = 18
    word_ngrams: int = 2  # words and word pairs
    char_min: int = 2
    char_max: int = 5
    lexicon: bool = True  # the rule classifier's matches by type and strength
    context: bool = False  # words of the bot's previous line, and whether it asked a question
    word_weight: float = 1.0  # each group is scaled to unit length, then by its weight
    char_weight: float = 1.0
    lexicon_weight: float = 1.0
    context_weight: float = 0.5
    cues: bool = False  # slot features (cues.py): what is said of "you", of the bot, of oneself; requests; harm questions
    cue_weight: float = 1.0
    cross_target: bool = False  # every word also crossed with the turn's target ("you"/"me"/"none")
    cross_weight: float = 1.0
    skeleton: bool = False  # each word's consonant skeleton ("stoopid", "stupd" -> "stpd"): misspellings
    char_span: bool = False  # character n-grams across word boundaries ("u suc"), not only inside words

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FeatureSpec":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def _hash(feature: str, mask: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) & mask


def words_of(normalised: str) -> list[str]:
    """Tokens of normalised text, stretched letters squeezed ("stuuupid" -> "stupid")."""
    return _WORD.findall(_STRETCH.sub(r"\1", normalised))


def target_of(words: list[str]) -> str:
    """"you" when the turn addresses someone, "me" when it is only about the speaker, else "none"."""
    present = set(words)
    if present & _SECOND_PERSON:
        return "you"
    return "me" if present & _FIRST_PERSON else "none"


def lexicon_features(result: OffenseResult, target: str) -> list[str]:
    """The rule classifier's evidence as coarse features (type x strength, never the matched word:
    a word-level feature would only re-learn the n-grams and memorise the lexicon's tuning rows),
    each also crossed with the turn's target."""
    feats = {f"L:{m.type}:{m.strength}" for m in result.matches}
    feats |= {f"L:{m.strength}" for m in result.matches}
    if result.is_offensive:
        feats.add("L:offensive")
    elif result.mild:
        feats.add("L:mild_only")
    return sorted(feats | {f"{f}|{target}" for f in feats})


def featurize(spec: FeatureSpec, normalised: str, lexicon: OffenseResult | None, context: str | None) -> tuple[
    np.ndarray, np.ndarray]:
    """(indices, values) of one turn's sparse feature vector.

    ``normalised`` is the most decoded spelling of the user text (``normalize.variants(text)[-1]``:
    lowercase, leetspeak decoded, spaced-out letters joined); ``lexicon`` the rule classifier's
    result on the raw text; ``context`` the bot's previous line.
    """
    mask = (1 << spec.dim_bits) - 1
    idx: list[int] = []
    val: list[float] = []

    def group(feats: list[str] | set[str], weight: float) -> None:
        if not feats or weight <= 0:
            return
        unique = set(feats)
        scale = weight / len(unique) ** 0.5
        for f in unique:
            idx.append(_hash(f, mask))
            val.append(scale)

    words = words_of(normalised)
    wfeats = [f"w:{w}" for w in words]
    if spec.word_ngrams >= 2:
        wfeats += [f"b:{a} {b}" for a, b in zip(words, words[1:])]
    n = len(words)
    bucket = next((i for i, edge in enumerate(_LENGTH_BUCKETS) if n <= edge), len(_LENGTH_BUCKETS))
    target = target_of(words)
    wfeats += [f"len:{bucket}", f"to:{target}"]
    group(wfeats, spec.word_weight)

    cfeats: list[str] = []
    for w in words:
        padded = f" {w} "
        for k in range(spec.char_min, spec.char_max + 1):
            cfeats += [f"c:{padded[i:i + k]}" for i in range(len(padded) - k + 1)]
    if spec.skeleton:
        cfeats += [f"k:{s}" for s in (_VOWELS.sub("", w) for w in words if len(w) > 3) if len(s) > 1]
    if spec.char_span:
        joined = f" {' '.join(words)} "
        for k in range(max(spec.char_min, 3), spec.char_max + 1):
            cfeats += [f"c:{joined[i:i + k]}" for i in range(len(joined) - k + 1)]
    group(cfeats, spec.char_weight)

    if spec.cues:
        from classifiers.offense.cues import cue_features

        group(cue_features(words, "?" in normalised, target), spec.cue_weight)
    if spec.cross_target:
        group([f"t:{target}|{w}" for w in words], spec.cross_weight)

    if spec.lexicon and lexicon is not None:
        group(lexicon_features(lexicon, target), spec.lexicon_weight)

    if spec.context and context:
        from classifiers.offense.normalize import clean

        ctx_words = words_of(clean(context))
        xfeats = [f"x:{w}" for w in ctx_words]
        if _BOT_QUESTION.search(context):
            xfeats.append("xq")
            if n <= 2:
                xfeats.append("xq:short")
        group(xfeats, spec.context_weight)

    if not idx:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.asarray(idx, dtype=np.int64), np.asarray(val, dtype=np.float32)
