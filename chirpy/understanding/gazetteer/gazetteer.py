"""A gazetteer of people, teams, bands, shows and places by topic (``content/gazetteer.toml``).

The knowledge linker finds what its store holds; a name it lacks ("coltrane"), or any name when no
store is configured, still has to route the conversation: "lebron james" is sports, never music.
One compiled alternation, longest names first, over normalised text: a few microseconds a turn.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from chirpy.content import load_content, normalise
from chirpy.errors import ConfigError

CONTENT = Path(__file__).resolve().parents[1] / "content" / "gazetteer.toml"


@dataclass(frozen=True)
class TopicMention:
    """A thing the user named that belongs to a topic."""

    span: str  # as said, normalised ("lebron james")
    topic: str  # the topic's name ("sports")
    kind: str  # the gazetteer list it came from: people, teams, bands, titles, places, ...


class Gazetteer:
    def __init__(self, path: Path = CONTENT) -> None:
        data = load_content(path)
        self._where: dict[str, tuple[str, str]] = {}
        for topic, lists in data.items():
            if not isinstance(lists, dict):
                raise ConfigError(f"{path}: [{topic}] must be a table of name lists")
            for kind, names in lists.items():
                for name in names:
                    key = normalise(str(name))
                    if key and key not in self._where:  # first listing wins: one name, one topic
                        self._where[key] = (topic, kind)
        names = sorted(self._where, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b") if names else None

    def find(self, text: str) -> list[TopicMention]:
        """Every name in the text, left to right (longest at each place: "steph curry", not "curry")."""
        if self._pattern is None:
            return []
        found = []
        for match in self._pattern.finditer(normalise(text)):
            topic, kind = self._where[match.group(0)]
            found.append(TopicMention(match.group(0), topic, kind))
        return found


@functools.lru_cache(maxsize=2)
def gazetteer(path: Path = CONTENT) -> Gazetteer:
    return Gazetteer(path)
