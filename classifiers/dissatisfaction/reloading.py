"""Serve the newest predictor in a checkpoint directory, swapping in new versions without a restart.

A training job writes ``dissatisfaction-vN.safetensors`` atomically; the running bot looks at the
directory at most every ``check_interval`` seconds (a listdir, microseconds), loads a newer
version off to the side, and swaps the reference under a lock. Requests in flight keep the model
they started with; a damaged new checkpoint is reported once and the old model keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

from classifiers.dissatisfaction.checkpoint import CheckpointError, list_checkpoints, load_checkpoint
from classifiers.dissatisfaction.model import DissatisfactionPredictor

log = logging.getLogger(__name__)


class ReloadingPredictor:
    """Holds the latest predictor from ``directory``; call :meth:`get` per turn."""

    def __init__(
        self,
        directory: str | Path,
        check_interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = Path(directory)
        self.check_interval = check_interval
        self._clock = clock
        self._check_lock = threading.Lock()
        self._predictor: DissatisfactionPredictor | None = None
        self._path: Path | None = None
        self._mtime: float | None = None
        self._bad: set[tuple[Path, float]] = set()
        self._last_check = float("-inf")
        self.maybe_reload(force=True)

    @property
    def version(self) -> int | None:
        p = self._predictor
        return p.model_version if p is not None else None

    def get(self) -> DissatisfactionPredictor | None:
        """The current predictor (None if no checkpoint exists yet), reloading if it is due."""
        self.maybe_reload()
        return self._predictor

    def maybe_reload(self, force: bool = False) -> bool:
        """Swap in a newer checkpoint if one appeared; True when the model changed."""
        now = self._clock()
        if not force and now - self._last_check < self.check_interval:
            return False
        # One thread checks; the others keep serving the current model instead of waiting.
        if not self._check_lock.acquire(blocking=force):
            return False
        try:
            self._last_check = now
            # Newest first; a damaged newest file falls back to the next one (at start-up this
            # still gives the bot a model), but never to one older than what is serving now.
            for version, path in reversed(list_checkpoints(self.directory)):
                if self.version is not None and version < self.version:
                    return False
                try:
                    mtime = path.stat().st_mtime
                except FileNotFoundError:
                    continue
                if path == self._path and mtime == self._mtime:
                    return False
                if (path, mtime) in self._bad:
                    continue
                try:
                    fresh = load_checkpoint(path)
                except CheckpointError as exc:
                    self._bad.add((path, mtime))
                    log.warning("skipping dissatisfaction checkpoint: %s", exc)
                    continue
                # Readers only read self._predictor: rebinding it is the atomic swap (writers hold _check_lock).
                self._predictor, self._path, self._mtime = fresh, path, mtime
                log.info("dissatisfaction predictor v%d loaded from %s", fresh.model_version, path)
                return True
            return False
        finally:
            self._check_lock.release()
