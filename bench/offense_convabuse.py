"""Measure the offense classifier on ConvAbuse (real user abuse towards deployed conversational agents).

Usage:  python bench/offense_convabuse.py [DATA_DIR] [--errors N] [--benign TOPICAL_CHAT_DIR]

DATA_DIR defaults to ../shared/data/convabuse (relative to the project root) and must hold
train.csv and valid.csv. Prints, per split: precision / recall / F1 of "abusive vs not" with the
confusion counts and a plain word-list baseline, then per ConvAbuse abuse type; then false-alarm
rates on ordinary human chat (Topical-Chat), and the classifier's speed.

Gold label (from the data README): a row is abusive when more than half of the annotators who
labelled it marked -1, -2 or -3. A row has abuse type T when it is abusive and at least half of the
annotators who labelled it ticked T. Per type we report recall of "flagged offensive" on rows of
that type, and P/R/F1 of the classifier's closest type (``TYPE_MAP``) against rows of that type.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.offense import classify_offense, default_classifier  # noqa: E402

ABUSE_TYPES = ("intellectual", "sex_harassment", "sexist", "racist", "homophobic", "ableist", "transphobic")
TYPE_MAP = {
    "intellectual": {"criticism"},
    "sex_harassment": {"sexual"},
    "sexist": {"sexual", "criticism", "curse"},
    "racist": {"inappropriate_topic"},
    "homophobic": {"inappropriate_topic"},
    "ableist": {"criticism", "inappropriate_topic"},
    "transphobic": {"inappropriate_topic"},
}
"""ConvAbuse type -> the classifier types that count as naming it."""


@dataclass
class Row:
    text: str
    abusive: bool
    types: set[str]


def load_split(path: Path) -> list[Row]:
    """Read one ConvAbuse CSV into (text, gold abusive, gold types)."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        annotators = sorted({h.split("_", 1)[0] for h in header if h.startswith("Annotator")})
        rows = []
        for r in reader:
            labelled, abusive_votes = 0, 0
            type_votes = dict.fromkeys(ABUSE_TYPES, 0)
            for a in annotators:
                votes = {k: r.get(f"{a}_is_abuse.{k}", "") for k in ("1", "0", "-1", "-2", "-3")}
                if not any(v.strip() for v in votes.values()):
                    continue
                labelled += 1
                if any(votes[k].strip() == "1" for k in ("-1", "-2", "-3")):
                    abusive_votes += 1
                for t in ABUSE_TYPES:
                    if r.get(f"{a}_{t}", "").strip() == "1":
                        type_votes[t] += 1
            abusive = labelled > 0 and abusive_votes * 2 > labelled
            types = {t for t, n in type_votes.items() if abusive and n * 2 >= labelled}
            rows.append(Row(text=r.get("user", ""), abusive=abusive, types=types))
    return rows


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(name: str, rows: list[Row], errors: int) -> None:
    preds = [classify_offense(r.text) for r in rows]
    tp = sum(1 for r, p in zip(rows, preds) if r.abusive and p.is_offensive)
    fp = sum(1 for r, p in zip(rows, preds) if not r.abusive and p.is_offensive)
    fn = sum(1 for r, p in zip(rows, preds) if r.abusive and not p.is_offensive)
    tn = len(rows) - tp - fp - fn
    p, r, f = prf(tp, fp, fn)
    print(f"\n== {name}: {len(rows)} rows, {tp + fn} abusive ({(tp + fn) / len(rows):.1%})")
    print(f"overall  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    print(f"confusion  TP {tp}  FP {fp}  FN {fn}  TN {tn}")
    baseline(rows)
    print(f"{'ConvAbuse type':<16}{'rows':>6}{'flagged':>9}{'type P':>9}{'type R':>9}{'type F1':>9}  (classifier types)")
    for t in ABUSE_TYPES:
        gold = [t in row.types for row in rows]
        n = sum(gold)
        if not n:
            print(f"{t:<16}{0:>6}{'-':>9}{'-':>9}{'-':>9}{'-':>9}")
            continue
        flagged = sum(1 for g, pr in zip(gold, preds) if g and pr.is_offensive) / n
        named = [pr.is_offensive and bool(TYPE_MAP[t] & set(pr.types)) for pr in preds]
        ttp = sum(1 for g, x in zip(gold, named) if g and x)
        tfp = sum(1 for g, x in zip(gold, named) if not g and x)
        tp_, tr_, tf_ = prf(ttp, tfp, n - ttp)
        print(f"{t:<16}{n:>6}{flagged:>9.3f}{tp_:>9.3f}{tr_:>9.3f}{tf_:>9.3f}  ({', '.join(sorted(TYPE_MAP[t]))})")
    untyped = [row.abusive and not row.types for row in rows]
    n = sum(untyped)
    if n:
        got = sum(1 for g, pr in zip(untyped, preds) if g and pr.is_offensive) / n
        print(f"{'(no type)':<16}{n:>6}{got:>9.3f}")
    if errors:
        print(f"-- up to {errors} false positives:")
        for row, pr in [(r_, p_) for r_, p_ in zip(rows, preds) if not r_.abusive and p_.is_offensive][:errors]:
            print(f"   FP {row.text[:80]!r} <- {[m.text for m in pr.matches if m.strength != 'mild']}")
        print(f"-- up to {errors} false negatives:")
        for row, _ in [(r_, p_) for r_, p_ in zip(rows, preds) if r_.abusive and not p_.is_offensive][:errors]:
            print(f"   FN {row.text[:80]!r}")


class WordListBaseline:
    """What a plain bad-word list gives: the lexicon's strong single words, exact lowercase tokens.
    Printed next to the classifier so the value of normalisation and context patterns is visible."""

    def __init__(self) -> None:
        lexicon = default_classifier().lexicon.raw_terms
        self.words = {t.strip("*") for section in lexicon.values() for t in section.get("strong", []) if " " not in t}

    def __call__(self, text: str) -> bool:
        return any(w in self.words for w in re.findall(r"[a-z]+", text.lower()))


def baseline(rows: list[Row]) -> None:
    flag = WordListBaseline()
    preds = [flag(r.text) for r in rows]
    tp = sum(1 for r, p in zip(rows, preds) if r.abusive and p)
    fp = sum(1 for r, p in zip(rows, preds) if not r.abusive and p)
    fn = sum(1 for r, p in zip(rows, preds) if r.abusive and not p)
    p, r, f = prf(tp, fp, fn)
    print(f"baseline (plain word list)  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")


def speed(rows: list[Row]) -> None:
    texts = [r.text for r in rows]
    classify_offense("warm up")
    flag = WordListBaseline()
    start = time.perf_counter()
    for t in texts:
        classify_offense(t)
    per = (time.perf_counter() - start) / max(len(texts), 1)
    start = time.perf_counter()
    for t in texts:
        flag(t)
    base = (time.perf_counter() - start) / max(len(texts), 1)
    print(f"\nspeed: {per * 1e6:.0f} µs per utterance over {len(texts)} utterances, "
          f"{per / base:.0f}x the plain word list ({base * 1e6:.1f} µs); shared CPU, so noisy")


def benign(path: Path) -> None:
    """False-alarm rates on ordinary human chat (Topical-Chat messages): every flag here is a false
    positive for users, and the strict rate is how often the gate would refuse a line this benign."""
    messages = []
    for name in ("valid_freq.json", "valid_rare.json"):
        file = path / name
        if file.is_file():
            data = json.loads(file.read_text(encoding="utf-8"))
            messages += [t.get("message", "") for conv in data.values() for t in conv.get("content", [])]
    if not messages:
        print(f"\n(no Topical-Chat files in {path}; skipping the benign-chat check)")
        return
    results = [classify_offense(m) for m in messages]
    offensive = sum(r.is_offensive for r in results)
    self_harm = sum(r.self_harm for r in results)
    strict = sum(r.unsafe_for_bot() for r in results)
    n = len(messages)
    print(f"\n== benign chat: {n} Topical-Chat messages")
    print(f"flagged offensive {offensive} ({offensive / n:.2%})  self-harm {self_harm} ({self_harm / n:.2%})  "
          f"refused by the strict gate {strict} ({strict / n:.2%})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", nargs="?", default=str(ROOT.parent / "shared" / "data" / "convabuse"))
    ap.add_argument("--errors", type=int, default=0, help="also print up to N false positives/negatives")
    ap.add_argument("--splits", default="train,valid", help="comma-separated CSV names (without .csv)")
    ap.add_argument("--benign", default=str(ROOT.parent / "shared" / "data" / "topical_chat"),
                    help="Topical-Chat dir for false-alarm rates on ordinary chat ('' to skip)")
    args = ap.parse_args(argv)
    data = Path(args.data_dir)
    all_rows: list[Row] = []
    for split in args.splits.split(","):
        path = data / f"{split}.csv"
        if not path.is_file():
            print(f"error: {path} not found (pass the ConvAbuse directory as the first argument)", file=sys.stderr)
            return 2
        rows = load_split(path)
        all_rows += rows
        report(split, rows, args.errors)
    if args.benign:
        benign(Path(args.benign))
    speed(all_rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
