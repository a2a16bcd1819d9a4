"""Which words are first names, and which are common English words.

First names: the union of Faker's per-country first-name lists (``content/names.toml`` says which
countries), Latin script only, lowercased: about 8,000 names from a package that is released every
month. Common words: wordfreq's English frequencies (Zipf scale: 6 is "will", 3 is "miso").
English function words (spaCy's stop words: "else", "among") are dropped from the list; short forms
people go by that the lists lack ("will", "bea") are added from ``content/names.toml``.
Both load on first use and stay in memory (a few MB).
"""

from __future__ import annotations

import importlib
import unicodedata
from functools import cached_property
from typing import Iterable

from chirpy.errors import ComponentUnavailable


def _latin_name(text: str) -> bool:
    letters = text.replace("-", "").replace("'", "")
    return letters.isalpha() and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


class NameLexicon:
    def __init__(self, locales: Iterable[str], also: Iterable[str] = ()) -> None:
        self.locales = tuple(locales)
        self.also = frozenset(w.lower() for w in also)

    @cached_property
    def first_names(self) -> frozenset[str]:
        names: set[str] = set()
        for locale in self.locales:
            try:
                provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
            except ModuleNotFoundError as exc:
                if exc.name and exc.name.startswith("faker.providers"):
                    continue  # a locale this Faker version lacks: the others still count
                raise ComponentUnavailable("the first-name lexicon needs Faker: pip install faker") from None
            for attribute in dir(provider):
                if attribute.startswith("first_") and "name" in attribute:
                    values = getattr(provider, attribute)
                    if isinstance(values, (list, tuple, dict)):
                        names.update(n.lower() for n in values if isinstance(n, str) and _latin_name(n))
        # Some countries' names are English function words ("Else", "Among"): those are never names here.
        from spacy.lang.en.stop_words import STOP_WORDS

        return frozenset((names - STOP_WORDS) | self.also)

    def is_first_name(self, word: str) -> bool:
        return word.lower() in self.first_names

    @staticmethod
    def zipf(word: str) -> float:
        """How common the word is in English (0 = never seen, 7 = "the")."""
        try:
            from wordfreq import zipf_frequency
        except ModuleNotFoundError:
            raise ComponentUnavailable("reading names needs wordfreq: pip install wordfreq") from None
        return zipf_frequency(word, "en", wordlist="small")  # the small list: ~0.05 s to load
