"""The ConvAbuse label rule and the measurement script, on tiny hand-written CSVs (never the real data)."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

from classifiers.offense import OffenseDataError
from classifiers.offense.dataset import read_convabuse_csv

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("offense_convabuse", ROOT / "bench" / "offense_convabuse.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    fields = ["conv_id", "agent", "user"] + [
        f"Annotator{a}_{k}" for a in (1, 2, 3)
        for k in ("is_abuse.1", "is_abuse.0", "is_abuse.-1", "is_abuse.-2", "is_abuse.-3", "intellectual", "sexist")]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def test_abusive_means_more_than_half_of_the_annotators_who_labelled(tmp_path: Path) -> None:
    path = _write(tmp_path / "train.csv", [
        # two of three say abusive (one strongly), and both tick "intellectual"
        {"user": "you are stupid", "agent": "Tell me more.", "Annotator1_is_abuse.-1": "1",
         "Annotator2_is_abuse.-3": "1", "Annotator3_is_abuse.1": "1", "Annotator1_intellectual": "1",
         "Annotator2_intellectual": "1"},
        # one of two who labelled (the third left it empty): not more than half
        {"user": "shit", "Annotator1_is_abuse.-1": "1", "Annotator2_is_abuse.0": "1"},
        {"user": "hello", "Annotator1_is_abuse.1": "1", "Annotator2_is_abuse.1": "1", "Annotator3_is_abuse.1": "1"},
        # labelled twice by annotator 1 ("1, 0" = abusive first, then not): the first label counts
        {"user": "bitch", "Annotator1_is_abuse.-2": "1, 0", "Annotator1_is_abuse.1": "0, 1",
         "Annotator1_sexist": "1, 1"},
    ])
    rows = read_convabuse_csv(path)
    assert [(r.text, r.abusive) for r in rows] == [("you are stupid", True), ("shit", False), ("hello", False),
                                                   ("bitch", True)]
    assert rows[0].source_types == {"intellectual"} and rows[0].types == {"criticism"}
    assert rows[0].context == "Tell me more."
    assert rows[3].types == {"curse"}  # ConvAbuse's "sexist" is nearly always a gendered slur at the bot


def test_a_csv_in_another_layout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("text,label\nhi,0\n")
    with pytest.raises(OffenseDataError, match="other.csv: not in the ConvAbuse layout"):
        read_convabuse_csv(path)


def test_script_prints_figures_on_any_csv_and_fails_cleanly_without_data(tmp_path: Path, capsys) -> None:
    bench = _bench()
    _write(tmp_path / "train.csv", [{"user": "you are stupid", "Annotator1_is_abuse.-2": "1"},
                                    {"user": "i like dogs", "Annotator1_is_abuse.1": "1"}])
    assert bench.main([str(tmp_path), "--splits", "train", "--benign", ""]) == 0
    out = capsys.readouterr().out
    assert "cross-validation" in out and "skipped" in out  # two rows cannot be cross-validated
    assert "shipped model  precision 1.000  recall 1.000" in out and "TP 1  FP 0  FN 0  TN 1" in out
    assert "p50" in out and "p95" in out
    held_out = _write(tmp_path / "held_out.csv", [{"user": "fuck you", "Annotator2_is_abuse.-3": "1"}])
    assert bench.main([str(tmp_path), "--splits", "train", "--csv", str(held_out), "--benign", "", "--no-cv"]) == 0
    assert "held_out.csv: 1 rows, 1 abusive" in capsys.readouterr().out
    assert bench.main([str(tmp_path / "missing")]) == 2


def test_encoder_script_says_in_one_line_what_is_missing(tmp_path: Path, capsys) -> None:
    spec = importlib.util.spec_from_file_location("offense_encoder_finetune",
                                                  ROOT / "bench" / "offense_encoder_finetune.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    assert bench.main(["--model", str(tmp_path / "no-encoder"), "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: not found: {tmp_path / 'no-encoder'}"
    (tmp_path / "enc").mkdir()
    assert bench.main(["--model", str(tmp_path / "enc"), "--data", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err.strip() == f"error: not found: {tmp_path / 'none' / 'train.csv'}"
