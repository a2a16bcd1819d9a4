"""Train the dialogue-act model on Topical-Chat made speech-like, and write it into the package.

    python -m chirpy.understanding.acts.train [--data ../shared/data/topical_chat] [--out DIR]

The held-out conversations (``data.is_held_out``) are never used here except for the final report:
the regularisation and both thresholds are chosen by cross-validation over the other conversations
(folds by conversation), then the model is refitted on all of them. Takes a minute or two on CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chirpy.errors import ChirpyError
from chirpy.understanding.acts.classifier import DialogueActClassifier
from chirpy.understanding.acts.data import FILES, HELD_OUT_PERCENT, is_held_out, read_topical_chat
from chirpy.understanding.acts.features import FEATURE_VERSION, boundary_features, hashed, segment_features
from chirpy.understanding.acts.metrics import QUESTION, act_table, format_table
from chirpy.understanding.acts.model import MODEL_DIR, ActModel, LinearHead
from chirpy.understanding.acts.rules import ActRules
from chirpy.understanding.acts.speech import speech_form
from chirpy.understanding.acts.vocabulary import BACK_CHANNEL, OPEN_QUESTION, WH_QUESTION, YES_NO_QUESTION
from chirpy.understanding.acts.weak_labels import WeakLabel, weak_label

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "topical_chat"
L2_GRID = (1e-5,)  # 1e-4 and 1e-6 lost in earlier cross-validation runs
BOUNDARY_THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45)
QUESTION_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
# What cross-validation maximises: utterance-level question detection, the three question kinds,
# and back-channels, which the boundary threshold moves too: every extra split can make a lone
# "yeah" or "wow" segment out of a remark ("wow | that is even before the nintendo").
OBJECTIVE = (QUESTION, YES_NO_QUESTION, WH_QUESTION, OPEN_QUESTION, BACK_CHANNEL)


@dataclass
class Example:
    conversation_id: str
    text: str
    label: WeakLabel
    boundary_rows: list[np.ndarray]
    question_rows: list[np.ndarray]
    merged_rows: list[tuple[np.ndarray, int]]


def segment_row(words: list[str], rules: ActRules, last: bool, bits: int) -> np.ndarray:
    return hashed(segment_features(words, rules.strip(words, answers=True), last=last), bits)


def build_examples(conversations, rules: ActRules, bits: int) -> list[Example]:
    examples = []
    for conversation in conversations:
        for message in conversation:
            label = weak_label(message.text, rules)
            if label is None:
                continue
            words = label.words
            boundary = [hashed(boundary_features(words, i), bits) for i in range(len(words) - 1)]
            last = len(label.spans) - 1
            question = [segment_row(words[a:b], rules, k == last, bits) for k, (a, b) in enumerate(label.spans)]
            # Two neighbouring sentences merged, as when the boundary model misses the split between
            # them: a question if either was. Teaches the question head that "yes i love music what
            # about you" still ends in a question.
            merged = [(segment_row(words[a:d], rules, k + 1 == last, bits), int(label.questions[k] or label.questions[k + 1]))
                      for k, ((a, _), (_, d)) in enumerate(zip(label.spans, label.spans[1:]))]
            examples.append(Example(message.conversation_id, message.text, label, boundary, question, merged))
    return examples


def fit(rows: list[np.ndarray], labels: list[int], bits: int, l2: float) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression over hashed features (L-BFGS on a sparse design matrix)."""
    from scipy import optimize, sparse  # training only: the runtime scores with numpy

    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])])
    design = sparse.csr_matrix((np.ones(indptr[-1], dtype=np.float64), np.concatenate(rows), indptr),
                               shape=(len(rows), 1 << bits))
    design.sum_duplicates()
    target = np.asarray(labels, dtype=np.float64)
    n = len(rows)

    def loss_and_gradient(params: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = params[:-1], params[-1]
        scores = design @ weights + bias
        # log(1 + e^s) - y*s, computed stably
        loss = float(np.sum(np.logaddexp(0.0, scores) - target * scores)) / n + l2 * float(weights @ weights)
        error = (1.0 / (1.0 + np.exp(-scores)) - target) / n
        gradient = np.empty_like(params)
        gradient[:-1] = design.T @ error + 2 * l2 * weights
        gradient[-1] = error.sum()
        return loss, gradient

    result = optimize.minimize(loss_and_gradient, np.zeros((1 << bits) + 1), jac=True, method="L-BFGS-B",
                               options={"maxiter": 150})
    return result.x[:-1].astype(np.float32), float(result.x[-1])


def train_model(examples: list[Example], bits: int, l2: float) -> ActModel:
    b_rows = [r for e in examples for r in e.boundary_rows]
    b_labels = [y for e in examples for y in e.label.boundaries]
    q_rows = [r for e in examples for r in e.question_rows] + [r for e in examples for r, _ in e.merged_rows]
    q_labels = [int(q) for e in examples for q in e.label.questions] + [y for e in examples for _, y in e.merged_rows]
    heads = {}
    for name, rows, labels in (("boundary", b_rows, b_labels), ("question", q_rows, q_labels)):
        weights, bias = fit(rows, labels, bits, l2)
        heads[name] = LinearHead(weights, bias)
    return ActModel(bits, heads)


def predict(model: ActModel, rules: ActRules, examples: list[Example]) -> list[set[str]]:
    classifier = DialogueActClassifier(model, rules)
    return [set(classifier.classify(speech_form(e.text)).acts) for e in examples]


def objective(gold: list[set[str]], predicted: list[set[str]]) -> float:
    table = act_table(gold, predicted, OBJECTIVE)
    return float(np.mean([table[a].f1 for a in OBJECTIVE]))


def grid_scores(model: ActModel, rules: ActRules, examples: list[Example]) -> dict[tuple[float, float], tuple[float, float]]:
    """The objective and question F1 for every pair of thresholds, reusing each probability once computed."""
    classifier = DialogueActClassifier(model, rules)
    gold = [e.label.utterance_acts for e in examples]
    boundary = [classifier.boundary_probabilities(e.label.words) for e in examples]
    question: dict[tuple[int, int, int, bool], float] = {}
    acts: dict[tuple[int, int, int, bool], list[str]] = {}
    scores = {}
    for tb in BOUNDARY_THRESHOLDS:
        spans = [classifier.spans(e.label.words, probs, tb) for e, probs in zip(examples, boundary)]
        for tq in QUESTION_THRESHOLDS:
            predicted = []
            for n, (e, pieces) in enumerate(zip(examples, spans)):
                found: set[str] = set()
                for k, (a, b) in enumerate(pieces):
                    last = k == len(pieces) - 1
                    if (n, a, b, last) not in question:
                        question[n, a, b, last] = classifier.question_probability(e.label.words[a:b], last=last)
                    is_question = rules.is_question(e.label.words[a:b], question[n, a, b, last], tq)
                    key = (n, a, b, is_question)
                    if key not in acts:
                        acts[key] = rules.segment_acts(e.label.words[a:b], question=is_question, first=k == 0)
                    found.update(acts[key])
                predicted.append(found)
            scores[tb, tq] = (objective(gold, predicted), act_table(gold, predicted, (QUESTION,))[QUESTION].f1)
    return scores


def cross_validate(examples: list[Example], rules: ActRules, bits: int, folds: int) -> tuple[float, float, float, float, float]:
    """The (l2, boundary threshold, question threshold) with the best mean objective over folds, that
    objective, and the mean question F1 there."""
    conversation_ids = sorted({e.conversation_id for e in examples})
    fold_of = {cid: i % folds for i, cid in enumerate(conversation_ids)}
    results: dict[tuple[float, float, float], list[tuple[float, float]]] = {}
    for l2 in L2_GRID:
        for fold in range(folds):
            train = [e for e in examples if fold_of[e.conversation_id] != fold]
            test = [e for e in examples if fold_of[e.conversation_id] == fold]
            model = train_model(train, bits, l2)
            for (tb, tq), value in grid_scores(model, rules, test).items():
                results.setdefault((l2, tb, tq), []).append(value)
            print(f"  l2={l2:g} fold {fold + 1}/{folds} done", file=sys.stderr)
    (l2, tb, tq), scores = max(results.items(), key=lambda item: np.mean([o for o, _ in item[1]]))
    return l2, tb, tq, float(np.mean([o for o, _ in scores])), float(np.mean([q for _, q in scores]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with Topical-Chat valid_*.json")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="where to write dialogue_acts.npz/.json")
    parser.add_argument("--bits", type=int, default=18, help="hashed feature table size: 2**bits weights per head")
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args(argv)
    try:
        conversations = read_topical_chat(args.data)
    except ChirpyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rules = ActRules.load()
    train_conversations = [c for c in conversations if c and not is_held_out(c[0].conversation_id)]
    held_out = [c for c in conversations if c and is_held_out(c[0].conversation_id)]
    examples = build_examples(train_conversations, rules, args.bits)
    print(f"training conversations: {len(train_conversations)} ({len(examples)} utterances); "
          f"held out: {len(held_out)}", file=sys.stderr)

    l2, tb, tq, cv, cv_question = cross_validate(examples, rules, args.bits, args.folds)
    print(f"chosen by {args.folds}-fold CV: l2={l2:g} boundary threshold={tb} question threshold={tq} "
          f"(mean F1 of {', '.join(OBJECTIVE)}: {cv:.4f}; question F1 {cv_question:.4f})")
    model = train_model(examples, args.bits, l2)
    model.heads["boundary"].threshold, model.heads["question"].threshold = tb, tq

    test = build_examples(held_out, rules, args.bits)
    gold = [e.label.utterance_acts for e in test]
    table = act_table(gold, predict(model, rules, test))
    print(f"held-out conversations: {len(held_out)}, utterances: {len(test)}")
    print(format_table(table))
    model.info = {
        "data": f"Topical-Chat (CDLA-Sharing 1.0, Amazon): {', '.join(FILES)}, speech-like (lowercase, no punctuation)",
        "trained": dt.date.today().isoformat(),
        "feature_version": FEATURE_VERSION,
        "train_conversations": len(train_conversations), "train_utterances": len(examples),
        "held_out_percent": HELD_OUT_PERCENT, "l2": l2, "cv_objective": round(cv, 4), "cv_question_f1": round(cv_question, 4),
        "held_out_f1": {act: round(s.f1, 4) for act, s in table.items()},
    }
    path = model.save(args.out)
    print(f"wrote {path} and {path.with_suffix('.npz')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
