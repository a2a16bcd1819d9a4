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
    the lexicon's targets so "chirpy is dumb" counts as criticism of the bot; ``model`` = a model file
    or a directory of them (newest version used) from ``chirpy train offense``; default: the shipped
    model; "none" = the rules alone.
    """

    defaults = {
        "bot_names": ["chirpy"],  # insults aimed at these names count as criticism of the bot
        "model": "",  # "": the shipped model; a file or folder from `chirpy train offense`; "none": rules only
    }
    provides = ("offense",)

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.classifier = classifier_for(self.config["bot_names"], self.config["model"] or None)

    def annotate(self, annotations: Any, state: Any = None) -> None:
        if getattr(annotations, "is_launch", False):
            return
        context = getattr(state, "last_bot_text", None) if self.classifier.uses_context else None
        result = self.classifier.classify(annotations.text, context)
        annotations.offense = result.to_dict()
        name = getattr(annotations, "user_name", None)
        if name:
            # A name is judged like the bot's own words: the bot would be the one saying it.
            verdict = self.classifier.lexicon.classify(name)
            if verdict.unsafe_for_bot():
                annotations.user_name = None
                annotations.extra["rejected_name"] = {"name": name, "types": verdict.types or ["mild"]}
