"""One evaluation of one log: every section as plain JSON-able data, rendered elsewhere.

Keeping the figures as data (not formatted text) is what lets the terminal tables, the ``--json``
file and the HTML report show exactly the same numbers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from chirpy.store import LogStore
from eval.bot_errors import bot_error_report
from eval.conversations import conversation_report
from eval.dissatisfaction import NEURAL, SCORE_KEY, dissatisfaction_report
from eval.human_labels import human_label_report
from eval.initiative import initiative_report
from eval.latency import latency_report
from eval.log import Log, load_log
from eval.offense import EXPERIMENT, offense_report
from eval.power import power_report
from eval.stats import MIN_N, REPLAY_WARNING, arm_key


@dataclass
class EvalSettings:
    offense_experiment: str = EXPERIMENT
    neural_responder: str = NEURAL
    score_key: str = SCORE_KEY


def evaluate(log: Log, ratings: dict[str, float] | None = None, settings: EvalSettings | None = None) -> dict[str, Any]:
    settings = settings or EvalSettings()
    report = {
        "log": log.path,
        "replay": _replay(log),
        "conversations": conversation_report(log, ratings),
        "offense": offense_report(log, settings.offense_experiment),
        "initiative": initiative_report(log, (settings.offense_experiment,)),
        "dissatisfaction": dissatisfaction_report(log, settings.neural_responder, settings.score_key),
        "bot_errors": bot_error_report(log),
        "labels": human_label_report(log),
        "latency": latency_report(log),
        "power": power_report() | {"log_conversations_per_arm": _arm_sizes(log), "min_n": MIN_N},
    }
    return clean(report)


def _replay(log: Log) -> dict[str, Any]:
    """Whether the log's users were recordings (``chirpy replay``): then no arm comparison is significant."""
    n = log.replayed
    return {"conversations": n, "share": n / len(log.conversations) if log.conversations else 0.0,
            "warning": REPLAY_WARNING if n else None}


def _arm_sizes(log: Log) -> dict[str, dict[str, int]]:
    sizes: dict[str, dict[str, int]] = {}
    for conversation in log.conversations:
        for experiment, arm in conversation.arms.items():
            arms = sizes.setdefault(experiment, {})
            arms[arm] = arms.get(arm, 0) + 1
    return {e: {a: arms[a] for a in sorted(arms, key=arm_key)} for e, arms in sorted(sizes.items())}


def evaluate_path(path: str | Path | LogStore, ratings: dict[str, float] | None = None, settings: EvalSettings | None = None,
                  progress: Callable[[int], None] | None = None) -> tuple[dict[str, Any], float]:
    """Load and evaluate; also returns the seconds spent (for the throughput line)."""
    started = time.perf_counter()
    log = load_log(path, progress)
    report = evaluate(log, ratings, settings)
    return report, time.perf_counter() - started


def clean(value: Any) -> Any:
    """NaN and infinity are not JSON: they become null (a statistic that could not be computed)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value
