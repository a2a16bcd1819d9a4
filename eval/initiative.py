"""Initiative: do users say more, and bring up more of their own, under each experiment arm?

The research's three measures of a user utterance: length in content tokens, distinct noun
phrases, and negative log-likelihood under a language model (only when the initiative controller
logged it: ``details.initiative.user_measures.nll``). Plus user turns per conversation. Every
experiment in the log except the offense one is reported, arm by arm, with pairwise Mann-Whitney
tests (Bonferroni within each experiment and measure). When the controller logged what the bot did
at the previous turn, measures are also grouped by that move (back-channel, question, statement).
"""

from __future__ import annotations

from typing import Any

from eval.log import Log
from eval.offense import EXPERIMENT as OFFENSE_EXPERIMENT
from eval.stats import compare_samples, mean, pairwise, sem

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
        "experiments": {},
    }
    for experiment in experiments or [ALL]:
        groups: dict[str, dict[str, list[float]]] = {}
        for conversation in log.conversations:
            arm = conversation.arms.get(experiment, "unassigned") if experiment != ALL else ALL
            group = groups.setdefault(arm, {m: [] for m in (*MEASURES, "turns")})
            user_turns = conversation.user_turns
            group["turns"].append(float(len(user_turns)))
            tokens, phrases, nll = group["tokens"], group["noun_phrases"], group["nll"]
            for turn in user_turns:
                tokens.append(turn.tokens)
                phrases.append(turn.noun_phrases)
                if turn.nll is not None:
                    nll.append(turn.nll)
        report["experiments"][experiment] = _summarise(groups)
    report["by_previous_move"] = _by_previous_move(log)
    return report


def _summarise(groups: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    names = sorted(groups)
    rows = []
    for arm in names:
        g = groups[arm]
        row: dict[str, Any] = {"arm": arm, "conversations": len(g["turns"]), "user_turns": len(g["tokens"])}
        for name in (*MEASURES, "turns"):
            row[f"{name}_mean"], row[f"{name}_se"] = mean(g[name]), sem(g[name])
        rows.append(row)
    comparisons = {
        name: pairwise({a: groups[a][name] for a in names}, compare_samples)
        for name in (*MEASURES, "turns") if len(names) > 1
    }
    return {"arms": rows, "comparisons": comparisons}


def _by_previous_move(log: Log) -> dict[str, Any] | None:
    # move -> [user turns, token sum, noun-phrase sum, NLL sum, NLL count]
    sums: dict[str, list[float]] = {}
    for conversation in log.conversations:
        for turn in conversation.turns:
            previous = turn.responds_to
            if previous is None or turn.launch:
                continue
            if previous.get("action") == "backchannel":
                move = "backchannel"
            elif previous.get("ends_with_question"):
                move = "question"
            else:
                move = f"statement ({previous.get('statement_type') or 'other'})"
            row = sums.get(move)
            if row is None:
                row = sums[move] = [0, 0.0, 0.0, 0.0, 0]
            row[0] += 1
            row[1] += turn.tokens
            row[2] += turn.noun_phrases
            if turn.nll is not None:
                row[3] += turn.nll
                row[4] += 1
    if not sums:
        return None
    return {"moves": [
        {"move": move, "user_turns": int(n), "tokens_mean": tokens / n, "noun_phrases_mean": phrases / n,
         "nll_mean": nll / nll_n if nll_n else None}
        for move, (n, tokens, phrases, nll, nll_n) in sorted(sums.items())
    ]}
