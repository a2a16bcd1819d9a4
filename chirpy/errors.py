"""Errors a user can act on.

Anything raised as ``ChirpyError`` reaches the person at the terminal as one line and a non-zero
exit code, never as a traceback: it means "your input, path or model is wrong", not "chirpy broke".
"""


class ChirpyError(Exception):
    """A problem the user can fix (bad path, bad config, missing model); shown as one line."""


class ConfigError(ChirpyError):
    """The configuration names something that does not exist or has the wrong shape."""


class StoreError(ChirpyError):
    """The conversation log cannot be opened or written."""


class ComponentUnavailable(ChirpyError):
    """An optional part (a neural model, a trained predictor) cannot load; the bot runs without it."""


class ConversationEnded(ChirpyError):
    """A turn was sent to a conversation that already ended."""
