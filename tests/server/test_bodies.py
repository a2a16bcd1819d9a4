"""Request bodies a client can get wrong on purpose: ill-formed Unicode and oversized chunked bodies
are refused with a clear 4xx and leave nothing in the log."""

from __future__ import annotations

import io
import json

import pytest

LONE_SURROGATE = '"\\ud800"'  # JSON-escaped: valid JSON syntax, but no Unicode string can hold it


def _post_chunked(server, path: str, body: bytes):
    """As a WSGI server hands over a chunked body: no Content-Length, the stream ends where the
    body ends (``wsgi.input_terminated``), so only the app can enforce the size limit."""
    return server.client.post(path, input_stream=io.BytesIO(body), content_type="application/json",
                              headers={"Transfer-Encoding": "chunked"},
                              environ_overrides={"wsgi.input_terminated": True})


@pytest.mark.parametrize("field", ["user_id", "conversation_id"])
def test_lone_surrogate_in_a_new_conversation_is_a_400(server, field) -> None:
    body = '{"%s": %s}' % (field, LONE_SURROGATE)
    reply = server.client.post("/api/v1/conversations", data=body, content_type="application/json")
    assert reply.status_code == 400, reply.get_json()
    assert reply.get_json()["error"]["code"] == "invalid_body"
    assert "surrogate" in reply.get_json()["error"]["message"]
    assert server.counts() == (0, 0)


def test_lone_surrogate_in_turn_text_is_a_400(server) -> None:
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    reply = server.client.post(f"/api/v1/conversations/{cid}/turns", data='{"text": "hi %s"}' % LONE_SURROGATE[1:-1],
                               content_type="application/json")
    assert reply.status_code == 400 and reply.get_json()["error"]["code"] == "invalid_body"
    assert server.counts() == (1, 1)


@pytest.mark.parametrize("path", [("session", "user", "userId"), ("session", "sessionId"),
                                  ("context", "System", "user", "userId")])
def test_lone_surrogate_in_alexa_ids_is_a_400_in_development_mode(make_server, echo, path) -> None:
    server = make_server(verify=False)
    envelope = echo.say("hello")
    node = envelope
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "\ud800"
    body = json.dumps(envelope)  # escapes the surrogate as \ud800, as a hostile client would send it
    reply = server.client.post("/alexa", data=body, content_type="application/json")
    assert reply.status_code == 400, reply.get_json()
    assert reply.get_json()["error"]["code"] == "invalid_envelope"
    assert server.counts() == (0, 0)


def test_chunked_body_over_the_limit_is_413_not_cut(server) -> None:
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    # Valid JSON whose first 65,536 bytes are valid JSON too: cut silently, it used to become a turn.
    body = b'{"text": "hello"}' + b" " * 70_000
    reply = _post_chunked(server, f"/api/v1/conversations/{cid}/turns", body)
    assert reply.status_code == 413 and reply.get_json()["error"]["code"] == "request_entity_too_large"
    assert server.counts() == (1, 1)


def test_chunked_alexa_body_over_the_limit_is_413(make_server, echo) -> None:
    server = make_server(verify=False)
    body = json.dumps(echo.launch()).encode() + b" " * 70_000
    assert _post_chunked(server, "/alexa", body).status_code == 413
    assert server.counts() == (0, 0)


@pytest.mark.parametrize("extra", [0, 1])
def test_chunked_body_at_or_just_over_the_limit(server, extra) -> None:
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    head = b'{"text": "hello"}'
    body = head + b" " * (65_536 - len(head) + extra)
    reply = _post_chunked(server, f"/api/v1/conversations/{cid}/turns", body)
    assert reply.status_code == (200 if extra == 0 else 413)


def test_chunked_body_within_the_limit_is_a_turn(server) -> None:
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    reply = _post_chunked(server, f"/api/v1/conversations/{cid}/turns", b'{"text": "i like dogs"}')
    assert reply.status_code == 200 and reply.get_json()["turn_index"] == 1
