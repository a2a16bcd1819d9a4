"""Ordinary chat as training negatives: people talking about films and football, never abusing anyone.

ConvAbuse's "not abusive" rows are turns sent to a bot that was being abused a lot; they teach little
about the everyday turns a socialbot mostly hears, where profanity is enthusiasm ("that game was
fucking great") and death is a film plot. A share of ordinary-chat turns is added to training as
negatives so the model learns that; the other share is never trained on, so the false-alarm rate is
measured on conversations the model has not seen (``is_training_conversation`` decides which is which,
by a hash of the conversation id, so the benchmark and training always agree).

Layouts: a Topical-Chat directory or file (JSON keyed by conversation id, each with ``content`` turns
holding ``message``), or a .txt file with one turn per line (each line its own conversation).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifiers.offense.dataset import LabelledTurn
from classifiers.offense.errors import OffenseDataError


@dataclass(frozen=True)
class ChatTurn:
    text: str
    conversation: str


def is_training_conversation(conversation: str) -> bool:
    """Half of the conversations (by a stable hash of the id) may be trained on; the rest are held out."""
    return zlib.crc32(conversation.encode("utf-8")) % 2 == 0


def read_chat(path: str | Path) -> list[ChatTurn]:
    """Every turn in a Topical-Chat directory or JSON file, or a .txt file of one turn per line."""
    path = Path(path)
    if path.is_dir():
        # Other JSON beside the conversations (Topical-Chat ships its reading material too) is skipped.
        files = sorted(path.glob("*.json"))
        turns = [t for f in files for t in _read_topical_chat(f, strict=False)]
        if not turns:
            raise OffenseDataError(f"{path}: no Topical-Chat .json files with turns in this directory")
        return turns
    if not path.is_file():
        raise OffenseDataError(f"{path}: no such file or directory")
    if path.suffix.lower() == ".json":
        return _read_topical_chat(path)
    if path.suffix.lower() == ".txt":
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise OffenseDataError(f"{path}: not UTF-8 text ({exc.reason})") from None
        return [ChatTurn(line.strip(), f"{path.name}:{i}") for i, line in enumerate(lines, 1) if line.strip()]
    raise OffenseDataError(f"{path}: expected a Topical-Chat .json (or a directory of them) or a .txt of turns")


def _read_topical_chat(path: Path, strict: bool = True) -> list[ChatTurn]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OffenseDataError(f"{path}: not a JSON file ({exc})") from None
    if not isinstance(data, dict):
        raise OffenseDataError(f"{path}: expected an object keyed by conversation id (Topical-Chat layout)")
    out = []
    for conv_id, conv in data.items():
        content = conv.get("content") if isinstance(conv, dict) else None
        if not isinstance(content, list):
            if not strict:
                return []
            raise OffenseDataError(f"{path}: conversation {conv_id!r} has no 'content' list of turns")
        out += [ChatTurn(t["message"], str(conv_id)) for t in content
                if isinstance(t, dict) and isinstance(t.get("message"), str) and t["message"].strip()]
    return out


def training_negatives(turns: list[ChatTurn], limit: int, seed: int = 0) -> list[LabelledTurn]:
    """Up to ``limit`` turns of the training conversations, as non-abusive labelled turns."""
    pool = [t for t in turns if is_training_conversation(t.conversation)]
    if limit < len(pool):
        keep = np.sort(np.random.default_rng(seed).choice(len(pool), limit, replace=False))
        pool = [pool[i] for i in keep]
    return [LabelledTurn(text=t.text, abusive=False, group=f"chat:{t.conversation}") for t in pool]


def held_out(turns: list[ChatTurn]) -> list[ChatTurn]:
    """The turns of conversations training never uses."""
    return [t for t in turns if not is_training_conversation(t.conversation)]
