"""What people found when they read the conversations (``chirpy review``), and how far the automatic
detectors agree with them.

Only conversations a person marked *reviewed* count: there, every turn was read, so a turn without a label
had no error (a label in an unreviewed conversation says nothing about the turns around it; those are
counted apart). When several people reviewed one conversation, a turn's error counts as the share of its
reviewers who labelled it (0, 0.5 or 1 for two people), and it is *positive* for the detector comparison
when at least half of them did. A bot turn's responder is the one that gave its response.

- **Rates** per responder and type: bot turns with the error / bot turns reviewed, with Wilson intervals
  widened by the design effect (turns cluster in conversations).
- **Agreement**: for each pair of people who reviewed the same conversations, Cohen's kappa on "this bot
  turn has an error" (and per type, and on "this user turn shows dissatisfaction"), with a bootstrap
  interval that resamples whole conversations.
- **Detectors vs people**: precision and recall of eval's repetition and already-answered-question checks
  and of the dissatisfaction detector (as logged in each user turn's annotations).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any, Iterable

import numpy as np

from eval.bot_errors import find_errors
from eval.labels import BOT_ERROR, DISSATISFACTION, REVIEWED, Judgements, values
from eval.log import Conversation, Log, Turn
from eval.stats import BOOTSTRAP_RESAMPLES, SEED, clustered_proportion

ANY = "(any)"
DETECTORS = (  # (detector, what it flags, the human label it stands for)
    ("repetition check (exact or near)", ("exact_repetition", "near_repetition"), "repetition"),
    ("already-answered question check", ("answered_question",), "redundant_question"),
)

def human_label_report(log: Log) -> dict[str, Any]:
    if not log.labels:
        return {"status": "not logged", "reason": "no labels in the log yet: read and label conversations with "
                                                  "`chirpy review --db LOG`"}
    judged = Judgements(log.labels)
    reviewers = judged.reviewers
    reviewed = [c for c in log.conversations if judged.reviewed(c.id)]
    outside = sum(1 for label in log.labels if label.kind != REVIEWED
                  and label.annotator not in reviewers.get(label.conversation_id, ()))
    report: dict[str, Any] = {
        "status": "ok",
        "labels": sum(1 for label in log.labels if label.kind != REVIEWED),
        "annotators": sorted({label.annotator for label in log.labels}),
        "reviewed_conversations": len(reviewed),
        "labels_outside_reviews": outside,
    }
    if not reviewed:
        report["note"] = "no conversation is marked reviewed yet (press d in chirpy review when one is done)"
    report["bot_errors"] = _rates(reviewed, judged, BOT_ERROR)
    report["dissatisfaction"] = _rates(reviewed, judged, DISSATISFACTION)
    report["agreement"] = _agreement(reviewed, judged)
    report["detectors"] = _detectors(log, reviewed, judged)
    return report


def _units(conversation: Conversation, kind: str) -> list[Turn]:
    """The turns a label of this kind judges: bot turns (every turn has the bot's words), or user turns."""
    if kind == BOT_ERROR:
        return [t for t in conversation.turns if t.bot_text]
    return conversation.user_turns


def _rates(reviewed: list[Conversation], judged: Judgements, kind: str) -> dict[str, Any]:
    types = (*values(kind), None)
    # group (responder or ANY) -> type -> conversation -> [turns, share sum]
    tally: dict[str, dict[str | None, dict[str, list[float]]]] = defaultdict(lambda: defaultdict(dict))
    for conversation in reviewed:
        previous = {t.index + 1: t.response_responder for t in conversation.turns}
        for turn in _units(conversation, kind):
            # a user turn is charged to the responder of the bot turn it answered
            responder = turn.response_responder if kind == BOT_ERROR else previous.get(turn.index, "unknown")
            for value in types:
                share = judged.share(conversation.id, turn.index, kind, value)
                for group in (responder, ANY):
                    cell = tally[group][value].setdefault(conversation.id, [0, 0.0])
                    cell[0] += 1
                    cell[1] += share
    rows = []
    for group in sorted(tally, key=lambda g: (g == ANY, g)):
        for value in types:
            cells = tally[group][value].values()
            found = clustered_proportion([k for _, k in cells], [int(n) for n, _ in cells])
            rows.append({"responder": group, "type": value or ANY, "turns": found["n"], "labelled": found["k"],
                         "rate": found["rate"], "ci": found["ci"]})
    unit = "bot turns (by the responder that answered)" if kind == BOT_ERROR else \
        "user turns (by the responder of the bot turn they answer)"
    return {"unit": unit, "rows": rows}


# -- agreement -----------------------------------------------------------------------------------------------
def _agreement(reviewed: list[Conversation], judged: Judgements) -> list[dict[str, Any]]:
    reviewers = judged.reviewers
    people = sorted({p for c in reviewed for p in reviewers[c.id]})
    results = []
    for a, b in combinations(people, 2):
        shared = [c for c in reviewed if {a, b} <= reviewers[c.id]]
        if not shared:
            continue
        checks: list[tuple[str, str, str | None]] = [(BOT_ERROR, ANY, None)]
        checks += [(BOT_ERROR, v, v) for v in values(BOT_ERROR)]
        checks.append((DISSATISFACTION, ANY, None))
        for kind, name, value in checks:
            clusters = []
            for conversation in shared:
                pairs = [(judged.given(a, conversation.id, t.index, kind, value),
                          judged.given(b, conversation.id, t.index, kind, value))
                         for t in _units(conversation, kind)]
                clusters.append(pairs)
            if not any(x or y for pairs in clusters for x, y in pairs):
                continue  # neither person ever used it: agreement on nothing says nothing
            results.append({"a": a, "b": b, "kind": kind, "type": name, **kappa_with_interval(clusters)})
    return results


def kappa_with_interval(clusters: list[list[tuple[bool, bool]]]) -> dict[str, Any]:
    """Cohen's kappa of two raters' yes/no judgements, with a percentile bootstrap interval that resamples
    clusters (conversations), since turns of one conversation are not independent."""
    # per cluster: items, both yes, a yes, b yes, agreements
    table = np.array([[len(p), sum(x and y for x, y in p), sum(x for x, _ in p), sum(y for _, y in p),
                       sum(x == y for x, y in p)] for p in clusters], dtype=float)
    point = _kappa(table.sum(axis=0, keepdims=True))[0]
    interval = None
    if len(table) >= 2:
        rng = np.random.default_rng(SEED)
        picks = rng.integers(0, len(table), size=(BOOTSTRAP_RESAMPLES, len(table)))
        found = _kappa(table[picks].sum(axis=1))
        found = found[np.isfinite(found)]
        if len(found):
            interval = [float(np.percentile(found, 2.5)), float(np.percentile(found, 97.5))]
    n = int(table[:, 0].sum())
    return {"turns": n, "conversations": len(table), "agreement": float(table[:, 4].sum() / n) if n else None,
            "kappa": None if not np.isfinite(point) else float(point), "kappa_ci": interval}


def _kappa(sums: np.ndarray) -> np.ndarray:
    n, _, a_yes, b_yes, agree = (sums[:, i] for i in range(5))
    with np.errstate(all="ignore"):
        observed = agree / n
        pa, pb = a_yes / n, b_yes / n
        expected = pa * pb + (1 - pa) * (1 - pb)
        return np.where(expected < 1, (observed - expected) / (1 - expected), np.nan)


# -- detectors against people -----------------------------------------------------------------------------------
def _detectors(log: Log, reviewed: list[Conversation], judged: Judgements) -> list[dict[str, Any]]:
    rows = []
    flagged: dict[str, dict[int, set[str]]] = {}
    for conversation in reviewed:
        found: dict[int, set[str]] = defaultdict(set)
        for _, index, error in find_errors(conversation):
            if error:
                found[index].add(error)
        flagged[conversation.id] = found
    for name, errors, human in DETECTORS:
        units = [(c.id, bool(flagged[c.id].get(t.index, set()) & set(errors)),
                  judged.share(c.id, t.index, BOT_ERROR, human) >= 0.5)
                 for c in reviewed for t in _units(c, BOT_ERROR)]
        rows.append({"detector": name, "label": f"{BOT_ERROR}: {human}", **precision_recall(units)})
    if not any(t.dissatisfaction for c in log.conversations for t in c.turns):
        rows.append({"detector": "dissatisfaction detector", "label": DISSATISFACTION, "status": "not logged",
                     "reason": "no user turn carries a dissatisfaction annotation (enable the annotator)"})
        return rows
    for value in (None, *values(DISSATISFACTION)):
        units = [(c.id, bool(t.dissatisfaction) if value is None else value in t.dissatisfaction,
                  judged.share(c.id, t.index, DISSATISFACTION, value) >= 0.5)
                 for c in reviewed for t in _units(c, DISSATISFACTION)]
        if value is not None and not any(flag or truth for _, flag, truth in units):
            continue
        rows.append({"detector": "dissatisfaction detector", "label": f"{DISSATISFACTION}: {value or ANY}",
                     **precision_recall(units)})
    return rows


def precision_recall(units: Iterable[tuple[str, bool, bool]]) -> dict[str, Any]:
    """Precision and recall of (conversation, flagged, truly positive) units, intervals clustered by
    conversation."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # flagged, positives, both
    n = 0
    for cid, flag, truth in units:
        n += 1
        cell = per[cid]
        cell[0] += flag
        cell[1] += truth
        cell[2] += flag and truth
    cells = list(per.values())
    precision = clustered_proportion([c[2] for c in cells], [c[0] for c in cells])
    recall = clustered_proportion([c[2] for c in cells], [c[1] for c in cells])
    return {"status": "ok", "turns": n, "flagged": precision["n"], "positive": recall["n"],
            "true_positive": precision["k"], "precision": precision["rate"], "precision_ci": precision["ci"],
            "recall": recall["rate"], "recall_ci": recall["ci"]}
