"""A/B experiments: one arm per experiment per conversation, deterministic and overridable.

The arm is a hash of (seed, experiment, conversation id), so the same conversation gets the same
arm in every worker process and on replay, without any shared counter. The assignment is stored
with the conversation and every logged turn says which arms were active.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from chirpy.errors import ConfigError


@dataclass(frozen=True)
class Experiment:
    name: str
    arms: tuple[str, ...]
    weights: tuple[float, ...]
    force: str | None = None  # every conversation gets this arm (config or --arm overrides)

    @classmethod
    def from_config(cls, name: str, table: dict[str, Any]) -> "Experiment":
        arms = tuple(str(a) for a in table.get("arms", ()))
        if not arms:
            raise ConfigError(f"experiment {name!r} declares no arms")
        weights = tuple(float(w) for w in table.get("weights", [1.0] * len(arms)))
        if len(weights) != len(arms) or any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ConfigError(f"experiment {name!r}: weights must be {len(arms)} non-negative numbers")
        force = table.get("force")
        if force is not None and str(force) not in arms:
            raise ConfigError(f"experiment {name!r}: forced arm {force!r} is not one of {list(arms)}")
        return cls(name, arms, weights, None if force is None else str(force))

    def assign(self, conversation_id: str, seed: int) -> str:
        if self.force is not None:
            return self.force
        digest = hashlib.sha256(f"{seed}:{self.name}:{conversation_id}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") / 2**64 * sum(self.weights)
        for arm, weight in zip(self.arms, self.weights):
            point -= weight
            if point < 0:
                return arm
        return self.arms[-1]


def load_experiments(tables: dict[str, Any]) -> dict[str, Experiment]:
    return {name: Experiment.from_config(name, table) for name, table in tables.items()}


def assign_arms(
    experiments: dict[str, Experiment], conversation_id: str, seed: int, overrides: dict[str, str] | None = None
) -> dict[str, str]:
    overrides = overrides or {}
    for name, arm in overrides.items():
        if name not in experiments:
            raise ConfigError(f"unknown experiment {name!r} (declared: {', '.join(experiments) or 'none'})")
        if arm not in experiments[name].arms:
            raise ConfigError(f"experiment {name!r} has no arm {arm!r} (arms: {', '.join(experiments[name].arms)})")
    return {name: overrides.get(name) or exp.assign(conversation_id, seed) for name, exp in experiments.items()}


def parse_arm_overrides(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["offense_strategy=why", ...]`` from the command line into a dict."""
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, arm = pair.partition("=")
        if not sep or not name or not arm:
            raise ConfigError(f"--arm takes EXPERIMENT=ARM, got {pair!r}")
        result[name.strip()] = arm.strip()
    return result
