# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fake NetSuite OAuth 2.0 client credentials (M2M) accounts for the tests: the one place that makes them.

Each account gets a fresh key (RSA 3072/4096 or EC P-256/384/521, made with ``cryptography``), a
self-signed certificate, a random 64-hex client ID and a certificate ID shaped like NetSuite's. The
same object hands out the emulator's account dict and the values a module is given.

The test side may use ``cryptography`` to make keys and certificates and to sign test assertions
(``sign_assertion``); the emulator verifies them with its own code, so the two stay independent.
``cryptography`` is imported lazily: the test bed imports this module before it is needed.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field

from support.accounts import next_account_id

KEY_TYPES = ("rsa3072", "rsa4096", "ec-p256", "ec-p384", "ec-p521")  # the names _m2m_keygen uses
DEFAULT_ALGORITHM = {"rsa3072": "PS256", "rsa4096": "PS256", "ec-p256": "ES256", "ec-p384": "ES384",
                     "ec-p521": "ES512"}
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_HASH_BITS = {"256": "SHA256", "384": "SHA384", "512": "SHA512"}
_CURVES = {"ec-p256": "SECP256R1", "ec-p384": "SECP384R1", "ec-p521": "SECP521R1"}
DELETE = object()  # in header/claim overrides: leave that member out


def client_id():
    """An integration record's client ID as NetSuite shows it: 64 hexadecimal characters."""
    return secrets.token_hex(32)


def certificate_id():
    """A certificate ID as *OAuth 2.0 Client Credentials (M2M) Setup* lists it: 43 base64url
    characters (32 random bytes), e.g. ``pvHJZk-siL5h1bm1pqypdH7dblr_ZYCE8gfODaKqAC4`` in public
    set-up guides."""
    return _b64url(secrets.token_bytes(32))


def token_url(base_url):
    """The token endpoint under ``base_url``: what ``aud`` must be."""
    return base_url.rstrip("/") + TOKEN_PATH


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- keys and certificates ----------------------------------------------------------------------

def generate_key(key_type="rsa3072"):
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    if key_type not in KEY_TYPES:
        raise ValueError("key_type must be one of %s" % ", ".join(KEY_TYPES))
    if key_type.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(key_type[3:]))
    return ec.generate_private_key(getattr(ec, _CURVES[key_type])())


def key_pem(key, form="pkcs8", passphrase=None):
    """The key as PEM: ``pkcs8`` (BEGIN PRIVATE KEY / ENCRYPTED PRIVATE KEY) or ``traditional``
    (PKCS#1 BEGIN RSA PRIVATE KEY, SEC 1 BEGIN EC PRIVATE KEY; OpenSSL's DEK-Info header when
    encrypted). The same key in either form is the same key to the module."""
    from cryptography.hazmat.primitives import serialization
    formats = {"pkcs8": serialization.PrivateFormat.PKCS8,
               "traditional": serialization.PrivateFormat.TraditionalOpenSSL}
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, formats[form], encryption).decode("ascii")


def validity(days_left, now=None, lifetime_days=365):
    """(not_before, not_after) for a certificate with ``days_left`` days to go (negative: expired
    that long ago) that was issued ``lifetime_days`` before it ends."""
    now = _utc(now)
    not_after = now + datetime.timedelta(days=days_left)
    return not_after - datetime.timedelta(days=lifetime_days), not_after


def self_signed_certificate(key, not_before=None, not_after=None, now=None, valid_days=730,
                            common_name="netsuite-m2m-test", organization=None):
    """A self-signed X.509 v3 certificate for ``key`` as NetSuite takes it. RSA certificates are
    signed with RSASSA-PSS SHA-256 like Oracle's openssl example (salt 64); EC ones with ECDSA and
    the curve's hash. Dates default to now .. now + valid_days; give both for expired or
    soon-expiring certificates (see ``validity``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509.oid import NameOID
    now = _utc(now)
    not_before = _utc(not_before) if not_before is not None else now - datetime.timedelta(hours=1)
    not_after = _utc(not_after) if not_after is not None else now + datetime.timedelta(days=valid_days)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    name = x509.Name(attributes)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True))
    if isinstance(key, rsa.RSAPrivateKey):
        certificate = builder.sign(key, hashes.SHA256(),
                                   rsa_padding=padding.PSS(padding.MGF1(hashes.SHA256()), 64))
    else:
        bits = {256: "256", 384: "384", 521: "512"}[key.curve.key_size]
        certificate = builder.sign(key, getattr(hashes, _HASH_BITS[bits])())
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _utc(moment):
    """A timezone-aware UTC datetime from a datetime, an epoch number, or None (now)."""
    if moment is None:
        return datetime.datetime.now(datetime.timezone.utc)
    if isinstance(moment, (int, float)):
        return datetime.datetime.fromtimestamp(moment, datetime.timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


# --- client assertions --------------------------------------------------------------------------

def sign_assertion(key, algorithm, certificate_id, client_id, token_url, scope="rest_webservices", now=None,
                   lifetime=300, header=None, claims=None, salt_length=None):
    """A client assertion signed with ``cryptography``, independent of PyJWT and of the emulator.

    ``header`` / ``claims``: members to add or replace; the value ``DELETE`` leaves one out.
    ``algorithm`` may be anything a test needs: PS*/ES* (NetSuite's), RS* (PKCS#1 v1.5), HS* (then
    ``key`` is the HMAC secret as bytes) or ``none``. ``salt_length`` overrides PSS's salt (default:
    the hash length, RFC 7518 section 3.5).
    """
    issued = int(time.time() if now is None else now)
    head = {"alg": algorithm, "typ": "JWT", "kid": certificate_id}
    body = {"iss": client_id, "scope": scope, "aud": token_url, "iat": issued, "exp": issued + lifetime}
    for target, overrides in ((head, header), (body, claims)):
        for name, value in (overrides or {}).items():
            if value is DELETE:
                target.pop(name, None)
            else:
                target[name] = value
    signing_input = "%s.%s" % (_b64url(json.dumps(head).encode()), _b64url(json.dumps(body).encode()))
    signature = jws_signature(key, algorithm, signing_input.encode("ascii"), salt_length)
    return "%s.%s" % (signing_input, _b64url(signature))


def jws_signature(key, algorithm, data, salt_length=None):
    """The JWS signature octets of ``data`` for ``algorithm`` (ES*: r || s, RFC 7518 section 3.4)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
    if algorithm == "none":
        return b""
    family, bits = algorithm[:2], algorithm[2:]
    if family == "HS":
        return hmac.new(key, data, getattr(hashlib, "sha" + bits)).digest()
    digest = getattr(hashes, _HASH_BITS[bits])()
    if family == "PS":
        salt = digest.digest_size if salt_length is None else salt_length
        return key.sign(data, padding.PSS(padding.MGF1(digest), salt), digest)
    if family == "RS":
        return key.sign(data, padding.PKCS1v15(), digest)
    if family == "ES":
        r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(digest)))
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    raise ValueError("unknown JWS algorithm %s" % algorithm)


def token_request_form(assertion):
    """The form body NetSuite's token endpoint expects (Oracle, section_162755359851)."""
    return {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion}


# --- accounts -----------------------------------------------------------------------------------

@dataclass
class M2mTestAccount:
    """One account with an M2M integration and one mapped certificate."""
    account_id: str  # realm form, e.g. 4100001_SB1
    client_id: str
    certificate_id: str  # what the module is given (the mapping may use another: mapped=False)
    key_type: str
    algorithm: str
    private_key: object  # cryptography private key, for signing test assertions
    certificate_pem: str
    integration_scopes: tuple = ("rest_webservices",)  # the integration record's scopes
    scopes: tuple = ("rest_webservices",)  # what assertions ask for by default
    mapped_certificate_id: str = ""  # the ID the emulator maps the certificate under
    revoked: bool = False
    scenario: dict = field(default_factory=dict)
    role: dict | None = None  # the emulator's role (tests/emulator/README.md); None: full permissions

    @property
    def private_key_pem(self):
        """Unencrypted PKCS#8 PEM."""
        return key_pem(self.private_key)

    def pkcs1_private_key_pem(self):
        """The same key in the traditional form: PKCS#1 for RSA (SEC 1 for EC)."""
        return key_pem(self.private_key, "traditional")

    def encrypted_private_key_pem(self, passphrase, form="pkcs8"):
        return key_pem(self.private_key, form, passphrase)

    def emulator_account(self, **tba):
        """The emulator's account dict (fresh each call). ``tba``: the four TBA secrets as well,
        for an account that has both kinds of integration."""
        account = dict(tba, account_id=self.account_id, scenario=dict(self.scenario), m2m={
            "client_id": self.client_id,
            "certificates": {self.mapped_certificate_id: self.certificate_pem},
            "scopes": list(self.integration_scopes),
            "revoked_certificates": [self.mapped_certificate_id] if self.revoked else [],
        })
        if self.role is not None:
            account["role"] = dict(self.role)
        return account

    def module_values(self):
        """What m2m_credential is given (and Vault stores): the five M2M keys."""
        return {"account_id": self.account_id, "client_id": self.client_id, "certificate_id": self.certificate_id,
                "private_key": self.private_key_pem, "certificate": self.certificate_pem}

    def secret_values(self):
        """Values no output may show: the client ID and the private key (every PEM form)."""
        return [self.client_id, self.private_key_pem, self.pkcs1_private_key_pem()]

    def assertion(self, base_url, **kwargs):
        """A valid client assertion for the emulator at ``base_url``; kwargs as sign_assertion."""
        kwargs.setdefault("scope", ",".join(self.scopes))
        return sign_assertion(self.private_key, kwargs.pop("algorithm", self.algorithm), kwargs.pop("kid", self.certificate_id),
                              self.client_id, kwargs.pop("token_url", token_url(base_url)), **kwargs)

    def rotated(self, key_type=None, **certificate_options):
        """The same integration with a new key, certificate and certificate ID (rotation). Map it
        with ``emulator.add_certificate(new.account_id, new.certificate_id, new.certificate_pem)``."""
        key_type = key_type or self.key_type
        key = generate_key(key_type)
        new_id = certificate_id()
        return M2mTestAccount(self.account_id, self.client_id, new_id, key_type, DEFAULT_ALGORITHM[key_type], key,
                              self_signed_certificate(key, **certificate_options), self.integration_scopes,
                              self.scopes, new_id, False, dict(self.scenario), self.role)


def make_m2m_account(account_id=None, key_type="rsa3072", scopes=("rest_webservices",), integration_scopes=None,
                     mapped=True, revoked=False, not_before=None, not_after=None, now=None, **scenario):
    """A fresh M2M account.

    ``scopes``: what the module asks for; ``integration_scopes``: what the integration record
    allows (default: the same; fewer gives "scope missing from the integration"). ``mapped=False``:
    the emulator maps the certificate under another ID, so the module's certificate ID is unknown.
    ``revoked``: the mapping is listed but revoked. ``not_before``/``not_after``: explicit
    certificate dates (datetime or epoch; see ``validity``). ``scenario``: emulator scenario keys.
    """
    key = generate_key(key_type)
    given_id = certificate_id()
    return M2mTestAccount(
        account_id=account_id or next_account_id(), client_id=client_id(), certificate_id=given_id,
        key_type=key_type, algorithm=DEFAULT_ALGORITHM[key_type], private_key=key,
        certificate_pem=self_signed_certificate(key, not_before=not_before, not_after=not_after, now=now),
        integration_scopes=tuple(integration_scopes or scopes), scopes=tuple(scopes),
        mapped_certificate_id=given_id if mapped else certificate_id(), revoked=revoked, scenario=scenario)


def expiring_account(days_left, **options):
    """An account whose certificate ends in ``days_left`` days (negative: expired that long ago)."""
    not_before, not_after = validity(days_left, now=options.get("now"))
    return make_m2m_account(not_before=not_before, not_after=not_after, **options)
