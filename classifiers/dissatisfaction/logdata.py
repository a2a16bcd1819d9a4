"""Training examples from a chirpy conversation log (the SQLite store's tables).

Every bot turn that the user answered becomes one example: the conversation up to it, what the bot
said, and whether the detector finds dissatisfaction in the user's next utterance. Labels are
recomputed from the text (not read from the logged annotations), so improving the detector
relabels old logs for free. The generator's likelihood of the chosen neural line, when logged in
its candidate ``scores``, rides along for the likelihood baseline.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Collection
from pathlib import Path

import sqlite_utils

from chirpy.errors import ChirpyError
from classifiers.dissatisfaction.train import Example, examples_from_turns

LIKELIHOOD_KEYS = ("likelihood", "mean_logprob")
"""Candidate score names that hold the generator's mean token log-probability."""


class LogError(ChirpyError):
    """The log cannot be read as a chirpy conversation log."""


def _open_read_only(path: str | Path) -> sqlite_utils.Database:
    path = Path(path)
    if not path.is_file():
        raise LogError(f"no conversation log at {path}")
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        db = sqlite_utils.Database(conn)
        tables = set(db.table_names())
    except sqlite3.DatabaseError as exc:
        raise LogError(f"cannot read {path} as SQLite: {exc}") from None
    if not {"turns", "candidates"} <= tables:
        raise LogError(f"{path} is not a chirpy conversation log (tables: {sorted(tables) or 'none'})")
    return db


def _likelihood(scores_json: str | None) -> float | None:
    try:
        scores = json.loads(scores_json or "{}")
    except (TypeError, ValueError):
        return None
    if not isinstance(scores, dict):
        return None
    for key in LIKELIHOOD_KEYS:
        value = scores.get(key)
        if isinstance(value, (int, float)) and math.isfinite(value):
            return float(value)
    return None


def read_examples(path: str | Path, responders: Collection[str] = ()) -> list[Example]:
    """Examples from every conversation in the log at ``path``.

    ``responders`` limits the examples to bot turns whose response came from those responders
    (e.g. ``{"neural"}``); the context still includes every turn.
    """
    db = _open_read_only(path)
    try:
        likelihoods: dict[tuple[str, int], float] = {}
        for cid, index, scores in db.execute(
            "select conversation_id, turn_index, scores from candidates "
            "where chosen = 1 and kind = 'response' and scores is not null"
        ):
            value = _likelihood(scores)
            if value is not None:
                likelihoods[(cid, index)] = value
        rows = db.execute(
            "select conversation_id, turn_index, user_text, bot_text, response_responder from turns "
            "order by conversation_id, turn_index"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise LogError(f"cannot read {path}: {exc}") from None
    finally:
        db.conn.close()

    examples: list[Example] = []
    wanted = set(responders)
    by_conversation: dict[str, list[tuple[int, str, str, str]]] = {}
    for cid, index, user, bot, responder in rows:
        by_conversation.setdefault(cid, []).append((index, user or "", bot or "", responder or ""))
    for cid, turns in by_conversation.items():
        triples = [(user, bot, likelihoods.get((cid, index))) for index, user, bot, _ in turns]
        for example in examples_from_turns(cid, triples):
            if not wanted or turns[example.position][3] in wanted:
                examples.append(example)
    return examples
