"""Checkpoints: versioned, never pickled, written atomically, refused clearly when wrong, and
picked up by a running scorer without a restart."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from classifiers.dissatisfaction.checkpoint import (
    CheckpointError,
    checkpoint_path,
    latest_checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from classifiers.dissatisfaction.model import DissatisfactionPredictor
from classifiers.dissatisfaction.reloading import ReloadingPredictor
from classifiers.dissatisfaction.scorer import DissatisfactionScorer

BITS = 10


def constant(bias: float) -> DissatisfactionPredictor:
    """A predictor that gives every candidate the same probability sigmoid(bias)."""
    return DissatisfactionPredictor(weights=np.zeros(1 << BITS), bias=bias, dim_bits=BITS, info={"note": "test"})


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_round_trip_keeps_weights_and_metadata(tmp_path: Path, trained) -> None:
    predictor, _ = trained
    path = save_checkpoint(predictor, tmp_path)
    loaded = load_checkpoint(path)
    assert np.array_equal(loaded.weights, predictor.weights)
    assert loaded.bias == pytest.approx(predictor.bias)
    assert loaded.model_version == 1
    assert loaded.info["train"]["predictor"]["auc"] >= 0.85
    history = ["i love my dog", "tell me more about your dog", "he is a puppy"]
    texts = ["that puppy sounds wonderful", "how much money do you make"]
    assert loaded.predict(history, texts) == pytest.approx(predictor.predict(history, texts))


def test_versions_grow_and_directory_loads_latest(tmp_path: Path) -> None:
    for bias in (-1.0, 0.0, 1.0):
        save_checkpoint(constant(bias), tmp_path)
    assert latest_checkpoint(tmp_path) == checkpoint_path(tmp_path, 3)
    assert load_checkpoint(tmp_path).bias == 1.0
    assert load_checkpoint(checkpoint_path(tmp_path, 1)).bias == -1.0


@pytest.mark.parametrize("problem", ["empty_dir", "missing_file", "garbage", "format", "features", "no_weights"])
def test_bad_checkpoints_are_refused_with_a_clear_error(tmp_path: Path, problem: str) -> None:
    target: Path = tmp_path
    meta = {"format_version": "1", "model_version": "1", "feature_set_version": "1", "dim_bits": str(BITS)}
    tensors = {"weights": np.zeros(1 << BITS, dtype=np.float32), "bias": np.zeros(1, dtype=np.float32)}
    if problem == "missing_file":
        target = tmp_path / "nope.safetensors"
    elif problem == "garbage":
        target = checkpoint_path(tmp_path, 1)
        target.write_bytes(b"\x80\x04 definitely not safetensors")
    elif problem != "empty_dir":
        if problem == "format":
            meta["format_version"] = "99"
        if problem == "features":
            meta["feature_set_version"] = "99"
        if problem == "no_weights":
            tensors = {"other": tensors["bias"]}
        target = checkpoint_path(tmp_path, 1)
        save_file(tensors, str(target), metadata=meta)
    with pytest.raises(CheckpointError):
        load_checkpoint(target)


def test_hot_reload_swaps_in_a_new_version_after_the_check_interval(tmp_path: Path) -> None:
    save_checkpoint(constant(-2.0), tmp_path)
    clock = FakeClock()
    reloading = ReloadingPredictor(tmp_path, check_interval=5.0, clock=clock)
    scorer = DissatisfactionScorer(reloading=reloading)
    history, cands = ["hello"], ["hi there", "how old are you"]
    before = scorer.score(history, cands)
    assert reloading.version == 1

    save_checkpoint(constant(2.0), tmp_path)  # a training job finishes while the bot runs
    clock.now = 1.0
    assert scorer.score(history, cands) == before  # not yet looked
    clock.now = 6.0
    after = scorer.score(history, cands)
    assert reloading.version == 2
    assert after[0] < before[0]  # the new model thinks everything is riskier

    checkpoint_path(tmp_path, 3).write_bytes(b"half-written by a broken job")
    clock.now = 12.0
    assert scorer.score(history, cands) == after  # a damaged new file never replaces a good model
    assert reloading.version == 2


def test_a_damaged_newest_file_falls_back_to_the_previous_version(tmp_path: Path) -> None:
    save_checkpoint(constant(0.5), tmp_path)
    checkpoint_path(tmp_path, 2).write_bytes(b"truncated")
    scorer = DissatisfactionScorer({"model": str(tmp_path)})
    assert scorer.model_version == 1


def test_readers_never_see_a_missing_model_during_swaps(tmp_path: Path) -> None:
    save_checkpoint(constant(0.0), tmp_path)
    reloading = ReloadingPredictor(tmp_path, check_interval=0.0)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                model = reloading.get()
                assert model is not None
                model.predict(["hello"], ["hi", "how old are you"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(15):
        save_checkpoint(constant(float(i)), tmp_path)
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    reloading.maybe_reload(force=True)
    assert reloading.version == 16
