"""Alexa request verification, following Amazon's rules for skills hosted as a web service.

Why not the ASK SDK's ``ask-sdk-webservice-support``: its chain check goes through ``certvalidator``
→ ``oscrypto``, whose last release cannot parse OpenSSL 3 version strings and fails on import
("Error detecting the version of libcrypto"), so every request would be refused. ``cryptography``
(which that SDK also uses) has had X.509 path validation since 42, so the same rules fit in one file:

1. the ``SignatureCertChainUrl`` header: https, host s3.amazonaws.com, normalised path under
   /echo.api/, port 443 if given;
2. the chain it points to (leaf first) validates to a trusted root at the current time, and the
   leaf's subjectAltName includes echo-api.amazon.com;
3. the ``Signature-256`` header (or the legacy SHA-1 ``Signature`` when no SHA-256 one is sent) is
   the leaf key's PKCS#1 v1.5 signature of the exact request body bytes;
4. the request timestamp is within 150 seconds of now;
5. the application id is one of the configured skill ids.

Certificate chains are fetched and cached by ``cert_chains.ChainCache`` (failures too, with a
back-off; bounded fetches, off the request's thread). Trust roots are loaded one certificate at a
time, so one root that ``cryptography`` refuses costs that root, not every Alexa request. Tests
inject their own fetcher and trust roots, so nothing here reaches the network in tests.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import posixpath
import re
import warnings
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from chirpy.server.cert_chains import ChainCache, ChainUnavailable, Fetcher, fetch_chain

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_256_HEADER = "Signature-256"
SIGNATURE_SHA1_HEADER = "Signature"
CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
SIGNING_DOMAIN = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE_S = 150.0

Clock = Callable[[], dt.datetime]
PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)

log = logging.getLogger("chirpy.server")


class VerificationFailed(Exception):
    """The request is not provably from Alexa for this skill; answered with HTTP 400."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def load_trust_roots(path: str | Path | None = None) -> list[x509.Certificate]:
    """Root CAs that may anchor the signing chain: a PEM bundle, by default certifi's (Mozilla's) list."""
    if not path:
        import certifi

        path = certifi.where()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise VerificationFailed(f"cannot load trust roots from {path}: {exc}") from None
    roots, skipped = parse_trust_roots(data)
    if not roots:
        raise VerificationFailed(f"no usable trust roots in {path}")
    if skipped:
        log.warning("trust roots: skipped %d of %d certificates in %s that cannot be loaded", skipped,
                    len(roots) + skipped, path)
    return roots


def parse_trust_roots(data: bytes) -> tuple[list[x509.Certificate], int]:
    """(the certificates that load, how many did not). One by one: ``cryptography`` refuses some
    old roots outright (and warns it will refuse more), and one bad root must not cost the rest."""
    roots, skipped = [], 0
    for block in PEM_CERTIFICATE.findall(data):
        try:
            with warnings.catch_warnings():
                # "will be an error in a future release" for a root we do not need to hear about each start
                warnings.simplefilter("ignore", CryptographyDeprecationWarning)
                roots.append(x509.load_pem_x509_certificate(block))
        except ValueError:
            skipped += 1
    return roots, skipped


def check_cert_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise VerificationFailed(f"malformed certificate URL {url!r}") from None
    if parts.scheme.lower() != "https":
        raise VerificationFailed("certificate URL must use https")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise VerificationFailed(f"certificate URL host must be {CERT_HOST}")
    if port is not None and port != 443:
        raise VerificationFailed("certificate URL port must be 443")
    path = posixpath.normpath(parts.path) if parts.path else ""
    # normpath drops the trailing slash of "/echo.api/"; the path must go *inside* the folder.
    if not (path + "/").startswith(CERT_PATH_PREFIX) or path + "/" == CERT_PATH_PREFIX:
        raise VerificationFailed(f"certificate URL path must start with {CERT_PATH_PREFIX}")


class AlexaVerifier:
    def __init__(
        self,
        skill_ids: Sequence[str],
        *,
        trust_roots: Sequence[x509.Certificate] | None = None,
        fetcher: Fetcher = fetch_chain,
        clock: Clock = utc_now,
        tolerance_s: float = TIMESTAMP_TOLERANCE_S,
        chains: ChainCache | None = None,
    ) -> None:
        self.skill_ids = frozenset(skill_ids)
        self._roots = list(trust_roots) if trust_roots is not None else None
        self._store: Store | None = None
        self.chains = chains if chains is not None else ChainCache(fetcher)
        self.clock = clock
        self.tolerance_s = min(tolerance_s, TIMESTAMP_TOLERANCE_S)  # Amazon's rule is a ceiling

    @property
    def store(self) -> Store:
        if self._store is None:  # loaded on first use: an API-only server never reads the bundle
            self._store = Store(self._roots if self._roots is not None else load_trust_roots())
        return self._store

    # -- the checks, in order ------------------------------------------------------------------
    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Mapping[str, Any]) -> None:
        """Raise ``VerificationFailed`` unless the request is signed by Alexa, fresh and for our skill."""
        url = headers.get(CERT_URL_HEADER)
        signature_256 = headers.get(SIGNATURE_256_HEADER)
        signature_sha1 = headers.get(SIGNATURE_SHA1_HEADER)
        if not url:
            raise VerificationFailed(f"missing {CERT_URL_HEADER} header")
        if not (signature_256 or signature_sha1):
            raise VerificationFailed(f"missing {SIGNATURE_256_HEADER} header")
        check_cert_url(url)
        leaf = self._verified_leaf(url)
        if signature_256:
            self._check_signature(leaf, signature_256, body, hashes.SHA256())
        else:
            self._check_signature(leaf, signature_sha1 or "", body, hashes.SHA1())  # noqa: S303 — Amazon's legacy header
        self.check_timestamp(envelope)
        self.check_skill_id(envelope)

    def _verified_leaf(self, url: str) -> x509.Certificate:
        try:
            chain = self.chains.get(url)
        except ChainUnavailable as exc:
            raise VerificationFailed(str(exc)) from None
        # Re-validated on every request (about a millisecond): expiry is checked against *now*.
        verifier = PolicyBuilder().store(self.store).time(self.clock()).build_server_verifier(
            x509.DNSName(SIGNING_DOMAIN))
        try:
            verifier.verify(chain.leaf, chain.intermediates)
        except VerificationError as exc:
            raise VerificationFailed(f"the signing certificate chain is not trusted: {exc}") from None
        return chain.leaf

    @staticmethod
    def _check_signature(leaf: x509.Certificate, signature: str, body: bytes, algorithm: hashes.HashAlgorithm) -> None:
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            raise VerificationFailed("the signature header is not base64") from None
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationFailed("the signing certificate does not hold an RSA key")
        try:
            key.verify(raw, body, padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            raise VerificationFailed("the request signature does not match its body") from None

    def check_timestamp(self, envelope: Mapping[str, Any]) -> None:
        request = envelope.get("request")
        stamp = parse_timestamp(request.get("timestamp") if isinstance(request, Mapping) else None)
        if stamp is None:
            raise VerificationFailed("the request has no valid timestamp")
        if abs((self.clock() - stamp).total_seconds()) > self.tolerance_s:
            raise VerificationFailed(f"the request timestamp is more than {self.tolerance_s:.0f} s from now")

    def check_skill_id(self, envelope: Mapping[str, Any]) -> None:
        skill_id = application_id(envelope)
        if skill_id not in self.skill_ids:
            raise VerificationFailed("the request is for another skill")


def application_id(envelope: Mapping[str, Any]) -> str | None:
    """The skill id: context.System.application (always sent), else session.application."""
    for path in (("context", "System", "application", "applicationId"), ("session", "application", "applicationId")):
        node: Any = envelope
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, str):
            return node
    return None


def parse_timestamp(value: Any) -> dt.datetime | None:
    """ISO 8601 ("2026-11-21T15:07:34Z"); some Alexa events send epoch milliseconds instead."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return dt.datetime.fromtimestamp(value / 1000, dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
