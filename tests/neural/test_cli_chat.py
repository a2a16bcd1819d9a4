"""``chirpy chat --neural-model``: the flag reaches the responder; a bad model is one line, not a crash."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli

ISOLATED = """
[pipeline]
annotators = []
filters = ["no_repeat"]
shapers = []
[responders]
order = ["launch", "neural", "simple_topic", "fallback"]
"""
OPENERS = Path(__file__).parents[2] / "responders" / "neural" / "content" / "openers.toml"


def _chat(tmp_path: Path, model: str) -> str:
    config = tmp_path / "bot.toml"
    config.write_text(ISOLATED)
    args = ["chat", "--config", str(config), "--db", str(tmp_path / "log.db"), "--neural-model", model]
    result = CliRunner().invoke(cli, args, input="my name is ann\n/quit\n")
    assert result.exit_code == 0, result.output
    return result.output


def test_chat_with_neural_model_offers_the_personal_opener(tmp_path, tiny_dir):
    output = " ".join(_chat(tmp_path, str(tiny_dir)).split())  # rich wraps long lines at the terminal width
    lines = tomllib.loads(OPENERS.read_text())["openers"][0]["lines"]
    assert any(" ".join(line.split()) in output for line in lines)


def test_chat_with_missing_model_says_so_once_and_runs(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    output = _chat(tmp_path, str(tmp_path / "no-model"))
    assert "Ann" in output  # the launch responder still greets and answers
    notices = [r.getMessage() for r in caplog.records if "neural responder off" in r.getMessage()]
    assert len(notices) == 1 and "not found" in notices[0]


def test_bad_generation_setting_is_a_config_error(tmp_path, tiny_dir, bot_config):
    import pytest

    from chirpy.bot import Bot
    from chirpy.errors import ConfigError

    with pytest.raises(ConfigError, match="top_p must be in"):
        Bot(bot_config(tmp_path, model=str(tiny_dir), top_p=1.5))
    with pytest.raises(ConfigError, match="unknown neural precision"):
        Bot(bot_config(tmp_path, model=str(tiny_dir), precision="fp4"))


def test_replay_takes_the_same_neural_model_option_as_chat(tmp_path, tiny_dir):
    config = tmp_path / "bot.toml"
    config.write_text(ISOLATED)
    script = tmp_path / "talk.txt"
    script.write_text("my name is ann\nit has been a long day\n")
    db = tmp_path / "replay.db"
    args = ["replay", str(script), "--config", str(config), "--db", str(db), "--neural-model", str(tiny_dir),
            "--no-progress"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    import sqlite3

    with sqlite3.connect(db) as conn:
        ran = {r[0] for r in conn.execute("select responder from responder_runs")}
    assert "neural" in ran  # the model loaded: the neural responder took part in the replayed turns
