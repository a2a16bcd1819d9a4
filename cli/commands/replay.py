"""``chirpy replay``: drive the bot with recorded user utterances into a log (see chirpy/replay.py)."""

from __future__ import annotations

import click

from chirpy.registry import commands
from chirpy.replay import FORMATS, SIDES
from cli.options import BotOptions, bot_options, build_bot


@commands.register("replay")
@click.command("replay")
@click.argument("input_path", metavar="INPUT", type=click.Path())
@bot_options
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Replay at most N conversations.")
@click.option("--side", type=click.Choice(SIDES), default="agent_1", show_default=True,
              help="Topical-Chat: which agent's messages the user says.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
              help="Input format (auto: by file extension, then by content).")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar on stderr.")
def replay_command(input_path: str, bot_options: BotOptions, limit: int | None, side: str, fmt: str,
                   progress: bool) -> None:
    """Replay recorded conversations (Topical-Chat JSON, JSONL, or plain text) through the bot."""
    from chirpy.replay import read_conversations, replay

    conversations = read_conversations(input_path, fmt=fmt, side=side)  # bad input fails before the bot loads
    bot = build_bot(bot_options)
    try:
        summary = replay(bot, conversations, limit=limit, progress=progress)
    finally:
        bot.close()
    click.echo(f"replayed {summary.conversations} conversations, {summary.turns} user turns "
               f"({summary.ended_by_bot} closed by the bot) into {bot.store.display}")
