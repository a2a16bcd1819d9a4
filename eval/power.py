"""How many conversations an A/B test needs: the power table (effects from ``power.toml``)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from eval.stats import ALPHA, n_for_means, n_for_proportions

EFFECTS = Path(__file__).with_name("power.toml")
POWERS = (0.8, 0.9)


def power_report(effects: Path = EFFECTS) -> dict[str, Any]:
    data = tomllib.loads(effects.read_text(encoding="utf-8"))
    rows = []
    for item in data.get("proportion", []):
        rows.append({"effect": item["what"], "kind": "proportion", "a": item["a"], "b": item["b"],
                     **{f"n_per_arm_power_{p:g}": n_for_proportions(item["a"], item["b"], ALPHA, p) for p in POWERS}})
    for item in data.get("mean", []):
        rows.append({"effect": item["what"], "kind": "cohen_d", "d": item["d"],
                     **{f"n_per_arm_power_{p:g}": n_for_means(item["d"], ALPHA, p) for p in POWERS}})
    return {"status": "ok", "alpha": ALPHA, "powers": list(POWERS), "test": "two-sided; proportions: z test; "
            "means: two-sample t test", "rows": rows}
