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
    """Bars with ± error bars (one per arm/responder): rendered only in HTML."""

    title: str
    labels: list[str]
    values: list[float | None]
    errors: list[float | None]
    y_label: str


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


def pm(value: Any, se: Any, digits: int = 2) -> str:
    return num(value, digits) if se is None else f"{num(value, digits)} ± {num(se, digits)}"


def pvalue(p: float | None) -> str:
    return "—" if p is None else ("<0.001" if p < 0.001 else f"{p:.3f}")


def table(title: str, columns: list[str], rows: list[list[str]]) -> TableBlock:
    return TableBlock(title, columns, rows)


def comparison_table(title: str, comparisons: list[dict[str, Any]]) -> TableBlock:
    block = table(title, ["a vs b", "test", "diff", "effect", "p", "p (Bonferroni)", ""], [
        [f"{c['a']} vs {c['b']}", c["test"], num(c["difference"], 3), f"{num(c['effect'], 3)} ({c['effect_name']})",
         pvalue(c["p"]), pvalue(c["p_adjusted"]), SIGNIFICANT if c["significant"] else ""]
        for c in comparisons
    ])
    block.marked = [bool(c["significant"]) for c in comparisons]
    return block


def sections(report: dict[str, Any]) -> list[tuple[str, str, list[Block]]]:
    """(key, title, blocks) for every section, in reading order."""
    result = []
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
        BarChart("Conversation length", [h["bucket"] for h in u["histogram"]],
                 [float(h["count"]) for h in u["histogram"]], [None] * len(u["histogram"]), "conversations"),
        table("How they ended", ["reason", "conversations", "share"],
              [[e["reason"], str(e["count"]), f"{e['share']:.1%}"] for e in s["endings"]]),
    ]
    ratings = s["ratings"]
    if ratings.get("status") != "ok":
        items.append(NotLogged("Ratings", str(ratings.get("reason"))))
        return items
    items.append(f"Ratings: {ratings['rated']} rated conversations, mean {pm(ratings['mean'], ratings['se'])}"
                 f" ({ratings['unmatched']} ratings matched no conversation)")
    for experiment, arms in ratings["by_arm"].items():
        items.append(table(f"Rating by arm: {experiment}", ["arm", "n", "rating"],
                           [[a["arm"], str(a["n"]), pm(a["mean"], a["se"])] for a in arms]))
        items.append(BarChart(f"Rating by arm: {experiment}", [a["arm"] for a in arms], [a["mean"] for a in arms],
                              [a["se"] for a in arms], "mean rating"))
    items.append(table("Rating by responder (conversations it spoke in)", ["responder", "n", "rating"],
                       [[r["responder"], str(r["n"]), pm(r["mean"], r["se"])] for r in ratings["by_responder"]]))
    return items


def _offense(s: dict[str, Any]) -> list[Any]:
    items: list[Any] = [
        f"{s['conversations_with_offense']} conversations with an offensive user turn",
        table("Offense strategies", ["arm", "conversations", "re-offense rate", "Next (turns)", "End (turns)"], [
            [r["arm"], str(r["conversations"]), pm(r["reoffense_rate"], r["reoffense_se"], 3),
             pm(r["next_mean"], r["next_se"]), pm(r["end_mean"], r["end_se"])] for r in s["arms"]]),
    ]
    arms = [r["arm"] for r in s["arms"]]
    for key, label in (("reoffense_rate", "Re-offense rate"), ("next_mean", "Next: turns to the next offense"),
                       ("end_mean", "End: turns to the end (no re-offense)")):
        se_key = "reoffense_se" if key == "reoffense_rate" else key.replace("_mean", "_se")
        items.append(BarChart(label, arms, [r[key] for r in s["arms"]], [r[se_key] for r in s["arms"]], label.split(":")[0]))
    for metric, label in (("reoffense_rate", "re-offense rate"), ("next", "Next"), ("end", "End")):
        if s["comparisons"][metric]:
            items.append(comparison_table(f"Pairwise: {label}", s["comparisons"][metric]))
    return items


def _initiative(s: dict[str, Any]) -> list[Any]:
    items: list[Any] = [f"Negative log-likelihood: {s['nll']}"]
    for experiment, e in s["experiments"].items():
        items.append(table(f"Initiative by arm: {experiment}",
                           ["arm", "conversations", "user turns", "tokens", "noun phrases", "NLL", "turns/conv"], [
            [r["arm"], str(r["conversations"]), str(r["user_turns"]), pm(r["tokens_mean"], r["tokens_se"]),
             pm(r["noun_phrases_mean"], r["noun_phrases_se"]), pm(r["nll_mean"], r["nll_se"]),
             pm(r["turns_mean"], r["turns_se"])] for r in e["arms"]]))
        for measure, label in (("tokens", "user tokens"), ("noun_phrases", "distinct noun phrases"), ("nll", "NLL")):
            if any(r[f"{measure}_mean"] is not None for r in e["arms"]):
                items.append(BarChart(f"{experiment}: {label}", [r["arm"] for r in e["arms"]],
                                      [r[f"{measure}_mean"] for r in e["arms"]], [r[f"{measure}_se"] for r in e["arms"]],
                                      label))
        for measure, comparisons in e["comparisons"].items():
            if comparisons:
                items.append(comparison_table(f"Pairwise ({experiment}): {measure}", comparisons))
    if s.get("by_previous_move"):
        items.append(table("User initiative by the bot's previous move", ["move", "user turns", "tokens", "noun phrases", "NLL"], [
            [m["move"], str(m["user_turns"]), num(m["tokens_mean"]), num(m["noun_phrases_mean"]), num(m["nll_mean"])]
            for m in s["by_previous_move"]["moves"]]))
    return items


def _dissatisfaction(s: dict[str, Any]) -> list[Any]:
    items: list[Any] = [
        f"{s['followed_by_dissatisfaction']} of {s['bot_turns']} bot turns were followed by a dissatisfied user turn",
        table("By responder", ["responder", "bot turns", "dissatisfied", "share"],
              [[r["responder"], str(r["bot_turns"]), str(r["dissatisfied"]), pm(r["share"], r["se"], 3)]
               for r in s["by_responder"]]),
        BarChart("Share of bot turns followed by dissatisfaction", [r["responder"] for r in s["by_responder"]],
                 [r["share"] for r in s["by_responder"]], [r["se"] for r in s["by_responder"]], "share"),
        table("By dissatisfaction type", ["type", "bot turns followed", "share"],
              [[r["type"], str(r["count"]), pm(r["share"], r["se"], 3)] for r in s["by_type"]]),
    ]
    deciles = s["neural_deciles"]
    if deciles.get("status") != "ok":
        items.append(NotLogged("Neural responder by predictor score", str(deciles.get("reason"))))
    else:
        items.append(table(f"Neural responder by predictor score decile ({deciles['score_key']})",
                           ["decile", "bot turns", "score range", "dissatisfied", "share"], [
            [str(d["decile"]), str(d["bot_turns"]), f"{d['score_min']:.3f} – {d['score_max']:.3f}",
             str(d["dissatisfied"]), pm(d["share"], d["se"], 3)] for d in deciles["deciles"]]))
        items.append(BarChart("Dissatisfaction by predictor score decile", [str(d["decile"]) for d in deciles["deciles"]],
                              [d["share"] for d in deciles["deciles"]], [d["se"] for d in deciles["deciles"]], "share"))
    return items


def _bot_errors(s: dict[str, Any]) -> list[Any]:
    rates = s["rates"]
    return [
        f"{s['parts']} bot utterance parts: exact repetition {num(rates['exact_repetition'], 3)}, "
        f"near repetition {num(rates['near_repetition'], 3)}, question already answered {num(rates['answered_question'], 3)}",
        table("Bot errors by responder", ["responder", "parts", "exact repetition", "near repetition", "already answered"], [
            [r["responder"], str(r["parts"]), f"{r['exact_repetition']} ({num(r['exact_repetition_rate'], 3)})",
             f"{r['near_repetition']} ({num(r['near_repetition_rate'], 3)})",
             f"{r['answered_question']} ({num(r['answered_question_rate'], 3)})"] for r in s["by_responder"]]),
    ]


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


TITLES = {"conversations": "Conversations", "offense": "Offense strategies", "initiative": "Initiative",
          "dissatisfaction": "Dissatisfaction", "bot_errors": "Bot errors", "latency": "Latency"}
SECTION_RENDERERS = (("conversations", _conversations), ("offense", _offense), ("initiative", _initiative),
                     ("dissatisfaction", _dissatisfaction), ("bot_errors", _bot_errors), ("latency", _latency))
