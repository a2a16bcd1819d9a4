"""Per-arm initiative figures from a conversation log (what the replay benchmark prints).

Reads only what the controller logged in ``turns.details`` → ``initiative``, so it works on any log
the bot wrote with the shaper on, and says so (an empty result) when the shaper was off. Grouping
is by the conversation's arm of one experiment; the user measures of a turn belong to the bot turn
before it, which is the same conversation and therefore the same arm.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean
from typing import Any, Iterator

from chirpy.errors import StoreError


@dataclass
class ArmSummary:
    arm: str
    conversations: int = 0
    bot_turns: int = 0
    user_turns: int = 0  # user utterances with measures (every turn but the launch)
    tokens: list[float] = field(default_factory=list, repr=False)
    noun_phrases: list[float] = field(default_factory=list, repr=False)
    nll: list[float] = field(default_factory=list, repr=False)
    nll_per_token: list[float] = field(default_factory=list, repr=False)
    backchannel_eligible: int = 0
    backchannels: int = 0
    question_eligible: int = 0
    questions_removed: int = 0
    ends_with_question: int = 0
    backchannel_skips: Counter[str] = field(default_factory=Counter)
    question_skips: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "arm": self.arm, "conversations": self.conversations, "bot_turns": self.bot_turns,
            "user_turns": self.user_turns,
            "mean_tokens": _mean(self.tokens), "mean_noun_phrases": _mean(self.noun_phrases),
            "mean_nll": _mean(self.nll), "mean_nll_per_token": _mean(self.nll_per_token),
            "backchannel_eligible": self.backchannel_eligible, "backchannels": self.backchannels,
            "question_eligible": self.question_eligible, "questions_removed": self.questions_removed,
            "backchannel_rate_eligible": _ratio(self.backchannels, self.backchannel_eligible),
            "backchannel_share_of_bot_turns": _ratio(self.backchannels, self.bot_turns),
            "question_removal_rate_eligible": _ratio(self.questions_removed, self.question_eligible),
            "question_rate_of_bot_turns": _ratio(self.ends_with_question, self.bot_turns),
            "backchannel_skips": dict(self.backchannel_skips.most_common()),
            "question_skips": dict(self.question_skips.most_common()),
        }


def _mean(values: list[float]) -> float | None:
    return round(fmean(values), 4) if values else None


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def iter_records(db_path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(conversation_id, details["initiative"])`` for every turn the controller shaped."""
    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"log database not found: {path}")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows = con.execute("select conversation_id, details from turns order by conversation_id, turn_index")
        for cid, details in rows:
            record = json.loads(details or "{}").get("initiative")
            if record:
                yield cid, record
        con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot read log {path}: {exc}") from None


def summarize(db_path: str | Path, experiment: str = "backchannel") -> list[ArmSummary]:
    """One ``ArmSummary`` per arm of ``experiment`` seen in the log, arms in sorted order."""
    arms: dict[str, ArmSummary] = {}
    conversations: dict[str, set[str]] = defaultdict(set)
    for cid, record in iter_records(db_path):
        arm = str(record.get("arms", {}).get(experiment, "?"))
        summary = arms.setdefault(arm, ArmSummary(arm))
        conversations[arm].add(cid)
        summary.bot_turns += 1
        backchannel = record.get("backchannel", {})
        summary.backchannel_eligible += bool(backchannel.get("eligible"))
        summary.backchannels += bool(backchannel.get("applied"))
        if backchannel.get("skip"):
            summary.backchannel_skips[backchannel["skip"]] += 1
        removal = record.get("question_removal", {})
        summary.question_eligible += bool(removal.get("eligible"))
        summary.questions_removed += bool(removal.get("applied"))
        if removal.get("skip") not in (None, "not_question", "backchannel"):
            summary.question_skips[removal["skip"]] += 1
        summary.ends_with_question += bool(record.get("ends_with_question"))
        measures = record.get("user_measures")
        if measures:
            summary.user_turns += 1
            summary.tokens.append(measures["tokens"])
            summary.noun_phrases.append(measures["noun_phrases"])
            if "nll" in measures:
                summary.nll.append(measures["nll"])
                summary.nll_per_token.append(measures["nll_per_token"])
    for arm, summary in arms.items():
        summary.conversations = len(conversations[arm])
    return [arms[a] for a in sorted(arms, key=_arm_order)]


def by_previous_action(db_path: str | Path) -> dict[str, dict[str, Any]]:
    """Mean user measures grouped by what the bot did in the turn the user answered."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, record in iter_records(db_path):
        measures = record.get("user_measures")
        previous = (measures or {}).get("responds_to")
        if not previous:
            continue
        key = previous["action"] if previous["action"] != "none" else (
            "question" if previous.get("ends_with_question") else "statement")
        groups[key].append(measures)
    return {
        key: {"n": len(rows), "mean_tokens": _mean([r["tokens"] for r in rows]),
              "mean_noun_phrases": _mean([r["noun_phrases"] for r in rows]),
              "mean_nll": _mean([r["nll"] for r in rows if "nll" in r])}
        for key, rows in sorted(groups.items())
    }


def _arm_order(arm: str) -> tuple[int, float, str]:
    try:
        return (0, float(arm), arm)
    except ValueError:
        return (1, 0.0, arm)
