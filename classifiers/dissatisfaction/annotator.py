"""The "dissatisfaction" annotator: the types of dissatisfaction in this user turn, for everyone.

Scripted complaint handling reads ``annotations.dissatisfaction``; the predictor's training reads
the same detector back from the log. The offense annotator's verdict decides the "offensive" type
(one classification per turn, so the two annotations never disagree): it must run first, which the
bot checks at start-up (``requires``).
"""

from __future__ import annotations

from typing import Any

from chirpy.component import Component
from chirpy.registry import annotators
from classifiers.dissatisfaction.detector import DISSATISFACTION_TYPES, detect_dissatisfaction


@annotators.register("dissatisfaction")
class DissatisfactionAnnotator(Component):
    """Fills ``annotations.dissatisfaction`` (a list of types, empty when none). No config keys."""

    defaults: dict[str, Any] = {}
    requires = ("offense",)
    provides = ("dissatisfaction",)

    def annotate(self, annotations: Any, state: Any = None) -> None:
        if getattr(annotations, "is_launch", False) or getattr(annotations, "is_empty", False):
            annotations.dissatisfaction = []
            return
        offense = getattr(annotations, "offense", None)
        known_offense = isinstance(offense, dict) and "is_offensive" in offense
        found = detect_dissatisfaction(annotations.text, use_offense_classifier=not known_offense)
        if known_offense and offense.get("is_offensive") and "offensive" not in found:  # type: ignore[union-attr]
            found.append("offensive")
            found.sort(key=DISSATISFACTION_TYPES.index)
        annotations.dissatisfaction = found
