"""Replay: recorded utterances in three formats drive the bot, one logged conversation each."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from chirpy.replay import END_REASON_EXHAUSTED, RecordedConversation, ReplayInputError, read_conversations, replay

TOPICAL = {
    "t_one": {"content": [
        {"message": "Do you like football?", "agent": "agent_1"},
        {"message": "Yes I do.", "agent": "agent_2"},
        {"message": "Who is your team?", "agent": "agent_1"},
    ]},
    "t_two": {"content": [
        {"message": "I read a book today.", "agent": "agent_1"},
        {"message": "Which one?", "agent": "agent_2"},
    ]},
}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# -- readers ---------------------------------------------------------------------------------------
def test_topical_chat_either_side(tmp_path: Path) -> None:
    path = write(tmp_path / "tc.json", json.dumps(TOPICAL))
    one = read_conversations(path, side="agent_1")
    assert [(c.id, c.utterances) for c in one] == [
        ("t_one", ["Do you like football?", "Who is your team?"]), ("t_two", ["I read a book today."])]
    two = read_conversations(path, side="agent_2")
    assert [(c.id, c.utterances) for c in two] == [("t_one", ["Yes I do."]), ("t_two", ["Which one?"])]


def test_plain_text_blank_line_separates_conversations(tmp_path: Path) -> None:
    path = write(tmp_path / "talks.txt", "hello there\nI like cats\n\n\nbye\n")
    got = read_conversations(path)
    assert [(c.id, c.utterances) for c in got] == [("talks-1", ["hello there", "I like cats"]), ("talks-2", ["bye"])]


def test_jsonl_accepts_utterances_lists_and_export_lines(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "utterances": ["hi", "what's up"]},
        ["just", "strings"],
        {"id": "exported", "turns": [{"user_text": None, "bot_text": "Hi!"}, {"user_text": "hello"}]},
    ]
    path = write(tmp_path / "in.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    got = read_conversations(path)
    assert [(c.id, c.utterances) for c in got] == [
        ("a", ["hi", "what's up"]), ("in-2", ["just", "strings"]), ("exported", ["hello"])]


def test_format_is_sniffed_without_an_extension(tmp_path: Path) -> None:
    assert read_conversations(write(tmp_path / "x", '{"utterances": ["hi"]}\n'))[0].utterances == ["hi"]
    assert read_conversations(write(tmp_path / "y", json.dumps(TOPICAL, indent=2)))[0].id == "t_one"
    assert read_conversations(write(tmp_path / "z", "hi\n"))[0].utterances == ["hi"]


@pytest.mark.parametrize("name, content, message", [
    ("missing.txt", None, "not found"),
    ("bad.json", "{not json", "not valid JSON"),
    ("shape.json", '{"c1": {"turns": []}}', "no 'content' list"),
    ("bad.jsonl", '{"id": 1, "utterances": ["ok"]}\n{oops\n', "bad.jsonl:2: not valid JSON"),
    ("odd.jsonl", '{"id": "x", "text": "hi"}\n', "odd.jsonl:1: expected"),
    ("empty.txt", "\n\n", "no conversations"),
])
def test_bad_input_gives_one_clear_error(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        write(path, content)
    with pytest.raises(ReplayInputError, match=message):
        read_conversations(path)


# -- driving the bot -------------------------------------------------------------------------------
def test_each_recording_becomes_one_logged_conversation(make_bot, tmp_path: Path) -> None:
    bot = make_bot()
    seen = []
    recordings = [RecordedConversation("c1", ["hi", "I like rivers", "tell me more"]),
                  RecordedConversation("c2", ["hello"])]
    summary = replay(bot, recordings, on_turn=seen.append)
    assert (summary.conversations, summary.turns, summary.ended_by_bot) == (2, 4, 0)
    assert len(seen) == 6  # two launch turns + four user turns
    db = tmp_path / "log.db"
    assert rows(db, "select conversation_id, turn_index, user_text from turns order by conversation_id, turn_index") == [
        ("c1", 0, None), ("c1", 1, "hi"), ("c1", 2, "I like rivers"), ("c1", 3, "tell me more"),
        ("c2", 0, None), ("c2", 1, "hello")]
    assert rows(db, "select id, end_reason from conversations order by id") == [
        ("c1", END_REASON_EXHAUSTED), ("c2", END_REASON_EXHAUSTED)]


def test_replay_stops_when_the_bot_ends_the_conversation(make_bot, tmp_path: Path) -> None:
    summary = replay(make_bot(), [RecordedConversation("c", ["hi", "bye", "are you still there"])])
    assert (summary.turns, summary.ended_by_bot) == (2, 1)
    assert rows(tmp_path / "log.db", "select end_reason from conversations") == [("user_goodbye",)]


def test_replaying_twice_keeps_both_runs_and_limit_applies(make_bot, tmp_path: Path) -> None:
    bot = make_bot()
    recordings = [RecordedConversation("c", ["hi"]), RecordedConversation("d", ["yo"])]
    replay(bot, recordings, limit=1)
    second = replay(bot, recordings, limit=1)
    assert second.conversation_ids == ["c~2"]
    assert rows(tmp_path / "log.db", "select id from conversations order by id") == [("c",), ("c~2",)]


def test_cli_replays_into_the_log_with_forced_arms(tmp_path: Path) -> None:
    config = write(tmp_path / "bot.toml", """
[bot]
spacy_model = "blank"
[experiments.style]
arms = ["plain", "fancy"]
""")
    talks = write(tmp_path / "talks.txt", "hello\nI like cats\n\nhi\n")
    db = tmp_path / "out.db"
    result = CliRunner().invoke(cli, ["replay", str(talks), "--db", str(db), "--config", str(config),
                                      "--arm", "style=fancy", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "replayed 2 conversations, 3 user turns" in result.output
    assert {json.loads(r[0])["style"] for r in rows(db, "select arms from turns")} == {"fancy"}


def test_cli_bad_input_is_one_line_and_nonzero_exit(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["replay", str(tmp_path / "nope.json"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: input file not found")
    assert "Traceback" not in result.output
