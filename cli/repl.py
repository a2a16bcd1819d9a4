"""``chirpy chat``: the terminal REPL. Colours per speaker, ``/debug`` for the last turn's
candidates, ``/reset`` for a new conversation, ``/quit`` (or Ctrl-D / Ctrl-C) to leave; every
exit path marks the conversation ended in the log so nothing is left dangling."""

from __future__ import annotations

import signal
import threading
import uuid
from typing import Any

from rich.console import Console
from rich.table import Table

from chirpy.turn import TurnResult
from chirpy.understanding.facts import UserFacts

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


def facts_lines(bot: Any, conversation_id: str, result: TurnResult) -> list[str]:
    """What the user told the bot: this turn's facts, then everything it knows about them."""
    lines = []
    if result.annotations.topic_mentions:
        lines.append("[dim]names:[/] " + ", ".join(f"{m.span} [dim]({m.topic})[/]" for m in result.annotations.topic_mentions))
    heard = UserFacts(list(result.annotations.user_facts))
    if heard:
        lines.append("[dim]heard:[/] " + "; ".join(heard.describe()))
    state = bot.store.load_state(conversation_id)
    if state is not None and state.user_facts:
        lines.append("[dim]knows:[/] " + "; ".join(state.user_facts.describe()))
    return lines


def run_repl(bot: Any, console: Console | None = None, read: Any = None, *, reproducible: bool = False) -> None:
    """Chat until the person leaves. When the bot ends a conversation ("bye"), a new one starts, as
    with /reset. ``reproducible``: the n-th conversation of the session is seeded by its number, not
    by its random id, so the same seed and the same words replay the same conversation. Ctrl-C,
    at the prompt or in the middle of a turn, ends the conversation like /quit."""
    console = console or Console()
    read = read or (lambda: console.input("[bold green]you ›[/] "))
    started = 0
    conversation_id = ""

    def start() -> TurnResult:
        nonlocal started, conversation_id
        started += 1
        conversation_id = uuid.uuid4().hex  # known before the launch turn, so even an interrupted one is ended
        result = bot.start(conversation_id, channel="terminal", rng_key=f"chat-{started}" if reproducible else None)
        console.print(f"[bold cyan]chirpy ›[/] {result.text}")
        return result

    console.print(HELP)
    try:
        last = start()
        while True:
            try:
                line = read()
            except EOFError:
                console.print()
                line = "/quit"
            command = line.strip().lower()
            if command in ("/quit", "/exit"):
                _leave(bot, console, conversation_id)
                return
            if command == "/debug":
                console.print(debug_table(last))
                if last.annotations.linked_entities:
                    console.print("[dim]linked:[/] " + ", ".join(
                        f"{e.title} [dim]({e.topic or '-'}, {e.score:.2f}, said {e.span!r})[/]"
                        for e in last.annotations.linked_entities))
                for line in facts_lines(bot, conversation_id, last):
                    console.print(line)
                continue
            if command == "/reset":
                bot.end(conversation_id, "reset")
                console.print("[dim]— new conversation —[/]")
                last = start()
                continue
            if command.startswith("/"):
                console.print(HELP)
                continue
            last = bot.respond(conversation_id, line)
            console.print(f"[bold cyan]chirpy ›[/] {last.text}")
            if last.ended:
                console.print("[dim]— that conversation is over and saved; here is a new one (/quit to leave) —[/]")
                last = start()
    except KeyboardInterrupt:
        console.print()
        _leave(bot, console, conversation_id)


def _leave(bot: Any, console: Console, conversation_id: str) -> None:
    """End the conversation with a second Ctrl-C held off, so leaving cannot itself be cut short."""
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
    try:
        bot.end(conversation_id, "user_quit")
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    console.print("[dim]Conversation saved. Bye![/]")
