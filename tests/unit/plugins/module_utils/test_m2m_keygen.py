"""Key pairs generated on the controller: what NetSuite accepts, and what build_m2m_credentials accepts."""
import secrets
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID, SignatureAlgorithmOID

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import (
    build_m2m_credentials,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_keygen import (
    KEY_TYPES,
    generate_key_and_certificate,
)

NOW = datetime(2027, 1, 15, 9, 30, 0, tzinfo=timezone.utc)
EXPECTED = {
    "rsa3072": ("RSA 3072", "PS256", hashes.SHA256), "rsa4096": ("RSA 4096", "PS256", hashes.SHA256),
    "ec-p256": ("EC P-256", "ES256", hashes.SHA256), "ec-p384": ("EC P-384", "ES384", hashes.SHA384),
    "ec-p521": ("EC P-521", "ES512", hashes.SHA512),
}


@pytest.fixture(scope="module")
def generated():
    """One pair per key type for the whole module (RSA generation takes up to a second)."""
    return {key_type: generate_key_and_certificate(key_type=key_type, valid_days=730, common_name="1234567_SB1 ci-sync",
                                                   organization="Acme Corp", now=NOW)
            for key_type in KEY_TYPES}


def validity(certificate):
    """(not_before, not_after), aware UTC, on cryptography 41 (the oldest supported) as on 42+."""
    if hasattr(certificate, "not_valid_before_utc"):
        return certificate.not_valid_before_utc, certificate.not_valid_after_utc
    return (certificate.not_valid_before.replace(tzinfo=timezone.utc),
            certificate.not_valid_after.replace(tzinfo=timezone.utc))


def load(pair):
    key_pem, certificate_pem = pair
    return (serialization.load_pem_private_key(key_pem.encode(), None),
            x509.load_pem_x509_certificate(certificate_pem.encode()))


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_generated_pair_loads_as_credentials_without_warnings(generated, key_type):
    key_pem, certificate_pem = generated[key_type]
    values = {"account_id": "1234567_SB1", "client_id": secrets.token_hex(32), "certificate_id": secrets.token_urlsafe(32),
              "private_key": key_pem, "certificate": certificate_pem}
    credentials, warnings = build_m2m_credentials(values, now=NOW)
    assert warnings == []
    key_label, algorithm, dummy = EXPECTED[key_type]
    assert (credentials.certificate.key_type, credentials.algorithm) == (key_label, algorithm)
    assert credentials.certificate.days_left == 730
    # Already in the stored form: unchanged by normalisation.
    assert credentials.private_key_pem == key_pem and credentials.certificate_pem == certificate_pem


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_key_is_unencrypted_pkcs8_and_the_certificate_is_its_own(generated, key_type):
    key_pem, certificate_pem = generated[key_type]
    assert key_pem.startswith("-----BEGIN PRIVATE KEY-----\n") and key_pem.endswith("-----END PRIVATE KEY-----\n")
    assert "ENCRYPTED" not in key_pem and "Proc-Type" not in key_pem
    key, certificate = load(generated[key_type])
    again = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    assert again.decode() == key_pem
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert certificate.public_key().public_bytes(*spki) == key.public_key().public_bytes(*spki)


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_certificate_is_self_signed_v3_with_subject_and_validity_as_asked(generated, key_type):
    key, certificate = load(generated[key_type])
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "1234567_SB1 ci-sync"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Acme Corp")])
    assert certificate.version == x509.Version.v3
    assert certificate.subject == name and certificate.issuer == name
    assert validity(certificate) == (NOW, NOW + timedelta(days=730))
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca is False
    assert certificate.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature


def test_rsa_certificates_are_signed_with_rsassa_pss_sha256_like_oracles_example(generated):
    for key_type in ("rsa3072", "rsa4096"):
        key, certificate = load(generated[key_type])
        assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == int(key_type[3:])
        assert certificate.signature_algorithm_oid == SignatureAlgorithmOID.RSASSA_PSS
        assert isinstance(certificate.signature_hash_algorithm, hashes.SHA256)
        # openssl's -sigopt rsa_pss_saltlen:64; a verifier with another salt length refuses it.
        key.public_key().verify(certificate.signature, certificate.tbs_certificate_bytes,
                                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=64), hashes.SHA256())


@pytest.mark.parametrize("key_type", ["ec-p256", "ec-p384", "ec-p521"])
def test_ec_certificates_are_signed_with_the_hash_of_their_curve(generated, key_type):
    key, certificate = load(generated[key_type])
    digest = EXPECTED[key_type][2]
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(certificate.signature_hash_algorithm, digest)
    key.public_key().verify(certificate.signature, certificate.tbs_certificate_bytes, ec.ECDSA(digest()))


def test_serial_numbers_are_random_and_organization_is_optional():
    first = load(generate_key_and_certificate(key_type="ec-p256", common_name="ci", now=NOW))[1]
    second = load(generate_key_and_certificate(key_type="ec-p256", common_name="ci", now=NOW))[1]
    assert first.serial_number != second.serial_number and first.serial_number.bit_length() > 64
    assert first.subject == x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ci")])


def test_short_validity_and_defaults():
    key_pem, certificate_pem = generate_key_and_certificate(key_type="ec-p384", valid_days=1, common_name="ci",
                                                            now=NOW + timedelta(microseconds=999))
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    assert validity(certificate) == (NOW, NOW + timedelta(days=1))
    before = datetime.now(timezone.utc).replace(microsecond=0)
    default = generate_key_and_certificate(common_name="ci")
    after = datetime.now(timezone.utc)
    key, certificate = load(default)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 3072
    not_before, not_after = validity(certificate)
    assert not_after - not_before == timedelta(days=730)
    assert before <= not_before <= after  # valid from the moment it was made (ordering, not a duration)


@pytest.mark.parametrize("kwargs, message", [
    (dict(valid_days=731), "valid_days: must be a whole number from 1 to 730 (NetSuite accepts certificates valid for at "
                           "most 2 years)"),
    (dict(valid_days=0), "valid_days: must be a whole number from 1 to 730"),
    (dict(valid_days=True), "valid_days: must be a whole number from 1 to 730"),
    (dict(valid_days="30"), "valid_days: must be a whole number from 1 to 730"),
    (dict(key_type="rsa2048"), "key_type: must be one of rsa3072, rsa4096, ec-p256, ec-p384, ec-p521"),
    (dict(key_type="ed25519"), "key_type: must be one of rsa3072"),
    (dict(common_name=""), "common_name: must be printable text of 1 to 64 characters"),
    (dict(common_name="x" * 65), "common_name: must be printable text of 1 to 64 characters"),
    (dict(common_name="line\nbreak"), "common_name: must be printable text of 1 to 64 characters"),
    (dict(common_name=None), "common_name: must be printable text of 1 to 64 characters"),
    (dict(organization=""), "organization: must be printable text of 1 to 64 characters"),
])
def test_bad_arguments_are_value_errors_naming_the_argument(kwargs, message):
    arguments = dict(key_type="ec-p256", common_name="ci", now=NOW)
    arguments.update(kwargs)
    with pytest.raises(ValueError) as info:
        generate_key_and_certificate(**arguments)
    assert str(info.value).startswith(message)
