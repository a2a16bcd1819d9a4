"""The configuration a bot would run with: the built-in defaults, a team's file, and every enabled
part's declared settings, merged. What ``chirpy config`` prints, so nobody has to read code to learn
a setting's default."""

from __future__ import annotations

import copy
from typing import Any

from chirpy import registry
from chirpy.registry import lookup
from chirpy.component import check_settings
from chirpy.config import Config

PIPELINE_SLOTS = {"annotators": registry.annotators, "filters": registry.filters, "shapers": registry.shapers}


def effective_config(config: Config) -> dict[str, Any]:
    """``config`` with each enabled part's table completed from the part's ``defaults``."""
    from chirpy import filters as _core_filters  # noqa: F401 — registers no_repeat

    config.import_plugins()
    data = copy.deepcopy(config.data)
    responders = data.setdefault("responders", {})
    for name in config.responder_order:
        table = config.responder_config(name)
        cls = lookup(registry.responders, str(table.get("type", name)), "responder")
        check_settings(cls, table, f"[responders.{name}]")
        responders[name] = {**copy.deepcopy(getattr(cls, "defaults", None) or {}), **table}
    for slot, reg in PIPELINE_SLOTS.items():
        for name in config.pipeline.get(slot, []):
            cls = lookup(reg, name, slot[:-1])
            table = config.section(name)
            check_settings(cls, table, f"[{name}]")
            merged = {**copy.deepcopy(getattr(cls, "defaults", None) or {}), **table}
            if merged:
                data[name] = merged
    return data

