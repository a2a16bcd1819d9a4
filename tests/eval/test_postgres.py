"""Every reader of the log works on PostgreSQL: eval, export, import and training give the same answers
there as on SQLite; and export refuses garbled JSON instead of passing it on."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from eval.log import load_log
from eval.report import evaluate


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, [*args])


def _figures(location: str | Path) -> dict:
    report = evaluate(load_log(location))
    report.pop("log")
    return report


def test_eval_export_import_and_train_on_postgresql(fixture_log: Path, postgres_url: str, tmp_path: Path) -> None:
    exported = tmp_path / "from_sqlite.jsonl"
    assert invoke("export", "--db", str(fixture_log), "--jsonl", str(exported), "--no-progress").exit_code == 0
    result = invoke("import", str(exported), "--db", postgres_url, "--no-progress")
    assert result.exit_code == 0, result.output
    assert "imported 6 conversations" in result.output

    # The same conversations give the same figures: the PostgreSQL reader extracts the same fields.
    assert _figures(postgres_url) == _figures(fixture_log)
    result = invoke("eval", "--db", postgres_url, "--json", "-", "--no-progress")
    assert result.exit_code == 0, result.output
    report = json.JSONDecoder().raw_decode(result.output[result.output.index("{"):])[0]  # stderr follows
    assert report["offense"]["status"] == "ok" and report["log"].endswith(postgres_url.split("?")[1])

    # Exported back from PostgreSQL, every line carries the same content.
    again = tmp_path / "from_postgres.jsonl"
    assert invoke("export", "--db", postgres_url, "--jsonl", str(again), "--no-progress").exit_code == 0
    read = lambda path: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]  # noqa: E731
    assert read(again) == read(exported)

    # Training reads the same examples (context, bot line, next user line, logged likelihood).
    from classifiers.dissatisfaction.logdata import read_examples

    examples = read_examples(postgres_url)
    assert len(examples) == 20 and examples == read_examples(fixture_log)


def test_export_refuses_garbled_json_naming_the_row(fixture_log: Path, tmp_path: Path) -> None:
    with sqlite3.connect(fixture_log) as conn:  # written by some other tool
        conn.execute("update turns set details = '{\"response_meta\": {' where conversation_id = 'c3' and turn_index = 2")
    out = tmp_path / "log.jsonl"
    result = invoke("export", "--db", str(fixture_log), "--jsonl", str(out), "--no-progress")
    assert result.exit_code == 2
    assert "turn 2 of conversation c3" in result.output and "turns.details is not valid JSON" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not Path(f"{out}.partial").exists()  # no half export to import by mistake


def test_train_checks_the_schema_version(fixture_log: Path) -> None:
    with sqlite3.connect(fixture_log) as conn:
        conn.execute("update meta set value = '0' where key = 'schema_version'")
    result = invoke("train", "dissatisfaction", "--db", str(fixture_log), "--dry-run")
    assert result.exit_code == 2
    assert "schema version 0" in result.output and "Traceback" not in result.output


def test_replay_into_postgresql_then_evaluate(postgres_url: str, tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('[bot]\nspacy_model = "blank"\n[responders]\norder = ["launch", "closing", "simple_topic", "fallback"]\n')
    talks = tmp_path / "talks.txt"
    talks.write_text("hello\nI like cats\n\nhi\nbye\n")
    result = invoke("replay", str(talks), "--db", postgres_url, "--config", str(config), "--no-progress")
    assert result.exit_code == 0, result.output
    assert "into postgresql://" in result.output
    figures = _figures(postgres_url)
    assert figures["conversations"]["count"] == 2 and figures["conversations"]["turns"] == 6
