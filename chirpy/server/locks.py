"""One request at a time per conversation, across threads *and* worker processes.

Each conversation id hashes to one of ``buckets`` lock files next to the log database; a request
holds that file's ``flock`` for the whole load-state → turn → save cycle, so two requests for the
same conversation never interleave even when gunicorn sends them to different workers. Different
conversations almost always land in different buckets and run in parallel (a shared bucket only
costs a short wait, never correctness). Threads of one process first take an in-process lock for
the bucket, so only one thread per process polls the file lock. The OS drops an ``flock`` when its
holder dies, so a crashed worker cannot wedge a conversation.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from chirpy.errors import ChirpyError


class LockTimeout(ChirpyError):
    """Another request on the same conversation held the lock for too long."""


class ConversationLocks:
    def __init__(self, directory: str | Path | None, buckets: int = 1024) -> None:
        """``directory=None`` (an in-memory log): in-process locks only, as there is one process."""
        self.buckets = buckets
        self.directory = Path(directory) if directory is not None else None
        if self.directory is not None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ChirpyError(f"cannot create lock folder {self.directory}: {exc.strerror or exc}") from None
        self._thread_locks = [threading.Lock() for _ in range(buckets)]

    @classmethod
    def beside(cls, db_path: str) -> "ConversationLocks":
        """Locks for the workers sharing the log at ``db_path`` (in ``<db>.server/locks`` next to it)."""
        if db_path == ":memory:" or not db_path:
            return cls(None)
        return cls(Path(f"{db_path}.server") / "locks")

    def bucket(self, conversation_id: str) -> int:
        digest = hashlib.blake2b(conversation_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.buckets

    @contextmanager
    def hold(self, conversation_id: str, timeout: float = 30.0) -> Iterator[None]:
        deadline = time.monotonic() + timeout
        index = self.bucket(conversation_id)
        thread_lock = self._thread_locks[index]
        if not thread_lock.acquire(timeout=timeout):
            raise LockTimeout(f"conversation {conversation_id} is busy with another request")
        try:
            if self.directory is None:
                yield
                return
            fd = os.open(self.directory / f"{index:04d}.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                self._flock(fd, deadline, conversation_id)
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        finally:
            thread_lock.release()

    @staticmethod
    def _flock(fd: int, deadline: float, conversation_id: str) -> None:
        # Poll with a short, growing back-off: a blocking flock cannot time out.
        pause = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"conversation {conversation_id} is busy with another request") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.02)
