"""The acts read from a segment's words: the kind of question, greetings, closings, answers, ...

Whether a segment is a question at all is the model's call (speech text has no "?"); these rules
say which kind, and find the acts the data has too few of to learn. They run identically on the
weak labels' gold segments and on predicted ones, so the held-out figures measure what losing the
punctuation costs. The word lists live in ``content/acts.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chirpy.understanding.acts import vocabulary as v
from chirpy.understanding.acts.speech import plain

ACTS_FILE = Path(__file__).parent / "content" / "acts.toml"
Phrase = tuple[str, ...]
# Acts that say something of their own: a segment with one of them is not also a plain statement.
_CONTENT_ACTS = frozenset({v.OPINION, v.GREETING, v.CLOSING, v.COMPLAINT, v.TOPIC_SWITCH, v.DONT_KNOW, v.COMMAND,
                           v.BACK_CHANNEL}) | v.QUESTION_ACTS
_PATTERN_ACTS = (v.GREETING, v.CLOSING, v.COMPLAINT, v.TOPIC_SWITCH, v.DONT_KNOW, v.OPINION)


class Phrases:
    """Word sequences, looked up by their first word: "does this segment open with one of them?"."""

    def __init__(self, items: list[str]) -> None:
        by_first: dict[str, list[Phrase]] = {}
        for item in items:
            phrase = tuple(plain(w) for w in item.split())
            by_first.setdefault(phrase[0], []).append(phrase)
        # Longest first, so "oh really" is consumed before "oh".
        self._by_first = {w: tuple(sorted(p, key=len, reverse=True)) for w, p in by_first.items()}
        self.all = frozenset(p for group in self._by_first.values() for p in group)

    def starts(self, words: list[str]) -> Phrase | None:
        if not words:
            return None
        for phrase in self._by_first.get(words[0], ()):
            if tuple(words[: len(phrase)]) == phrase:
                return phrase
        return None


def _compile(items: list[str]) -> tuple[re.Pattern[str], ...]:
    # One alternation per list: a segment is searched once per act, not once per pattern.
    return (re.compile("|".join(f"(?:{p})" for p in items)),) if items else ()


@dataclass(frozen=True)
class ActRules:
    fillers: Phrases
    answer_openers: Phrases
    wh_words: frozenset[str]
    aux_words: frozenset[str]
    not_knowing_ends: frozenset[Phrase]
    listener: tuple[re.Pattern[str], ...]
    hand_back: tuple[re.Pattern[str], ...]
    typed_without_mark: tuple[re.Pattern[str], ...]
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    not_command: tuple[re.Pattern[str], ...]
    yes_openers: Phrases
    yes_whole: frozenset[Phrase]
    no_openers: Phrases
    no_whole: frozenset[Phrase]
    not_answers: Phrases
    back_channel: Phrases

    @classmethod
    def load(cls, path: Path = ACTS_FILE) -> "ActRules":
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        questions, acts, answers = data["questions"], data["acts"], data["answers"]
        return cls(
            fillers=Phrases(data["fillers"]),
            answer_openers=Phrases(data["answer_openers"]),
            wh_words=frozenset(questions["wh_words"]),
            aux_words=frozenset(questions["aux_words"]),
            not_knowing_ends=frozenset(tuple(plain(w) for w in item.split()) for item in questions["not_knowing_ends"]),
            listener=_compile(questions["listener"]),
            hand_back=_compile(questions["hand_back"]),
            typed_without_mark=_compile(questions["typed_without_mark"]),
            patterns={act: _compile(acts[act]) for act in (*_PATTERN_ACTS, v.COMMAND)},
            not_command=_compile(acts["not_command"]),
            yes_openers=Phrases(answers["yes_openers"]),
            yes_whole=Phrases(answers["yes_whole"]).all,
            no_openers=Phrases(answers["no_openers"]),
            no_whole=Phrases(answers["no_whole"]).all,
            not_answers=Phrases(answers["not_answers"]),
            back_channel=Phrases(data["back_channel"]["words"]),
        )

    # -- reading one segment ---------------------------------------------------------------------
    def strip(self, words: list[str], *, answers: bool = False) -> list[str]:
        """The words after leading fillers (and, with ``answers``, leading "yeah", "no", "hi", ...)."""
        lists = (self.fillers, self.answer_openers) if answers else (self.fillers,)
        changed = True
        while changed and words:
            changed = False
            for phrases in lists:
                found = phrases.starts(words)
                if found and len(found) < len(words):
                    words, changed = words[len(found):], True
        return words

    def question_kind(self, words: list[str]) -> str:
        body = self.strip(words, answers=True)
        text = " ".join(body)
        if any(p.search(text) for p in self.hand_back):
            return v.OPEN_QUESTION
        start = body[2:] if body[:2] == ["i", "wonder"] else body  # "i wonder why ...?"
        first = start[0] if start else ""
        if first in self.wh_words:
            return v.OPEN_QUESTION if any(p.search(text) for p in self.listener) else v.WH_QUESTION
        tail = " ".join(body[-3:])
        if any(p.search(tail) or p.search(" ".join(body[-2:])) for p in self.hand_back[:2]):
            return v.OPEN_QUESTION  # "i love football what about you" left unsplit
        return v.YES_NO_QUESTION  # aux-first, declarative ("you like jazz") or tag ("right") questions

    def typed_question(self, words: list[str]) -> bool:
        """A sentence typed without "?" that opens like a question ("do you like it.")."""
        text = " ".join(self.strip([plain(w) for w in words], answers=True))
        return any(p.search(text) for p in self.typed_without_mark)

    def asks_to_switch(self, words: list[str]) -> bool:
        """A topic switch asked for ("can we talk about movies instead"): a request to follow, not a
        question to answer, whatever the question model reads into its auxiliary-first opening."""
        text = " ".join(self.strip([plain(w) for w in words], answers=True))
        return any(p.search(text) for p in self.patterns[v.TOPIC_SWITCH])

    def is_question(self, words: list[str], probability: float, threshold: float) -> bool:
        """The question model's call on a segment, with the two rules over it: a sentence that opens
        like a question is one, a request to switch topics is not."""
        if self.typed_question(words):
            return True
        return probability >= threshold and not self.asks_to_switch(words)

    def answer(self, words: list[str]) -> str | None:
        """pos_answer / neg_answer when the segment opens with yes or no."""
        body = tuple(self.strip(words))
        if self.not_answers.starts(list(body)):
            return None
        if body in self.no_whole or self.no_openers.starts(list(body)):
            return v.NEG_ANSWER
        if body in self.yes_whole or self.yes_openers.starts(list(body)):
            return v.POS_ANSWER
        return None

    def is_back_channel(self, words: list[str]) -> bool:
        rest = list(words)
        while rest:
            found = self.back_channel.starts(rest)
            if not found:
                return False
            rest = rest[len(found):]
        return bool(words)

    def segment_acts(self, words: list[str], *, question: bool, first: bool, imperative: bool = False) -> list[str]:
        """The acts of one segment (``words`` speech-like), in a fixed, documented order."""
        words = [plain(w) for w in words]
        body = self.strip(words)
        text = " ".join(body)
        acts: list[str] = [self.question_kind(words)] if question else []
        found = {act for act in _PATTERN_ACTS if any(p.search(text) for p in self.patterns[act])}
        if (any(p.search(text) for p in self.patterns[v.COMMAND]) or imperative) and not any(
                p.search(text) for p in self.not_command):
            found.add(v.COMMAND)
        if not question and self.is_back_channel(words):
            found.add(v.BACK_CHANNEL)
        answer = self.answer(words) if first and v.DONT_KNOW not in found else None
        if question and answer and len(self.strip(words, answers=True)) == len(words):
            answer = None  # "right?", "really?": a tag question, not a yes
        if answer:
            acts.append(answer)
        acts += [act for act in v.ACTS if act in found and act not in acts]
        if not question and not (found & _CONTENT_ACTS) and self._says_more(body, answer):
            acts.append(v.STATEMENT)
        return acts

    def _says_more(self, body: list[str], answer: str | None) -> bool:
        """Does the segment tell something beyond its yes or no ("yeah i went there last year")?"""
        if answer is None:
            return bool(body)
        openers = self.no_openers if answer == v.NEG_ANSWER else self.yes_openers
        rest = body
        while rest and (opener := openers.starts(rest) or self.fillers.starts(rest)):
            rest = rest[len(opener):]
        whole = self.no_whole if answer == v.NEG_ANSWER else self.yes_whole
        return bool(rest) and tuple(rest) not in whole and not self.is_back_channel(rest)
