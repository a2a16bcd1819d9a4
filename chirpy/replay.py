"""Replay recorded user utterances through the bot, into a log.

Real human utterances (Topical-Chat, a team's own transcripts, an exported chirpy log) are the
cheapest way to exercise the whole pipeline before real users do: every replayed conversation is
logged like a live one, so ``chirpy eval`` reads it the same way. Three input formats:

- Topical-Chat JSON: ``{id: {"content": [{"message", "agent"}, ...]}}``; one agent plays the user.
- JSONL: one conversation per line, ``{"id": ..., "utterances": [str, ...]}``, or a chirpy export
  line (``{"id": ..., "turns": [{"user_text": ...}, ...]}``), or a bare JSON list of strings.
- Plain text: one utterance per line, a blank line between conversations.

``replay(bot, conversations)`` is the reusable part (benchmarks call it); ``read_conversations``
turns a file into ``RecordedConversation``s and raises one clear ``ReplayInputError`` on bad input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from chirpy.errors import ChirpyError
from chirpy.jsonl import json_lines
from chirpy.progress import progress_bar

FORMATS = ("auto", "topical", "jsonl", "text")
SIDES = ("agent_1", "agent_2")
# Why a replayed conversation ended, when the recording ran out before the bot closed it.
END_REASON_EXHAUSTED = "replay_input_exhausted"


class ReplayInputError(ChirpyError):
    """The recorded-conversation file is missing, unreadable or not in the expected shape."""


@dataclass
class RecordedConversation:
    id: str
    utterances: list[str]


@dataclass
class ReplaySummary:
    conversations: int = 0
    turns: int = 0  # user turns sent to the bot (launch turns not counted)
    ended_by_bot: int = 0  # the bot closed the conversation before the recording ran out
    conversation_ids: list[str] = field(default_factory=list)


# -- reading --------------------------------------------------------------------------------------
def read_conversations(path: str | Path, *, fmt: str = "auto", side: str = "agent_1") -> list[RecordedConversation]:
    """Read a recording; ``side`` picks the Topical-Chat agent whose messages the user says."""
    path = Path(path)
    if fmt not in FORMATS:
        raise ReplayInputError(f"unknown input format {fmt!r} (choose from {', '.join(FORMATS)})")
    if side not in SIDES:
        raise ReplayInputError(f"unknown side {side!r} (choose agent_1 or agent_2)")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReplayInputError(f"input file not found: {path}") from None
    except IsADirectoryError:
        raise ReplayInputError(f"input path is a directory: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReplayInputError(f"cannot read {path}: {exc}") from None
    if fmt == "auto":
        fmt = _sniff(path, text)
    reader = {"topical": _read_topical, "jsonl": _read_jsonl, "text": _read_text}[fmt]
    conversations = reader(path, text, side)
    if not conversations:
        raise ReplayInputError(f"{path}: no conversations with user utterances found")
    return conversations


def _sniff(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "topical"
    if suffix in (".txt", ".text"):
        return "text"
    stripped = text.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        first = stripped.splitlines()[0].strip()
        try:
            json.loads(first)
            return "jsonl"  # a complete JSON value on the first line
        except json.JSONDecodeError:
            return "topical"
    return "text"


def _read_topical(path: Path, text: str, side: str) -> list[RecordedConversation]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReplayInputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(data, list):  # tolerate a list of conversations with no ids
        data = {f"{path.stem}-{i}": item for i, item in enumerate(data)}
    if not isinstance(data, dict):
        raise ReplayInputError(f"{path}: expected Topical-Chat JSON (an object keyed by conversation id)")
    conversations = []
    for cid, item in data.items():
        content = item.get("content") if isinstance(item, dict) else None
        if not isinstance(content, list):
            raise ReplayInputError(f"{path}: conversation {cid!r} has no 'content' list (is this Topical-Chat JSON?)")
        utterances = []
        for i, message in enumerate(content):
            if not isinstance(message, dict) or "message" not in message or "agent" not in message:
                raise ReplayInputError(f"{path}: conversation {cid!r}, message {i} lacks 'message'/'agent'")
            if message["agent"] == side:
                utterances.append(str(message["message"]).strip())
        if utterances:
            conversations.append(RecordedConversation(str(cid), utterances))
    return conversations


def _read_jsonl(path: Path, text: str, side: str) -> list[RecordedConversation]:
    conversations = []
    for lineno, item in json_lines(text, path, ReplayInputError):
        cid, utterances = _jsonl_item(item)
        if utterances is None:
            raise ReplayInputError(
                f"{path}:{lineno}: expected a list of strings or an object with 'utterances' or 'turns'"
            )
        if utterances:
            conversations.append(RecordedConversation(str(cid or f"{path.stem}-{lineno}"), utterances))
    return conversations


def _jsonl_item(item: Any) -> tuple[Any, list[str] | None]:
    if isinstance(item, list):
        return None, [str(u).strip() for u in item] if all(isinstance(u, str) for u in item) else None
    if not isinstance(item, dict):
        return None, None
    cid = item.get("id") or item.get("conversation_id")
    if isinstance(item.get("utterances"), list):
        return cid, [str(u).strip() for u in item["utterances"]]
    if isinstance(item.get("turns"), list):  # a chirpy export line: replay what the user said
        texts = []
        for turn in item["turns"]:
            value = turn.get("user_text", turn.get("text")) if isinstance(turn, dict) else turn
            if isinstance(value, str):
                texts.append(value.strip())
        return cid, texts
    return cid, None


def _read_text(path: Path, text: str, side: str) -> list[RecordedConversation]:
    conversations: list[RecordedConversation] = []
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.strip():
            block.append(line.strip())
        elif block:
            conversations.append(RecordedConversation(f"{path.stem}-{len(conversations) + 1}", block))
            block = []
    return conversations


# -- driving the bot ------------------------------------------------------------------------------
def replay(
    bot: Any,
    conversations: Sequence[RecordedConversation] | Iterable[RecordedConversation],
    *,
    arms: dict[str, str] | None = None,
    limit: int | None = None,
    progress: bool = False,
    on_turn: Callable[[Any], None] | None = None,
    channel: str = "replay",
) -> ReplaySummary:
    """Each recording becomes one logged conversation: ``bot.start()``, then one ``bot.respond()``
    per user utterance, until the recording runs out (then the conversation is ended with reason
    ``replay_input_exhausted``) or the bot closes it. ``on_turn`` sees every ``TurnResult``.

    Conversation ids are the recordings' ids, so arm assignment repeats across runs; an id already
    in the log gets a ``~2``, ``~3`` ... suffix, so one file can be replayed again under other arms.
    """
    selected = list(conversations)[: limit if limit is not None and limit >= 0 else None]
    summary = ReplaySummary()
    with progress_bar("replaying", sum(len(c.utterances) for c in selected), "turns", enabled=progress) as advance:
        for recording in selected:
            cid = _free_id(bot.store, recording.id)
            result = bot.start(cid, arms=arms, channel=channel)
            if on_turn:
                on_turn(result)
            sent = 0
            for utterance in recording.utterances:
                if result.ended:
                    break
                result = bot.respond(cid, utterance, channel=channel)
                sent += 1
                advance(1)
                if on_turn:
                    on_turn(result)
            advance(len(recording.utterances) - sent)
            if result.ended:
                summary.ended_by_bot += 1
            else:
                bot.end(cid, END_REASON_EXHAUSTED)
            summary.conversations += 1
            summary.turns += sent
            summary.conversation_ids.append(cid)
    return summary


def _free_id(store: Any, cid: str) -> str:
    candidate, n = cid, 1
    while store.load_state(candidate) is not None:
        n += 1
        candidate = f"{cid}~{n}"
    return candidate
