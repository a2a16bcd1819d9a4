"""The ConvAbuse measurement script's label rule, on a tiny hand-written CSV (never the real data)."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("offense_convabuse", ROOT / "bench" / "offense_convabuse.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    fields = ["user"] + [f"Annotator{a}_{k}" for a in (1, 2, 3) for k in
                         ("is_abuse.1", "is_abuse.0", "is_abuse.-1", "is_abuse.-2", "is_abuse.-3", "intellectual")]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def test_abusive_means_more_than_half_of_the_annotators_who_labelled(tmp_path: Path) -> None:
    _write(tmp_path / "train.csv", [
        # two of three say abusive (one strongly), and both tick "intellectual"
        {"user": "you are stupid", "Annotator1_is_abuse.-1": "1", "Annotator2_is_abuse.-3": "1",
         "Annotator3_is_abuse.1": "1", "Annotator1_intellectual": "1", "Annotator2_intellectual": "1"},
        # one of two who labelled (the third left it empty): not more than half
        {"user": "shit", "Annotator1_is_abuse.-1": "1", "Annotator2_is_abuse.0": "1"},
        {"user": "hello", "Annotator1_is_abuse.1": "1", "Annotator2_is_abuse.1": "1", "Annotator3_is_abuse.1": "1"},
    ])
    rows = _bench().load_split(tmp_path / "train.csv")
    assert [(r.text, r.abusive) for r in rows] == [("you are stupid", True), ("shit", False), ("hello", False)]
    assert rows[0].types == {"intellectual"}


def test_script_prints_figures_and_fails_cleanly_without_data(tmp_path: Path, capsys) -> None:
    bench = _bench()
    _write(tmp_path / "train.csv", [{"user": "you are stupid", "Annotator1_is_abuse.-2": "1"},
                                    {"user": "i like dogs", "Annotator1_is_abuse.1": "1"}])
    assert bench.main([str(tmp_path), "--splits", "train", "--benign", ""]) == 0
    out = capsys.readouterr().out
    assert "precision 1.000  recall 1.000" in out and "TP 1  FP 0  FN 0  TN 1" in out
    assert bench.main([str(tmp_path / "missing")]) == 2
