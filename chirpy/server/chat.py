"""``/chat``: a page to talk with the bot in a browser, over the JSON API (``/api/v1``).

The page is static (served from ``chat_page/``, nothing fetched from elsewhere, so it works offline);
every turn goes through the JSON API with its access rules, so the page holds no privileges of its own:
when the server has an API token, the page asks for it and sends it as ``Authorization: Bearer``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

PAGE = Path(__file__).parent / "chat_page"
blueprint = Blueprint("chat_page", __name__)


@blueprint.get("/chat")
def chat() -> Response:
    return send_from_directory(PAGE, "chat.html", mimetype="text/html", max_age=0)


@blueprint.get("/chat/chat.js")
def script() -> Response:
    return send_from_directory(PAGE, "chat.js", max_age=0)


@blueprint.get("/chat/chat.css")
def style() -> Response:
    return send_from_directory(PAGE, "chat.css", max_age=0)
