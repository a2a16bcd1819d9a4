"""The topic index: which topics the bot can talk about, built once and shared with every responder.

Responders never see each other. A responder that runs a topic describes it (``Responder.topics``)
and the bot gathers the descriptions into one ``TopicIndex`` handed to every turn through
``TurnContext.topics``: "does the user's phrase name a topic?", "which topic opens next in this
conversation?" are answered here, not by scanning peers.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from chirpy.content import normalise


@dataclass(frozen=True)
class Topic:
    """One topic some responder can open."""

    name: str  # the topic id, as logged ("movies")
    responder: str  # the responder that runs it
    keywords: re.Pattern[str]  # whole-word patterns over normalised text (see ``chirpy.content.normalise``)
    salient_words: int = 12  # an utterance up to this long naming the topic is *about* it

    def mentions(self, normalised: str) -> bool:
        return bool(self.keywords.search(normalised))

    def is_keyword(self, word: str) -> bool:
        """Is ``word`` only a topic word ("work", "movies"), not a thing named?"""
        return bool(self.keywords.fullmatch(word))

    def hits(self, normalised: str) -> int:
        """How many different words of the topic the utterance uses."""
        return len({m.group(0) for m in self.keywords.finditer(normalised)})

    def salient(self, normalised: str, strict: bool = False) -> bool:
        """Is the topic what the user is talking about, not a word in passing? A short utterance
        naming it, or a longer one naming it at least twice ("football", "the nfl"). ``strict``
        (to pull the user away from another live topic): very short, or named twice."""
        hits = self.hits(normalised)
        short = self.salient_words - 4 if strict else self.salient_words
        return bool(hits) and (len(normalised.split()) <= short or hits >= 2)


class TopicIndex:
    """Every enabled topic, in the declared responder order, plus the per-conversation rotation."""

    def __init__(self, topics: Iterable[Topic] = (), seed: int = 0) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self.seed = seed
        self._by_responder = {t.responder: t for t in self.topics}
        # Asked by every topic responder in every prompt phase: shuffle once per conversation.
        self.rotation = functools.lru_cache(maxsize=256)(self._rotation)

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.topics)

    def __len__(self) -> int:
        return len(self.topics)

    def of_responder(self, responder: str) -> Topic | None:
        return self._by_responder.get(responder)

    def others(self, responder: str) -> list[Topic]:
        return [t for t in self.topics if t.responder != responder]

    def claiming(self, phrase: str) -> Topic | None:
        """The first topic whose words the phrase uses ("let's talk about *films*" → movies)."""
        normalised = normalise(phrase)
        return next((t for t in self.topics if t.mentions(normalised)), None)

    def mentioned(self, normalised: str) -> list[Topic]:
        return [t for t in self.topics if t.mentions(normalised)]

    def _rotation(self, seed_key: str) -> tuple[Topic, ...]:
        """The topics shuffled for this conversation: conversations don't all open with the same
        topic, yet a replay with the same seed opens them in the same order."""
        shuffled = list(self.topics)
        random.Random(f"{self.seed}:{seed_key}:topics").shuffle(shuffled)
        return tuple(shuffled)

    def next_to_open(self, seed_key: str, covered: Sequence[str]) -> Topic | None:
        """The first topic of the conversation's rotation (``ConversationState.seed_key``) not covered yet."""
        done = set(covered)
        return next((t for t in self.rotation(seed_key) if t.name not in done), None)
