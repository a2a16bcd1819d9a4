"""Reading factual questions ("who is X", "when was X formed", "do you know anything about bees")
and finding the stored sentence that answers one. The patterns are content
(``content/knowledge.toml`` [questions]); this module only applies them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from num2words import num2words

from chirpy.content import normalise
from chirpy.errors import ConfigError

_YEAR = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b|\b(?:january|february|march|april|may|june|july|august|september|"
                   r"october|november|december)\b|\bcentur(?:y|ies)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
                     r"hundred|thousand|million|billion|dozen)\b", re.IGNORECASE)
_PLACE = re.compile(r"\b(?:in|near|from|at|on) (?:the )?[A-Z]|\b(?:located|based|capital|lives|lived)\b")
_NAME = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+")
# Irregular forms a question and its answer often use differently ("who won" / "France wins").
_IRREGULAR = {"won": "win", "wins": "win", "winning": "win", "born": "birth", "wrote": "writ", "written": "writ",
              "sang": "sing", "sung": "sing", "began": "begin", "begun": "begin", "built": "build", "made": "make",
              "ran": "run", "flew": "fly", "grew": "grow", "grown": "grow", "ate": "eat", "eaten": "eat",
              "found": "find", "founded": "found", "invented": "invent", "inventor": "invent", "invention": "invent",
              "discovered": "discover", "discovery": "discover", "died": "die", "death": "die", "lives": "live",
              "lived": "live", "created": "creat", "creator": "creat", "directed": "direct", "director": "direct"}


@dataclass(frozen=True)
class FactualQuestion:
    kind: str  # "know_about" | "describe" | "open"
    subject: str  # what is asked about, lowercase: "radiohead", "who won the world cup in 2018"
    form: str | None  # for open questions: "when" | "where" | "how_many" | "who" | None
    quiz: bool  # asked as "do you know who ...": the reaction's "no idea, tell me" suits an unknown one


def _compile(patterns: Iterable[str], where: str) -> list[re.Pattern[str]]:
    try:
        return [re.compile(p) for p in patterns]
    except re.error as exc:
        raise ConfigError(f"{where}: bad pattern: {exc}") from None


class QuestionReader:
    def __init__(self, data: dict[str, Any], where: str) -> None:
        self.kinds = {kind: _compile(data[kind], f"{where} [questions] {kind}") for kind in ("know_about", "describe", "open")}
        self.forms = {form: _compile(data[form], f"{where} [questions] {form}") for form in ("when", "where", "how_many", "who")}
        self.not_factual = _compile(data["not_factual"], f"{where} [questions] not_factual")
        self.shares_fact = _compile(data["shares_fact"], f"{where} [questions] shares_fact")
        self.pronouns = tuple(sorted(data["pronouns"], key=len, reverse=True))
        self.question_only_words = frozenset(data["question_only_words"])
        self.thinking_aloud = _compile(data["thinking_aloud"], f"{where} [questions] thinking_aloud")

    def read(self, text: str) -> FactualQuestion | None:
        lowered = normalise(text)
        if not lowered or any(p.search(lowered) for p in self.shares_fact):
            return None
        for kind, patterns in self.kinds.items():
            for pattern in patterns:
                found = pattern.search(lowered)
                if not found:
                    continue
                subject = found.group("subject").strip()
                if kind != "know_about" and any(p.search(subject) for p in self.not_factual):
                    return None
                if kind == "know_about" and subject in ("it", "that", "this", "them"):
                    return None
                form = next((f for f, ps in self.forms.items() if any(p.search(subject) for p in ps)), None)
                quiz = kind == "open" and subject != lowered and not lowered.startswith(subject)
                return FactualQuestion(kind, subject, form, quiz)
        return None

    def mentions_pronoun(self, subject: str) -> bool:
        return any(re.search(rf"\b{re.escape(p)}\b", subject) for p in self.pronouns)


def stem(word: str) -> str:
    """A crude stem, the same for a question and its answer: "invented"/"inventing" -> "inven"."""
    word = word.lower()
    word = _IRREGULAR.get(word, word)
    return word[:5] if len(word) > 5 else word.rstrip("s") if len(word) > 3 else word


_CLITIC = re.compile(r"'(?:s|re|ve|ll|d|m)$")
SPELLED_UP_TO = 100  # "32 teams" is "thirty-two teams"; years and big figures stay digits


def content_words(text: str, function_words: frozenset[str]) -> list[str]:
    """The words that carry content: no function words, also when contracted ("that's", "i've"),
    no negations ("don't"), and small numbers spelled out as our facts spell them ("32" -> "thirty two")."""
    words: list[str] = []
    for word in normalise(text).split():
        if word.endswith("n't"):
            continue
        if word.isdigit() and int(word) <= SPELLED_UP_TO:
            words.extend(num2words(int(word)).replace("-", " ").split())
            continue
        base = _CLITIC.sub("", word)
        if base not in function_words and len(base) > 1:
            words.append(base)
    return words


def content_stems(text: str, function_words: frozenset[str]) -> set[str]:
    return {stem(w) for w in content_words(text, function_words)}


def answers_form(sentence: str, form: str | None) -> bool:
    if form == "when":
        return bool(_YEAR.search(sentence))
    if form == "where":
        return bool(_PLACE.search(sentence))
    if form == "how_many":
        return bool(_NUMBER.search(sentence))
    if form == "who":
        return bool(_NAME.search(sentence))
    return True


def best_answer(question_stems: set[str], sentences: Iterable[str], form: str | None,
                function_words: frozenset[str]) -> tuple[str, float] | None:
    """The sentence that answers: it shares the question's content words (all of them when there
    are one or two, else all but one) and has the kind of thing asked for (a year for "when")."""
    if not question_stems:
        return None
    needed = len(question_stems) if len(question_stems) <= 2 else len(question_stems) - 1
    best: tuple[str, float] | None = None
    for sentence in sentences:
        overlap = len(question_stems & content_stems(sentence, function_words))
        if overlap < needed or not answers_form(sentence, form):
            continue
        score = overlap / len(question_stems) - len(sentence) / 10000  # shorter wins a tie: easier to say
        if best is None or score > best[1]:
            best = (sentence, score)
    return best
