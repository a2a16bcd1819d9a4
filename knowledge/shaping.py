"""Turning an input record into what the store keeps: a title to say, one describing sentence,
a few short facts, the names that point at it, a topic, a popularity and whether it is a name
at all ("Radiohead") or a common noun ("Dog")."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable

from knowledge.commonness import COMMON_ZIPF, COMMON_ZIPF_WORKS, PARTIAL_MAX_ZIPF
from knowledge.entry import SourceEntity
from knowledge.schema import ALIAS, PARTIAL, TITLE
from knowledge.text import clean_sentence, fact_sentences, lead_paragraph, name_key, tokens
from knowledge.topics import TopicGuesser

# Topics whose entities are works with names: a film called "Up" is never a common noun.
NAMED_TOPICS = frozenset({"movies", "tv", "music", "books", "games"})
_QUALIFIER = re.compile(r"^(?P<title>.+?)\s*\((?P<qualifier>[^()]+)\)$")
_CORPORATE = re.compile(r",?\s+(?:inc|ltd|llc|plc|corp|corporation|co|company|group|s\.?a|ag|gmbh)\.?$", re.IGNORECASE)
# Words that never stand alone for a longer name: "the", "of", "new", ... (plus anything common).
_ACRONYM = re.compile(r"\((?P<short>[A-Z][A-Za-z0-9&.]{1,7})[);,]")
_NOT_PARTIAL = frozenset("the a an of and or in on at to for from by with de la le von van der del da di du".split())


@dataclass
class ShapedEntity:
    id: str
    title: str
    description: str
    facts: list[str]
    topic: str | None
    popularity: float
    generic: bool
    names: dict[str, tuple[int, bool]]  # name key -> (kind, common)

    @property
    def facts_json(self) -> str:
        return json.dumps(self.facts, ensure_ascii=False)


def split_title(title: str) -> tuple[str, str | None]:
    """'Mercury (planet)' -> ('Mercury', 'planet')."""
    match = _QUALIFIER.match(title.strip())
    if match:
        return match.group("title").strip(), match.group("qualifier").strip()
    return title.strip(), None


def slug(title: str) -> str:
    return "-".join(tokens(title)) or "entity"


class Shaper:
    def __init__(self, guesser: TopicGuesser, zipf: Callable[[str], float], max_facts: int = 6) -> None:
        self.guesser = guesser
        self.zipf = zipf
        self.max_facts = max_facts

    def shape(self, source: SourceEntity, entity_id: str) -> ShapedEntity | None:
        """None when the text has no sentence worth saying (a stub, a disambiguation page)."""
        title, qualifier = split_title(source.title)
        text = lead_paragraph(source.text) if source.lead_only else source.text.strip()
        sentences = fact_sentences(text, limit=self.max_facts + 1)
        if not sentences:
            short = clean_sentence(text)
            if not short or len(short.split()) > 40:
                return None
            sentences = [short if short[-1:] in ".!?" else short + "."]
        description, facts = sentences[0], sentences[1:]
        topic = source.topic or self.guesser.guess(description) or (self.guesser.guess(f"it is a {qualifier}") if qualifier else None)
        popularity = float(source.popularity) if source.popularity is not None else float(len(text))
        generic = source.generic if source.generic is not None else self._generic(title, text, topic)
        names = self._names(title, source, text, generic, topic)
        if not names:
            return None
        return ShapedEntity(entity_id, title, description, facts, topic, popularity, bool(generic), names)

    @staticmethod
    def _generic(title: str, text: str, topic: str | None) -> bool:
        """A common noun shows up in lowercase in its own text ("The dog is ..."); a name does not.
        A work's text may use its title as a word ("Friends ... about six friends"), so there the
        text must open with it as a noun ("A guitar is ...") or use it in lowercase twice."""
        if not title[:1].isupper():
            return False
        lowered = title[0].lower() + title[1:]
        if lowered == title or any(ch.isupper() for ch in title[1:]):
            return False
        uses = 0
        start = text.find(lowered)
        while start != -1:  # whole-word, lowercase uses (plural allowed): not a regex per entity (build speed)
            end = start + len(lowered)
            before_ok = start == 0 or not text[start - 1].isalnum()
            tail = text[end:end + 3]
            after_ok = not tail[:1].isalnum() or tail[:1] == "s" and not tail[1:2].isalnum() or tail[:2] == "es" and not tail[2:3].isalnum()
            uses += before_ok and after_ok
            start = text.find(lowered, end)
        if topic not in NAMED_TOPICS:
            return uses > 0
        opens_as_noun = text.lower().startswith((f"a {lowered}", f"an {lowered}", f"the {lowered}"))
        return opens_as_noun or uses >= 2

    def _names(self, title: str, source: SourceEntity, text: str, generic: bool, topic: str | None) -> dict[str, tuple[int, bool]]:
        names: dict[str, tuple[int, bool]] = {}
        # A one-word title of a work is an everyday word sooner ("frozen", "cars") than a place or a person's name.
        everyday = COMMON_ZIPF_WORKS if topic in NAMED_TOPICS else COMMON_ZIPF

        def add(name: str, kind: int) -> None:
            key = name_key(name)
            if len(key) < 2 or (key in names and names[key][0] <= kind):
                return
            words = key.split()
            common = len(words) == 1 and (self.zipf(words[0]) >= everyday or len(words[0]) < 2)
            names[key] = (kind, common)

        add(title, TITLE)
        corporate = _CORPORATE.sub("", title)
        if corporate != title:
            add(corporate, ALIAS)
        for alias in source.aliases:
            add(alias, ALIAS)
        acronym = _ACRONYM.search(text[:400])
        if acronym and text[: acronym.start()].rstrip().endswith(title):  # "The National Basketball Association (NBA)"
            add(acronym.group("short"), ALIAS)
        if not generic:
            words = name_key(corporate).split()
            if len(words) > 1:
                for word in words:
                    if len(word) >= 3 and word not in _NOT_PARTIAL and not word.isdigit() and self.zipf(word) < PARTIAL_MAX_ZIPF:
                        add(word, PARTIAL)
        return names
