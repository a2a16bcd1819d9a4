"""The label vocabulary people use in ``chirpy review`` (``label_types.toml``), and checking a label.

Bot errors are the seven error types of the research (DESIGN.md); dissatisfaction types are the
dissatisfaction detector's, so a person's labels and the detector's output can be compared type by type.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chirpy.errors import ChirpyError

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
