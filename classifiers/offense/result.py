"""The offense verdict on one utterance: the typed contract every part reads (annotator, handler, gate, log)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class OffenseMatch:
    """One piece of evidence: what matched, as which type, and how strongly."""

    text: str
    type: str
    strength: str  # "strong", "pattern", "mild" or "self_harm"


@dataclass(frozen=True)
class OffenseResult:
    """The classifier's verdict on one utterance.

    ``is_offensive`` is what a user turn is judged by. ``self_harm`` is separate on purpose: a user
    who says they want to hurt themselves is not abusing anyone and must get care, not deflection,
    so it never makes ``is_offensive`` true by itself (``types`` then holds "bodily_harm").
    ``mild`` lists language that is fine from a user ("hell yeah") but that the bot must not say.
    ``score`` is the trained model's probability that the turn is abusive (None: rules only).
    """

    is_offensive: bool
    types: list[str] = field(default_factory=list)
    self_harm: bool = False
    mild: list[str] = field(default_factory=list)
    matches: list[OffenseMatch] = field(default_factory=list)
    score: float | None = None

    @property
    def type(self) -> str | None:
        """The one type the handler answers to (``types`` are most serious first)."""
        return self.types[0] if self.types else None

    @property
    def needs_handling(self) -> bool:
        """True when the offense handler should take the turn (offense or self-harm)."""
        return self.is_offensive or self.self_harm

    def unsafe_for_bot(self) -> bool:
        """Strict reading for the bot's own words: any offense, self-harm talk, or mild language."""
        return self.is_offensive or self.self_harm or bool(self.mild)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (for annotations and the turn log)."""
        d = asdict(self)
        d["type"] = self.type
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "OffenseResult":
        """The inverse of ``to_dict`` (reading annotations back from a turn or the log)."""
        return cls(
            is_offensive=bool(data.get("is_offensive")),
            types=list(data.get("types", [])),
            self_harm=bool(data.get("self_harm")),
            mild=list(data.get("mild", [])),
            matches=[OffenseMatch(**m) for m in data.get("matches", [])],
            score=data.get("score"),
        )
