# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""A private key and a self-signed certificate NetSuite accepts for OAuth 2.0 M2M, in memory.

The key never touches a file here: the caller stores it (Vault) and writes only the certificate
for the operator to upload. cryptography is imported on first use.
"""

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import (
    NETSUITE_MAX_VALIDITY_DAYS,
    missing_library,
)

KEY_TYPES = ("rsa3072", "rsa4096", "ec-p256", "ec-p384", "ec-p521")
# X.509's upper bound for commonName and organizationName (RFC 5280, ub-common-name).
NAME_MAX = 64
# Oracle's example: `openssl req -x509 -newkey rsa:4096 -sigopt rsa_padding_mode:pss -sha256
# -sigopt rsa_pss_saltlen:64 -days 730`; we sign RSA certificates the same way.
_RSA_PSS_SALT_LENGTH = 64


def _crypto():
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
        from cryptography.x509.oid import NameOID
    except ImportError:
        raise missing_library("cryptography")
    return SimpleNamespace(x509=x509, hashes=hashes, serialization=serialization, ec=ec, padding=padding,
                           rsa=rsa, NameOID=NameOID)


def _new_key(key_type):
    """(private key, signing hash, rsa_padding or None)."""
    crypto = _crypto()
    hashes, ec, padding = crypto.hashes, crypto.ec, crypto.padding
    if key_type.startswith("rsa"):
        key = crypto.rsa.generate_private_key(public_exponent=65537, key_size=int(key_type[3:]))
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=_RSA_PSS_SALT_LENGTH)
        return key, hashes.SHA256(), pss
    curve, digest = {"ec-p256": (ec.SECP256R1, hashes.SHA256), "ec-p384": (ec.SECP384R1, hashes.SHA384),
                     "ec-p521": (ec.SECP521R1, hashes.SHA512)}[key_type]
    return ec.generate_private_key(curve()), digest(), None


def _name_part(name, value, required):
    if value is None and not required:
        return None
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > NAME_MAX or not text.isprintable():
        raise ValueError("%s: must be printable text of 1 to %d characters" % (name, NAME_MAX))
    return text


def subject_problems(integration_name, realm, organization):
    """What m2m_key_pair's options would break in the certificate subject, naming the option:
    the common name is "<integration_name> <account>" (at most NAME_MAX characters in all)."""
    problems = []
    room = NAME_MAX - len(" " + realm)
    name = integration_name.strip() if isinstance(integration_name, str) else ""
    if name and (len(name) > room or not name.isprintable()):
        problems.append("integration_name: must be printable text (no tabs or line breaks) of at most %d "
                        "characters (the certificate's common name is '<integration_name> %s', at most %d)"
                        % (room, realm, NAME_MAX))
    if organization is not None:
        text = organization.strip() if isinstance(organization, str) else ""
        if not text or len(text) > NAME_MAX or not text.isprintable():
            problems.append("organization: must be printable text (no tabs or line breaks) of 1 to %d characters"
                            % NAME_MAX)
    return problems


def _start(now):
    if now is None:
        now = datetime.now(timezone.utc)
    elif not isinstance(now, datetime):
        now = datetime.fromtimestamp(float(now), timezone.utc)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    # X.509 times have whole seconds; cut here so not_after - not_before is exactly valid_days.
    return now.astimezone(timezone.utc).replace(microsecond=0)


def generate_key_and_certificate(*, key_type="rsa3072", valid_days=NETSUITE_MAX_VALIDITY_DAYS, common_name,
                                 organization=None, now=None):
    """(private key PEM: PKCS#8, unencrypted; certificate PEM), both str.

    The certificate is self-signed, X.509 v3, valid from ``now`` for ``valid_days`` days, subject
    CN=common_name (and O=organization), not a CA. Raises ValueError for a bad argument.
    """
    if key_type not in KEY_TYPES:
        raise ValueError("key_type: must be one of %s" % ", ".join(KEY_TYPES))
    if isinstance(valid_days, bool) or not isinstance(valid_days, int) or not (
            1 <= valid_days <= NETSUITE_MAX_VALIDITY_DAYS):
        raise ValueError("valid_days: must be a whole number from 1 to %d (NetSuite accepts certificates "
                         "valid for at most 2 years)" % NETSUITE_MAX_VALIDITY_DAYS)
    common_name = _name_part("common_name", common_name, required=True)
    organization = _name_part("organization", organization, required=False)
    crypto = _crypto()
    x509, serialization, name_oid = crypto.x509, crypto.serialization, crypto.NameOID

    key, digest, rsa_padding = _new_key(key_type)
    attributes = [x509.NameAttribute(name_oid.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(name_oid.ORGANIZATION_NAME, organization))
    subject = x509.Name(attributes)
    start = _start(now)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if rsa_padding is not None:
        certificate = builder.sign(key, digest, rsa_padding=rsa_padding)
    else:
        certificate = builder.sign(key, digest)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem.decode("ascii"), certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
