"""One request at a time per conversation, across threads, worker processes and — on PostgreSQL — hosts.

A request holds its conversation's lock for the whole load-state → turn → save cycle. The lock that
spans processes comes from the log's store (``flock`` bucket files beside an SQLite log; advisory
locks in PostgreSQL, which every host shares). In front of it, threads of one process queue on an
in-process lock per bucket, so only one thread per process waits on the store's lock.

Waiting is bounded twice: by ``lock_timeout_seconds`` (``LockTimeout``, 409), and by how many requests
may wait for one conversation at once (``max_waiters``): the excess is refused at once with
``ConversationBusy`` (429) instead of each tying up a server thread for the whole timeout, so a burst
on one conversation cannot starve everyone else's turns.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from contextlib import contextmanager
from typing import Iterator

from chirpy.store import LockTimeout, LogStore
from chirpy.store.file_locks import bucket_of

__all__ = ["ConversationBusy", "ConversationLocks", "LockTimeout"]


class ConversationBusy(LockTimeout):
    """Too many requests are already waiting for this conversation: refused without waiting."""


class ConversationLocks:
    def __init__(self, store: LogStore, *, max_waiters: int = 2, buckets: int = 1024) -> None:
        self.store = store
        self.max_waiters = max_waiters
        self.buckets = buckets
        self._thread_locks = [threading.Lock() for _ in range(buckets)]
        self._waiting: Counter[str] = Counter()  # conversation id -> requests in hold() (holder included)
        self._count_lock = threading.Lock()

    def bucket(self, conversation_id: str) -> int:
        return bucket_of(conversation_id, self.buckets)

    @contextmanager
    def hold(self, conversation_id: str, timeout: float = 30.0) -> Iterator[None]:
        with self._count_lock:
            if self._waiting[conversation_id] > self.max_waiters:  # one holder + max_waiters in the queue
                raise ConversationBusy(f"conversation {conversation_id} already has {self.max_waiters} requests "
                                       "waiting: send one turn at a time")
            self._waiting[conversation_id] += 1
        try:
            deadline = time.monotonic() + timeout
            thread_lock = self._thread_locks[self.bucket(conversation_id)]
            if not thread_lock.acquire(timeout=timeout):
                raise LockTimeout(f"conversation {conversation_id} is busy with another request")
            try:
                with self.store.conversation_lock(conversation_id, max(0.0, deadline - time.monotonic())):
                    yield
            finally:
                thread_lock.release()
        finally:
            with self._count_lock:
                self._waiting[conversation_id] -= 1
                if not self._waiting[conversation_id]:
                    del self._waiting[conversation_id]
