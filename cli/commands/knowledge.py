"""``chirpy knowledge ...``: build and inspect knowledge stores (the commands live in knowledge/cli.py)."""

from __future__ import annotations

from chirpy.registry import commands
from knowledge.cli import knowledge_group

commands.register("knowledge", func=knowledge_group)
