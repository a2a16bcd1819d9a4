"""The JSON API: a full round trip, debug output, bearer-token auth, the OpenAPI document, and bad
input answered with a clear 4xx that leaves nothing in the log."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator


def _spec_validator(server, name: str) -> Draft202012Validator:
    spec = server.client.get("/openapi.json").get_json()
    schema = dict(spec["components"]["schemas"][name])
    schema["$defs"] = spec["components"]["schemas"]
    return Draft202012Validator(json.loads(json.dumps(schema).replace("#/components/schemas/", "#/$defs/")))


def test_round_trip(server) -> None:
    created = server.client.post("/api/v1/conversations", json={"user_id": "web-user-1"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["turn_index"] == 0 and body["text"] and body["ended"] is False
    cid = body["conversation_id"]
    reply = server.client.post(f"/api/v1/conversations/{cid}/turns", json={"text": "my name is ana"})
    assert reply.status_code == 200
    assert reply.get_json()["turn_index"] == 1 and "Ana" in reply.get_json()["text"]
    _spec_validator(server, "TurnReply").validate(reply.get_json())
    transcript = server.client.get(f"/api/v1/conversations/{cid}").get_json()
    _spec_validator(server, "Conversation").validate(transcript)
    assert [t["user_text"] for t in transcript["turns"]] == [None, "my name is ana"]
    assert server.client.post(f"/api/v1/conversations/{cid}/end").get_json() == {"conversation_id": cid, "ended": True}
    late = server.client.post(f"/api/v1/conversations/{cid}/turns", json={"text": "hello?"})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "conversation_ended"
    # The name was saved under the API user id too.
    assert server.bot.store.user_facts("web-user-1") == {"name": "Ana"}


def test_client_chosen_id_and_duplicate(server) -> None:
    assert server.client.post("/api/v1/conversations", json={"conversation_id": "chat-42"}).status_code == 201
    again = server.client.post("/api/v1/conversations", json={"conversation_id": "chat-42"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conversation_exists"


def test_debug_flag_returns_candidates_and_scores(server) -> None:
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    reply = server.client.post(f"/api/v1/conversations/{cid}/turns?debug=true", json={"text": "i love dogs"}).get_json()
    rows = reply["debug"]["candidates"]
    assert rows and any(r["chosen"] for r in rows)
    assert {"responder", "priority", "text", "scores", "rejected"} <= set(rows[0])
    _spec_validator(server, "TurnReply").validate(reply)
    plain = server.client.post(f"/api/v1/conversations/{cid}/turns", json={"text": "yes"}).get_json()
    assert "debug" not in plain


def test_debug_can_be_disabled(make_server) -> None:
    server = make_server(allow_debug=False)
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    reply = server.client.post(f"/api/v1/conversations/{cid}/turns", json={"text": "hi", "debug": True})
    assert reply.status_code == 403
    assert len(server.bot.store.turns(cid)) == 1


def test_bearer_token_from_environment(make_server) -> None:
    server = make_server(env={"CHIRPY_API_TOKEN": "s3cret"})
    assert server.client.post("/api/v1/conversations").status_code == 401
    wrong = server.client.post("/api/v1/conversations", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "Bearer" in wrong.get_json()["error"]["message"]
    ok = server.client.post("/api/v1/conversations", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 201
    assert server.client.get("/health").status_code == 200  # health and the spec stay open
    assert server.client.get("/openapi.json").status_code == 200


def test_openapi_document_describes_every_route(server) -> None:
    spec = server.client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {path for path in spec["paths"]}
    for rule in server.app.url_map.iter_rules():
        if rule.endpoint in ("static", "openapi"):
            continue
        path = rule.rule.replace("<cid>", "{conversation_id}").replace("<user_id>", "{user_id}")
        assert path in documented, path


def test_unknown_arm_is_a_400(server) -> None:
    reply = server.client.post("/api/v1/conversations", json={"arms": {"no_such_experiment": "x"}})
    assert reply.status_code == 400
    assert server.counts() == (0, 0)


@pytest.mark.parametrize(("data", "content_type", "code"), [
    ("{not json", "application/json", "malformed_json"),
    ('"just a string"', "application/json", "invalid_body"),
    ("[]", "application/json", "invalid_body"),
    ("{}", "application/json", "invalid_body"),  # text is required
    ('{"text": 42}', "application/json", "invalid_body"),
    ('{"text": null}', "application/json", "invalid_body"),
    ('{"text": "hi", "debug": "yes"}', "application/json", "invalid_body"),
    ('{"text": "hi", "extra": 1}', "application/json", "invalid_body"),
    ("[" * 5000 + "]" * 5000, "application/json", "malformed_json"),
    ("text=hi", "application/x-www-form-urlencoded", "unsupported_media_type"),
    (b'{"text": "\xff\xfe"}', "application/json", "malformed_json"),
])
def test_bad_turn_bodies_are_clear_4xx_and_log_nothing(server, data, content_type, code) -> None:
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    reply = server.client.post(f"/api/v1/conversations/{cid}/turns", data=data, content_type=content_type)
    assert 400 <= reply.status_code < 500
    assert reply.get_json()["error"]["code"] == code
    assert server.counts() == (1, 1)


def test_huge_body_is_413(server) -> None:
    cid = server.client.post("/api/v1/conversations").get_json()["conversation_id"]
    reply = server.client.post(f"/api/v1/conversations/{cid}/turns", json={"text": "a" * 100_000})
    assert reply.status_code == 413 and "65536" in reply.get_json()["error"]["message"]
    huge_alexa = server.client.post("/alexa", data=b"{" + b" " * 100_000 + b"}", content_type="application/json")
    assert huge_alexa.status_code == 413
    assert server.counts() == (1, 1)


def test_unknown_conversation_bad_id_and_wrong_method(server) -> None:
    missing = server.client.post("/api/v1/conversations/nope/turns", json={"text": "hi"})
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "conversation_not_found"
    bad_id = server.client.post("/api/v1/conversations/a%20b/turns", json={"text": "hi"})
    assert bad_id.status_code == 400
    assert server.client.get("/api/v1/conversations/nope").status_code == 404
    wrong_method = server.client.delete("/api/v1/conversations")
    assert wrong_method.status_code == 405 and "error" in wrong_method.get_json()
    assert server.counts() == (0, 0)


def test_malformed_alexa_envelopes(make_server) -> None:
    server = make_server(verify=False)
    for data in (b"{oops", b"[1, 2]", b"{}", json.dumps({"version": "1.0", "request": {"type": 5}}).encode()):
        reply = server.client.post("/alexa", data=data, content_type="application/json")
        assert reply.status_code == 400, data
        assert reply.get_json()["error"]["code"] in ("malformed_json", "invalid_envelope")
    assert server.counts() == (0, 0)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(_json, st.dictionaries(st.sampled_from(["text", "debug", "user_id"]), _json, max_size=3)))
def test_fuzzed_turn_bodies_never_500(server, body) -> None:
    cid = "fuzz-1"
    if server.bot.store.load_state(cid) is None:
        server.client.post("/api/v1/conversations", json={"conversation_id": cid})
    before = server.counts()
    reply = server.client.post(f"/api/v1/conversations/{cid}/turns", json=body)
    assert reply.status_code < 500
    if reply.status_code == 200:
        assert isinstance(body, dict) and isinstance(body.get("text"), str)
        assert server.counts()[1] == before[1] + 1
    else:
        assert reply.get_json()["error"]["message"]
        assert server.counts() == before  # a refused turn leaves no trace


_PATHS = [
    ("version",), ("session",), ("session", "sessionId"), ("session", "user"), ("session", "user", "userId"),
    ("context",), ("context", "System"), ("context", "System", "application"), ("context", "System", "user"),
    ("request",), ("request", "type"), ("request", "requestId"), ("request", "timestamp"), ("request", "intent"),
    ("request", "intent", "name"), ("request", "intent", "slots"), ("request", "intent", "slots", "query"),
    ("request", "intent", "slots", "query", "value"),
]


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(_PATHS), value=_json, signed=st.booleans())
def test_fuzzed_alexa_envelopes_never_500(server, echo, path, value, signed) -> None:
    """A (possibly Amazon-signed) envelope with one field replaced by arbitrary JSON: 200 or a 4xx."""
    envelope = echo.say("hello there")
    node = envelope
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    reply = server.post_alexa(envelope, sign=signed)
    assert reply.status_code < 500, reply.get_json()
    if reply.status_code != 200:
        assert reply.get_json()["error"]["message"]
