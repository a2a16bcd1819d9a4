"""The rule-based offense classifier: lexicon, context patterns and whitelist over normalised text.

Rules over data files: they run in a fraction of a millisecond on every user turn and every bot
candidate, explain themselves (matched terms), and are tuned by editing TOML. They judge the bot's
own words in the output safety gate, flag self-harm, and give the trained model
(``classifier.py``) its lexicon features.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from classifiers.offense.lexicon import OFFENSE_TYPES, Lexicon
from classifiers.offense.normalize import DATA_DIR, NormalizeRules, variants
from classifiers.offense.result import OffenseMatch, OffenseResult


def by_seriousness(kinds: set[str]) -> list[str]:
    """Types most serious first (``OFFENSE_TYPES`` order): a threat with a curse is a threat."""
    return sorted(kinds, key=OFFENSE_TYPES.index)


class LexiconClassifier:
    """Compiled lexicon + normalisation rules; ``classify(text)`` is the whole API."""

    def __init__(self, data_dir: Path = DATA_DIR, bot_names: list[str] | None = None) -> None:
        self.lexicon = Lexicon.load(data_dir, extra_targets=bot_names)
        self.rules = NormalizeRules.load(data_dir / "normalize.toml")

    def classify(self, text: str | None, spellings: list[str] | None = None) -> OffenseResult:
        """Classify one utterance. Never raises on odd input: empty/None/non-text is not offensive.

        ``spellings``: ``variants(text)`` when the caller already has them.
        """
        if not isinstance(text, str) or not text.strip():
            return OffenseResult(is_offensive=False)
        lex = self.lexicon
        matches: dict[tuple[str, str], OffenseMatch] = {}

        def _add(m_text: str, kind: str, strength: str) -> None:
            matches.setdefault((m_text.strip(), kind), OffenseMatch(m_text.strip(), kind, strength))

        for variant in spellings if spellings is not None else variants(text, self.rules):
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
            types=by_seriousness(kinds),
            self_harm=self_harm,
            mild=sorted({m.text for m in found if m.strength == "mild"}),
            matches=found,
        )


@lru_cache(maxsize=8)
def _lexicon_for(names: tuple[str, ...]) -> LexiconClassifier:
    return LexiconClassifier(bot_names=list(names) if names else None)


def bot_name_key(bot_names: list[str] | str | None) -> tuple[str, ...]:
    """Bot names as a canonical cache key: lowercased, stripped, sorted, unique."""
    if isinstance(bot_names, str):
        bot_names = [bot_names]
    return tuple(sorted({n.strip().lower() for n in bot_names or [] if isinstance(n, str) and n.strip()}))


def lexicon_for(bot_names: list[str] | str | None = None) -> LexiconClassifier:
    """A shared rule classifier that also treats ``bot_names`` as insult targets.

    Compiling the lexicon takes a good fraction of a second, so every annotator, gate and bot in a
    process that asks for the same names shares one instance (they are read-only and thread-safe).
    """
    return _lexicon_for(bot_name_key(bot_names))
