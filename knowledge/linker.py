"""Entity linking: which stored entities did the user name, in ASR text as well as typed text?

Every run of up to ``MAX_WORDS`` words of the utterance (and its singular, for "the zorblats") is
looked up as a name key in one indexed query; each (words, entity) match is scored by how it
matched (title, alias, one word of a longer name), its length, the entity's popularity and the
conversation so far (entities and topics already discussed); overlapping matches keep the best
longest one. In typed text a run of capitalised words is one name, so a match inside a longer run
("America" in "North America") is another thing and is not linked. One query and a few dictionary
operations: well under a millisecond of Python on top of SQLite's index lookups, even on a million
entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chirpy.annotations import LinkedEntity
from chirpy.content import load_content
from chirpy.errors import ConfigError
from knowledge.schema import ALIAS, PARTIAL, TITLE
from knowledge.store import KnowledgeStore, NameHit
from knowledge.text import LEADING_ARTICLES, singular_forms, tokens

# Words that make the next noun a thing rather than a person's name.
COUNTED_DETERMINERS = frozenset("a an my your his her our their this that these those some another every each".split())

CONTENT = Path(__file__).parent / "content" / "linking.toml"
MAX_WORDS = 6
_RAW_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class ConversationContext:
    """What the conversation has been about, for telling two "Mercury"s apart."""

    entities: tuple[str, ...] = ()  # what the bot talked about: store ids, or names (ConversationState.entities)
    named_by_user: tuple[str, ...] = ()  # store ids the user said by their whole name
    topic: str | None = None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkWeights:
    """Scoring weights, from ``content/linking.toml`` [weights] (where each is explained)."""

    title: float
    alias: float
    partial: float
    extra_word: float
    plural: float
    popularity: float
    discussed: float
    same_topic: float
    covered_topic: float
    cue: float
    everyday: float
    capitalised: float
    threshold: float


@dataclass
class _Word:
    raw: str
    key: str  # folded name form
    capitalised: bool  # capitalised where a lowercase word could stand (typed text, mid-sentence)
    run: int | None = None  # which run of capitalised words (one name, typed text) it is in, if any


@dataclass
class _Match:
    start: int
    end: int
    hit: NameHit
    score: float
    alternatives: list[tuple[float, NameHit]] = field(default_factory=list)


class EntityLinker:
    def __init__(self, store: KnowledgeStore, content: str | Path = CONTENT, weights: dict[str, Any] | None = None) -> None:
        self.store = store
        data = load_content(content, CONTENT.parent)
        self.function_words = frozenset(data["function_words"])
        self.cues = {topic: frozenset(words) for topic, words in data.get("cues", {}).items()}
        self.everyday_before = frozenset(data["everyday_before"])
        self.everyday_after = frozenset(data["everyday_after"])
        self.honorifics = frozenset(data["honorifics"])
        self.sentence_openers = frozenset(data["sentence_openers"])
        self.opener_suffixes = tuple(data["opener_suffixes"])
        self.after_a_name = frozenset(data["after_a_name"])
        try:
            self.weights = LinkWeights(**{**data["weights"], **(weights or {})})
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"{content} [weights]: {exc}") from None
        self._kind_weight = {TITLE: self.weights.title, ALIAS: self.weights.alias, PARTIAL: self.weights.partial}

    def link(self, text: str, context: ConversationContext | None = None, limit: int = 5) -> list[LinkedEntity]:
        """The entities named in ``text``, best first (at most ``limit``)."""
        context = context or ConversationContext()
        words = self._words(text)
        if not words:
            return []
        grams = self._grams(words)
        if not grams:
            return []
        hits = self.store.names(grams)
        if not hits:
            return []
        present = {w.key for w in words}
        matches: dict[tuple[int, int], _Match] = {}
        for hit in hits:
            for start, end, plural in grams[hit.name]:
                score = self._score(hit, words, start, end, plural, present, context)
                match = matches.get((start, end))
                if match is None:
                    matches[(start, end)] = _Match(start, end, hit, score)
                elif score > match.score:
                    match.alternatives.append((match.score, match.hit))
                    match.hit, match.score = hit, score
                else:
                    match.alternatives.append((score, hit))
        chosen = self._non_overlapping([m for m in matches.values() if m.score >= self.weights.threshold])
        chosen.sort(key=lambda m: -m.score)
        return [LinkedEntity(id=m.hit.id, title=m.hit.title, span=" ".join(w.raw for w in words[m.start:m.end]),
                             topic=m.hit.topic, score=round(m.score, 3), named_in_full=m.hit.kind != PARTIAL)
                for m in chosen[:limit]]

    # -- steps -----------------------------------------------------------------------------------
    def _words(self, text: str) -> list[_Word]:
        typed = any(ch.isupper() for ch in text)  # ASR text is all lowercase: capitals mean nothing there
        words: list[_Word] = []
        run = 0
        continues = False  # the word before is in a run that this word may continue
        previous_end = 0
        for found in _RAW_WORD.finditer(text):
            raw = found.group(0)
            before = text[: found.start()].rstrip()
            sentence_start = not before or before[-1] in ".!?"
            capitalised = typed and raw[:1].isupper() and not sentence_start and raw.lower() != "i"
            keys = tokens(raw)
            clause_start = sentence_start or before[-1] in ",;:"
            in_run = raw[:1].isupper() and self._may_be_in_a_name(raw, keys, clause_start)
            # Only a space joins two words into one name: "Paris, London" and "Cowboys-Redskins" are two.
            if in_run and not (continues and text[previous_end: found.start()].isspace()):
                run += 1
            words.extend(_Word(raw, key, capitalised, run if in_run else None) for key in keys)
            # A possessive ends a name: "Disney's Lion King" is two.
            continues = in_run and not raw.lower().endswith(("'s", "’s"))
            previous_end = found.end()
        return words

    def _may_be_in_a_name(self, raw: str, keys: list[str], clause_start: bool) -> bool:
        """Can this capitalised word be part of a longer name? Not "I", "I've", nor a function word ("In",
        "The", "Or": a capitalised "The" starts a title, it does not make "The Beatles" a longer name
        than "Beatles"); not an acronym, a whole name of its own ("the Patriots RB", "the NFL Draft"),
        which also leaves text typed all in capitals without runs; at the start of a sentence or
        clause, not a word that opens one ("Yeah", "Honestly")."""
        if not keys or (len(raw) > 1 and raw.isupper()):
            return False
        if any(key in self.function_words or key == "i" or key.startswith("i'") for key in keys):
            return False
        return not clause_start or not any(key in self.sentence_openers or key.endswith(self.opener_suffixes)
                                           for key in keys)

    def _grams(self, words: list[_Word]) -> dict[str, list[tuple[int, int, bool]]]:
        """name key -> [(start, end, via a singular form)]."""
        grams: dict[str, list[tuple[int, int, bool]]] = {}
        fw = self.function_words
        for start in range(len(words)):
            first = words[start].key
            if first in fw or first in LEADING_ARTICLES:
                continue
            for end in range(start + 1, min(start + MAX_WORDS, len(words)) + 1):
                last = words[end - 1].key
                if last in fw:
                    continue
                key = " ".join(w.key for w in words[start:end])
                grams.setdefault(key, []).append((start, end, False))
                head = key[: len(key) - len(last)]
                for singular in singular_forms(last):
                    grams.setdefault(head + singular, []).append((start, end, True))
        return grams

    def _score(self, hit: NameHit, words: list[_Word], start: int, end: int, plural: bool, present: set[str],
               context: ConversationContext) -> float:
        if self._part_of_a_longer_name(hit, words, start, end):
            return 0.0  # "North America", "Captain America", "the Infinity Stones": not the US, not the band
        w = self.weights
        score = self._kind_weight.get(hit.kind, w.partial) + w.extra_word * min(end - start - 1, 3)
        score += w.plural if plural else 0.0
        score += w.popularity * self.store.popularity_share(hit.popularity)
        if hit.id in context.entities or hit.title.lower() in (e.lower() for e in context.entities):
            score += w.discussed
        elif hit.kind == PARTIAL and hit.id in context.named_by_user:
            # One word of a name they said whole earlier ("mars" after "bruno mars"). Only a short form:
            # what the user named before must not outrank what they name now ("the lion king").
            score += w.discussed
        if hit.topic and hit.topic == context.topic:
            score += w.same_topic
        elif hit.topic and hit.topic in context.topics:
            score += w.covered_topic
        cued = bool(hit.topic and self.cues.get(hit.topic, frozenset()) & present)
        if cued:
            score += w.cue
        capitalised = all(word.capitalised for word in words[start:end])
        if capitalised:
            score += w.capitalised
        if hit.common and not hit.generic and not capitalised and self._as_the_everyday_word(words, start, end):
            return 0.0  # "the crews are friends with each other": the word, even in talk about shows
        if hit.common and not hit.generic and not cued and not capitalised:
            score += w.everyday  # "what's up", "my friends": not the film, not the show
        elif self._surname_alone(hit, words, start, end) and not capitalised and self._after_a_determiner(words, start):
            return 0.0  # "a lightning bolt": a thing, whatever the topic; a surname alone never takes "a"
        return score

    def _part_of_a_longer_name(self, hit: NameHit, words: list[_Word], start: int, end: int) -> bool:
        """Do the words span only part of a run of capitalised words (typed text), so the user named
        something longer? Titles before a person's name do not count: "President Obama" is Obama."""
        run = words[start].run
        after = end
        while after < len(words) and words[after].run is not None and words[after].run == words[end - 1].run:
            after += 1
        if after > end and not all(word.key in self.after_a_name for word in words[end:after]):
            return True  # the name goes on after it: the "New York Post" is not New York
        if run is None or start == 0 or words[start - 1].run != run:
            return False
        first = start
        while first > 0 and words[first - 1].run == run:
            first -= 1
        return not (all(word.key in self.honorifics for word in words[first:start])
                    and self._ends_a_persons_name(hit, words, start, end))

    @staticmethod
    def _ends_a_persons_name(hit: NameHit, words: list[_Word], start: int, end: int) -> bool:
        """Are the words the end of a name of two or more words ("Obama", "Barack Obama" for Barack
        Obama), as a title goes before a person's name, not the alias "America" of "United States"?"""
        title_words = tokens(hit.title.split(" (")[0])  # "Mercury (band)": its name is "Mercury"
        said = [word.key for word in words[start:end]]
        return len(title_words) > 1 and title_words[-len(said):] == said

    @staticmethod
    def _surname_alone(hit: NameHit, words: list[_Word], start: int, end: int) -> bool:
        """The last word of a longer name said alone ("bolt" for Usain Bolt), as a partial or a listed
        alias; not a first word ("apple" for Apple Inc. is the company's own short name)."""
        title_words = hit.title.lower().split()
        return end - start == 1 and len(title_words) > 1 and words[start].key == title_words[-1].strip(".,")

    def _as_the_everyday_word(self, words: list[_Word], start: int, end: int) -> bool:
        before = words[start - 1].key if start > 0 else ""
        after = words[end].key if end < len(words) else ""
        return before in self.everyday_before or after in self.everyday_after

    @staticmethod
    def _after_a_determiner(words: list[_Word], start: int) -> bool:
        """Is one of the two words before ``start`` a determiner ("a", "my", "this")?"""
        return any(word.key in COUNTED_DETERMINERS for word in words[max(0, start - 2): start])

    @staticmethod
    def _non_overlapping(matches: list[_Match]) -> list[_Match]:
        """Longest first, then best: "lord of the rings" wins over "rings"."""
        taken: set[int] = set()
        kept = []
        for match in sorted(matches, key=lambda m: (-(m.end - m.start), -m.score)):
            span = set(range(match.start, match.end))
            if span & taken:
                continue
            taken |= span
            kept.append(match)
        return kept
