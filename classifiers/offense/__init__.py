"""Offense detection for user turns and the bot's own words (issues 6 and 16).

Public API: ``classify_offense(text, context=None) -> OffenseResult`` (trained model + rules),
``OffenseClassifier`` (custom data dir, bot names, model), ``LexiconClassifier`` (the rules alone, as
the output gate uses them), ``OFFENSE_TYPES``. The annotator and the output safety gate live in
``annotator.py`` and ``gate.py`` and register themselves with ``chirpy.registry``; training is
``train.py`` (``chirpy train offense``).
"""

from classifiers.offense.classifier import (
    OffenseClassifier,
    classifier_for,
    classify_offense,
    default_classifier,
)
from classifiers.offense.errors import LexiconError, OffenseDataError, OffenseModelError
from classifiers.offense.lexicon import OFFENSE_TYPES
from classifiers.offense.result import OffenseMatch, OffenseResult
from classifiers.offense.rules import LexiconClassifier, lexicon_for

__all__ = [
    "OFFENSE_TYPES",
    "LexiconClassifier",
    "LexiconError",
    "OffenseClassifier",
    "OffenseDataError",
    "OffenseMatch",
    "OffenseModelError",
    "OffenseResult",
    "classifier_for",
    "classify_offense",
    "default_classifier",
    "lexicon_for",
]
