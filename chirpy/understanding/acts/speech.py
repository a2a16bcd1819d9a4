"""Speech-like text: what a voice assistant's speech recognition hands over.

Lowercase words with no punctuation. ``speech_tokens`` makes any text look like that; on typed
text, ``read_punctuation`` also keeps what the punctuation said about each gap between words, which
is where the weak labels come from (a "?" ends a question, "." or "!" ends a sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chirpy.text import WORD

NONE, COMMA, STOP, QUESTION = "", ",", ".", "?"
# A "." after these is not the end of a sentence ("dr. who", "the u.s. open", "3.5 million").
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "vs", "jr", "sr", "etc", "inc", "no", "vol", "approx", "mt"})


def speech_tokens(text: str) -> list[str]:
    """Lowercase words, inner apostrophes kept ("don't"), everything else dropped."""
    return re.findall(WORD, text.replace("’", "'").replace("‘", "'").lower())


def speech_form(text: str) -> str:
    return " ".join(speech_tokens(text))


def plain(word: str) -> str:
    """A word as rules and features see it: no apostrophes, so "don't" and "dont" are one word."""
    return word.replace("'", "")


@dataclass(frozen=True)
class PunctuatedText:
    """Speech-like tokens of a typed text, and what its punctuation said after each token."""

    tokens: list[str]
    ends: list[str]  # per token: NONE, COMMA, STOP or QUESTION (the last token always ends something)


def read_punctuation(text: str) -> PunctuatedText:
    text = text.replace("’", "'").replace("‘", "'")
    matches = list(re.finditer(WORD, text))
    tokens = [m.group().lower() for m in matches]
    ends: list[str] = []
    for i, match in enumerate(matches):
        gap = text[match.end(): matches[i + 1].start()] if i + 1 < len(matches) else text[match.end():]
        ends.append(_gap_kind(gap, tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None, last=i + 1 == len(matches)))
    return PunctuatedText(tokens, ends)


def _gap_kind(gap: str, before: str, after: str | None, *, last: bool) -> str:
    if "?" in gap:
        return QUESTION
    stops = any(ch in gap for ch in ".!;:\n") or last
    if stops and gap.strip() == "." and not last:
        # "3.5", "u.s.", "dr. who": a dot inside a number, an initial or after an abbreviation.
        if (before.isdigit() and after is not None and after.isdigit()) or len(before) == 1 or before in _ABBREVIATIONS:
            return NONE
    if stops:
        return STOP
    if "," in gap or " - " in gap or "—" in gap or "–" in gap:
        return COMMA
    return NONE
