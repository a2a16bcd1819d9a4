"""Configuration: built-in TOML defaults, a user's TOML file merged over them, CLI overrides last.

Like spaCy's config, every swappable part is named (responders, annotators, filters, shapers,
stores); the names resolve through ``chirpy.registry`` when the bot is built.
"""

from __future__ import annotations

import copy
import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chirpy.errors import ConfigError

DEFAULT_CONFIG_FILE = Path(__file__).parent / "default_config.toml"


def _defaults() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_CONFIG_FILE.read_text(encoding="utf-8"))


LIST_EDITS = frozenset({"add", "remove", "before", "after"})


def deep_merge(base: dict[str, Any], override: dict[str, Any], where: str = "") -> dict[str, Any]:
    """Tables merge recursively; any other value replaces the base value. A list (the responder
    order, the annotators, ...) can also be *edited* instead of restated: a table of ``add``,
    ``remove``, ``before`` and ``after`` in its place (see ``edit_list``)."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        here = f"{where}.{key}" if where else key
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value, here)
        elif isinstance(value, dict) and isinstance(merged.get(key), list):
            merged[key] = edit_list(merged[key], value, here)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def edit_list(names: list[Any], edits: dict[str, Any], where: str) -> list[Any]:
    """``{add = ["coffee"], after = {coffee = "closing"}, remove = ["neural"]}`` applied to a list of
    names: removals first, then additions (at the end unless placed), then ``before`` / ``after``
    moves. Everything not named keeps its place, so a team writes only what it changes."""
    unknown = sorted(set(edits) - LIST_EDITS)
    if unknown:
        raise ConfigError(f"[{where}] can only edit the list with add, remove, before, after (got {', '.join(unknown)})")
    result = list(names)
    for name in _names(edits.get("remove", []), where, "remove"):
        if name not in result:
            raise ConfigError(f"[{where}] remove: {name!r} is not in the list ({', '.join(map(str, result))})")
        result.remove(name)
    for name in _names(edits.get("add", []), where, "add"):
        if name in result:
            raise ConfigError(f"[{where}] add: {name!r} is already in the list")
        result.append(name)
    for side in ("before", "after"):
        moves = edits.get(side, {})
        if not isinstance(moves, dict):
            raise ConfigError(f"[{where}] {side} must be a table of name = anchor, e.g. {{ coffee = \"closing\" }}")
        for name, anchor in moves.items():
            if name not in result or anchor not in result:
                missing = name if name not in result else anchor
                raise ConfigError(f"[{where}] {side}: {missing!r} is not in the list")
            result.remove(name)
            result.insert(result.index(anchor) + (side == "after"), name)
    return result


def _names(value: Any, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"[{where}] {key} must be a list of names")
    return value


def set_dotted(config: dict[str, Any], dotted: str, value: Any) -> None:
    """``set_dotted(cfg, "bot.seed", 3)``: how command-line flags override the file."""
    table = config
    *parents, last = dotted.split(".")
    for part in parents:
        table = table.setdefault(part, {})
    table[last] = value


@dataclass
class Config:
    data: dict[str, Any]

    @classmethod
    def load(cls, path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> "Config":
        data = _defaults()
        if path is not None:
            file = Path(path)
            try:
                user = tomllib.loads(file.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise ConfigError(f"config file not found: {file}") from None
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read config file {file}: {exc}") from None
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"config file {file} is not valid TOML: {exc}") from None
            data = deep_merge(data, user)
        for dotted, value in (overrides or {}).items():
            set_dotted(data, dotted, value)
        config = cls(data)
        config.validate()
        return config

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Config":
        """Defaults merged with an in-code dict: what tests and embedding applications use."""
        config = cls(deep_merge(_defaults(), data))
        config.validate()
        return config

    # -- sections ------------------------------------------------------------------------------
    @property
    def bot(self) -> dict[str, Any]:
        return self.data.get("bot", {})

    @property
    def pipeline(self) -> dict[str, Any]:
        return self.data.get("pipeline", {})

    @property
    def responder_order(self) -> list[str]:
        return list(self.data.get("responders", {}).get("order", []))

    def responder_config(self, name: str) -> dict[str, Any]:
        table = self.data.get("responders", {}).get(name, {})
        return table if isinstance(table, dict) else {}

    def section(self, name: str) -> dict[str, Any]:
        """Any top-level table, e.g. ``neural`` or ``initiative``; empty when absent."""
        table = self.data.get(name, {})
        return table if isinstance(table, dict) else {}

    @property
    def experiments(self) -> dict[str, Any]:
        return self.data.get("experiments", {})

    def validate(self) -> None:
        bot = self.bot
        try:
            deadline = float(bot.get("deadline_seconds", 2.0))
            int(bot.get("seed", 0))
            max_chars = int(bot.get("max_input_chars", 1000))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[bot] has a value of the wrong type: {exc}") from None
        if deadline <= 0 or max_chars < 10:
            raise ConfigError("[bot] deadline_seconds must be > 0 and max_input_chars >= 10")
        order = self.responder_order
        if not order:
            raise ConfigError("[responders] order lists no responders")
        if len(set(order)) != len(order):
            raise ConfigError("[responders] order lists a responder twice")

    def import_plugins(self) -> None:
        """Import a team's modules whose registry decorators provide named parts (``extra_plugins``).
        chirpy's own parts need no import: the registry finds them through package entry points."""
        for module in self.bot.get("extra_plugins", []):
            try:
                importlib.import_module(module)
            except ImportError as exc:
                raise ConfigError(f"cannot import plugin module {module!r}: {exc}") from None
