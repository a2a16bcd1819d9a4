"""Text handling shared by the builder and the linker: one normal form for names, and lead
paragraphs cut into short sentences a bot can say.

The builder and the linker must agree exactly on how a name is written ("Beyoncé", "beyonce",
"the Beatles'" all become the same key), so both go through ``name_key``.
"""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_FOLD = str.maketrans({"’": "'", "‘": "'", "&": " and ", "-": " ", "–": " ", "—": " ", "/": " ", ".": " "})
LEADING_ARTICLES = ("the", "a", "an")


def fold(text: str) -> str:
    """Lowercase, accents removed (ASR writes "beyonce"), punctuation that joins words made a space."""
    text = text.lower().translate(_FOLD)
    if text.isascii():  # the common case, and ~10x cheaper than decomposing every character
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """The words of a text in name form: ``"Guns N' Roses"`` → ``["guns", "n", "roses"]``."""
    words = _TOKEN.findall(fold(text))
    return [w[:-2] if w.endswith("'s") else w.strip("'") for w in words]


def name_key(text: str) -> str:
    """The lookup key of a name: its tokens, space-joined, without a leading article."""
    words = tokens(text)
    if len(words) > 1 and words[0] in LEADING_ARTICLES:
        words = words[1:]
    return " ".join(words)


def singular_forms(word: str) -> list[str]:
    """Plausible singulars of a plural, for matching "zorblats" or "puppies" to a stored name.
    Over-generating is harmless: a form that names nothing finds nothing."""
    forms: list[str] = []
    if len(word) > 3 and word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if len(word) > 3 and word.endswith(("ches", "shes", "xes", "sses", "oes")):
        forms.append(word[:-2])
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        forms.append(word[:-1])
    return forms


# -- lead paragraphs into sentences ---------------------------------------------------------------
# A full stop after these is not the end of a sentence.
_ABBREVIATIONS = frozenset("""
mr mrs ms dr st jr sr vs etc inc ltd co corp no mt ft u.s u.k e.g i.e approx dept est gen gov sgt lt col
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_BRACKETS = re.compile(r"\s*\[[^\]]*\]")  # citation marks: [1], [citation needed]
_PARENS = re.compile(r"\s*\([^()]*\)")  # (born 1984), (/ˈreɪdioʊhɛd/): unspeakable asides
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")  # "u.s", "e.g"


def lead_paragraph(text: str) -> str:
    """The article's opening paragraph (the lead), without headings or blank lines."""
    for block in re.split(r"\n\s*\n|\n", text.strip()):
        block = block.strip()
        if len(block.split()) >= 4 and not block.startswith(("#", "=", "|", "{")):
            return block
    return text.strip().split("\n", 1)[0].strip()


def clean_sentence(sentence: str) -> str:
    """A sentence as the bot would say it: no citation marks, no parenthetical asides."""
    if "(" in sentence or "[" in sentence:
        previous = None
        while previous != sentence:  # nested parentheses: strip from the inside out
            previous, sentence = sentence, _PARENS.sub("", _BRACKETS.sub("", sentence))
        sentence = _SPACE_BEFORE_PUNCT.sub(r"\1", sentence)
    if "  " in sentence or "\n" in sentence or "\t" in sentence:
        sentence = _SPACES.sub(" ", sentence)
    return sentence.strip()


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends, not on "Dr." or "J. R. R." or "U.S."."""
    pieces = _SENTENCE_END.split(_BRACKETS.sub("", text).strip())
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ends_with_abbreviation(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s.strip() for s in sentences if s.strip()]


def _ends_with_abbreviation(sentence: str) -> bool:
    if not sentence.endswith("."):
        return False
    last = sentence.rsplit(" ", 1)[-1].rstrip(".").lower()
    if len(last) > 5 and "." not in last:  # a plain long word: the usual case, decided without a regex
        return False
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()) or bool(_INITIALS.fullmatch(last))


def fact_sentences(text: str, *, max_words: int = 40, limit: int = 8) -> list[str]:
    """The speakable sentences of a passage: cleaned, complete, and short enough to say aloud."""
    facts = []
    for sentence in split_sentences(text):
        cleaned = clean_sentence(sentence)
        words = cleaned.split()
        if not 4 <= len(words) <= max_words or not cleaned[-1:] in ".!?" or not cleaned[:1].isupper():
            continue
        if cleaned.count('"') % 2 or ":" in cleaned[:-1] and len(words) < 6:
            continue  # a quote cut in half, or a label rather than a sentence
        facts.append(cleaned)
        if len(facts) >= limit:
            break
    return facts
