"""Fixtures for the server tests: a bot on a temporary log behind the Flask app, a local PKI that
stands in for Amazon's, and a simulated Echo user. Nothing is downloaded; no data files are read."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from jsonschema import Draft202012Validator

from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.server import create_app
from chirpy.server.verification import AlexaVerifier

HERE = Path(__file__).parent
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
CORE_ORDER = ["launch", "closing", "simple_topic", "fallback"]


def _load(name: str) -> Any:
    """Sibling helper modules (pytest runs with --import-mode=importlib, so no sys.path entry)."""
    key = f"server_tests_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, HERE / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


pki = _load("pki")
envelopes = _load("envelopes")
ASK_RESPONSE = Draft202012Validator(json.loads((HERE / "ask_response.schema.json").read_text()))


def server_config(db: Path, **server: Any) -> Config:
    """Only the core responders, so these tests do not depend on which features are enabled."""
    config = Config.from_dict({
        "bot": {"db": str(db), "seed": 3, "deadline_seconds": 2.0},
        "pipeline": {"annotators": [], "filters": ["no_repeat"], "shapers": []},
        "responders": {"order": CORE_ORDER},
        "server": {"alexa_skill_ids": [envelopes.SKILL_ID], **server},
    })
    config.data["experiments"] = {}
    return config


@pytest.fixture(scope="session")
def certs() -> dict[str, Any]:
    now = dt.datetime.now(dt.timezone.utc)
    amazon = pki.Authority.root("Test Amazon Root", now)
    rogue = pki.Authority.root("Rogue Root", now)
    return {
        "root": amazon,
        "leaf": amazon.issue(now),
        "rogue_leaf": rogue.issue(now),  # right name, untrusted issuer
        "wrong_name": amazon.issue(now, dns="evil.example.com"),
        "expired": amazon.issue(now, days_valid=(-30, -1)),
    }


class Server:
    """The app under test plus what a test needs to drive it like Alexa would."""

    def __init__(self, app: Any, bot: Bot, certs: dict[str, Any], chains: dict[str, bytes]) -> None:
        self.app, self.bot, self.certs, self.chains = app, bot, certs, chains
        self.client = app.test_client()
        self.fetched: list[str] = []

    def post_alexa(self, envelope: dict[str, Any] | bytes, *, leaf: Any = None, url: str = CERT_URL,
                   sign: bool = True, sha1: bool = False, headers: dict[str, str] | None = None,
                   client: Any = None) -> Any:
        body = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
        leaf = leaf or self.certs["leaf"]
        self.chains.setdefault(url, leaf.chain_pem())
        sent = {"Content-Type": "application/json; charset=utf-8", "SignatureCertChainUrl": url}
        if sign:
            if sha1:
                from cryptography.hazmat.primitives import hashes

                sent["Signature"] = leaf.sign(body, hashes.SHA1())
            else:
                sent["Signature-256"] = leaf.sign(body)
        sent.update(headers or {})
        return (client or self.client).post("/alexa", data=body, headers=sent)

    def counts(self) -> tuple[int, int]:
        store = self.bot.store
        return store.count_conversations(), store.count_turns()


@pytest.fixture
def make_server(tmp_path: Path, certs: dict[str, Any]) -> Iterator[Callable[..., Server]]:
    bots: list[Bot] = []

    def factory(verify: bool = True, env: dict[str, str] | None = None, db: str = "log.db", **server: Any) -> Server:
        bot = Bot(server_config(tmp_path / db, **server))
        bots.append(bot)
        chains: dict[str, bytes] = {}
        holder: dict[str, Server] = {}

        def fetch(url: str) -> bytes:
            holder["server"].fetched.append(url)
            return chains[url]

        def verifier() -> AlexaVerifier:
            return AlexaVerifier([envelopes.SKILL_ID], trust_roots=[certs["root"].cert], fetcher=fetch)

        app = create_app(bot=bot, verify_alexa=verify, verifier_factory=verifier, env=env or {})
        holder["server"] = Server(app, bot, certs, chains)
        return holder["server"]

    yield factory
    for bot in bots:
        bot.close()


@pytest.fixture
def server(make_server: Callable[..., Server]) -> Server:
    return make_server()


@pytest.fixture
def echo() -> Any:
    return envelopes.Alexa(seed=1)


@pytest.fixture
def ask_valid() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Check a reply against the ASK response schema; returns its ``response`` object."""

    def check(payload: dict[str, Any]) -> dict[str, Any]:
        errors = sorted(ASK_RESPONSE.iter_errors(payload), key=str)
        assert not errors, [e.message for e in errors]
        return payload["response"]

    return check
