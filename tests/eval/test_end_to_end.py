"""The loop a team runs: replay recorded conversations through the shipped bot, then evaluate the log.

Everything here is the real thing: the built-in configuration (every responder, annotator, filter
and shaper on), the CLI as a user types it, and eval's figures checked against the log itself."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli

RECORDED = Path(__file__).parents[1] / "scripted" / "fixtures" / "mini_topical.json"


def test_replay_then_eval_on_the_shipped_bot(tmp_path):
    db, report, html = tmp_path / "log.db", tmp_path / "report.json", tmp_path / "report.html"
    replayed = CliRunner().invoke(cli, ["replay", str(RECORDED), "--db", str(db), "--no-progress"])
    assert replayed.exit_code == 0, replayed.output
    evaluated = CliRunner().invoke(cli, ["eval", "--db", str(db), "--json", str(report), "--html", str(html),
                                         "--no-progress"])
    assert evaluated.exit_code == 0, evaluated.output
    figures = json.loads(report.read_text())

    recorded = json.loads(RECORDED.read_text())
    user_turns = {cid: sum(1 for t in conv["content"] if t["agent"] == "agent_1") for cid, conv in recorded.items()}
    with sqlite3.connect(db) as conn:
        logged = conn.execute("select count(*), count(user_text) from turns").fetchone()
        ran = {r[0] for r in conn.execute("select distinct responder from responder_runs")}
        ended_by_bot = conn.execute("select count(*) from conversations where end_reason != 'replay_input_exhausted'"
                                    ).fetchone()[0]
    conversations = figures["conversations"]
    assert conversations["count"] == len(recorded) and conversations["turns"] == logged[0]
    # A conversation the bot closed early has fewer user turns than were recorded, never more.
    assert logged[1] <= sum(user_turns.values()) and (ended_by_bot or logged[1] == sum(user_turns.values()))
    assert sum(e["count"] for e in conversations["endings"]) == len(recorded)
    # Every responder that ran has latency figures; the shipped bot ran its topics and the offense handler.
    latency = {row["responder"] for row in figures["latency"]["responders"]}
    assert latency == ran and {"offense", "movies", "music", "reaction", "fallback"} <= latency
    # The offense annotator and the initiative shaper are on in the shipped config, so eval reads them.
    assert figures["offense"]["status"] == "ok" and figures["initiative"]["status"] == "ok"
    assert figures["dissatisfaction"]["bot_turns"] == logged[1]  # each user turn answers one bot turn
    assert html.read_text().startswith("<!DOCTYPE html>") and "<svg" in html.read_text()
