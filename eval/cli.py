"""``chirpy eval``, ``chirpy export`` and ``chirpy import``: the log-reading commands.

Heavy imports (numpy, scipy) happen inside the commands so ``chirpy --help`` stays instant.
"""

from __future__ import annotations

import json

import click

DB_OPTION = click.option("--db", "db", required=True, metavar="LOG",
                         help="The conversation log: an SQLite file path or a postgresql:// URL.")


@click.command("eval")
@DB_OPTION
@click.option("--json", "json_out", type=click.Path(dir_okay=False, allow_dash=True), default=None, metavar="OUT",
              help="Also write the figures as JSON ('-' for stdout: tables are then not printed).")
@click.option("--html", "html_out", type=click.Path(dir_okay=False), default=None, metavar="REPORT.html",
              help="Also write a self-contained HTML report with plots.")
@click.option("--ratings", type=click.Path(dir_okay=False), default=None, metavar="RATINGS.csv",
              help="End-of-conversation ratings: CSV of conversation id, rating.")
@click.option("--offense-experiment", default="offense_strategy", show_default=True,
              help="The experiment whose arms are the offense strategies.")
@click.option("--neural-responder", default="neural", show_default=True,
              help="The responder whose predictor scores are split into deciles.")
@click.option("--score-key", default="dissatisfaction", show_default=True,
              help="The candidate score holding the dissatisfaction predictor's output.")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar on stderr while reading.")
def eval_command(db: str, json_out: str | None, html_out: str | None, ratings: str | None, offense_experiment: str,
                 neural_responder: str, score_key: str, progress: bool) -> None:
    """Offense, initiative, dissatisfaction, bot-error, latency and conversation metrics of a log."""
    from chirpy.progress import progress_bar
    from chirpy.store import reading
    from eval.conversations import read_ratings
    from eval.report import EvalSettings, evaluate_path

    settings = EvalSettings(offense_experiment, neural_responder, score_key)
    rating_values = read_ratings(ratings) if ratings else None
    with reading(db) as reader:  # a missing / foreign / old log fails here, before any progress bar is drawn
        with progress_bar("reading log", reader.count_turns(), "turns", enabled=progress) as advance:
            report, seconds = evaluate_path(reader, rating_values, settings, advance)
    turns = report["conversations"]["turns"]
    if json_out != "-":
        from eval.terminal import render_terminal
        render_terminal(report)
    if json_out:
        text = json.dumps(report, indent=2, ensure_ascii=False)
        if json_out == "-":
            click.echo(text)
        else:
            _write(json_out, text)
    if html_out:
        from eval.html_report import render_html
        _write(html_out, render_html(report))
    click.echo(f"evaluated {turns} turns in {seconds:.2f} s ({turns / max(seconds, 1e-9):,.0f} turns/s)", err=True)


@click.command("export")
@DB_OPTION
@click.option("--jsonl", "out", required=True, type=click.Path(dir_okay=False), metavar="OUT.jsonl",
              help="Where to write one JSON line per conversation.")
@click.option("--progress/--no-progress", default=True)
def export_command(db: str, out: str, progress: bool) -> None:
    """Write a log as portable JSONL (conversations with their turns, candidates and runs)."""
    from chirpy.progress import progress_bar
    from chirpy.store import reading
    from eval.portable import export_jsonl

    with reading(db) as reader:
        with progress_bar("exporting", reader.count_conversations(), "conversations", enabled=progress) as advance:
            n = export_jsonl(reader, out, advance)
    click.echo(f"exported {n} conversations to {out}")


@click.command("import")
@click.argument("source", metavar="IN.jsonl", type=click.Path(dir_okay=False))
@DB_OPTION
@click.option("--fail-on-existing", is_flag=True, help="Stop with an error when a conversation is already in the log.")
@click.option("--progress/--no-progress", default=True)
def import_command(source: str, db: str, fail_on_existing: bool, progress: bool) -> None:
    """Add the conversations of a `chirpy export` JSONL file to a log (created if needed)."""
    from chirpy.progress import progress_bar
    from chirpy.store.location import redact
    from eval.portable import import_jsonl

    with progress_bar("importing", 0, "conversations", enabled=progress) as advance:
        imported, skipped = import_jsonl(source, db, skip_existing=not fail_on_existing, progress=advance)
    skipped_note = f" ({skipped} already there, skipped)" if skipped else ""
    click.echo(f"imported {imported} conversations into {redact(db)}{skipped_note}")


def _write(path: str, text: str) -> None:
    from eval.log import EvalError

    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise EvalError(f"cannot write {path}: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}", err=True)
