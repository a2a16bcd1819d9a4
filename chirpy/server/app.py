"""The Flask app factory: one Bot per worker process, the Alexa endpoint, the JSON API, the spec."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from chirpy.config import Config
from chirpy.errors import ConfigError
from chirpy.server import alexa, chat, erasure, json_api  # noqa: F401 — erasure adds its route to json_api
from chirpy.server.access import describe_api_access
from chirpy.server.errors import ApiError, error_response
from chirpy.server.ledger import RequestLedger
from chirpy.server.locks import ConversationLocks
from chirpy.server.services import Services
from chirpy.server.settings import ServerSettings
from chirpy.server.verification import AlexaVerifier
from chirpy.store import StoreUnavailable

log = logging.getLogger("chirpy.server")


def create_app(
    config: Config | None = None,
    *,
    bot: Any = None,
    verify_alexa: bool = True,
    verifier_factory: Callable[[], AlexaVerifier] | None = None,
    env: dict[str, str] | None = None,
) -> Flask:
    """Build the app. ``verify_alexa=False`` is the development flag (``chirpy serve
    --dev-skip-alexa-verification``); ``verifier_factory`` lets tests inject local trust roots."""
    if bot is None:
        from chirpy.bot import Bot

        bot = Bot(config or Config.load())
    config = config or bot.config
    settings = ServerSettings.from_config(config.section("server"), env, verify_alexa=verify_alexa)
    if settings.alexa_trust_roots and not Path(settings.alexa_trust_roots).is_file():
        raise ConfigError(f"[server] alexa_trust_roots: no such file {settings.alexa_trust_roots}")
    services = Services(
        bot=bot,
        settings=settings,
        locks=ConversationLocks(bot.store, max_waiters=settings.max_waiters_per_conversation),
        ledger=RequestLedger(bot.store),
        verifier_factory=verifier_factory,
    )
    access = describe_api_access(settings)
    if access:
        log.warning(access)
    if not verify_alexa:
        log.warning("Alexa request verification is OFF (development flag): never expose this server")

    app = Flask("chirpy.server")
    # One byte over the limit, checked in whole_body below: Werkzeug stops reading a chunked body
    # (no Content-Length) at MAX_CONTENT_LENGTH and hands over what it read without an error.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes + 1
    app.json.sort_keys = False  # keep replies in the documented field order
    app.extensions["chirpy"] = services
    app.register_blueprint(alexa.blueprint)
    app.register_blueprint(json_api.blueprint)
    app.register_blueprint(chat.blueprint)

    @app.before_request
    def whole_body() -> None:
        """A body that reached the read limit was cut: refuse it rather than act on its first part."""
        if len(request.get_data(cache=True)) > settings.max_body_bytes:
            raise RequestEntityTooLarge()

    @app.get("/health")
    def health() -> Response:
        """200 while the log takes writes; 503 when it does not (a load balancer stops sending turns)."""
        log_health = bot.store.health()
        response = jsonify({"status": "ok" if log_health.writable else "unavailable", "log": log_health.to_dict()})
        response.status_code = 200 if log_health.writable else 503
        return response

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(json_api.SPEC)

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return exc.response()

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(exc: StoreUnavailable) -> Response:
        log.warning("log unavailable: %s", exc)  # the turn was not written; the next one reconnects
        response = error_response(503, "log_unavailable", "the conversation log cannot be written right now; "
                                  "nothing of this request was saved: retry shortly")
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "_")
        message = {413: f"the body is larger than {settings.max_body_bytes} bytes"}.get(exc.code or 0, exc.description)
        response = error_response(exc.code or 500, code, str(message))
        if exc.code == 405:
            response.headers["Allow"] = dict(exc.get_headers()).get("Allow", "")
        return response

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "the server failed on this request; it has been logged")

    return app
