"""Reading what the user says about themselves into typed facts, once per turn.

"my favorite band is radiohead", "i'm not really into sports", "i have a dog named miso", "i work
as a nurse": frames (regular expressions in ``content/facts.toml``) find where a fact starts; the
thing itself is a name the knowledge linker or the gazetteer found there, else the noun phrase
spaCy parsed there, else the words up to a stop word (run-on speech has no commas). A fact's topic
comes from the linker, the gazetteer, the category word ("band"), or the topics' own keywords.

Answers count too: after a question, what the user names (linked or in the gazetteer) is what
they like ("mostly radiohead lately, and some old jazz like coltrane"), and a short "no" to a
question about a topic ("are you into sports?" "nah") declines it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from chirpy.content import load_content, normalise
from chirpy.understanding.facts.model import Fact

if TYPE_CHECKING:
    from chirpy.annotations import Annotations
    from chirpy.state import ConversationState
    from chirpy.topics import TopicIndex

CONTENT = Path(__file__).resolve().parents[1] / "content" / "facts.toml"
KINDS_IN_ORDER = ("favorite", "dislikes", "job", "pet", "family", "likes")  # a dislike is read before a like
VALUE_GROUPS = ("category", "job", "pet", "family", "fan")
SHORT_NO_WORDS = 5
AND = re.compile(r"\s*(?:and|or|and also|and some|plus)\s+")
HYPOTHETICAL = re.compile(r"\b(?:if|wish|imagine|pretend|suppose)\s+$")
ANSWER_WORDS = 12  # an answer naming things ("mostly radiohead lately, and some old jazz like coltrane")


class FactReader:
    def __init__(self, path: Path = CONTENT) -> None:
        data = load_content(path)
        words = {name: "|".join(sorted(values, key=len, reverse=True)) for name, values in data["words"].items()}
        self.frames: dict[str, list[re.Pattern[str]]] = {
            kind: [re.compile(p.replace("{jobs}", words["jobs"]).replace("{pets}", words["pets"])
                              .replace("{family}", words["family"])) for p in data["frames"].get(kind, [])]
            for kind in KINDS_IN_ORDER
        }
        self.stops = frozenset(data["thing_stops"])
        openers = sorted(data["thing_openers"], key=len, reverse=True)
        self.openers = re.compile(r"^(?:(?:" + "|".join(re.escape(o) for o in openers) + r")\s+)+")
        self.empty = frozenset(data["empty_things"])
        self.max_words = int(data["max_thing_words"])
        self.topic_words = {word: topic for topic, words_ in data["topic_words"].items() for word in words_}
        self.interest_question = re.compile("|".join(data["interest_questions"]))

    def read(self, ann: "Annotations", state: "ConversationState | None" = None,
             topics: "TopicIndex | None" = None) -> list[Fact]:
        """The facts this utterance states, each once, in the order said."""
        if ann.is_launch or ann.is_empty or not ann.is_english:
            return []
        lowered = normalise(ann.text)
        names = self._names(ann)
        listed = {normalise(m.span) for m in ann.topic_mentions}  # the gazetteer lists names only
        facts: list[Fact] = []
        taken: list[tuple[int, int]] = []  # spans of the text a fact already used
        for kind in KINDS_IN_ORDER:
            for frame in self.frames[kind]:
                for match in frame.finditer(lowered):
                    if any(start <= match.start() < end for start, end in taken) or \
                            HYPOTHETICAL.search(lowered[:match.start()]):
                        continue  # said already, or "if i were a nurse": not about them
                    fact, end = self._fact(kind, match, lowered, ann, names, listed, topics)
                    if fact is not None:
                        facts.append(fact)
                        taken.append((match.start(), end))
                        facts += self._and_more(fact, lowered, end, ann, names, listed, topics)
        if state is not None:
            facts += self._answer_facts(ann, state, names, listed, facts, topics)
        return _distinct(facts)

    # -- one frame -------------------------------------------------------------------------------
    def _fact(self, kind: str, match: re.Match[str], lowered: str, ann: "Annotations", names: dict[str, str | None],
              listed: set[str], topics: "TopicIndex | None") -> tuple[Fact | None, int]:
        groups = {g: v for g, v in match.groupdict().items() if v}
        category = groups.get("category")
        value = next((groups[g] for g in VALUE_GROUPS[1:] if g in groups), None)
        end = match.end()
        if value is None:
            value, end = self._thing(lowered, match.end(), ann, names)
        if not value:
            return None, end
        if kind in ("job", "pet", "family"):
            return Fact(kind, value), end
        topic = self._topic(value, names, topics, category)
        named = value in names and (value in listed or not _is_keyword(value, topics))
        if kind == "dislikes" and (self.topic_words.get(value) or (topic and value == topic)):
            return Fact("declined", value, self.topic_words.get(value) or topic), end
        if "fan" in groups:  # "i'm a huge sports fan"
            return Fact("likes", value, topic, named), end
        return Fact(kind, value, topic, named, category), end

    def _and_more(self, fact: Fact, lowered: str, end: int, ann: "Annotations", names: dict[str, str | None],
                  listed: set[str], topics: "TopicIndex | None") -> list[Fact]:
        """"i really like the lakers and lebron": the things joined to a liked (or disliked) one."""
        more: list[Fact] = []
        while fact.kind in ("likes", "dislikes") and (joined := AND.match(lowered, end)) is not None:
            value, end = self._thing(lowered, joined.end(), ann, names)
            if not value:
                break
            named = value in names and (value in listed or not _is_keyword(value, topics))
            more.append(Fact(fact.kind, value, self._topic(value, names, topics, None), named))
        return more

    def _thing(self, lowered: str, start: int, ann: "Annotations", names: dict[str, str | None]) -> tuple[str | None, int]:
        """The thing a frame is about: a known name, else a parsed noun phrase, else the words up to a stop."""
        rest = lowered[start:]
        opener = self.openers.match(rest)
        skip = opener.end() if opener else 0
        rest = rest[skip:]
        for name in sorted(names, key=len, reverse=True):
            if rest == name or rest.startswith(name + " "):
                return name, start + skip + len(name)
        for phrase in sorted((normalise(p) for p in ann.noun_phrases), key=len, reverse=True):
            phrase = self.openers.sub("", phrase)
            if phrase and (rest == phrase or rest.startswith(phrase + " ")) and len(phrase.split()) <= self.max_words \
                    and not any(w in self.stops for w in phrase.split()):
                return self._clean(phrase), start + skip + len(phrase)
        taken = []
        for word in rest.split():
            if word in self.stops or len(taken) == self.max_words:
                break
            taken.append(word)
        thing = self._clean(" ".join(taken))
        return thing, start + skip + len(" ".join(taken))

    def _clean(self, thing: str) -> str | None:
        thing = thing.strip()
        if not thing or all(w in self.empty or w in self.stops for w in thing.split()):
            return None
        return thing

    def _topic(self, value: str, names: dict[str, str | None], topics: "TopicIndex | None",
               category: str | None) -> str | None:
        if names.get(value):
            return names[value]
        if value in self.topic_words:
            return self.topic_words[value]
        if topics is not None:
            for phrase in (category, value):
                if phrase and (topic := topics.claiming(phrase)) is not None:
                    return topic.name
        return None

    # -- answers ---------------------------------------------------------------------------------
    def _answer_facts(self, ann: "Annotations", state: "ConversationState", names: dict[str, str | None],
                      listed: set[str], stated: list[Fact], topics: "TopicIndex | None") -> list[Fact]:
        last = (state.last_bot_text or "").rstrip()
        if not last.endswith("?") or ann.is_question:
            return []
        reading = ann.reading
        # "i don't know" opens like a no but declines nothing: they are unsure, not leaving the topic.
        short_no = (ann.is_no or reading.starts_negative) and not reading.unsure and reading.words <= SHORT_NO_WORDS
        if short_no:
            topic = self._topic_asked(normalise(last), state.current_topic)
            return [Fact("declined", topic, topic)] if topic and not stated else []
        if reading.sentiment == "negative" or reading.starts_negative or reading.unsure or reading.words > ANSWER_WORDS:
            return []  # a long statement names things in passing ("japan sold them until 2003"): not likes
        said = {f.value for f in stated}
        # A name of a topic they declined is not a change of heart ("my brother loves the patriots"):
        # only their own words ("i do like basketball") lift a decline.
        return [Fact("likes", name, topic, name in listed or not _is_keyword(name, topics))
                for name, topic in names.items() if topic and name not in said and not state.user_facts.declined(topic)
                and not any(name in value or value in name for value in said)]

    def _topic_asked(self, question: str, current_topic: str | None) -> str | None:
        """The topic a bot question asks about by its own word ("are you into *sports*?"), if it is
        the conversation's current topic and the question asks whether they care for it at all: a
        "no" to it declines the topic."""
        if not self.interest_question.search(question):
            return None
        for word, topic in self.topic_words.items():
            if topic == current_topic and re.search(rf"\b{re.escape(word)}\b", question):
                return topic
        return None

    @staticmethod
    def _names(ann: "Annotations") -> dict[str, str | None]:
        """Names the user said (normalised span → topic): linked entities, gazetteer hits, spaCy entities."""
        names: dict[str, str | None] = {}
        for linked in ann.linked_entities:
            names.setdefault(normalise(linked.span), linked.topic)
        for mention in ann.topic_mentions:
            key = normalise(mention.span)
            if names.get(key) is None:
                names[key] = mention.topic
        for entity in ann.entities:
            if entity.label in ("PERSON", "ORG", "WORK_OF_ART", "GPE", "EVENT", "PRODUCT", "NORP", "FAC", "LOC"):
                names.setdefault(normalise(entity.text), None)
        names.pop("", None)
        return names


def _is_keyword(value: str, topics: "TopicIndex | None") -> bool:
    return topics is not None and any(t.is_keyword(value) for t in topics)


def _distinct(facts: Iterable[Fact]) -> list[Fact]:
    seen: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        seen.setdefault((fact.kind, fact.value), fact)
    return list(seen.values())


@functools.lru_cache(maxsize=2)
def fact_reader(path: Path = CONTENT) -> FactReader:
    return FactReader(path)
