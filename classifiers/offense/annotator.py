"""The "offense" annotator: classify every user turn once and share the result with all responders.

It also keeps the bot from calling a user by an offensive name: a name the core annotator found in
this utterance is checked, and dropped (kept in ``extra["rejected_name"]`` for the log) if offensive.
"""

from __future__ import annotations

from typing import Any

from chirpy.component import Component
from chirpy.registry import annotators
from classifiers.offense.classifier import classifier_for


@annotators.register("offense")
class OffenseAnnotator(Component):
    """Fills ``annotations.offense`` with ``OffenseResult.to_dict()``.

    Config table ``[offense]``: ``bot_names`` = names users insult the bot by ("chirpy"), added to
    the lexicon's targets so "chirpy is dumb" counts as criticism of the bot.
    """

    provides = ("offense",)

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.classifier = classifier_for(self.config.get("bot_names"))

    def annotate(self, annotations: Any, state: Any = None) -> None:
        if getattr(annotations, "is_launch", False):
            return
        result = self.classifier.classify(annotations.text)
        annotations.offense = result.to_dict()
        name = getattr(annotations, "user_name", None)
        if name:
            verdict = self.classifier.classify(name)
            if verdict.unsafe_for_bot():
                annotations.user_name = None
                annotations.extra["rejected_name"] = {"name": name, "types": verdict.types or ["mild"]}
