"""Fit the dissatisfaction predictor on (context, bot utterance, label) examples and measure it.

The split is by conversation, never by turn: turns of one conversation share a user, a topic and
often phrasing, so a turn-level split would leak and flatter the figures. The likelihood ranker
(the generator's mean log-probability, lower = more likely to upset) is measured on the same
held-out turns as the baseline the predictor has to beat.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from chirpy.errors import ChirpyError
from classifiers.dissatisfaction.detector import detect_dissatisfaction
from classifiers.dissatisfaction.features import DEFAULT_DIM_BITS, Context, FeatureHasher
from classifiers.dissatisfaction.metrics import RankerFigures, figures
from classifiers.dissatisfaction.model import DissatisfactionPredictor


@dataclass(frozen=True)
class Example:
    """One bot turn: what was said before it, what the bot said, and whether the user then complained."""

    conversation_id: str
    context: tuple[str, ...]
    """Utterances before the bot's, alternating speakers, ending with the user's."""
    bot_utterance: str
    label: bool
    likelihood: float | None = None
    """The generator's mean log-probability of ``bot_utterance``, when the log has it."""
    position: int = 0
    """Index of the bot turn within its conversation."""


@dataclass(frozen=True)
class TrainConfig:
    dim_bits: int = DEFAULT_DIM_BITS
    l2: float = 3e-3
    """Weight penalty (on the mean log-loss): higher = trust only features seen many times."""
    max_iter: int = 200
    holdout: float = 0.2
    seed: int = 0


@dataclass
class TrainReport:
    n_examples: int
    n_train: int
    n_test: int
    n_conversations: int
    positive_rate: float
    predictor: RankerFigures
    likelihood: RankerFigures
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n_examples": self.n_examples,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "n_conversations": self.n_conversations,
            "positive_rate": self.positive_rate,
            "predictor": self.predictor.as_dict(),
            "likelihood": self.likelihood.as_dict(),
        }


class TrainingError(ChirpyError):
    """Not enough (or unusable) data to train; the message says what is missing."""


def examples_from_turns(
    conversation_id: str,
    turns: Sequence[tuple[str, str, float | None]],
) -> list[Example]:
    """Label each bot line of a conversation by the detector on the user's next utterance.

    ``turns`` is ``[(user_text, bot_text, bot_likelihood_or_None), ...]`` in order; the last bot
    line has no next user turn, so it gives no example.
    """
    examples: list[Example] = []
    history: list[str] = []
    for i, (user, bot, likelihood) in enumerate(turns):
        history.append(user or "")
        if i + 1 < len(turns) and bot:
            next_user = turns[i + 1][0] or ""
            label = bool(detect_dissatisfaction(next_user))
            examples.append(Example(conversation_id, tuple(history), bot, label, likelihood, i))
        history.append(bot or "")
    return examples


def split_by_conversation(
    examples: Sequence[Example], holdout: float, seed: int
) -> tuple[list[Example], list[Example]]:
    ids = sorted({e.conversation_id for e in examples})
    if len(ids) < 2:
        raise TrainingError(f"need at least 2 conversations to hold one out, got {len(ids)}")
    random.Random(seed).shuffle(ids)
    n_test = min(len(ids) - 1, max(1, math.ceil(holdout * len(ids))))
    test_ids = set(ids[:n_test])
    train = [e for e in examples if e.conversation_id not in test_ids]
    test = [e for e in examples if e.conversation_id in test_ids]
    return train, test


def featurize_examples(
    hasher: FeatureHasher, examples: Iterable[Example]
) -> list[tuple[np.ndarray, np.ndarray]]:
    return [hasher.featurize(Context.from_history(e.context), e.bot_utterance, e.likelihood) for e in examples]


def fit(
    rows: Sequence[tuple[np.ndarray, np.ndarray]], labels: Sequence[bool], config: TrainConfig
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, solved full-batch with L-BFGS.

    Full batch rather than SGD: the optimum is unique, so the result does not depend on batch
    order or learning-rate luck, and the regulariser is applied evenly to every weight, which
    pushes credit onto the few relational features (repetition, ignoring the user) instead of
    spreading it over many rare n-grams. A log of 100k turns is a few seconds per solve.
    """
    import torch

    torch.manual_seed(config.seed)
    dim = 1 << config.dim_bits
    idx = torch.from_numpy(np.concatenate([r[0] for r in rows]))
    val = torch.from_numpy(np.concatenate([r[1] for r in rows]))
    offsets = torch.from_numpy(np.cumsum([0] + [len(r[0]) for r in rows[:-1]]))
    y = torch.from_numpy(np.asarray(labels, dtype=np.float32))
    bag = torch.nn.EmbeddingBag(dim, 1, mode="sum")
    torch.nn.init.zeros_(bag.weight)
    bias = torch.nn.Parameter(torch.zeros(1))
    pos = float(y.mean())
    with torch.no_grad():
        bias.fill_(math.log(max(pos, 1e-3) / max(1 - pos, 1e-3)))
    opt = torch.optim.LBFGS(
        [bag.weight, bias], lr=1.0, max_iter=config.max_iter, history_size=20,
        tolerance_grad=1e-6, tolerance_change=1e-9, line_search_fn="strong_wolfe",
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def closure() -> torch.Tensor:
        opt.zero_grad()
        logits = bag(idx, offsets, per_sample_weights=val).squeeze(1) + bias
        loss = loss_fn(logits, y) + config.l2 * bag.weight.pow(2).sum()
        loss.backward()
        return loss

    # One thread: the problem is small and sparse, and on a shared 2-core box extra threads only
    # fight each other (measured 5-10x slower with 2 threads under load).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        opt.step(closure)
    finally:
        torch.set_num_threads(threads)
    return bag.weight.detach().numpy()[:, 0].copy(), float(bias.item())


def train_predictor(
    examples: Sequence[Example], config: TrainConfig = TrainConfig()
) -> tuple[DissatisfactionPredictor, TrainReport]:
    """Split by conversation, fit on the train part, report held-out figures vs. likelihood."""
    if not examples:
        raise TrainingError("no examples: the log has no bot turn followed by a user turn")
    train, test = split_by_conversation(examples, config.holdout, config.seed)
    y_train = [e.label for e in train]
    if not any(y_train) or all(y_train):
        raise TrainingError(
            f"training labels are all {'dissatisfied' if any(y_train) else 'satisfied'} "
            f"({len(train)} turns); the log needs both kinds of next user turn"
        )
    hasher = FeatureHasher(config.dim_bits)
    weights, bias = fit(featurize_examples(hasher, train), y_train, config)
    predictor = DissatisfactionPredictor(weights=weights, bias=bias, dim_bits=config.dim_bits)

    positive_rate = float(np.mean(y_train))
    y_test = [e.label for e in test]
    p_test = predictor.logits_for(featurize_examples(hasher, test))
    notes: list[str] = []
    pred_fig = figures("dissatisfaction predictor", y_test, p_test.tolist(), positive_rate)
    with_lp = [e for e in test if e.likelihood is not None and math.isfinite(e.likelihood)]
    if len(with_lp) < len(test):
        notes.append(f"likelihood baseline uses the {len(with_lp)} of {len(test)} held-out turns that logged one")
    # Low likelihood = the generator itself found the line odd: the baseline's "dissatisfied" score.
    lik_fig = figures(
        "likelihood ranker", [e.label for e in with_lp], [-float(e.likelihood) for e in with_lp], positive_rate  # type: ignore[arg-type]
    )
    if not any(y_test) or all(y_test):
        notes.append("held-out turns have only one label, so AUC is undefined; log more conversations")
    report = TrainReport(
        n_examples=len(examples),
        n_train=len(train),
        n_test=len(test),
        n_conversations=len({e.conversation_id for e in examples}),
        positive_rate=positive_rate,
        predictor=pred_fig,
        likelihood=lik_fig,
        notes=notes,
    )
    predictor.info = {"train": report.as_dict(), "config": config.__dict__}
    return predictor, report
