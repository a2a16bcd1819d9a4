"""The output safety gate: the bot never says anything offensive, whoever wrote the line.

Registered as the candidate filter "safety". It runs on every response and prompt candidate
(scripted, neural, or a template that echoes the user's name) before selection, so an offending
candidate is simply rejected and the next best one wins. The bot is held to a stricter standard
than the user: mild language ("damn", "hell") and self-harm talk are refused too. It uses the rules
alone (lexicon, patterns, whitelist): they explain every refusal and were written for exactly this;
the trained model judges users, whose abuse looks nothing like a scripted or generated line.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from chirpy.component import Component
from chirpy.registry import filters
from classifiers.offense.result import OffenseResult
from classifiers.offense.rules import LexiconClassifier, lexicon_for

VERDICT_CACHE_SIZE = 4096  # distinct bot lines remembered; a scripted bot has a few thousand at most


def check_bot_text(text: str, classifier: LexiconClassifier | None = None, strict: bool = True) -> str | None:
    """Why ``text`` must not be spoken, or None when it is safe."""
    result = (classifier or lexicon_for(None)).classify(text)
    return reason_for(result, strict)


def reason_for(result: OffenseResult, strict: bool = True) -> str | None:
    if result.is_offensive:
        terms = ", ".join(sorted({m.text for m in result.matches if m.strength in ("strong", "pattern")}))
        return f"offensive ({'/'.join(result.types)}): {terms}"
    if result.self_harm:
        return "mentions self-harm"
    if strict and result.mild:
        return f"mild offensive language: {', '.join(result.mild)}"
    return None


@filters.register("safety")
class SafetyGate(Component):
    """Candidate filter over every line the bot could say (config table ``[safety]``)."""

    defaults = {
        "strict": True,  # also refuse mild words ("damn", "hell") in the bot's lines
        "bot_names": ["chirpy"],  # names an insult can be aimed at (as for the offense annotator)
    }

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.strict = bool(self.config["strict"])
        self.classifier = lexicon_for(self.config["bot_names"])
        # The verdict depends on the text alone (the lexicon is read-only), and most candidates are
        # scripted lines that come back turn after turn and conversation after conversation: judging
        # each distinct line once saves about half a millisecond per candidate, several per turn.
        self._refusal_of: Callable[[str], str | None] = lru_cache(maxsize=VERDICT_CACHE_SIZE)(self._judge_text)
        self._name_is_unsafe = lru_cache(maxsize=256)(self._judge_name)

    def _judge_text(self, text: str) -> str | None:
        return check_bot_text(text, self.classifier, self.strict)

    def _judge_name(self, name: str) -> bool:
        return check_bot_text(name, self.classifier, strict=True) is not None

    def check(self, candidate: Any, ctx: Any) -> str | None:
        text = getattr(candidate, "text", None)
        if not isinstance(text, str):
            return None
        reason = self._refusal_of(text)
        if reason:
            return reason
        # A name echoed back is checked on its own too: an odd name can be offensive only alone.
        # The same name comes back for every candidate of every turn, so its verdict is cached.
        name = getattr(ctx, "user_name", None)
        if isinstance(name, str) and name and name.lower() in text.lower() and self._name_is_unsafe(name):
            return f"echoes an offensive user name ({name!r})"
        return None
