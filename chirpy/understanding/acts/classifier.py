"""Dialogue acts of one utterance of speech text: split it into segments, then read each one.

Speech recognition gives lowercase words with no punctuation, several sentences run together
("i like dogs do you have any"). The boundary model restores where sentences end, the question
model says which segments are questions, and the rules (``rules.py``) say which kind of question
and find the other acts. Scoring is a few hundred hashed lookups: well under a millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from chirpy.text import WORD
from chirpy.understanding.acts import vocabulary as v
from chirpy.understanding.acts.features import all_boundary_features, hashed, segment_features
from chirpy.understanding.acts.model import ActModel
from chirpy.understanding.acts.rules import ActRules
from chirpy.understanding.acts.speech import plain

# Wh-words that carry no verb of their own ("whats" does: "whats up | do you ...").
_BARE_WH = frozenset("what which who whose whom how where when why".split())


@dataclass
class Segment:
    """One sentence-like piece of the utterance and its acts."""

    text: str
    acts: list[str]
    start: int  # character offsets in the utterance
    end: int
    question_probability: float = 0.0


@dataclass
class DialogueActs:
    segments: list[Segment] = field(default_factory=list)

    @property
    def acts(self) -> list[str]:
        """Every act of every segment, each once, in order of first appearance."""
        seen: dict[str, None] = {}
        for segment in self.segments:
            seen.update(dict.fromkeys(segment.acts))
        return list(seen)


class DialogueActClassifier:
    def __init__(self, model: ActModel | None = None, rules: ActRules | None = None) -> None:
        self.model = model or ActModel.load()
        self.rules = rules or ActRules.load()

    def classify(self, text: str, *, imperative_at: frozenset[int] = frozenset()) -> DialogueActs:
        """``imperative_at``: character offsets where a parser saw a base-form verb heading a clause
        ("tell me a joke"); a segment starting there is a command."""
        matches = list(re.finditer(WORD, text.replace("’", "'")))
        words = [plain(m.group().lower()) for m in matches]
        result = DialogueActs()
        spans = self.spans(words, self.boundary_probabilities(words))
        for k, (start, end) in enumerate(spans):
            probability = self.question_probability(words[start:end], last=k == len(spans) - 1)
            question = self.rules.is_question(words[start:end], probability, self.model.heads["question"].threshold)
            acts = self.rules.segment_acts(words[start:end], question=question, first=k == 0,
                                           imperative=not question and matches[start].start() in imperative_at)
            first, last = matches[start].start(), matches[end - 1].end()
            result.segments.append(Segment(text[first:last], acts, first, last, round(probability, 4)))
        return result

    def boundary_probabilities(self, words: list[str]) -> list[float]:
        """For each gap between two words: the probability that a sentence ends there."""
        if len(words) < 2:
            return []
        rows = all_boundary_features(words)  # every gap has the same number of features
        indices = hashed((f for row in rows for f in row), self.model.bits).reshape(len(rows), -1)
        return self.model.heads["boundary"].probabilities(indices).tolist()

    def spans(self, words: list[str], boundary_probabilities: list[float], threshold: float | None = None) -> list[tuple[int, int]]:
        """Token spans [start, end) of the predicted sentences."""
        if not words:
            return []
        threshold = self.model.heads["boundary"].threshold if threshold is None else threshold
        edges = [0, *(i + 1 for i, p in enumerate(boundary_probabilities) if p >= threshold), len(words)]
        spans: list[tuple[int, int]] = []
        for start, end in zip(edges, edges[1:]):
            if spans and words[start] in self.rules.aux_words and self._waits_for_verb(words[spans[-1][0]: spans[-1][1]]):
                spans[-1] = (spans[-1][0], end)  # "cool | which team | do you root for": one question
            elif spans and self._says_what_is_not_known(words[spans[-1][0]: spans[-1][1]], words[start:end]):
                spans[-1] = (spans[-1][0], end)  # "... painted it pink no idea | why": one statement
            else:
                spans.append((start, end))
        return spans

    def _waits_for_verb(self, words: list[str]) -> bool:
        """A short wh-phrase with no verb yet ("which team", "what kind of music"): the auxiliary
        after it is its own, not the start of another sentence. Question detection is the same with
        or without it (cross-validation on the tuning conversations: 0.903 both); the question is
        read whole, as the question about the listener it is, instead of as two."""
        body = self.rules.strip(words, answers=True)
        return bool(body) and body[0] in _BARE_WH and len(body) <= 4 and not set(body) & self.rules.aux_words

    def _says_what_is_not_known(self, before: list[str], clause: list[str]) -> bool:
        """Is ``clause`` what ``before`` says they do not know ("no idea | why", "not sure | how they
        did it")? A wh-word, then no auxiliary in second place: "why is that" asks a question of its own."""
        if not clause or clause[0] not in _BARE_WH or (len(clause) > 1 and clause[1] in self.rules.aux_words):
            return False
        return any(tuple(before[-len(end):]) == end for end in self.rules.not_knowing_ends)

    def question_probability(self, words: list[str], *, last: bool) -> float:
        body = self.rules.strip(words, answers=True)
        return self.model.heads["question"].probability(
            hashed(segment_features(words, body, last=last), self.model.bits))


@lru_cache(maxsize=1)
def default_classifier() -> DialogueActClassifier:
    """The shipped model and rules, loaded once per process."""
    return DialogueActClassifier()


__all__ = ["DialogueActClassifier", "DialogueActs", "Segment", "default_classifier", "v"]
