"""Is a word an everyday English word? A store of a million names contains "Up", "Her" and
"Friends"; the linker must not hear a film in "what's up". Word frequencies come from ``wordfreq``
(Zipf scale: 7 is "the", 3 is a rare word), read at build time only, never while serving."""

from __future__ import annotations

import functools
import gzip
from typing import Callable

# Zipf frequency at or above which a one-word name is also an everyday word ("friends" 5.4, "up" 6.4;
# "paris" 4.8 and "radiohead" 3.1 are not).
COMMON_ZIPF = 5.0
# The same for the title of a work (a film, a show, a band, a book, a game): "queen" (4.9) and "cars"
# (4.9) are everyday words there; "batman" (4.2) and "netflix" (4.2) stay names ("frozen", 4.3, too).
COMMON_ZIPF_WORKS = 4.5
# One word of a longer name is linked alone only when it is rarer than this ("verstappen" 2.6,
# "messi" 3.8 are; "james" 5.1 and "swift" 4.2 are not).
PARTIAL_MAX_ZIPF = 4.0


@functools.lru_cache(maxsize=1)
def zipf_table() -> dict[str, float]:
    """Word → Zipf frequency for the ~29,000 English words at Zipf ≥ 3 (rarer words are absent).

    ``import wordfreq`` costs ~0.7 s (it loads text-repair and language-tag tables we do not
    need), which would dominate building the starter store on a bot's first start; its "small"
    English list read directly takes ~0.05 s. The list is wordfreq's documented cBpack file (a
    msgpack list: a header, then buckets of words, bucket i holding words at -i centibels)."""
    import importlib.util
    from pathlib import Path

    try:
        import msgpack

        spec = importlib.util.find_spec("wordfreq")  # finds the package without importing it
        if spec is None or spec.origin is None:
            raise ImportError("wordfreq is not installed")
        data = msgpack.unpackb(gzip.decompress((Path(spec.origin).parent / "data" / "small_en.msgpack.gz").read_bytes()),
                               raw=False)
        header = data[0]
        if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
            raise ValueError(f"unexpected wordfreq header {header!r}")
        return {word: 9.0 - index / 100 for index, bucket in enumerate(data[1:]) for word in bucket}
    except (ImportError, OSError, ValueError):  # a wordfreq release with another layout: use its API
        from wordfreq import get_frequency_dict, zipf_frequency

        return {word: zipf_frequency(word, "en", wordlist="small") for word in get_frequency_dict("en", wordlist="small")}


def zipf_lookup() -> Callable[[str], float]:
    table = zipf_table()
    return lambda word: table.get(word, 0.0)
