"""Turn raw user/bot text into the few spellings the offense lexicon is matched against.

Users hide abuse ("f u c k", "s.h.i.t", "sh1t", "fuuuuck") and ASR gives lowercase, unpunctuated
text. Rather than one lossy canonical form we produce a handful of *variants* (plain, leet-decoded,
spaced-letters-joined) and the classifier takes the union of matches: each variant undoes one trick
without destroying what another variant needs (joining "u r a" would break "u r stupid").
Repeated letters are handled by the lexicon compiler instead (every letter matches a run of itself).
"""

from __future__ import annotations

import html
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from classifiers.offense.errors import LexiconError

DATA_DIR = Path(__file__).parent / "data"

_TAG = re.compile(r"<[^>]*>")
_APOSTROPHES = re.compile(r"[’‘`´']")
_SPACES = re.compile(r"\s+")
_WIDE_GAP = re.compile(r"\s{2,}")
_GAP = re.compile(r"\s")
_EDGE_PUNCT = re.compile(r"^([(\"\[{]*)(.*?)([.,!?;:)\"\]}]*)$")
_WILL = re.compile(r"(?<=[a-z])'ll(?![a-z])")
_LONG_RUN = re.compile(r"(.)\1{3,}")
MAX_CHARS = 2000
"""Longer text is cut: the pipeline already caps user input at 1000 characters, and the cut keeps
the classifier's worst case (pathological input) to milliseconds."""


@dataclass(frozen=True)
class NormalizeRules:
    """The data-file rules: which characters stand for letters, which separate spelled-out letters."""

    leet: dict[str, str]
    masked: dict[str, str]
    spaced_letters: re.Pattern[str]

    @classmethod
    def load(cls, path: Path = DATA_DIR / "normalize.toml") -> "NormalizeRules":
        data = read_toml(path)
        if not isinstance(data.get("letter_separators"), str) or not isinstance(data.get("leet"), dict):
            raise LexiconError(f"{path}: needs letter_separators (a string) and a [leet] table")
        seps = re.escape(data["letter_separators"])
        # Three or more single letters/leet chars separated by separators: "f u c k", "s.h.i.t".
        unit = r"[a-z0-9@$!|*]"
        spaced = re.compile(rf"(?<![a-z0-9])(?:{unit}[{seps}]+){{2,}}{unit}(?![a-z0-9])")
        masked = {k.lower(): v.lower() for k, v in data.get("masked", {}).items()}
        return cls(leet=dict(data["leet"]), masked=masked, spaced_letters=spaced)


def read_toml(path: Path) -> dict:
    """One offense data file; missing or invalid is a one-line ``LexiconError`` naming the file."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as e:
        raise LexiconError(f"offense data file missing: {path}") from e
    except tomllib.TOMLDecodeError as e:
        raise LexiconError(f"{path}: invalid TOML: {e}") from e


@lru_cache(maxsize=1)
def default_rules() -> NormalizeRules:
    return NormalizeRules.load()


def clean(text: str) -> str:
    """Lowercase ASCII text with markup, accents and apostrophes removed ("You're" -> "youre")."""
    text = html.unescape(_TAG.sub(" ", text[: MAX_CHARS * 4]))  # bound the work before the exact cut
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("'", text[:MAX_CHARS].lower())
    # "he'll" must not become "hell"; other contractions just lose the apostrophe ("you're" -> "youre").
    text = _WILL.sub(" will", text).replace("'", "")
    # "fuuuuuuck" -> "fuuuck": the lexicon tolerates repeats anyway, and long runs make regexes slow.
    text = _LONG_RUN.sub(r"\1\1\1", text)
    # A wide gap stays two spaces: in "y o u  a r e  d u m b" it is where one spelled-out word ends.
    return _GAP.sub(" ", _WIDE_GAP.sub("  ", text)).strip()


def decode_leet(text: str, rules: NormalizeRules) -> str:
    """Map look-alike characters to letters inside tokens that already contain a letter."""
    if not any(c in rules.leet for c in text) and "*" not in text:
        return text  # the common case: nothing to decode
    out = []
    for token in text.split(" "):
        lead, core, trail = _EDGE_PUNCT.match(token).groups()  # type: ignore[union-attr]
        if core in rules.masked:
            core = rules.masked[core]
        elif any("a" <= c <= "z" for c in core):
            core = "".join(rules.leet.get(c, c) for c in core)
        out.append(lead + core + trail)
    return " ".join(out)


def join_spaced_letters(text: str, rules: NormalizeRules) -> str:
    """"f u c k you" -> "fuck you"; "s.h.i.t" -> "shit". Only runs of 3+ single characters."""

    def _join(m: re.Match[str]) -> str:
        words = m.group(0).split("  ")  # a wide gap separates spelled-out words
        return " ".join("".join(c for c in w if c.isalnum() or c in "@$!|*") for w in words)

    return rules.spaced_letters.sub(_join, text)


def variants(text: str, rules: NormalizeRules | None = None) -> list[str]:
    """The distinct spellings of ``text`` to match: cleaned, leet-decoded, letters joined."""
    rules = rules or default_rules()
    base = clean(text)
    leet = decode_leet(base, rules)
    out = [base]
    for v in (leet, join_spaced_letters(base, rules), join_spaced_letters(leet, rules)):
        if v not in out:
            out.append(v)
    # The joined variant may expose leet chars only now ("f.u.c.k" is fine, "s.h.1.t" needs both).
    last = decode_leet(out[-1], rules)
    if last not in out:
        out.append(last)
    return out
