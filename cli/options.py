"""The options every bot-driving command shares (chat, replay, serve), and building the bot from them."""

from __future__ import annotations

import functools
from typing import Any, Callable

import click

BotOptions = dict[str, Any]


def bot_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--config, --db, --seed, --arm, --neural-model and --knowledge, collected into one ``bot_options`` argument."""
    options = [
        click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                     help="A TOML file merged over the built-in configuration."),
        click.option("--db", "db", default=None, metavar="LOG",
                     help="Conversation log: an SQLite path or a postgresql:// URL. Default: [bot] db in the config."),
        click.option("--seed", type=int, default=None,
                     help="Seed for arms and phrasing choices: the same seed and inputs give the same conversation."),
        click.option("--arm", "arms", multiple=True, metavar="EXPERIMENT=ARM",
                     help="Force an experiment arm (repeatable)."),
        click.option("--neural-model", default=None, metavar="NAME_OR_DIR",
                     help="Causal LM for neural chit-chat (hub name or local dir); overrides [responders.neural] model."),
        click.option("--knowledge", default=None, type=click.Path(), metavar="DIR",
                     help="Knowledge store folder (chirpy knowledge build); overrides [knowledge] path."),
    ]

    @functools.wraps(func)
    def collect(**kwargs: Any) -> Any:
        keys = ("config_path", "db", "seed", "arms", "neural_model", "knowledge")
        kwargs["bot_options"] = {k: kwargs.pop(k) for k in keys}
        return func(**kwargs)

    for option in reversed(options):
        collect = option(collect)
    return collect


def build_bot(options: BotOptions) -> Any:
    from chirpy.bot import Bot
    from chirpy.config import Config
    from chirpy.experiments import parse_arm_overrides

    settings: dict[str, Any] = {}
    if options["db"] is not None:
        settings["bot.db"] = options["db"]
    if options["seed"] is not None:
        settings["bot.seed"] = options["seed"]
    if options["neural_model"] is not None:
        settings["responders.neural.model"] = options["neural_model"]
    if options["knowledge"] is not None:
        settings["knowledge.path"] = options["knowledge"]
    config = Config.load(options["config_path"], settings)
    return Bot(config, arm_overrides=parse_arm_overrides(options["arms"]))
