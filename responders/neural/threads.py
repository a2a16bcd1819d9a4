"""How many intra-op threads the decode steps use, chosen from measured steps.

Why: a decode step is ~300 small parallel regions (97 int8 matmuls of 20 rows, 24 attentions, layer
norms, GELUs), each ending at a barrier where every OpenMP thread must arrive. On quiet cores two
threads are ~1.7x faster than one. On a shared machine, as soon as another process holds one of the
cores for a scheduler slice, every barrier waits for it: on the 2-core dev machine with other jobs
running, a GPT-2-medium decode step took 1.0-4.6 s on 2 threads and 0.29-0.42 s on 1 (see
bench/decode_step.py). Which is faster changes with the load, so ``auto`` measures both inside real
turns: a probe turn alternates the two on its first steps and keeps the faster for the rest, and
every ``probe_every``-th turn probes again. Other turns use the last winner.

The thread count is process-wide in torch (``torch.set_num_threads``); it is set only around the
decode steps, which the generator runs one at a time, and restored afterwards.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

PROBE_STEPS = 4  # steps of a probe turn that alternate between the options (A, B, A, B)


def _torch_threads() -> tuple[Callable[[], int], Callable[[int], None]]:
    import torch

    return torch.get_num_threads, torch.set_num_threads


@dataclass
class TurnThreads:
    """One turn's thread plan: which count each decode step runs on, and what the steps took."""

    options: tuple[int, ...]
    probe: bool
    chosen: int
    set_threads: Callable[[int], None]
    timings: dict[int, list[float]] = field(default_factory=dict)
    steps: int = 0
    current: int = 0

    def planned(self) -> int:
        """The thread count the next step will run on."""
        if self.probe and self.steps < PROBE_STEPS:
            return self.options[self.steps % len(self.options)]
        return self.winner() if self.probe else self.chosen

    def expected_s(self, default: float) -> float:
        """What the next step should take: the last step on its thread count (probe steps alternate)."""
        seen = self.timings.get(self.planned())
        return seen[-1] if seen else max((t[-1] for t in self.timings.values()), default=default)

    def winner(self) -> int:
        """The option whose probe steps had the lowest median (ties: the first, i.e. more threads)."""
        measured = {n: statistics.median(t) for n, t in self.timings.items() if t}
        return min(measured, key=lambda n: (measured[n], self.options.index(n))) if measured else self.chosen

    def before_step(self) -> int:
        """Switch to the planned thread count for the coming decode step; return it."""
        threads = self.planned()
        if threads != self.current:
            self.set_threads(threads)
            self.current = threads
        return threads

    def after_step(self, seconds: float) -> None:
        """Record the wall time of the step just run (the caller's clock: tests drive it)."""
        self.timings.setdefault(self.current, []).append(seconds)
        self.steps += 1


class DecodeThreads:
    """Picks the decode steps' thread count: ``fixed`` > 0 always uses it; 0 = auto (module docstring)."""

    def __init__(self, fixed: int = 0, probe_every: int = 8,
                 torch_threads: tuple[Callable[[], int], Callable[[int], None]] | None = None) -> None:
        if fixed < 0 or probe_every < 1:
            raise ValueError("decode_threads must be >= 0 (0 = auto) and probe_every >= 1")
        self.fixed = fixed
        self.probe_every = probe_every
        self._get, self._set = torch_threads or _torch_threads()
        self.turns = 0
        self.winner: int | None = None  # auto: the faster option at the last probe

    def describe(self) -> str:
        if self.fixed:
            return f"{self.fixed} decode threads"
        return "decode threads auto" + (f" (now {self.winner})" if self.winner else "")

    @contextmanager
    def turn(self) -> Iterator[TurnThreads]:
        """The plan for one turn's decode steps; the process's thread count is restored afterwards."""
        before = self._get()
        if self.fixed:
            options: tuple[int, ...] = (self.fixed,)
        else:
            options = (before, 1) if before > 1 else (before,)
        probe = len(options) > 1 and (self.winner is None or self.turns % self.probe_every == 0)
        plan = TurnThreads(options, probe, self.winner if self.winner in options else options[0], self._set,
                           current=before)
        self.turns += 1
        try:
            yield plan
        finally:
            if plan.current != before:
                self._set(before)
            if plan.probe and plan.steps >= PROBE_STEPS:
                self.winner = plan.winner()
