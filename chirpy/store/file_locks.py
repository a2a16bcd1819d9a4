"""Per-conversation locks across the processes of one host: ``flock`` on bucket files beside an SQLite log.

Each conversation id hashes to one of ``buckets`` lock files in ``<log>.server/locks``; holding its
``flock`` for the whole load-state → turn → save cycle keeps two requests for one conversation from
interleaving even when gunicorn hands them to different workers. Different conversations almost
always land in different buckets (a shared bucket costs a short wait, never correctness). The OS
drops an ``flock`` when its holder dies, so a crashed worker cannot wedge a conversation.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from chirpy.store.errors import LockTimeout
from chirpy.store.private_files import FILE_MODE, private_folder


def bucket_of(conversation_id: str, buckets: int) -> int:
    digest = hashlib.blake2b(conversation_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % buckets


class FileLocks:
    def __init__(self, directory: str | Path, buckets: int = 1024) -> None:
        self.directory = Path(directory)
        self.buckets = buckets
        private_folder(self.directory)

    @contextmanager
    def hold(self, conversation_id: str, timeout: float) -> Iterator[None]:
        deadline = time.monotonic() + timeout
        index = bucket_of(conversation_id, self.buckets)
        fd = os.open(self.directory / f"{index:04d}.lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            _flock(fd, deadline, conversation_id)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


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
