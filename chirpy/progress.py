"""One progress-bar helper for long command-line jobs (replay, eval), so they look alike.

The bar goes to stderr, so ``--json -`` style output on stdout stays clean, and it is a no-op when
disabled (tests, library callers), so callers never branch on it.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def progress_bar(label: str, total: int, unit: str, *, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; ``total`` may be 0 when unknown."""
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn(unit), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=False)
    task = bar.add_task(label, total=total or None)
    with bar:
        yield lambda n: bar.advance(task, n) if n else None
