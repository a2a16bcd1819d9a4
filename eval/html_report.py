"""The report as one self-contained HTML file: tables plus inline SVG charts (drawn by matplotlib, imported
only here), no scripts, no network.

Everything (styles, charts) is inside the file, so it opens from an e-mail attachment or an
air-gapped machine exactly as it does here. The page layout is ``report.html`` next to this file.
"""

from __future__ import annotations

import io
import re
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from eval.views import BarChart, Histogram, NotLogged, TableBlock, Text, sections

TEMPLATE = Path(__file__).parent / "report.html"
METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
WIDTH_IN, ROW_IN = 6.0, 0.26  # figure width; height per bar, so 20+ responders stay readable
BAR_COLOUR, ERROR_COLOUR, MISSING_COLOUR = "#4c78a8", "#1d2330", "#8a6100"


def render_html(report: dict[str, Any]) -> str:
    body, nav = [], []
    for key, title, blocks in sections(report):
        nav.append(f'<a href="#{key}">{escape(title)}</a>')
        body.append(f'<section id="{key}"><h2>{escape(title)}</h2>')
        charts = []
        for block in blocks:
            if isinstance(block, (BarChart, Histogram)):
                charts.append(_figure(block))
                continue
            if charts:
                body.append(f'<div class="charts">{"".join(charts)}</div>')
                charts = []
            body.append(_block(block))
        if charts:
            body.append(f'<div class="charts">{"".join(charts)}</div>')
        body.append("</section>")
    conversations = report["conversations"]
    subtitle = f"{conversations['count']} conversations, {conversations['turns']} turns"
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=escape(f"chirpy evaluation — {Path(report['log']).name}"),
        subtitle=escape(f"{report['log']}: {subtitle}"), nav="".join(nav), body="\n".join(body),
    )


def _block(block: Any) -> str:
    if isinstance(block, Text):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, NotLogged):
        return f'<p><span class="not-logged">{escape(block.what)}: not logged</span> {escape(block.reason)}</p>'
    if isinstance(block, TableBlock):
        head = "".join(f"<th>{escape(c)}</th>" for c in block.columns)
        rows = []
        for i, row in enumerate(block.rows):
            marked = i < len(block.marked) and block.marked[i]
            cells = "".join(f"<td>{escape(cell)}</td>" for cell in row)
            rows.append(f'<tr class="significant">{cells}</tr>' if marked else f"<tr>{cells}</tr>")
        return f"<h3>{escape(block.title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    raise TypeError(f"unknown block {type(block).__name__}")


def _figure(block: BarChart | Histogram) -> str:
    svg = bar_chart(block) if isinstance(block, BarChart) else histogram(block)
    return f"<figure><figcaption>{escape(block.title)}</figcaption>{svg}</figure>"


def _pyplot() -> Any:
    """matplotlib, imported on first use (only the HTML report draws), writing text as SVG text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "chirpy", "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # inline: no XML declaration or DOCTYPE inside the HTML
    return METADATA.sub("", text)  # matplotlib's RDF block: creator and format URIs nobody reads


def bar_chart(chart: BarChart) -> str:
    """Horizontal bars, one row per label, top to bottom in the report's order, each with its value written
    beside it and its 95% interval as a whisker. Names are written whole (the figure grows to fit them);
    a zero is a labelled 0 at the axis, and missing data says "no data" instead of pretending to be 0."""
    plt = _pyplot()
    n = max(1, len(chart.labels))
    figure, axes = plt.subplots(figsize=(WIDTH_IN, 0.55 + ROW_IN * n))
    positions = list(range(n))
    present = [v is not None for v in chart.values]
    values = [v if v is not None else 0.0 for v in chart.values]
    axes.barh(positions, values, color=[BAR_COLOUR if p else "none" for p in present], height=0.65)
    top = max([v for v in values] + [hi for iv in chart.intervals if iv for hi in iv[1:]] + [0.0])
    for i, (value, interval, here) in enumerate(zip(values, chart.intervals, present)):
        if not here:
            axes.text(0, i, "  no data", va="center", ha="left", color=MISSING_COLOUR, style="italic")
            continue
        if interval:
            axes.plot(interval, [i, i], color=ERROR_COLOUR, linewidth=1)
            axes.plot([interval[0]] * 2, [i - 0.15, i + 0.15], color=ERROR_COLOUR, linewidth=1)
            axes.plot([interval[1]] * 2, [i - 0.15, i + 0.15], color=ERROR_COLOUR, linewidth=1)
        right = max(value, interval[1] if interval else value)
        axes.text(right + top * 0.01, i, f" {_value(value)}", va="center", ha="left", color=ERROR_COLOUR)
    axes.set_yticks(positions, chart.labels)
    axes.invert_yaxis()  # the first label on top, as in the tables
    axes.set_xlim(0, (top or 1.0) * 1.18)
    axes.set_xlabel(chart.value_label + (" (whiskers: 95% interval)" if any(chart.intervals) else ""))
    axes.grid(axis="x", color="#e3e6ee")
    axes.set_axisbelow(True)
    return _svg(figure)


def histogram(chart: Histogram) -> str:
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(WIDTH_IN, 2.6))
    if chart.counts:
        widths = [b - a for a, b in zip(chart.edges, chart.edges[1:])]
        axes.bar(chart.edges[:-1], chart.counts, width=widths, align="edge", color=BAR_COLOUR, edgecolor="white")
    else:
        axes.text(0.5, 0.5, "no data", transform=axes.transAxes, ha="center", color=MISSING_COLOUR, style="italic")
    axes.set_xlabel(f"{chart.x_label} (the last bin holds everything slower)")
    axes.set_ylabel("turns")
    return _svg(figure)


def _value(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.3g}"
