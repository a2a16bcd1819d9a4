"""Per-act precision, recall and F1 over utterances (each utterance a set of acts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from chirpy.understanding.acts.vocabulary import ACTS, QUESTION_ACTS

QUESTION = "question"  # any of the three question acts: "is there a question in this utterance?"
# (a predicted set may also hold QUESTION itself: an old annotator that could not say which kind)


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    support: int  # utterances whose gold labels carry the act
    predicted: int


def score(gold: Sequence[set[str]], predicted: Sequence[set[str]], act: str) -> Score:
    def has(acts: set[str]) -> bool:
        return bool(acts & QUESTION_ACTS) or QUESTION in acts if act == QUESTION else act in acts

    tp = sum(1 for g, p in zip(gold, predicted) if has(g) and has(p))
    n_gold = sum(1 for g in gold if has(g))
    n_pred = sum(1 for p in predicted if has(p))
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, n_gold, n_pred)


def act_table(gold: Sequence[set[str]], predicted: Sequence[set[str]], acts: Iterable[str] = (QUESTION, *ACTS)) -> dict[str, Score]:
    return {act: score(gold, predicted, act) for act in acts}


def format_table(table: dict[str, Score]) -> str:
    lines = [f"{'act':<16} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}"]
    for act, s in table.items():
        lines.append(f"{act:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:6d} {s.predicted:6d}")
    return "\n".join(lines)
