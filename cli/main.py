"""The ``chirpy`` command. Subcommands register themselves (``chirpy.registry.commands``): every
module in ``cli/commands/`` is imported here, and a team's package can add commands through the
``chirpy_commands`` entry point. Each command imports its heavy parts lazily so ``chirpy --help``
answers instantly; a ``ChirpyError`` becomes one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys
from typing import Any

import click

import cli.commands
from chirpy import registry
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


@click.group("chirpy", cls=ChirpyGroup)
@click.option("-v", "--verbose", is_flag=True, help="Show warnings and info from every component.")
def main_group(verbose: bool) -> None:
    """chirpy: build, chat with, serve and evaluate an open-domain socialbot."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        # Warnings are messages for the person at the terminal; -v adds where each came from.
        format="%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s",
    )


def build_cli() -> click.Group:
    for module in pkgutil.iter_modules(cli.commands.__path__):
        importlib.import_module(f"cli.commands.{module.name}")
    for name, command in sorted(registry.commands.get_all().items()):
        main_group.add_command(command, name)
    return main_group


cli = build_cli()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
