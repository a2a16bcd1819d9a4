"""Running responders in parallel under one per-turn deadline.

A responder that raises contributes nothing; one that misses the deadline is abandoned and its
late result discarded. Python cannot kill a thread, so instead of pretending (Chirpy Cardinal's
"kills" never stopped anything) each call gets a ``cancelled`` event that long-running responders
(neural generation) check between steps and stop on.

A responder that ignores that event and hangs must not take the bot down with it, so:

- the pool's threads are daemon threads: a stuck one never keeps the process from exiting;
- a worker whose call missed the deadline is written off and replaced, so stuck calls never
  leave new turns waiting for a thread; calls still queued at the deadline are cancelled;
- a responder that misses ``quarantine_after`` deadlines in a row is quarantined: skipped (one
  log line, status ``quarantined``) for ``quarantine_seconds``, then tried again, but only once
  fewer than ``quarantine_after`` of its calls are still stuck;
- live threads never exceed ``max_workers + max_stuck``: past that, written-off workers are not
  replaced and the pool runs short-handed rather than growing.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import ALL_COMPLETED, Future, wait
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from chirpy.errors import ConfigError
from chirpy.responder import Candidate, Returned, as_list

log = logging.getLogger("chirpy.runner")

QUARANTINE_AFTER = 3  # deadline misses in a row
QUARANTINE_SECONDS = 60.0


@dataclass
class ResponderRun:
    """How one responder fared in one phase of a turn: this is what /debug and eval show."""

    responder: str
    phase: str  # "response" or "prompt"
    status: str = "ok"  # ok | error | timeout | quarantined
    latency_ms: float = 0.0
    error: str | None = None
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class RunnerStats:
    """A snapshot for benchmarks and health checks."""

    threads: int  # live pool threads, stuck ones included
    stuck: int  # threads still running a call that missed its deadline
    queued: int  # calls waiting for a thread
    quarantined: tuple[str, ...]


Call = Callable[[], Returned]
Clock = Callable[[], float]


class _Task:
    """One responder call: its future, and when and on which thread it ran."""

    def __init__(self, name: str, call: Call) -> None:
        self.name = name
        self.call = call
        self.future: Future[Returned] = Future()
        self.started: float | None = None
        self.finished: float | None = None
        self.thread: threading.Thread | None = None
        # Both guarded by the runner's lock, so a call that ends just as its deadline passes is
        # counted as stuck and un-stuck exactly once.
        self.ended = False
        self.overdue = False


class _DaemonPool:
    """Threads that run tasks from one queue. Unlike ``ThreadPoolExecutor`` (whose non-daemon
    workers are joined at interpreter exit, so one stuck call hangs the exit forever), workers are
    daemon threads, and a worker stuck past its deadline can be written off and replaced."""

    def __init__(self, size: int, max_stuck: int, on_done: Callable[[_Task], None]) -> None:
        self.size = size
        self.max_stuck = max_stuck
        self._on_done = on_done
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._healthy = 0  # workers that count towards `size`
        self._idle = 0
        self._written_off: set[threading.Thread] = set()
        self._closed = False
        self._short_handed = False
        self._counter = 0

    def submit(self, task: _Task) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the responder pool is shut down")
            if self._idle > 0:
                self._idle -= 1  # that worker will take this task
            else:
                self._spawn_locked()
            if self._healthy == 0:  # every thread is stuck: queueing would only pile up dead calls
                task.future.cancel()
                return
            self._tasks.put(task)

    def write_off(self, thread: threading.Thread) -> None:
        """``thread`` is stuck in a call that missed its deadline: stop counting it as capacity."""
        with self._lock:
            if thread in self._written_off or not thread.is_alive():
                return
            self._written_off.add(thread)
            self._healthy -= 1
            if not self._tasks.empty():
                self._spawn_locked()

    def stuck(self) -> int:
        with self._lock:
            return len(self._written_off)

    def threads(self) -> int:
        with self._lock:
            return self._healthy + len(self._written_off)

    def queued(self) -> int:
        return self._tasks.qsize()

    def shutdown(self) -> None:
        """Cancel queued calls and let idle workers go; never join: a stuck thread would block forever."""
        with self._lock:
            self._closed = True
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is not None:
                task.future.cancel()
        with self._lock:
            for _ in range(self._healthy):
                self._tasks.put(None)

    def _spawn_locked(self) -> None:
        if self._healthy >= self.size:
            return  # every worker is busy: the task waits for one to come free
        if self._healthy + len(self._written_off) >= self.size + self.max_stuck:
            if not self._short_handed:
                self._short_handed = True
                log.warning("%d responder threads are stuck: the pool runs with fewer workers until they return",
                            len(self._written_off))
            return
        self._short_handed = False
        self._counter += 1
        self._healthy += 1
        thread = threading.Thread(target=self._work, name=f"responder-{self._counter}", daemon=True)
        thread.start()

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            task = self._tasks.get()
            if task is None:
                return
            task.thread = me  # before the future says RUNNING: the runner must know whom to write off
            task.started = time.monotonic()
            if task.future.set_running_or_notify_cancel():
                try:
                    result = task.call()
                except BaseException as exc:  # noqa: BLE001 — reported through the future
                    task.finished = time.monotonic()
                    task.future.set_exception(exc)
                else:
                    task.finished = time.monotonic()
                    task.future.set_result(result)
                self._on_done(task)
            with self._lock:
                if me in self._written_off:  # replaced while stuck: leave, the pool has moved on
                    self._written_off.discard(me)
                    return
                self._idle += 1


@dataclass
class _Health:
    """One responder's record of deadline misses."""

    misses: int = 0  # in a row
    stuck: int = 0  # calls past their deadline that are still running
    until: float = 0.0  # quarantined until this clock time


class ResponderRunner:
    def __init__(
        self,
        max_workers: int = 16,
        *,
        quarantine_after: int = QUARANTINE_AFTER,
        quarantine_seconds: float = QUARANTINE_SECONDS,
        max_stuck: int | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        if max_workers < 1 or quarantine_after < 1 or quarantine_seconds < 0:
            raise ValueError("max_workers and quarantine_after must be >= 1, quarantine_seconds >= 0")
        self.quarantine_after = quarantine_after
        self.quarantine_seconds = quarantine_seconds
        self._clock = clock
        self._health: dict[str, _Health] = {}
        self._lock = threading.Lock()
        self._pool = _DaemonPool(max_workers, max_stuck if max_stuck is not None else max_workers, self._ended)

    @classmethod
    def from_config(cls, bot: Mapping[str, Any], n_responders: int) -> "ResponderRunner":
        """Built from the ``[bot]`` table: ``quarantine_after`` and ``quarantine_seconds``."""
        try:
            after = int(bot.get("quarantine_after", QUARANTINE_AFTER))
            seconds = float(bot.get("quarantine_seconds", QUARANTINE_SECONDS))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[bot] quarantine settings have the wrong type: {exc}") from None
        if after < 1 or seconds < 0:
            raise ConfigError("[bot] quarantine_after must be >= 1 and quarantine_seconds >= 0")
        return cls(max(8, 2 * n_responders), quarantine_after=after, quarantine_seconds=seconds)

    def run(
        self, calls: dict[str, Call], phase: str, deadline: float, cancelled: threading.Event
    ) -> list[ResponderRun]:
        """Run every call; return one ResponderRun per call, in the given order."""
        submitted = time.monotonic()
        tasks: dict[str, _Task | None] = {}
        for name, call in calls.items():
            if self._is_quarantined(name):
                tasks[name] = None
                continue
            task = _Task(name, call)
            self._pool.submit(task)
            tasks[name] = task
        futures = [task.future for task in tasks.values() if task is not None]
        wait(futures, timeout=max(0.0, deadline - time.monotonic()), return_when=ALL_COMPLETED)
        cancelled.set()  # anything still running should stop now; its result will be ignored
        runs = []
        for name, task in tasks.items():
            run = ResponderRun(responder=name, phase=phase)
            if task is None:
                run.status, run.error = "quarantined", "skipped after repeated deadline misses"
            elif task.future.cancelled() or (not task.future.done() and task.future.cancel()):
                # Never started, so no strike against the responder: the pool was busy.
                run.status, run.error = "timeout", "no thread came free before the deadline"
                log.warning("responder %s got no thread before the %s deadline", name, phase)
            elif not task.future.done():
                run.status, run.error = "timeout", "missed the turn deadline"
                run.latency_ms = (time.monotonic() - (task.started or submitted)) * 1000
                log.warning("responder %s missed the %s deadline", name, phase)
                self._missed(task)
            else:
                run.latency_ms = ((task.finished or time.monotonic()) - (task.started or submitted)) * 1000
                self._answered(name)
                exc = task.future.exception()
                if exc is not None:
                    run.status, run.error = "error", f"{type(exc).__name__}: {exc}"
                    # One line at warning level (the chat stays readable); the traceback at debug level.
                    log.warning("responder %s failed in %s: %s", name, phase, run.error)
                    log.debug("traceback of %s", name, exc_info=exc)
                else:
                    try:
                        run.candidates = as_list(task.future.result())
                        _check_candidates(run.candidates)
                    except (TypeError, ValueError) as bad:
                        run.status, run.error, run.candidates = "error", f"bad return value: {bad}", []
                        log.warning("responder %s returned something unusable: %s", name, bad)
            for candidate in run.candidates:
                candidate.responder, candidate.kind = name, phase
            runs.append(run)
        return runs

    def stats(self) -> RunnerStats:
        now = self._clock()
        with self._lock:
            quarantined = tuple(sorted(n for n, h in self._health.items() if self._blocked(h, now)))
        return RunnerStats(self._pool.threads(), self._pool.stuck(), self._pool.queued(), quarantined)

    def shutdown(self) -> None:
        self._pool.shutdown()

    # -- quarantine ----------------------------------------------------------------------------
    def _blocked(self, health: _Health, now: float) -> bool:
        if health.misses < self.quarantine_after:
            return False
        # After the cool-off, one more try, unless too many of its calls are still stuck.
        return now < health.until or health.stuck >= self.quarantine_after

    def _is_quarantined(self, name: str) -> bool:
        with self._lock:
            health = self._health.get(name)
            return health is not None and self._blocked(health, self._clock())

    def _missed(self, task: _Task) -> None:
        """A running call missed the deadline: write its thread off, and quarantine the responder
        after ``quarantine_after`` misses in a row."""
        with self._lock:
            health = self._health.setdefault(task.name, _Health())
            health.misses += 1
            if not task.ended and task.thread is not None:
                task.overdue = True
                health.stuck += 1
                self._pool.write_off(task.thread)
            if health.misses >= self.quarantine_after:
                health.until = self._clock() + self.quarantine_seconds
                log.warning("responder %s missed the deadline %d times in a row: skipped for %.0f s",
                            task.name, health.misses, self.quarantine_seconds)

    def _answered(self, name: str) -> None:
        with self._lock:
            health = self._health.get(name)
            if health is not None and health.misses:
                if health.misses >= self.quarantine_after:
                    log.info("responder %s answered in time again: out of quarantine", name)
                health.misses = 0

    def _ended(self, task: _Task) -> None:
        """Called on the worker thread when a call ends, however late."""
        with self._lock:
            task.ended = True
            if task.overdue:
                self._health[task.name].stuck -= 1


def _check_candidates(candidates: list[Candidate]) -> None:
    for candidate in candidates:
        if not isinstance(candidate, Candidate):
            raise TypeError(f"expected Candidate, got {type(candidate).__name__}")
        if not isinstance(candidate.text, str) or not candidate.text.strip():
            raise ValueError("candidate with empty text")
