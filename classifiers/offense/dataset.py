"""Labelled user turns for training and measuring the offense model: ConvAbuse CSVs or JSONL.

Two layouts are read, so a team can retrain on its own labelled logs:

- **ConvAbuse CSV** (Cercas Curry, Abercrombie and Rieser, EMNLP 2021): the user turn in ``user``, the
  bot's previous line in ``agent``, per annotator N one-hot ``AnnotatorN_is_abuse.{1,0,-1,-2,-3}`` and
  type ticks ``AnnotatorN_<type>``. A row is abusive when more than half of the annotators who
  labelled it marked -1, -2 or -3; a cell holding "a, b" (the annotator labelled the row twice)
  counts by its first value. A row has a ConvAbuse type when it is abusive and at least half of the
  annotators who called it abusive ticked that type.
- **JSONL**: one object per line, ``{"text", "abusive", "types"?, "context"?}``; ``types`` may use the
  handler's names (``OFFENSE_TYPES``) or ConvAbuse's.

ConvAbuse types are mapped to the handler's by ``CONVABUSE_TO_HANDLER`` (see the README for why).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from chirpy.jsonl import json_lines
from classifiers.offense.errors import OffenseDataError
from classifiers.offense.lexicon import OFFENSE_TYPES

CONVABUSE_TYPES: tuple[str, ...] = (
    "intellectual", "sex_harassment", "sexist", "racist", "homophobic", "ableist", "transphobic",
)
CONVABUSE_TO_HANDLER: dict[str, str] = {
    "intellectual": "criticism",  # attacks on the bot's intelligence or usefulness
    "ableist": "criticism",  # in this data almost always "you are retarded"-style attacks on the bot
    "sex_harassment": "sexual",
    "sexist": "curse",  # in ConvAbuse nearly always a gendered slur at the bot ("bitch", "cunt")
    "racist": "inappropriate_topic",  # hostile remarks about a group: the handler declines the topic
    "homophobic": "inappropriate_topic",
    "transphobic": "inappropriate_topic",
}
_VOTES = ("1", "0", "-1", "-2", "-3")
_ABUSIVE_VOTES = ("-1", "-2", "-3")


@dataclass(frozen=True)
class LabelledTurn:
    """One user turn with its gold label, the bot line before it, and where it came from."""

    text: str
    abusive: bool
    types: frozenset[str] = frozenset()  # handler types (OFFENSE_TYPES names)
    context: str = ""  # the bot's previous utterance ("" when unknown)
    group: str = ""  # conversation id when known: cross-validation keeps a conversation in one fold
    source_types: frozenset[str] = field(default=frozenset(), compare=False)  # ConvAbuse types, for reports


def read_labelled(path: str | Path) -> list[LabelledTurn]:
    """Every labelled turn in ``path``: a .csv or .jsonl file, or a directory of them (sorted by name)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".jsonl") and p.is_file())
        if not files:
            raise OffenseDataError(f"{path}: no .csv or .jsonl files in this directory")
        return [turn for f in files for turn in read_labelled(f)]
    if not path.is_file():
        raise OffenseDataError(f"{path}: no such file or directory")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_convabuse_csv(path)
    if suffix == ".jsonl":
        return read_jsonl(path)
    raise OffenseDataError(f"{path}: expected a .csv (ConvAbuse layout) or .jsonl file")


def _first(cell: str | None) -> str:
    """The annotator's first label in a cell that may hold "a, b" (a row labelled twice)."""
    return (cell or "").split(",", 1)[0].strip()


def read_convabuse_csv(path: str | Path) -> list[LabelledTurn]:
    """Rows of a CSV in the ConvAbuse column layout, with the gold label rule above."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            annotators = sorted({h.split("_", 1)[0] for h in header if h.startswith("Annotator") and "_is_abuse." in h})
            if "user" not in header or not annotators:
                raise OffenseDataError(
                    f"{path}: not in the ConvAbuse layout (needs a 'user' column and AnnotatorN_is_abuse.* columns)"
                )
            return [_convabuse_row(r, annotators, path, i) for i, r in enumerate(reader, 2)]
    except UnicodeDecodeError as exc:
        raise OffenseDataError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise OffenseDataError(f"{path}: unreadable CSV ({exc})") from None


def _convabuse_row(r: dict[str, str], annotators: list[str], path: Path, line: int) -> LabelledTurn:
    labelled = abusive_votes = 0
    type_votes = dict.fromkeys(CONVABUSE_TYPES, 0)
    for a in annotators:
        votes = {k: _first(r.get(f"{a}_is_abuse.{k}")) for k in _VOTES}
        if not any(votes.values()):
            continue  # this annotator did not label the row
        labelled += 1
        if any(votes[k] == "1" for k in _ABUSIVE_VOTES):
            abusive_votes += 1
            for t in CONVABUSE_TYPES:
                if _first(r.get(f"{a}_{t}")) == "1":
                    type_votes[t] += 1
    if labelled == 0:
        raise OffenseDataError(f"{path}:{line}: no annotator labelled this row")
    abusive = abusive_votes * 2 > labelled
    source = frozenset(t for t, n in type_votes.items() if abusive and n * 2 >= abusive_votes)
    return LabelledTurn(
        text=r.get("user") or "",
        abusive=abusive,
        types=frozenset(CONVABUSE_TO_HANDLER[t] for t in source),
        context=r.get("agent") or "",
        group=r.get("conv_id") or "",
        source_types=source,
    )


def read_jsonl(path: str | Path) -> list[LabelledTurn]:
    """Rows ``{"text", "abusive", "types"?, "context"?}``; a malformed row is an error naming its line."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise OffenseDataError(f"{path}: not UTF-8 text ({exc.reason})") from None
    turns = []
    for line, obj in json_lines(content, path, OffenseDataError):
        where = f"{path}:{line}"
        if not isinstance(obj, dict):
            raise OffenseDataError(f"{where}: expected an object with 'text' and 'abusive'")
        text, abusive = obj.get("text"), obj.get("abusive")
        if not isinstance(text, str):
            raise OffenseDataError(f"{where}: 'text' must be a string")
        if not isinstance(abusive, bool):
            raise OffenseDataError(f"{where}: 'abusive' must be true or false")
        context = obj.get("context", "") or ""
        if not isinstance(context, str):
            raise OffenseDataError(f"{where}: 'context' must be a string (the bot's previous line)")
        raw_types = obj.get("types", []) or []
        if not isinstance(raw_types, list) or not all(isinstance(t, str) for t in raw_types):
            raise OffenseDataError(f"{where}: 'types' must be a list of strings")
        types = set()
        for t in raw_types:
            if t in OFFENSE_TYPES:
                types.add(t)
            elif t in CONVABUSE_TO_HANDLER:
                types.add(CONVABUSE_TO_HANDLER[t])
            else:
                raise OffenseDataError(f"{where}: unknown type {t!r}; use {', '.join(OFFENSE_TYPES)}")
        group = obj.get("conversation_id", "")
        turns.append(LabelledTurn(text=text, abusive=abusive, types=frozenset(types) if abusive else frozenset(),
                                  context=context, group=str(group) if group else ""))
    if not turns:
        raise OffenseDataError(f"{path}: no labelled rows")
    return turns
