"""Read EmpatheticDialogues-format CSVs into conversations (lists of utterances, oldest first).

Format: a header ``conv_id,utterance_idx,context,prompt,speaker_idx,utterance,...``; commas inside
text are written ``_comma_``, so rows split on plain commas (the official files are not valid
quoted CSV: a stray ``"`` must not swallow lines, which is why ``csv`` is not used here).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

REQUIRED = ("conv_id", "utterance_idx", "utterance")


class DataFormatError(ValueError):
    """The data is not in EmpatheticDialogues format; the message says where and why."""


def unescape(text: str) -> str:
    return " ".join(text.replace("_comma_", ",").split())


def read_csv(path: str | Path) -> list[list[str]]:
    """Conversations from one CSV, ordered by first appearance, utterances by ``utterance_idx``."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if not lines:
        raise DataFormatError(f"{path}: empty file")
    header = [h.strip() for h in lines[0].split(",")]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataFormatError(f"{path}: not EmpatheticDialogues format (missing column(s): {', '.join(missing)})")
    col = {name: header.index(name) for name in REQUIRED}
    turns: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split(",")
        if len(parts) <= max(col.values()):
            raise DataFormatError(f"{path}:{number}: expected at least {max(col.values()) + 1} fields, got {len(parts)}")
        try:
            idx = int(parts[col["utterance_idx"]])
        except ValueError:
            raise DataFormatError(f"{path}:{number}: utterance_idx is not a number") from None
        text = unescape(parts[col["utterance"]])
        if text:
            turns[parts[col["conv_id"]].strip()].append((idx, text))
    return [[text for _, text in sorted(utts)] for utts in turns.values() if utts]


def read_split(data_dir: str | Path, split: str = "train") -> list[list[str]]:
    """``DIR/<split>.csv`` if present; for ``train`` with no train.csv, every CSV in DIR but valid/test."""
    root = Path(data_dir)
    if root.is_file():
        return read_csv(root) if split == "train" else []
    if not root.is_dir():
        raise DataFormatError(f"data directory not found: {root}")
    named = root / f"{split}.csv"
    if named.exists():
        return read_csv(named)
    if split != "train":
        return []
    files = sorted(p for p in root.glob("*.csv") if p.stem not in {"valid", "test"})
    if not files:
        raise DataFormatError(f"no EmpatheticDialogues CSV files in {root}")
    return [conv for f in files for conv in read_csv(f)]
