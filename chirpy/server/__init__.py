"""Serving the bot over HTTP: an Alexa custom-skill endpoint and a JSON API (see README.md here).

``create_app`` is imported on first use: ``chirpy --help`` must not pay for Flask and jsonschema.
"""

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from chirpy.server.app import create_app

        return create_app
    raise AttributeError(name)
