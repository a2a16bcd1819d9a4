"""Compare language identifiers on short, speech-like utterances before choosing one.

    python bench/language_id.py [--data ../shared/data/topical_chat] [--n 3000]

False alarms: Topical-Chat messages (English), made speech-like, and short English replies
(`language_samples.toml`: "ok", "lol", names). Recall: short phrases in other languages written
for this project, in the same file. Latency per utterance, warm. Prints one table per option.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tomllib
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chirpy.understanding.acts.data import read_topical_chat  # noqa: E402
from chirpy.understanding.acts.speech import speech_form  # noqa: E402

SAMPLES = Path(__file__).with_name("language_samples.toml")
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "topical_chat"
# Languages a voice assistant in an English market hears most; the detector picks among these.
LINGUA_SET = ("ENGLISH", "SPANISH", "FRENCH", "GERMAN", "ITALIAN", "PORTUGUESE", "DUTCH", "RUSSIAN", "CHINESE",
              "JAPANESE", "ARABIC", "HINDI", "POLISH", "TURKISH", "KOREAN", "VIETNAMESE", "TAGALOG", "INDONESIAN")
LANGID_SET = ("en", "es", "fr", "de", "it", "pt", "nl", "ru", "zh", "ja", "ar", "hi", "pl", "tr", "ko", "vi", "tl", "id")


def lingua_detector(restricted: bool) -> Callable[[str], str]:
    from lingua import Language, LanguageDetectorBuilder

    builder = (LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in LINGUA_SET))
               if restricted else LanguageDetectorBuilder.from_all_languages())
    detector = builder.with_preloaded_language_models().build()

    def detect(text: str) -> str:
        found = detector.detect_language_of(text)
        return "en" if found is None or found.name == "ENGLISH" else found.iso_code_639_1.name.lower()

    return detect


def py3langid_detector(restricted: bool) -> Callable[[str], str]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restricted:
        identifier.set_languages(list(LANGID_SET))
    return lambda text: identifier.classify(text)[0]


def chirpy_identifier() -> Callable[[str], str]:
    from chirpy.understanding.language.identifier import LanguageIdentifier

    identifier = LanguageIdentifier()
    identifier.load()
    return identifier.identify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=3000, help="Topical-Chat messages sampled for false alarms")
    args = parser.parse_args()
    samples = tomllib.loads(SAMPLES.read_text(encoding="utf-8"))
    english_short = samples["english"]
    other = [(lang, text) for lang, texts in samples["other"].items() for text in texts]
    messages = [speech_form(m.text) for c in read_topical_chat(args.data) for m in c]
    random.Random(0).shuffle(messages)
    messages = [m for m in messages if m][: args.n]
    short = [m for m in messages if len(m.split()) <= 6]

    options = {
        "chirpy: py3langid + guards (chirpy/understanding/language)": chirpy_identifier,
        "lingua (18 languages)": lambda: lingua_detector(True),
        "lingua (all 75)": lambda: lingua_detector(False),
        "py3langid (18 languages)": lambda: py3langid_detector(True),
        "py3langid (all 97)": lambda: py3langid_detector(False),
    }
    for name, make in options.items():
        started = time.perf_counter()
        try:
            detect = make()
        except ModuleNotFoundError as exc:  # lingua is measured only where someone installed it
            print(f"\n{name}: not installed ({exc.name})")
            continue
        load_s = time.perf_counter() - started
        detect("warm up")
        timings: list[float] = []

        def timed(text: str) -> str:
            t0 = time.perf_counter()
            result = detect(text)
            timings.append((time.perf_counter() - t0) * 1000)
            return result

        alarms = [m for m in messages if timed(m) != "en"]
        short_alarms = [m for m in short if detect(m) != "en"]
        reply_alarms = [t for t in english_short if timed(t) != "en"]
        caught = [(lang, t) for lang, t in other if timed(t) != "en"]
        print(f"\n{name}: load {load_s:.1f} s, latency p50 {statistics.median(timings):.3f} ms, "
              f"p95 {sorted(timings)[int(0.95 * len(timings))]:.3f} ms")
        print(f"  Topical-Chat false alarms: {len(alarms)}/{len(messages)} = {100 * len(alarms) / len(messages):.2f}%"
              f"   (≤ 6 words: {len(short_alarms)}/{len(short)})")
        print(f"  short English replies flagged: {len(reply_alarms)}/{len(english_short)} {reply_alarms[:12]}")
        print(f"  other languages caught (recall): {len(caught)}/{len(other)} = {100 * len(caught) / len(other):.1f}%")
        missed = [t for lang, t in other if (lang, t) not in caught]
        print(f"  missed: {missed[:12]}")
        print(f"  false alarm examples: {alarms[:5]}")


if __name__ == "__main__":
    main()
