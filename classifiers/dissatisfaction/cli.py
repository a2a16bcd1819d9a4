"""``chirpy train dissatisfaction``: learn the dissatisfaction predictor from a conversation log."""

from __future__ import annotations

import math

import click


def _fmt(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


@click.command("dissatisfaction")
@click.option("--db", "db", required=True, metavar="LOG",
              help="Conversation log to learn from: an SQLite path or a postgresql:// URL.")
@click.option("--out", "out", default="models/dissatisfaction", show_default=True, type=click.Path(file_okay=False),
              help="Checkpoint directory; each run adds the next version (a running bot picks it up).")
@click.option("--responder", "responders", multiple=True, metavar="NAME",
              help="Only learn from bot turns answered by this responder (repeatable; default: all).")
@click.option("--holdout", default=0.2, show_default=True, type=click.FloatRange(0.05, 0.9),
              help="Share of conversations held out for the figures.")
@click.option("--l2", default=3e-3, show_default=True, type=click.FloatRange(0.0, 10.0),
              help="Weight penalty: raise it for small or noisy logs.")
@click.option("--labels", "label_source", type=click.Choice(["detector", "human", "both"]), default="detector",
              show_default=True, help="Who says a user turn is dissatisfied: the detector, the people who reviewed "
              "conversations in `chirpy review` (reviewed conversations only), or people where they reviewed and "
              "the detector elsewhere.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--dry-run", is_flag=True, help="Train and print figures, but save nothing.")
def train_dissatisfaction(db: str, out: str, responders: tuple[str, ...], holdout: float, l2: float,
                          label_source: str, seed: int, dry_run: bool) -> None:
    """Label each logged bot turn by the user's next turn, train, compare with likelihood, save."""
    from rich.console import Console
    from rich.table import Table

    from classifiers.dissatisfaction.checkpoint import save_checkpoint
    from classifiers.dissatisfaction.logdata import read_examples
    from classifiers.dissatisfaction.train import TrainConfig, train_predictor

    console = Console()
    examples = read_examples(db, responders, labels=label_source)
    predictor, report = train_predictor(examples, TrainConfig(holdout=holdout, l2=l2, seed=seed))
    console.print(
        f"{report.n_train} training / {report.n_test} held-out bot turns from {report.n_conversations} "
        f"conversations (split by conversation); {report.positive_rate:.1%} of training turns drew dissatisfaction "
        f"(labels: {label_source})"
    )
    table = Table(title=f"held-out figures (top {report.positive_rate:.1%} of scores flagged as dissatisfied)")
    for column in ("ranker", "turns", "AUC", "precision", "recall"):
        table.add_column(column, justify="left" if column == "ranker" else "right")
    for fig in (report.predictor, report.likelihood):
        table.add_row(fig.name, str(fig.n), _fmt(fig.auc), _fmt(fig.precision), _fmt(fig.recall))
    console.print(table)
    for note in report.notes:
        console.print(f"note: {note}")
    if dry_run:
        console.print("dry run: nothing saved")
        return
    path = save_checkpoint(predictor, out)
    console.print(f"saved {path} (version {predictor.model_version})")
