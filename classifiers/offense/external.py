"""A second opinion learned elsewhere: the profanity model of the ``alt-profanity-check`` package.

Why: ConvAbuse has a few thousand labelled turns, and the lexicon was tuned on those same rows, so
whatever the offense model learns from them alone generalises poorly to abuse worded differently
(issue 16: P 0.80 / R 0.76 without the lexicon). alt-profanity-check ships a linear SVM trained on
a large set of toxic comments that were never ConvAbuse's, so its score carries knowledge our data
does not. Measured by nested cross-validation (``bench/offense_feature_sweep.py``): as a feature
beside our n-grams it lifts the lexicon-free F1 of the model by about 0.05.

Speed: the package's own ``predict_prob`` costs ~11 ms a turn (scikit-learn's per-call overhead on a
one-row batch). The model is a TF-IDF vectoriser over single words plus five calibrated linear SVMs,
so it is read once into plain arrays here and a turn is scored with a dict lookup and a few dot
products (tens of microseconds), giving the same probability.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from classifiers.offense.errors import OffenseModelError

PACKAGE = "alt-profanity-check"
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # the package's vectoriser's token pattern (scikit-learn's default)


@dataclass(frozen=True)
class ProfanityScorer:
    """The package's model as arrays: word -> column, idf, and per calibrated SVM (weights, bias,
    sigmoid a and b); the probability is the mean of the five calibrated probabilities."""

    columns: dict[str, int]
    idf: np.ndarray  # (words,)
    weights: np.ndarray  # (words, svms)
    bias: np.ndarray  # (svms,)
    sigmoid_a: np.ndarray  # (svms,)
    sigmoid_b: np.ndarray  # (svms,)

    def probability(self, text: str) -> float:
        """P(profane) for one text, as ``profanity_check.predict_prob([text])[0]`` gives it."""
        counts: dict[int, int] = {}
        for token in _TOKEN.findall(text.lower()):
            column = self.columns.get(token)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if counts:
            cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tfidf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts)) * self.idf[cols]
            tfidf /= np.sqrt(tfidf @ tfidf)
            decision = tfidf @ self.weights[cols] + self.bias
        else:
            decision = self.bias
        return float(np.mean(1.0 / (1.0 + np.exp(self.sigmoid_a * decision + self.sigmoid_b))))


@lru_cache(maxsize=1)
def profanity_scorer() -> ProfanityScorer:
    """The package's model, read once per process (importing scikit-learn: about a second)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scikit-learn warns about pickles from a patch release away
            from profanity_check.profanity_check import model, vectorizer
    except ImportError:
        raise OffenseModelError(f"this offense model reads the {PACKAGE} score, but the package is not installed: "
                                f"pip install {PACKAGE}") from None
    try:
        columns = {word: int(i) for word, i in vectorizer.vocabulary_.items()}
        svms = model.calibrated_classifiers_
        weights = np.stack([c.estimator.coef_[0] for c in svms], axis=1)
        return ProfanityScorer(
            columns=columns,
            idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            weights=np.asarray(weights, dtype=np.float64),
            bias=np.array([c.estimator.intercept_[0] for c in svms], dtype=np.float64),
            sigmoid_a=np.array([c.calibrators[0].a_ for c in svms], dtype=np.float64),
            sigmoid_b=np.array([c.calibrators[0].b_ for c in svms], dtype=np.float64),
        )
    except (AttributeError, IndexError, TypeError) as exc:
        raise OffenseModelError(f"{PACKAGE}'s model is not the one this chirpy reads "
                                f"({type(exc).__name__}: {exc}); install the version pyproject.toml names") from None


def profanity_probability(text: str) -> float:
    return profanity_scorer().probability(text)
