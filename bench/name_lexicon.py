"""How big the first-name lexicon is and how much of real first names it covers.

    python bench/name_lexicon.py [--data ../shared/data/topical_chat] [--n 4000]

Coverage: the first word of every PERSON entity spaCy finds in typed Topical-Chat messages (real
people the participants talked about: athletes, actors, musicians, from many countries). Also how
many listed names are common English words (wordfreq Zipf ≥ the `common_from` setting).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chirpy.nlp import load_nlp  # noqa: E402
from chirpy.understanding.acts.data import read_topical_chat  # noqa: E402
from chirpy.understanding.names.reader import NameRules  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "topical_chat")
    parser.add_argument("--n", type=int, default=4000, help="messages parsed for PERSON entities")
    args = parser.parse_args()
    rules = NameRules.load()
    started = time.perf_counter()
    names = rules.lexicon.first_names
    print(f"lexicon: {len(names)} first names from {len(rules.lexicon.locales)} Faker locales "
          f"(+{len(rules.lexicon.also)} short forms), loaded in {time.perf_counter() - started:.2f} s")
    common = sorted(n for n in names if rules.lexicon.zipf(n) >= rules.common_from)
    print(f"listed names that are common English words (Zipf ≥ {rules.common_from}): {len(common)}, e.g. {common[:15]}")

    messages = [m.text for c in read_topical_chat(args.data) for m in c]
    random.Random(0).shuffle(messages)
    nlp = load_nlp()
    firsts: Counter[str] = Counter()
    for doc in nlp.pipe(messages[: args.n], batch_size=64):
        for ent in doc.ents:
            words = ent.text.split()
            if ent.label_ == "PERSON" and len(words) >= 2 and words[0].isalpha():
                firsts[words[0].lower()] += 1
    covered = sum(n for w, n in firsts.items() if w in names)
    distinct = sum(1 for w in firsts if w in names)
    print(f"PERSON first names in {args.n} Topical-Chat messages: {sum(firsts.values())} mentions, {len(firsts)} distinct")
    print(f"covered: {covered / max(1, sum(firsts.values())):.1%} of mentions, {distinct / max(1, len(firsts)):.1%} of distinct names")
    print("most frequent uncovered:", [w for w, _ in firsts.most_common() if w not in names][:25])


if __name__ == "__main__":
    main()
