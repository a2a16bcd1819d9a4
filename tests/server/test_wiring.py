"""How the server is started and configured: the CLI command, the WSGI factory, the skill model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import chirpy.server
from cli.main import cli
from chirpy.config import Config
from chirpy.errors import ConfigError
from chirpy.server.settings import ServerSettings

MODEL = Path(chirpy.server.__file__).parent / "skill" / "interaction_model.json"


def test_interaction_model_matches_the_configured_catch_all_intent() -> None:
    server = Config.load().section("server")
    model = json.loads(MODEL.read_text())["interactionModel"]["languageModel"]
    intents = {i["name"]: i for i in model["intents"]}
    chat = intents[server["alexa_intent"]]
    assert chat["slots"] == [{"name": server["alexa_slot"], "type": "AMAZON.SearchQuery"}]
    # Alexa rejects a SearchQuery slot alone in an utterance: every sample needs a carrier phrase.
    for sample in chat["samples"]:
        assert f"{{{server['alexa_slot']}}}" in sample and sample.strip() != f"{{{server['alexa_slot']}}}"
    assert {"AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.HelpIntent", "AMAZON.FallbackIntent"} <= set(intents)
    assert len(model["invocationName"].split()) >= 2 and model["invocationName"].islower()


def test_serve_runs_the_development_server_with_verification_by_default(monkeypatch, tmp_path) -> None:
    calls = {}

    def fake_run(app, host, port, **kw):
        calls.update(host=host, port=port, verify=app.extensions["chirpy"].settings.verify_alexa)

    monkeypatch.setattr("flask.Flask.run", fake_run)
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "s.db"), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls == {"host": "127.0.0.1", "port": 8123, "verify": True}
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "s.db"), "--dev-skip-alexa-verification"])
    assert result.exit_code == 0 and calls["verify"] is False
    assert "OFF" in result.output


def test_wsgi_factory_reads_the_environment(monkeypatch, tmp_path) -> None:
    from chirpy.server.wsgi import create_app_from_env

    config = tmp_path / "bot.toml"
    config.write_text('[responders]\norder = ["launch", "closing", "simple_topic", "fallback"]\n'
                      '[pipeline]\nannotators = []\nfilters = ["no_repeat"]\nshapers = []\n')
    monkeypatch.setenv("CHIRPY_CONFIG", str(config))
    monkeypatch.setenv("CHIRPY_DB", str(tmp_path / "prod.db"))
    monkeypatch.setenv("CHIRPY_API_TOKEN", "t0ken")
    app = create_app_from_env()
    try:
        client = app.test_client()
        assert client.post("/api/v1/conversations").status_code == 401
        created = client.post("/api/v1/conversations", headers={"Authorization": "Bearer t0ken"})
        assert created.status_code == 201
        assert (tmp_path / "prod.db").exists() and (tmp_path / "prod.db.server" / "locks").is_dir()
    finally:
        app.extensions["chirpy"].bot.close()


@pytest.mark.parametrize("table", [
    {"max_body_bytes": "big"}, {"max_body_bytes": 10}, {"lock_timeout_seconds": 0}, {"allow_debug": "yes"},
])
def test_bad_server_settings_are_config_errors(table) -> None:
    with pytest.raises(ConfigError):
        ServerSettings.from_config(table, {})
