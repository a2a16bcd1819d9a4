"""Topical-Chat conversations for training and measuring, split by conversation.

The split is fixed by a hash of the conversation id, so every script (training, the dev
evaluation, anyone re-running them) holds out the same conversations: about a fifth of them never
inform any weight, threshold or word list.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from chirpy.errors import ChirpyError

FILES = ("valid_freq.json", "valid_rare.json")
HELD_OUT_PERCENT = 20


class DataError(ChirpyError):
    """The Topical-Chat files are missing or not in the expected shape."""


@dataclass(frozen=True)
class Message:
    conversation_id: str
    index: int
    agent: str  # "agent_1" or "agent_2"
    text: str


def is_held_out(conversation_id: str) -> bool:
    digest = hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < HELD_OUT_PERCENT


def read_topical_chat(directory: Path, files: tuple[str, ...] = FILES) -> list[list[Message]]:
    """Each conversation's messages in order (both agents), from the Topical-Chat JSON files."""
    conversations = []
    for name in files:
        path = Path(directory) / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError(f"Topical-Chat file not found: {path} (pass --data)") from None
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read {path}: {exc}") from None
        if not isinstance(data, dict):
            raise DataError(f"{path}: expected a JSON object keyed by conversation id")
        for cid, conversation in data.items():
            turns = conversation.get("content", []) if isinstance(conversation, dict) else []
            conversations.append([Message(cid, i, str(t.get("agent", "")), str(t.get("message", "")))
                                  for i, t in enumerate(turns) if isinstance(t, dict)])
    return conversations
