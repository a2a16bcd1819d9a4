"""Fixtures for the neural responder tests: one tiny GPT-2 per session, built offline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"  # tests never touch the network


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread():
    """Tiny models run fastest on one thread, and spinning OpenMP threads crawl on a shared CPU."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer GPT-2 fitted briefly to a few KB of chit-chat so greedy output is not degenerate."""
    from responders.neural.tiny import build_tiny_gpt2

    return build_tiny_gpt2(tmp_path_factory.mktemp("tiny_gpt2"), train_steps=60, seed=0)


@pytest.fixture(scope="session")
def tiny(tiny_dir: Path):
    from responders.neural.loading import load_model

    return load_model(tiny_dir, precision="fp32")


@pytest.fixture
def ed_dir(tmp_path: Path) -> Path:
    """A tiny EmpatheticDialogues-format dataset (commas written as _comma_)."""
    header = "conv_id,utterance_idx,context,prompt,speaker_idx,utterance,selfeval,tags\n"
    rows = []
    convs = [
        ["how was your day?", "it was good_comma_ thanks for asking.", "that is great to hear."],
        ["i went to the park with my dog.", "that sounds like fun!", "we played fetch all day."],
        ["i feel happy today.", "why is that?", "because the sun is out."],
        ["i read a great book.", "what was it about?", "it was about space and the stars."],
    ]
    for c, conv in enumerate(convs):
        for i, text in enumerate(conv, start=1):
            rows.append(f"hit:{c}_conv:{c},{i},joyful,a prompt_comma_ here,{i % 2},{text},5|5|5,\n")
    (tmp_path / "train.csv").write_text(header + "".join(rows * 1))
    return tmp_path


@pytest.fixture
def bot_config():
    """A Bot config isolated from other teams' components: launch, neural, simple topic, fallback."""
    from chirpy.config import Config

    def make(tmp_path: Path, model: str = "", **neural: object) -> Config:
        return Config.from_dict({
            "bot": {"db": str(tmp_path / "log.db"), "deadline_seconds": 30.0, "seed": 1},
            "pipeline": {"annotators": [], "filters": ["no_repeat"], "shapers": []},
            "responders": {
                "order": ["launch", "neural", "simple_topic", "fallback"],
                "neural": {"model": model, **neural},
            },
        })

    return make
