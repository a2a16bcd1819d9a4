"""``POST /alexa``: the Alexa custom-skill endpoint (request envelope in, response envelope out).

The conversation id is the Alexa session id; the Alexa user id keys cross-session facts (the
user's name), which the core looks up when a conversation starts and saves with the turn. The
request is verified, checked for shape and replay *before* anything touches the log, so a refused
request never leaves a trace there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from jsonschema import Draft202012Validator

from chirpy.content import load_content
from chirpy.errors import ChirpyError, ConversationEnded
from chirpy.server.bodies import check_schema, parse_json
from chirpy.server.errors import ApiError
from chirpy.server.locks import LockTimeout
from chirpy.server.services import Services
from chirpy.server.ssml import clean, to_ssml
from chirpy.server.verification import VerificationFailed

HERE = Path(__file__).parent
CONTENT: dict[str, str] = load_content(HERE / "content" / "alexa.toml")
ENVELOPE = Draft202012Validator(json.loads((HERE / "schemas" / "alexa_request.schema.json").read_text("utf-8")))
STOP_INTENTS = {"AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"}
_QUESTION = re.compile(r"[^.!?]*\?")

blueprint = Blueprint("alexa", __name__)


@blueprint.post("/alexa")
def alexa() -> Response:
    services: Services = current_app.extensions["chirpy"]
    envelope = _verified_envelope(services)
    settings = services.settings
    req = envelope["request"]
    if settings.verify_alexa and not services.ledger.first_time(req["requestId"]):
        raise ApiError(400, "replayed_request", "this request id was already handled")
    kind = req["type"]
    if kind not in ("LaunchRequest", "IntentRequest", "SessionEndedRequest"):
        raise ApiError(400, "unsupported_request_type", f"this skill does not handle {kind} requests")
    session = envelope.get("session")
    if not isinstance(session, dict):
        raise ApiError(400, "invalid_envelope", f"a {kind} must carry a session")
    cid = session["sessionId"]
    user_id = _user_id(envelope)
    try:
        with services.locks.hold(cid, settings.lock_timeout_seconds):
            return jsonify(_dispatch(services, kind, req, cid, user_id))
    except LockTimeout:
        return jsonify(speak(CONTENT["busy"], end=False))


def _verified_envelope(services: Services) -> dict[str, Any]:
    """Parse, verify (signature, timestamp, skill id) and shape-check the body, or raise a 4xx."""
    settings = services.settings
    body = request.get_data(cache=True)
    envelope = parse_json(body, "invalid_envelope")
    if not isinstance(envelope, dict):
        raise ApiError(400, "invalid_envelope", "the body must be a JSON object (an Alexa request envelope)")
    if settings.verify_alexa:
        if not settings.alexa_skill_ids:
            raise ApiError(503, "alexa_not_configured",
                           "no skill id is configured: set [server] alexa_skill_ids or CHIRPY_ALEXA_SKILL_IDS")
        try:
            services.alexa_verifier().verify(request.headers, body, envelope)
        except VerificationFailed as exc:
            raise ApiError(400, "verification_failed", str(exc)) from None
    check_schema(ENVELOPE, envelope, "invalid_envelope")
    if not settings.verify_alexa and settings.alexa_skill_ids:  # development: still refuse other skills
        try:
            services.alexa_verifier().check_skill_id(envelope)
        except VerificationFailed as exc:
            raise ApiError(400, "verification_failed", str(exc)) from None
    return envelope


def _dispatch(services: Services, kind: str, req: dict[str, Any], cid: str, user_id: str | None) -> dict[str, Any]:
    bot = services.bot
    if kind == "SessionEndedRequest":
        bot.end(cid, f"alexa_{str(req.get('reason', 'session_ended')).lower()}")
        return {"version": "1.0", "response": {}}  # Alexa ignores any speech here
    if kind == "LaunchRequest":
        state = bot.store.load_state(cid)
        if state is not None:  # Alexa retried a launch we already answered: say the same again
            return _bot_speech(state.last_bot_text or CONTENT["reprompt"], ended=state.ended)
        result = bot.start(cid, user_id=user_id, channel="alexa")
        return _bot_speech(result.text, ended=result.ended)
    intent = req["intent"]
    name = intent["name"]
    settings = services.settings
    if name in STOP_INTENTS:
        state = bot.store.load_state(cid)
        user_name = state.user_name if state else None
        if state is not None:
            bot.end(cid, "alexa_stop")
        return speak(CONTENT["goodbye"].format(name_suffix=f", {user_name}" if user_name else ""), end=True)
    if name == "AMAZON.HelpIntent":
        return speak(CONTENT["help"], end=False, reprompt=CONTENT["reprompt"])
    if name != settings.alexa_intent:  # FallbackIntent and anything the model adds later
        return speak(CONTENT["fallback"], end=False, reprompt=CONTENT["reprompt"])
    slot = (intent.get("slots") or {}).get(settings.alexa_slot) or {}
    text = slot.get("value") or ""
    try:
        result = bot.respond(cid, text, user_id=user_id, channel="alexa")
    except ConversationEnded:
        return speak(CONTENT["ended"], end=True)
    except ChirpyError as exc:
        raise ApiError(409, "conversation_error", str(exc)) from None
    return _bot_speech(result.text, ended=result.ended)


def _user_id(envelope: dict[str, Any]) -> str | None:
    for source in (envelope.get("session") or {}, (envelope.get("context") or {}).get("System") or {}):
        user = source.get("user") if isinstance(source, dict) else None
        if isinstance(user, dict) and isinstance(user.get("userId"), str):
            return user["userId"]
    return None


def _bot_speech(text: str, *, ended: bool) -> dict[str, Any]:
    if ended:
        return speak(text, end=True)
    questions = _QUESTION.findall(clean(text))
    return speak(text, end=False, reprompt=questions[-1].strip() if questions else CONTENT["reprompt"])


def speak(text: str, *, end: bool, reprompt: str | None = None) -> dict[str, Any]:
    """An Alexa response envelope: SSML speech, a reprompt while the session stays open."""
    response: dict[str, Any] = {
        "outputSpeech": {"type": "SSML", "ssml": to_ssml(text)},
        "shouldEndSession": end,
    }
    if reprompt and not end:
        response["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": to_ssml(reprompt)}}
    return {"version": "1.0", "sessionAttributes": {}, "response": response}
