"""The eval / export / import commands: clear messages on bad logs, JSON, a self-contained HTML
report (checked structurally, and rendered in headless Chromium when it is installed), and a
lossless JSONL round trip."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from chirpy.store import SQLiteStore


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, [*args])


# -- logs that cannot be evaluated -------------------------------------------------------------------
def test_empty_log_says_so(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    SQLiteStore(db).close()
    result = invoke("eval", "--db", str(db), "--no-progress")
    assert result.exit_code == 2
    assert "has no logged turns yet" in result.output
    assert "Traceback" not in result.output


def test_older_schema_version_says_so(fixture_log: Path) -> None:
    with sqlite3.connect(fixture_log) as conn:
        conn.execute("update meta set value = '0' where key = 'schema_version'")
    result = invoke("eval", "--db", str(fixture_log), "--no-progress")
    assert result.exit_code == 2
    assert "written with log schema version 0; this chirpy reads 1-" in result.output
    assert "chirpy export" in result.output


def test_malformed_json_in_a_turn_is_a_clear_error(fixture_log: Path) -> None:
    with sqlite3.connect(fixture_log) as conn:
        conn.execute("update turns set annotations = '{broken' where conversation_id = 'c3' and turn_index = 1")
    result = invoke("eval", "--db", str(fixture_log), "--no-progress")
    assert result.exit_code == 2
    assert "cannot read" in result.output and "malformed JSON" in result.output


@pytest.mark.parametrize("setup, message", [
    ("missing", "log database not found"),
    ("foreign", "is not a chirpy log"),
    ("garbage", "is not an SQLite database"),
])
def test_unusable_paths_give_one_line(tmp_path: Path, setup: str, message: str) -> None:
    db = tmp_path / "x.db"
    if setup == "foreign":
        with sqlite3.connect(db) as conn:
            conn.execute("create table songs (title text)")
    elif setup == "garbage":
        db.write_bytes(b"this is not a database at all" * 100)
    result = invoke("eval", "--db", str(db), "--no-progress")
    assert result.exit_code == 2
    assert message in result.output
    assert not (setup == "missing" and db.exists())  # evaluating never creates a log


# -- outputs ---------------------------------------------------------------------------------------
def test_eval_prints_tables_and_writes_json(fixture_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = invoke("eval", "--db", str(fixture_log), "--json", str(out), "--no-progress")
    assert result.exit_code == 0, result.output
    for heading in ("Offense strategies", "Initiative", "Dissatisfaction", "Bot errors", "Latency", "Conversations"):
        assert heading in result.output
    assert "not logged" in result.output  # ratings and neural deciles
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["offense"]["arms"][0]["reoffended"] == 2
    assert data["latency"]["turns"]["p95"] == 247.5


def test_json_to_stdout_is_pure_json(fixture_log: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "--db", str(fixture_log), "--json", "-", "--no-progress"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["conversations"]["count"] == 6


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_report_is_self_contained_with_charts(fixture_log: Path, tmp_path: Path) -> None:
    html_file = tmp_path / "report.html"
    result = invoke("eval", "--db", str(fixture_log), "--html", str(html_file), "--no-progress")
    assert result.exit_code == 0, result.output
    text = html_file.read_text(encoding="utf-8")
    parser = _Structure()
    parser.feed(text)
    tags = parser.tags
    sections = {a.get("id") for t, a in tags if t == "section"}
    assert sections == {"conversations", "offense", "initiative", "dissatisfaction", "bot_errors", "labels", "latency",
                        "power"}
    assert sum(1 for t, _ in tags if t == "svg") >= 8  # per-arm bars, latency histogram, ...
    assert "no data" in text  # arm B never re-offends: its Next bar is missing data, not a zero
    # No network: no scripts, no external stylesheets, images or links.
    assert not any(t in ("script", "link", "img", "iframe") for t, _ in tags)
    assert not any(str(v).startswith(("http:", "https:", "//")) for t, a in tags if t != "svg" for v in a.values())
    assert "<td>0.667 [0.208, 0.939]</td>" in text  # the same figure the terminal shows (Wilson interval of 2/3)


CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                 if Path(p).exists()), None)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_html_report_renders_in_headless_chromium(fixture_log: Path, tmp_path: Path) -> None:
    html_file = tmp_path / "report.html"
    assert invoke("eval", "--db", str(fixture_log), "--html", str(html_file), "--no-progress").exit_code == 0
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", html_file.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    ).stdout
    assert "<svg" in dom and 'id="offense"' in dom and "Re-offense rate" in dom


# -- export / import -------------------------------------------------------------------------------
def test_export_import_round_trip_keeps_every_figure(fixture_log: Path, tmp_path: Path) -> None:
    from chirpy.store import Label, open_log

    with open_log(fixture_log) as store:  # people's labels travel too
        store.add_label(Label("c2", 3, "dissatisfaction", "clarification", "ana"))
        store.add_label(Label("c2", -1, "reviewed", "complete", "ana"))
    out, copy = tmp_path / "log.jsonl", tmp_path / "copy.db"
    result = invoke("export", "--db", str(fixture_log), "--jsonl", str(out), "--no-progress")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert lines[0]["turns"][1]["annotations"]["offense"]["is_offensive"] is True  # decoded, not a string
    assert lines[4]["turns"][1]["candidates"][1]["text"] == "Do you have any pets at home?"
    assert [(lb["turn_index"], lb["value"]) for lb in lines[1]["labels"]] == [(-1, "complete"), (3, "clarification")]
    assert invoke("import", str(out), "--db", str(copy), "--no-progress").exit_code == 0
    again = invoke("import", str(out), "--db", str(copy), "--no-progress")
    assert "6 already there, skipped" in again.output

    from eval.log import load_log
    from eval.report import evaluate

    original, restored = evaluate(load_log(fixture_log)), evaluate(load_log(copy))
    original.pop("log"), restored.pop("log")
    assert restored == original


def test_import_rejects_foreign_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "turns": []}\n', encoding="utf-8")
    result = invoke("import", str(bad), "--db", str(tmp_path / "new.db"), "--no-progress")
    assert result.exit_code == 2
    assert "bad.jsonl:1: not a chirpy log export line" in result.output


def test_replayed_log_evaluates(make_bot, tmp_path: Path) -> None:
    from chirpy.replay import RecordedConversation, replay
    from eval.log import load_log
    from eval.report import evaluate

    bot = make_bot()
    replay(bot, [RecordedConversation("r1", ["hi there", "I like rivers a lot", "bye"])])
    report = evaluate(load_log(tmp_path / "log.db"))
    assert report["conversations"]["count"] == 1
    assert report["conversations"]["endings"][0]["reason"] == "user_goodbye"
    assert report["latency"]["turns"]["n"] == 4


