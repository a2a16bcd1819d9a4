"""Measuring offense classifiers the way the bot runs them: figures, folds, and per-type recall.

``annotate_turns`` feeds each labelled turn through the ``offense`` annotator (cleaned like user
input, with the bot's previous line in the conversation state), loading the model from a file: what
is measured is what ships.
"""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from classifiers.offense.dataset import CONVABUSE_TYPES, LabelledTurn
from classifiers.offense.lexicon import OFFENSE_TYPES
from classifiers.offense.result import OffenseResult

@dataclass(frozen=True)
class Figures:
    """Precision / recall / F1 of "abusive" with the confusion counts behind them."""

    tp: int
    fp: int
    fn: int
    tn: int

    @classmethod
    def of(cls, gold: Sequence[bool], predicted: Sequence[bool]) -> "Figures":
        pairs = list(zip(gold, predicted))
        return cls(tp=sum(g and p for g, p in pairs), fp=sum(p and not g for g, p in pairs),
                   fn=sum(g and not p for g, p in pairs), tn=sum(not g and not p for g, p in pairs))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}  "
                f"(TP {self.tp}  FP {self.fp}  FN {self.fn}  TN {self.tn})")


def figures_of(turns: Sequence[LabelledTurn], results: Sequence[OffenseResult]) -> Figures:
    return Figures.of([t.abusive for t in turns], [r.is_offensive for r in results])


def mean_sd(values: Sequence[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):.3f} ± {sd:.3f}"


def fold_summary(per_fold: Sequence[Figures]) -> str:
    """"precision m ± sd  recall m ± sd  F1 m ± sd" over folds."""
    return (f"precision {mean_sd([f.precision for f in per_fold])}  recall {mean_sd([f.recall for f in per_fold])}  "
            f"F1 {mean_sd([f.f1 for f in per_fold])}")


@dataclass(frozen=True)
class TypeRecall:
    """On the abusive rows of one type: how many, the share flagged, the share named as ``named_as``."""

    type: str
    rows: int
    flagged: float
    named: float
    named_as: str


def type_recalls(turns: Sequence[LabelledTurn], results: Sequence[OffenseResult]) -> list[TypeRecall]:
    """Per ConvAbuse type (when the data has them) and per handler type."""
    from classifiers.offense.dataset import CONVABUSE_TO_HANDLER

    out = []
    groups = [(t, lambda x, t=t: t in x.source_types, CONVABUSE_TO_HANDLER[t]) for t in CONVABUSE_TYPES]
    groups += [(t, lambda x, t=t: t in x.types, t) for t in OFFENSE_TYPES]
    for name, member, named_as in groups:
        rows = [(x, r) for x, r in zip(turns, results) if x.abusive and member(x)]
        if not rows:
            continue
        out.append(TypeRecall(
            type=name, rows=len(rows), named_as=named_as,
            flagged=sum(r.is_offensive for _, r in rows) / len(rows),
            named=sum(r.is_offensive and named_as in r.types for _, r in rows) / len(rows),
        ))
    return out


def annotate_turns(turns: Sequence[LabelledTurn], config: dict | None = None) -> list[OffenseResult]:
    """Each turn through the ``offense`` annotator as the bot runs it (``config``: its ``[offense]`` table)."""
    from chirpy.annotations import Annotations
    from chirpy.state import ConversationState, Utterance
    from chirpy.text import clean_user_text
    from classifiers.offense.annotator import OffenseAnnotator

    annotator = OffenseAnnotator(config or {})
    out = []
    for t in turns:
        clean = clean_user_text(t.text, 1000)
        ann = Annotations(text=clean.text, raw_length=clean.raw_length, truncated=clean.truncated)
        state = ConversationState(conversation_id="eval", history=[Utterance("bot", t.context)] if t.context else [])
        annotator.annotate(ann, state)
        out.append(OffenseResult.from_dict(ann.offense) if ann.offense else OffenseResult(is_offensive=False))
    return out


def annotate_with_model(turns: Sequence[LabelledTurn], model, config: dict | None = None) -> list[OffenseResult]:
    """``annotate_turns`` with ``model`` (an ``OffenseModel``) written to a temporary model directory first."""
    from classifiers.offense.checkpoint import save_model

    with tempfile.TemporaryDirectory(prefix="chirpy-offense-") as tmp:
        save_model(model, Path(tmp))
        return annotate_turns(turns, {**(config or {}), "model": tmp})


def draws_summary(per_fold: Sequence[Sequence[Figures]]) -> str:
    """``fold_summary`` of figures drawn several times per fold: each fold's draws averaged first."""
    cols = {name: [statistics.fmean(getattr(f, name) for f in draws) for draws in per_fold]
            for name in ("precision", "recall", "f1")}
    return "  ".join(f"{'F1' if k == 'f1' else k} {mean_sd(v)}" for k, v in cols.items())


def unseen_verdicts(model, m, gold: Sequence[bool], prepared: Sequence, precision: float, recall: float,
                    rng, hard: Sequence[bool] | None = None) -> list[bool]:
    """The model's verdicts on rows ``m`` (a ``train.Matrices`` of ``prepared`` turns) whose rules' evidence
    is made as reliable as on turns the lexicon was never tuned on (``train.as_if_unseen``): the
    lexicon was tuned on ConvAbuse's own rows, so measured there with its evidence as it is, a model
    that leans on it looks better than it will be on new turns. ``hard``: rows whose hits go first."""
    import numpy as np

    from classifiers.offense.model import ABUSIVE
    from classifiers.offense.train import as_if_unseen

    rows = as_if_unseen(m, np.asarray(gold, dtype=bool), precision, recall, rng,
                        None if hard is None else np.asarray(hard, dtype=bool))
    scores = 1.0 / (1.0 + np.exp(-np.clip(rows @ model.weights[:, 0] + model.bias[0], -40, 40)))
    return [bool(s >= model.thresholds[ABUSIVE]) and bool(p.spelling) and (p.rules.is_offensive or not p.rules.self_harm)
            for s, p in zip(scores, prepared)]
