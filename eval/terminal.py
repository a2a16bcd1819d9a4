"""The report in the terminal: rich tables per section (charts are for the HTML report)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from eval.views import BarChart, Histogram, NotLogged, TableBlock, Text, sections


def render_terminal(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    for _, title, blocks in sections(report):
        console.rule(f"[bold]{title}")
        for block in blocks:
            if isinstance(block, Text):
                console.print(block.text, highlight=False)
            elif isinstance(block, NotLogged):
                console.print(f"{block.what}: [yellow]not logged[/] — {block.reason}", highlight=False)
            elif isinstance(block, TableBlock):
                console.print(_table(block))
            elif isinstance(block, (BarChart, Histogram)):
                continue


def _table(block: TableBlock) -> Table:
    table = Table(title=block.title, title_justify="left", title_style="bold")
    for i, column in enumerate(block.columns):
        table.add_column(column, justify="left" if i == 0 else "right", overflow="fold")
    for i, row in enumerate(block.rows):
        marked = i < len(block.marked) and block.marked[i]
        table.add_row(*row, style="green" if marked else None)
    return table
