"""Offense detection for user turns and the bot's own words (issue 6).

Public API: ``classify_offense(text) -> OffenseResult``, ``OffenseClassifier`` (custom data dir,
bot names), ``OFFENSE_TYPES``. The output safety gate and the annotator live in ``gate.py`` and
``annotator.py`` and register themselves with ``chirpy.registry``.
"""

from classifiers.offense.classifier import (
    OffenseClassifier,
    OffenseMatch,
    OffenseResult,
    classifier_for,
    classify_offense,
    default_classifier,
)
from classifiers.offense.lexicon import OFFENSE_TYPES, LexiconError

__all__ = [
    "OFFENSE_TYPES",
    "LexiconError",
    "OffenseClassifier",
    "OffenseMatch",
    "OffenseResult",
    "classifier_for",
    "classify_offense",
    "default_classifier",
]
