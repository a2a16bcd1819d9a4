"""The report as a list of neutral blocks per section (text, tables, charts), so the terminal and
the HTML renderer show the same figures with the same labels and differ only in presentation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Text:
    text: str


@dataclass
class NotLogged:
    what: str
    reason: str


@dataclass
class TableBlock:
    title: str
    columns: list[str]
    rows: list[list[str]]
    marked: list[bool] = field(default_factory=list)  # rows to highlight (significant comparisons)


@dataclass
class BarChart:
    """One bar per arm / responder with its 95% interval: rendered only in HTML. A value of None is
    missing data (drawn as "no data"), which a chart must never show as a zero bar."""

    title: str
    labels: list[str]
    values: list[float | None]
    intervals: list[list[float] | None]
    value_label: str


@dataclass
class Histogram:
    title: str
    edges: list[float]
    counts: list[int]
    x_label: str


Block = Text | NotLogged | TableBlock | BarChart | Histogram
SIGNIFICANT = "✔ significant"


def num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def ci(value: Any, interval: Any, digits: int = 2) -> str:
    """A value with its 95% interval: "0.000 [0.000, 0.434]"."""
    if value is None or not interval:
        return num(value, digits)
    return f"{num(value, digits)} [{num(interval[0], digits)}, {num(interval[1], digits)}]"


def pvalue(p: float | None) -> str:
    return "—" if p is None else ("<0.001" if p < 0.001 else f"{p:.3f}")


def table(title: str, columns: list[str], rows: list[list[str]]) -> TableBlock:
    return TableBlock(title, columns, rows)


def comparison_table(title: str, comparisons: list[dict[str, Any]]) -> TableBlock:
    rows, marked = [], []
    for c in comparisons:
        if c.get("not_tested"):
            verdict = f"not tested: {c['not_tested']}"
        elif c.get("warning"):
            verdict = "not significant: replayed log"
        else:
            verdict = SIGNIFICANT if c["significant"] else "not significant"
        rows.append([f"{c['a']} vs {c['b']}", f"{c['n_a']} / {c['n_b']}", c["test"] or "—",
                     ci(c["difference"], c["difference_ci"], 3),
                     f"{ci(c['effect'], c['effect_ci'], 3)} ({c['effect_name']})" if c["effect_name"] else "—",
                     pvalue(c["p"]), pvalue(c["p_adjusted"]), verdict])
        marked.append(bool(c["significant"]))
    block = table(title, ["a vs b", "n (conversations)", "test", "difference [95% CI]", "effect [95% CI]", "p",
                          "p (Holm)", ""], rows)
    block.marked = marked
    return block


def sections(report: dict[str, Any]) -> list[tuple[str, str, list[Block]]]:
    """(key, title, blocks) for every section, in reading order; a replayed log's warning comes first."""
    result = []
    warning = (report.get("replay") or {}).get("warning")
    if warning:
        share = report["replay"]["share"]
        result.append(("replay", "Replayed log", [Text(f"Warning: {share:.0%} of the conversations were replayed. "
                                                       f"{warning[0].upper()}{warning[1:]}.")]))
    for name, build in SECTION_RENDERERS:
        section = report[name]
        if section.get("status") != "ok":
            blocks: list[Block] = [NotLogged(TITLES[name], str(section.get("reason", "")))]
        else:
            blocks = [Text(b) if isinstance(b, str) else b for b in build(section)]
        result.append((name, TITLES[name], blocks))
    return result


def _conversations(s: dict[str, Any]) -> list[Any]:
    u = s["user_turns"]
    items: list[Any] = [
        f"{s['count']} conversations, {s['turns']} turns; user turns per conversation: mean {num(u['mean'])}, "
        f"median {num(u['median'], 1)}, min {u['min']}, max {u['max']}",
        table("Length (user turns)", ["user turns", "conversations"], [[h["bucket"], str(h["count"])] for h in u["histogram"]]),
        BarChart("Conversation length (user turns)", [h["bucket"] for h in u["histogram"]],
                 [float(h["count"]) for h in u["histogram"]], [None] * len(u["histogram"]), "conversations"),
        table("How they ended", ["reason", "conversations", "share"],
              [[e["reason"], str(e["count"]), f"{e['share']:.1%}"] for e in s["endings"]]),
    ]
    ratings = s["ratings"]
    if ratings.get("status") != "ok":
        items.append(NotLogged("Ratings", str(ratings.get("reason"))))
        return items
    items.append(f"Ratings: {ratings['rated']} rated conversations, mean {ci(ratings['mean'], ratings['ci'])}"
                 f" ({ratings['unmatched']} ratings matched no conversation)")
    for experiment, arms in ratings["by_arm"].items():
        items.append(table(f"Rating by arm: {experiment}", ["arm", "n", "rating [95% CI]"],
                           [[a["arm"], str(a["n"]), ci(a["mean"], a["ci"])] for a in arms]))
        items.append(BarChart(f"Rating by arm: {experiment}", [a["arm"] for a in arms], [a["mean"] for a in arms],
                              [a["ci"] for a in arms], "mean rating"))
        if ratings["comparisons"].get(experiment):
            items.append(comparison_table(f"Pairwise: rating ({experiment})", ratings["comparisons"][experiment]))
    items.append(table("Rating by responder (conversations it spoke in)", ["responder", "n", "rating [95% CI]"],
                       [[r["responder"], str(r["n"]), ci(r["mean"], r["ci"])] for r in ratings["by_responder"]]))
    return items


def _offense(s: dict[str, Any]) -> list[Any]:
    items: list[Any] = [
        f"{s['conversations_with_offense']} conversations with an offensive user turn",
        table("Offense strategies", ["arm", "conversations", "re-offense rate [95% CI]", "Next (turns)", "End (turns)"], [
            [r["arm"], str(r["conversations"]), ci(r["reoffense_rate"], r["reoffense_ci"], 3),
             ci(r["next_mean"], r["next_ci"]), ci(r["end_mean"], r["end_ci"])] for r in s["arms"]]),
    ]
    arms = [r["arm"] for r in s["arms"]]
    for key, label in (("reoffense_rate", "Re-offense rate"), ("next_mean", "Next: turns to the next offense"),
                       ("end_mean", "End: turns to the end (no re-offense)")):
        interval = "reoffense_ci" if key == "reoffense_rate" else key.replace("_mean", "_ci")
        items.append(BarChart(label, arms, [r[key] for r in s["arms"]], [r[interval] for r in s["arms"]],
                              label.split(":")[0]))
    for metric, label in (("reoffense_rate", "re-offense rate"), ("next", "Next"), ("end", "End")):
        if s["comparisons"][metric]:
            items.append(comparison_table(f"Pairwise: {label}", s["comparisons"][metric]))
    return items


def _initiative(s: dict[str, Any]) -> list[Any]:
    items: list[Any] = [f"Negative log-likelihood: {s['nll']}. Unit: {s.get('unit', 'conversation')}."]
    for experiment, e in s["experiments"].items():
        items.append(table(f"Initiative by arm: {experiment}",
                           ["arm", "conversations", "user turns", "tokens", "noun phrases", "NLL", "turns/conv"], [
            [r["arm"], str(r["conversations"]), str(r["user_turns"]), ci(r["tokens_mean"], r["tokens_ci"]),
             ci(r["noun_phrases_mean"], r["noun_phrases_ci"]), ci(r["nll_mean"], r["nll_ci"]),
             ci(r["turns_mean"], r["turns_ci"])] for r in e["arms"]]))
        for measure, label in (("tokens", "user tokens per turn"), ("noun_phrases", "distinct noun phrases per turn"),
                               ("nll", "NLL per turn")):
            if any(r[f"{measure}_mean"] is not None for r in e["arms"]):
                items.append(BarChart(f"{experiment}: {label}", [r["arm"] for r in e["arms"]],
                                      [r[f"{measure}_mean"] for r in e["arms"]], [r[f"{measure}_ci"] for r in e["arms"]],
                                      label))
        for measure, comparisons in e["comparisons"].items():
            if comparisons:
                items.append(comparison_table(f"Pairwise ({experiment}): {measure}", comparisons))
    if s.get("by_previous_move"):
        items.append(table("User initiative by the bot's previous move (user turns, descriptive)",
                           ["move", "user turns", "tokens", "noun phrases", "NLL"], [
            [m["move"], str(m["user_turns"]), num(m["tokens_mean"]), num(m["noun_phrases_mean"]), num(m["nll_mean"])]
            for m in s["by_previous_move"]["moves"]]))
    return items


def _dissatisfaction(s: dict[str, Any]) -> list[Any]:
    items: list[Any] = [
        f"{s['followed_by_dissatisfaction']} of {s['bot_turns']} bot turns were followed by a dissatisfied user turn",
        table("By responder", ["responder", "bot turns", "dissatisfied", "share [95% CI]"],
              [[r["responder"], str(r["bot_turns"]), num(r["dissatisfied"]), ci(r["share"], r["ci"], 3)]
               for r in s["by_responder"]]),
        BarChart("Share of bot turns followed by dissatisfaction", [r["responder"] for r in s["by_responder"]],
                 [r["share"] for r in s["by_responder"]], [r["ci"] for r in s["by_responder"]], "share"),
        table("By dissatisfaction type", ["type", "bot turns followed", "share [95% CI]"],
              [[r["type"], num(r["count"]), ci(r["share"], r["ci"], 3)] for r in s["by_type"]]),
    ]
    deciles = s["neural_deciles"]
    if deciles.get("status") != "ok":
        items.append(NotLogged("Neural responder by predictor score", str(deciles.get("reason"))))
    else:
        items.append(table(f"Neural responder by predictor score decile ({deciles['score_key']})",
                           ["decile", "bot turns", "score range", "dissatisfied", "share [95% CI]"], [
            [str(d["decile"]), str(d["bot_turns"]), f"{d['score_min']:.3f} – {d['score_max']:.3f}",
             num(d["dissatisfied"]), ci(d["share"], d["ci"], 3)] for d in deciles["deciles"]]))
        items.append(BarChart("Dissatisfaction by predictor score decile", [str(d["decile"]) for d in deciles["deciles"]],
                              [d["share"] for d in deciles["deciles"]], [d["ci"] for d in deciles["deciles"]], "share"))
    return items


def _bot_errors(s: dict[str, Any]) -> list[Any]:
    rates = s["rates"]
    rows = s["by_responder"]
    return [
        f"{s['parts']} bot utterance parts: exact repetition {num(rates['exact_repetition'], 3)}, "
        f"near repetition {num(rates['near_repetition'], 3)}, question already answered {num(rates['answered_question'], 3)}",
        table("Bot errors by responder (rates per part [95% CI])",
              ["responder", "parts", "exact repetition", "near repetition", "already answered"], [
            [r["responder"], str(r["parts"])] + [f"{num(r[e])}: {ci(r[f'{e}_rate'], r[f'{e}_ci'], 3)}"
                                                 for e in ("exact_repetition", "near_repetition", "answered_question")]
            for r in rows]),
        BarChart("Exact or near repetition per part", [r["responder"] for r in rows],
                 [None if r["exact_repetition_rate"] is None else r["exact_repetition_rate"] + r["near_repetition_rate"]
                  for r in rows], [None] * len(rows), "share of parts"),
    ]


def _labels(s: dict[str, Any]) -> list[Any]:
    items: list[Any] = [f"{s['labels']} labels by {len(s['annotators'])} people ({', '.join(s['annotators'])}); "
                        f"{s['reviewed_conversations']} conversations marked reviewed; "
                        f"{s['labels_outside_reviews']} labels in conversations their author has not marked reviewed "
                        "(not counted below)"]
    if s.get("note"):
        items.append(s["note"])
    for key, title in (("bot_errors", "Bot errors found by people"), ("dissatisfaction", "Dissatisfaction found by people")):
        section = s[key]
        rows = [r for r in section["rows"] if r["turns"]]
        items.append(table(f"{title}, per {section['unit']}", ["responder", "type", "turns", "labelled", "rate [95% CI]"],
                           [[r["responder"], r["type"], str(r["turns"]), num(r["labelled"]), ci(r["rate"], r["ci"], 3)]
                            for r in rows]))
        overall = [r for r in rows if r["responder"] == "(any)" and r["type"] != "(any)"]
        if overall:
            items.append(BarChart(title, [r["type"] for r in overall], [r["rate"] for r in overall],
                                  [r["ci"] for r in overall], "share of turns"))
    if s["agreement"]:
        items.append(table("Agreement between people (Cohen's kappa, interval resampling conversations)",
                           ["people", "kind", "type", "turns", "agreement", "kappa [95% CI]"], [
            [f"{a['a']} & {a['b']}", a["kind"], a["type"], str(a["turns"]), num(a["agreement"], 3),
             ci(a["kappa"], a["kappa_ci"], 3)] for a in s["agreement"]]))
    else:
        items.append(NotLogged("Agreement between people", "no conversation was reviewed by two people"))
    rows = [d for d in s["detectors"] if d.get("status") == "ok"]
    items.append(table("Automatic detectors against people's labels", ["detector", "against", "turns", "flagged",
                                                                       "positive", "precision [95% CI]",
                                                                       "recall [95% CI]"], [
        [d["detector"], d["label"], str(d["turns"]), str(d["flagged"]), str(d["positive"]),
         ci(d["precision"], d["precision_ci"], 3), ci(d["recall"], d["recall_ci"], 3)] for d in rows]))
    items += [NotLogged(d["detector"], d["reason"]) for d in s["detectors"] if d.get("status") != "ok"]
    return items


def _latency(s: dict[str, Any]) -> list[Any]:
    t = s["turns"]
    items: list[Any] = [table("Turn latency (ms)", ["turns", "p50", "p95", "p99", "mean", "max"],
                              [[str(t["n"]), num(t["p50"], 1), num(t["p95"], 1), num(t["p99"], 1), num(t["mean"], 1),
                                num(t["max"], 1)]]),
                        Histogram("Turn latency", s["histogram"]["edges"], s["histogram"]["counts"], "ms")]
    if s["responders"] is None:
        items.append(NotLogged("Per-responder latency", "no responder runs in the log"))
    else:
        items.append(table("Responder latency (ms), both phases", ["responder", "runs", "p50", "p95", "p99", "timeouts", "errors"], [
            [r["responder"], str(r["runs"]), num(r["p50"], 1), num(r["p95"], 1), num(r["p99"], 1),
             f"{r['timeouts']} ({r['timeout_rate']:.1%})", f"{r['errors']} ({r['error_rate']:.1%})"]
            for r in s["responders"]]))
        items.append(BarChart("Responder p95 latency", [r["responder"] for r in s["responders"]],
                              [r["p95"] for r in s["responders"]], [None] * len(s["responders"]), "ms"))
    return items


def _power(s: dict[str, Any]) -> list[Any]:
    powers = s["powers"]
    items: list[Any] = [
        f"Conversations needed per arm to detect each effect ({s['test']}, alpha {s['alpha']}); no test runs below "
        f"{s['min_n']} conversations per arm.",
        table("Power table", ["effect", "size", *[f"n per arm at {p:.0%} power" for p in powers]], [
            [r["effect"], f"{r['a']} vs {r['b']}" if r["kind"] == "proportion" else f"d = {r['d']}",
             *[str(r[f"n_per_arm_power_{p:g}"]) for p in powers]] for r in s["rows"]]),
    ]
    for experiment, arms in s["log_conversations_per_arm"].items():
        items.append(table(f"This log: conversations per arm ({experiment})", ["arm", "conversations"],
                           [[a, str(n)] for a, n in arms.items()]))
    return items


TITLES = {"conversations": "Conversations", "offense": "Offense strategies", "initiative": "Initiative",
          "dissatisfaction": "Dissatisfaction", "bot_errors": "Bot errors", "labels": "Human labels",
          "latency": "Latency", "power": "Power: how many conversations an A/B test needs"}
SECTION_RENDERERS = (("conversations", _conversations), ("offense", _offense), ("initiative", _initiative),
                     ("dissatisfaction", _dissatisfaction), ("bot_errors", _bot_errors), ("labels", _labels),
                     ("latency", _latency), ("power", _power))
