"""``chirpy eval``, ``chirpy export`` and ``chirpy import``: the log-reading commands (eval/cli.py)."""

from __future__ import annotations

from chirpy.registry import commands
from eval.cli import eval_command, export_command, import_command

commands.register("eval", func=eval_command)
commands.register("export", func=export_command)
commands.register("import", func=import_command)
