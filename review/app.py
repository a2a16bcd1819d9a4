"""The review app: a conversation list, a conversation page, and the labels API, over one log.

Server-rendered pages with a little plain JavaScript (keyboard labelling), every asset served from this
package, so it works offline. It answers this machine only (it shows every transcript): a client that is
not on loopback, or a request whose Host is not this server's, gets 403.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from chirpy.server.access import is_local_client
from chirpy.server.errors import ApiError, error_response
from chirpy.store import LogStore
from eval.labels import label_types
from review.index import ConversationIndex, Filters
from review.labels_api import blueprint as labels_blueprint

PAGE_SIZE = 50
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def create_review_app(store: LogStore, *, annotator: str = "", extra_hosts: tuple[str, ...] = ()) -> Flask:
    here = Path(__file__).parent
    app = Flask("review", template_folder=str(here / "templates"), static_folder=str(here / "static"))
    app.json.sort_keys = False
    app.config["REVIEW_ANNOTATOR"] = annotator
    index = ConversationIndex(store)
    app.extensions["review"] = {"store": store, "index": index}
    app.register_blueprint(labels_blueprint)
    allowed_hosts = LOCAL_HOSTS | set(extra_hosts)

    @app.before_request
    def local_only() -> None:
        host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
        if not is_local_client(request) or host not in allowed_hosts:
            raise ApiError(403, "local_only", "chirpy review answers this machine only (it shows every transcript)")

    @app.get("/")
    def conversations() -> str:
        index.refresh()
        filters = Filters.from_args(request.args)
        found = index.select(filters)
        pages = max(1, math.ceil(len(found) / PAGE_SIZE))
        page = min(max(1, _int_arg("page", 1)), pages)
        shown = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        labelled = store.labelled_conversation_ids()
        openings = _openings(store, [c.id for c in shown])
        return render_template("list.html", lines=shown, total=len(found), all=len(index.lines), page=page,
                               pages=pages, filters=filters, choices=index.choices, labelled=labelled,
                               openings=openings, query=filters.query(), annotator=annotator)

    @app.get("/conversations/<cid>")
    def conversation(cid: str) -> str:
        index.refresh()
        turns = store.turns(cid)
        if not turns:
            abort(404)
        runs: dict[int, list[dict[str, Any]]] = {}
        # By turn id: responder_runs is indexed on turn_id (not conversation_id), and holds ~30 rows per turn.
        for run in store.query("SELECT turn_index, responder, phase, status, latency_ms, error FROM responder_runs "
                               "WHERE turn_id IN (SELECT id FROM turns WHERE conversation_id = ?) ORDER BY id", (cid,)):
            runs.setdefault(run["turn_index"], []).append(run)
        views = [_turn_view(turn, store.candidates(turn["id"]), runs.get(turn["turn_index"], [])) for turn in turns]
        filters = Filters.from_args(request.args)
        previous, following = index.neighbours(cid, filters)
        return render_template("conversation.html", cid=cid, line=index.by_id.get(cid), turns=views,
                               types=label_types(), previous=previous, following=following,
                               query=filters.query(), annotator=annotator)

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return exc.response()

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return error_response(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"), str(exc.description))

    app.jinja_env.globals["page_url"] = lambda query, **changes: url_for("conversations", **(query | changes))
    return app


def _int_arg(name: str, default: int) -> int:
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default


def _openings(store: LogStore, ids: list[str]) -> dict[str, str]:
    """The first thing the user said in each listed conversation."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = store.query(f"SELECT conversation_id AS id, user_text FROM turns WHERE turn_index = 1 AND "
                       f"conversation_id IN ({marks})", ids)
    return {r["id"]: r["user_text"] or "" for r in rows}


def _turn_view(turn: dict[str, Any], candidates: list[dict[str, Any]], runs: list[dict[str, Any]]) -> dict[str, Any]:
    annotations = _json(turn.get("annotations"))
    return {
        "index": turn["turn_index"], "user_text": turn["user_text"], "bot_text": turn["bot_text"],
        "responder": turn["response_responder"], "prompt_responder": turn["prompt_responder"],
        "latency_ms": turn["latency_ms"], "arms": _json(turn.get("arms")), "topic": turn.get("topic"),
        "dissatisfaction": annotations.get("dissatisfaction") or [],
        "offensive": bool((annotations.get("offense") or {}).get("is_offensive")),
        "annotations": json.dumps(annotations, indent=1, ensure_ascii=False),
        "details": json.dumps(_json(turn.get("details")), indent=1, ensure_ascii=False),
        "candidates": [{**c, "scores": _json(c.get("scores"))} for c in candidates],
        "runs": runs,
    }


def _json(text: Any) -> dict[str, Any]:
    if isinstance(text, dict):
        return text
    try:
        value = json.loads(text or "{}")
    except (TypeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}
