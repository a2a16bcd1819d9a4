"""Running responders in parallel under one per-turn deadline.

A responder that raises contributes nothing; one that misses the deadline is abandoned and its
late result discarded. Python cannot kill a thread, so instead of pretending (Chirpy Cardinal's
"kills" never stopped anything) each call gets a ``cancelled`` event that long-running responders
(neural generation) check between steps and stop on.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ALL_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable

from chirpy.responder import Candidate, Returned, as_list

log = logging.getLogger("chirpy.runner")


@dataclass
class ResponderRun:
    """How one responder fared in one phase of a turn: this is what /debug and eval show."""

    responder: str
    phase: str  # "response" or "prompt"
    status: str = "ok"  # ok | error | timeout
    latency_ms: float = 0.0
    error: str | None = None
    candidates: list[Candidate] = field(default_factory=list)


Call = Callable[[], Returned]


class ResponderRunner:
    def __init__(self, max_workers: int = 16) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="responder")

    def run(
        self, calls: dict[str, Call], phase: str, deadline: float, cancelled: threading.Event
    ) -> list[ResponderRun]:
        """Run every call; return one ResponderRun per call, in the given order."""
        started: dict[str, float] = {}
        finished: dict[str, float] = {}

        def timed(name: str, call: Call) -> Returned:
            started[name] = time.monotonic()
            try:
                return call()
            finally:
                finished[name] = time.monotonic()

        submitted = time.monotonic()
        futures: dict[str, Future[Returned]] = {
            name: self._pool.submit(timed, name, call) for name, call in calls.items()
        }
        remaining = max(0.0, deadline - time.monotonic())
        wait(futures.values(), timeout=remaining, return_when=ALL_COMPLETED)
        cancelled.set()  # anything still running should stop now; its result will be ignored
        runs = []
        for name, future in futures.items():
            run = ResponderRun(responder=name, phase=phase)
            if not future.done():
                run.status, run.error = "timeout", "missed the turn deadline"
                run.latency_ms = (time.monotonic() - started.get(name, submitted)) * 1000
                log.warning("responder %s missed the %s deadline", name, phase)
            else:
                run.latency_ms = (finished.get(name, time.monotonic()) - started.get(name, submitted)) * 1000
                exc = future.exception()
                if exc is not None:
                    run.status, run.error = "error", f"{type(exc).__name__}: {exc}"
                    # One line at warning level (the chat stays readable); the traceback at debug level.
                    log.warning("responder %s failed in %s: %s", name, phase, run.error)
                    log.debug("traceback of %s", name, exc_info=exc)
                else:
                    try:
                        run.candidates = as_list(future.result())
                        _check_candidates(run.candidates)
                    except (TypeError, ValueError) as bad:
                        run.status, run.error, run.candidates = "error", f"bad return value: {bad}", []
                        log.warning("responder %s returned something unusable: %s", name, bad)
            for candidate in run.candidates:
                candidate.responder, candidate.kind = name, phase
            runs.append(run)
        return runs

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _check_candidates(candidates: list[Candidate]) -> None:
    for candidate in candidates:
        if not isinstance(candidate, Candidate):
            raise TypeError(f"expected Candidate, got {type(candidate).__name__}")
        if not isinstance(candidate.text, str) or not candidate.text.strip():
            raise ValueError("candidate with empty text")
