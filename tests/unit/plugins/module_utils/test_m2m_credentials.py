"""Offline validation of OAuth 2.0 M2M credentials: what people paste, what we accept, what we say."""
import os
import re
import secrets
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_layout import PEM_MAX
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import (
    ALGORITHMS,
    M2M_SECRET_FIELDS,
    M2M_STORED_KEYS,
    SCOPES,
    CertificateInfo,
    CredentialInputError,
    M2mCredentials,
    build_m2m_credentials,
    describe_certificate,
    load_stored_m2m,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import build_credentials

NOW = datetime(2027, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
CERTIFICATE_ID = "pvHJZk-siL5h1bm1pqypdH7dblr_ZYCE8gfODaKqAC4"
PASSPHRASE = "correct horse " + secrets.token_urlsafe(24)


def pkcs8(key, password=None):
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def traditional(key, password=None):
    """PKCS#1 for RSA, SEC1 for EC: what older openssl commands write."""
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             encryption).decode()


def certificate_for(key, not_before=NOW - timedelta(days=30), not_after=NOW + timedelta(days=365), cn="ci-m2m"):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Acme")])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after))
    if isinstance(key, rsa.RSAPrivateKey):
        return builder.sign(key, hashes.SHA256(), rsa_padding=padding.PSS(padding.MGF1(hashes.SHA256()), 32))
    return builder.sign(key, None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256())


def pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def keys():
    """Generated once: RSA keys of NetSuite's sizes are slow to make."""
    return {
        "rsa3072": rsa.generate_private_key(65537, 3072),
        "rsa3072-other": rsa.generate_private_key(65537, 3072),
        "p256-other": ec.generate_private_key(ec.SECP256R1()),
        "rsa2048": rsa.generate_private_key(65537, 2048),
        "p256": ec.generate_private_key(ec.SECP256R1()),
        "p384": ec.generate_private_key(ec.SECP384R1()),
        "p521": ec.generate_private_key(ec.SECP521R1()),
        "k256": ec.generate_private_key(ec.SECP256K1()),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
    }


@pytest.fixture(scope="module")
def certificates(keys):
    return {name: pem(certificate_for(keys[name])) for name in ("rsa3072", "p256")}


def values_for(keys, certificates, name):
    return {"account_id": "1234567_SB1", "client_id": secrets.token_hex(32), "certificate_id": CERTIFICATE_ID,
            "private_key": pkcs8(keys[name]), "certificate": certificates[name]}


@pytest.fixture
def values(keys, certificates):
    """An EC key: loading an RSA key checks it, about 0.1 s a time; RSA has its own tests."""
    return values_for(keys, certificates, "p256")


@pytest.fixture
def rsa_values(keys, certificates):
    return values_for(keys, certificates, "rsa3072")


def build(values, **kwargs):
    kwargs.setdefault("now", NOW)
    return build_m2m_credentials(values, **kwargs)


def problems_of(values, **kwargs):
    with pytest.raises(CredentialInputError) as info:
        build(values, **kwargs)
    return info.value.problems


def fragments(secret, size=16):
    """Runs of a secret long enough to identify it; none may appear in a message."""
    text = re.sub(r"-----(BEGIN|END) [A-Z ]+-----|\\n|\s", "", secret)
    assert len(text) >= size
    return {text[i:i + size] for i in range(0, len(text) - size + 1, size // 2)}


def assert_no_secret(texts, *secret_texts):
    joined = "\n".join(texts)
    for secret in secret_texts:
        for fragment in fragments(secret):
            assert fragment not in joined


# --- what works ---------------------------------------------------------------------------------

def test_rsa_credentials_build_with_defaults_and_describe_the_certificate(rsa_values):
    values = rsa_values
    credentials, warnings = build(values)
    assert warnings == []
    assert isinstance(credentials, M2mCredentials) and credentials.auth_type == "m2m"
    assert (credentials.realm, credentials.host_label, credentials.environment) == ("1234567_SB1", "1234567-sb1", "sandbox")
    assert credentials.algorithm == "PS256" and credentials.scopes == ("rest_webservices",)
    info = credentials.certificate
    certificate = x509.load_pem_x509_certificate(values["certificate"].encode())
    assert info == CertificateInfo(
        fingerprint_sha256=":".join("%02X" % b for b in certificate.fingerprint(hashes.SHA256())),
        subject="O=Acme,CN=ci-m2m", not_before="2027-01-30T12:00:00Z", not_after="2028-02-29T12:00:00Z",
        days_left=365, key_type="RSA 3072")
    assert len(info.fingerprint_sha256) == 95
    assert info.to_dict()["days_left"] == 365


@pytest.mark.parametrize("name, key_type, algorithm", [
    ("p256", "EC P-256", "ES256"), ("p384", "EC P-384", "ES384"), ("p521", "EC P-521", "ES512"),
])
def test_ec_keys_choose_the_algorithm_of_their_curve(values, keys, name, key_type, algorithm):
    values.update(private_key=traditional(keys[name]), certificate=pem(certificate_for(keys[name])))
    credentials, warnings = build(values)
    assert (credentials.certificate.key_type, credentials.algorithm, warnings) == (key_type, algorithm, [])


def test_stored_form_is_exactly_the_agreed_layout_with_the_key_as_unencrypted_pkcs8(rsa_values, keys):
    values = rsa_values
    values.update(account_id="https://1234567-sb1.app.netsuite.com/app/center/card.nl",
                  private_key=traditional(keys["rsa3072"], PASSPHRASE), private_key_passphrase=PASSPHRASE)
    credentials, warnings = build(values)
    data = credentials.as_vault_data()
    assert tuple(data) == M2M_STORED_KEYS
    assert data["account_id"] == "1234567_SB1"
    assert data["private_key"].startswith("-----BEGIN PRIVATE KEY-----\n") and data["private_key"].endswith("-----END PRIVATE KEY-----\n")
    assert "\r" not in data["private_key"] and PASSPHRASE not in str(data)
    assert serialization.load_pem_private_key(data["private_key"].encode(), None).private_numbers() == keys["rsa3072"].private_numbers()
    assert data["certificate"] == values["certificate"]
    assert credentials.custom_metadata() == {"auth_type": "m2m", "certificate_not_after": "2028-02-29T12:00:00Z",
                                             "scope": "rest_webservices"}
    assert warnings == [] and "private_key_passphrase" in M2M_SECRET_FIELDS


def test_secret_values_and_repr_hide_the_client_id_and_key(values):
    credentials = build(values)[0]
    client_id, body = credentials.secret_values()
    assert client_id == values["client_id"]
    assert "-----" not in body and body.replace("\n", "") in credentials.private_key_pem.replace("\n", "")
    shown = repr(credentials)
    assert values["client_id"] not in shown and "PRIVATE" not in shown
    assert_no_secret([shown], credentials.private_key_pem)


def test_tba_credentials_carry_the_same_interface(values):
    tba = build_credentials({"account_id": "1234567", "consumer_key": secrets.token_hex(32), "consumer_secret": secrets.token_hex(32),
                             "token_id": secrets.token_hex(32), "token_secret": secrets.token_hex(32)})[0]
    assert tba.auth_type == "tba" and tba.custom_metadata() == {"auth_type": "tba"}
    assert tba.matches_stored(tba.as_vault_data())
    assert not tba.matches_stored(dict(tba.as_vault_data(), token_id=secrets.token_hex(32)))
    assert not tba.matches_stored(None)


# --- certificate dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("left, days_left", [
    (timedelta(days=10) - timedelta(seconds=1), 9), (timedelta(days=10), 10), (timedelta(hours=23), 0),
])
def test_days_left_are_whole_days_rounded_down(values, keys, left, days_left):
    values["certificate"] = pem(certificate_for(keys["p256"], not_after=NOW + left))
    credentials, warnings = build(values, min_days_left=0)
    assert credentials.certificate.days_left == days_left and warnings == []


def test_few_days_left_warns_with_the_date(values, keys):
    values["certificate"] = pem(certificate_for(keys["p256"], not_after=NOW + timedelta(days=10, hours=2)))
    credentials, warnings = build(values)
    assert warnings == ["certificate: expires in 10 days (2027-03-11T14:00:00Z), fewer than min_days_left=30; rotate it "
                        "before then"]
    assert build(values, min_days_left=10)[1] == [] and build(values, min_days_left=None)[1] == []


def test_fewer_days_than_fail_days_left_fail(values, keys):
    values["certificate"] = pem(certificate_for(keys["p256"], not_after=NOW + timedelta(days=10, hours=2)))
    assert problems_of(values, fail_days_left=14) == (
        "certificate: has 10 days left (expires 2027-03-11T14:00:00Z), fewer than fail_days_left=14; rotate it",)


def test_expired_certificate_always_fails_as_expired(values, keys):
    values["certificate"] = pem(certificate_for(keys["p256"], not_after=NOW - timedelta(seconds=1)))
    expected = ("certificate: expired on 2027-03-01T11:59:59Z; generate a new key and certificate and upload the "
                "certificate in OAuth 2.0 Client Credentials (M2M) Setup",)
    assert problems_of(values) == expected
    assert problems_of(values, fail_days_left=None, min_days_left=None) == expected


def test_certificate_not_valid_yet_fails(values, keys):
    values["certificate"] = pem(certificate_for(keys["p256"], not_before=NOW + timedelta(hours=1)))
    assert problems_of(values) == ("certificate: is not valid yet (valid from 2027-03-01T13:00:00Z); check the clock "
                                   "here and the certificate's dates",)


def test_now_may_be_epoch_seconds_or_a_naive_utc_datetime(values):
    assert build(values, now=NOW.timestamp())[0].certificate.days_left == 365
    assert build(values, now=NOW.replace(tzinfo=None))[0].certificate.days_left == 365


def test_validity_longer_than_netsuite_keeps_warns(values, keys):
    values["certificate"] = pem(certificate_for(keys["p256"], not_after=NOW + timedelta(days=3 * 365)))
    assert build(values)[1] == ["certificate: is valid for 1125 days; NetSuite cuts validity to 2 years from the upload, "
                                "so it stops working before its end date"]


# --- keys --------------------------------------------------------------------------------------------

def test_certificate_of_another_key_is_refused(values, keys):
    values["certificate"] = pem(certificate_for(keys["p256-other"]))
    assert problems_of(values) == ("certificate: does not belong to private_key (its public key is a different one); "
                                   "give the certificate made from this key",)


@pytest.mark.parametrize("name, problem", [
    ("rsa2048", "private_key: an RSA key of 2048 bits is too small; NetSuite needs RSA of 3072 or 4096 bits, or EC "
                "P-256, P-384 or P-521"),
    ("k256", "private_key: EC curve secp256k1 is not accepted; NetSuite needs RSA of 3072 or 4096 bits, or EC P-256, "
             "P-384 or P-521"),
    ("ed25519", "private_key: Ed25519 keys are not accepted; NetSuite needs RSA of 3072 or 4096 bits, or EC P-256, "
                "P-384 or P-521"),
])
def test_keys_netsuite_refuses_are_refused_naming_the_rule(values, keys, name, problem):
    values.update(private_key=pkcs8(keys[name]), certificate=pem(certificate_for(keys[name])))
    problems = problems_of(values)
    assert problems == (problem,)
    assert_no_secret(problems, values["private_key"])


@pytest.mark.parametrize("name", ["rsa3072", "p256"])
@pytest.mark.parametrize("form", [pkcs8, traditional])
def test_encrypted_keys_open_with_their_passphrase(keys, certificates, form, name):
    values = values_for(keys, certificates, name)
    values.update(private_key=form(keys[name], PASSPHRASE), private_key_passphrase=PASSPHRASE)
    credentials, warnings = build(values)
    assert warnings == [] and "ENCRYPTED" not in credentials.private_key_pem


@pytest.mark.parametrize("name", ["rsa3072", "p256"])
@pytest.mark.parametrize("form", [pkcs8, traditional])
def test_encrypted_key_without_passphrase_or_with_a_wrong_one_fails(keys, certificates, form, name):
    values = values_for(keys, certificates, name)
    values["private_key"] = form(keys[name], PASSPHRASE)
    assert problems_of(values) == ("private_key: is encrypted; give private_key_passphrase",)
    values["private_key_passphrase"] = "wrong " + secrets.token_urlsafe(16)
    problems = problems_of(values)
    assert problems == ("private_key_passphrase: does not open private_key (wrong passphrase, or the key is damaged)",)
    assert values["private_key_passphrase"] not in str(problems) and PASSPHRASE not in str(problems)


def test_passphrase_with_a_trailing_newline_still_opens_the_key_with_a_warning(values, keys):
    values.update(private_key=pkcs8(keys["p256"], PASSPHRASE), private_key_passphrase=PASSPHRASE + "\n",
                  certificate=pem(certificate_for(keys["p256"])))
    credentials, warnings = build(values)
    assert warnings == ["private_key_passphrase: removed leading/trailing whitespace or invisible characters (check how "
                        "the value was copied)"]


def test_passphrase_for_an_unencrypted_key_is_ignored_with_a_warning(values):
    values["private_key_passphrase"] = PASSPHRASE
    assert build(values)[1] == ["private_key_passphrase: ignored, private_key is not encrypted"]
    values["private_key_passphrase"] = ""
    assert build(values)[1] == []


# --- PEM text as people paste it -------------------------------------------------------------------

DEBRIS = {
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "indented": lambda text: textwrap.indent(text, "    "),
    "surrounding-blanks": lambda text: "\n \t\n" + text + "\n\n  ",
    "byte-order-mark": lambda text: "\ufeff" + text,
    "zero-width-space": lambda text: text.replace("\n", "\u200b\n", 3),
    "escaped-newlines": lambda text: text.replace("\n", "\\n"),
    "one-line-with-spaces": lambda text: " ".join(text.split("\n")),
    "trailing-spaces": lambda text: text.replace("\n", "  \n"),
}


@pytest.mark.parametrize("debris", sorted(DEBRIS))
@pytest.mark.parametrize("field", ["private_key", "certificate"])
def test_pem_paste_debris_is_removed_with_a_warning_naming_the_field(values, field, debris):
    original = build(values)[0]
    values[field] = DEBRIS[debris](values[field])
    credentials, warnings = build(values)
    assert warnings == ["%s: removed whitespace, line-break debris or invisible characters from the PEM text (check "
                        "how the value was copied)" % field]
    assert credentials.as_vault_data() == original.as_vault_data()
    assert_no_secret(warnings, values["private_key"])


@pytest.mark.parametrize("tidy", [
    lambda text: text.rstrip("\n"),
    lambda text: text,
    lambda text: "subject=CN = ci-m2m\nissuer=CN = ci-m2m\n" + text,
], ids=["no-final-newline", "as-written", "openssl-x509-preamble"])
def test_tidy_pem_text_gives_no_debris_warning(values, tidy):
    values["certificate"] = tidy(values["certificate"])
    warnings = build(values)[1]
    assert all("debris" not in warning for warning in warnings)


def test_text_around_the_pem_block_is_ignored_with_a_warning(values):
    values["certificate"] = "subject=CN = ci-m2m\n" + values["certificate"]
    assert build(values)[1] == ["certificate: ignored text outside the PEM block(s)"]


def test_ec_parameters_written_by_openssl_ecparam_are_skipped_silently(values, keys):
    parameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
    values.update(private_key=parameters + traditional(keys["p256"]), certificate=pem(certificate_for(keys["p256"])))
    credentials, warnings = build(values)
    assert warnings == [] and credentials.algorithm == "ES256"


def test_not_a_pem_is_refused_without_quoting_it(values):
    values["private_key"] = secrets.token_hex(32)
    values["certificate"] = "MII" + secrets.token_urlsafe(600)
    problems = problems_of(values)
    assert problems == ("private_key: must be a PEM private key (-----BEGIN PRIVATE KEY----- ...)",
                        "certificate: must be a PEM X.509 certificate (-----BEGIN CERTIFICATE----- ...)")
    assert_no_secret(problems, values["private_key"], values["certificate"])


def test_swapped_key_and_certificate_are_named_and_the_key_is_not_quoted(values):
    values["private_key"], values["certificate"] = values["certificate"], values["private_key"]
    problems = problems_of(values)
    assert problems == (
        "private_key: must be a PEM private key (-----BEGIN PRIVATE KEY----- ...), not a certificate",
        "certificate: holds a private key; give only the public certificate (the key goes in private_key)")
    assert_no_secret(problems, values["certificate"])


def test_certificate_bundle_is_refused_netsuite_takes_one(values, keys):
    values["certificate"] += pem(certificate_for(keys["p256"]))
    assert problems_of(values) == ("certificate: holds 2 certificates; NetSuite takes exactly one per mapping, so give "
                                   "only the certificate uploaded in OAuth 2.0 Client Credentials (M2M) Setup",)


def test_key_file_with_the_certificate_appended_is_refused(values):
    values["private_key"] += values["certificate"]
    assert problems_of(values) == ("private_key: holds 2 PEM blocks; give only the private key (the certificate goes in "
                                   "certificate)",)


def test_certificate_signing_request_is_named(values, keys):
    request = (x509.CertificateSigningRequestBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")]))
               .sign(keys["p256"], hashes.SHA256()))
    values["certificate"] = request.public_bytes(serialization.Encoding.PEM).decode()
    assert problems_of(values) == ("certificate: must be a PEM X.509 certificate (-----BEGIN CERTIFICATE----- ...), not a "
                                   "certificate signing request",)


@pytest.mark.parametrize("damage, problem", [
    (lambda text: text[:len(text) // 2], "holds an incomplete PEM block (a BEGIN line without its END line); copy the "
                                         "whole file again"),
    (lambda text: text.replace("-----END PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"),
     "holds a damaged PEM block (BEGIN and END lines differ or the body is not base64); copy the whole file again"),
    (lambda text: text.replace("\n", "\n%", 3),
     "holds a damaged PEM block (BEGIN and END lines differ or the body is not base64); copy the whole file again"),
    (lambda text: "\n".join(text.split("\n")[:3] + text.split("\n")[-3:]),
     "is not a readable private key (damaged, incomplete, or of a kind this cryptography library cannot read)"),
], ids=["cut-off", "labels-differ", "not-base64", "lines-missing"])
def test_damaged_keys_say_so_without_quoting(rsa_values, damage, problem):
    values = rsa_values
    secret = values["private_key"]
    values["private_key"] = damage(secret)
    problems = problems_of(values)
    assert problems == ("private_key: " + problem,)
    assert_no_secret(problems, secret)


def test_damaged_certificate_says_so(values):
    lines = values["certificate"].split("\n")
    values["certificate"] = "\n".join(lines[:2] + lines[4:])
    assert problems_of(values) == ("certificate: is not a readable X.509 certificate (damaged or incomplete); copy the "
                                   "whole file again",)


def test_openssh_key_gets_a_conversion_hint(values, keys):
    values["private_key"] = keys["p256"].private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                                       serialization.NoEncryption()).decode()
    problems = problems_of(values)
    assert problems[0].startswith("private_key: is an OpenSSH private key; convert a copy to PEM")
    assert_no_secret(problems, values["private_key"])


@pytest.mark.parametrize("value, problem", [
    (None, "private_key: is required"),
    ("", "private_key: must not be empty"),
    (" \n\t", "private_key: must not be empty"),
    ({"pem": "x"}, "private_key: must be PEM text, not a dictionary"),
    (["x"], "private_key: must be PEM text, not a list"),
    (True, "private_key: must be PEM text, not a boolean"),
    (b"\x30\x82\xff\xfe", "private_key: must be PEM text, not binary (DER) data"),
    ("A" * (PEM_MAX + 1), "private_key: must be at most 16384 characters (got 16385)"),
])
def test_pem_values_of_the_wrong_type_or_size(values, value, problem):
    values["private_key"] = value
    assert problems_of(values) == (problem,)


# --- IDs, algorithm, scope ---------------------------------------------------------------------------

# Fixed values: pytest-xdist workers must collect the same test IDs.
@pytest.mark.parametrize("client_id, problem", [
    ("c1a4d61c69fadc766dee5e892009c83203de97010694b2e6a1a9ec60b65ef9",
     "client_id: expected 64 hexadecimal characters as NetSuite shows them (got 62 characters)"),
    ("PWyudmWndL-czmCYF7dI8s2NFSDbP-STiNFwhI2-K1R2Ubob3NmvwxomI4roz_Kz",
     "client_id: expected 64 hexadecimal characters as NetSuite shows them (got 64 characters, not all hexadecimal)"),
    (None, "client_id: is required"),
], ids=["62 hex", "64 not hex", "missing"])
def test_client_id_is_64_hex_characters(values, client_id, problem):
    values["client_id"] = client_id
    problems = problems_of(values)
    assert problems == (problem,)
    if client_id:
        assert client_id not in problems[0]


def test_client_id_keeps_its_case_and_loses_paste_debris_with_a_warning(values):
    client_id = secrets.token_hex(32).upper()
    values["client_id"] = " %s\u200b\n" % client_id
    credentials, warnings = build(values)
    assert credentials.client_id == client_id
    assert warnings == ["client_id: removed leading/trailing whitespace or invisible characters (check how the value was "
                        "copied)"]


@pytest.mark.parametrize("certificate_id", ["a" * 129, "caf\u00e9-id", "two words"])
def test_certificate_id_is_short_printable_ascii(values, certificate_id):
    values["certificate_id"] = certificate_id
    problem = problems_of(values)[0]
    assert problem.startswith("certificate_id: must ")
    assert certificate_id not in problem


def test_certificate_id_bad_form_message(values):
    values["certificate_id"] = "a" * 129
    assert problems_of(values) == ("certificate_id: must be the Certificate ID shown in OAuth 2.0 Client Credentials (M2M) "
                                   "Setup: printable ASCII without spaces, at most 128 characters",)


def test_the_same_value_in_two_fields_is_refused(values):
    values["certificate_id"] = values["client_id"].upper()
    assert problems_of(values) == ("client_id and certificate_id: hold the same value; one was probably pasted into the "
                                   "wrong field",)


@pytest.mark.parametrize("algorithm, expected", [("PS384", "PS384"), ("ps512", "PS512"), (" PS256 ", "PS256"), (None, "PS256")])
def test_explicit_rsa_algorithm(rsa_values, algorithm, expected):
    assert build(rsa_values, algorithm=algorithm)[0].algorithm == expected


@pytest.mark.parametrize("algorithm", ["RS256", "RS512", "HS256", "none", "EdDSA"])
def test_algorithms_netsuite_refuses_are_refused(values, algorithm):
    assert problems_of(values, algorithm=algorithm) == (
        "algorithm: NetSuite accepts only PS256/384/512 and ES256/384/512 (RS256 and the other PKCS#1 v1.5, HMAC and "
        "'none' algorithms are refused)",)


def test_algorithm_must_fit_the_key(rsa_values, keys):
    values = rsa_values
    assert problems_of(values, algorithm="ES256") == (
        "algorithm: ES256 does not fit private_key (RSA 3072; use PS256, PS384 or PS512)",)
    values.update(private_key=pkcs8(keys["p256"]), certificate=pem(certificate_for(keys["p256"])))
    assert problems_of(values, algorithm="ES384") == ("algorithm: ES384 does not fit private_key (EC P-256; use ES256)",)
    assert problems_of(values, algorithm="PS256") == ("algorithm: PS256 does not fit private_key (EC P-256; use ES256)",)
    assert set(ALGORITHMS) == {"PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}


@pytest.mark.parametrize("scopes, expected", [
    (("rest_webservices",), ("rest_webservices",)),
    (["restlets", "rest_webservices", "restlets"], ("restlets", "rest_webservices")),
    ("rest_webservices,restlets", ("rest_webservices", "restlets")),
    ("restlets", ("restlets",)),
    (None, ("rest_webservices",)),
])
def test_scopes_keep_order_without_duplicates(values, scopes, expected):
    assert build(values, scopes=scopes)[0].scopes == expected


@pytest.mark.parametrize("scopes, problem", [
    ([], "scope: must name at least one of rest_webservices, restlets"),
    (["suite_analytics"], "scope: each entry must be one of rest_webservices, restlets"),
    (["rest_webservices", 3], "scope: each entry must be one of rest_webservices, restlets"),
    ({"restlets": True}, "scope: must be a list of rest_webservices, restlets"),
])
def test_bad_scopes_are_refused(values, scopes, problem):
    assert problems_of(values, scopes=scopes) == (problem,)
    assert SCOPES == ("rest_webservices", "restlets")


def test_environment_must_match_the_account_as_for_tba(values):
    assert problems_of(values, environment="production") == (
        "environment: account_id 1234567_SB1 is a sandbox account, not production; fix account_id or environment",)


def test_every_problem_is_reported_at_once_and_no_value_is_echoed(values):
    bad = {"account_id": "ACME", "client_id": "x" + secrets.token_hex(20), "certificate_id": "has space",
           "private_key": values["certificate"], "certificate": values["private_key"]}
    problems = problems_of(bad, algorithm="RS256")
    assert [p.split(":")[0] for p in problems] == ["account_id", "client_id", "certificate_id", "private_key",
                                                   "certificate", "algorithm"]
    assert_no_secret(problems, values["private_key"])
    assert bad["client_id"] not in str(problems)


# --- stored secrets ------------------------------------------------------------------------------------

def test_stored_secrets_are_named_by_their_keys(values):
    values["private_key"] = values["private_key"][:200]
    values["client_id"] = "nothex"
    with pytest.raises(CredentialInputError) as info:
        load_stored_m2m(values, now=NOW)
    assert [p.split(":")[0] for p in info.value.problems] == ["stored key 'client_id'", "stored key 'private_key'"]


def test_stored_round_trip_loads_unchanged(values):
    credentials = build(values)[0]
    again, warnings = load_stored_m2m(credentials.as_vault_data(), now=NOW)
    assert again == credentials and warnings == []
    with pytest.raises(CredentialInputError):
        load_stored_m2m(None, now=NOW)


def test_stored_secret_with_an_expired_certificate_is_read_and_reported_not_refused(values, keys):
    values["certificate"] = pem(certificate_for(keys["p256"], not_after=NOW - timedelta(hours=1)))
    credentials, warnings = load_stored_m2m(values, now=NOW)
    assert credentials.certificate.days_left == -1 and warnings == []
    values["certificate"] = pem(certificate_for(keys["p256"], not_after=NOW + timedelta(days=3)))
    assert load_stored_m2m(values, now=NOW)[1] == []
    with pytest.raises(CredentialInputError) as info:
        load_stored_m2m(values, now=NOW, check_validity=True, fail_days_left=7)
    assert info.value.problems[0].startswith("stored key 'certificate': has 3 days left")


@pytest.mark.parametrize("name, key_type", [("rsa3072", "RSA 3072"), ("p256", "EC P-256"), ("k256", "EC secp256k1"),
                                            ("ed25519", "Ed25519")])
def test_describe_certificate_alone(keys, name, key_type):
    certificate = certificate_for(keys[name], not_after=NOW - timedelta(days=2, hours=1))
    info = describe_certificate(DEBRIS["crlf"](pem(certificate)), now=NOW)
    assert (info.key_type, info.days_left, info.not_after) == (key_type, -3, "2027-02-27T11:00:00Z")
    assert info.fingerprint_sha256 == ":".join("%02X" % b for b in certificate.fingerprint(hashes.SHA256()))


def test_describe_certificate_refuses_what_is_not_one_certificate(values, keys):
    with pytest.raises(CredentialInputError) as info:
        describe_certificate(values["private_key"])
    assert info.value.problems == ("certificate: holds a private key; give only the public certificate (the key goes in "
                                   "private_key)",)
    assert_no_secret(info.value.problems, values["private_key"])
    with pytest.raises(CredentialInputError) as info:
        describe_certificate(values["certificate"] * 2, name="certificate_file")
    assert info.value.problems[0].startswith("certificate_file: holds 2 certificates")


def stored_variants(key, data):
    return {
        "pkcs1-or-sec1": dict(data, private_key=traditional(key)),
        "crlf": dict(data, private_key=data["private_key"].replace("\n", "\r\n"),
                     certificate=data["certificate"].replace("\n", "\r\n")),
        "no-final-newline": dict(data, certificate=data["certificate"].rstrip("\n")),
        "account-as-url-label": dict(data, account_id="1234567-sb1"),
    }


@pytest.mark.parametrize("name", ["rsa3072", "p256"])
def test_the_same_credentials_in_other_spellings_match(keys, certificates, name):
    credentials = build(values_for(keys, certificates, name))[0]
    data = credentials.as_vault_data()
    assert credentials.matches_stored(data)
    for name, variant in stored_variants(keys[name], data).items():
        assert credentials.matches_stored(variant), name


@pytest.mark.parametrize("form", [pkcs8, traditional])
def test_encrypted_or_crlf_input_matches_what_was_stored(rsa_values, keys, form):
    values = rsa_values
    stored = build(values)[0].as_vault_data()
    values.update(private_key=form(keys["rsa3072"], PASSPHRASE).replace("\n", "\r\n"), private_key_passphrase=PASSPHRASE)
    assert build(values)[0].matches_stored(stored)


def test_anything_different_does_not_match(values, keys):
    credentials = build(values)[0]
    data = credentials.as_vault_data()
    other_key = keys["rsa3072-other"]
    different = {
        "certificate_id": dict(data, certificate_id="other-" + CERTIFICATE_ID),
        "client_id": dict(data, client_id=secrets.token_hex(32)),
        "client_id-case": dict(data, client_id=data["client_id"].upper()),
        "account": dict(data, account_id="1234567"),
        "key": dict(data, private_key=pkcs8(other_key)),
        "certificate-same-key": dict(data, certificate=pem(certificate_for(keys["p256"]))),
        "certificate-and-key": dict(data, private_key=pkcs8(other_key), certificate=pem(certificate_for(other_key))),
        "extra-key": dict(data, token_secret="x"),
        "missing-key": {k: v for k, v in data.items() if k != "certificate"},
        "stored-encrypted": dict(data, private_key=pkcs8(keys["p256"], PASSPHRASE)),
    }
    for name, variant in different.items():
        assert not credentials.matches_stored(variant), name


DAMAGED_KEY = "-----BEGIN PRIVATE KEY-----\nMIIBAAAA\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize("spoil", [
    lambda good: None,
    lambda good: "text",
    lambda good: [good],
    lambda good: {},
    lambda good: {"account_id": good["account_id"]},
    lambda good: dict(good, private_key=DAMAGED_KEY),
    lambda good: dict(good, certificate="\x00\xff" + secrets.token_urlsafe(40)),
    lambda good: dict(good, certificate=good["certificate"].replace("\n", "\nQQ", 1)),
    lambda good: dict(good, account_id="https://evil.example.com"),
    lambda good: dict(good, certificate_id=12),
    lambda good: dict(good, private_key=None),
    lambda good: dict(good, private_key=good["private_key"] + good["private_key"]),
], ids=["none", "text", "list", "empty", "account-only", "damaged-key", "binary-certificate", "damaged-certificate",
        "bad-account", "number", "null-key", "two-keys"])
def test_malformed_stored_data_never_matches_and_never_raises(values, spoil):
    credentials = build(values)[0]
    assert credentials.matches_stored(spoil(credentials.as_vault_data())) is False


# --- without the libraries ------------------------------------------------------------------------------

def run_without(modules, code):
    """Run ``code`` in a fresh interpreter where importing ``modules`` fails."""
    prelude = "import sys\n" + "".join("sys.modules[%r] = None\n" % name for name in modules)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], env=env, capture_output=True, check=False,
                          text=True, timeout=60)


def test_modules_import_without_cryptography_and_pyjwt_and_say_what_to_install():
    result = run_without(["cryptography", "jwt"], """
        from ansible_collections.netsuite_ops.credentials.plugins.module_utils import (
            _m2m_assertion, _m2m_credentials, _m2m_keygen)
        from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import M2mDependencyError
        for call in (lambda: _m2m_credentials.build_m2m_credentials({}),
                     lambda: _m2m_keygen.generate_key_and_certificate(common_name="x"),
                     lambda: _m2m_assertion.build_client_assertion(None, "https://x")):
            try:
                call()
            except M2mDependencyError as exc:
                print(exc)
        """)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all("pip install cryptography PyJWT" in line for line in lines)
    assert "library cryptography" in lines[0] and "library PyJWT" in lines[2]


def test_a_stored_key_loads_without_the_rsa_consistency_check_and_scopes_come_from_metadata(values):
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import load_stored
    stored, _warnings = build_m2m_credentials(values, now=NOW)
    seen = []
    loaded, _warnings = load_stored(stored.as_vault_data(), "m2m", seen.extend,
                                    {"scope": "restlets,rest_webservices"})
    assert loaded.scopes == ("restlets", "rest_webservices")
    assert loaded.matches_stored(stored.as_vault_data())
    assert values["client_id"] in seen
