"""Offense strategies: which way of answering an offensive user keeps the conversation civil.

Definitions (DESIGN.md, from the research): a conversation enters the sample at its first offensive
user turn; its arm is the strategy the offense handler answered with (else the conversation's
``offense_strategy`` arm). It *re-offends* if any later user turn is offensive. **Next** = user
turns from the bot's response to the next offense (1 = the very next turn), over conversations that
re-offend. **End** = user turns after the response until the conversation's last logged turn, over
conversations that do not re-offend. Each conversation counts once, so these are conversation-level
figures: Wilson intervals for the rate, bootstrap intervals for the means, Fisher / z and Mann-Whitney
tests with Holm's correction per metric, none under ``MIN_N`` conversations an arm (``eval/stats.py``).
"""

from __future__ import annotations

from typing import Any

from eval.log import Log
from eval.stats import arm_key, bootstrap_mean, compare_proportions, compare_samples, pairwise, proportion

EXPERIMENT = "offense_strategy"


def offense_report(log: Log, experiment: str = EXPERIMENT) -> dict[str, Any]:
    if not any(t.offensive is not None for c in log.conversations for t in c.turns):
        return {"status": "not logged", "reason": "no turn carries an offense annotation (enable the offense annotator)"}
    arms: dict[str, dict[str, list[int]]] = {}
    for conversation in log.conversations:
        offensive = [t for t in conversation.turns if t.offensive and not t.launch]
        if not offensive:
            continue
        first = offensive[0]
        arm = first.offense_arm or conversation.arms.get(experiment) or first.arms.get(experiment) or "unassigned"
        group = arms.setdefault(arm, {"next": [], "end": [], "n": []})
        group["n"].append(1)
        if len(offensive) > 1:
            group["next"].append(offensive[1].index - first.index)
        else:
            group["end"].append(conversation.turns[-1].index - first.index)
    n_offensive = sum(len(g["n"]) for g in arms.values())
    names = sorted(arms, key=arm_key)
    rows = []
    for arm in names:
        group = arms[arm]
        n, k = len(group["n"]), len(group["next"])
        reoffense = proportion(k, n)
        next_turns, end_turns = bootstrap_mean(group["next"]), bootstrap_mean(group["end"])
        rows.append({
            "arm": arm, "conversations": n, "reoffended": k, "reoffense_rate": reoffense["rate"],
            "reoffense_ci": reoffense["ci"],
            "next_mean": next_turns["mean"], "next_ci": next_turns["ci"],
            "end_mean": end_turns["mean"], "end_ci": end_turns["ci"],
        })
    replay = log.replayed > 0
    return {
        "status": "ok",
        "conversations_with_offense": n_offensive,
        "arms": rows,
        "comparisons": {
            "reoffense_rate": pairwise({r["arm"]: (r["reoffended"], r["conversations"]) for r in rows},
                                       lambda x, y: compare_proportions(x[0], x[1], y[0], y[1]), replay=replay),
            "next": pairwise({a: arms[a]["next"] for a in names}, compare_samples, replay=replay),
            "end": pairwise({a: arms[a]["end"] for a in names}, compare_samples, replay=replay),
        },
    }
