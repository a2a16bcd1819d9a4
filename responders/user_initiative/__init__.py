"""Handlers for what the user starts: questions about the bot, topic changes, requests to repeat,
and complaints. Each is a small responder driven by a TOML file in ``content/``."""
