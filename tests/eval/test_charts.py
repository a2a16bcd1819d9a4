"""The HTML report's charts: readable with many responders, whole names, zero and missing told apart."""

from __future__ import annotations

import re

from eval.html_report import bar_chart
from eval.stats import arm_key
from eval.views import BarChart


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def test_many_responders_get_horizontal_bars_with_their_whole_names() -> None:
    names = [f"responder_with_a_long_name_{i:02d}" for i in range(24)] + ["avoidance_name_redirect"]
    values = [0.01 * i for i in range(25)]
    svg = bar_chart(BarChart("Share", names, values, [[v * 0.5, v * 1.5] for v in values], "share"))
    texts = _texts(svg)
    for name in names:
        assert name in texts  # written whole: no "responder_with_a_lo…"
    height = float(re.search(r'height="([\d.]+)pt"', svg).group(1))
    assert height / len(names) >= 14  # a row per responder, each taller than its 9 pt label: nothing overlaps


def test_a_zero_is_drawn_as_zero_and_missing_data_says_so() -> None:
    svg = bar_chart(BarChart("Re-offense", ["A", "B", "C"], [0.5, 0.0, None], [[0.3, 0.7], [0.0, 0.43], None], "rate"))
    texts = _texts(svg)
    assert "0" in texts and "0.5" in texts  # each bar says its value, so 0 reads as a measured zero
    assert "no data" in texts and texts.count("no data") == 1  # C has no value: not a zero bar


def test_numeric_arms_sort_by_value() -> None:
    assert sorted(["100", "33", "0", "66", "control"], key=arm_key) == ["0", "33", "66", "100", "control"]
