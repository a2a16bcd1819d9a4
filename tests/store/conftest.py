"""Fixtures for the store's contract tests: bots and raw SQL on a log of either engine."""

from __future__ import annotations

import sqlite3
from typing import Any, Callable, Iterator

import pytest

from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.store import parse_location

CORE_ORDER = ["launch", "closing", "simple_topic", "fallback"]


def store_config(location: str, **bot: Any) -> Config:
    config = Config.from_dict({
        "bot": {"db": location, "seed": 7, "deadline_seconds": 2.0, "spacy_model": "blank", **bot},
        "pipeline": {"annotators": [], "filters": ["no_repeat"], "shapers": []},
        "responders": {"order": CORE_ORDER},
    })
    config.data["experiments"] = {}
    return config


@pytest.fixture
def make_bot() -> Iterator[Callable[..., Bot]]:
    bots: list[Bot] = []

    def factory(location: str, **kwargs: Any) -> Bot:
        bot = Bot(store_config(location), **kwargs)
        bots.append(bot)
        return bot

    yield factory
    for bot in bots:
        bot.close()


def raw_sql(location: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run SQL on the log behind the store's back (as another tool would), committed at once."""
    parsed = parse_location(location)
    if parsed.backend == "sqlite":
        with sqlite3.connect(parsed.target) as conn:
            rows = conn.execute(sql, params).fetchall()
        conn.close()
        return rows
    import psycopg

    with psycopg.connect(parsed.target, autocommit=True) as conn:
        cursor = conn.execute(sql.replace("?", "%s"), params or None)
        return cursor.fetchall() if cursor.description else []
