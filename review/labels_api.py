"""``/api/v1/labels``: add, list and remove labels, through the store, with JSON errors for bad input.

Writes must be ``application/json``: a page on another site cannot send that without the browser asking
this server first (a CORS preflight it does not answer), so no other site can label on a person's behalf.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from chirpy.server.bodies import parse_json
from chirpy.server.errors import ApiError
from chirpy.store import WHOLE_CONVERSATION, Label, LogStore
from eval.labels import BOT_ERROR, DISSATISFACTION, REVIEWED, LabelError, check_label

blueprint = Blueprint("labels_api", __name__, url_prefix="/api/v1/labels")
FIELDS = {"conversation_id", "turn_index", "kind", "value", "annotator"}
MAX_ANNOTATOR = 100


def _store() -> LogStore:
    return current_app.extensions["review"]["store"]


@blueprint.get("")
def list_labels() -> Response:
    cid = request.args.get("conversation_id")
    return jsonify({"labels": [label.to_dict() for label in _store().labels(cid)]})


@blueprint.post("")
def add_label() -> tuple[Response, int]:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the label as application/json")
    body = parse_json(request.get_data(cache=True), "invalid_body")
    label = _checked(body)
    stored, created = _store().add_label(label)
    return jsonify(stored.to_dict()), 201 if created else 200


@blueprint.delete("/<int:label_id>")
def delete_label(label_id: int) -> Response:
    if not _store().delete_label(label_id):
        raise ApiError(404, "label_not_found", f"no label {label_id}")
    return jsonify({"deleted": label_id})


def _checked(body: Any) -> Label:
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "the body must be a JSON object")
    unknown = set(body) - FIELDS
    if unknown:
        raise ApiError(400, "invalid_body", f"unknown fields: {', '.join(sorted(unknown))}")
    cid, kind, value = body.get("conversation_id"), body.get("kind"), body.get("value")
    annotator = body.get("annotator") or current_app.config.get("REVIEW_ANNOTATOR") or "anonymous"
    for name, item in (("conversation_id", cid), ("kind", kind), ("value", value), ("annotator", annotator)):
        if not isinstance(item, str) or not item.strip():
            raise ApiError(400, "invalid_body", f"{name} must be a non-empty string")
    if len(annotator) > MAX_ANNOTATOR:
        raise ApiError(400, "invalid_body", f"annotator names are at most {MAX_ANNOTATOR} characters")
    try:
        check_label(kind, value)
    except LabelError as exc:
        raise ApiError(400, "invalid_label", str(exc)) from None
    turns = {t["turn_index"]: t for t in _store().turns(cid)}
    if not turns:
        raise ApiError(404, "conversation_not_found", f"no conversation {cid}")
    index = body.get("turn_index")
    if kind == REVIEWED:
        if index is not None:
            raise ApiError(400, "invalid_body", "a reviewed label is about the whole conversation: omit turn_index")
        return Label(cid, WHOLE_CONVERSATION, kind, value, annotator.strip())
    if isinstance(index, bool) or not isinstance(index, int):
        raise ApiError(400, "invalid_body", "turn_index must be an integer")
    turn = turns.get(index)
    if turn is None:
        raise ApiError(404, "turn_not_found", f"conversation {cid} has no turn {index}")
    if kind == DISSATISFACTION and turn["user_text"] is None:
        raise ApiError(400, "invalid_label", f"turn {index} has no user utterance to label")
    if kind == BOT_ERROR and not turn["bot_text"]:
        raise ApiError(400, "invalid_label", f"turn {index} has no bot utterance to label")
    return Label(cid, index, kind, value, annotator.strip())
