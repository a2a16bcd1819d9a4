"""The contract every pluggable part shares: the settings it takes, and what it needs from the rest.

Like Rasa's components, a part declares its settings with their defaults (``defaults``), the
annotation fields it reads that a feature annotator must fill (``requires``), the fields it fills
itself if it is an annotator (``provides``), the experiments whose arms it reads (``experiments``)
and the shared resources it needs (``uses``: a knowledge store, ... opened once by the bot from
their own config table and handed to every part that names them; if one cannot open, those parts
are off, with one line at start-up). The bot checks all of it at start-up, so a typo in a setting, a missing
annotator or an undeclared experiment is one line before the first turn, not a silent wrong turn.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, ClassVar

from chirpy.errors import ConfigError

if TYPE_CHECKING:
    from chirpy.experiments import Experiment

# Keys the bot itself reads from a component's table (which class to build), never the component.
PLACEMENT_KEYS = frozenset({"type"})


class Component:
    """Base of responders, annotators, filters and shapers."""

    defaults: ClassVar[dict[str, Any] | None] = None  # None: settings are not declared (any key accepted)
    requires: ClassVar[tuple[str, ...]] = ()  # annotation fields filled by a feature annotator
    provides: ClassVar[tuple[str, ...]] = ()  # annotation fields this annotator fills
    experiments: ClassVar[tuple[str, ...]] = ()  # experiments whose arms this part reads
    uses: ClassVar[tuple[str, ...]] = ()  # shared resources (chirpy.registry.resources) it is handed

    def __init__(self, config: dict[str, Any] | None = None, resources: dict[str, Any] | None = None) -> None:
        self.config: dict[str, Any] = {**copy.deepcopy(self.defaults or {}), **(config or {})}
        self.resources: dict[str, Any] = dict(resources or {})  # opened once by the bot, by name

    def check_experiments(self, experiments: dict[str, "Experiment"]) -> None:
        """Called once at start-up: refuse arms this part cannot run (raise ``ConfigError``)."""


def check_settings(cls: type, table: dict[str, Any], where: str) -> None:
    """A setting the component does not declare is a typo or a leftover: say so at start-up."""
    declared = getattr(cls, "defaults", None)
    if declared is None:
        return
    unknown = sorted(set(table) - set(declared) - PLACEMENT_KEYS)
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise ConfigError(f"{where}: unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                          f"(this component takes: {known})")
