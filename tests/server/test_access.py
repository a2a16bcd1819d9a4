"""Who may use the JSON API: without a token only this machine, unless the operator opens it; a
token is never switched off by an empty environment variable."""

from __future__ import annotations

import logging

import pytest

from chirpy.server.settings import ServerSettings

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


def _remote_get(server, path: str, **kw):
    return server.client.get(path, environ_base=REMOTE, **kw)


def test_without_a_token_remote_clients_cannot_read_or_write(server) -> None:
    cid = server.client.post("/api/v1/conversations", json={"user_id": "alice"}).get_json()["conversation_id"]
    server.client.post(f"/api/v1/conversations/{cid}/turns", json={"text": "my name is alice"})
    before = server.counts()
    transcript = _remote_get(server, f"/api/v1/conversations/{cid}")
    assert transcript.status_code == 403 and transcript.get_json()["error"]["code"] == "api_local_only"
    assert "CHIRPY_API_TOKEN" in transcript.get_json()["error"]["message"]
    # Someone else's user id must not get them greeted by that user's name.
    probe = server.client.post("/api/v1/conversations", json={"user_id": "alice"}, environ_base=REMOTE)
    assert probe.status_code == 403 and "alice" not in probe.get_data(as_text=True).lower()
    erase = server.client.delete("/api/v1/users/alice", environ_base=REMOTE)  # nor erase someone's data
    assert erase.status_code == 403
    assert server.counts() == before
    assert _remote_get(server, "/health").status_code == 200  # health and the spec stay open
    assert _remote_get(server, "/openapi.json").status_code == 200


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_without_a_token_loopback_clients_are_served(server, address) -> None:
    reply = server.client.post("/api/v1/conversations", environ_base={"REMOTE_ADDR": address})
    assert reply.status_code == 201


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
def test_a_request_through_a_proxy_on_this_machine_is_not_local(server, header) -> None:
    reply = server.client.post("/api/v1/conversations", headers={header: "203.0.113.7"},
                               environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert reply.status_code == 403
    assert server.counts() == (0, 0)


def test_the_operator_can_open_the_api_to_anyone(make_server) -> None:
    server = make_server(allow_anonymous_api=True)
    assert server.client.post("/api/v1/conversations", environ_base=REMOTE).status_code == 201


def test_with_a_token_remote_clients_need_it(make_server) -> None:
    server = make_server(api_token="s3cret")
    assert server.client.post("/api/v1/conversations", environ_base=REMOTE).status_code == 401
    ok = server.client.post("/api/v1/conversations", environ_base=REMOTE, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 201


@pytest.mark.parametrize("empty", ["", "  ", "\n"])
def test_an_empty_environment_token_does_not_switch_off_the_configured_one(make_server, caplog, empty) -> None:
    caplog.set_level(logging.WARNING, logger="chirpy.server")
    server = make_server(api_token="from-the-file", env={"CHIRPY_API_TOKEN": empty})
    assert server.client.post("/api/v1/conversations").status_code == 401
    assert server.client.post("/api/v1/conversations",
                              headers={"Authorization": "Bearer from-the-file"}).status_code == 201
    assert any("CHIRPY_API_TOKEN is set but empty" in r.getMessage() for r in caplog.records)


def test_a_non_empty_environment_token_wins() -> None:
    settings = ServerSettings.from_config({"api_token": "file"}, {"CHIRPY_API_TOKEN": "env\n"})
    assert settings.api_token == "env"


def test_start_up_says_who_can_use_the_api(make_server, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="chirpy.server")
    make_server()
    assert any("this machine only" in r.getMessage() for r in caplog.records)
    caplog.clear()
    make_server(allow_anonymous_api=True, db="open.db")
    assert any("anyone who can reach" in r.getMessage() for r in caplog.records)


def test_unknown_server_keys_are_one_warning_each(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="chirpy.server")
    settings = ServerSettings.from_config({"max_body_byte": 10, "api_tokn": "x", "allow_debug": False}, {})
    warned = sorted(r.getMessage() for r in caplog.records if "not a server setting" in r.getMessage())
    assert warned == ["[server] api_tokn is not a server setting: ignored",
                      "[server] max_body_byte is not a server setting: ignored"]
    assert settings.allow_debug is False


def test_the_openapi_document_lists_the_403_on_every_api_route(server) -> None:
    spec = server.client.get("/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if path.startswith("/api/") and method != "parameters":
                assert "403" in operation["responses"], (method, path)
