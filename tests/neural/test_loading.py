"""Loading: local dirs work offline; bad paths and uncached hub names fail fast with one line."""

from __future__ import annotations

import logging

import pytest

from responders.neural.loading import ModelLoadError, load_model, try_load_model
from responders.neural.precision import Precision


def test_loads_local_dir(tiny_dir):
    lm = load_model(tiny_dir, precision="fp32")
    assert lm.precision is Precision.FP32
    assert lm.tokenizer.eos_token_id is not None
    assert lm.max_positions == 256


def test_missing_dir_is_one_clear_line(tmp_path):
    with pytest.raises(ModelLoadError) as err:
        load_model(tmp_path / "nope")
    assert "not found" in str(err.value) and "\n" not in str(err.value)


def test_dir_without_model_files(tmp_path):
    with pytest.raises(ModelLoadError) as err:
        load_model(tmp_path)
    assert "cannot load neural model" in str(err.value) and "\n" not in str(err.value)


def test_uncached_hub_name_fails_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelLoadError) as err:
        load_model("chirpy-test-org/no-such-model-xyz", allow_download=True)
    assert "local Hugging Face cache" in str(err.value)


def test_try_load_reports_instead_of_raising(tmp_path):
    assert try_load_model("") == (None, "neural responder off: no model configured (set neural.model or --neural-model)")
    model, message = try_load_model(str(tmp_path / "missing"))
    assert model is None and message.startswith("neural responder off:")


def test_bad_precision_name(tiny_dir):
    with pytest.raises(ValueError, match="unknown neural precision"):
        load_model(tiny_dir, precision="fp8")


def test_bot_runs_without_unloadable_model(tmp_path, caplog, bot_config):
    from chirpy.bot import Bot

    caplog.set_level(logging.WARNING)
    bot = Bot(bot_config(tmp_path, model=str(tmp_path / "missing-model")))
    try:
        assert "neural" not in bot.responders
        lines = [r.getMessage() for r in caplog.records if "neural" in r.getMessage()]
        assert len(lines) == 1 and "neural responder off" in lines[0]
        assert bot.start("c1").text  # still talks
    finally:
        bot.close()
