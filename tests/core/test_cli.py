"""`chirpy chat` as a person uses it: commands, clean exits, one-line errors."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from cli.main import cli


def run_chat(tmp_path, keystrokes: str, *extra: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = tmp_path / "chat.db"
    result = CliRunner().invoke(cli, ["chat", "--db", str(db), "--seed", "3", *extra], input=keystrokes)
    return result, db


def ended_reasons(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("select end_reason from conversations order by created_at")]


def test_chat_debug_reset_and_quit(tmp_path):
    result, db = run_chat(tmp_path, "my name is robin\n/debug\n/reset\nhello\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "Robin" in result.output
    assert "responder" in result.output and "launch" in result.output  # the /debug table
    assert "new conversation" in result.output
    assert ended_reasons(db) == ["reset", "user_quit"]


def test_ctrl_d_saves_and_exits_cleanly(tmp_path):
    result, db = run_chat(tmp_path, "hello there\n")  # input ends: the terminal sends EOF (Ctrl-D)
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert ended_reasons(db) == ["user_quit"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from turns").fetchone()[0] == 2


def test_goodbye_ends_the_conversation_not_the_program(tmp_path):
    result, db = run_chat(tmp_path, "bye\nmy name is kim\n/quit\n")
    assert result.exit_code == 0, result.output
    assert ended_reasons(db) == ["user_goodbye", "user_quit"]  # "bye" closed one; a new one went on
    assert "Kim" in result.output.split("here is a new one")[1]


def transcript(db) -> list[tuple[str | None, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select user_text, bot_text from turns order by created_at, turn_index").fetchall()


def test_the_same_seed_replays_the_same_chat(tmp_path):
    words = "hi im dana\nnot really im pretty tired today\ni watched a movie last night\nwhat about you\n/reset\nhello\n"
    first, db1 = run_chat(tmp_path / "a", words)
    second, db2 = run_chat(tmp_path / "b", words)
    assert first.exit_code == second.exit_code == 0
    assert transcript(db1) == transcript(db2) and len(transcript(db1)) == 7
    with sqlite3.connect(db1) as one, sqlite3.connect(db2) as two:
        ids = [r[0] for r in one.execute("select id from conversations")] + \
              [r[0] for r in two.execute("select id from conversations")]
    assert len(set(ids)) == 4  # ids stay unique: the seed, not the id, drives the conversation
    # Another seed takes another path somewhere (arms, topic order, phrasings).
    other = CliRunner().invoke(cli, ["chat", "--db", str(tmp_path / "c.db"), "--seed", "4"], input=words)
    assert other.exit_code == 0 and transcript(tmp_path / "c.db") != transcript(db1)


def test_corrupt_database_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database, just text " * 50)
    result = CliRunner().invoke(cli, ["chat", "--db", str(bad)], input="")
    assert result.exit_code == 2
    assert result.output.strip().startswith("error:") and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_unwritable_database_path_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["chat", "--db", str(blocker / "sub" / "log.db")], input="")
    assert result.exit_code == 2 and result.output.startswith("error:")


def test_bad_config_and_bad_arm_are_one_line(tmp_path):
    config = tmp_path / "bot.toml"
    config.write_text("[bot\nseed = 1")
    result = CliRunner().invoke(cli, ["chat", "--config", str(config)], input="")
    assert result.exit_code == 2 and "not valid TOML" in result.output
    result = CliRunner().invoke(cli, ["chat", "--db", str(tmp_path / "x.db"), "--arm", "nosuch=arm"], input="")
    assert result.exit_code == 2 and "unknown experiment" in result.output
    config.write_text('[responders]\norder = ["launch", "no_such_responder"]\n')
    result = CliRunner().invoke(cli, ["chat", "--config", str(config), "--db", str(tmp_path / "y.db")], input="")
    assert result.exit_code == 2 and "unknown responder 'no_such_responder'" in result.output


def test_ctrl_c_during_a_turn_ends_the_conversation_cleanly(tmp_path, monkeypatch):
    from chirpy.bot import Bot

    real_turn = Bot._turn

    def interrupted(self, state, user_text, **kwargs):
        if user_text == "this turn gets ctrl-c":
            raise KeyboardInterrupt  # what Python raises in the main thread when the user presses Ctrl-C
        return real_turn(self, state, user_text, **kwargs)

    monkeypatch.setattr(Bot, "_turn", interrupted)
    result, db = run_chat(tmp_path, "hello there\nthis turn gets ctrl-c\nnever read\n")
    assert result.exit_code == 0, result.output
    assert "Aborted" not in result.output and "Conversation saved" in result.output
    assert ended_reasons(db) == ["user_quit"]
    with sqlite3.connect(db) as conn:  # the interrupted turn left nothing half-written
        assert [r[0] for r in conn.execute("select user_text from turns order by id")] == [None, "hello there"]


def test_debug_shows_what_the_user_told_the_bot(tmp_path):
    result, _ = run_chat(tmp_path, "i'm robin\num i'm not really into sports but i have a dog\n/debug\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "heard:" in result.output and "declined sports (sports)" in result.output
    assert "knows:" in result.output and "pet dog" in result.output
