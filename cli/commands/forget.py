"""``chirpy forget``: erase a user's (or one conversation's) data from the log (chirpy/store/cli.py)."""

from __future__ import annotations

from chirpy.registry import commands
from chirpy.store.cli import forget_command

commands.register("forget", func=forget_command)
