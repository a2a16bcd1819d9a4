"""The server's settings: the ``[server]`` config table, with environment variables on top.

Secrets (the API token) and deployment facts (the skill id) usually come from the environment of a
production server, so they override the file; everything is checked once at start-up so a wrong
value is a one-line error (and an unknown key a one-line warning), not a 500 on the first request.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Mapping

from chirpy.errors import ConfigError

log = logging.getLogger("chirpy.server")


@dataclass(frozen=True)
class ServerSettings:
    alexa_skill_ids: tuple[str, ...] = ()
    alexa_intent: str = "ChatIntent"
    alexa_slot: str = "query"
    alexa_trust_roots: str = ""
    api_token: str = ""
    # Without a token the JSON API answers loopback clients only, unless this says anyone may use it.
    allow_anonymous_api: bool = False
    allow_debug: bool = True
    max_body_bytes: int = 65536
    lock_timeout_seconds: float = 30.0
    max_waiters_per_conversation: int = 2  # more concurrent requests for one conversation get 429 at once
    # Only `chirpy serve --dev-skip-alexa-verification` turns this off; there is no config key for it,
    # so a production config file cannot disable verification by accident.
    verify_alexa: bool = True

    @classmethod
    def from_config(cls, table: Mapping[str, Any], env: Mapping[str, str] | None = None,
                    *, verify_alexa: bool = True) -> "ServerSettings":
        env = os.environ if env is None else env
        data = dict(table)
        skill_ids = data.pop("alexa_skill_ids", [])
        if isinstance(skill_ids, str):
            skill_ids = [skill_ids]
        if env.get("CHIRPY_ALEXA_SKILL_IDS"):
            skill_ids = [s.strip() for s in env["CHIRPY_ALEXA_SKILL_IDS"].split(",") if s.strip()]
        token = _api_token(data.pop("api_token", ""), env.get("CHIRPY_API_TOKEN"))
        try:
            settings = cls(
                alexa_skill_ids=tuple(str(s) for s in skill_ids),
                alexa_intent=str(data.pop("alexa_intent", "ChatIntent")),
                alexa_slot=str(data.pop("alexa_slot", "query")),
                alexa_trust_roots=str(data.pop("alexa_trust_roots", "")),
                api_token=token,
                allow_anonymous_api=_as_bool(data.pop("allow_anonymous_api", False)),
                allow_debug=_as_bool(data.pop("allow_debug", True)),
                max_body_bytes=int(data.pop("max_body_bytes", 65536)),
                lock_timeout_seconds=float(data.pop("lock_timeout_seconds", 30)),
                max_waiters_per_conversation=int(data.pop("max_waiters_per_conversation", 2)),
                verify_alexa=verify_alexa,
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[server] has a value of the wrong type: {exc}") from None
        if settings.max_body_bytes < 1024:
            raise ConfigError("[server] max_body_bytes must be at least 1024")
        if settings.lock_timeout_seconds <= 0:
            raise ConfigError("[server] lock_timeout_seconds must be > 0")
        if settings.max_waiters_per_conversation < 0:
            raise ConfigError("[server] max_waiters_per_conversation must be >= 0")
        for key in sorted(data):  # a typo must not pass silently; refusing would break configs that load today
            log.warning("[server] %s is not a server setting: ignored", key)
        return settings


def _api_token(configured: Any, from_env: str | None) -> str:
    """The environment wins, except when it is empty: `CHIRPY_API_TOKEN=$(cat missing-file)` must not
    quietly switch off the token in the config file."""
    if not isinstance(configured, str):
        raise ConfigError("[server] api_token must be a string")
    if from_env is not None and not from_env.strip():
        log.warning("CHIRPY_API_TOKEN is set but empty: ignored (%s)",
                    "using [server] api_token" if configured.strip() else "no API token is set")
        from_env = None
    return (from_env if from_env is not None else configured).strip()


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {value!r}")
