# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Offline validation of NetSuite OAuth 2.0 client credentials (M2M) into one immutable object.

The M2M sibling of _tba_credentials: the account ID, the paste-debris rules and the messages are
the same wherever the two overlap. Nothing here touches the network, Vault or Ansible. Every
problem names the field and the rule and never repeats the value (a private key pasted into the
certificate box is still a private key).

cryptography is imported only inside the functions that need it, so TBA-only users (and module
import on a host without it) never need it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import SimpleNamespace

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    INVISIBLE,
    VALUE_MAX,
    check_distinct,
    clean_value,
    CredentialInputError,
    declared_account,
    NetSuiteAccount,
    OfAnAccount,
    parse_account_id,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_options import ALGORITHMS, SCOPES
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._pem import (
    CERTIFICATE_LABELS,
    CERTIFICATE_SETUP,
    KEY_LABELS,
    certificate_block,
    is_encrypted,
    key_block,
    pem_body,
    single_block,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_layout import (
    CERTIFICATE_ID_MAX,
    M2M_STORED_KEYS,
    stored_label,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import secret_shape_rule

M2M_SECRET_FIELDS = ("client_id", "private_key", "private_key_passphrase")

# NetSuite cuts a longer validity to two years from the upload (Oracle, OAuth 2.0 Client
# Credentials Setup); 730 days is what Oracle's own openssl example asks for.
NETSUITE_MAX_VALIDITY_DAYS = 730

_ACCEPTED_KEYS = "RSA of 3072 or 4096 bits, or EC P-256, P-384 or P-521"
_ALGORITHM_RULE = "NetSuite accepts only PS256/384/512 and ES256/384/512"
_CURVES = {"secp256r1": ("EC P-256", "ES256"), "secp384r1": ("EC P-384", "ES384"),
           "secp521r1": ("EC P-521", "ES512")}
_RSA_MIN_BITS = 3072
_RSA_DOCUMENTED_BITS = (3072, 4096)


class M2mDependencyError(Exception):
    """A Python library M2M needs is missing where the code runs."""


def missing_library(name):
    return M2mDependencyError(
        "OAuth 2.0 M2M credentials need the Python library %s: run 'pip install cryptography PyJWT' "
        "for the Python that runs this task (the controller, or the host the module runs on)" % name)


def _crypto():
    """cryptography's pieces, imported on first use (x509, hashes, serialization, ec, rsa)."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, rsa
    except ImportError:
        raise missing_library("cryptography")
    return SimpleNamespace(x509=x509, hashes=hashes, serialization=serialization, ec=ec, rsa=rsa)


@dataclass(frozen=True)
class CertificateInfo:
    fingerprint_sha256: str
    subject: str
    not_before: str
    not_after: str
    days_left: int
    key_type: str

    def to_dict(self):
        return {"fingerprint_sha256": self.fingerprint_sha256, "subject": self.subject,
                "not_before": self.not_before, "not_after": self.not_after,
                "days_left": self.days_left, "key_type": self.key_type}


@dataclass(frozen=True)
class M2mCredentials(OfAnAccount):
    account: NetSuiteAccount
    client_id: str = field(repr=False)
    certificate_id: str
    private_key_pem: str = field(repr=False)
    certificate_pem: str = field(repr=False)
    algorithm: str
    scopes: tuple
    certificate: CertificateInfo

    auth_type = "m2m"  # not a field: a class-wide tag the probe and the checks dispatch on

    def secret_values(self):
        """What a scrubber must hide: the client ID and the key's base64 body.

        The body rather than the whole PEM: the armour lines are public text ("-----BEGIN",
        "PRIVATE KEY") that a fragment-matching scrubber would otherwise hide in every message
        and in the public certificate too. Every secret 8-character run is inside the body.
        """
        return [self.client_id, pem_body(self.private_key_pem)]

    def as_vault_data(self):
        """The stored layout other tools read: exactly M2M_STORED_KEYS."""
        return {"account_id": self.realm, "client_id": self.client_id,
                "certificate_id": self.certificate_id, "private_key": self.private_key_pem,
                "certificate": self.certificate_pem}

    def custom_metadata(self):
        # scope: the stored data layout is fixed, so a check learns the scopes to ask for here.
        return {"auth_type": self.auth_type, "certificate_not_after": self.certificate.not_after,
                "scope": ",".join(self.scopes)}

    def matches_stored(self, data):
        """True when ``data`` holds these credentials: the same account realm, client and
        certificate IDs, the same key (PKCS#1 or PKCS#8, any line endings) and the same
        certificate (DER). Anything malformed or unreadable is simply 'not the same'."""
        try:
            return _matches_stored(self, data)
        except Exception:  # pylint: disable=broad-except; stored data from anywhere: never raise
            return False


def _matches_stored(credentials, data):
    if not isinstance(data, dict) or set(data) != set(M2M_STORED_KEYS):
        return False
    if not all(isinstance(data[key], str) for key in M2M_STORED_KEYS):
        return False
    if (data["client_id"], data["certificate_id"]) != (credentials.client_id, credentials.certificate_id):
        return False
    if parse_account_id(data["account_id"])[0].realm != credentials.realm:
        return False
    crypto = _crypto()
    stored_key = single_block(data["private_key"], KEY_LABELS)
    stored_cert = single_block(data["certificate"], CERTIFICATE_LABELS)
    if stored_key is None or stored_cert is None or is_encrypted(stored_key):
        return False
    our_key = single_block(credentials.private_key_pem, KEY_LABELS)
    if stored_key.der != our_key.der:
        # Another encoding of the same key (PKCS#1, SEC1, PKCS#8 with optional parts) is the
        # same key. Validation is skipped: ours was validated when built, and the two are
        # compared whole, so a bogus stored key cannot pass as ours.
        def load(block):
            return crypto.serialization.load_pem_private_key(
                block.text.encode("ascii"), None, unsafe_skip_rsa_key_validation=True)
        if _pkcs8(load(stored_key), crypto, "DER") != _pkcs8(load(our_key), crypto, "DER"):
            return False
    return stored_cert.der == single_block(credentials.certificate_pem, CERTIFICATE_LABELS).der


def _pkcs8(key, crypto, encoding):
    """The key unencrypted in PKCS#8, DER or PEM: one form to compare and to store."""
    serialization = crypto.serialization
    return key.private_bytes(getattr(serialization.Encoding, encoding), serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


# --- keys, certificates, options --------------------------------------------------------------

def _passphrase(value, name, problems):
    """The passphrase as given, or None when absent. Never trimmed here: spaces may be real."""
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list, tuple, set, bool)):
        problems.append("%s: must be text" % name)
        return None
    value = value if isinstance(value, str) else str(value)
    if len(value) > VALUE_MAX:
        problems.append("%s: must be at most %d characters (got %d)" % (name, VALUE_MAX, len(value)))
        return None
    return value


def _load_key(block, passphrase, names, problems, warnings, trusted=False):
    """The private key object, or None on a problem. ``names``: (key label, passphrase label).
    ``trusted``: a key this collection checked when it stored it; OpenSSL's RSA consistency check
    (about 0.1 s per key) is skipped, as a fleet check of hundreds of keys would pay it each time.
    A damaged stored key is still refused by NetSuite, with its own error."""
    serialization = _crypto().serialization
    key_name, passphrase_name = names
    data = block.text.encode("ascii")
    if not is_encrypted(block):
        if passphrase is not None:
            warnings.append("%s: ignored, %s is not encrypted" % (passphrase_name, key_name))
        candidates = [None]
    elif passphrase is None:
        problems.append("%s: is encrypted; give %s" % (key_name, passphrase_name))
        return None
    else:
        candidates = [passphrase]
        trimmed = passphrase.strip().strip(INVISIBLE).strip()
        if trimmed and trimmed != passphrase:
            candidates.append(trimmed)  # a newline from a file or a prompt, tried second
    for attempt, password in enumerate(candidates):
        try:
            key = serialization.load_pem_private_key(
                data, None if password is None else password.encode("utf-8"),
                **({"unsafe_skip_rsa_key_validation": True} if trusted else {}))
        except (TypeError, ValueError):
            continue
        except Exception:  # pylint: disable=broad-except; UnsupportedAlgorithm and friends
            break
        if attempt:
            warnings.append("%s: removed leading/trailing whitespace or invisible characters "
                            "(check how the value was copied)" % passphrase_name)
        return key
    if is_encrypted(block):
        problems.append("%s: does not open %s (wrong passphrase, or the key is damaged)"
                        % (passphrase_name, key_name))
    else:
        problems.append("%s: is not a readable private key (damaged, incomplete, or of a kind this "
                        "cryptography library cannot read)" % key_name)
    return None


def _key_type(key, name, problems, warnings):
    """'RSA 3072' / 'EC P-256', or None when NetSuite would refuse the key."""
    crypto = _crypto()
    if isinstance(key, crypto.rsa.RSAPrivateKey):
        bits = key.key_size
        if bits < _RSA_MIN_BITS:
            problems.append("%s: an RSA key of %d bits is too small; NetSuite needs %s"
                            % (name, bits, _ACCEPTED_KEYS))
            return None
        if bits not in _RSA_DOCUMENTED_BITS:
            warnings.append("%s: NetSuite documents RSA keys of 3072 and 4096 bits; this one has %d"
                            % (name, bits))
        return "RSA %d" % bits
    if isinstance(key, crypto.ec.EllipticCurvePrivateKey):
        if key.curve.name not in _CURVES:
            problems.append("%s: EC curve %s is not accepted; NetSuite needs %s"
                            % (name, key.curve.name, _ACCEPTED_KEYS))
            return None
        return _CURVES[key.curve.name][0]
    kind = type(key).__name__.replace("PrivateKey", "").lstrip("_") or "this"
    problems.append("%s: %s keys are not accepted; NetSuite needs %s" % (name, kind, _ACCEPTED_KEYS))
    return None


def _as_utc(now):
    if now is None:
        return datetime.now(timezone.utc)
    if isinstance(now, datetime):
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(float(now), timezone.utc)


def rfc3339(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _validity(cert):
    """(not_before, not_after) as aware UTC datetimes, on cryptography 41 as on 42+."""
    before = getattr(cert, "not_valid_before_utc", None)
    after = getattr(cert, "not_valid_after_utc", None)
    if before is None or after is None:
        before = cert.not_valid_before.replace(tzinfo=timezone.utc)
        after = cert.not_valid_after.replace(tzinfo=timezone.utc)
    return before, after


def _fingerprint(cert, hashes):
    return ":".join("%02X" % b for b in bytearray(cert.fingerprint(hashes.SHA256())))


def _load_certificate(block, name, problems):
    try:
        return _crypto().x509.load_pem_x509_certificate(block.text.encode("ascii"))
    except Exception:  # pylint: disable=broad-except; ValueError for most damage, others for odd DER
        problems.append("%s: is not a readable X.509 certificate (damaged or incomplete); copy the whole "
                        "file again" % name)
        return None


def _certificate_info(cert, key_type, now):
    not_before, not_after = _validity(cert)
    return CertificateInfo(
        fingerprint_sha256=_fingerprint(cert, _crypto().hashes), subject=cert.subject.rfc4514_string(),
        not_before=rfc3339(not_before), not_after=rfc3339(not_after),
        days_left=(not_after - now).days,  # timedelta.days is the floor: -1 an hour after expiry
        key_type=key_type)


def _public_key_type(public_key):
    """'RSA 3072' / 'EC P-256' / the key's kind, for describing a certificate alone."""
    crypto = _crypto()
    if isinstance(public_key, crypto.rsa.RSAPublicKey):
        return "RSA %d" % public_key.key_size
    if isinstance(public_key, crypto.ec.EllipticCurvePublicKey):
        return _CURVES.get(public_key.curve.name, ("EC " + public_key.curve.name,))[0]
    return type(public_key).__name__.replace("PublicKey", "").lstrip("_") or "unknown"


def describe_certificate(certificate, *, now=None, name="certificate"):
    """CertificateInfo of a PEM certificate on its own (no key, no judgement of its dates).

    Raises CredentialInputError when it is not one readable certificate."""
    problems = []
    block = certificate_block(name, certificate, lambda field_name: field_name, problems, [])
    cert = _load_certificate(block, name, problems) if block is not None else None
    if cert is None:
        raise CredentialInputError(problems)
    try:
        key_type = _public_key_type(cert.public_key())
    except Exception:  # pylint: disable=broad-except; a key type this library cannot read
        key_type = "unknown"
    return _certificate_info(cert, key_type, _as_utc(now))


def _check_pair(key, cert, key_type, names, now, limits, problems, warnings):
    """CertificateInfo for a certificate that belongs to ``key`` and (when ``limits`` is not
    None: (min_days_left, fail_days_left)) is usable now, else None."""
    crypto = _crypto()
    cert_name, key_name = names
    spki = (crypto.serialization.Encoding.DER, crypto.serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        cert_public = cert.public_key().public_bytes(*spki)
    except Exception:  # pylint: disable=broad-except; a public key type this library cannot handle
        cert_public = None
    if cert_public != key.public_key().public_bytes(*spki):
        problems.append("%s: does not belong to %s (its public key is a different one); give the "
                        "certificate made from this key" % (cert_name, key_name))
        return None
    info = _certificate_info(cert, key_type, now)
    if limits is None:
        return info
    not_before, not_after = _validity(cert)
    if now < not_before:
        problems.append("%s: is not valid yet (valid from %s); check the clock here and the certificate's "
                        "dates" % (cert_name, rfc3339(not_before)))
        return None
    if now >= not_after:
        problems.append("%s: expired on %s; generate a new key and certificate and upload the certificate in %s"
                        % (cert_name, rfc3339(not_after), CERTIFICATE_SETUP))
        return None
    days_left = info.days_left
    min_days_left, fail_days_left = limits
    if fail_days_left is not None and days_left < fail_days_left:
        problems.append("%s: has %d days left (expires %s), fewer than fail_days_left=%d; rotate it"
                        % (cert_name, days_left, rfc3339(not_after), fail_days_left))
        return None
    if min_days_left is not None and days_left < min_days_left:
        warnings.append("%s: expires in %d days (%s), fewer than min_days_left=%d; rotate it before then"
                        % (cert_name, days_left, rfc3339(not_after), min_days_left))
    validity_days = (not_after - not_before).days
    if validity_days > NETSUITE_MAX_VALIDITY_DAYS:
        warnings.append("%s: is valid for %d days; NetSuite cuts validity to 2 years from the upload, so it "
                        "stops working before its end date" % (cert_name, validity_days))
    return info


def _algorithm(value, key_type, problems):
    """The JWS algorithm: the given one if it fits the key, else the key's default."""
    default = None
    if key_type:
        default = "PS256" if key_type.startswith("RSA") else next(
            alg for label, alg in _CURVES.values() if label == key_type)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    text = clean_value("algorithm", value, problems, [])
    if text is None:
        return None
    algorithm = text.upper()
    if algorithm not in ALGORITHMS:
        problems.append("algorithm: %s (RS256 and the other PKCS#1 v1.5, HMAC and 'none' algorithms are "
                        "refused)" % _ALGORITHM_RULE)
        return None
    if key_type is None:
        return algorithm
    fits = algorithm.startswith("PS") if key_type.startswith("RSA") else algorithm == default
    if not fits:
        problems.append("algorithm: %s does not fit private_key (%s; use %s)" % (
            algorithm, key_type, "PS256, PS384 or PS512" if key_type.startswith("RSA") else default))
        return None
    return algorithm


def _scopes(value, problems):
    if value is None:
        value = SCOPES[:1]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        problems.append("scope: must be a list of %s" % ", ".join(SCOPES))
        return None
    chosen = []
    for item in items:
        for part in str(item).replace(",", " ").split() if isinstance(item, str) else [item]:
            if part not in SCOPES:
                problems.append("scope: each entry must be one of %s" % ", ".join(SCOPES))
                return None
            if part not in chosen:
                chosen.append(part)
    if not chosen:
        problems.append("scope: must name at least one of %s" % ", ".join(SCOPES))
        return None
    return tuple(chosen)


def _certificate_id(name, value, problems, warnings):
    text = clean_value(name, value, problems, warnings)
    if text is None:
        return None
    if len(text) > CERTIFICATE_ID_MAX or not text.isascii() or not text.isprintable():
        problems.append("%s: must be the Certificate ID shown in %s: printable ASCII without spaces, at most "
                        "%d characters" % (name, CERTIFICATE_SETUP, CERTIFICATE_ID_MAX))
        return None
    return text


def build_m2m_credentials(values, *, environment=None, algorithm=None, scopes=("rest_webservices",),
                          min_days_left=30, fail_days_left=0, describe=None, now=None, check_validity=True,
                          trusted_key=False):
    """Validate ``values`` (account_id, client_id, certificate_id, private_key, certificate and an
    optional private_key_passphrase) into M2mCredentials.

    ``describe`` turns a field name into the label used in messages (e.g. a Vault key); ``now``
    (datetime or epoch seconds) is when the certificate must be valid. ``check_validity=False``
    only reports the certificate's dates (CertificateInfo.days_left, negative once expired)
    and leaves judging them to the caller: no refusal, no days-left warning.
    Returns (M2mCredentials, warnings); raises CredentialInputError listing every problem, and
    M2mDependencyError when cryptography is missing.
    """
    _crypto()
    describe = describe or (lambda name: name)
    problems, warnings = [], []
    account = declared_account(values, environment, describe, problems, warnings)

    client_id = clean_value(describe("client_id"), values.get("client_id"), problems, warnings)
    if client_id is not None:
        rule = secret_shape_rule(describe("client_id"), client_id)
        if rule:
            problems.append(rule)
            client_id = None
    certificate_id = _certificate_id(describe("certificate_id"), values.get("certificate_id"), problems, warnings)
    comparable = [(describe(n), v) for n, v in (("client_id", client_id), ("certificate_id", certificate_id)) if v]
    if account is not None:
        comparable.insert(0, (describe("account_id"), account.realm))
    check_distinct(comparable, problems)

    key_name, cert_name = describe("private_key"), describe("certificate")
    passphrase_name = describe("private_key_passphrase")
    key = key_type = cert = info = None
    key_pem = key_block(key_name, values.get("private_key"), describe, problems, warnings)
    passphrase = _passphrase(values.get("private_key_passphrase"), passphrase_name, problems)
    if key_pem is not None:
        key = _load_key(key_pem, passphrase, (key_name, passphrase_name), problems, warnings, trusted_key)
    if key is not None:
        key_type = _key_type(key, key_name, problems, warnings)
    cert_block = certificate_block(cert_name, values.get("certificate"), describe, problems, warnings)
    if cert_block is not None:
        cert = _load_certificate(cert_block, cert_name, problems)
    if key_type is not None and cert is not None:
        info = _check_pair(key, cert, key_type, (cert_name, key_name), _as_utc(now),
                           (min_days_left, fail_days_left) if check_validity else None, problems, warnings)

    chosen_algorithm = _algorithm(algorithm, key_type, problems)
    chosen_scopes = _scopes(scopes, problems)
    if problems:
        raise CredentialInputError(problems)
    return M2mCredentials(
        account=account, client_id=client_id, certificate_id=certificate_id,
        private_key_pem=_pkcs8(key, _crypto(), "PEM").decode("ascii"),
        certificate_pem=cert_block.text, algorithm=chosen_algorithm, scopes=chosen_scopes,
        certificate=info), warnings


def load_stored_m2m(data, **kwargs):
    """build_m2m_credentials for a secret read from Vault: messages name the stored keys.

    Unless ``check_validity=True`` is passed, the certificate's dates are reported, not judged: a
    stored secret whose certificate expired is still read, so a check can say "expired" (with
    days_left) instead of "malformed"."""
    kwargs["describe"] = stored_label
    kwargs.setdefault("check_validity", False)
    kwargs.setdefault("trusted_key", True)
    return build_m2m_credentials(data if isinstance(data, dict) else {}, **kwargs)
