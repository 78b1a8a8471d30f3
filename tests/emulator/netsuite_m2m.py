"""NetSuite OAuth 2.0 client credentials (M2M) checks for the emulator, in the standard library only.

The token endpoint gets a client assertion: a compact JWS (RFC 7515) signed with the private key of
a certificate mapped in *OAuth 2.0 Client Credentials (M2M) Setup*. This module parses it, reads the
public key out of the mapped X.509 certificate with a small DER reader, and verifies RSASSA-PSS
(RFC 8017) and ECDSA (FIPS 186-4, SEC 1) signatures with its own arithmetic.

Deliberately independent of PyJWT and ``cryptography``: the modules under test sign with those,
and a verifier sharing their code would share their mistakes. The tests cross-check these
verifiers against signatures ``cryptography`` produced.

Failures raise ``Refusal(error, detail)``: ``error`` is the OAuth error code the client sees,
``detail`` the real cause for the emulator's login audit trail. Details never hold claim values:
the client ID is a credential.
"""
from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# NetSuite's scope names (Oracle, The Request Token Structure, section_162790605110).
KNOWN_SCOPES = ("restlets", "rest_webservices", "suite_analytics")
MAX_ASSERTION_LIFETIME_SECONDS = 3600  # exp at most 60 minutes after iat (same page)
# iat/nbf may run this far ahead of NetSuite's clock: the emulator's TBA timestamp window, so
# one clock-offset scenario means the same for both authentication methods.
CLOCK_SKEW_SECONDS = 300
# RFC 7518 section 3.5: PS* salts are as long as the hash output. See rsassa_pss_verify.
SALT_HASH_LENGTH = "hash-length"


class Refusal(Exception):
    """A refused token request: ``error`` for the client, ``detail`` for the audit trail."""

    def __init__(self, error: str, detail: str):
        super().__init__(detail)
        self.error = error
        self.detail = detail


# --- base64url and the compact JWS -------------------------------------------------------------

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    """RFC 7515 section 2: base64url without padding, canonical (no stray bits); ValueError else."""
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise ValueError("not base64url without padding")
    data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if b64url_encode(data) != segment:
        raise ValueError("non-canonical base64url")
    return data


@dataclass(frozen=True)
class CompactJws:
    header: dict
    claims: dict
    signing_input: bytes  # ASCII(BASE64URL(header) "." BASE64URL(payload))
    signature: bytes


def _json_object(data: bytes, part: str) -> dict:
    def no_duplicates(pairs):
        names = [name for name, _value in pairs]
        if len(names) != len(set(names)):
            raise ValueError("duplicated member")  # RFC 7515 section 5.2: reject, never guess
        return dict(pairs)
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=no_duplicates)
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise Refusal("invalid_request", f"assertion {part} is not JSON: {_reason(exc)}") from None
    if not isinstance(value, dict):
        raise Refusal("invalid_request", f"assertion {part} is not a JSON object")
    return value


def _reason(exc: Exception) -> str:
    return "duplicated member" if "duplicated member" in str(exc) else type(exc).__name__


def parse_compact_jws(token: str) -> CompactJws:
    parts = token.split(".")
    if len(parts) != 3:
        raise Refusal("invalid_request", "assertion is not a compact JWS (three dot-separated parts)")
    try:
        header_bytes, payload_bytes, signature = (b64url_decode(part) for part in parts)
    except (ValueError, binascii.Error):
        raise Refusal("invalid_request", "assertion is not base64url without padding") from None
    return CompactJws(_json_object(header_bytes, "header"), _json_object(payload_bytes, "payload"),
                      f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


# --- the token request -------------------------------------------------------------------------

def parse_token_form(content_type: str | None, body: bytes) -> dict:
    """The form parameters; Oracle requires application/x-www-form-urlencoded (section_162755359851)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != FORM_CONTENT_TYPE:
        raise Refusal("invalid_request", "request body is not application/x-www-form-urlencoded")
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        raise Refusal("invalid_request", "form body malformed") from None
    form: dict = {}
    for name, value in pairs:
        if name in form:  # RFC 6749 section 3.2: parameters MUST NOT be included more than once
            raise Refusal("invalid_request", f"parameter {name} duplicated")
        form[name] = value
    return form


def check_grant_parameters(form: dict):
    if not form.get("grant_type"):
        raise Refusal("invalid_request", "grant_type missing")
    if form["grant_type"] != GRANT_TYPE:
        raise Refusal("unsupported_grant_type", "grant_type not client_credentials")
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise Refusal("invalid_request", "client_assertion_type missing or not jwt-bearer")
    if not form.get("client_assertion"):
        raise Refusal("invalid_request", "client_assertion missing")


def check_header_shape(header: dict):
    """typ, alg and kid present with the right types (the alg allow-list comes later, per account)."""
    if "crit" in header:  # RFC 7515 section 4.1.11: unknown critical extensions must be refused
        raise Refusal("invalid_request", "crit header not supported")
    if header.get("typ") != "JWT":
        raise Refusal("invalid_request", "typ not JWT")
    if not isinstance(header.get("alg"), str):
        raise Refusal("invalid_request", "alg missing")
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise Refusal("invalid_request", "kid missing")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_claim_types(claims: dict):
    """Every claim NetSuite documents is there, with a usable type."""
    if not isinstance(claims.get("iss"), str) or not claims["iss"]:
        raise Refusal("invalid_request", "iss missing")
    if not isinstance(claims.get("aud"), str):
        raise Refusal("invalid_request", "aud missing or not a string")
    for name in ("iat", "exp"):
        if not _is_number(claims.get(name)):
            raise Refusal("invalid_request", f"{name} missing or not a number")
    if "nbf" in claims and not _is_number(claims["nbf"]):
        raise Refusal("invalid_request", "nbf not a number")
    if "scope" not in claims:
        raise Refusal("invalid_scope", "scope missing")


def check_audience(claims: dict, token_url: str):
    """aud is exactly the token endpoint the request was sent to (no case or slash folding)."""
    if claims["aud"] != token_url:
        raise Refusal("invalid_grant", "aud mismatch")


def check_lifetime(claims: dict, now: float):
    iat, exp = claims["iat"], claims["exp"]
    if iat > now + CLOCK_SKEW_SECONDS:
        raise Refusal("invalid_grant", "iat in the future")
    if "nbf" in claims and claims["nbf"] > now + CLOCK_SKEW_SECONDS:
        raise Refusal("invalid_grant", "nbf in the future")
    if exp <= now:
        raise Refusal("invalid_grant", "assertion expired")
    if exp <= iat:
        raise Refusal("invalid_grant", "exp not after iat")
    if exp - iat > MAX_ASSERTION_LIFETIME_SECONDS:
        raise Refusal("invalid_grant", "exp more than 3600 s after iat")


def requested_scopes(value) -> frozenset:
    """Oracle's table says one string, scopes "separated by a comma"; Oracle's own example request
    sends a JSON array. Both are accepted; a space-separated string (RFC 6749's form) is not."""
    if isinstance(value, str):
        items = [item.strip() for item in value.split(",")]
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = list(value)
    else:
        raise Refusal("invalid_scope", "scope neither a string nor a list of strings")
    if not items or any(not item or re.search(r"\s", item) for item in items):
        raise Refusal("invalid_scope", "scope malformed (comma-separated names expected)")
    if any(item not in KNOWN_SCOPES for item in items):
        raise Refusal("invalid_scope", "scope unknown")
    return frozenset(items)


# --- DER and X.509 -------------------------------------------------------------------------------

class DerError(ValueError):
    """The bytes are not the DER structure expected."""


_SEQUENCE, _INTEGER, _BIT_STRING, _OID, _UTC_TIME, _GENERALIZED_TIME = 0x30, 0x02, 0x03, 0x06, 0x17, 0x18
_EXPLICIT_0 = 0xA0


class _DerReader:
    """Reads consecutive TLVs from ``data``: enough DER for certificates and public keys."""

    def __init__(self, data: bytes):
        self._data, self._pos = data, 0

    def at_end(self) -> bool:
        return self._pos >= len(self._data)

    def peek_tag(self) -> int | None:
        return None if self.at_end() else self._data[self._pos]

    def read(self, expected_tag: int | None = None) -> tuple[int, bytes]:
        data, pos = self._data, self._pos
        if pos + 2 > len(data):
            raise DerError("truncated")
        tag, first = data[pos], data[pos + 1]
        if tag & 0x1F == 0x1F:
            raise DerError("multi-byte tags are not used in certificates")
        pos += 2
        if first < 0x80:
            length = first
        else:
            count = first & 0x7F
            if count == 0 or count > 4 or pos + count > len(data):
                raise DerError("bad length")  # 0x80 is BER's indefinite length, never DER
            length = int.from_bytes(data[pos:pos + count], "big")
            pos += count
        if pos + length > len(data):
            raise DerError("length past the end")
        if expected_tag is not None and tag != expected_tag:
            raise DerError(f"expected tag 0x{expected_tag:02x}, got 0x{tag:02x}")
        self._pos = pos + length
        return tag, data[pos:pos + length]

    def read_content(self, expected_tag: int) -> bytes:
        return self.read(expected_tag)[1]


def _der_positive_integer(content: bytes) -> int:
    value = int.from_bytes(content, "big", signed=True)
    if value <= 0:
        raise DerError("integer not positive")
    return value


def _der_oid(content: bytes) -> str:
    if not content:
        raise DerError("empty OID")
    arcs, value = [], 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    return ".".join(str(arc) for arc in head + arcs[1:])


def _der_time(tag: int, content: bytes) -> float:
    """UTCTime (YYMMDDHHMMSSZ; 50-99 mean 19xx, RFC 5280 4.1.2.5.1) or GeneralizedTime, to epoch."""
    text = content.decode("ascii")
    if tag == _UTC_TIME and re.fullmatch(r"\d{12}Z", text):
        year = int(text[:2])
        text = ("19" if year >= 50 else "20") + text
    elif tag != _GENERALIZED_TIME or not re.fullmatch(r"\d{14}Z", text):
        raise DerError("validity time not in RFC 5280 form")
    fields = [int(text[i:j]) for i, j in ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14))]
    return float(calendar.timegm(tuple(fields)))


@dataclass(frozen=True)
class RsaPublicKey:
    n: int
    e: int

    @property
    def description(self) -> str:
        return f"RSA {self.n.bit_length()}"


@dataclass(frozen=True)
class Curve:
    """A NIST prime curve y^2 = x^3 - 3x + b over GF(p), base point (gx, gy) of prime order n."""
    name: str
    oid: str
    p: int
    b: int
    n: int
    gx: int
    gy: int

    @property
    def size(self) -> int:
        """Octets of a coordinate, and of r and s in a JWS signature (RFC 7518 section 3.4)."""
        return (self.p.bit_length() + 7) // 8

    def contains(self, x: int, y: int) -> bool:
        return 0 <= x < self.p and 0 <= y < self.p and (y * y - (x * x * x - 3 * x + self.b)) % self.p == 0


# FIPS 186-4 D.1.2.3-5 (checked against `openssl ecparam -param_enc explicit`; the tests check the
# base point is on the curve and has order n).
P256 = Curve(
    "P-256", "1.2.840.10045.3.1.7",
    p=0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff,
    b=0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b,
    n=0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551,
    gx=0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
    gy=0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5,
)
P384 = Curve(
    "P-384", "1.3.132.0.34",
    p=int("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
          "ffffffff0000000000000000ffffffff", 16),
    b=int("b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875a"
          "c656398d8a2ed19d2a85c8edd3ec2aef", 16),
    n=int("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
          "581a0db248b0a77aecec196accc52973", 16),
    gx=int("aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a38"
           "5502f25dbf55296c3a545e3872760ab7", 16),
    gy=int("3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c0"
           "0a60b1ce1d7e819d7a431d7c90ea0e5f", 16),
)
P521 = Curve(
    "P-521", "1.3.132.0.35",
    p=2 ** 521 - 1,
    b=int("0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef1"
          "09e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00", 16),
    n=int("01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
          "fffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409", 16),
    gx=int("00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d"
           "3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66", 16),
    gy=int("011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e"
           "662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650", 16),
)
CURVES = {curve.oid: curve for curve in (P256, P384, P521)}


@dataclass(frozen=True)
class EcPublicKey:
    curve: Curve
    x: int
    y: int

    @property
    def description(self) -> str:
        return f"EC {self.curve.name}"


@dataclass(frozen=True)
class Certificate:
    public_key: object  # RsaPublicKey or EcPublicKey
    not_before: float  # epoch seconds
    not_after: float


_RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
_RSASSA_PSS = "1.2.840.113549.1.1.10"  # a PSS-only RSA key; its parameters are not enforced
_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
_PEM_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)


def pem_certificate_der(pem: str) -> bytes:
    match = _PEM_CERTIFICATE.search(pem or "")
    if not match:
        raise DerError("no PEM CERTIFICATE block")
    try:
        return base64.b64decode("".join(match.group(1).split()), validate=True)
    except binascii.Error:
        raise DerError("PEM body is not base64") from None


def parse_certificate(pem: str) -> Certificate:
    """Validity and public key of the first certificate in ``pem`` (RFC 5280 section 4.1)."""
    outer = _DerReader(pem_certificate_der(pem))
    certificate = _DerReader(outer.read_content(_SEQUENCE))
    if not outer.at_end():
        raise DerError("data after the certificate")
    tbs = _DerReader(certificate.read_content(_SEQUENCE))
    if tbs.peek_tag() == _EXPLICIT_0:
        tbs.read(_EXPLICIT_0)  # version
    tbs.read(_INTEGER)  # serialNumber
    tbs.read(_SEQUENCE)  # signature algorithm
    tbs.read(_SEQUENCE)  # issuer
    validity = _DerReader(tbs.read_content(_SEQUENCE))
    not_before = _der_time(*validity.read())
    not_after = _der_time(*validity.read())
    tbs.read(_SEQUENCE)  # subject
    return Certificate(parse_subject_public_key_info(tbs.read_content(_SEQUENCE)), not_before, not_after)


def parse_subject_public_key_info(content: bytes):
    spki = _DerReader(content)
    algorithm = _DerReader(spki.read_content(_SEQUENCE))
    oid = _der_oid(algorithm.read_content(_OID))
    key_bits = spki.read_content(_BIT_STRING)
    if not key_bits or key_bits[0] != 0:
        raise DerError("public key BIT STRING has unused bits")
    key_bytes = key_bits[1:]
    if oid in (_RSA_ENCRYPTION, _RSASSA_PSS):
        rsa_key = _DerReader(_DerReader(key_bytes).read_content(_SEQUENCE))  # RFC 8017 A.1.1
        return RsaPublicKey(_der_positive_integer(rsa_key.read_content(_INTEGER)),
                            _der_positive_integer(rsa_key.read_content(_INTEGER)))
    if oid == _EC_PUBLIC_KEY:
        curve = CURVES.get(_der_oid(algorithm.read_content(_OID)))  # RFC 5480 namedCurve
        if curve is None:
            raise DerError("EC curve is not P-256, P-384 or P-521")
        x, y = _decode_point(curve, key_bytes)
        return EcPublicKey(curve, x, y)
    raise DerError(f"public key algorithm {oid} is neither RSA nor EC")


def _decode_point(curve: Curve, data: bytes) -> tuple[int, int]:
    """SEC 1 section 2.3.4: uncompressed (04 X Y) or compressed (02/03 X) point, checked on the curve."""
    size = curve.size
    if len(data) == 1 + 2 * size and data[0] == 4:
        x, y = int.from_bytes(data[1:1 + size], "big"), int.from_bytes(data[1 + size:], "big")
    elif len(data) == 1 + size and data[0] in (2, 3):
        x = int.from_bytes(data[1:], "big")
        # p = 3 (mod 4) for all three curves, so a square root is one exponentiation away.
        y = pow((x * x * x - 3 * x + curve.b) % curve.p, (curve.p + 1) // 4, curve.p)
        if y & 1 != data[0] & 1:
            y = curve.p - y
    else:
        raise DerError("EC point encoding unknown")
    if not curve.contains(x, y):
        raise DerError("EC point not on the curve")
    return x, y


def netsuite_key_problem(key) -> str | None:
    """Why NetSuite would refuse to map a certificate with this key (section_162755332391), or None."""
    if isinstance(key, RsaPublicKey) and key.n.bit_length() not in (3072, 4096):
        return f"NetSuite accepts RSA keys of 3072 or 4096 bits, not {key.n.bit_length()}"
    return None  # EC keys only parse on the three accepted curves


# --- RSASSA-PSS (RFC 8017 sections 8.1.2 and 9.1.2) ------------------------------------------------

def _digest(hash_name: str, data: bytes) -> bytes:
    return hashlib.new(hash_name, data).digest()


def mgf1(seed: bytes, length: int, hash_name: str) -> bytes:
    """RFC 8017 B.2.1."""
    output, counter = b"", 0
    while len(output) < length:
        output += _digest(hash_name, seed + counter.to_bytes(4, "big"))
        counter += 1
    return output[:length]


def rsassa_pss_verify(key: RsaPublicKey, message: bytes, signature: bytes, hash_name: str,
                      salt_length=SALT_HASH_LENGTH) -> bool:
    """RSASSA-PSS-VERIFY with MGF1 over the same hash.

    ``salt_length``: SALT_HASH_LENGTH (the default, what the emulator uses), an int, or None for
    any length. RFC 7518 section 3.5 fixes the PS256/384/512 salt at the hash length and NetSuite
    documents nothing else, so the emulator is strict: a signer left on cryptography's
    PSS.MAX_LENGTH (a common slip) is refused.
    """
    k = (key.n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    em_bits = key.n.bit_length() - 1
    em_len = (em_bits + 7) // 8
    m = pow(s, key.e, key.n)
    if m >> (8 * em_len):
        return False
    if salt_length == SALT_HASH_LENGTH:
        salt_length = hashlib.new(hash_name).digest_size
    return _emsa_pss_verify(message, m.to_bytes(em_len, "big"), em_bits, hash_name, salt_length)


def _emsa_pss_verify(message: bytes, em: bytes, em_bits: int, hash_name: str, salt_length) -> bool:
    m_hash = _digest(hash_name, message)
    h_len, em_len = len(m_hash), len(em)
    if em_len < h_len + (salt_length or 0) + 2 or em[-1] != 0xBC:
        return False
    masked_db, h = em[:em_len - h_len - 1], em[em_len - h_len - 1:-1]
    kept_bits = 0xFF >> (8 * em_len - em_bits)  # the leftmost 8*emLen - emBits bits must be zero
    if masked_db[0] & ~kept_bits & 0xFF:
        return False
    db = bytearray(a ^ b for a, b in zip(masked_db, mgf1(h, len(masked_db), hash_name)))
    db[0] &= kept_bits
    if salt_length is None:
        separator = next((i for i, byte in enumerate(db) if byte), None)
    else:
        separator = em_len - h_len - salt_length - 2
        if any(db[:separator]):
            return False
    if separator is None or db[separator] != 0x01:
        return False
    salt = bytes(db[separator + 1:])
    return hmac.compare_digest(h, _digest(hash_name, b"\x00" * 8 + m_hash + salt))


# --- ECDSA (FIPS 186-4 section 6.4, SEC 1 section 4.1.4) -------------------------------------------
# Jacobian coordinates (X, Y, Z) stand for (X/Z^2, Y/Z^3); None is the point at infinity. The
# formulas are the a = -3 ones from the Explicit-Formulas Database (dbl-2001-b, add-2007-bl).

def _double(curve: Curve, point):
    if point is None:
        return None
    x1, y1, z1 = point
    p = curve.p
    if y1 == 0:
        return None
    delta, gamma = z1 * z1 % p, y1 * y1 % p
    beta = x1 * gamma % p
    alpha = 3 * (x1 - delta) * (x1 + delta) % p
    x3 = (alpha * alpha - 8 * beta) % p
    z3 = ((y1 + z1) ** 2 - gamma - delta) % p
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % p
    return x3, y3, z3


def _add(curve: Curve, first, second):
    if first is None:
        return second
    if second is None:
        return first
    (x1, y1, z1), (x2, y2, z2), p = first, second, curve.p
    z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
    u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
    s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
    if u1 == u2:
        return _double(curve, first) if s1 == s2 else None
    h = (u2 - u1) % p
    i = 4 * h * h % p
    j = h * i % p
    r = 2 * (s2 - s1) % p
    v = u1 * i % p
    x3 = (r * r - j - 2 * v) % p
    y3 = (r * (v - x3) - 2 * s1 * j) % p
    z3 = ((z1 + z2) ** 2 - z1z1 - z2z2) * h % p
    return x3, y3, z3


def _affine(curve: Curve, point):
    if point is None or point[2] == 0:
        return None
    x, y, z = point
    z_inv = pow(z, -1, curve.p)
    return x * z_inv * z_inv % curve.p, y * z_inv * z_inv * z_inv % curve.p


def linear_combination(curve: Curve, u1: int, first: tuple, u2: int, second: tuple):
    """u1*first + u2*second (affine in, affine or None out), Shamir's trick: one pass of doublings."""
    p1, p2 = (first[0], first[1], 1), (second[0], second[1], 1)
    both = _add(curve, p1, p2)
    result = None
    for bit in range(max(u1.bit_length(), u2.bit_length()) - 1, -1, -1):
        result = _double(curve, result)
        pick = ((u1 >> bit) & 1, (u2 >> bit) & 1)
        if pick != (0, 0):
            result = _add(curve, result, {(1, 1): both, (1, 0): p1, (0, 1): p2}[pick])
    return _affine(curve, result)


def ecdsa_verify(key: EcPublicKey, message: bytes, signature: bytes, hash_name: str) -> bool:
    """``signature`` in JWS form: r and s as fixed-size big-endian octets, concatenated."""
    curve = key.curve
    size, n = curve.size, curve.n
    if len(signature) != 2 * size:
        return False
    r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    if not (1 <= r < n and 1 <= s < n):
        return False
    digest = _digest(hash_name, message)
    e = int.from_bytes(digest, "big") >> max(0, 8 * len(digest) - n.bit_length())  # leftmost bits of n's size
    w = pow(s, -1, n)
    point = linear_combination(curve, e * w % n, (curve.gx, curve.gy), r * w % n, (key.x, key.y))
    return point is not None and point[0] % n == r


# --- JWS algorithms --------------------------------------------------------------------------------

# alg -> (key type, hash, curve). NetSuite's allow-list (section_162790605110); RFC 7518 pins each
# ES alg to one curve.
JWS_ALGORITHMS = {
    "PS256": (RsaPublicKey, "sha256", None),
    "PS384": (RsaPublicKey, "sha384", None),
    "PS512": (RsaPublicKey, "sha512", None),
    "ES256": (EcPublicKey, "sha256", P256),
    "ES384": (EcPublicKey, "sha384", P384),
    "ES512": (EcPublicKey, "sha512", P521),
}


def check_algorithm(alg: str):
    if alg not in JWS_ALGORITHMS:  # RS256 (PKCS#1 v1.5), HS*, none, anything else
        raise Refusal("invalid_client", "alg not allowed")


def verify_signature(alg: str, key, jws: CompactJws):
    key_type, hash_name, curve = JWS_ALGORITHMS[alg]
    if not isinstance(key, key_type) or (curve is not None and key.curve != curve):
        raise Refusal("invalid_client", "alg does not fit the certificate key")
    if key_type is RsaPublicKey:
        valid = rsassa_pss_verify(key, jws.signing_input, jws.signature, hash_name)
    else:
        valid = ecdsa_verify(key, jws.signing_input, jws.signature, hash_name)
    if not valid:
        raise Refusal("invalid_client", "signature invalid")
