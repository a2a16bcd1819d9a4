"""Latency: how long users wait (per turn) and who makes them wait (per responder run).

Percentiles use linear interpolation between closest ranks (numpy's default). Per-responder
figures include both phases (response and prompt); timeouts and errors are counted per responder.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eval.log import Log
from eval.stats import percentiles

HISTOGRAM_BINS = 20


def latency_report(log: Log) -> dict[str, Any]:
    turn_ms = np.fromiter((t.latency_ms for c in log.conversations for t in c.turns), dtype=float)
    responders = []
    for name, stats in sorted(log.runs.items()):
        n = len(stats.latencies)
        if n == 0:
            continue
        responders.append({"responder": name, "runs": n, **percentiles(stats.latencies),
                           "mean": float(stats.latencies.mean()), "timeouts": stats.timeouts, "errors": stats.errors,
                           "timeout_rate": stats.timeouts / n, "error_rate": stats.errors / n})
    return {
        "status": "ok",
        "turns": {"n": len(turn_ms), **percentiles(turn_ms), "mean": float(turn_ms.mean()) if len(turn_ms) else None,
                  "max": float(turn_ms.max()) if len(turn_ms) else None},
        "histogram": _histogram(turn_ms),
        "responders": responders if responders else None,
    }


def _histogram(values: np.ndarray) -> dict[str, list[float]]:
    """Bins up to the 99th percentile (slower turns count in the last bin), so one stall does not flatten the plot."""
    if not len(values):
        return {"edges": [], "counts": []}
    top = float(np.percentile(values, 99)) or float(values.max()) or 1.0
    edges = np.linspace(0.0, top, HISTOGRAM_BINS + 1)
    counts, _ = np.histogram(np.clip(values, 0, top), bins=edges)
    return {"edges": [round(float(e), 3) for e in edges], "counts": [int(c) for c in counts]}
