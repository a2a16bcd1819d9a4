"""Reading a chirpy log back, fast, into plain objects the metrics share.

Speed matters (a season of Alexa traffic is millions of turns), so the loader asks the store for only
the columns the metrics use and for the few annotation and detail fields they need — fields each
feature declares beside the code that writes them (``LogField``) — which the database extracts from
each JSON document in one pass instead of Python decoding every annotation. The log is opened
read-only through the store (SQLite or PostgreSQL): evaluating never changes it, the schema version is
checked, and a path that does not exist is an error rather than a new empty file.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Full, Queue
from typing import Any, Callable, Iterable, Iterator, Sequence

from chirpy.annotations import IS_EMPTY_FIELD, NOUN_PHRASES_FIELD, TOKENS_FIELD
from chirpy.errors import ChirpyError
from initiative.logfields import MEASURED_NLL, MEASURED_NOUN_PHRASES, MEASURED_TOKENS, RESPONDS_TO
from chirpy.store import FieldDecoder, Label, LogStore, RunTimes, reading
from classifiers.dissatisfaction.logfields import DISSATISFACTION
from classifiers.offense.logfields import IS_OFFENSIVE
from responders.offense.logfields import OFFENSE_ACTION, OFFENSE_ARM


REPLAY_CHANNEL = "replay"
"""The channel ``chirpy replay`` logs its conversations under (``chirpy.replay.replay``'s default)."""


class EvalError(ChirpyError):
    """The log holds nothing to evaluate, or a report cannot be written."""


@dataclass(slots=True)
class Turn:
    conversation_id: str
    index: int
    launch: bool  # the bot's opening turn: no user utterance
    bot_text: str
    response_responder: str
    prompt_responder: str | None
    latency_ms: float
    arms: dict[str, str]
    offensive: bool | None  # None: the offense annotator did not run on this turn
    dissatisfaction: list[str]
    # Initiative measures of the user utterance: as the initiative controller logged them
    # (details.initiative.user_measures), else the same definitions applied to the annotations.
    tokens: int  # content tokens (with a letter or digit)
    noun_phrases: int  # distinct noun phrases, case-insensitive
    nll: float | None  # negative log-likelihood under the controller's language model, if it ran one
    responds_to: dict[str, Any] | None  # what the controller did at the previous bot turn
    empty: bool
    offense_arm: str | None  # the strategy arm the offense handler answered with (if it did)
    offense_action: str | None


@dataclass(slots=True)
class Part:
    """One spoken part of a bot turn (the response or the prompt), from the chosen candidates."""

    turn_index: int
    kind: str
    responder: str
    text: str
    is_question: bool
    scores: str  # JSON text, decoded only by the metrics that need it


@dataclass
class Conversation:
    id: str
    end_reason: str | None
    arms: dict[str, str]
    turns: list[Turn] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    channel: str | None = None  # where it came from: "replay" (chirpy replay), "api", "alexa", ...
    created_at: str | None = None

    @property
    def user_turns(self) -> list[Turn]:
        return [t for t in self.turns if not t.launch]


@dataclass
class Log:
    path: str
    conversations: list[Conversation]
    runs: dict[str, RunTimes]  # by responder; empty when the log has no responder runs
    n_turns: int
    labels: list[Label] = field(default_factory=list)  # people's judgements (chirpy review)

    @property
    def replayed(self) -> int:
        """Conversations made by ``chirpy replay``: recordings that could not react to the bot."""
        return sum(1 for c in self.conversations if c.channel == REPLAY_CHANNEL)


FIELDS = (IS_OFFENSIVE, DISSATISFACTION, TOKENS_FIELD, NOUN_PHRASES_FIELD, IS_EMPTY_FIELD,
          OFFENSE_ARM, OFFENSE_ACTION, MEASURED_TOKENS, MEASURED_NOUN_PHRASES, MEASURED_NLL, RESPONDS_TO)
"""The declared log fields the metrics read, in the order ``_read_turns`` unpacks them."""


def load_log(location: str | Path | LogStore, progress: Callable[[int], None] | None = None) -> Log:
    """Everything the metrics need, grouped by conversation. ``progress(n)`` is told of each n turns read."""
    with reading(location) as reader:
        n_turns = reader.count_turns()
        if n_turns == 0:
            raise EvalError(f"{reader.display} has no logged turns yet: nothing to evaluate "
                            "(chat with the bot or run `chirpy replay` first)")
        # The two other big reads run beside the turns: the database scans and sorts with the GIL
        # released, so on two cores they cost little extra wall time.
        with ThreadPoolExecutor(max_workers=3) as pool:
            runs_future = pool.submit(reader.run_times)
            parts_future = pool.submit(reader.chosen_parts)
            conversations = _read_conversations(reader)
            _read_turns(_chunks(pool, reader), conversations, progress)
            _read_parts(parts_future.result(), conversations)
            runs = runs_future.result()
        labels = reader.labels()
    ordered = [c for c in conversations.values() if c.turns]
    return Log(reader.display, ordered, runs, n_turns, labels)


def _read_conversations(reader: LogStore) -> dict[str, Conversation]:
    arms_cache: dict[str, dict[str, str]] = {}
    result = {}
    for cid, end_reason, arms, channel, created_at in reader.conversation_summaries():
        result[cid] = Conversation(cid, end_reason, _arms(arms, arms_cache), channel=channel, created_at=created_at)
    return result


def _chunks(pool: ThreadPoolExecutor, reader: LogStore) -> Iterator[list[tuple[Any, ...]]]:
    """Turn rows in chunks, fetched by another thread: the database extracts the JSON fields of the
    next chunk (GIL released) while this thread decodes the current one."""
    queue: Queue[list[tuple[Any, ...]] | BaseException | None] = Queue(maxsize=8)
    stop = threading.Event()  # the consumer gave up (an error): the producer must not block forever

    def put(item: list[tuple[Any, ...]] | BaseException | None) -> None:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return
            except Full:
                continue

    def produce() -> None:
        try:
            rows_in_chunks = reader.turn_rows(FIELDS)
            try:
                for rows in rows_in_chunks:
                    if stop.is_set():
                        break
                    put(rows)
            finally:
                rows_in_chunks.close()
        except BaseException as exc:  # noqa: BLE001 — handed to the consumer, which re-raises it
            put(exc)
            return
        put(None)

    pool.submit(produce)
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def _read_turns(chunks: Iterable[list[tuple[Any, ...]]], conversations: dict[str, Conversation],
                progress: Callable[[int], None] | None) -> None:
    arms_cache: dict[str, dict[str, str]] = {}
    decode = FieldDecoder(FIELDS)
    current: Conversation | None = None
    for rows in chunks:
        for cid, index, launch, bot_text, responder, prompt, latency, arms, fields in rows:
            (offensive, dissatisfaction, tokens, nps, empty,
             offense_arm, offense_action, logged_tokens, logged_nps, nll, responds_to) = decode(fields)
            if current is None or current.id != cid:
                current = conversations.get(cid)
                if current is None:  # a turn whose conversation row is missing: still count it
                    current = conversations[cid] = Conversation(cid, None, _arms(arms, arms_cache))
            current.turns.append(Turn(
                cid, index, bool(launch), bot_text or "", responder or "unknown", prompt, float(latency or 0.0),
                _arms(arms, arms_cache),
                None if offensive is None else bool(offensive),
                dissatisfaction or [],
                int(logged_tokens) if isinstance(logged_tokens, (int, float)) else content_tokens(tokens or ()),
                int(logged_nps) if isinstance(logged_nps, (int, float)) else distinct_phrases(nps or ()),
                float(nll) if isinstance(nll, (int, float)) else None,
                responds_to if isinstance(responds_to, dict) else None,
                bool(empty) or bool(launch),
                offense_arm, offense_action,
            ))
        if progress:
            progress(len(rows))


def _read_parts(rows: list[tuple[Any, ...]], conversations: dict[str, Conversation]) -> None:
    current: Conversation | None = None
    for cid, index, kind, responder, text, is_question, scores in rows:
        if current is None or current.id != cid:
            current = conversations.get(cid)
            if current is None:
                continue
        current.parts.append(Part(index, kind or "response", responder or "unknown", text or "",
                                  bool(is_question), scores or "{}"))
    for conversation in conversations.values():
        covered = {p.turn_index for p in conversation.parts}
        missing = [t for t in conversation.turns if t.index not in covered]
        if missing:  # logs without candidate rows: the whole bot turn counts as its response responder's
            conversation.parts.extend(
                Part(t.index, "response", t.response_responder, t.bot_text, t.bot_text.rstrip().endswith("?"), "{}")
                for t in missing)
            conversation.parts.sort(key=lambda p: (p.turn_index, p.kind != "response"))


def content_tokens(tokens: Sequence[str]) -> int:
    """Tokens with a letter or digit (the initiative controller's definition: punctuation is not initiative)."""
    return sum(1 for t in tokens if t.isalnum() or any(ch.isalnum() for ch in t))


def distinct_phrases(phrases: Sequence[str]) -> int:
    return len({p.lower() for p in phrases})


def _arms(text: str | None, cache: dict[str, dict[str, str]]) -> dict[str, str]:
    """Arms repeat on every turn of a conversation: decode each distinct JSON string once."""
    if not text:
        return {}
    arms = cache.get(text)
    if arms is None:
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = {}
        arms = cache[text] = {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
    return arms
