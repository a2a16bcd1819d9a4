"""A throwaway PKI for verification tests: a root CA standing in for Amazon's, the echo-api signing
certificate it issues, and a rogue CA with a look-alike certificate. Nothing touches the network."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SIGNING_DOMAIN = "echo-api.amazon.com"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@dataclass
class Authority:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @classmethod
    def root(cls, cn: str, now: dt.datetime) -> "Authority":
        key = _key()
        cert = (
            x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn)).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(cert, key)

    def issue(self, now: dt.datetime, *, dns: str = SIGNING_DOMAIN, days_valid: tuple[int, int] = (-1, 30)) -> "Leaf":
        key = _key()
        cert = (
            x509.CertificateBuilder().subject_name(_name(dns)).issuer_name(self.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + dt.timedelta(days=days_valid[0]))
            .not_valid_after(now + dt.timedelta(days=days_valid[1]))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return Leaf(cert, key, self)


@dataclass
class Leaf:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    issuer: Authority

    def chain_pem(self) -> bytes:
        """What Amazon serves at the SignatureCertChainUrl: the leaf first, then its issuer."""
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (self.cert, self.issuer.cert))

    def sign(self, body: bytes, algorithm: hashes.HashAlgorithm | None = None) -> str:
        raw = self.key.sign(body, padding.PKCS1v15(), algorithm or hashes.SHA256())
        return base64.b64encode(raw).decode("ascii")
