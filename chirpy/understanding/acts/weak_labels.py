"""Labels for speech-like text taken from the typed original: its punctuation and its words.

Typed Topical-Chat messages are made speech-like (lowercase, no punctuation); their labels come
from what was removed. A gap with "?" ends a question, ".", "!", ";" or a line break ends a
sentence. One more split: a question's last clause after a comma is its own segment when it opens
like a question ("i do, do you?" is a yes then a question; "hi, how are you?" a greeting then a
question). The other acts come from the same rules the classifier uses, applied to these gold
segments, so a held-out comparison measures what the lost punctuation costs. One refinement unless
``strict``: a sentence typed without "?" that opens like a question ("do you like it.", "how about
you") counts as one, and so does such a clause after a comma, split off ("that is odd, i wonder why
they quit.").
"""

from __future__ import annotations

from dataclasses import dataclass

from chirpy.understanding.acts.rules import ActRules
from chirpy.understanding.acts.speech import COMMA, NONE, QUESTION, plain, read_punctuation


@dataclass
class WeakLabel:
    words: list[str]  # plain speech-like words
    spans: list[tuple[int, int]]  # gold segments [start, end)
    questions: list[bool]
    acts: list[list[str]]

    @property
    def boundaries(self) -> list[int]:
        """1 where a segment ends after word i, for every gap between words."""
        ends = {end for _, end in self.spans}
        return [int(i + 1 in ends) for i in range(len(self.words) - 1)]

    @property
    def utterance_acts(self) -> set[str]:
        return {act for acts in self.acts for act in acts}


def weak_label(text: str, rules: ActRules, *, strict: bool = False) -> WeakLabel | None:
    """Gold segments and acts of a typed message; ``strict``: a question only where "?" was typed."""
    punctuated = read_punctuation(text)
    if not punctuated.tokens:
        return None
    words = [plain(t) for t in punctuated.tokens]
    spans: list[tuple[int, int]] = []
    questions: list[bool] = []
    start = 0
    for i, end in enumerate(punctuated.ends):
        if end in (NONE, COMMA) and i + 1 < len(words):
            continue
        is_question = end == QUESTION
        if is_question:
            split = _question_clause(words, punctuated.ends, start, i + 1, rules)
        else:  # "i heard he nearly quit, i wonder how that would have gone." asks as much as it tells
            split = None if strict else _typed_question_clause(words, punctuated.ends, start, i + 1, rules)
            is_question = split is not None
        if split is not None:
            spans.append((start, split))
            questions.append(False)
            start = split
        spans.append((start, i + 1))
        questions.append(is_question or (not strict and rules.typed_question(words[start: i + 1])))
        start = i + 1
    acts = [rules.segment_acts(words[a:b], question=q, first=k == 0) for k, ((a, b), q) in enumerate(zip(spans, questions))]
    return WeakLabel(words, spans, questions, acts)


def _question_clause(words: list[str], ends: list[str], start: int, end: int, rules: ActRules) -> int | None:
    """Where the question clause of a sentence ending in "?" starts, if after a comma inside it."""
    for i in range(end - 2, start - 1, -1):
        if ends[i] != COMMA:
            continue
        rest = rules.strip(words[i + 1: end], answers=True)
        text = " ".join(rest)
        if rest and (rest[0] in rules.wh_words or rest[0] in rules.aux_words or any(p.search(text) for p in rules.hand_back)):
            return i + 1
        return None  # only the last clause is considered: earlier commas belong to the question
    return None


def _typed_question_clause(words: list[str], ends: list[str], start: int, end: int, rules: ActRules) -> int | None:
    """Where the question of a sentence typed without "?" starts: at the first clause after a comma
    that opens like one ("its ok, did you know ...", "that is strange, i wonder why ..."), and on to
    the sentence's end ("ya thats weird, i wonder if it helps them, i think it would"). Spoken, the
    comma is gone and the clause is heard as it would be alone; labelled that way, the labels say of
    a clause what ``typed_question`` says of a sentence, wherever the typist put the comma."""
    if rules.typed_question(words[start:end]):
        return None  # the whole sentence already opens like a question
    return next((i + 1 for i in range(start, end - 1)
                 if ends[i] == COMMA and _asks(words[i + 1:end], rules)), None)


def _asks(clause: list[str], rules: ActRules) -> bool:
    """Does a clause after a comma open like a question? A wh-word there most often starts a
    relative clause ("they still use it, which is great", "brady, who won it twice"), so one counts
    only when it asks the listener ("which one do you like")."""
    body = rules.strip(clause, answers=True)
    if body and body[0] in rules.wh_words and "you" not in body[1:4]:
        return False
    return rules.typed_question(clause)
