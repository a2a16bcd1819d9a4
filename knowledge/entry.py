"""What the store holds about one thing, as the builder writes it and the store reads it back."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceEntity:
    """One input record before it is shaped for the store: a JSONL line or a Wikipedia article."""

    title: str
    text: str
    where: str  # "file:row", for error messages
    aliases: list[str] = field(default_factory=list)
    topic: str | None = None
    popularity: float | None = None
    generic: bool | None = None  # the title is a common noun ("Dog"), not a name; None: infer it
    source_id: str | None = None
    lead_only: bool = False  # Wikipedia text: keep only the lead paragraph


@dataclass(frozen=True)
class RawRecord:
    """A JSONL line not decoded yet (decoding happens in the builder's worker processes)."""

    where: str  # "file:row"
    text: str


@dataclass(frozen=True)
class StoredEntity:
    """An entity as the store returns it."""

    id: str
    title: str
    description: str  # one sentence that says what it is: the answer to "what is X"
    facts: tuple[str, ...]  # further short sentences, in the order the source gave them
    topic: str | None
    popularity: float
    generic: bool

    def all_facts(self) -> tuple[str, ...]:
        """Everything the bot could say about it, the description first."""
        return (self.description, *self.facts) if self.description else self.facts
