"""Guessing an entity's topic from its description, for inputs that give none (Wikipedia).

The rules are data (``content/topics.toml``). The topic is what routes a conversation: "LeBron
James" must come out as ``sports`` so the sports script can take over when the entity runs dry.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from chirpy.content import load_content

RULES = Path(__file__).parent / "content" / "topics.toml"


class TopicGuesser:
    def __init__(self, path: Path = RULES) -> None:
        data = load_content(path)
        starts = "|".join(re.escape(s) for s in sorted(data["starts"], key=len, reverse=True))
        stops = "|".join(re.escape(s) for s in sorted(data["stops"], key=len, reverse=True))
        # "X is an English rock band formed in ..." -> "an english rock band"
        self._defining = re.compile(rf"\b(?:{starts})\s+(?P<phrase>.+?)(?=\s+(?:{stops})\b|[,;:.(]|$)")
        alternatives = []
        for topic, patterns in data["topics"].items():
            alternatives.append(rf"(?P<{topic}>\b(?:{'|'.join(patterns)})\b)")
        self._kinds = re.compile("|".join(alternatives))

    def guess(self, description: str) -> str | None:
        lowered = description.lower().replace("-", " ")
        defining = self._defining.search(lowered)
        if defining:
            topic = self._last_kind(defining.group("phrase"))
            if topic:
                return topic
        first = self._kinds.search(lowered)
        return first.lastgroup if first else None

    def _last_kind(self, phrase: str) -> str | None:
        best: tuple[int, int, str] | None = None
        for match in self._kinds.finditer(phrase):
            key = (match.end(), match.end() - match.start(), str(match.lastgroup))
            if best is None or key[:2] > best[:2]:
                best = key
        return best[2] if best else None


@functools.lru_cache(maxsize=1)
def topic_guesser() -> TopicGuesser:
    return TopicGuesser()
