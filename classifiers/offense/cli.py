"""``chirpy train offense``: retrain the offense model on a team's own labelled turns."""

from __future__ import annotations

import click


@click.command("offense")
@click.option("--data", "data", required=True, type=click.Path(),
              help="Labelled turns: a ConvAbuse-layout .csv, a .jsonl of {text, abusive, types?, context?}, "
                   "or a directory of them.")
@click.option("--out", "out", default="models/offense", show_default=True, type=click.Path(file_okay=False),
              help="Model directory; each run adds the next version. Point [offense] model at it.")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20),
              help="Cross-validation folds for the printed figures.")
@click.option("--c", "c", default=None, type=click.FloatRange(min=1e-4, max=1e4),
              help="Inverse L2 strength (default: the shipped model's, 1.0).")
@click.option("--context/--no-context", default=None,
              help="Let the model read the bot's previous line (default: off, as the shipped model: on "
                   "ConvAbuse it changed no cross-validated figure).")
@click.option("--bot-name", "bot_names", multiple=True, metavar="NAME",
              help="A name users insult the bot by (repeatable), as [offense] bot_names.")
@click.option("--negatives", "negatives", default=None, type=click.Path(),
              help="Ordinary chat to add as non-abusive turns (a Topical-Chat directory or .json, or a .txt of "
                   "one turn per line); half of its conversations are used, the other half never.")
@click.option("--negatives-max", default=3000, show_default=True, type=click.IntRange(0),
              help="At most this many ordinary-chat turns are added.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--dry-run", is_flag=True, help="Cross-validate and print figures, but save nothing.")
def train_offense(data: str, out: str, folds: int, c: float | None, context: bool | None,
                  bot_names: tuple[str, ...], negatives: str | None, negatives_max: int,
                  seed: int, dry_run: bool) -> None:
    """Cross-validate on DATA next to the shipped model (same folds), then train on all of it and save."""
    from dataclasses import replace

    from rich.console import Console
    from rich.table import Table

    from classifiers.offense.checkpoint import load_model, save_model
    from classifiers.offense.classifier import RULES_ONLY
    from classifiers.offense.dataset import read_labelled
    from classifiers.offense.errors import OffenseDataError, OffenseModelError
    from classifiers.offense.features import FeatureSpec
    from classifiers.offense.evaluate import annotate_turns, annotate_with_model, figures_of, mean_sd
    from classifiers.offense.negatives import read_chat, training_negatives
    from classifiers.offense.rules import lexicon_for
    from classifiers.offense.train import Matrices, TrainConfig, cross_validate, prepare, train_model

    console = Console()
    turns = read_labelled(data)
    chat = training_negatives(read_chat(negatives), negatives_max, seed) if negatives else []
    abusive = sum(t.abusive for t in turns)
    if min(abusive, len(turns) - abusive) < folds:
        raise OffenseDataError(f"{data}: {abusive} abusive and {len(turns) - abusive} other turns; "
                               f"each class needs at least {folds} (one per fold)")
    spec = FeatureSpec() if context is None else replace(FeatureSpec(), context=context)
    config = TrainConfig(spec=spec, c=TrainConfig.c if c is None else c, folds=folds, seed=seed)
    try:
        load_model()
        compare = {"shipped model": {}}
    except OffenseModelError as exc:  # a fresh checkout before the first model is trained
        console.print(f"note: no shipped model to compare with ({exc})")
        compare = {}
    names = list(bot_names)
    console.print(f"{len(turns)} turns, {abusive} abusive ({abusive / len(turns):.1%}); "
                  f"{config.folds}-fold cross-validation (thresholds chosen inside each training part)"
                  + (f"; {len(chat)} ordinary-chat turns added to every training part" if chat else ""))
    lexicon = lexicon_for(names)
    with console.status("reading the turns"):
        matrices = Matrices.build(prepare(turns, lexicon), config)
        chat_matrices = Matrices.build(prepare(chat, lexicon), config) if chat else None
    with console.status("cross-validating"):
        cv = cross_validate(turns, config, m=matrices, negatives=chat_matrices)
    others = {**compare, "rules only": {"model": RULES_ONLY}}
    rows: dict[str, list] = {name: [] for name in ("new model", *others)}
    for fold in cv:
        test = [turns[k] for k in fold.test]
        rows["new model"].append(figures_of(test, annotate_with_model(test, fold.model, {"bot_names": names})))
        for name, extra in others.items():
            rows[name].append(figures_of(test, annotate_turns(test, {"bot_names": names, **extra})))
    table = Table(title="cross-validated figures, mean ± sd over folds (same folds for every row)")
    for column in ("classifier", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "classifier" else "right")
    for name, figs in rows.items():
        table.add_row(name, mean_sd([f.precision for f in figs]), mean_sd([f.recall for f in figs]),
                      mean_sd([f.f1 for f in figs]))
    console.print(table)
    if dry_run:
        console.print("dry run: nothing saved")
        return
    with console.status("training on all turns"):
        model = train_model(turns, config, matrices, info={"data": str(data), "negatives": negatives or ""},
                            negatives=chat_matrices)
    path = save_model(model, out)
    console.print(f"saved {path} (version {model.version}, heads {', '.join(model.heads)})")
    console.print(f'use it: in your config, [offense] model = "{out}"', markup=False)
