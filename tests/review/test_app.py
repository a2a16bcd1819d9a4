"""The review app without a browser: filters, search and pages; the labels API and its 4xx answers."""

from __future__ import annotations

import re

import pytest

from chirpy.store import open_log
from review.app import PAGE_SIZE, create_review_app

from .conftest import replay_into


@pytest.fixture
def client(replayed_log):
    store = open_log(replayed_log)
    app = create_review_app(store, annotator="ana")
    yield app.test_client()
    store.close()


def _listed(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'class="open" href="/conversations/([^"?]+)', response.get_data(as_text=True))


def test_filters_and_search_narrow_the_list(client):
    assert sorted(_listed(client.get("/"))) == [f"conv-{i}" for i in range(6)]
    assert _listed(client.get("/?dissatisfaction=yes")) == ["conv-1"]
    assert "conv-1" not in _listed(client.get("/?dissatisfaction=no"))
    assert _listed(client.get("/?text=REX")) == ["conv-4"]  # what the user said, case-insensitive
    assert _listed(client.get("/?text=100%25")) == []  # % is a character to find, not a wildcard
    plain = _listed(client.get("/?arm=style%3Dplain"))
    warm = _listed(client.get("/?arm=style%3Dwarm"))
    assert sorted(plain + warm) == [f"conv-{i}" for i in range(6)] and plain and warm
    assert _listed(client.get("/?responder=no_such_responder")) == []
    assert _listed(client.get("/?date_from=2999-01-01")) == []
    assert len(_listed(client.get("/?date_to=2999-01-01"))) == 6
    assert _listed(client.get("/?labelled=yes")) == []
    client.post("/api/v1/labels", json={"conversation_id": "conv-2", "turn_index": 1, "kind": "bot_error",
                                        "value": "unclear"})
    assert _listed(client.get("/?labelled=yes")) == ["conv-2"]
    assert "conv-2" not in _listed(client.get("/?labelled=no"))


def test_a_conversation_page_shows_every_turn_with_its_candidates(client):
    page = client.get("/conversations/conv-1").get_data(as_text=True)
    assert page.count('class="turn"') == 5 and "you are not listening to me" in page
    assert "detector: clarification" in page and 'class="candidates"' in page and "chosen" in page
    assert client.get("/conversations/nope").status_code == 404


def test_labels_api_adds_lists_and_deletes(client):
    body = {"conversation_id": "conv-1", "turn_index": 2, "kind": "dissatisfaction", "value": "clarification"}
    created = client.post("/api/v1/labels", json=body)
    assert created.status_code == 201 and created.json["annotator"] == "ana"  # the app's default annotator
    assert client.post("/api/v1/labels", json=body).status_code == 200  # the same label again: no duplicate
    other = client.post("/api/v1/labels", json=body | {"annotator": "ben"})
    assert other.status_code == 201
    listed = client.get("/api/v1/labels?conversation_id=conv-1").json["labels"]
    assert [(lb["annotator"], lb["value"]) for lb in listed] == [("ana", "clarification"), ("ben", "clarification")]
    assert client.delete(f"/api/v1/labels/{created.json['id']}").status_code == 200
    assert client.delete(f"/api/v1/labels/{created.json['id']}").status_code == 404
    assert [lb["annotator"] for lb in client.get("/api/v1/labels?conversation_id=conv-1").json["labels"]] == ["ben"]
    done = client.post("/api/v1/labels", json={"conversation_id": "conv-1", "kind": "reviewed", "value": "complete"})
    assert done.status_code == 201 and done.json["turn_index"] is None


@pytest.mark.parametrize("body, status, code", [
    ({"conversation_id": "conv-1", "turn_index": 1, "kind": "bot_error", "value": "boring"}, 400, "invalid_label"),
    ({"conversation_id": "conv-1", "turn_index": 1, "kind": "mood", "value": "sad"}, 400, "invalid_label"),
    ({"conversation_id": "conv-1", "turn_index": 0, "kind": "dissatisfaction", "value": "criticism"}, 400,
     "invalid_label"),  # turn 0 is the bot's greeting: no user words to be dissatisfied in
    ({"conversation_id": "conv-1", "turn_index": 99, "kind": "bot_error", "value": "unclear"}, 404, "turn_not_found"),
    ({"conversation_id": "nope", "turn_index": 1, "kind": "bot_error", "value": "unclear"}, 404,
     "conversation_not_found"),
    ({"conversation_id": "conv-1", "turn_index": "1", "kind": "bot_error", "value": "unclear"}, 400, "invalid_body"),
    ({"conversation_id": "conv-1", "turn_index": True, "kind": "bot_error", "value": "unclear"}, 400, "invalid_body"),
    ({"conversation_id": "conv-1", "turn_index": 1, "kind": "bot_error"}, 400, "invalid_body"),
    ({"conversation_id": "conv-1", "turn_index": 1, "kind": "bot_error", "value": "unclear", "extra": 1}, 400,
     "invalid_body"),
    ({"conversation_id": "conv-1", "turn_index": 1, "kind": "reviewed", "value": "complete"}, 400, "invalid_body"),
    (["not", "an", "object"], 400, "invalid_body"),
])
def test_bad_labels_get_a_json_4xx(client, body, status, code):
    response = client.post("/api/v1/labels", json=body)
    assert response.status_code == status and response.json["error"]["code"] == code, response.json
    assert client.get("/api/v1/labels").json["labels"] == []


def test_writes_must_be_json_and_come_from_this_machine(client):
    form = client.post("/api/v1/labels", data="conversation_id=conv-1", content_type="text/plain")
    assert form.status_code == 415  # what a page on another site could send without a CORS preflight
    broken = client.post("/api/v1/labels", data="{", content_type="application/json")
    assert broken.status_code == 400 and "error" in broken.json
    remote = client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert remote.status_code == 403 and remote.json["error"]["code"] == "local_only"
    rebound = client.get("/", headers={"Host": "evil.example:8001"})  # DNS rebinding: a foreign Host name
    assert rebound.status_code == 403


def test_the_list_is_paginated(replayed_log, builders_for_pages):
    store = open_log(builders_for_pages)
    try:
        client = create_review_app(store).test_client()
        first = _listed(client.get("/"))
        second = _listed(client.get("/?page=2"))
        assert len(first) == PAGE_SIZE and len(second) == 70 - PAGE_SIZE and not set(first) & set(second)
        assert "page 2 of 2" in client.get("/?page=9").get_data(as_text=True)  # past the end: the last page
    finally:
        store.close()


@pytest.fixture
def builders_for_pages(tmp_path):
    from chirpy.state import ConversationState
    from chirpy.store import TurnRecord

    path = tmp_path / "many.db"
    with open_log(path) as store:
        for i in range(70):
            cid = f"c{i:03d}"
            store.save_turn(TurnRecord(cid, 0, None, "hello", "launch", None, 1.0, {}, {}),
                            ConversationState(conversation_id=cid, turn_index=1))
    return path


def test_the_app_runs_on_both_engines(log_location):
    replay_into(log_location)
    with open_log(log_location) as store:
        client = create_review_app(store, annotator="ana").test_client()
        assert _listed(client.get("/?text=Rex")) == ["conv-4"]  # case-insensitive on PostgreSQL too (ILIKE)
        assert _listed(client.get("/?text=50%25_off")) == []
        page = client.get("/conversations/conv-4").get_data(as_text=True)
        assert "my dog is called rex" in page and "responder runs" in page
        label = client.post("/api/v1/labels", json={"conversation_id": "conv-4", "turn_index": 2,
                                                    "kind": "bot_error", "value": "ignoring"})
        assert label.status_code == 201
        assert _listed(client.get("/?labelled=yes")) == ["conv-4"]
        assert client.delete(f"/api/v1/labels/{label.json['id']}").status_code == 200


def test_review_command_refuses_a_missing_log_and_a_taken_port(tmp_path, replayed_log):
    import socket

    from click.testing import CliRunner

    from cli.main import cli

    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(cli, ["review", "--db", str(missing)])
    assert result.exit_code == 2 and "error:" in result.output and not missing.exists()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["review", "--db", str(replayed_log), "--port", str(port)])
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.output
