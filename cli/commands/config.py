"""``chirpy config``: print the configuration a bot would run with, every part's defaults included."""

from __future__ import annotations

import click

from chirpy.registry import commands


@commands.register("config")
@click.command("config")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="A TOML file merged over the built-in configuration.")
def config_command(config_path: str | None) -> None:
    """Print the effective configuration as TOML (built-in defaults, your file, each part's settings)."""
    import tomli_w

    from chirpy.config import Config
    from chirpy.effective_config import effective_config

    click.echo(tomli_w.dumps(effective_config(Config.load(config_path))), nl=False)
