"""Certificate chains and trust roots: a hostile client cannot make the server fetch without bound
or stall on a slow fetch, and one root that cannot be loaded does not cost the others."""

from __future__ import annotations

import base64
import logging
import threading
import time
from pathlib import Path
from typing import Callable

import certifi
import pytest
from cryptography.x509.verification import Store

from chirpy.server.cert_chains import ChainCache, ChainUnavailable
from chirpy.server.verification import PEM_CERTIFICATE, AlexaVerifier, load_trust_roots, parse_trust_roots

BASE = "https://s3.amazonaws.com/echo.api/"


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


# -- through the server --------------------------------------------------------------------------

def test_a_broken_chain_url_is_fetched_once_not_per_request(server, echo) -> None:
    url = BASE + "broken.pem"
    server.chains[url] = b"this is not a certificate"
    replies = [server.post_alexa(echo.launch(), url=url) for _ in range(3)]
    assert [r.status_code for r in replies] == [400, 400, 400]
    assert all("not valid PEM" in r.get_json()["error"]["message"] for r in replies)
    assert server.fetched.count(url) == 1
    assert server.counts() == (0, 0)


def test_an_untrusted_chain_is_fetched_once(server, echo) -> None:
    url = BASE + "rogue.pem"
    for _ in range(3):
        assert server.post_alexa(echo.launch(), leaf=server.certs["rogue_leaf"], url=url).status_code == 400
    assert server.fetched.count(url) == 1


def test_a_slow_fetch_never_holds_the_request_or_other_turns(server, echo, certs) -> None:
    slow_url, release = BASE + "slow.pem", threading.Event()
    chain = certs["leaf"].chain_pem()
    fetching = []

    def fetch(url: str) -> bytes:
        fetching.append(url)
        if url == slow_url:
            release.wait(timeout=30)
        return chain

    server.app.extensions["chirpy"].verifier_factory = lambda: AlexaVerifier(
        [echo.skill_id], trust_roots=[certs["root"].cert], chains=ChainCache(fetch, wait_s=0.2))
    assert server.post_alexa(echo.launch()).status_code == 200  # the usual URL, now cached
    replies = {}
    envelope = echo.launch()
    slow = threading.Thread(target=lambda: replies.update(
        slow=server.post_alexa(envelope, url=slow_url, client=server.app.test_client())))
    try:
        slow.start()
        slow.join(timeout=10)
        # Before the fix this request waited for the fetch, holding a server thread as long as it took.
        assert not slow.is_alive()
        assert replies["slow"].status_code == 400
        assert "still being fetched" in replies["slow"].get_json()["error"]["message"]
        # Meanwhile other conversations carry on.
        assert server.post_alexa(echo.say("hello")).status_code == 200
        assert server.client.post("/api/v1/conversations").status_code == 201
    finally:
        release.set()
    # The fetch went on in the background and filled the cache: Alexa's retry is accepted.
    _wait_until(lambda: server.app.extensions["chirpy"].alexa_verifier().chains._chains.get(slow_url) is not None)
    echo.new_session()
    assert server.post_alexa(echo.launch(), url=slow_url).status_code == 200
    assert fetching.count(slow_url) == 1


# -- the cache itself ----------------------------------------------------------------------------

def failing_fetcher(message: str) -> tuple[list[str], Callable[[str], bytes]]:
    """(the URLs it was asked for, a fetcher that always fails with ``message``)"""
    calls: list[str] = []

    def fetch(url: str) -> bytes:
        calls.append(url)
        raise OSError(message)

    return calls, fetch


def test_failures_are_cached_with_a_doubling_back_off() -> None:
    clock = FakeClock()
    calls, failing = failing_fetcher("connection refused")
    cache = ChainCache(failing, backoff_s=10, clock=clock)
    url = BASE + "down.pem"

    def attempts() -> int:
        with pytest.raises(ChainUnavailable, match="connection refused"):
            cache.get(url)
        return len(calls)

    assert [attempts(), attempts(), attempts()] == [1, 1, 1]
    clock.now += 10.5
    assert attempts() == 2  # first back-off over: tried again, failed again
    clock.now += 10.5
    assert attempts() == 2  # the back-off doubled to 20 s
    clock.now += 10
    assert attempts() == 3


def test_concurrent_fetches_are_bounded_and_the_excess_refused_at_once() -> None:
    release, in_flight, most = threading.Event(), [0], [0]
    lock = threading.Lock()

    def blocking(url: str) -> bytes:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        release.wait(timeout=30)
        with lock:
            in_flight[0] -= 1
        raise OSError("gone")

    cache = ChainCache(blocking, max_fetches=2, wait_s=5)
    outcomes: list[str] = []

    def ask(i: int) -> None:
        try:
            cache.get(f"{BASE}cert-{i}.pem")
        except ChainUnavailable as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(6)]
    try:
        for thread in threads:
            thread.start()
        _wait_until(lambda: len(outcomes) >= 4)  # refused without waiting for the blocked fetches
        assert sum("at once" in o or "busy" in o for o in outcomes) == 4
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=10)
    assert most[0] == 2


def test_new_urls_per_minute_are_bounded() -> None:
    clock = FakeClock()
    calls, failing = failing_fetcher("404")
    cache = ChainCache(failing, max_per_minute=5, clock=clock)
    refusals = []
    for i in range(8):
        try:
            cache.get(f"{BASE}random-{i}.pem")
        except ChainUnavailable as exc:
            refusals.append(str(exc))
    assert len(calls) == 5 and sum("last minute" in r for r in refusals) == 3
    clock.now += 61
    with pytest.raises(ChainUnavailable, match="404"):
        cache.get(BASE + "random-9.pem")
    assert len(calls) == 6


# -- trust roots ---------------------------------------------------------------------------------

def test_the_real_certifi_bundle_loads_and_anchors_a_store() -> None:
    data = Path(certifi.where()).read_bytes()
    roots, skipped = parse_trust_roots(data)
    assert len(roots) + skipped == data.count(b"-----BEGIN CERTIFICATE-----")
    assert len(roots) >= 100
    Store(load_trust_roots())  # what the verifier builds on first use
    assert AlexaVerifier(["skill"]).store is not None


def test_a_root_that_cannot_be_loaded_is_skipped_and_counted(tmp_path, caplog) -> None:
    blocks = PEM_CERTIFICATE.findall(Path(certifi.where()).read_bytes())[:5]
    garbage = base64.encodebytes(b"\x30\x82\x01\x00" + bytes(range(256))).strip()
    bad = b"-----BEGIN CERTIFICATE-----\n" + garbage + b"\n-----END CERTIFICATE-----"
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(b"\n".join(blocks[:2] + [bad] + blocks[2:]) + b"\n")
    caplog.set_level(logging.WARNING, logger="chirpy.server")
    roots = load_trust_roots(bundle)  # before: one bad root refused the whole bundle, and every request
    assert len(roots) == 5
    assert [r.getMessage() for r in caplog.records if "trust roots" in r.getMessage()] == [
        f"trust roots: skipped 1 of 6 certificates in {bundle} that cannot be loaded"]


def _wait_until(condition, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)
