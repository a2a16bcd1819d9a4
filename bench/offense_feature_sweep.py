"""Compare offense feature variants by nested cross-validation on ConvAbuse, with and without the lexicon.

Usage:  python bench/offense_feature_sweep.py [VARIANT ...] [--data DIR] [--benign DIR] [--no-lexicon-only | --lexicon-only]
        [--list] [--chat-rate] [--types] [--unseen-lexicon N]

Each variant is a FeatureSpec / TrainConfig change from the shipped recipe (v0002: word 1-2-grams,
char 2-5-grams inside words, lexicon features, 3,000 ordinary-chat negatives, C 1). For each, the
same nested 5-fold CV as ``bench/offense_convabuse.py`` (folds grouped by conversation, thresholds
chosen by an inner 4-fold CV of each outer training part), but only the "abusive" head is fitted
(the type heads do not change the verdict) and verdicts are computed from the model directly
(``model_probabilities`` and the annotator's self-harm rule), not through the annotator: faster, and
the same verdict up to the annotator's input cleaning. Prints P / R / F1 as mean ± sd over folds,
lexicon-free (nothing tuned on these rows) and with the lexicon (optimistic); ``--unseen-lexicon N``
also scores each with-lexicon fold N times with the rules' evidence made as unreliable as on unseen
turns (``train.as_if_unseen``: an upper estimate, its errors are random). ``--chat-rate`` also
trains each variant on all rows and prints its false-alarm rate on the never-trained Topical-Chat
conversations. Confirm a winner with ``bench/offense_convabuse.py`` on a model trained by the CLI.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.offense.classifier import model_probabilities  # noqa: E402
from classifiers.offense.dataset import read_convabuse_csv  # noqa: E402
from classifiers.offense.evaluate import Figures, draws_summary, fold_summary, unseen_verdicts  # noqa: E402
from classifiers.offense.features import FeatureSpec  # noqa: E402
from classifiers.offense.model import ABUSIVE  # noqa: E402
from classifiers.offense.negatives import held_out, read_chat, training_negatives  # noqa: E402
from classifiers.offense.train import Matrices, TrainConfig, cross_validate, prepare, train_model  # noqa: E402

BASE = TrainConfig(min_type_rows=10**9)  # the shipped recipe, abusive head only
VARIANTS: dict[str, dict] = {
    "base": {},
    "cues": {"spec": {"cues": True}},
    "cues_w0.5": {"spec": {"cues": True, "cue_weight": 0.5}},
    "cues_w2": {"spec": {"cues": True, "cue_weight": 2.0}},
    "cross": {"spec": {"cross_target": True}},
    "cues+cross": {"spec": {"cues": True, "cross_target": True}},
    "span": {"spec": {"char_span": True}},
    "char1-6": {"spec": {"char_min": 1, "char_max": 6}},
    "char3-6": {"spec": {"char_min": 3, "char_max": 6}},
    "word3": {"spec": {"word_ngrams": 3}},
    "context": {"spec": {"context": True}},
    "skel": {"spec": {"skeleton": True}},
    "words1.5": {"spec": {"word_weight": 1.5}},
    "chars1.5": {"spec": {"char_weight": 1.5}},
    "c0.5": {"config": {"c": 0.5}},
    "c2": {"config": {"c": 2.0}},
    "c4": {"config": {"c": 4.0}},
    "c8": {"config": {"c": 8.0}},
    "c16": {"config": {"c": 16.0}},
    "c32": {"config": {"c": 32.0}},
    "cgrid": {"config": {"c_grid": (1.0, 4.0, 16.0)}},
    "notrust": {"config": {"rules_precision": 1.0, "rules_recall": 1.0}},
    "pos2": {"config": {"positive_weight": 2.0}},
    "pos4": {"config": {"positive_weight": 4.0}},
}


def config_of(name: str, lexicon: bool) -> TrainConfig:
    parts = name.split("+") if name not in VARIANTS else [name]
    spec_changes: dict = {}
    config_changes: dict = {}
    for part in parts:
        v = VARIANTS[part]
        spec_changes.update(v.get("spec", {}))
        config_changes.update(v.get("config", {}))
    spec = replace(FeatureSpec(), lexicon=lexicon, **spec_changes)
    return replace(BASE, spec=spec, **config_changes)


def verdicts(model, turns, prepared) -> list[bool]:
    out = []
    for t, p in zip(turns, prepared):
        if not p.spelling:
            out.append(False)
            continue
        score = model_probabilities(model, p.spelling, p.rules, t.context or None)[ABUSIVE]
        out.append(score >= model.thresholds[ABUSIVE] and (p.rules.is_offensive or not p.rules.self_harm))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("variants", nargs="*", default=["base"], help="names, or parts joined by '+' (see --list)")
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "convabuse"))
    ap.add_argument("--benign", default=str(ROOT.parent / "shared" / "data" / "topical_chat"))
    ap.add_argument("--no-lexicon-only", action="store_true", help="skip the with-lexicon run")
    ap.add_argument("--lexicon-only", action="store_true", help="skip the lexicon-free run")
    ap.add_argument("--chat-rate", action="store_true", help="also the never-trained chat false-alarm rate")
    ap.add_argument("--types", action="store_true", help="also pooled recall per ConvAbuse type")
    ap.add_argument("--unseen-lexicon", type=int, default=0, metavar="N",
                    help="also score each fold N times with the rules' evidence made as reliable as on unseen "
                         "turns (as_if_unseen), mean ± sd over folds of the mean over draws")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(f"{k}: {v}" for k, v in VARIANTS.items()))
        return 0
    data = Path(args.data)
    turns = read_convabuse_csv(data / "train.csv") + read_convabuse_csv(data / "valid.csv")
    chat_all = read_chat(args.benign)
    chat = training_negatives(chat_all, 3000)
    unseen = held_out(chat_all)
    prepared, prepared_chat = prepare(turns), prepare(chat)
    unseen = [replace(chat[0], text=t.text, group="") for t in unseen] if args.chat_rate else []
    prepared_unseen = prepare(unseen)
    for name in args.variants:
        for lexicon in (False,) if args.no_lexicon_only else (True,) if args.lexicon_only else (False, True):
            config = config_of(name, lexicon)
            started = time.perf_counter()
            m = Matrices.build(prepared, config)
            neg = Matrices.build(prepared_chat, config)
            figs, chosen_c, unseen_figs = [], [], []
            pooled: dict[str, list[bool]] = {}
            for fold in cross_validate(turns, config, m=m, negatives=neg):
                test = [turns[k] for k in fold.test]
                chosen_c.append(fold.model.info["c"])
                said = verdicts(fold.model, test, [prepared[k] for k in fold.test])
                gold = [t.abusive for t in test]
                figs.append(Figures.of(gold, said))
                if lexicon and args.unseen_lexicon:
                    rng = np.random.default_rng(len(unseen_figs))
                    draws = [Figures.of(gold, unseen_verdicts(fold.model, m.rows(fold.test), gold,
                                                              [prepared[k] for k in fold.test], BASE.rules_precision,
                                                              BASE.rules_recall, rng))
                             for _ in range(args.unseen_lexicon)]
                    unseen_figs.append(draws)
                for t, v in zip(test, said):
                    for kind in t.source_types if t.abusive else ():
                        pooled.setdefault(kind, []).append(v)
            line = f"{name:<22}{'lexicon' if lexicon else 'no-lex':<9}{fold_summary(figs)}"
            if config.c_grid:
                line += f"  C per fold {chosen_c}"
            if args.chat_rate:
                model = train_model(turns, config, m, negatives=neg)
                flags = sum(verdicts(model, unseen, prepared_unseen))
                line += f"  chat {flags}/{len(unseen)} ({flags / len(unseen):.2%})"
            print(f"{line}  ({time.perf_counter() - started:.0f} s)", flush=True)
            if unseen_figs:
                print(f"{'':<22}{'as unseen':<10}{draws_summary(unseen_figs)}", flush=True)
            if args.types:
                print("    recall by ConvAbuse type: " + ", ".join(
                    f"{k} {sum(v) / len(v):.2f} ({len(v)})" for k, v in sorted(pooled.items())), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
