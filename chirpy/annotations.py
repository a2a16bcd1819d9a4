"""What the bot knows about one user utterance, computed once per turn and shared by every part.

The core annotator fills the linguistic fields (spaCy tokens, noun phrases, entities), the
language, the dialogue acts (``chirpy/understanding/acts``: learned on speech-like text, so they
work on ASR output with no punctuation) and the flags derived from them (question / yes-no /
command / yes / no / back-channel), and a name the user gave (``chirpy/understanding/names``). Feature
annotators registered in ``chirpy.registry.annotators`` (offense, dissatisfaction, ...) add their
own fields afterwards.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chirpy.content import normalise
from chirpy.store.fields import LogField
from chirpy.text import WORD, CleanText, has_words, latin_share
from chirpy.understanding import Reading, Understanding, understanding
from chirpy.understanding.acts import vocabulary as acts_vocabulary
from chirpy.understanding.acts.classifier import DialogueActClassifier, Segment, default_classifier
from chirpy.understanding.facts import Fact
from chirpy.understanding.gazetteer import Gazetteer, TopicMention, gazetteer
from chirpy.understanding.language.identifier import ENGLISH, UNKNOWN, LanguageIdentifier, default_identifier
from chirpy.understanding.names.reader import NameContext, NameReader, WordInfo, default_reader

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger("chirpy.annotations")


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
    named_in_full: bool = False  # by its whole name or an alias ("bruno mars"), not one word of it ("mars")


@dataclass
class Annotations:
    """Fields are plain data so a turn's annotations can be logged as JSON and read back by eval."""

    text: str
    raw_length: int = 0
    truncated: bool = False
    is_launch: bool = False  # the bot's opening turn: there is no user utterance
    is_empty: bool = False  # nothing with letters or digits (silence, emoji, punctuation)
    is_english: bool = True
    language: str = ENGLISH  # ISO 639-1 code of what the user spoke; "und" for an unknown script
    tokens: list[str] = field(default_factory=list)
    noun_phrases: list[str] = field(default_factory=list)
    # What the utterance is about, as text: normalised, with nouns that only modify another noun left out
    # ("tea" in "the tea party movement", "school" in "high school football": neither food nor school).
    # Topic words and everyday things are looked for in it.
    about_text: str = ""
    entities: list[Entity] = field(default_factory=list)
    # Dialogue acts: every act of the utterance once, in order (vocabulary in
    # chirpy/understanding/acts/vocabulary.py), and the segments they came from.
    acts: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    # Derived from ``acts``, for the readers that only need a yes or no.
    is_question: bool = False
    is_yes_no_question: bool = False
    is_command: bool = False
    is_yes: bool = False
    is_no: bool = False
    is_backchannel: bool = False  # the whole utterance is a nod ("mhm", "oh wow"), nothing more
    user_name: str | None = None  # a name the user stated in this utterance
    reading: Reading = field(default_factory=Reading)  # how they said it (mood, feeling, fact, ...): chirpy.understanding
    name_source: str | None = None  # how it was said: explicit, answer, correction or weak (chirpy/understanding/names)
    # Filled by feature annotators (classifiers/); None / empty means "not computed or nothing found".
    offense: dict[str, Any] | None = None
    dissatisfaction: list[str] = field(default_factory=list)
    linked_entities: list[LinkedEntity] = field(default_factory=list)  # best first
    # Names of a topic's people, teams, bands, shows, places (chirpy/understanding/gazetteer): routes
    # the conversation where the linker has nothing.
    topic_mentions: list[TopicMention] = field(default_factory=list)
    # What the user said about themselves in this utterance (chirpy/understanding/facts), read after
    # every annotator (it uses the linked entities); the bot adds them to ``ConversationState.user_facts``.
    user_facts: list[Fact] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lower(self) -> str:
        return self.text.lower()

    def has_act(self, *acts: str) -> bool:
        return any(act in self.acts for act in acts)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# The annotation fields eval reads back from the log, declared beside what writes them.
TOKENS_FIELD = LogField("annotations", ("tokens",), "chirpy.annotations")
NOUN_PHRASES_FIELD = LogField("annotations", ("noun_phrases",), "chirpy.annotations")
IS_EMPTY_FIELD = LogField("annotations", ("is_empty",), "chirpy.annotations")
USER_FACTS_FIELD = LogField("annotations", ("user_facts",), "chirpy.understanding.facts")
TOPIC_MENTIONS_FIELD = LogField("annotations", ("topic_mentions",), "chirpy.understanding.gazetteer")


class CoreAnnotator:
    """Tokens, noun phrases, entities, language, dialogue acts and a stated name for one utterance."""

    def __init__(
        self, nlp: "Language", *, acts: DialogueActClassifier | None = None, names: NameReader | None = None,
        language: LanguageIdentifier | None = None, reader: Understanding | None = None,
        names_by_topic: Gazetteer | None = None,
    ) -> None:
        self.nlp = nlp
        self.acts = acts or default_classifier()
        self.names = names or default_reader()
        self.language = language or default_identifier()
        self.reader = reader or understanding()
        self.gazetteer = names_by_topic or gazetteer()

    @cached_property
    def _has_parser(self) -> bool:
        return "parser" in self.nlp.pipe_names

    def annotate(
        self, clean: CleanText, *, is_launch: bool = False, expecting: str | None = None,
        known_name: str | None = None, last_bot_text: str | None = None,
    ) -> Annotations:
        """``expecting``: what the bot's last line asked for ("name", ...); ``known_name`` and
        ``last_bot_text`` let the user correct a name the bot just used ("no, it's bea")."""
        ann = Annotations(text=clean.text, raw_length=clean.raw_length, truncated=clean.truncated, is_launch=is_launch)
        if is_launch:
            return ann
        if not has_words(clean.text):
            ann.is_empty = True
            return ann
        try:
            ann.language = self.language.identify(clean.text)
        except Exception as exc:  # noqa: BLE001 — a turn never fails because language ID did
            log.warning("language identification failed: %s", exc)
            ann.language = ENGLISH if latin_share(clean.text) >= 0.5 else UNKNOWN
        ann.is_english = ann.language == ENGLISH
        doc = self.nlp(clean.text)
        ann.tokens = [t.text for t in doc if not t.is_space]
        if self._has_parser:
            ann.noun_phrases = _distinct(chunk.text for chunk in doc.noun_chunks if not _is_pronoun_chunk(chunk))
            ann.about_text = normalise(_blank_modifiers(clean.text, doc))  # (without a parser, readers use the text)
        ann.entities = [Entity(e.text, e.label_) for e in doc.ents]
        self._speech_acts(ann, doc)
        if ann.is_english:  # another language's words are never echoed back as a name
            bot_used_name = bool(known_name and last_bot_text and known_name.lower() in last_bot_text.lower())
            context = NameContext(expecting == "name", known_name, bot_used_name)
            ann.user_name, ann.name_source = self.extract_name(clean.text, doc, context)
        ann.reading = self.reader.read(ann)
        ann.topic_mentions = self.gazetteer.find(clean.text)
        return ann

    def _speech_acts(self, ann: Annotations, doc: Any) -> None:
        # A base-form verb heading its clause ("tell me a joke", "guess my age") makes a command.
        imperative_at = frozenset(t.idx for t in doc if t.tag_ == "VB" and t.dep_ == "ROOT") if self._has_parser else frozenset()
        result = self.acts.classify(ann.text, imperative_at=imperative_at)
        v = acts_vocabulary
        ann.segments, ann.acts = result.segments, result.acts
        ann.is_question = ann.has_act(*v.QUESTION_ACTS)
        ann.is_yes_no_question = ann.has_act(v.YES_NO_QUESTION)
        ann.is_command = ann.has_act(v.COMMAND)
        ann.is_yes = ann.has_act(v.POS_ANSWER)
        ann.is_no = ann.has_act(v.NEG_ANSWER)
        ann.is_backchannel = bool(result.segments) and all(v.BACK_CHANNEL in s.acts for s in result.segments)

    def extract_name(self, text: str, doc: Any, context: NameContext) -> tuple[str | None, str | None]:
        """A name the user states, and how they stated it (see chirpy/understanding/names/reader.py)."""
        matches = list(re.finditer(WORD, text.replace("’", "'")))
        by_offset = {t.idx: t for t in doc}
        people = {t.idx for e in doc.ents if e.label_ == "PERSON" for t in e}
        words: dict[int, WordInfo] = {}
        lowered, position = [], 0
        for match in matches:
            token = by_offset.get(match.start())
            if token is not None:
                words[position] = WordInfo(token.pos_ or None, token.tag_ or None, token.idx in people)
            lowered.append(match.group().lower())
            position += len(match.group()) + 1
        reading = self.names.read(" ".join(lowered), words, context)
        return (reading.name, reading.how) if reading else (None, None)


def _blank_modifiers(text: str, doc: Any) -> str:
    """The text with each noun that only modifies a later noun ("college" in "the college game") blanked."""
    chars = list(text)
    for token in doc:
        if token.dep_ == "compound" and token.head.i > token.i and token.head.pos_ in ("NOUN", "PROPN"):
            chars[token.idx:token.idx + len(token.text)] = "_" * len(token.text)
    return "".join(chars)


def _is_pronoun_chunk(chunk: Any) -> bool:
    return len(chunk) == 1 and chunk[0].pos_ == "PRON"


def _distinct(items: Any) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())
