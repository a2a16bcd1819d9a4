"""Reading a chirpy log database back, fast, into plain objects the metrics share.

Speed matters (a season of Alexa traffic is millions of turns), so the loader selects only the
columns the metrics use and lets SQLite pull the few annotation and detail fields out of each JSON
document in one pass (``json_extract`` with several paths parses the document once), instead of
decoding every annotation in Python. The database is opened read-only: evaluating a log never
changes it, and a path that does not exist is an error rather than a new empty file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Full, Queue
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from chirpy.errors import ChirpyError
from chirpy.store import SCHEMA_VERSION


class EvalError(ChirpyError):
    """The log cannot be evaluated (missing, not a chirpy log, another schema version, empty)."""


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
class RunStats:
    """All runs of one responder (both phases): latencies for percentiles, and failure counts."""

    latencies: np.ndarray
    timeouts: int
    errors: int


@dataclass
class Conversation:
    id: str
    end_reason: str | None
    arms: dict[str, str]
    turns: list[Turn] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)

    @property
    def user_turns(self) -> list[Turn]:
        return [t for t in self.turns if not t.launch]


@dataclass
class Log:
    path: str
    conversations: list[Conversation]
    runs: dict[str, RunStats]  # by responder; empty when the log has no responder runs
    n_turns: int


TURN_SQL = """
select conversation_id, turn_index, user_text is null, bot_text, response_responder, prompt_responder, latency_ms, arms,
       '[' || coalesce(json_extract(annotations, '$.offense.is_offensive', '$.dissatisfaction', '$.tokens',
                                    '$.noun_phrases', '$.is_empty'), 'null')
       || ',' || coalesce(json_extract(details, '$.response_meta.offense_arm', '$.response_meta.offense_action',
                                       '$.initiative.user_measures.tokens', '$.initiative.user_measures.noun_phrases',
                                       '$.initiative.user_measures.nll', '$.initiative.user_measures.responds_to'),
                          'null') || ']'
from turns order by conversation_id, turn_index
"""  # one JSON array per row: a single decode in Python
PART_SQL = """
select conversation_id, turn_index, kind, responder, text, is_question, scores
from candidates where chosen = 1 order by conversation_id, turn_index, kind desc, id
"""  # kind desc: "response" before "prompt", the order they are spoken in
# Runs are the log's biggest table (one row per responder per phase per turn: ~30 per turn with the
# default responders). Grouping them in SQL walks the responder index in random order (slow); instead
# one sequential scan packs each run into one integer (responder code, status code, latency in µs) and
# numpy groups them. It runs in a second thread (sqlite3 releases the GIL while it steps) while Python
# reads the turns.
STATUS_CODES = {"ok": 0, "timeout": 1, "error": 2}
LATENCY_SCALE = 10**12  # µs below this, (responder, status) above: fits int64 for thousands of responders
CHUNK = 5000


def open_log(path: str | Path) -> sqlite3.Connection:
    """Open read-only and check it is a chirpy log of the schema version this chirpy reads."""
    file = Path(path)
    if not file.exists():
        raise EvalError(f"log database not found: {file}")
    if file.is_dir():
        raise EvalError(f"log database path is a directory: {file}")
    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise EvalError(f"{file} is not an SQLite database: {exc}") from None
    if "meta" not in tables or "turns" not in tables:
        conn.close()
        raise EvalError(f"{file} is not a chirpy log (tables: {sorted(tables) or 'none'})")
    row = conn.execute("select value from meta where key = 'schema_version'").fetchone()
    version = row[0] if row else None
    if str(version) != str(SCHEMA_VERSION):
        conn.close()
        raise EvalError(
            f"{file} was written with log schema version {version}; this chirpy reads version {SCHEMA_VERSION}. "
            "Export it with the chirpy that wrote it (chirpy export), then import it here (chirpy import)."
        )
    return conn


def load_log(path: str | Path, progress: Callable[[int], None] | None = None) -> Log:
    """Everything the metrics need, grouped by conversation. ``progress(n)`` is told of each n turns read."""
    conn = open_log(path)
    try:
        n_turns = conn.execute("select count(*) from turns").fetchone()[0]
        if n_turns == 0:
            raise EvalError(f"{path} has no logged turns yet: nothing to evaluate "
                            "(chat with the bot or run `chirpy replay` first)")
        # The two other big reads run beside the turns: SQLite does their scanning and sorting in C
        # with the GIL released, so on two cores they cost little extra wall time.
        with ThreadPoolExecutor(max_workers=3) as pool:
            runs_future = pool.submit(_read_runs, path)
            parts_future = pool.submit(_fetch, path, PART_SQL)
            try:
                conversations = _read_conversations(conn)
                _read_turns(_chunks(pool, path, TURN_SQL), conversations, progress)
                _read_parts(parts_future.result(), conversations)
                runs = runs_future.result()
            except sqlite3.DatabaseError as exc:  # e.g. malformed JSON written by some other tool
                raise EvalError(f"cannot read {path}: {exc}") from None
    finally:
        conn.close()
    ordered = [c for c in conversations.values() if c.turns]
    return Log(str(path), ordered, runs, n_turns)


def _read_runs(path: str | Path) -> dict[str, RunStats]:
    conn = open_log(path)  # sqlite3 connections belong to one thread
    try:
        names = [r[0] for r in conn.execute("select distinct responder from responder_runs where responder is not null")]
        if not names:
            return {}
        responder_case = "case responder " + " ".join(f"when ? then {i}" for i in range(len(names))) + " end"
        status_case = "case status " + " ".join(f"when '{s}' then {c}" for s, c in STATUS_CODES.items()) + " else 3 end"
        packed = conn.execute(
            f"select group_concat((({responder_case}) * 4 + ({status_case})) * {LATENCY_SCALE} "
            f"+ max(0, cast(round(coalesce(latency_ms, 0) * 1000) as integer))) from responder_runs "
            "where responder is not null", names,
        ).fetchone()[0]
    finally:
        conn.close()
    if not packed:
        return {}
    values = np.fromstring(packed, sep=",", dtype=np.int64)  # text mode: parses in C, no Python list
    key, latency_ms = values // LATENCY_SCALE, (values % LATENCY_SCALE) / 1000.0
    code, status = key // 4, key % 4
    order = np.argsort(code, kind="stable")
    bounds = np.searchsorted(code[order], np.arange(len(names) + 1))
    stats = {}
    for i, name in enumerate(names):
        rows = order[bounds[i]:bounds[i + 1]]
        stats[name] = RunStats(latency_ms[rows], int((status[rows] == 1).sum()), int((status[rows] == 2).sum()))
    return stats


def _read_conversations(conn: sqlite3.Connection) -> dict[str, Conversation]:
    arms_cache: dict[str, dict[str, str]] = {}
    result = {}
    for cid, end_reason, arms in conn.execute("select id, end_reason, arms from conversations order by created_at, id"):
        result[cid] = Conversation(cid, end_reason, _arms(arms, arms_cache))
    return result


def _chunks(pool: ThreadPoolExecutor, path: str | Path, sql: str) -> Iterator[list[tuple[Any, ...]]]:
    """Rows in chunks, fetched by another thread: SQLite extracts the JSON fields of the next chunk
    (GIL released) while this thread decodes the current one."""
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
            conn = open_log(path)
            try:
                cursor = conn.execute(sql)
                while not stop.is_set() and (rows := cursor.fetchmany(CHUNK)):
                    put(rows)
            finally:
                conn.close()
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
    decode = json.JSONDecoder().raw_decode  # the SQL builds compact JSON: skip json.loads' whitespace checks
    no_annotations = (None, None, None, None, None)
    no_details = (None, None, None, None, None, None)
    current: Conversation | None = None
    for rows in chunks:
        for cid, index, launch, bot_text, responder, prompt, latency, arms, fields in rows:
            ann, det = decode(fields)[0]
            offensive, dissatisfaction, tokens, nps, empty = ann or no_annotations
            offense_arm, offense_action, logged_tokens, logged_nps, nll, responds_to = det or no_details
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


def _fetch(path: str | Path, sql: str) -> list[tuple[Any, ...]]:
    conn = open_log(path)  # sqlite3 connections belong to one thread
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


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
