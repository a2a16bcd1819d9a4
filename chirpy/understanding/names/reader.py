"""Reading the user's name from what they say, and only when they are saying their name.

Four kinds of evidence, from strongest to weakest (patterns in ``content/names.toml``):

- explicit introductions ("my name is will", "call me al"), anywhere in the utterance: the word is
  taken unless it is plainly not a name (an adjective or adverb in context, "call me crazy"; a word on
  the ``not_names`` list).
- corrections ("no it's bea"), only right after the bot used the name it knew.
- answers to the name question ("sam", "it's grace", "i'm will"): a listed first name, or a rare
  word spaCy does not read as a verb or adjective ("miso"); a listed name that is also a common
  word ("will", "grace", "mark") only when nothing but an allowed word follows it.
- weak introductions outside that question ("i'm sam", "this is priya"): only a listed name that is
  not a common word, standing alone. "i'm obsessed with football" and "i'm good" never qualify.

Other people's and pets' names never match: every pattern names the speaker ("my name", "call
me", "i'm"), never "her name is" or "my dog's name is".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from chirpy.understanding.names.lexicon import NameLexicon

NAMES_FILE = Path(__file__).parent / "content" / "names.toml"
_NAME = r"(?P<name>[^\W\d_][\w'-]*)"
# Parts of speech that say a word is being used as something other than a name.
_NOT_NAME_POS = frozenset({"ADJ", "ADV", "ADP", "DET", "PRON", "SCONJ", "CCONJ", "NUM", "PART", "INTJ"})
EXPLICIT, CORRECTION, ANSWER, WEAK = "explicit", "correction", "answer", "weak"


@dataclass(frozen=True)
class WordInfo:
    """What the parser said about one word of the utterance."""

    pos: str | None = None
    tag: str | None = None
    person: bool = False


@dataclass(frozen=True)
class NameContext:
    """What the conversation says about this turn."""

    expecting_name: bool = False  # the bot's last line asked for the name
    known_name: str | None = None
    bot_used_name: bool = False  # the bot's last line said the known name


@dataclass(frozen=True)
class NameReading:
    name: str
    how: str  # EXPLICIT, CORRECTION, ANSWER or WEAK


@dataclass
class NameRules:
    explicit: tuple[re.Pattern[str], ...]
    weak: tuple[re.Pattern[str], ...]
    answer: tuple[re.Pattern[str], ...]
    correction: tuple[re.Pattern[str], ...]
    after_name: frozenset[str]
    openers: tuple[tuple[str, ...], ...]
    not_names: frozenset[str]
    common_from: float
    rare_below: float
    lexicon: NameLexicon = field(repr=False, default_factory=lambda: NameLexicon(()))

    @classmethod
    def load(cls, path: Path = NAMES_FILE) -> "NameRules":
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))

        def compile_all(key: str) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(p.replace("{name}", _NAME)) for p in data[key])

        return cls(compile_all("explicit"), compile_all("weak"), compile_all("answer"), compile_all("correction"),
                   frozenset(data["after_name"]),
                   tuple(sorted((tuple(o.split()) for o in data["openers"]), key=len, reverse=True)),
                   frozenset(data["not_names"]), float(data["common_from"]),
                   float(data["rare_below"]), NameLexicon(data["locales"], data.get("also_names", ())))


class NameReader:
    def __init__(self, rules: NameRules | None = None) -> None:
        self.rules = rules or NameRules.load()

    def warm(self) -> None:
        """Load the name list and word frequencies now (a second or two), not on a user's turn."""
        _ = self.rules.lexicon.first_names
        self.rules.lexicon.zipf("name")

    def read(self, text: str, words: dict[int, WordInfo], context: NameContext) -> NameReading | None:
        """The name the user gives in ``text`` (lowercase words joined by single spaces).

        ``words`` maps a character offset in ``text`` to what the parser said about the word there."""
        r = self.rules
        opening = self._opening(text)
        shift = len(text) - len(opening)  # offsets in ``opening`` map back into ``text``
        tries: list[tuple[str, re.Pattern[str], str, int]] = [(EXPLICIT, p, text, 0) for p in r.explicit]
        if context.bot_used_name:
            tries += [(CORRECTION, p, opening, shift) for p in r.correction]
        if context.expecting_name:
            tries += [(ANSWER, p, opening, shift) for p in (*r.weak, *r.answer)]
        else:
            tries += [(WEAK, p, opening, shift) for p in r.weak]
        for how, pattern, target, offset in tries:
            for match in pattern.finditer(target):
                word = match.group("name")
                after = target[match.end("name"):].split()
                info = words.get(match.start("name") + offset, WordInfo())
                if self.plausible(word, how, info, next_word=after[0] if after else None):
                    return NameReading(_capitalise(word), how)
        return None

    def _opening(self, text: str) -> str:
        """The text after leading fillers and greetings ("um hi i'm sam" -> "i'm sam")."""
        words = text.split()
        changed = True
        while changed and words:
            changed = False
            for opener in self.rules.openers:
                if tuple(words[: len(opener)]) == opener:
                    words, changed = words[len(opener):], True
                    break
        return " ".join(words)

    def plausible(self, word: str, how: str, info: WordInfo, *, next_word: str | None) -> bool:
        r = self.rules
        if "'" in word or not 2 <= len(word) <= 20 or word in r.not_names:
            return False
        listed = r.lexicon.is_first_name(word)
        zipf = r.lexicon.zipf(word)
        common = zipf >= r.common_from if listed else zipf >= r.rare_below
        ends = next_word is None or next_word in r.after_name
        used_otherwise = info.pos in _NOT_NAME_POS or info.tag in ("VBG", "VBN", "VBD")
        if how == EXPLICIT:  # "call me crazy": an adjective that is also a common word is not a name
            return listed or info.person or not (used_otherwise and zipf >= r.rare_below)
        if how in (ANSWER, CORRECTION):
            if listed:
                return ends or not common
            return ends and (info.person or (not common and not used_otherwise and info.pos != "VERB"))
        return listed and not common and ends  # WEAK: an unprompted "i'm sam"


def _capitalise(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


@lru_cache(maxsize=1)
def default_reader() -> NameReader:
    """The shipped rules and lexicon, loaded and warmed once per process."""
    reader = NameReader()
    reader.warm()
    return reader
