"""Load the offense data files and compile them into a few big regular expressions.

Compiling once into one alternation per (type, strength) keeps a classification to a few dozen
regex scans over a short string: well under a millisecond, cheap enough to run on every user turn
and every bot candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from classifiers.offense.errors import LexiconError
from classifiers.offense.normalize import DATA_DIR, read_toml

OFFENSE_TYPES: tuple[str, ...] = ("bodily_harm", "sexual", "inappropriate_topic", "criticism", "curse")
"""The offense types of the research table, most serious first: when several match, the first one
leads (the handler answers a threat with a curse in it as a threat)."""

_TERM_CHARS = re.compile(r"^\*?[a-z0-9 ]+\*?$")
_RUN = re.compile(r"([a-z])\1*|[0-9]+| +")
_SPACE_IN_PATTERN = re.compile(r"(?<!\\) ")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def term_regex(term: str) -> str:
    """Regex source for one lexicon term (syntax documented at the top of lexicon.toml).

    A letter also matches a stretched run of itself ("fuuuck"), and after the first letter a "*" may
    stand for a vowel ("sh*t", "f*ck"); doubled letters must stay doubled so "ass" never matches "as".
    Fully masked words ("f***", ASR output) are spelled out by normalize.toml's [masked] table.
    """
    term = term.strip().lower()
    if not _TERM_CHARS.match(term):
        raise LexiconError(f"bad lexicon term {term!r}: use lowercase letters, spaces, and '*' only at the ends")
    prefix = "[a-z]*" if term.startswith("*") else ""
    suffix = "[a-z]*" if term.endswith("*") else ""
    body = term.strip("*")
    parts: list[str] = []
    first = True
    for m in _RUN.finditer(body):
        run = m.group(0)
        if run.startswith(" "):
            parts.append("[^a-z]*")
            first = True
        elif run[0].isdigit():
            parts.append(re.escape(run))
            first = False
        elif len(run) == 1:
            # One letter, or a stretched run of three or more ("fuuuck"); never exactly two, so
            # "raped" does not match "rapped" nor "tit" match "titt"-less words by accident.
            one = f"[{run}*]" if run in "aeiou" and not first else run
            parts.append(f"(?:{one}|{run}{{3,}})")
            first = False
        else:
            parts.append(f"{run[0]}{{{len(run)},}}")
            first = False
    return prefix + "".join(parts) + suffix


def alternation(terms: list[str]) -> str:
    """One non-capturing group matching any of ``terms`` (longest first, so phrases win).

    Terms are bucketed by first letter behind a one-character lookahead, so at each word start the
    regex engine tries a handful of alternatives instead of all of them (several times faster).
    """
    if not terms:
        return "(?!x)x"
    ordered = sorted({t.strip().lower() for t in terms}, key=len, reverse=True)
    buckets: dict[str, list[str]] = {}
    for t in ordered:
        buckets.setdefault("" if t.startswith("*") else t[0], []).append(term_regex(t))
    groups = [f"(?={re.escape(k)})(?:{'|'.join(v)})" if k else "|".join(v) for k, v in buckets.items()]
    return "(?:" + "|".join(groups) + ")"


def bounded(source: str) -> re.Pattern[str]:
    """Whole-word match: letters may not continue on either side."""
    return re.compile(rf"(?<![a-z]){source}(?![a-z])")


@dataclass(frozen=True)
class ContextPattern:
    """A regex from patterns.toml, with the type it signals and whether it flags self-harm."""

    type: str
    regex: re.Pattern[str]
    self_harm: bool
    why: str


@dataclass(frozen=True)
class Lexicon:
    """Everything the classifier matches, compiled: words by (type, strength), patterns, whitelist."""

    strong: dict[str, re.Pattern[str]]
    mild: dict[str, re.Pattern[str]]
    patterns: list[ContextPattern]
    whitelist: re.Pattern[str]
    raw_terms: dict[str, dict[str, list[str]]] = field(repr=False)

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR, extra_targets: list[str] | None = None) -> "Lexicon":
        """Read lexicon.toml, patterns.toml and whitelist.toml from ``data_dir``.

        ``extra_targets`` adds names insults can be aimed at (your bot's name) to the target vocab.
        """
        lex = read_toml(data_dir / "lexicon.toml")
        pat = read_toml(data_dir / "patterns.toml")
        white = read_toml(data_dir / "whitelist.toml")
        unknown = set(lex) - set(OFFENSE_TYPES)
        if unknown:
            raise LexiconError(f"lexicon.toml: unknown offense type(s) {sorted(unknown)}; use {OFFENSE_TYPES}")
        strong, mild = {}, {}
        for t in OFFENSE_TYPES:
            section = lex.get(t, {})
            strong[t] = bounded(alternation(section.get("strong", [])))
            mild[t] = bounded(alternation(section.get("mild", [])))
        vocab: dict[str, list[str]] = {k: list(v) for k, v in pat.get("vocab", {}).items()}
        vocab["directed"] = list(lex.get("criticism", {}).get("directed", []))
        if extra_targets:
            names = [n.lower() for n in extra_targets if n and n.strip()]
            vocab["target"] = vocab.get("target", []) + names
            vocab["victim"] = vocab.get("victim", []) + names
        patterns = [_compile_pattern(p, vocab) for p in pat.get("pattern", [])]
        whitelist = bounded(alternation(list(white.get("phrases", []))))
        return cls(strong=strong, mild=mild, patterns=patterns, whitelist=whitelist, raw_terms=lex)


def _compile_pattern(entry: dict, vocab: dict[str, list[str]]) -> ContextPattern:
    kind = entry.get("type")
    if kind not in OFFENSE_TYPES:
        raise LexiconError(f"patterns.toml: pattern type {kind!r} is not one of {OFFENSE_TYPES}")

    def _expand(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in vocab:
            raise LexiconError(f"patterns.toml: unknown placeholder {{{name}}} in {entry.get('why', '')!r}")
        return alternation(vocab[name])

    # A space never crosses a sentence end: "...drive you. Kind of crazy" is not "you kind of crazy".
    source = _SPACE_IN_PATTERN.sub("[^a-z.!?;:]+", entry["regex"])
    source = _PLACEHOLDER.sub(_expand, source)
    try:
        regex = re.compile(source)
    except re.error as e:
        raise LexiconError(f"patterns.toml: bad regex for {entry.get('why', '')!r}: {e}") from e
    return ContextPattern(type=kind, regex=regex, self_harm=bool(entry.get("self_harm")), why=entry.get("why", ""))
