"""Who may use the JSON API. With a token: whoever sends it. Without one: only clients on this
machine, unless the operator says anyone may (``[server] allow_anonymous_api = true``), because
the API reads any transcript by id and greets a known ``user_id`` by name.

A request that came through a reverse proxy arrives from the proxy's (often loopback) address, so
a request carrying a forwarding header is never taken for a local one.
"""

from __future__ import annotations

import hmac
import ipaddress

from flask import Request

from chirpy.server.errors import ApiError
from chirpy.server.settings import ServerSettings

FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def check_api_access(settings: ServerSettings, request: Request) -> None:
    """Raise a 401 / 403 ``ApiError`` unless this request may use the JSON API."""
    if settings.api_token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), settings.api_token.encode()):
            raise ApiError(401, "unauthorized", "this API needs 'Authorization: Bearer <token>' with the server's token")
        return
    if settings.allow_anonymous_api or is_local_client(request):
        return
    raise ApiError(403, "api_local_only",
                   "no API token is configured, so this API answers clients on the server's own machine only: "
                   "set CHIRPY_API_TOKEN (or [server] allow_anonymous_api = true to open it to anyone)")


def is_local_client(request: Request) -> bool:
    if any(header in request.headers for header in FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address((request.remote_addr or "").split("%")[0])
    except ValueError:  # a Unix socket or no address at all: we cannot tell, so not local
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def describe_api_access(settings: ServerSettings) -> str | None:
    """One start-up line when the JSON API is not token-protected, saying who can use it."""
    if settings.api_token:
        return None
    if settings.allow_anonymous_api:
        return "the JSON API has no token and allow_anonymous_api is on: anyone who can reach this server can use it"
    return "the JSON API has no token: it answers clients on this machine only (set CHIRPY_API_TOKEN to open it)"
