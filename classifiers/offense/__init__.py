"""Offense detection for user turns and the bot's own words (issues 6 and 16).

Public API: ``classify_offense(text, context=None) -> OffenseResult`` (trained model + rules),
``OffenseClassifier`` (custom data dir, bot names, model), ``LexiconClassifier`` (the rules alone, as
the output gate uses them), ``OFFENSE_TYPES``. The annotator and the output safety gate live in
``annotator.py`` and ``gate.py`` and register themselves with ``chirpy.registry``; training is
``train.py`` (``chirpy train offense``).

Names are imported on first use, so ``chirpy --help`` (which reaches ``classifiers.offense.cli``)
does not load numpy and the model code.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOME = {
    "OffenseClassifier": "classifier", "classifier_for": "classifier", "classify_offense": "classifier",
    "default_classifier": "classifier", "LexiconError": "errors", "OffenseDataError": "errors",
    "OffenseModelError": "errors", "OFFENSE_TYPES": "lexicon", "OffenseMatch": "result", "OffenseResult": "result",
    "LexiconClassifier": "rules", "lexicon_for": "rules",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
