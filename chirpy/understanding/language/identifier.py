"""Language identification for short, speech-like utterances.

py3langid (a numpy port of langid.py, model shipped in the wheel, ~0.2 ms per utterance) proposes
a language among a fixed set; two guards keep short English English: Latin-script text of fewer
than ``min_words`` words is English, and a proposal is kept only when most words are more common
in that language than in English (wordfreq), so "real madrid" or "deja vu" stay English while
"me gusta el fútbol" is Spanish. Text mostly in another script is never English.
"""

from __future__ import annotations

import re
import threading
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from chirpy.errors import ComponentUnavailable
from chirpy.text import WORD, latin_share

SETTINGS = Path(__file__).parent / "content.toml"
ENGLISH = "en"
UNKNOWN = "und"  # another script the detector does not know


@dataclass(frozen=True)
class LanguageSettings:
    candidates: tuple[str, ...]
    min_words: int
    min_probability: float
    english_margin: float

    @classmethod
    def load(cls, path: Path = SETTINGS) -> "LanguageSettings":
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["candidates"]), int(data["min_words"]), float(data["min_probability"]),
                   float(data["english_margin"]))


class LanguageIdentifier:
    def __init__(self, settings: LanguageSettings | None = None) -> None:
        self.settings = settings or LanguageSettings.load()
        self._lock = threading.Lock()

    @cached_property
    def _detector(self) -> Any:
        try:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier as LangId
        except ModuleNotFoundError:
            raise ComponentUnavailable("language identification needs py3langid: pip install py3langid") from None
        detector = LangId.from_model_file(MODEL_FILE, norm_probs=True)
        detector.set_languages(list(self.settings.candidates))
        return detector

    def load(self) -> None:
        """Load the model now (about a second) rather than on the first utterance."""
        _ = self._detector

    def identify(self, text: str) -> str:
        """An ISO 639-1 code ("en", "es", ...), or "und" for a script outside the candidates."""
        words = re.findall(WORD, text.lower())
        if not words:
            return ENGLISH
        latin = latin_share(text) >= 0.5
        if latin and len(words) < self.settings.min_words:
            return ENGLISH
        with self._lock:  # py3langid keeps scratch state per call
            language, probability = self._detector.classify(" ".join(words))
        if not latin:
            return language if language != ENGLISH else UNKNOWN
        if language == ENGLISH or probability < self.settings.min_probability:
            return ENGLISH
        return ENGLISH if self._mostly_english(words, language) else language

    def _mostly_english(self, words: list[str], language: str) -> bool:
        from wordfreq import zipf_frequency

        margin = self.settings.english_margin
        try:
            # wordfreq's "small" lists (words above one in a million) load in ~0.05 s; "best" takes 1–2 s.
            english = sum(1 for w in words if zipf_frequency(w, ENGLISH, wordlist="small") + margin
                          >= zipf_frequency(w, language, wordlist="small"))
        except (LookupError, ImportError):  # no word list (or tokenizer) for it: believe the text is English
            return True
        return english * 2 >= len(words)


@lru_cache(maxsize=1)
def default_identifier() -> LanguageIdentifier:
    """The shipped settings, with the model loaded once per process."""
    identifier = LanguageIdentifier()
    identifier.load()
    return identifier
