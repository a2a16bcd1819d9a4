"""Request verification: a correctly signed request passes; anything else is a 400 that logs nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from chirpy.server.verification import VerificationFailed, check_cert_url


def test_correctly_signed_request_is_accepted(server, echo) -> None:
    assert server.post_alexa(echo.launch()).status_code == 200
    assert server.counts() == (1, 1)


def test_legacy_sha1_signature_header_is_accepted(server, echo) -> None:
    assert server.post_alexa(echo.launch(), sha1=True).status_code == 200


def test_chain_is_fetched_once_per_url(server, echo) -> None:
    server.post_alexa(echo.launch())
    server.post_alexa(echo.say("hello"))
    assert len(server.fetched) == 1


def _refused(server, reply, code: str = "verification_failed") -> str:
    assert reply.status_code == 400, reply.get_json()
    error = reply.get_json()["error"]
    assert error["code"] == code
    assert server.counts() == (0, 0)  # a refused request never reaches the log
    return error["message"]


def test_bad_signature_is_refused(server, echo) -> None:
    body = echo.launch()
    signed_for_other_body = server.certs["leaf"].sign(b'{"version": "1.0"}')
    message = _refused(server, server.post_alexa(body, headers={"Signature-256": signed_for_other_body}))
    assert "signature" in message


def test_tampered_body_is_refused(server, echo) -> None:
    envelope = echo.launch()
    import json

    body = json.dumps(envelope).encode()
    signature = server.certs["leaf"].sign(body)
    tampered = body.replace(b"LaunchRequest", b"LaunchRequesT")
    _refused(server, server.post_alexa(tampered, headers={"Signature-256": signature}))


def test_garbage_signature_is_refused(server, echo) -> None:
    _refused(server, server.post_alexa(echo.launch(), headers={"Signature-256": "not base64!!"}))


@pytest.mark.parametrize("leaf", ["rogue_leaf", "wrong_name", "expired"])
def test_untrusted_misnamed_or_expired_certificate_is_refused(server, echo, leaf) -> None:
    url = f"https://s3.amazonaws.com/echo.api/{leaf}.pem"
    message = _refused(server, server.post_alexa(echo.launch(), leaf=server.certs[leaf], url=url))
    assert "certificate" in message


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",  # not https
    "https://notamazon.com/echo.api/echo-api-cert.pem",  # wrong host
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",  # path is case-sensitive
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",  # escapes the folder
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",  # wrong port
    "https://s3.amazonaws.com:notaport/echo.api/x.pem",
])
def test_wrong_certificate_url_is_refused_without_fetching(server, echo, url) -> None:
    _refused(server, server.post_alexa(echo.launch(), url=url))
    assert server.fetched == []


@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
])
def test_amazon_documented_valid_urls_pass_the_url_check(url) -> None:
    check_cert_url(url)


def test_missing_cert_url_header_is_refused(server, echo) -> None:
    import json

    body = json.dumps(echo.launch()).encode()
    reply = server.client.post("/alexa", data=body, content_type="application/json",
                               headers={"Signature-256": server.certs["leaf"].sign(body)})
    _refused(server, reply)


@pytest.mark.parametrize("age_s", [-200, 151, 3600])
def test_stale_or_future_timestamp_is_refused(server, echo, age_s) -> None:
    when = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=age_s)
    message = _refused(server, server.post_alexa(echo.launch(when=when)))
    assert "timestamp" in message


def test_timestamp_within_tolerance_is_accepted(server, echo) -> None:
    when = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=100)
    assert server.post_alexa(echo.launch(when=when)).status_code == 200


def test_foreign_skill_id_request_is_refused(server, echo) -> None:
    envelope = echo.launch()
    foreign = {"applicationId": "amzn1.ask.skill.99999999-aaaa-bbbb-cccc-000000000000"}
    envelope["context"]["System"]["application"] = foreign
    envelope["session"]["application"] = foreign
    message = _refused(server, server.post_alexa(envelope))
    assert "skill" in message


def test_replayed_request_is_refused(server, echo) -> None:
    envelope = echo.launch()
    assert server.post_alexa(envelope).status_code == 200
    before = server.counts()
    reply = server.post_alexa(envelope)
    assert reply.status_code == 400 and reply.get_json()["error"]["code"] == "replayed_request"
    assert server.counts() == before


def test_verification_failure_type_is_raised_for_unit_callers() -> None:
    with pytest.raises(VerificationFailed):
        check_cert_url("ftp://s3.amazonaws.com/echo.api/x.pem")
