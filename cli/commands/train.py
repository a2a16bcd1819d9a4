"""``chirpy train ...``: the training commands, each defined next to the model it trains."""

from __future__ import annotations

import click

from chirpy.registry import commands
from classifiers.dissatisfaction.cli import train_dissatisfaction
from classifiers.offense.cli import train_offense
from responders.neural.cli import train_generator_command


@commands.register("train")
@click.group("train")
def train_group() -> None:
    """Train models: the dissatisfaction predictor from logs, the generator, ..."""


train_group.add_command(train_dissatisfaction)
train_group.add_command(train_generator_command)
train_group.add_command(train_offense)
