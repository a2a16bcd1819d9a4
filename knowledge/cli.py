"""``chirpy knowledge ...``: build a knowledge store, and see what the linker makes of a sentence."""

from __future__ import annotations

import click


@click.group("knowledge")
def knowledge_group() -> None:
    """Build and inspect the knowledge store (entities the bot can talk about)."""


@knowledge_group.command("build")
@click.argument("input_path", metavar="INPUT", type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder to write knowledge.db into (replaced atomically when the build completes).")
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "parquet"]), default="auto", show_default=True,
              help="Input format: JSONL (one entity a line) or wikimedia/wikipedia parquet; auto by file.")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar on stderr.")
def build_command(input_path: str, out_dir: str, fmt: str, progress: bool) -> None:
    """Build a store from JSONL ({"title", "text", "aliases"?, "topic"?}) or Wikipedia parquet files
    (a file or a folder of them)."""
    from chirpy.progress import progress_bar
    from knowledge.builder import build_store
    from knowledge.sources import count_records, input_files, read_sources

    files = input_files(input_path, fmt)
    total = count_records(files) if progress else 0
    with progress_bar("building", total, "entities", enabled=progress) as advance:
        report = build_store(read_sources(files), out_dir, source_label=str(input_path), advance=advance)
    skipped = f", {report.skipped} skipped (no usable sentence)" if report.skipped else ""
    click.echo(f"built {report.path}: {report.entities} entities, {report.names} names{skipped} "
               f"in {report.seconds:.1f} s ({report.rate:,.0f} entities/s)")


@knowledge_group.command("link")
@click.argument("text")
@click.option("--knowledge", "path", default="", metavar="DIR", help="A store folder (default: the starter store).")
def link_command(text: str, path: str) -> None:
    """Show the entities the linker finds in TEXT, and what the store says about the best one."""
    from knowledge.service import open_knowledge

    knowledge = open_knowledge({"path": path})
    links = knowledge.linker.link(text)
    if not links:
        click.echo("no entities linked")
        return
    for link in links:
        click.echo(f"{link.title}  [{link.id}]  topic={link.topic}  score={link.score}  said={link.span!r}")
    best = knowledge.store.get(links[0].id)
    if best is not None:
        for fact in best.all_facts():
            click.echo(f"  - {fact}")
