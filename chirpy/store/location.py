"""Where a log lives: an SQLite file path or a ``postgresql://`` URL (``--db``, ``[bot] db``, ``CHIRPY_DB``).

Anything that looks like a URL (``scheme://``) is checked against the schemes chirpy knows, so a typo
or an unsupported engine is a one-line error instead of a folder named ``mysql:`` with an SQLite file
in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from chirpy.errors import StoreError

Backend = Literal["sqlite", "postgresql"]
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class LogLocation:
    backend: Backend
    target: str  # the SQLite path, or the libpq connection URL (with its password)
    display: str  # what messages print: the URL without its password

    def __str__(self) -> str:
        return self.display


def parse_location(text: str) -> LogLocation:
    text = str(text).strip()
    if not text:
        raise StoreError("the log location is empty: give an SQLite file path or a postgresql:// URL")
    match = _URL.match(text)
    if match is None:
        return LogLocation("sqlite", text, text)
    scheme = match.group(1).lower()
    if scheme in POSTGRES_SCHEMES:
        return LogLocation("postgresql", text, redact(text))
    if scheme == "sqlite":  # sqlite:///abs/path or sqlite://relative/path, as SQLAlchemy users write it
        path = text[len(match.group(0)):]
        if not path:
            raise StoreError(f"{text}: no file path after sqlite://")
        return LogLocation("sqlite", path, path)
    raise StoreError(f"unknown log location scheme {scheme}:// in {redact(text)!r}: "
                     "use an SQLite file path or a postgresql:// URL")


def redact(url: str) -> str:
    """The URL with any password replaced, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
