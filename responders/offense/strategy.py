"""Offense-handling strategies as experiment arms: a base move, optionally the name and a redirect.

An arm name spells its parts ("avoidance_name_redirect"), so adding an arm to the experiment is a
config change as long as its base strategy has phrasings.
"""

from __future__ import annotations

from dataclasses import dataclass

EXPERIMENT = "offense_strategy"
ARMS: tuple[str, ...] = (
    "avoidance",
    "avoidance_name",
    "avoidance_redirect",
    "avoidance_name_redirect",
    "why",
    "why_name",
    "counter_redirect",
    "empathetic_redirect",
    "empathetic_name_redirect",
)
DEFAULT_ARM = "empathetic_name_redirect"
"""The research recommendation (DESIGN.md): lowest re-offense comes with name + redirect."""


@dataclass(frozen=True)
class Strategy:
    arm: str
    base: str  # avoidance | why | counter | empathetic
    use_name: bool
    redirect: bool

    @classmethod
    def parse(cls, arm: str) -> "Strategy":
        parts = arm.split("_")
        unknown = set(parts[1:]) - {"name", "redirect"}
        if not parts[0] or unknown:
            raise ValueError(f"unknown offense strategy arm {arm!r}: expected BASE[_name][_redirect]")
        return cls(arm=arm, base=parts[0], use_name="name" in parts[1:], redirect="redirect" in parts[1:])

    def used(self, name_known: bool) -> str:
        """The strategy actually applied: a "name" arm without a known name falls back to nameless."""
        parts = [self.base] + (["name"] if self.use_name and name_known else []) + (["redirect"] if self.redirect else [])
        return "_".join(parts)
