"""Errors a user of the offense package can act on. All are ``ChirpyError``s (via ``ConfigError``),
so the CLI prints them as one line (``error: ...``, exit 2) instead of a traceback."""

from __future__ import annotations

from chirpy.errors import ConfigError


class LexiconError(ConfigError, ValueError):
    """A data file (lexicon, patterns, whitelist, normalisation rules) is missing or has an entry the
    compiler cannot read; the message names the file and entry."""


class OffenseDataError(ConfigError, ValueError):
    """Labelled training data cannot be read; the message names the file (and row)."""


class OffenseModelError(ConfigError):
    """A model checkpoint is missing, unreadable or from an incompatible version (message says which)."""
