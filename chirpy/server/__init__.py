"""Serving the bot over HTTP: an Alexa custom-skill endpoint and a JSON API (see README.md here)."""

from chirpy.server.app import create_app

__all__ = ["create_app"]
