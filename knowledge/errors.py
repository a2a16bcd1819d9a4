"""Errors of the knowledge store, each one line a person can act on."""

from chirpy.errors import ChirpyError


class KnowledgeInputError(ChirpyError):
    """A build input is missing or malformed; the message names the file (and row)."""


class KnowledgeStoreError(ChirpyError):
    """A store cannot be opened: missing, not a knowledge store, or from a newer chirpy."""
