"""Replay protection: each Alexa request id is accepted once, by any worker on any host.

The signed timestamp already bounds a replay to the 150-second tolerance window; within that window
this ledger refuses a request id it has seen. The ids live in the log's ``request_ledger`` table
(SQLite or PostgreSQL), so every process and host sharing the log shares the ledger; ids older than
the window are pruned now and then, so the table stays tiny.
"""

from __future__ import annotations

import itertools
import threading
import time

from chirpy.store import LogStore

KEEP_SECONDS = 600.0  # well beyond the 150 s timestamp tolerance: older ids are rejected as stale anyway
PRUNE_EVERY = 500


class RequestLedger:
    def __init__(self, store: LogStore) -> None:
        self.store = store
        self._count = itertools.count(1)
        self._lock = threading.Lock()

    def first_time(self, request_id: str) -> bool:
        """Record ``request_id``; False if it was already recorded (a replay)."""
        with self._lock:
            prune = next(self._count) % PRUNE_EVERY == 0
        return self.store.remember_request(request_id, time.time(), KEEP_SECONDS, prune)
