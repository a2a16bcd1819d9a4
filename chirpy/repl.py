"""``chirpy chat``: the terminal REPL. Colours per speaker, ``/debug`` for the last turn's
candidates, ``/reset`` for a new conversation, ``/quit`` (or Ctrl-D / Ctrl-C) to leave; every
exit path marks the conversation ended in the log so nothing is left dangling."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from chirpy.turn import TurnResult

HELP = "[dim]Type to chat. /debug shows the last turn's candidates, /reset starts over, /quit leaves.[/]"


def debug_table(result: TurnResult) -> Table:
    table = Table(title=f"turn {result.turn_index} · {result.latency_ms:.0f} ms", show_lines=False)
    for column in ("phase", "responder", "priority", "", "text", "scores", "ms"):
        table.add_column(column, overflow="fold")
    for row in result.debug_rows():
        mark = "[green]✔[/]" if row["chosen"] else ("[red]✘[/]" if row["rejected"] else "")
        text = row["text"] + (f" [red]({row['rejected']})[/]" if row["rejected"] else "")
        scores = " ".join(f"{k}={v:.3g}" for k, v in row["scores"].items())
        ms = "" if row["latency_ms"] is None else f"{row['latency_ms']:.1f}"
        table.add_row(row["kind"], row["responder"], row["priority"], mark, text, scores, ms)
    for run in result.runs:
        if run.status != "ok":
            table.add_row(run.phase, run.responder, "", "[red]![/]", f"[red]{run.status}: {run.error}[/]", "",
                          f"{run.latency_ms:.1f}")
    return table


def run_repl(bot: Any, console: Console | None = None, read: Any = None) -> None:
    console = console or Console()
    read = read or (lambda: console.input("[bold green]you ›[/] "))
    console.print(HELP)
    last = bot.start(channel="terminal")
    console.print(f"[bold cyan]chirpy ›[/] {last.text}")
    while True:
        try:
            line = read()
        except (EOFError, KeyboardInterrupt):
            console.print()
            bot.end(last.conversation_id, "user_quit")
            console.print("[dim]Conversation saved. Bye![/]")
            return
        command = line.strip().lower()
        if command in ("/quit", "/exit"):
            bot.end(last.conversation_id, "user_quit")
            console.print("[dim]Conversation saved. Bye![/]")
            return
        if command == "/debug":
            console.print(debug_table(last))
            if last.annotations.linked_entities:
                console.print("[dim]linked:[/] " + ", ".join(
                    f"{e.title} [dim]({e.topic or '-'}, {e.score:.2f}, said {e.span!r})[/]" for e in last.annotations.linked_entities))
            continue
        if command == "/reset":
            bot.end(last.conversation_id, "reset")
            console.print("[dim]— new conversation —[/]")
            last = bot.start(channel="terminal")
            console.print(f"[bold cyan]chirpy ›[/] {last.text}")
            continue
        if command.startswith("/"):
            console.print(HELP)
            continue
        last = bot.respond(last.conversation_id, line)
        console.print(f"[bold cyan]chirpy ›[/] {last.text}")
        if last.ended:
            console.print("[dim]The conversation has ended and is saved. Bye![/]")
            return
