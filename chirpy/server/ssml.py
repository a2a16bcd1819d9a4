"""Plain bot text → SSML that Alexa accepts: escaped, free of invalid characters, within 8,000 chars."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

SPEECH_LIMIT = 8000  # Alexa refuses an outputSpeech longer than this (the whole <speak> string)
_OPEN, _CLOSE = "<speak>", "</speak>"
_ENTITIES = {'"': "&quot;", "'": "&apos;"}
# Characters XML 1.0 forbids (control characters other than tab/newline/return, lone surrogates...).
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", _INVALID_XML.sub(" ", text)).strip()


def to_ssml(text: str, limit: int = SPEECH_LIMIT) -> str:
    """Escape ``text`` into ``<speak>…</speak>``; if too long, cut at a sentence (else word) boundary."""
    body = escape(clean(text), _ENTITIES)
    budget = limit - len(_OPEN) - len(_CLOSE)
    if len(body) > budget:
        body = _cut(clean(text), budget)
    return f"{_OPEN}{body}{_CLOSE}"


def _cut(text: str, budget: int) -> str:
    """The longest escaped prefix that fits, preferring to end on a whole sentence."""
    kept: list[str] = []
    used = 0
    for word in text.split(" "):
        piece = escape(word, _ENTITIES)
        cost = len(piece) + (1 if kept else 0)
        if used + cost > budget:
            break
        kept.append(piece)
        used += cost
    if not kept:  # one gigantic "word": cut it by characters, never inside an entity
        out = ""
        for char in text:
            piece = escape(char, _ENTITIES)
            if len(out) + len(piece) > budget:
                break
            out += piece
        return out
    prefix = " ".join(kept)
    ends = [m.end() for m in _SENTENCE_END.finditer(prefix)]
    if ends and ends[-1] >= len(prefix) // 2:
        return prefix[: ends[-1]]
    return prefix
