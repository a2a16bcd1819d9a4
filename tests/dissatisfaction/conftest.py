"""Fixtures: a generated conversation log in which a hidden rule decides dissatisfaction, and a
predictor trained on it (built once per session from generated data; nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.dissatisfaction.checkpoint import save_checkpoint
from classifiers.dissatisfaction.logdata import read_examples
from classifiers.dissatisfaction.model import DissatisfactionPredictor
from classifiers.dissatisfaction.synthetic import generate_conversations, write_log
from classifiers.dissatisfaction.train import TrainConfig, TrainReport, train_predictor


@pytest.fixture(scope="session")
def synthetic_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dissat_log") / "log.db"
    write_log(str(path), generate_conversations(n_conversations=200, turns_per_conversation=8, seed=11))
    return path


@pytest.fixture(scope="session")
def trained(synthetic_log: Path) -> tuple[DissatisfactionPredictor, TrainReport]:
    return train_predictor(read_examples(synthetic_log), TrainConfig(seed=3))


@pytest.fixture(scope="session")
def model_dir(trained: tuple[DissatisfactionPredictor, TrainReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("dissat_models")
    save_checkpoint(trained[0], directory)
    return directory
