"""Versioned predictor checkpoints: one safetensors file per model version, written atomically.

Layout: ``DIR/dissatisfaction-v0007.safetensors``. The version number only grows, so "the latest
model" is simply the highest number in the directory, and a running server can notice a new one
by listing the directory. safetensors holds plain arrays plus string metadata: no pickle, so a
checkpoint from a log-training job can never execute code in the server that loads it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from classifiers.dissatisfaction.features import FEATURE_SET_VERSION
from classifiers.dissatisfaction.model import DissatisfactionPredictor

FORMAT_VERSION = 1
_NAME = re.compile(r"^dissatisfaction-v(\d+)\.safetensors$")


class CheckpointError(Exception):
    """A checkpoint is missing, unreadable or from an incompatible version (message says which)."""


def checkpoint_path(directory: str | Path, version: int) -> Path:
    return Path(directory) / f"dissatisfaction-v{version:04d}.safetensors"


def list_checkpoints(directory: str | Path) -> list[tuple[int, Path]]:
    """(version, path) of every checkpoint in ``directory``, oldest first; [] if none."""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = [(int(m.group(1)), Path(directory) / n) for n in names if (m := _NAME.match(n))]
    return sorted(found)


def latest_checkpoint(directory: str | Path) -> Path | None:
    found = list_checkpoints(directory)
    return found[-1][1] if found else None


def save_checkpoint(predictor: DissatisfactionPredictor, directory: str | Path) -> Path:
    """Write ``predictor`` as the next version in ``directory``; returns the new file's path.

    The file appears under its final name only when complete (temp file + ``os.replace``), so a
    server polling the directory never reads half a checkpoint.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    existing = list_checkpoints(directory)
    version = existing[-1][0] + 1 if existing else 1
    predictor.model_version = version
    metadata = {
        "format_version": str(FORMAT_VERSION),
        "model_version": str(version),
        "feature_set_version": str(predictor.feature_set_version),
        "dim_bits": str(predictor.dim_bits),
        "info": json.dumps(predictor.info, sort_keys=True),
    }
    tensors = {
        "weights": np.ascontiguousarray(predictor.weights, dtype=np.float32),
        "bias": np.array([predictor.bias], dtype=np.float32),
    }
    final = checkpoint_path(directory, version)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".safetensors", dir=directory)
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata=metadata)
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final


def load_checkpoint(path: str | Path) -> DissatisfactionPredictor:
    """Load one checkpoint file, or the latest one if ``path`` is a directory."""
    path = Path(path)
    if path.is_dir():
        latest = latest_checkpoint(path)
        if latest is None:
            raise CheckpointError(f"no dissatisfaction checkpoint in {path} (train one with `chirpy train dissatisfaction`)")
        path = latest
    if not path.is_file():
        raise CheckpointError(f"dissatisfaction checkpoint not found: {path}")
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="np") as handle:
            meta = handle.metadata() or {}
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"cannot read dissatisfaction checkpoint {path}: {exc}") from exc
    fmt = int(meta.get("format_version", -1))
    if fmt != FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format {fmt}, this chirpy reads format {FORMAT_VERSION}")
    fset = int(meta.get("feature_set_version", -1))
    if fset != FEATURE_SET_VERSION:
        raise CheckpointError(
            f"{path}: trained with feature set {fset}, this chirpy uses {FEATURE_SET_VERSION}; retrain it"
        )
    if "weights" not in tensors or "bias" not in tensors:
        raise CheckpointError(f"{path}: not a dissatisfaction checkpoint (missing weights)")
    try:
        return DissatisfactionPredictor(
            weights=tensors["weights"],
            bias=float(tensors["bias"][0]),
            dim_bits=int(meta["dim_bits"]),
            model_version=int(meta["model_version"]),
            feature_set_version=fset,
            info=json.loads(meta.get("info", "{}")),
        )
    except (KeyError, ValueError) as exc:
        raise CheckpointError(f"{path}: damaged checkpoint metadata ({exc})") from exc
