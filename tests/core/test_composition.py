"""Composing a configuration without restating it, and the start-up checks on what parts declare."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from chirpy.config import Config, edit_list
from chirpy.errors import ConfigError
from cli.main import cli

NAMES = ["launch", "closing", "offense", "movies", "fallback"]


def test_list_edits_keep_everything_not_named():
    assert edit_list(NAMES, {"add": ["coffee"]}, "responders.order") == [*NAMES, "coffee"]
    assert edit_list(NAMES, {"add": ["coffee"], "after": {"coffee": "closing"}}, "x") == \
        ["launch", "closing", "coffee", "offense", "movies", "fallback"]
    assert edit_list(NAMES, {"before": {"movies": "launch"}, "remove": ["offense"]}, "x") == \
        ["movies", "launch", "closing", "fallback"]


@pytest.mark.parametrize("edits, message", [
    ({"remove": ["nosuch"]}, "remove: 'nosuch' is not in the list"),
    ({"add": ["movies"]}, "add: 'movies' is already in the list"),
    ({"add": ["coffee"], "after": {"coffee": "nosuch"}}, "after: 'nosuch' is not in the list"),
    ({"append": ["coffee"]}, "only edit the list with add, remove, before, after"),
    ({"add": "coffee", "before": ["launch"]}, "before must be a table"),
])
def test_bad_list_edits_say_what_is_wrong(edits, message):
    with pytest.raises(ConfigError, match=message):
        edit_list(NAMES, edits, "responders.order")


def test_a_config_file_edits_the_built_in_lists(tmp_path):
    path = tmp_path / "bot.toml"
    path.write_text('[responders.order]\nremove = ["neural", "science"]\n[pipeline.filters]\nremove = ["safety"]\n')
    config = Config.load(path)
    builtin = Config.load()
    assert config.responder_order == [n for n in builtin.responder_order if n not in ("neural", "science")]
    assert config.pipeline["filters"] == ["no_repeat"]
    assert config.pipeline["annotators"] == builtin.pipeline["annotators"]


def _chat(tmp_path, toml: str):
    path = tmp_path / "bot.toml"
    path.write_text(toml)
    return CliRunner().invoke(cli, ["chat", "--config", str(path), "--db", str(tmp_path / "c.db")], input="")


@pytest.mark.parametrize("toml, message", [
    # The dissatisfaction annotator reads the offense annotator's verdict: removing that one is caught.
    ('[pipeline.annotators]\nremove = ["offense"]\n',
     "annotator 'dissatisfaction' reads annotation 'offense': enable the annotator 'offense' before 'dissatisfaction'"),
    ('[pipeline]\nannotators = ["dissatisfaction", "offense"]\n', "enable the annotator 'offense' before 'dissatisfaction'"),
    ('[responders.offense]\nescalat_after = 2\n', r"\[responders.offense\]: unknown setting escalat_after"),
    ('[experiments.offense_strategy]\narms = ["avoidance", "shouting"]\nweights = [1, 1]\n', "offense_strategy.*shouting"),
])
def test_start_up_checks_are_one_line_errors(tmp_path, toml, message):
    import re

    result = _chat(tmp_path, toml)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:") and len(result.output.strip().splitlines()) == 1
    assert re.search(message, result.output), result.output


def test_chirpy_config_prints_every_parts_settings(tmp_path):
    import tomllib

    path = tmp_path / "bot.toml"
    path.write_text("[responders.offense]\nescalate_after = 4\n")
    result = CliRunner().invoke(cli, ["config", "--config", str(path)])
    assert result.exit_code == 0, result.output
    printed = tomllib.loads(result.output)
    assert printed["responders"]["offense"]["escalate_after"] == 4  # the team's value
    assert printed["responders"]["offense"]["end_after"] == 5  # the responder's declared default
    assert printed["initiative"]["max_rank_gap"] == 5
    assert printed["responders"]["movies"]["script"] == "movies.toml"
