"""The label vocabulary people use in ``chirpy review`` (``label_types.toml``), and checking a label.

Bot errors are the seven error types of the research (DESIGN.md); dissatisfaction types are the
dissatisfaction detector's, so a person's labels and the detector's output can be compared type by type.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from chirpy.errors import ChirpyError
from chirpy.store import Label

VOCABULARY = Path(__file__).with_name("label_types.toml")
BOT_ERROR, DISSATISFACTION, REVIEWED = "bot_error", "dissatisfaction", "reviewed"
REVIEWED_VALUE = "complete"
"""The one value of a ``reviewed`` label: the annotator read every turn, so unlabelled turns had no error."""


class LabelError(ChirpyError):
    """A label that names an unknown kind or value, or a turn that cannot carry it."""


@dataclass(frozen=True)
class LabelType:
    kind: str
    value: str
    description: str
    shortcut: str  # the key that toggles it in the review app


@lru_cache(maxsize=1)
def label_types() -> dict[str, tuple[LabelType, ...]]:
    """Label types by kind, in shortcut order."""
    data = tomllib.loads(VOCABULARY.read_text(encoding="utf-8"))
    vocabulary: dict[str, tuple[LabelType, ...]] = {}
    for kind in (BOT_ERROR, DISSATISFACTION):
        items = list(data[kind].items())
        if len(items) > 9:
            raise LabelError(f"{VOCABULARY}: at most 9 {kind} types (one key 1-9 each)")
        vocabulary[kind] = tuple(LabelType(kind, value, text, str(i)) for i, (value, text) in enumerate(items, 1))
    return vocabulary


def values(kind: str) -> tuple[str, ...]:
    return tuple(t.value for t in label_types()[kind])


def check_label(kind: str, value: str) -> None:
    """Raise ``LabelError`` unless ``value`` is a known value of ``kind``."""
    if kind == REVIEWED:
        if value != REVIEWED_VALUE:
            raise LabelError(f"a reviewed label's value is {REVIEWED_VALUE!r}")
        return
    if kind not in (BOT_ERROR, DISSATISFACTION):
        raise LabelError(f"unknown label kind {kind!r} (bot_error, dissatisfaction or reviewed)")
    if value not in values(kind):
        raise LabelError(f"unknown {kind} type {value!r} (one of: {', '.join(values(kind))})")


class Judgements:
    """People's labels of one log, as the questions eval and training ask of them. Only conversations a person
    marked reviewed count (there, every turn was read); a turn's share for a value is the share of its
    conversation's reviewers who gave it."""

    def __init__(self, labels: Iterable[Label]) -> None:
        self.reviewers: dict[str, set[str]] = defaultdict(set)
        self.marks: dict[tuple[str, int, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for label in labels:
            if label.kind == REVIEWED:
                self.reviewers[label.conversation_id].add(label.annotator)
            else:
                self.marks[(label.conversation_id, label.turn_index, label.kind)][label.annotator].add(label.value)

    def reviewed(self, cid: str) -> bool:
        return bool(self.reviewers.get(cid))

    def given(self, person: str, cid: str, index: int, kind: str, value: str | None = None) -> bool:
        """Whether ``person`` gave this turn ``value`` (any value of the kind when None)."""
        mine = self.marks.get((cid, index, kind), {}).get(person, set())
        return bool(mine) if value is None else value in mine

    def share(self, cid: str, index: int, kind: str, value: str | None = None) -> float:
        """The share of the conversation's reviewers who gave this turn ``value`` (0 when nobody reviewed it)."""
        people = self.reviewers.get(cid, set())
        if not people:
            return 0.0
        return sum(self.given(person, cid, index, kind, value) for person in people) / len(people)
