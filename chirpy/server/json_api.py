"""The JSON API for front ends other than Alexa (see openapi.json, served at /openapi.json).

Request bodies are validated against the schemas in the OpenAPI document itself, so the document
and the checks cannot drift apart. Every turn runs under the conversation's lock.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from jsonschema import Draft202012Validator

from chirpy.errors import ConfigError, ConversationEnded
from chirpy.server.access import check_api_access
from chirpy.server.bodies import check_schema, parse_json
from chirpy.server.errors import ApiError
from chirpy.server.locks import ConversationBusy, LockTimeout
from chirpy.server.services import Services

SPEC: dict[str, Any] = json.loads((Path(__file__).parent / "openapi.json").read_text(encoding="utf-8"))
_SCHEMAS = SPEC["components"]["schemas"]
VALIDATORS = {name: Draft202012Validator(_SCHEMAS[name]) for name in ("NewConversation", "NewTurn")}
CONVERSATION_ID = re.compile(SPEC["components"]["parameters"]["ConversationId"]["schema"]["pattern"])

blueprint = Blueprint("json_api", __name__, url_prefix="/api/v1")


@blueprint.before_request
def check_access() -> None:
    check_api_access(_services().settings, request)


@blueprint.post("/conversations")
def create_conversation() -> tuple[Response, int]:
    services = _services()
    body = _body("NewConversation", optional=True)
    cid = body.get("conversation_id") or uuid.uuid4().hex
    with _locked(services, cid):
        if services.bot.store.load_state(cid) is not None:
            raise ApiError(409, "conversation_exists", f"conversation {cid} already exists")
        try:
            result = services.bot.start(cid, user_id=body.get("user_id"), arms=body.get("arms"), channel="api")
        except ConfigError as exc:  # an unknown experiment or arm
            raise ApiError(400, "invalid_arms", str(exc)) from None
    return jsonify(_reply(result, debug=False)), 201


@blueprint.get("/conversations/<cid>")
def get_conversation(cid: str) -> Response:
    services = _services()
    state = _state(services, cid)
    turns = [{"turn_index": t["turn_index"], "user_text": t["user_text"], "bot_text": t["bot_text"]}
             for t in services.bot.store.turns(cid)]
    return jsonify({"conversation_id": cid, "ended": state.ended, "end_reason": state.end_reason, "turns": turns})


@blueprint.post("/conversations/<cid>/end")
def end_conversation(cid: str) -> Response:
    services = _services()
    with _locked(services, cid):
        _state(services, cid)
        services.bot.end(cid, "api_end")
    return jsonify({"conversation_id": cid, "ended": True})


@blueprint.post("/conversations/<cid>/turns")
def send_turn(cid: str) -> Response:
    services = _services()
    _check_id(cid)
    body = _body("NewTurn")
    debug = body.get("debug", False) or _query_flag("debug")
    if debug and not services.settings.allow_debug:
        raise ApiError(403, "debug_disabled", "debug output is disabled on this server ([server] allow_debug)")
    with _locked(services, cid):
        state = _state(services, cid)
        if state.ended:
            raise ApiError(409, "conversation_ended", f"conversation {cid} has ended")
        try:
            result = services.bot.respond(cid, body["text"], user_id=state.user_id, channel="api")
        except ConversationEnded as exc:
            raise ApiError(409, "conversation_ended", str(exc)) from None
    return jsonify(_reply(result, debug=debug))


# -- helpers -----------------------------------------------------------------------------------
def _services() -> Services:
    return current_app.extensions["chirpy"]


def _check_id(cid: str) -> None:
    if not CONVERSATION_ID.fullmatch(cid):
        raise ApiError(400, "invalid_conversation_id", "conversation ids are 1-200 characters of A-Z a-z 0-9 . _ : -")


def _state(services: Services, cid: str) -> Any:
    _check_id(cid)
    state = services.bot.store.load_state(cid)
    if state is None:
        raise ApiError(404, "conversation_not_found", f"no conversation {cid}")
    return state


def _body(schema: str, optional: bool = False) -> dict[str, Any]:
    raw = request.get_data(cache=True)
    if not raw.strip() and optional:
        return {}
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    body = parse_json(raw, "invalid_body")
    check_schema(VALIDATORS[schema], body, "invalid_body")
    return body


def _query_flag(name: str) -> bool:
    value = request.args.get(name)
    if value is None:
        return False
    if value.lower() in ("1", "true", "yes", ""):
        return True
    if value.lower() in ("0", "false", "no"):
        return False
    raise ApiError(400, "invalid_query", f"?{name}= takes true or false")


class _locked:
    """The conversation's lock; a request that waited too long gets a 409 rather than hanging, and one
    that would queue behind too many others gets a 429 at once."""

    def __init__(self, services: Services, cid: str) -> None:
        _check_id(cid)
        self._hold = services.locks.hold(cid, services.settings.lock_timeout_seconds)

    def __enter__(self) -> None:
        try:
            self._hold.__enter__()
        except ConversationBusy as exc:
            raise ApiError(429, "too_many_requests", str(exc)) from None
        except LockTimeout as exc:
            raise ApiError(409, "conversation_busy", str(exc)) from None

    def __exit__(self, *exc: Any) -> Any:
        return self._hold.__exit__(*exc)


def _reply(result: Any, *, debug: bool) -> dict[str, Any]:
    reply: dict[str, Any] = {
        "conversation_id": result.conversation_id,
        "turn_index": result.turn_index,
        "text": result.text,
        "ended": result.ended,
    }
    if debug:
        reply["debug"] = {"latency_ms": round(result.latency_ms, 1), "candidates": result.debug_rows()}
    return reply

