"""User dissatisfaction: detect it in user turns, predict it for bot candidates, learn from logs."""

from classifiers.dissatisfaction.detector import (
    DISSATISFACTION_TYPES,
    detect_dissatisfaction,
    is_dissatisfied,
)

__all__ = ["DISSATISFACTION_TYPES", "detect_dissatisfaction", "is_dissatisfied"]
