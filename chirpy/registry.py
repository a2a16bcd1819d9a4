"""Registries that let a user swap any part of the bot by name from config.

Built on `catalogue` (the library behind spaCy's registry): third-party packages can also register
parts through the ``chirpy_<kind>`` entry-point groups, so a team's responders live in their own
package and are enabled in TOML without touching chirpy.
"""

from __future__ import annotations

from typing import Any

import catalogue

from chirpy.errors import ConfigError

responders = catalogue.create("chirpy", "responders", entry_points=True)
"""Responder classes: ``cls(config: dict)`` (their ``[responders.NAME]`` table) with ``respond(ctx)``
and optional ``prompt(ctx)``; see ``chirpy.responder.Responder``."""

annotators = catalogue.create("chirpy", "annotators", entry_points=True)
"""Annotator classes: ``cls(config: dict)`` (their top-level ``[NAME]`` table) with
``annotate(annotations, state)``; they add fields to a turn's annotations."""

filters = catalogue.create("chirpy", "filters", entry_points=True)
"""Candidate filters: ``cls(config: dict)`` (their ``[NAME]`` table) with
``check(candidate, ctx) -> str | None`` returning a reason to reject."""

shapers = catalogue.create("chirpy", "shapers", entry_points=True)
"""Turn shapers: ``cls(config: dict)`` (their ``[NAME]`` table) with ``shape(turn, ctx) -> None``, run after
selection (the initiative controller, ...); they may swap or rewrite the chosen lines."""

scorers = catalogue.create("chirpy", "scorers", entry_points=True)
"""Neural candidate scorers (higher is better): likelihood, dissatisfaction, ..."""

stores = catalogue.create("chirpy", "stores", entry_points=True)
"""Conversation stores beyond the built-in SQLite and PostgreSQL (chosen by the ``--db`` location):
``cls(location: str, *, read_only: bool)`` implementing ``chirpy.store.LogStore``."""

resources = catalogue.create("chirpy", "resources", entry_points=True)
"""Shared resources, by name: ``factory(section: dict) -> object`` opened once per bot from its
top-level ``[NAME]`` table and handed to the parts that declare it in ``uses`` (a knowledge store,
...). A factory raises ``ComponentUnavailable`` when there is nothing to open."""

commands = catalogue.create("chirpy", "commands", entry_points=True)
"""``chirpy`` subcommands (click commands or groups), by name. chirpy's own live in ``cli/commands/``
and register themselves; a team's package adds its own through the ``chirpy_commands`` entry point."""


def lookup(registry: Any, name: str, what: str) -> Any:
    """The part registered as ``name``; an unknown name is a one-line ``ConfigError`` listing the known ones."""
    try:
        return registry.get(name)
    except Exception:  # catalogue raises RegistryError, a plain ValueError subclass in some versions
        known = ", ".join(sorted(registry.get_all())) or "none"
        raise ConfigError(f"unknown {what} {name!r} (registered: {known})") from None
