"""``chirpy chat``: talk with the bot in the terminal."""

from __future__ import annotations

import click

from chirpy.registry import commands
from cli.options import BotOptions, bot_options, build_bot


@commands.register("chat")
@click.command()
@bot_options
def chat(bot_options: BotOptions) -> None:
    """Chat with the bot in the terminal (/debug, /reset, /quit)."""
    from cli.repl import run_repl

    bot = build_bot(bot_options)
    try:
        # An explicit --seed replays: the same seed and the same words give the same conversation.
        run_repl(bot, reproducible=bot_options["seed"] is not None)
    finally:
        bot.close()
