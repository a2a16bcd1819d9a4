"""The ``chirpy`` command. Each subcommand imports its heavy parts lazily so ``chirpy --help``
answers instantly; a ``ChirpyError`` becomes one line on stderr and exit code 2, never a traceback.

Feature commands live in their own modules and are attached at the bottom of this file.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from chirpy.errors import ChirpyError

# Loading a model by hub name without network retries for ~46 s; a socialbot must not hang at start-up.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


class ChirpyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ChirpyError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(2)


_SETTINGS = "chirpy.settings"  # click context meta key: config overrides collected from shared options


def _setting(dotted: str) -> Any:
    """A click callback that records an option's value as a config override for ``build_bot``."""
    def remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            ctx.meta.setdefault(_SETTINGS, {})[dotted] = value
        return value
    return remember


def config_options(func: Any) -> Any:
    """The options every bot-driving command shares: config file, log database, seed, arms, knowledge store."""
    func = click.option("--knowledge", type=click.Path(), default=None, metavar="DIR", expose_value=False,
                        callback=_setting("knowledge.path"),
                        help="Knowledge store folder (chirpy knowledge build); overrides [knowledge] path.")(func)
    func = click.option("--arm", "arms", multiple=True, metavar="EXPERIMENT=ARM",
                        help="Force an experiment arm (repeatable).")(func)
    func = click.option("--seed", type=int, default=None, help="Seed for arms and phrasing choices.")(func)
    func = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                        help="Conversation log (SQLite). Default: [bot] db in the config.")(func)
    func = click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                        help="A TOML file merged over the built-in configuration.")(func)
    return func


def build_bot(config_path: str | None, db: str | None, seed: int | None, arms: tuple[str, ...],
              overrides: dict[str, Any] | None = None) -> Any:
    from chirpy.bot import Bot
    from chirpy.config import Config
    from chirpy.experiments import parse_arm_overrides

    context = click.get_current_context(silent=True)
    settings = {**(context.meta.get(_SETTINGS, {}) if context else {}), **(overrides or {})}
    if db is not None:
        settings["bot.db"] = db
    if seed is not None:
        settings["bot.seed"] = seed
    config = Config.load(config_path, settings)
    return Bot(config, arm_overrides=parse_arm_overrides(arms))


@click.group(cls=ChirpyGroup)
@click.option("-v", "--verbose", is_flag=True, help="Show warnings and info from every component.")
def cli(verbose: bool) -> None:
    """chirpy: build, chat with, serve and evaluate an open-domain socialbot."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        # Warnings are messages for the person at the terminal; -v adds where each came from.
        format="%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s",
    )


@cli.command()
@config_options
@click.option("--neural-model", default=None, metavar="NAME_OR_DIR",
              help="Causal LM for neural chit-chat (hub name or local dir); overrides [responders.neural] model.")
def chat(config_path: str | None, db: str | None, seed: int | None, arms: tuple[str, ...],
         neural_model: str | None) -> None:
    """Chat with the bot in the terminal (/debug, /reset, /quit)."""
    from chirpy.repl import run_repl

    overrides = {"responders.neural.model": neural_model} if neural_model is not None else None
    bot = build_bot(config_path, db, seed, arms, overrides)
    try:
        run_repl(bot)
    finally:
        bot.close()


from chirpy.replay_cli import replay_command  # noqa: E402 — attached after cli exists

cli.add_command(replay_command)

from eval.cli import COMMANDS as EVAL_COMMANDS  # noqa: E402 — eval, export, import

for _command in EVAL_COMMANDS:
    cli.add_command(_command)

from chirpy.train_cli import train_group  # noqa: E402

cli.add_command(train_group)

from chirpy.server.cli import serve  # noqa: E402

cli.add_command(serve)

from knowledge.cli import knowledge_group  # noqa: E402

cli.add_command(knowledge_group)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
