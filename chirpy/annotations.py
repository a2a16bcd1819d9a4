"""What the bot knows about one user utterance, computed once per turn and shared by every part.

The core annotator fills the linguistic fields (spaCy tokens, noun phrases, entities) and the
speech-act flags (question / yes-no / command / yes / no / back-channel / a stated name), with
rules that work on ASR text with no punctuation. Feature annotators registered in
``chirpy.registry.annotators`` (offense, dissatisfaction, ...) add their own fields afterwards.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chirpy.store.fields import LogField
from chirpy.text import WORD, CleanText, has_words, latin_share
from chirpy.understanding import Reading, Understanding, understanding

if TYPE_CHECKING:
    from spacy.language import Language

LANGUAGE_FILE = Path(__file__).parent / "content" / "language.toml"


@dataclass
class Entity:
    text: str
    label: str


@dataclass
class LinkedEntity:
    """Something the user named, linked to an entity of the knowledge store (knowledge/)."""

    id: str  # the store's stable id
    title: str  # how the store names it ("Radiohead")
    span: str  # the words the user said ("radiohead", "the zorblats")
    topic: str | None  # the scripted topic's name where one fits (music, sports, ...)
    score: float  # the linker's confidence; higher is better


@dataclass
class Annotations:
    """Fields are plain data so a turn's annotations can be logged as JSON and read back by eval."""

    text: str
    raw_length: int = 0
    truncated: bool = False
    is_launch: bool = False  # the bot's opening turn: there is no user utterance
    is_empty: bool = False  # nothing with letters or digits (silence, emoji, punctuation)
    is_english: bool = True
    tokens: list[str] = field(default_factory=list)
    noun_phrases: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    is_question: bool = False
    is_yes_no_question: bool = False
    is_command: bool = False
    is_yes: bool = False
    is_no: bool = False
    is_backchannel: bool = False
    user_name: str | None = None  # a name the user stated in this utterance
    reading: Reading = field(default_factory=Reading)  # how they said it (mood, feeling, fact, ...): chirpy.understanding
    # Filled by feature annotators (classifiers/); None / empty means "not computed or nothing found".
    offense: dict[str, Any] | None = None
    dissatisfaction: list[str] = field(default_factory=list)
    linked_entities: list[LinkedEntity] = field(default_factory=list)  # best first
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lower(self) -> str:
        return self.text.lower()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# The annotation fields eval reads back from the log, declared beside what writes them.
TOKENS_FIELD = LogField("annotations", ("tokens",), "chirpy.annotations")
NOUN_PHRASES_FIELD = LogField("annotations", ("noun_phrases",), "chirpy.annotations")
IS_EMPTY_FIELD = LogField("annotations", ("is_empty",), "chirpy.annotations")


@dataclass(frozen=True)
class LanguageRules:
    """The word lists of ``content/language.toml``, compiled once."""

    question_starts: frozenset[str]
    yes_no_starts: frozenset[str]
    not_question_prefixes: tuple[str, ...]
    question_endings: tuple[str, ...]
    command_starts: tuple[str, ...]
    command_exceptions: tuple[str, ...]
    yes_words: frozenset[str]
    no_words: frozenset[str]
    name_patterns: tuple[re.Pattern[str], ...]
    name_reply_patterns: tuple[re.Pattern[str], ...]
    not_names: frozenset[str]
    backchannels: frozenset[str]

    @classmethod
    def load(cls, path: Path = LANGUAGE_FILE) -> "LanguageRules":
        data = tomllib.loads(path.read_text(encoding="utf-8"))

        def patterns(key: str) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(rf"^(?:.*\b)?{p}$") if not p.startswith("(") else re.compile(rf"^{p}$")
                         for p in data[key])

        return cls(
            question_starts=frozenset(data["question_starts"]),
            yes_no_starts=frozenset(data["yes_no_starts"]),
            not_question_prefixes=tuple(data["not_question_prefixes"]),
            question_endings=tuple(data["question_endings"]),
            command_starts=tuple(data["command_starts"]),
            command_exceptions=tuple(data["command_exceptions"]),
            yes_words=frozenset(data["yes_words"]),
            no_words=frozenset(data["no_words"]),
            name_patterns=patterns("name_patterns"),
            name_reply_patterns=patterns("name_reply_patterns"),
            not_names=frozenset(data["not_names"]),
            backchannels=frozenset(data["backchannels"]),
        )


def _words(text: str) -> list[str]:
    return re.findall(WORD, text.lower())


def _starts_with_phrase(words: list[str], phrases: tuple[str, ...] | frozenset[str]) -> bool:
    joined = " ".join(words)
    return any(joined == p or joined.startswith(p + " ") for p in phrases)


class CoreAnnotator:
    """Tokens, noun phrases, entities and speech-act flags for one utterance."""

    def __init__(self, nlp: "Language", rules: LanguageRules | None = None, reader: Understanding | None = None) -> None:
        self.nlp = nlp
        self.rules = rules or LanguageRules.load()
        self.reader = reader or understanding()

    @cached_property
    def _has_parser(self) -> bool:
        return "parser" in self.nlp.pipe_names

    def annotate(self, clean: CleanText, *, is_launch: bool = False, expecting: str | None = None) -> Annotations:
        ann = Annotations(text=clean.text, raw_length=clean.raw_length, truncated=clean.truncated, is_launch=is_launch)
        if is_launch:
            return ann
        if not has_words(clean.text):
            ann.is_empty = True
            return ann
        ann.is_english = latin_share(clean.text) >= 0.5
        doc = self.nlp(clean.text)
        ann.tokens = [t.text for t in doc if not t.is_space]
        if self._has_parser:
            ann.noun_phrases = _distinct(chunk.text for chunk in doc.noun_chunks if not _is_pronoun_chunk(chunk))
        ann.entities = [Entity(e.text, e.label_) for e in doc.ents]
        self._speech_acts(ann, doc)
        ann.user_name = self.extract_name(clean.text, ann, expecting_name=expecting == "name")
        ann.reading = self.reader.read(ann)
        return ann

    def _speech_acts(self, ann: Annotations, doc: Any) -> None:
        r = self.rules
        # Each sentence can carry its own act: "i like dogs do you" is a statement then a question.
        sentences = [s.text for s in doc.sents] if doc.has_annotation("SENT_START") else [ann.text]
        for sentence in sentences:
            words = _words(sentence)
            if not words:
                continue
            lowered = " ".join(words)
            exclamation = any(lowered.startswith(p.strip()) for p in r.not_question_prefixes)
            if sentence.rstrip().endswith("?") or (words[0] in r.question_starts and not exclamation):
                ann.is_question = True
            if words[0] in r.yes_no_starts and len(words) > 1:
                ann.is_question = ann.is_yes_no_question = True
        words = _words(ann.text)
        if words:
            lowered = " ".join(words)
            if len(words) > 2 and any(lowered.endswith(" " + ending) for ending in r.question_endings):
                ann.is_question = True
            exception = _starts_with_phrase(words, r.command_exceptions)
            if not exception and (_starts_with_phrase(words, r.command_starts) or self._imperative(doc)):
                ann.is_command = True
            ann.is_yes = words[0] in r.yes_words or _starts_with_phrase(words, r.yes_words)
            ann.is_no = words[0] in r.no_words or _starts_with_phrase(words, r.no_words)
            ann.is_backchannel = lowered in r.backchannels

    def _imperative(self, doc: Any) -> bool:
        """A sentence opening with a base-form verb that heads it ("tell me a joke", "guess my age")."""
        if not self._has_parser or len(doc) < 2:
            return False
        first = doc[0]
        return first.tag_ == "VB" and first.dep_ == "ROOT" and first.lower_ not in self.rules.yes_no_starts

    def extract_name(self, text: str, ann: Annotations, *, expecting_name: bool) -> str | None:
        """A name the user states; bare replies ("sam", "i'm sam") count only right after the bot asked."""
        lowered = " ".join(_words(text.replace("’", "'")))
        patterns = self.rules.name_patterns + (self.rules.name_reply_patterns if expecting_name else ())
        for pattern in patterns:
            match = pattern.match(lowered)
            if match:
                name = self._valid_name(match.group("name"), ann)
                if name:
                    return name
        return None

    def _valid_name(self, phrase: str, ann: Annotations) -> str | None:
        words = [w for w in phrase.split() if w not in ("and", "but", "so", "actually", "just")]
        if not words:
            return None
        first = words[0].strip("'")
        if first in self.rules.not_names or not first.isalpha() or not 2 <= len(first) <= 20:
            return None
        # A long reply is a sentence, not a name, unless spaCy saw a person in it.
        people = [e.text for e in ann.entities if e.label == "PERSON"]
        if len(words) > 3 and not people:
            return None
        if people and people[0].lower().split()[0] == first:
            return people[0].split()[0].capitalize()
        return first.capitalize()


def _is_pronoun_chunk(chunk: Any) -> bool:
    return len(chunk) == 1 and chunk[0].pos_ == "PRON"


def _distinct(items: Any) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())
