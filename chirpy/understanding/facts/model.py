"""The facts a user told the bot about themselves, as plain typed data (logged, kept in the state,
and stored per user id across sessions)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

# likes / dislikes / favorite: a thing they feel about; declined: a topic they don't want to talk
# about; job, pet, family: their life ("i'm a nurse", "i have a dog", "my sister").
FACT_KINDS = ("likes", "dislikes", "favorite", "declined", "job", "pet", "family")
PREFERENCES = ("likes", "favorite")
MAX_FACTS = 60  # kept per user: the oldest go first


@dataclass(frozen=True)
class Fact:
    kind: str  # one of FACT_KINDS
    value: str  # what: "radiohead", "sports", "nurse", "dog", "sister" (lowercase, as said)
    topic: str | None = None  # the topic it belongs to ("music"), where one fits
    named: bool = False  # names one thing (an artist, a team), not a kind of thing ("jazz", "sports")
    category: str | None = None  # "band" in "my favorite band is radiohead"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Fact":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class UserFacts:
    """Everything the user told the bot, latest last; a later fact replaces the one it contradicts."""

    facts: list[Fact] = field(default_factory=list)

    def learn(self, new: Iterable[Fact]) -> bool:
        """Add facts; True when something changed. Liking a topic again lifts its decline ("actually
        i do like sports"); declining it drops the likes of it; a dislike replaces a like of the
        same thing and the other way round."""
        changed = False
        for fact in new:
            if fact in self.facts:
                continue
            self.facts = [old for old in self.facts if not _replaced_by(old, fact)]
            self.facts.append(fact)
            changed = True
        del self.facts[:-MAX_FACTS]
        return changed

    def including(self, new: Iterable[Fact]) -> "UserFacts":
        """A copy with this turn's facts learned too (the state learns them only after the turn)."""
        known = UserFacts(list(self.facts))
        known.learn(new)
        return known

    def declined(self, topic: str) -> bool:
        return any(f.kind == "declined" and f.topic == topic for f in self.facts)

    def declined_topics(self) -> list[str]:
        return [f.topic for f in self.facts if f.kind == "declined" and f.topic]

    def of_kind(self, *kinds: str, topic: str | None = None) -> list[Fact]:
        return [f for f in self.facts if f.kind in kinds and (topic is None or f.topic == topic)]

    def answers(self, need: str, topic: str) -> bool:
        """Is a question needing ``need`` (a thread's ``known_from`` entry) already answered?
        "named": they like a named thing of the topic; "likes": they like anything of it;
        "favorite": they told their favourite of it; any other kind ("pet", "job", "family"): a
        fact of that kind, whatever the topic."""
        if need == "named":
            return any(f.named for f in self.of_kind(*PREFERENCES, topic=topic))
        if need == "likes":
            return bool(self.of_kind(*PREFERENCES, topic=topic))
        if need == "favorite":
            return bool(self.of_kind("favorite", topic=topic))
        return bool(self.of_kind(need))

    def likes(self, *names: str) -> bool:
        """Did they say they like (or are into) a thing called any of these ("Radiohead", "radiohead")?"""
        wanted = {n.lower() for n in names if n}
        return any(f.value.lower() in wanted for f in self.of_kind(*PREFERENCES))

    def __bool__(self) -> bool:
        return bool(self.facts)

    def to_list(self) -> list[dict[str, Any]]:
        return [asdict(f) for f in self.facts]

    @classmethod
    def from_list(cls, data: Any) -> "UserFacts":
        if not isinstance(data, list):
            return cls()
        return cls([Fact.from_dict(d) for d in data if isinstance(d, dict) and d.get("kind") in FACT_KINDS])

    def describe(self) -> list[str]:
        """One short line per fact, for /debug: "likes radiohead (music)"."""
        return [f"{f.kind} {f.value}" + (f" ({f.topic})" if f.topic else "") for f in self.facts]


def _replaced_by(old: Fact, new: Fact) -> bool:
    if new.kind == "declined":
        return old.topic == new.topic and old.kind in (*PREFERENCES, "declined")
    if new.kind in PREFERENCES:
        if old.kind == "declined" and new.topic and old.topic == new.topic:
            return True
        return old.kind == "dislikes" and old.value == new.value
    if new.kind == "dislikes":
        return old.kind in PREFERENCES and old.value == new.value
    return False
