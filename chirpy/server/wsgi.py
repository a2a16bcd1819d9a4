"""Entry point for production WSGI servers, configured by environment variables:

    CHIRPY_CONFIG=bot.toml CHIRPY_DB=/var/lib/chirpy/log.db \
        gunicorn -w 4 --threads 4 -b 127.0.0.1:8000 'chirpy.server.wsgi:create_app_from_env()'

``CHIRPY_DB`` is an SQLite path or a ``postgresql://`` URL. Each worker builds its own Bot (no
``--preload``: database connections and thread pools must not be shared across a fork); the workers
(and, on PostgreSQL, the hosts) share the log and coordinate through it. A log that cannot be opened
at start-up (a dead database, a bad path) is one ``error:`` line and exit code 2, not a traceback.
"""

from __future__ import annotations

import os
import sys

from flask import Flask

from chirpy.config import Config
from chirpy.errors import ChirpyError
from chirpy.server.app import create_app


def create_app_from_env() -> Flask:
    try:
        return _create_app_from_env()
    except ChirpyError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)


def _create_app_from_env() -> Flask:
    overrides: dict[str, object] = {}
    if os.environ.get("CHIRPY_DB"):
        overrides["bot.db"] = os.environ["CHIRPY_DB"]
    if os.environ.get("CHIRPY_SEED"):
        overrides["bot.seed"] = int(os.environ["CHIRPY_SEED"])
    config = Config.load(os.environ.get("CHIRPY_CONFIG") or None, overrides)
    return create_app(config)
