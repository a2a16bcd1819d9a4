"""``DELETE /api/v1/users/{user_id}``: erase everything the log holds about a user (privacy requests).

Added to the JSON API's blueprint, so it sits behind the same bearer token. One transaction
removes the user's conversations (with their state), turns, candidates, responder runs, labels and
cross-session facts; the reply says how many rows of each went. A turn of that user in flight at
the same moment is refused rather than recreating the conversation (see ``LogStore.forget``).
"""

from __future__ import annotations

from flask import Response, current_app, jsonify

from chirpy.server.errors import ApiError
from chirpy.server.json_api import blueprint

MAX_USER_ID = 1000


@blueprint.delete("/users/<user_id>")  # added when this module is imported, before any app registers it
def forget_user(user_id: str) -> Response:
    if not user_id or len(user_id) > MAX_USER_ID:
        raise ApiError(400, "invalid_user_id", f"user ids are 1-{MAX_USER_ID} characters")
    report = current_app.extensions["chirpy"].bot.store.forget(user_id=user_id)
    return jsonify({"user_id": user_id, "removed": report.to_dict()})
