"""The store's errors. Every reader and writer of the log raises ``StoreError`` (or a subclass) only."""

from __future__ import annotations

from chirpy.errors import ChirpyError, StoreError

__all__ = ["LockTimeout", "StoreError", "StoreUnavailable"]


class StoreUnavailable(StoreError):
    """The log cannot be reached or written right now (database down, read-only, disk full, locked too
    long). Transient: nothing of the turn was written, and the next attempt may succeed. The server
    answers 503."""


class LockTimeout(ChirpyError):
    """Another request on the same conversation held its lock for too long."""
