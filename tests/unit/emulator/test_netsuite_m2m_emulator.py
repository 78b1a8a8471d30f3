"""Tests of the emulator's OAuth 2.0 client credentials (M2M) side, over real HTTP on 127.0.0.1.

Assertions are signed by ``cryptography`` (tests/support/m2m_accounts.py) and, in one test, by PyJWT
as the modules do; the emulator checks them with its own JWS, DER, RSASSA-PSS and ECDSA code. The
verifier tests cross-check that code against ``cryptography``'s signatures over many random messages.
"""
import dataclasses
import datetime
import json
import os
import random
import subprocess
import sys
import time

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from requests_oauthlib import OAuth1

from emulator import netsuite_m2m as m2m
from emulator.netsuite_tba_emulator import (
    METADATA_CATALOG_PATH,
    SERVER_TIME_PATH,
    TOKEN_PATH,
    NetSuiteEmulator,
)
from support.accounts import next_account_id, token_values
from support.m2m_accounts import (
    DELETE,
    certificate_id,
    client_id,
    expiring_account,
    generate_key,
    make_m2m_account,
    self_signed_certificate,
    sign_assertion,
    token_request_form,
    token_url,
)

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
                      "emulator", "netsuite_tba_emulator.py")
HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
INVALID_LOGIN_BODY = {
    "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2",
    "title": "Unauthorized",
    "status": 401,
    "o:errorDetails": [{
        "detail": "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI "
                  "at Setup > Users/Roles > User Management > View Login Audit Trail.",
        "o:errorCode": "INVALID_LOGIN",
    }],
}
ERROR_CONTENT_TYPE = "application/vnd.oracle.resource+json; type=error"


class Clock:
    """The emulator's injectable clock; tests move ``now``."""

    def __init__(self, now=None):
        self.now = float(int(time.time()) if now is None else now)

    def __call__(self):
        return self.now


# Keys are the slow part (RSA 4096 takes about a second): one account per key type per module,
# and variants of it (other scenarios, other account IDs) share its key.
@pytest.fixture(scope="module")
def accounts():
    made = {}

    def get(key_type):
        if key_type not in made:
            made[key_type] = make_m2m_account(key_type=key_type)
        return made[key_type]
    return get


@pytest.fixture
def rsa_account(accounts):
    return accounts("rsa3072")


def variant(base, mapped=True, **changes):
    """``base`` under a new account ID (same key and certificate); changes as M2mTestAccount fields,
    ``scenario`` as emulator scenario keys."""
    changes.setdefault("account_id", next_account_id())
    if not mapped:
        changes["mapped_certificate_id"] = certificate_id()
    return dataclasses.replace(base, **changes)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def emu(clock, rsa_account):
    with NetSuiteEmulator(accounts=[rsa_account.emulator_account()], clock=clock) as server:
        yield server


def post_token(emu, assertion=None, form=None, headers=None, timeout=5, **form_changes):
    data = dict(form or token_request_form(assertion), **form_changes)
    data = {k: v for k, v in data.items() if v is not None}
    return requests.post(emu.url + TOKEN_PATH, data=data, headers=headers, timeout=timeout)


def get_token(emu, account, **assertion_options):
    response = post_token(emu, account.assertion(emu.url, **assertion_options))
    assert response.status_code == 200, (response.status_code, response.text, emu.audit_trail())
    return response.json()["access_token"]


def bearer_get(emu, token, path=SERVER_TIME_PATH, headers=None, **kwargs):
    return requests.get(emu.url + path, headers=dict(headers or {}, Authorization="Bearer " + token), timeout=5,
                        **kwargs)


def details(emu, realm=None):
    return [entry["detail"] for entry in emu.audit_trail(realm)]


def assert_oauth_error(response, error):
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json() == {"error": error}


def assert_invalid_login(response):
    assert response.status_code == 401
    assert response.headers["Content-Type"] == ERROR_CONTENT_TYPE
    assert response.json() == INVALID_LOGIN_BODY


def flip_bit(data: bytes, bit: int) -> bytes:
    changed = bytearray(data)
    changed[bit // 8] ^= 1 << (bit % 8)
    return bytes(changed)


def flip_signature_bit(assertion, rng):
    head, body, signature = assertion.split(".")
    raw = m2m.b64url_decode(signature)
    return "%s.%s.%s" % (head, body, m2m.b64url_encode(flip_bit(raw, rng.randrange(len(raw) * 8))))


# --- the verifiers, cross-checked against cryptography (no server) -------------------------------

@pytest.mark.parametrize("curve", [m2m.P256, m2m.P384, m2m.P521], ids=lambda c: c.name)
def test_curve_constants(curve):
    base = (curve.gx, curve.gy)
    assert curve.contains(*base)
    assert m2m.linear_combination(curve, curve.n, base, 0, base) is None  # the base point has order n
    assert m2m.linear_combination(curve, curve.n - 1, base, 0, base) == (curve.gx, curve.p - curve.gy)
    assert m2m.linear_combination(curve, 2, base, 3, base) == m2m.linear_combination(curve, 5, base, 0, base)
    assert curve.p % 4 == 3  # what the compressed-point square root relies on


def test_base64url_is_strict():
    assert m2m.b64url_decode("aGk") == b"hi"
    assert m2m.b64url_encode(b"\xfb\xff") == "-_8"
    for bad in ("aGk=", "aGk+", "aGk/", "a", "aGl"):  # padding, base64 alphabet, bad length, stray bits
        with pytest.raises(ValueError):
            m2m.b64url_decode(bad)


@pytest.mark.parametrize("key_type", ["rsa3072", "ec-p256", "ec-p384", "ec-p521"])
def test_der_reader_reads_what_cryptography_wrote(accounts, key_type):
    account = accounts(key_type)
    parsed = m2m.parse_certificate(account.certificate_pem)
    reference = x509.load_pem_x509_certificate(account.certificate_pem.encode())
    assert parsed.not_before == reference.not_valid_before_utc.replace(microsecond=0).timestamp()
    assert parsed.not_after == reference.not_valid_after_utc.replace(microsecond=0).timestamp()
    numbers = reference.public_key().public_numbers()
    if key_type.startswith("rsa"):
        assert (parsed.public_key.n, parsed.public_key.e) == (numbers.n, numbers.e)
        assert parsed.public_key.description == "RSA 3072"
    else:
        assert (parsed.public_key.x, parsed.public_key.y) == (numbers.x, numbers.y)
        assert parsed.public_key.description == "EC " + {"ec-p256": "P-256", "ec-p384": "P-384",
                                                         "ec-p521": "P-521"}[key_type]


def test_der_reader_reads_generalized_time_and_compressed_points():
    key = generate_key("ec-p384")
    late = datetime.datetime(2051, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)  # after 2049: GeneralizedTime
    parsed = m2m.parse_certificate(self_signed_certificate(key, not_after=late))
    assert parsed.not_after == late.timestamp()
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    compressed = key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    assert m2m._decode_point(m2m.P384, compressed) == (parsed.public_key.x, parsed.public_key.y)


@pytest.mark.parametrize("hash_name", sorted(HASHES))
def test_pss_verifier_agrees_with_cryptography(accounts, hash_name):
    private_key = accounts("rsa3072").private_key
    numbers = private_key.public_key().public_numbers()
    public = m2m.RsaPublicKey(numbers.n, numbers.e)
    digest = HASHES[hash_name]()
    rng = random.Random(hash_name)
    for _round in range(30):
        message = rng.randbytes(rng.randrange(0, 300))
        signature = private_key.sign(message, padding.PSS(padding.MGF1(digest), digest.digest_size), digest)
        assert m2m.rsassa_pss_verify(public, message, signature, hash_name)
        assert not m2m.rsassa_pss_verify(public, message + b"\0", signature, hash_name)
        assert not m2m.rsassa_pss_verify(public, message, flip_bit(signature, rng.randrange(3072)), hash_name)
        other_hash = "sha512" if hash_name != "sha512" else "sha256"
        assert not m2m.rsassa_pss_verify(public, message, signature, other_hash)
    # Salt lengths: strict by default (RFC 7518 3.5), any with salt_length=None, or a given one.
    message = b"salt test"
    longest = private_key.sign(message, padding.PSS(padding.MGF1(digest), padding.PSS.MAX_LENGTH), digest)
    unsalted = private_key.sign(message, padding.PSS(padding.MGF1(digest), 0), digest)
    assert not m2m.rsassa_pss_verify(public, message, longest, hash_name)
    assert m2m.rsassa_pss_verify(public, message, longest, hash_name, salt_length=None)
    assert not m2m.rsassa_pss_verify(public, message, unsalted, hash_name)
    assert m2m.rsassa_pss_verify(public, message, unsalted, hash_name, salt_length=0)
    assert m2m.rsassa_pss_verify(public, message, unsalted, hash_name, salt_length=None)
    # Another scheme entirely, and the wrong length.
    pkcs1 = private_key.sign(message, padding.PKCS1v15(), digest)
    assert not m2m.rsassa_pss_verify(public, message, pkcs1, hash_name, salt_length=None)
    assert not m2m.rsassa_pss_verify(public, message, longest[1:], hash_name, salt_length=None)


def test_pss_verifier_with_a_4096_bit_key(accounts):
    private_key = accounts("rsa4096").private_key
    numbers = private_key.public_key().public_numbers()
    public = m2m.RsaPublicKey(numbers.n, numbers.e)
    for index in range(5):
        message = os.urandom(64 + index)
        signature = private_key.sign(message, padding.PSS(padding.MGF1(hashes.SHA384()), 48), hashes.SHA384())
        assert m2m.rsassa_pss_verify(public, message, signature, "sha384")
        assert not m2m.rsassa_pss_verify(public, message, flip_bit(signature, 8 * index + 3), "sha384")


@pytest.mark.parametrize("key_type, hash_name", [("ec-p256", "sha256"), ("ec-p384", "sha384"), ("ec-p521", "sha512")])
def test_ecdsa_verifier_agrees_with_cryptography(accounts, key_type, hash_name):
    private_key = accounts(key_type).private_key
    numbers = private_key.public_key().public_numbers()
    curve = {"ec-p256": m2m.P256, "ec-p384": m2m.P384, "ec-p521": m2m.P521}[key_type]
    public = m2m.EcPublicKey(curve, numbers.x, numbers.y)
    rng = random.Random(key_type)
    for _round in range(30):
        message = rng.randbytes(rng.randrange(0, 300))
        r, s = utils.decode_dss_signature(private_key.sign(message, ec.ECDSA(HASHES[hash_name]())))
        raw = r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")
        assert m2m.ecdsa_verify(public, message, raw, hash_name)
        assert not m2m.ecdsa_verify(public, message + b"\0", raw, hash_name)
        assert not m2m.ecdsa_verify(public, message, flip_bit(raw, rng.randrange(len(raw) * 8)), hash_name)
        # (r, n - s) is the other valid signature of the same message: standard ECDSA accepts it.
        assert m2m.ecdsa_verify(public, message, raw[:curve.size] + (curve.n - s).to_bytes(curve.size, "big"),
                                hash_name)
    size = curve.size
    for bad_r, bad_s in ((0, 1), (1, 0), (curve.n, 1), (1, curve.n)):
        assert not m2m.ecdsa_verify(public, b"x", bad_r.to_bytes(size, "big") + bad_s.to_bytes(size, "big"), hash_name)
    assert not m2m.ecdsa_verify(public, b"x", b"\1" * (2 * size - 1), hash_name)  # DER or short: not r || s


# --- the token endpoint: accepted assertions ------------------------------------------------------

@pytest.mark.parametrize("key_type, algorithm", [
    ("rsa3072", "PS256"), ("rsa3072", "PS384"), ("rsa3072", "PS512"), ("rsa4096", "PS256"),
    ("ec-p256", "ES256"), ("ec-p384", "ES384"), ("ec-p521", "ES512"),
])
def test_valid_assertion_gets_a_token_that_server_time_accepts(accounts, clock, key_type, algorithm):
    account = accounts(key_type)
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        response = post_token(emu, account.assertion(emu.url, algorithm=algorithm, now=clock.now))
        assert response.status_code == 200, details(emu)
        assert response.headers["Content-Type"] == "application/json"
        assert (response.headers["Cache-Control"], response.headers["Pragma"]) == ("no-store", "no-cache")
        body = response.json()
        assert set(body) == {"access_token", "expires_in", "token_type"}
        assert (body["expires_in"], body["token_type"]) == ("3600", "bearer")
        assert len(body["access_token"]) >= 64

        server_time = bearer_get(emu, body["access_token"])
        assert server_time.status_code == 200
        assert set(server_time.json()) == {"serverTime"}
        assert bearer_get(emu, body["access_token"], METADATA_CATALOG_PATH, params={"select": "customer"}).status_code == 200
        assert [(r["method"], r["path"], r["status"], r["account_id"]) for r in emu.requests()] == [
            ("POST", TOKEN_PATH, 200, account.account_id),
            ("GET", SERVER_TIME_PATH, 200, account.account_id),
            ("GET", METADATA_CATALOG_PATH, 200, account.account_id)]
        assert emu.audit_trail() == []


@pytest.mark.parametrize("key_type", ["rsa3072", "ec-p256"])
def test_assertion_signed_by_pyjwt_is_accepted(accounts, key_type):
    """The modules sign with PyJWT; this is the emulator accepting its output, not PyJWT checking itself."""
    jwt = pytest.importorskip("jwt")
    account = accounts(key_type)
    with NetSuiteEmulator(accounts=[account.emulator_account()]) as emu:
        now = int(time.time())
        assertion = jwt.encode({"iss": account.client_id, "scope": "rest_webservices", "aud": token_url(emu.url),
                                "iat": now, "exp": now + 300}, account.private_key_pem, algorithm=account.algorithm,
                               headers={"kid": account.certificate_id, "typ": "JWT"})
        response = post_token(emu, assertion)
        assert response.status_code == 200, details(emu)


@pytest.mark.parametrize("scope, integration_scopes", [
    ("rest_webservices", ["rest_webservices"]),
    ("rest_webservices,restlets", ["restlets", "rest_webservices"]),
    ("restlets, rest_webservices", ["restlets", "rest_webservices"]),
    (["restlets", "rest_webservices"], ["restlets", "rest_webservices"]),  # Oracle's own example sends an array
    (["rest_webservices"], ["rest_webservices", "suite_analytics"]),
])
def test_scope_forms_netsuite_documents(rsa_account, clock, scope, integration_scopes):
    account = variant(rsa_account, integration_scopes=tuple(integration_scopes))
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        token = get_token(emu, account, scope=scope, now=clock.now)
        assert bearer_get(emu, token).status_code == 200


def test_iat_and_exp_at_the_limits_are_accepted(emu, rsa_account, clock):
    now = clock.now
    for claims in ({"iat": now + 300, "exp": now + 3900},   # 300 s ahead of NetSuite's clock, lifetime 3600
                   {"iat": now - 3599, "exp": now + 1},     # issued an hour ago, one second left
                   {"iat": now, "exp": now + 1.5}):         # NumericDate may have a fraction
        assert post_token(emu, rsa_account.assertion(emu.url, claims=claims)).status_code == 200, details(emu)


# --- the token endpoint: refusals -----------------------------------------------------------------

def _other_key_assertion(account, url):
    return sign_assertion(generate_key("rsa3072"), "PS256", account.certificate_id, account.client_id, token_url(url))


# name -> (assertion maker (account, emulator url, now) -> assertion, OAuth error, audit detail)
ASSERTION_RULES = {
    "rs256": (lambda a, u, n: a.assertion(u, algorithm="RS256", now=n), "invalid_client", "alg not allowed"),
    "hs256": (lambda a, u, n: sign_assertion(a.client_id.encode(), "HS256", a.certificate_id, a.client_id,
                                             token_url(u), now=n), "invalid_client", "alg not allowed"),
    "none": (lambda a, u, n: a.assertion(u, algorithm="none", now=n), "invalid_client", "alg not allowed"),
    "es256-on-rsa-key": (lambda a, u, n: a.assertion(u, header={"alg": "ES256"}, now=n), "invalid_client",
                         "alg does not fit the certificate key"),
    "header-ps384-signed-ps256": (lambda a, u, n: _relabel(a.assertion(u, now=n), "PS384"), "invalid_client",
                                  "signature invalid"),
    "other-key": (lambda a, u, n: _other_key_assertion(a, u), "invalid_client", "signature invalid"),
    "pss-max-salt": (lambda a, u, n: a.assertion(u, now=n, salt_length=padding.PSS.MAX_LENGTH), "invalid_client",
                     "signature invalid"),
    "unknown-kid": (lambda a, u, n: a.assertion(u, kid=certificate_id(), now=n), "invalid_client", "kid not mapped"),
    "wrong-iss": (lambda a, u, n: a.assertion(u, claims={"iss": client_id()}, now=n), "invalid_client", "iss unknown"),
    "typ-missing": (lambda a, u, n: a.assertion(u, header={"typ": DELETE}, now=n), "invalid_request", "typ not JWT"),
    "typ-other": (lambda a, u, n: a.assertion(u, header={"typ": "at+jwt"}, now=n), "invalid_request", "typ not JWT"),
    "kid-missing": (lambda a, u, n: a.assertion(u, header={"kid": DELETE}, now=n), "invalid_request", "kid missing"),
    "crit": (lambda a, u, n: a.assertion(u, header={"crit": ["exp"]}, now=n), "invalid_request",
             "crit header not supported"),
    "iss-missing": (lambda a, u, n: a.assertion(u, claims={"iss": DELETE}, now=n), "invalid_request", "iss missing"),
    "aud-netsuite-host": (lambda a, u, n: a.assertion(
        u, token_url="https://%s.suitetalk.api.netsuite.com%s" % (a.account_id.lower().replace("_", "-"), TOKEN_PATH),
        now=n), "invalid_grant", "aud mismatch"),
    "aud-trailing-slash": (lambda a, u, n: a.assertion(u, token_url=token_url(u) + "/", now=n), "invalid_grant",
                           "aud mismatch"),
    "aud-base-url": (lambda a, u, n: a.assertion(u, token_url=u, now=n), "invalid_grant", "aud mismatch"),
    "aud-list": (lambda a, u, n: a.assertion(u, claims={"aud": [token_url(u)]}, now=n), "invalid_request",
                 "aud missing or not a string"),
    "iat-future": (lambda a, u, n: a.assertion(u, now=n + 301), "invalid_grant", "iat in the future"),
    "nbf-future": (lambda a, u, n: a.assertion(u, claims={"nbf": n + 301}, now=n), "invalid_grant",
                   "nbf in the future"),
    "expired": (lambda a, u, n: a.assertion(u, now=n - 300, lifetime=300), "invalid_grant", "assertion expired"),
    "lifetime-3601": (lambda a, u, n: a.assertion(u, now=n, lifetime=3601), "invalid_grant",
                      "exp more than 3600 s after iat"),
    "exp-before-iat": (lambda a, u, n: a.assertion(u, claims={"iat": n + 200, "exp": n + 100}, now=n),
                       "invalid_grant", "exp not after iat"),
    "iat-string": (lambda a, u, n: a.assertion(u, claims={"iat": str(int(n))}, now=n), "invalid_request",
                   "iat missing or not a number"),
    "exp-missing": (lambda a, u, n: a.assertion(u, claims={"exp": DELETE}, now=n), "invalid_request",
                    "exp missing or not a number"),
    "scope-missing": (lambda a, u, n: a.assertion(u, claims={"scope": DELETE}, now=n), "invalid_scope", "scope missing"),
    "scope-space-separated": (lambda a, u, n: a.assertion(u, scope="rest_webservices restlets", now=n),
                              "invalid_scope", "scope malformed (comma-separated names expected)"),
    "scope-empty": (lambda a, u, n: a.assertion(u, scope="", now=n), "invalid_scope",
                    "scope malformed (comma-separated names expected)"),
    "scope-unknown": (lambda a, u, n: a.assertion(u, scope="rest_webservices,email", now=n), "invalid_scope",
                      "scope unknown"),
    "scope-number": (lambda a, u, n: a.assertion(u, scope=7, now=n), "invalid_scope",
                     "scope neither a string nor a list of strings"),
    "scope-not-on-integration": (lambda a, u, n: a.assertion(u, scope="restlets", now=n), "invalid_scope",
                                 "scope not enabled on the integration"),
}


def _relabel(assertion, alg):
    """The same signature under another header: what a signer mixing up hash and alg produces."""
    head, body, signature = assertion.split(".")
    header = json.loads(m2m.b64url_decode(head))
    header["alg"] = alg
    return "%s.%s.%s" % (m2m.b64url_encode(json.dumps(header).encode()), body, signature)


@pytest.mark.parametrize("rule", sorted(ASSERTION_RULES))
def test_each_assertion_rule_has_its_own_refusal(emu, rsa_account, clock, rule):
    make, error, detail = ASSERTION_RULES[rule]
    assert_oauth_error(post_token(emu, make(rsa_account, emu.url, clock.now)), error)
    assert details(emu) == [detail]
    logged = emu.requests()
    assert [(r["method"], r["path"], r["status"], r["audit_detail"]) for r in logged] == [
        ("POST", TOKEN_PATH, 400, detail)]
    # Attributed to the account whenever its integration can be found (iss, else the mapped kid).
    assert logged[0]["account_id"] == rsa_account.account_id


@pytest.mark.parametrize("change, error, detail", [
    ({"grant_type": "authorization_code"}, "unsupported_grant_type", "grant_type not client_credentials"),
    ({"grant_type": None}, "invalid_request", "grant_type missing"),
    ({"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"}, "invalid_request",
     "client_assertion_type missing or not jwt-bearer"),
    ({"client_assertion_type": None}, "invalid_request", "client_assertion_type missing or not jwt-bearer"),
    ({"client_assertion": None}, "invalid_request", "client_assertion missing"),
    ({"client_assertion": "not-a-jws"}, "invalid_request", "assertion is not a compact JWS (three dot-separated parts)"),
    ({"client_assertion": "e30=.e30=.AA"}, "invalid_request", "assertion is not base64url without padding"),
    ({"client_assertion": "W10.e30.AA"}, "invalid_request", "assertion header is not a JSON object"),
    ({"client_assertion": m2m.b64url_encode(b'{"typ":"JWT","typ":"JWT"}') + ".e30.AA"}, "invalid_request",
     "assertion header is not JSON: duplicated member"),
], ids=["grant-type", "grant-type-missing", "assertion-type", "assertion-type-missing", "assertion-missing",
        "not-jws", "padded", "header-array", "duplicate-member"])
def test_form_rules(emu, rsa_account, change, error, detail):
    assert_oauth_error(post_token(emu, rsa_account.assertion(emu.url), **change), error)
    assert details(emu) == [detail]


def test_body_must_be_form_encoded_once_per_parameter(emu, rsa_account):
    form = token_request_form(rsa_account.assertion(emu.url))
    as_json = requests.post(emu.url + TOKEN_PATH, json=form, timeout=5)
    assert_oauth_error(as_json, "invalid_request")
    twice = requests.post(emu.url + TOKEN_PATH, data=list(form.items()) + [("grant_type", "client_credentials")],
                          timeout=5)
    assert_oauth_error(twice, "invalid_request")
    get = requests.get(emu.url + TOKEN_PATH, timeout=5)
    assert_oauth_error(get, "invalid_request")
    assert details(emu) == ["request body is not application/x-www-form-urlencoded", "parameter grant_type duplicated",
                            "token endpoint needs POST"]


@pytest.mark.parametrize("key_type", ["rsa3072", "ec-p256", "ec-p384", "ec-p521"])
def test_one_flipped_bit_anywhere_is_refused(accounts, clock, key_type):
    account = accounts(key_type)
    rng = random.Random(key_type)
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        for _round in range(3):
            assertion = account.assertion(emu.url, now=clock.now)
            assert_oauth_error(post_token(emu, flip_signature_bit(assertion, rng)), "invalid_client")
        # A claim changed after signing: "exp" pushed out by a few seconds.
        head, body, signature = account.assertion(emu.url, now=clock.now).split(".")
        claims = json.loads(m2m.b64url_decode(body))
        claims["exp"] += 7
        tampered = "%s.%s.%s" % (head, m2m.b64url_encode(json.dumps(claims).encode()), signature)
        assert_oauth_error(post_token(emu, tampered), "invalid_client")
        assert details(emu) == ["signature invalid"] * 4
        assert post_token(emu, account.assertion(emu.url, now=clock.now)).status_code == 200


@pytest.mark.parametrize("offset, detail", [(420, "assertion expired"), (-420, "iat in the future")])
def test_clock_offset_beyond_the_skew_refuses_a_correct_client(rsa_account, clock, offset, detail):
    account = variant(rsa_account, scenario={"clock_offset_seconds": offset})
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        response = post_token(emu, account.assertion(emu.url, now=clock.now))
        assert_oauth_error(response, "invalid_grant")
        assert details(emu) == [detail]
        assert abs(_date_header(response) - (clock.now + offset)) < 2  # the Date header shows NetSuite's clock


def _date_header(response):
    import email.utils
    return email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()


# --- bearer tokens ----------------------------------------------------------------------------------

def test_bearer_token_lives_sixty_minutes_of_the_emulator_clock(emu, rsa_account, clock):
    token = get_token(emu, rsa_account, now=clock.now)
    clock.now += 3599
    assert bearer_get(emu, token).status_code == 200
    clock.now += 1
    assert_invalid_login(bearer_get(emu, token))
    assert details(emu) == ["access token expired"]
    assert emu.audit_trail()[0]["account_id"] == rsa_account.account_id
    # A new assertion at the new time gets a new token.
    assert bearer_get(emu, get_token(emu, rsa_account, now=clock.now)).status_code == 200


def test_unknown_or_malformed_bearer_is_invalid_login(emu, rsa_account):
    assert_invalid_login(bearer_get(emu, "x" * 86))
    assert_invalid_login(requests.get(emu.url + SERVER_TIME_PATH, headers={"Authorization": "Bearer"}, timeout=5))
    assert details(emu) == ["access token unknown"] * 2
    assert [r["account_id"] for r in emu.requests()] == [None, None]


def test_restlets_only_token_cannot_read_rest_web_services(rsa_account, clock):
    account = variant(rsa_account, integration_scopes=("restlets",), scopes=("restlets",))
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        token = get_token(emu, account, now=clock.now)
        assert_invalid_login(bearer_get(emu, token))
        assert details(emu) == ["access token scope lacks rest_webservices"]


# --- scripted scenarios -------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, error, detail", [
    ({"mapped": False}, "invalid_client", "kid not mapped"),
    ({"revoked": True}, "invalid_client", "mapping revoked"),
    ({"scenario": {"revoked": True}}, "invalid_client", "mapping revoked"),
    ({"integration_scopes": ("restlets",)}, "invalid_scope", "scope not enabled on the integration"),
    ({"scenario": {"integration_blocked": True}}, "invalid_client", "integration blocked"),
    ({"scenario": {"feature_disabled": True}}, "invalid_client", "OAuth 2.0 feature disabled"),
    ({"scenario": {"m2m_grant_disabled": True}}, "unauthorized_client",
     "client credentials grant not enabled on the integration"),
], ids=["unknown-certificate-id", "mapping-revoked", "all-revoked", "scope-missing", "blocked", "feature-off",
        "grant-off"])
def test_account_scenarios_refuse_a_correct_client(rsa_account, clock, changes, error, detail):
    account = variant(rsa_account, **changes)
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        assert_oauth_error(post_token(emu, account.assertion(emu.url, now=clock.now)), error)
        assert emu.audit_trail(account.account_id)[0] | {"time": None} == {
            "time": None, "realm": None, "account_id": account.account_id, "detail": detail}


@pytest.mark.parametrize("days_left, detail", [(-1, "certificate expired"), (10, None)])
def test_certificate_expiry_ends_the_mapping(clock, days_left, detail):
    account = expiring_account(days_left, key_type="ec-p256", now=clock.now)
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        response = post_token(emu, account.assertion(emu.url, now=clock.now))
        if detail:
            assert_oauth_error(response, "invalid_client")
        else:
            assert response.status_code == 200
        assert details(emu) == ([detail] if detail else [])


def test_not_yet_valid_certificate_is_refused(clock):
    start = clock.now + 86400
    account = make_m2m_account(key_type="ec-p256", not_before=start, not_after=start + 86400 * 30)
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        assert_oauth_error(post_token(emu, account.assertion(emu.url, now=clock.now)), "invalid_client")
        assert details(emu) == ["certificate not yet valid"]


def test_busy_twice_then_a_token(rsa_account, clock):
    account = variant(rsa_account, scenario={"busy_times": 2})
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        assert_oauth_error(post_token(emu, account.assertion(emu.url, kid="nope", now=clock.now)), "invalid_client")
        for _attempt in range(2):  # refused assertions above used up no busy answer
            response = post_token(emu, account.assertion(emu.url, now=clock.now))
            assert response.status_code == 429
            assert response.headers["Retry-After"] == "1"
            assert response.json()["o:errorDetails"][0]["o:errorCode"] == "CONCURRENCY_LIMIT_EXCEEDED"
        token = get_token(emu, account, now=clock.now)
        assert bearer_get(emu, token).status_code == 200
        assert [r["status"] for r in emu.requests()] == [400, 429, 429, 200, 200]


def test_server_errors_on_every_token_request(rsa_account, clock):
    account = variant(rsa_account, scenario={"server_error_times": -1})
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        for _attempt in range(3):
            response = post_token(emu, account.assertion(emu.url, now=clock.now))
            assert response.status_code == 503
            assert response.json()["o:errorDetails"][0]["o:errorCode"] == "UNEXPECTED_ERROR"


def test_slow_token_endpoint_makes_clients_time_out(rsa_account):
    account = variant(rsa_account, scenario={"slow_seconds": 0.5})
    with NetSuiteEmulator(accounts=[account.emulator_account()]) as emu:
        with pytest.raises(requests.exceptions.ReadTimeout):
            post_token(emu, account.assertion(emu.url), timeout=0.1)


@pytest.mark.parametrize("kind, status, code", [
    ("user_error", 400, "USER_ERROR"), ("forbidden", 403, "INSUFFICIENT_PERMISSION"), ("invalid_login", 401, "INVALID_LOGIN"),
])
def test_token_granted_but_role_lacks_rest_web_services(rsa_account, clock, kind, status, code):
    account = variant(rsa_account, scenario={"missing_permission": kind})
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        response = bearer_get(emu, get_token(emu, account, now=clock.now))
        assert response.status_code == status
        assert response.headers["Content-Type"] == ERROR_CONTENT_TYPE
        assert response.json()["o:errorDetails"][0]["o:errorCode"] == code
        if kind == "invalid_login":
            assert response.json() == INVALID_LOGIN_BODY
            assert details(emu) == ["role lacks the REST Web Services permission"]


def test_no_server_time_with_a_bearer_token(rsa_account, clock):
    account = variant(rsa_account, scenario={"no_server_time": True})
    with NetSuiteEmulator(accounts=[account.emulator_account()], clock=clock) as emu:
        token = get_token(emu, account, now=clock.now)
        assert bearer_get(emu, token).status_code == 404
        assert bearer_get(emu, token, METADATA_CATALOG_PATH, params={"select": "customer"}).status_code == 200


# --- rotation and the control API ---------------------------------------------------------------------

def test_rotation_two_active_certificates_then_revoke_the_old(emu, rsa_account, clock):
    new = rsa_account.rotated(key_type="ec-p384")
    added = requests.post(emu.url + "/__emulator/m2m/certificates", params={"realm": rsa_account.account_id},
                          json={"certificate_id": new.certificate_id, "certificate": new.certificate_pem}, timeout=5)
    assert added.json() == {"account_id": rsa_account.account_id, "certificate_id": new.certificate_id}
    assert new.algorithm == "ES384"
    for account in (rsa_account, new):  # both mappings work for the same integration
        assert bearer_get(emu, get_token(emu, account, now=clock.now)).status_code == 200

    revoked = requests.post(emu.url + "/__emulator/m2m/revoke", params={"realm": rsa_account.account_id},
                            json={"certificate_id": rsa_account.certificate_id}, timeout=5)
    assert revoked.status_code == 200
    assert_oauth_error(post_token(emu, rsa_account.assertion(emu.url, now=clock.now)), "invalid_client")
    assert details(emu) == ["mapping revoked"]
    assert post_token(emu, new.assertion(emu.url, now=clock.now)).status_code == 200


def test_control_api_refuses_bad_mappings(emu, rsa_account):
    def add(realm, body):
        return requests.post(emu.url + "/__emulator/m2m/certificates", params={"realm": realm}, json=body, timeout=5)
    small = generate_key_of_size(2048)
    assert "3072 or 4096 bits, not 2048" in add(rsa_account.account_id, {
        "certificate_id": certificate_id(), "certificate": self_signed_certificate(small)}).json()["error"]
    assert add(rsa_account.account_id, {"certificate_id": "x", "certificate": "not a pem"}).status_code == 400
    assert add("9999999", {"certificate_id": "x", "certificate": rsa_account.certificate_pem}).status_code == 400
    assert requests.post(emu.url + "/__emulator/m2m/revoke", params={"realm": rsa_account.account_id},
                         json={"certificate_id": "never-mapped"}, timeout=5).status_code == 400
    with pytest.raises(ValueError, match="not mapped"):
        emu.revoke_certificate(rsa_account.account_id, "never-mapped")


def generate_key_of_size(bits):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@pytest.mark.parametrize("m2m_config, message", [
    ({"client_id": "c", "certificates": {}, "extra": 1}, "m2m.extra"),
    ({"certificates": {}}, "m2m.client_id"),
    ({"client_id": "c", "certificates": {"id": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"}},
     r"m2m.certificates\[id\]"),
    ({"client_id": "c", "certificates": {}, "scopes": ["email"]}, "m2m.scopes"),
    ({"client_id": "c", "certificates": {}, "revoked_certificates": ["id"]}, "m2m.revoked_certificates"),
])
def test_account_validation(m2m_config, message):
    with pytest.raises(ValueError, match=message):
        NetSuiteEmulator(accounts=[{"account_id": "1234567", "m2m": m2m_config}])


def test_partial_tba_credentials_are_still_refused(rsa_account):
    account = dict(rsa_account.emulator_account(), consumer_key="a" * 64)
    with pytest.raises(ValueError, match="consumer_secret, token_id, token_secret"):
        NetSuiteEmulator(accounts=[account])


# --- accounts, hosts and the logs --------------------------------------------------------------------

def test_account_with_both_tba_and_m2m(rsa_account, clock):
    tba = token_values()
    account = rsa_account.emulator_account(**tba)
    with NetSuiteEmulator(accounts=[account], clock=clock) as emu:
        signed = OAuth1(tba["consumer_key"], tba["consumer_secret"], tba["token_id"], tba["token_secret"],
                        signature_method="HMAC-SHA256", realm=rsa_account.account_id)
        assert requests.get(emu.url + SERVER_TIME_PATH, auth=signed, timeout=5).status_code == 200
        assert bearer_get(emu, get_token(emu, rsa_account, now=clock.now)).status_code == 200


def test_m2m_only_account_has_no_tba(emu, rsa_account):
    tba = token_values()
    signed = OAuth1(tba["consumer_key"], tba["consumer_secret"], tba["token_id"], tba["token_secret"],
                    signature_method="HMAC-SHA256", realm=rsa_account.account_id)
    assert_invalid_login(requests.get(emu.url + SERVER_TIME_PATH, auth=signed, timeout=5))
    assert details(emu) == ["consumer_key_unknown"]


def test_host_name_picks_the_account_as_on_netsuite(rsa_account, clock):
    """On NetSuite the host names the account; on 127.0.0.1 the emulator falls back to iss and kid."""
    first, second = variant(rsa_account), variant(rsa_account, client_id=client_id())
    with NetSuiteEmulator(accounts=[first.emulator_account(), second.emulator_account()], clock=clock) as emu:
        port = emu.url.rsplit(":", 1)[1]

        def host_of(account):
            return "%s.localhost:%s" % (account.account_id.lower().replace("_", "-"), port)

        def as_host(account, host):
            url = "http://" + host
            return post_token(emu, account.assertion(url, now=clock.now), headers={"Host": host})

        response = as_host(first, host_of(first))
        assert response.status_code == 200, details(emu)
        token = response.json()["access_token"]
        assert bearer_get(emu, token, headers={"Host": host_of(first)}).status_code == 200
        assert_invalid_login(bearer_get(emu, token, headers={"Host": host_of(second)}))
        assert_oauth_error(as_host(first, host_of(second)), "invalid_client")  # first's client ID at second's host
        assert_oauth_error(as_host(first, "9999999.localhost:" + port), "invalid_client")
        assert details(emu) == ["access token of another account", "iss unknown", "no account for this host name"]
        assert [a["account_id"] for a in emu.audit_trail()] == [second.account_id, second.account_id, None]
        # Both accounts on the shared address: told apart by iss.
        assert get_token(emu, second, now=clock.now)


def test_one_token_request_and_one_server_time_are_logged_without_secrets(emu, rsa_account, clock, capfd):
    assertion = rsa_account.assertion(emu.url, now=clock.now)
    token = post_token(emu, assertion).json()["access_token"]
    assert bearer_get(emu, token).status_code == 200
    post_token(emu, rsa_account.assertion(emu.url, kid=certificate_id(), now=clock.now))
    bearer_get(emu, token + "x")
    logged = emu.requests(rsa_account.account_id)
    assert [(r["method"], r["path"], r["status"]) for r in logged] == [
        ("POST", TOKEN_PATH, 200), ("GET", SERVER_TIME_PATH, 200), ("POST", TOKEN_PATH, 400)]
    assert all(r["realm"] is None and r["nonce"] is None for r in logged)
    exposed = json.dumps([emu.requests(), emu.audit_trail(),
                          requests.get(emu.url + "/__emulator/requests", timeout=5).text,
                          requests.get(emu.url + "/__emulator/audit", timeout=5).text])
    exposed += "".join(capfd.readouterr())
    body = "".join(rsa_account.private_key_pem.splitlines()[1:-1])
    for secret in (rsa_account.client_id, assertion, assertion.split(".")[2], token, body[100:132]):
        assert secret not in exposed


def test_cli_serves_m2m_accounts(tmp_path, accounts):
    account = accounts("ec-p256")
    accounts_file = tmp_path / "accounts.json"
    accounts_file.write_text(json.dumps([account.emulator_account()]))
    url_file = tmp_path / "url"
    proc = subprocess.Popen([sys.executable, SCRIPT, "--accounts", str(accounts_file), "--url-file", str(url_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        url = url_file.read_text().strip()
        response = requests.post(url + TOKEN_PATH, data=token_request_form(account.assertion(url)), timeout=5)
        assert response.status_code == 200
        proc.terminate()
        _stdout, stderr = proc.communicate(timeout=5)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr


# --- the test-side helpers ------------------------------------------------------------------------------

def test_helper_key_forms_are_the_same_key(accounts):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    account = accounts("rsa3072")
    pkcs8, pkcs1 = account.private_key_pem, account.pkcs1_private_key_pem()
    assert pkcs8.startswith("-----BEGIN PRIVATE KEY-----") and pkcs1.startswith("-----BEGIN RSA PRIVATE KEY-----")
    passphrase = client_id()
    encrypted = account.encrypted_private_key_pem(passphrase)
    assert encrypted.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):  # needs the passphrase
        load_pem_private_key(encrypted.encode(), None)
    numbers = {load_pem_private_key(pem.encode(), password).private_numbers().d
               for pem, password in ((pkcs8, None), (pkcs1, None), (encrypted, passphrase.encode()))}
    assert numbers == {account.private_key.private_numbers().d}
    assert set(account.module_values()) == {"account_id", "client_id", "certificate_id", "private_key", "certificate"}
    assert len(account.client_id) == 64 and int(account.client_id, 16) >= 0
    assert len(account.certificate_id) == 43 and m2m.b64url_decode(account.certificate_id)


def test_helper_certificate_dates(clock):
    account = expiring_account(10, key_type="ec-p256", now=clock.now)
    certificate = x509.load_pem_x509_certificate(account.certificate_pem.encode())
    assert certificate.not_valid_after_utc.timestamp() == clock.now + 10 * 86400
    assert certificate.not_valid_before_utc.timestamp() == clock.now + (10 - 365) * 86400
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
