"""Cleaning raw user input before anything else sees it.

Voice assistants send lowercase ASR text, but HTTP clients and terminals can send anything: pasted
novels, control characters, emoji, other scripts. Every responder relies on this one place to make
the text safe and bounded, so no responder has to defend itself.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
# A word: letters and digits in any script, with inner apostrophes ("don't", "maría").
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


@dataclass(frozen=True)
class CleanText:
    text: str
    raw_length: int
    truncated: bool


def clean_user_text(raw: str | None, max_chars: int) -> CleanText:
    """Normalise, drop control/format characters, collapse whitespace, cut at a word boundary."""
    if raw is None:
        return CleanText("", 0, False)
    raw_length = len(raw)
    # Cutting before normalising bounds the work done on a 100,000-character paste.
    text = raw[: max_chars * 4]
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cf", "Co", "Cs", "Cn")
    )
    text = _SPACES.sub(" ", text).strip()
    truncated = raw_length > max_chars and len(text) > max_chars
    if len(text) > max_chars:
        cut = text[:max_chars]
        space = cut.rfind(" ")
        text = cut[:space] if space > max_chars // 2 else cut
    return CleanText(text, raw_length, truncated or raw_length > max_chars * 4)


def has_words(text: str) -> bool:
    """True when the text contains at least one letter or digit (emoji-only input does not)."""
    return any(ch.isalnum() for ch in text)


def latin_share(text: str) -> float:
    """Share of letters that are Latin script: a cheap signal that the user is not speaking English."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return latin / len(letters)


@functools.lru_cache(maxsize=1024)
def normalise_for_comparison(text: str) -> str:
    """Lowercase, letters and digits only: two utterances equal under this are 'the same thing said'.

    Cached: asked of every phrasing option of every responder, most of them lines said before."""
    return " ".join(WORD.findall(text.lower()))


def is_acronym_of(said: str, title: str) -> bool:
    """"nfl" for "National Football League": the initials of its capitalised words."""
    initials = "".join(word[0] for word in title.split() if word[:1].isupper())
    return said.isalpha() and 2 <= len(said) <= 5 and said.lower() == initials.lower()


def spoken_name(said: str, title: str) -> str:
    """How to say a linked name back mid-sentence: "the NFL" when they said its acronym, else its title."""
    return f"the {said.upper()}" if is_acronym_of(said, title) else title
