"""Entry point for production WSGI servers, configured by environment variables:

    CHIRPY_CONFIG=bot.toml CHIRPY_DB=/var/lib/chirpy/log.db \
        gunicorn -w 4 --threads 4 -b 127.0.0.1:8000 'chirpy.server.wsgi:create_app_from_env()'

Each worker builds its own Bot (no ``--preload``: SQLite connections and thread pools must not be
shared across a fork); the workers share the log file and coordinate through its lock folder.
"""

from __future__ import annotations

import os

from flask import Flask

from chirpy.config import Config
from chirpy.server.app import create_app


def create_app_from_env() -> Flask:
    overrides: dict[str, object] = {}
    if os.environ.get("CHIRPY_DB"):
        overrides["bot.db"] = os.environ["CHIRPY_DB"]
    if os.environ.get("CHIRPY_SEED"):
        overrides["bot.seed"] = int(os.environ["CHIRPY_SEED"])
    config = Config.load(os.environ.get("CHIRPY_CONFIG") or None, overrides)
    return create_app(config)
