"""The report as one self-contained HTML file: tables plus inline SVG charts, no scripts, no network.

Everything (styles, charts) is inside the file, so it opens from an e-mail attachment or an
air-gapped machine exactly as it does here. The page layout is ``report.html`` next to this file.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from eval.views import BarChart, Histogram, NotLogged, TableBlock, Text, sections

TEMPLATE = Path(__file__).parent / "report.html"
WIDTH, HEIGHT, MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 420, 250, 56, 60, 14
CHAR_WIDTH = 6.2  # px of an 11px label character, to wrap arm names under their bar
BAR_COLOUR, ERROR_COLOUR = "#4c78a8", "#1d2330"


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


def bar_chart(chart: BarChart) -> str:
    """Vertical bars with ± one standard error whiskers; missing values leave a gap."""
    tops = [(v or 0.0) + (e or 0.0) for v, e in zip(chart.values, chart.errors)]
    return _bars(chart.labels, [v or 0.0 for v in chart.values], chart.errors, max(tops, default=0.0), chart.y_label,
                 gap=0.25, present=[v is not None for v in chart.values], wrap=True)


def histogram(chart: Histogram) -> str:
    labels = [f"{chart.edges[i]:.0f}" for i in range(len(chart.counts))]
    return _bars(labels, [float(c) for c in chart.counts], [None] * len(chart.counts), float(max(chart.counts, default=0)),
                 f"turns (x: {chart.x_label}, bin start)", gap=0.05, present=[True] * len(chart.counts), wrap=False)


def _bars(labels: list[str], values: list[float], errors: list[float | None], top: float, y_label: str, *,
          gap: float, present: list[bool], wrap: bool) -> str:
    top = nice_ceiling(top)
    plot_w, plot_h = WIDTH - MARGIN_LEFT - 10, HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    n = max(1, len(values))
    slot = plot_w / n
    def y(v: float) -> float:
        return MARGIN_TOP + plot_h * (1 - v / top)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">']
    for i in range(5):  # gridlines and y ticks
        v = top * i / 4
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - 10}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e3e6ee"/>'
                     f'<text x="{MARGIN_LEFT - 4}" y="{y(v) + 4:.1f}" text-anchor="end">{_tick(v)}</text>')
    parts.append(f'<text x="12" y="{MARGIN_TOP + plot_h / 2:.0f}" transform="rotate(-90 12 {MARGIN_TOP + plot_h / 2:.0f})" '
                 f'text-anchor="middle">{escape(y_label)}</text>')
    every = max(1, len(labels) // 12)  # thin out crowded x labels
    for i, (label, value, error) in enumerate(zip(labels, values, errors)):
        x0 = MARGIN_LEFT + i * slot + slot * gap / 2
        width = slot * (1 - gap)
        if present[i]:
            parts.append(f'<rect class="bar" x="{x0:.1f}" y="{y(value):.1f}" width="{width:.1f}" '
                         f'height="{max(0.0, plot_h - (y(value) - MARGIN_TOP)):.1f}" fill="{BAR_COLOUR}">'
                         f'<title>{escape(label)}: {value:.4g}{"" if error is None else f" ± {error:.3g}"}</title></rect>')
        if present[i] and error:
            cx = x0 + width / 2
            lo, hi = y(max(0.0, value - error)), y(value + error)
            parts.append(f'<path class="error-bar" d="M{cx:.1f} {lo:.1f}V{hi:.1f}M{cx - 5:.1f} {lo:.1f}h10M{cx - 5:.1f} {hi:.1f}h10" '
                         f'stroke="{ERROR_COLOUR}" fill="none"/>')
        if wrap:  # category names: horizontal, wrapped at "_" and spaces to the bar's width
            lines = _wrap(label, max(4, int(slot / CHAR_WIDTH)))
            tspans = "".join(f'<tspan x="{x0 + width / 2:.1f}" dy="{0 if j == 0 else 12}">{escape(line)}</tspan>'
                             for j, line in enumerate(lines))
            parts.append(f'<text y="{HEIGHT - MARGIN_BOTTOM + 14}" text-anchor="middle">{tspans}<title>{escape(label)}'
                         f'</title></text>')
        elif i % every == 0:  # numbers (histogram bins): slanted, thinned out when crowded
            lx, ly = x0 + width / 2, HEIGHT - MARGIN_BOTTOM + 12
            parts.append(f'<text x="{lx:.1f}" y="{ly}" text-anchor="end" transform="rotate(-30 {lx:.1f} {ly})">'
                         f'{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _wrap(label: str, width: int, max_lines: int = 3) -> list[str]:
    """Greedy word wrap of a label; "avoidance_name_redirect" breaks at its underscores."""
    lines: list[str] = []
    for word in label.replace("_", "_ ").split():
        if lines and len(lines[-1]) + len(word) <= width:
            lines[-1] += word
        else:
            lines.append(word)
    lines = [line if len(line) <= width else line[: width - 1] + "…" for line in lines]
    return lines[: max_lines - 1] + ["".join(lines[max_lines - 1:])[: width]] if len(lines) > max_lines else lines


def nice_ceiling(value: float) -> float:
    """The axis top: the next of 1, 2, 2.5, 5 x 10^k at or above the value, so ticks read as round numbers."""
    if value <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(value))
    return next(step * scale for step in (1, 2, 2.5, 5, 10) if step * scale >= value - 1e-12)


def _tick(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.3g}"
