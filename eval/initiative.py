"""Initiative: do users say more, and bring up more of their own, under each experiment arm?

The research's three measures of a user utterance: length in content tokens, distinct noun
phrases, and negative log-likelihood under a language model (only when the initiative controller
logged it: ``details.initiative.user_measures.nll``). Plus user turns per conversation. Every
experiment in the log except the offense one is reported, arm by arm. The conversation is the unit: each
measure is averaged over a conversation's user turns first, and arms are compared on those
per-conversation means (Mann-Whitney, Holm within each experiment and measure; ``eval/stats.py``),
because a chatty user's thirty turns are one person, not thirty samples. When the controller logged what the bot did
at the previous turn, measures are also grouped by that move (back-channel, question, statement).

``controller_summary`` reports, per arm, what the controller itself did (back-channel and question
removal rates, why it held back): the figures ``bench/initiative_replay.py`` prints.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean
from typing import Any

from initiative.logfields import RECORD
from chirpy.store import LogStore, reading
from eval.log import Log
from eval.offense import EXPERIMENT as OFFENSE_EXPERIMENT
from eval.stats import arm_key, bootstrap_mean, compare_samples, pairwise

MEASURES = ("tokens", "noun_phrases", "nll")
ALL = "(all conversations)"


def initiative_report(log: Log, skip: tuple[str, ...] = (OFFENSE_EXPERIMENT,)) -> dict[str, Any]:
    experiments = sorted({e for c in log.conversations for e in c.arms if e not in skip})
    if not any(c.user_turns for c in log.conversations):
        return {"status": "not logged", "reason": "no user turns in the log"}
    nll_logged = any(t.nll is not None for c in log.conversations for t in c.turns)
    report: dict[str, Any] = {
        "status": "ok",
        "nll": "logged" if nll_logged else "not logged",
        "unit": "conversation: each measure is a conversation's mean over its user turns",
        "experiments": {},
    }
    for experiment in experiments or [ALL]:
        groups: dict[str, dict[str, list[float]]] = {}
        for conversation in log.conversations:
            arm = conversation.arms.get(experiment, "unassigned") if experiment != ALL else ALL
            group = groups.setdefault(arm, {m: [] for m in (*MEASURES, "turns", "user_turns")})
            user_turns = conversation.user_turns
            group["turns"].append(float(len(user_turns)))
            group["user_turns"].append(float(len(user_turns)))
            if not user_turns:
                continue
            group["tokens"].append(fmean(t.tokens for t in user_turns))
            group["noun_phrases"].append(fmean(t.noun_phrases for t in user_turns))
            nll = [t.nll for t in user_turns if t.nll is not None]
            if nll:
                group["nll"].append(fmean(nll))
        report["experiments"][experiment] = _summarise(groups, replay=log.replayed > 0)
    report["by_previous_move"] = _by_previous_move(log)
    return report


def _summarise(groups: dict[str, dict[str, list[float]]], replay: bool) -> dict[str, Any]:
    names = sorted(groups, key=arm_key)
    rows = []
    for arm in names:
        g = groups[arm]
        row: dict[str, Any] = {"arm": arm, "conversations": len(g["turns"]), "user_turns": int(sum(g["user_turns"]))}
        for name in (*MEASURES, "turns"):
            found = bootstrap_mean(g[name])
            row[f"{name}_mean"], row[f"{name}_ci"] = found["mean"], found["ci"]
        rows.append(row)
    comparisons = {
        name: pairwise({a: groups[a][name] for a in names}, compare_samples, replay=replay)
        for name in (*MEASURES, "turns") if len(names) > 1 and any(groups[a][name] for a in names)
    }
    return {"arms": rows, "comparisons": comparisons}


def previous_move(previous: dict[str, Any]) -> str:
    """What the bot did in the turn a user answered: the one definition of the categories."""
    if previous.get("action") == "backchannel":
        return "backchannel"
    if previous.get("ends_with_question"):
        return "question"
    return f"statement ({previous.get('statement_type') or 'other'})"


def by_previous_move(log: Log) -> dict[str, dict[str, Any]]:
    """Mean user measures grouped by ``previous_move`` of the bot turn the user answered."""
    # move -> [user turns, token sum, noun-phrase sum, NLL sum, NLL count]
    sums: dict[str, list[float]] = {}
    for conversation in log.conversations:
        for turn in conversation.turns:
            if turn.responds_to is None or turn.launch:
                continue
            row = sums.setdefault(previous_move(turn.responds_to), [0, 0.0, 0.0, 0.0, 0])
            row[0] += 1
            row[1] += turn.tokens
            row[2] += turn.noun_phrases
            if turn.nll is not None:
                row[3] += turn.nll
                row[4] += 1
    return {move: {"user_turns": int(n), "tokens_mean": tokens / n, "noun_phrases_mean": phrases / n,
                   "nll_mean": nll / nll_n if nll_n else None}
            for move, (n, tokens, phrases, nll, nll_n) in sorted(sums.items())}


def _by_previous_move(log: Log) -> dict[str, Any] | None:
    moves = by_previous_move(log)
    return {"moves": [{"move": move, **figures} for move, figures in moves.items()]} if moves else None


# -- what the controller did, per arm --------------------------------------------------------------------
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
            "mean_tokens": _rounded_mean(self.tokens), "mean_noun_phrases": _rounded_mean(self.noun_phrases),
            "mean_nll": _rounded_mean(self.nll), "mean_nll_per_token": _rounded_mean(self.nll_per_token),
            "backchannel_eligible": self.backchannel_eligible, "backchannels": self.backchannels,
            "question_eligible": self.question_eligible, "questions_removed": self.questions_removed,
            "backchannel_rate_eligible": _ratio(self.backchannels, self.backchannel_eligible),
            "backchannel_share_of_bot_turns": _ratio(self.backchannels, self.bot_turns),
            "question_removal_rate_eligible": _ratio(self.questions_removed, self.question_eligible),
            "question_rate_of_bot_turns": _ratio(self.ends_with_question, self.bot_turns),
            "backchannel_skips": dict(self.backchannel_skips.most_common()),
            "question_skips": dict(self.question_skips.most_common()),
        }


def controller_summary(location: str | Path | LogStore, experiment: str = "backchannel") -> list[ArmSummary]:
    """One ``ArmSummary`` per arm of ``experiment`` seen in the log, arms in sorted order. Reads only the
    controller's own record (``details.initiative``), so it is empty when the shaper was off."""
    arms: dict[str, ArmSummary] = {}
    conversations: dict[str, set[str]] = defaultdict(set)
    with reading(location) as reader:
        for cid, _, record in reader.field_values(RECORD):
            arm = str(record.get("arms", {}).get(experiment, "?"))
            summary = arms.setdefault(arm, ArmSummary(arm))
            conversations[arm].add(cid)
            _count(summary, record)
    for arm, summary in arms.items():
        summary.conversations = len(conversations[arm])
    return [arms[a] for a in sorted(arms, key=arm_key)]


def _count(summary: ArmSummary, record: dict[str, Any]) -> None:
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


def _rounded_mean(values: list[float]) -> float | None:
    return round(fmean(values), 4) if values else None


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
