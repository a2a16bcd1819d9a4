"""The shapes a turn takes after selection: what shapers edit, and what callers get back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chirpy.annotations import Annotations
from chirpy.responder import Candidate
from chirpy.runner import ResponderRun


@dataclass
class ChosenTurn:
    """The selected response and prompt, with the ranked alternatives a shaper may switch to.

    Shapers (the initiative controller) edit this in place: swap ``response`` for another ranked
    candidate, replace its text, record what they did in ``changes`` and anything eval needs in
    ``details``; ``state_updates`` keeps their own per-conversation state (by shaper name).
    """

    response: Candidate
    prompt: Candidate | None
    ranked_responses: list[Candidate]
    ranked_prompts: list[Candidate]
    changes: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    state_updates: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class TurnResult:
    conversation_id: str
    turn_index: int
    text: str
    ended: bool
    response: Candidate
    prompt: Candidate | None
    candidates: list[Candidate]
    runs: list[ResponderRun]
    annotations: Annotations
    latency_ms: float
    turn_id: int | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)

    def debug_rows(self) -> list[dict[str, Any]]:
        """One row per candidate considered, for /debug and the JSON API's debug flag."""
        latency = {(r.responder, r.phase): r for r in self.runs}
        rows = []
        for c in self.candidates:
            run = latency.get((c.responder, c.kind))
            rows.append({
                "kind": c.kind,
                "responder": c.responder,
                "priority": c.priority.name.lower(),
                "chosen": c is self.response or c is self.prompt,
                "rejected": c.rejected,
                "text": c.text,
                "scores": c.scores,
                "latency_ms": round(run.latency_ms, 1) if run else None,
            })
        return rows
