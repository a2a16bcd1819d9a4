"""Is an utterance offensive, and how: the rule-based offense classifier.

Rules over data files rather than a neural model: it must run in well under a millisecond on every
user turn and every bot candidate, explain itself (matched terms), and be tunable by editing
lexicons. Measured on ConvAbuse by ``bench/offense_convabuse.py``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from classifiers.offense.lexicon import OFFENSE_TYPES, Lexicon
from classifiers.offense.normalize import DATA_DIR, NormalizeRules, variants


@dataclass(frozen=True)
class OffenseMatch:
    """One piece of evidence: what matched, as which type, and how strongly."""

    text: str
    type: str
    strength: str  # "strong", "pattern", "mild" or "self_harm"


@dataclass(frozen=True)
class OffenseResult:
    """The classifier's verdict on one utterance.

    ``is_offensive`` is what a user turn is judged by. ``self_harm`` is separate on purpose: a user
    who says they want to hurt themselves is not abusing anyone and must get care, not deflection,
    so it never makes ``is_offensive`` true by itself (``types`` then holds "bodily_harm").
    ``mild`` lists language that is fine from a user ("hell yeah") but that the bot must not say.
    """

    is_offensive: bool
    types: list[str] = field(default_factory=list)
    self_harm: bool = False
    mild: list[str] = field(default_factory=list)
    matches: list[OffenseMatch] = field(default_factory=list)

    @property
    def type(self) -> str | None:
        """The one type the handler answers to (first of ``OFFENSE_TYPES`` order among ``types``)."""
        return self.types[0] if self.types else None

    @property
    def needs_handling(self) -> bool:
        """True when the offense handler should take the turn (offense or self-harm)."""
        return self.is_offensive or self.self_harm

    def unsafe_for_bot(self) -> bool:
        """Strict reading for the bot's own words: any offense, self-harm talk, or mild language."""
        return self.is_offensive or self.self_harm or bool(self.mild)

    def to_dict(self) -> dict:
        """Plain JSON-able dict (for annotations and the turn log)."""
        d = asdict(self)
        d["type"] = self.type
        return d


_PRIORITY = {t: i for i, t in enumerate(("bodily_harm", "sexual", "inappropriate_topic", "criticism", "curse"))}
"""When several types match, the most serious one leads: a threat with a curse is a threat."""


class OffenseClassifier:
    """Compiled lexicon + normalisation rules; ``classify(text)`` is the whole API."""

    def __init__(self, data_dir: Path = DATA_DIR, bot_names: list[str] | None = None) -> None:
        self.lexicon = Lexicon.load(data_dir, extra_targets=bot_names)
        self.rules = NormalizeRules.load(data_dir / "normalize.toml")

    def classify(self, text: str | None) -> OffenseResult:
        """Classify one utterance. Never raises on odd input: empty/None/non-text is not offensive."""
        if not isinstance(text, str) or not text.strip():
            return OffenseResult(is_offensive=False)
        lex = self.lexicon
        matches: dict[tuple[str, str], OffenseMatch] = {}

        def _add(m_text: str, kind: str, strength: str) -> None:
            matches.setdefault((m_text.strip(), kind), OffenseMatch(m_text.strip(), kind, strength))

        for variant in variants(text, self.rules):
            v = lex.whitelist.sub(" ", variant)
            if not v.strip():
                continue
            harmed_self = False
            for p in lex.patterns:
                for m in p.regex.finditer(v):
                    if p.self_harm:
                        harmed_self = True
                        _add(m.group(0), p.type, "self_harm")
                    else:
                        _add(m.group(0), p.type, "pattern")
            for kind in OFFENSE_TYPES:
                for m in lex.strong[kind].finditer(v):
                    _add(m.group(0), kind, "strong")
                for m in lex.mild[kind].finditer(v):
                    # "kill myself" is self-harm, not a threat word: keep it out of the mild list.
                    if not (harmed_self and kind == "bodily_harm"):
                        _add(m.group(0), kind, "mild")

        found = list(matches.values())
        offensive = [m for m in found if m.strength in ("strong", "pattern")]
        self_harm = any(m.strength == "self_harm" for m in found)
        kinds = {m.type for m in offensive}
        if self_harm:
            kinds.add("bodily_harm")
        return OffenseResult(
            is_offensive=bool(offensive),
            types=sorted(kinds, key=_PRIORITY.__getitem__),
            self_harm=self_harm,
            mild=sorted({m.text for m in found if m.strength == "mild"}),
            matches=found,
        )


@lru_cache(maxsize=1)
def default_classifier() -> OffenseClassifier:
    """The classifier over the packaged data files, built once per process."""
    return OffenseClassifier()


@lru_cache(maxsize=8)
def _classifier_for(names: tuple[str, ...]) -> OffenseClassifier:
    return OffenseClassifier(bot_names=list(names)) if names else default_classifier()


def classifier_for(bot_names: list[str] | str | None = None) -> OffenseClassifier:
    """A shared classifier that also treats ``bot_names`` as insult targets.

    Compiling the lexicon takes a good fraction of a second, so every annotator, gate and bot in a
    process that asks for the same names shares one instance (they are read-only and thread-safe).
    """
    if isinstance(bot_names, str):
        bot_names = [bot_names]
    names = tuple(sorted({n.strip().lower() for n in bot_names or [] if isinstance(n, str) and n.strip()}))
    return _classifier_for(names)


def classify_offense(text: str | None) -> OffenseResult:
    """Classify ``text`` with the packaged lexicon (see ``OffenseClassifier`` to use your own)."""
    return default_classifier().classify(text)
