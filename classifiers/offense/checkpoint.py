"""Offense model files: safetensors arrays plus a JSON header, never pickle.

Layout: ``DIR/offense-v0003.safetensors``; a directory's newest version is the one served. The file
stores only the rows of the weight matrix that training touched (a hashed model is mostly zeros),
as float16: the shipped model is a few hundred kilobytes. The header (safetensors metadata) holds
the format and feature versions, the heads and their thresholds, the feature spec, and how the
model was trained and measured, so a file says what it is.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from classifiers.offense.errors import OffenseModelError
from classifiers.offense.features import FEATURE_VERSION, FeatureSpec
from classifiers.offense.model import OffenseModel

FORMAT = "chirpy-offense"
FORMAT_VERSION = 1
SHIPPED_MODEL_DIR = Path(__file__).parent / "model"
_NAME = re.compile(r"^offense-v(\d+)\.safetensors$")


def list_models(directory: str | Path) -> list[tuple[int, Path]]:
    """(version, path) of every model file in ``directory``, oldest first; [] if none."""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted((int(m.group(1)), Path(directory) / n) for n in names if (m := _NAME.match(n)))


def save_model(model: OffenseModel, directory: str | Path) -> Path:
    """Write ``model`` as the next version in ``directory`` (atomically); returns the file's path."""
    from safetensors.numpy import save_file

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OffenseModelError(f"cannot create model directory {directory}: {exc.strerror or exc}") from None
    existing = list_models(directory)
    model.version = existing[-1][0] + 1 if existing else 1
    rows = np.flatnonzero(np.any(model.weights != 0, axis=1)).astype(np.int32)
    header = {
        "heads": list(model.heads),
        "thresholds": model.thresholds,
        "spec": model.spec.to_dict(),
        "version": model.version,
        "info": model.info,
    }
    metadata = {
        "format": FORMAT,
        "format_version": str(FORMAT_VERSION),
        "feature_version": str(FEATURE_VERSION),
        "header": json.dumps(header, sort_keys=True),
    }
    tensors = {
        "rows": rows,
        "values": model.weights[rows].astype(np.float16),
        "bias": model.bias.astype(np.float32),
    }
    final = directory / f"offense-v{model.version:04d}.safetensors"
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".safetensors", dir=directory)
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata=metadata)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a server running as another user must read it
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final


def load_model(path: str | Path = SHIPPED_MODEL_DIR) -> OffenseModel:
    """One model file, or the newest version in a directory. Problems are one-line errors."""
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    if path.is_dir():
        found = list_models(path)
        if not found:
            raise OffenseModelError(f"no offense model (offense-vNNNN.safetensors) in {path}; "
                                    "train one with `chirpy train offense --data DATA --out DIR`")
        path = found[-1][1]
    if not path.is_file():
        raise OffenseModelError(f"offense model not found: {path}")
    try:
        with safe_open(str(path), framework="np") as handle:
            meta = handle.metadata() or {}
            tensors = {k: handle.get_tensor(k) for k in handle.keys()}
    except (SafetensorError, OSError, ValueError) as exc:
        raise OffenseModelError(f"cannot read offense model {path}: {exc}") from None
    if meta.get("format") != FORMAT:
        raise OffenseModelError(f"{path}: not an offense model file")
    if meta.get("format_version") != str(FORMAT_VERSION):
        raise OffenseModelError(f"{path}: model format {meta.get('format_version')}, "
                                f"this chirpy reads format {FORMAT_VERSION}")
    if meta.get("feature_version") != str(FEATURE_VERSION):
        raise OffenseModelError(f"{path}: trained with feature version {meta.get('feature_version')}, this "
                                f"chirpy computes version {FEATURE_VERSION}; retrain it with `chirpy train offense`")
    try:
        header = json.loads(meta["header"])
        spec = FeatureSpec.from_dict(header["spec"])
        heads = tuple(header["heads"])
        weights = np.zeros((1 << spec.dim_bits, len(heads)), dtype=np.float32)
        weights[tensors["rows"].astype(np.int64)] = tensors["values"].astype(np.float32)
        return OffenseModel(weights=weights, bias=tensors["bias"], heads=heads,
                            thresholds={k: float(v) for k, v in header["thresholds"].items()}, spec=spec,
                            version=int(header.get("version", 0)), info=dict(header.get("info", {})))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise OffenseModelError(f"{path}: damaged offense model ({type(exc).__name__}: {exc})") from None
