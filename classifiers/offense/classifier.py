"""Is a user turn offensive, and how: the trained model decides, the rules explain and protect.

The verdict (``is_offensive``) is the trained model's probability against its cross-validated
threshold (``model.py``), computed over n-grams and the rule classifier's evidence (``rules.py``).
The rules still decide three things alone: self-harm (care, never deflection), the mild words a bot
must not say, and the types they can name with certainty (a threat pattern is bodily harm). The
model names the types the rules cannot see (an insult with no swear word is criticism).
Measured on ConvAbuse by ``bench/offense_convabuse.py``.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from classifiers.offense.checkpoint import SHIPPED_MODEL_DIR, load_model
from classifiers.offense.features import featurize
from classifiers.offense.model import ABUSIVE, OffenseModel
from classifiers.offense.normalize import DATA_DIR, variants
from classifiers.offense.result import OffenseResult
from classifiers.offense.rules import LexiconClassifier, bot_name_key, by_seriousness, lexicon_for


RULES_ONLY = "none"
"""``model`` value that turns the trained model off: the rules alone decide (the pre-model behaviour)."""


class OffenseClassifier:
    """The rule classifier plus a trained model: an ``OffenseModel``, a model file or directory,
    None for the shipped model, or ``RULES_ONLY``."""

    def __init__(self, data_dir: Path = DATA_DIR, bot_names: list[str] | None = None,
                 model: OffenseModel | str | Path | None = None) -> None:
        self.lexicon = LexiconClassifier(data_dir, bot_names) if data_dir != DATA_DIR else lexicon_for(bot_names)
        self.model: OffenseModel | None
        if isinstance(model, OffenseModel):
            self.model = model
        elif str(model) == RULES_ONLY:
            self.model = None
        else:
            self.model = _model_at(str(model or SHIPPED_MODEL_DIR))

    @property
    def uses_context(self) -> bool:
        """Whether the verdict reads the bot's previous line (the model was trained with it)."""
        return self.model is not None and self.model.spec.context

    def classify(self, text: str | None, context: str | None = None) -> OffenseResult:
        """Classify one user turn; ``context`` is the bot's previous line. Never raises on odd input."""
        if not isinstance(text, str) or not text.strip():
            return OffenseResult(is_offensive=False)
        spellings = variants(text, self.lexicon.rules)
        rules = self.lexicon.classify(text, spellings)
        if self.model is None:
            return rules
        probs = model_probabilities(self.model, spellings[-1], rules, context)
        score = probs[ABUSIVE]
        # Someone who says they want to hurt themselves is not abusing anyone unless the rules see
        # abuse too ("kill yourself" is a threat pattern, "i want to kill myself" is not).
        offensive = score >= self.model.thresholds[ABUSIVE] and (rules.is_offensive or not rules.self_harm)
        kinds: set[str] = set()
        if offensive:
            # The rules' own matches name a type with certainty ("moron" is criticism); the model's type
            # heads, learned from a few dozen rows each, only name what the rules cannot see.
            kinds = {m.type for m in rules.matches if m.strength in ("strong", "pattern")}
            kinds = kinds or {t for t in self.model.types if probs[t] >= self.model.thresholds[t]}
            kinds = kinds or {m.type for m in rules.matches if m.strength == "mild"}
        if rules.self_harm:
            kinds.add("bodily_harm")
        return replace(rules, is_offensive=offensive, types=by_seriousness(kinds), score=round(score, 4))


def model_probabilities(model: OffenseModel, spelling: str, rules: OffenseResult | None,
                        context: str | None) -> dict[str, float]:
    """Each head's probability for a turn: its decoded ``spelling``, the rules' verdict (None withholds
    the lexicon's evidence, as the benchmark does to mimic the lexicon on unseen turns), the bot's
    previous line."""
    idx, val = featurize(model.spec, spelling, rules, context)
    return model.probabilities(idx, val)


@lru_cache(maxsize=4)
def _model_at(path: str) -> OffenseModel:
    """Model files are read once per process and shared (read-only)."""
    return load_model(Path(path))


@lru_cache(maxsize=8)
def _classifier_for(names: tuple[str, ...], model: str) -> OffenseClassifier:
    return OffenseClassifier(bot_names=list(names) if names else None, model=model)


def classifier_for(bot_names: list[str] | str | None = None, model: str | Path | None = None) -> OffenseClassifier:
    """A shared classifier for these bot names (insult targets) and model file or directory
    (default: the shipped model). Annotators and bots asking for the same pair share one instance."""
    return _classifier_for(bot_name_key(bot_names), str(model or SHIPPED_MODEL_DIR))


def default_classifier() -> OffenseClassifier:
    """The packaged lexicon and the shipped model, built once per process."""
    return classifier_for(None)


def classify_offense(text: str | None, context: str | None = None) -> OffenseResult:
    """Classify a user turn with the packaged lexicon and shipped model (``context``: the bot's
    previous line). See ``OffenseClassifier`` to use your own lexicon or model."""
    return default_classifier().classify(text, context)
