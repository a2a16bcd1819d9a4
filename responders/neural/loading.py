"""Load a Hugging Face causal LM + tokenizer by hub name or local directory, failing fast.

Why fail fast: a voice bot must start in seconds. Without offline mode, a hub name with no network
retries for ~46 s before failing. We resolve local directories directly; a hub name is looked up in
the local cache first, and downloaded only when the caller allows it (``allow_download=True``),
``HF_HUB_OFFLINE`` is not set, and a 3-second connection probe reaches the hub. Any failure becomes
one ``ModelLoadError`` with a one-line message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from responders.neural.precision import PhasePrecision, Precision, prepare_phase_models


class ModelLoadError(RuntimeError):
    """The model could not be loaded; ``str(err)`` is a one-line message fit for a user."""


@dataclass
class LoadedModel:
    """A causal LM ready for generation, with what we learned about it at load time."""

    model: Any  # transformers.PreTrainedModel (kept Any so importing this module stays light)
    tokenizer: Any
    name: str
    precision: Precision  # of ``model``, which runs the decode steps
    prefill_model: Any = None  # a second copy at another precision for the prefill (None: ``model``)
    prefill_precision: Precision | None = None

    @property
    def phases(self) -> str:
        """``int8``, or ``fp32/int8`` for a prefill/decode split."""
        return str(PhasePrecision(self.prefill_precision or self.precision, self.precision))

    @property
    def max_positions(self) -> int:
        cfg = self.model.config
        for key in ("n_positions", "max_position_embeddings"):
            value = getattr(cfg, key, None)
            if isinstance(value, int) and value > 0:
                return value
        return 1024


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _cached_or_reachable(name: str, timeout: float = 3.0) -> bool:
    """True when ``name`` is already in the local cache or the hub answers a TCP connect in time.
    False sends the loader to the local cache only, which fails at once with a clear line."""
    import socket
    from urllib.parse import urlparse

    try:
        from huggingface_hub import try_to_load_from_cache

        if isinstance(try_to_load_from_cache(name, "config.json"), str):
            return True
    except Exception:  # noqa: BLE001 - a cache probe must never block loading
        pass
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    try:
        with socket.create_connection((endpoint.hostname or "huggingface.co", endpoint.port or 443), timeout=timeout):
            return True
    except OSError:
        return False


def load_model(
    name_or_path: str | os.PathLike[str],
    *,
    precision: PhasePrecision | Precision | str = "fp32",
    allow_download: bool = False,
    threads: int | None = None,
    device: str = "cpu",
) -> LoadedModel:
    """Load ``name_or_path`` (hub name or local directory) in eval mode at ``precision``.

    Raises ``ModelLoadError`` with one readable line on any failure (bad path, not cached, no
    network, not a causal LM, corrupt weights).
    """
    mode = PhasePrecision.parse(precision)  # a bad name is a config error: fail before the slow load
    name = str(name_or_path).strip()
    if not name:
        raise ModelLoadError("no neural model configured (set neural.model or --neural-model)")
    path = Path(name).expanduser()
    looks_like_path = path.exists() or name.startswith((".", "/", "~")) or os.sep in name and not _is_hub_id(name)
    if looks_like_path and not path.is_dir():
        raise ModelLoadError(f"neural model directory not found: {name}")
    local_only = looks_like_path or _offline() or not allow_download or not _cached_or_reachable(name)

    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        if threads:
            torch.set_num_threads(threads)
        source = str(path) if looks_like_path else name
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local_only)
        model = AutoModelForCausalLM.from_pretrained(source, local_files_only=local_only, dtype=torch.float32)
    except Exception as err:  # noqa: BLE001 - any loader failure becomes one actionable line
        hint = "" if looks_like_path else " (not in the local Hugging Face cache and the hub not reachable or downloads off; pass a local directory)"
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelLoadError(f"cannot load neural model '{name}'{hint}: {first[:200]}") from err

    model.eval()
    if device != "cpu":
        try:
            model.to(device)
        except Exception as err:  # noqa: BLE001 - e.g. "cuda" on a machine without a GPU
            raise ModelLoadError(f"cannot move neural model to device '{device}': {str(err).splitlines()[0]}") from err
    if tokenizer.eos_token_id is None:
        raise ModelLoadError(f"neural model '{name}' has a tokenizer without an end-of-sequence token")
    try:
        decode_model, prefill_model, phases = prepare_phase_models(model, mode, device=device)
    except Exception as err:  # noqa: BLE001 - e.g. int8 on a GPU, or an architecture quantization rejects
        raise ModelLoadError(f"cannot run neural model '{name}' at {mode}: {str(err).splitlines()[0]}") from err
    return LoadedModel(model=decode_model, tokenizer=tokenizer, name=name, precision=phases.decode,
                       prefill_model=prefill_model, prefill_precision=phases.prefill if prefill_model is not None else None)


def try_load_model(name_or_path: str | None, **kwargs: Any) -> tuple[LoadedModel | None, str | None]:
    """Like ``load_model`` but returns ``(None, message)`` instead of raising: for bot start-up."""
    if not name_or_path:
        return None, "neural responder off: no model configured (set neural.model or --neural-model)"
    try:
        return load_model(name_or_path, **kwargs), None
    except ModelLoadError as err:
        return None, f"neural responder off: {err}"


def _is_hub_id(name: str) -> bool:
    """``owner/model`` with exactly one slash and no path-only characters looks like a hub id."""
    parts = name.split("/")
    return len(parts) == 2 and all(p and not p.startswith(".") for p in parts) and not Path(name).exists()
