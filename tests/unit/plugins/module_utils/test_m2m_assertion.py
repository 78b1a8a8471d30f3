"""The client assertion, checked by a verifier written here from RFC 7515/7518 with cryptography's
primitives, not by PyJWT (which signs it): a shared misreading would otherwise pass unseen."""
import base64
import json
import secrets
from datetime import datetime, timezone

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_assertion import (
    build_client_assertion,
    token_endpoint,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import (
    build_m2m_credentials,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_keygen import (
    generate_key_and_certificate,
)

NOW = 1801742400  # 2027-02-04T12:00:00Z
BASE_URL = "https://1234567-sb1.suitetalk.api.netsuite.com"
TOKEN_URL = BASE_URL + "/services/rest/auth/oauth2/v1/token"
CERTIFICATE_ID = "nX3kH0v4p9Qf2-RjT7sW1yLzB8cD6eGhJmKoPqUvAa0"
HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
# (key type, algorithm): RSA 3072 and 4096 as NetSuite documents, each PS variant, each curve.
CASES = [("rsa3072", "PS256"), ("rsa4096", "PS256"), ("rsa3072", "PS384"), ("rsa3072", "PS512"),
         ("ec-p256", "ES256"), ("ec-p384", "ES384"), ("ec-p521", "ES512")]


@pytest.fixture(scope="module")
def pairs():
    """One key pair per key type for the module: RSA keys take a while to generate."""
    start = datetime.fromtimestamp(NOW - 86400, timezone.utc)
    return {key_type: generate_key_and_certificate(key_type=key_type, common_name="ci-m2m", now=start)
            for key_type in sorted({key_type for key_type, dummy in CASES})}


@pytest.fixture(scope="module")
def credentials_for(pairs):
    """credentials_for(key_type, algorithm=None, scopes=...) -> M2mCredentials, built once per
    combination: loading an RSA 4096 key checks it, which takes over half a second."""
    built = {}

    def build(key_type, algorithm=None, scopes=("rest_webservices",)):
        wanted = (key_type, algorithm, tuple(scopes))
        if wanted not in built:
            key_pem, certificate_pem = pairs[key_type]
            values = {"account_id": "1234567_SB1", "client_id": secrets.token_hex(32),
                      "certificate_id": CERTIFICATE_ID, "private_key": key_pem, "certificate": certificate_pem}
            built[wanted] = build_m2m_credentials(values, algorithm=algorithm, scopes=scopes, now=NOW)[0]
        return built[wanted]
    return build


def b64url_decode(text):
    assert "=" not in text and "+" not in text and "/" not in text  # JWS: base64url without padding
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_jws(token, public_key):
    """(header, claims) of a compact JWS whose signature ``public_key`` verifies; raises otherwise."""
    encoded_header, encoded_claims, encoded_signature = token.split(".")
    header = json.loads(b64url_decode(encoded_header))
    claims = json.loads(b64url_decode(encoded_claims))
    signing_input = (encoded_header + "." + encoded_claims).encode("ascii")
    signature = b64url_decode(encoded_signature)
    family, size = header["alg"][:2], header["alg"][2:]
    digest = HASHES[size]()
    if family == "PS":
        # RFC 7518 3.5: RSASSA-PSS, MGF1 with the same hash, salt as long as the hash.
        assert isinstance(public_key, rsa.RSAPublicKey)
        public_key.verify(signature, signing_input,
                          padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size), digest)
    elif family == "ES":
        # RFC 7518 3.4: R || S, each as long as the curve's order in bytes, not DER.
        assert isinstance(public_key, ec.EllipticCurvePublicKey)
        half = (public_key.curve.key_size + 7) // 8
        assert len(signature) == 2 * half
        r, s = int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
        public_key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(digest))
    else:
        raise AssertionError("unexpected alg")
    return header, claims


def public_key_of(credentials):
    """From the certificate, as NetSuite verifies: the one uploaded for the mapping."""
    return x509.load_pem_x509_certificate(credentials.certificate_pem.encode()).public_key()


@pytest.mark.parametrize("key_type, algorithm", CASES)
def test_assertion_verifies_independently_with_exactly_the_documented_fields(credentials_for, key_type, algorithm):
    credentials = credentials_for(key_type, algorithm)
    token = build_client_assertion(credentials, TOKEN_URL, now=NOW)
    header, claims = verify_jws(token, public_key_of(credentials))
    assert header == {"alg": algorithm, "typ": "JWT", "kid": CERTIFICATE_ID}
    assert claims == {"iss": credentials.client_id, "scope": "rest_webservices", "aud": TOKEN_URL,
                      "iat": NOW, "exp": NOW + 300}


def test_default_algorithm_comes_from_the_key(credentials_for):
    for key_type, algorithm in [("rsa4096", "PS256"), ("ec-p384", "ES384")]:
        credentials = credentials_for(key_type)
        header = verify_jws(build_client_assertion(credentials, TOKEN_URL, now=NOW), public_key_of(credentials))[0]
        assert header["alg"] == algorithm


def test_a_changed_claim_or_another_key_fails_the_verifier(credentials_for):
    """The verifier above can fail: otherwise the known-answer test proves nothing."""
    credentials = credentials_for("ec-p256")
    token = build_client_assertion(credentials, TOKEN_URL, now=NOW)
    head, body, signature = token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps(dict(json.loads(b64url_decode(body)), scope="restlets")).encode())
    with pytest.raises(InvalidSignature):
        verify_jws(".".join([head, forged.decode().rstrip("="), signature]), public_key_of(credentials))
    with pytest.raises(InvalidSignature):
        verify_jws(token, ec.generate_private_key(ec.SECP256R1()).public_key())
    rsa_credentials = credentials_for("rsa3072")
    rsa_token = build_client_assertion(rsa_credentials, TOKEN_URL, now=NOW)
    with pytest.raises(InvalidSignature):
        verify_jws(rsa_token, public_key_of(credentials_for("rsa4096")))


def test_both_scopes_are_one_comma_separated_string_in_the_given_order(credentials_for):
    credentials = credentials_for("ec-p256", scopes=["restlets", "rest_webservices"])
    claims = verify_jws(build_client_assertion(credentials, TOKEN_URL, now=NOW), public_key_of(credentials))[1]
    assert claims["scope"] == "restlets,rest_webservices"


@pytest.mark.parametrize("lifetime", [1, 3600])
def test_lifetime_up_to_an_hour(credentials_for, lifetime):
    credentials = credentials_for("ec-p256")
    claims = verify_jws(build_client_assertion(credentials, TOKEN_URL, now=NOW, lifetime_seconds=lifetime),
                        public_key_of(credentials))[1]
    assert claims["exp"] - claims["iat"] == lifetime


@pytest.mark.parametrize("lifetime", [0, -5, 3601, 300.5, True, "300"])
def test_lifetime_netsuite_would_refuse_is_a_value_error(credentials_for, lifetime):
    with pytest.raises(ValueError) as info:
        build_client_assertion(credentials_for("ec-p256"), TOKEN_URL, now=NOW, lifetime_seconds=lifetime)
    assert str(info.value).startswith("lifetime_seconds: must be a whole number of seconds from 1 to 3600")


def test_now_may_be_a_datetime_and_defaults_to_the_clock(credentials_for):
    credentials = credentials_for("ec-p256")
    key = public_key_of(credentials)
    moment = datetime.fromtimestamp(NOW, timezone.utc)
    assert verify_jws(build_client_assertion(credentials, TOKEN_URL, now=moment), key)[1]["iat"] == NOW
    before = int(datetime.now(timezone.utc).timestamp())
    issued = verify_jws(build_client_assertion(credentials, TOKEN_URL), key)[1]["iat"]
    assert before <= issued <= before + 5


def test_each_assertion_differs_only_where_the_signature_is_randomized(credentials_for):
    """PSS and ECDSA signatures are randomized; the signed part is the same for the same second."""
    credentials = credentials_for("rsa3072")
    first, second = (build_client_assertion(credentials, TOKEN_URL, now=NOW) for dummy in range(2))
    assert first.rsplit(".", 1)[0] == second.rsplit(".", 1)[0] and first != second


@pytest.mark.parametrize("base, expected", [
    (BASE_URL, TOKEN_URL),
    (BASE_URL + "/", TOKEN_URL),
    ("http://127.0.0.1:8443//", "http://127.0.0.1:8443/services/rest/auth/oauth2/v1/token"),
])
def test_token_endpoint_under_the_base_url(base, expected):
    assert token_endpoint(base) == expected
