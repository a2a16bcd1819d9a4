"""What several processes sharing one log rely on: a fresh log opened by many at once (gunicorn workers
booting, hosts starting together) gets its tables exactly once, and nobody fails."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from chirpy.store import SCHEMA_VERSION, open_log, parse_location

from .conftest import raw_sql

PROCESSES = 3
ROUNDS = 6


def _open(location: str, barrier: Any, results: Any) -> None:
    barrier.wait()  # all processes open the fresh log at the same moment
    try:
        open_log(location).close()
        results.put("ok")
    except BaseException as exc:  # noqa: BLE001 — reported to the parent, which asserts on it
        results.put(f"{type(exc).__name__}: {exc}")


def test_a_fresh_log_opened_by_several_processes_at_once(log_location: str, tmp_path: Path) -> None:
    """Issue 17 #2: two processes opening one fresh SQLite log failed in 46 of 60 races ("database is
    locked": a deferred transaction cannot wait for the write lock). Schema creation now takes the
    engine's exclusive lock first (BEGIN IMMEDIATE; an advisory lock on PostgreSQL)."""
    context = multiprocessing.get_context("fork")  # fast: the children inherit the imported modules
    sqlite = parse_location(log_location).backend == "sqlite"
    failures = []
    for round_ in range(ROUNDS):
        location = str(tmp_path / f"round{round_}.db") if sqlite else log_location
        if not sqlite:
            for (table,) in raw_sql(location, "select tablename from pg_tables where schemaname = current_schema()"):
                raw_sql(location, f"drop table {table}")
        barrier, results = context.Barrier(PROCESSES), context.Queue()
        processes = [context.Process(target=_open, args=(location, barrier, results)) for _ in range(PROCESSES)]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(timeout=60)
        failures += [outcome for outcome in outcomes if outcome != "ok"]
        assert raw_sql(location, "select value from meta where key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert failures == []
