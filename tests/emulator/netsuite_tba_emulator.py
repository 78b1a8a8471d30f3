#!/usr/bin/env python
"""Emulator of NetSuite REST web services authentication, for tests: Token-Based Authentication
(OAuth 1.0a) and OAuth 2.0 client credentials (M2M).

A real HTTP server on the loopback interface that accepts the NetSuite paths the collection
probes (``serverTime`` and ``metadata-catalog``), verifies OAuth 1.0a HMAC-SHA256 signatures with
its own RFC 5849 code, and fails the way NetSuite does: every login failure is the same opaque
401 ``INVALID_LOGIN`` body, while the real reason only lands in a "login audit trail" that tests
read through the Python API or the ``/__emulator/`` control API.

M2M: the token endpoint verifies client assertions with netsuite_m2m.py (its own JWS, DER,
RSASSA-PSS and ECDSA code) and hands out 60-minute bearer tokens that the same paths accept.

Standard library only (Python 3.8+), so any interpreter can run it: unit tests, ansible
integration tests, the offline demo. See README.md next to this file for the account/scenario format.
"""
from __future__ import annotations

import argparse
import base64
import email.utils
import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote

try:  # imported as the package tests/emulator (pytest, the test bed)
    from . import netsuite_m2m as m2m
    from . import netsuite_services as services
except ImportError:  # run as a script: its folder is on sys.path
    import netsuite_m2m as m2m
    import netsuite_services as services

SERVER_TIME_PATH = "/services/rest/system/v1/serverTime"
METADATA_CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
CONTROL_PREFIX = "/__emulator/"
SUITEQL_PATH = services.SUITEQL_PATH
RECORD_PREFIX = services.RECORD_PREFIX
RESTLET_PATH = services.RESTLET_PATH
RESTLET_SCOPE = "restlets"  # what an M2M token needs for RESTlets
# Request kinds counted per account (stats()).
REQUEST_KINDS = ("token", "server_time", "metadata", "suiteql", "record", "restlet", "other")
ACCESS_TOKEN_LIFETIME_SECONDS = 3600  # Oracle: "The access token is valid for 60 minutes"
BEARER_SCOPE = "rest_webservices"  # what a token needs for the REST web services paths

SIGNATURE_METHOD = "HMAC-SHA256"
TIMESTAMP_WINDOW_SECONDS = 300
MIN_NONCE_LENGTH = 6
# Without any of these NetSuite cannot even look the token up: MissingTokenPassportRequiredFields.
REQUIRED_OAUTH_PARAMS = (
    "realm", "oauth_consumer_key", "oauth_token", "oauth_signature_method",
    "oauth_timestamp", "oauth_nonce", "oauth_signature",
)

CREDENTIAL_KEYS = ("account_id", "consumer_key", "consumer_secret", "token_id", "token_secret")
M2M_FIELDS = ("client_id", "certificates", "scopes", "revoked_certificates")
# scenario key -> (default, accepted JSON types); checked so a typo in a fixture fails loudly.
SCENARIO_FIELDS = {
    "revoked": (False, bool),
    "integration_blocked": (False, bool),
    "feature_disabled": (False, bool),
    "missing_permission": (None, (str, type(None))),
    "busy_times": (0, int),
    "server_error_times": (0, int),
    "slow_seconds": (0, (int, float)),
    "no_server_time": (False, bool),
    "clock_offset_seconds": (0, (int, float)),
    "m2m_grant_disabled": (False, bool),
}
ACCOUNT_FIELDS = ("scenario", "m2m", "role", "data")  # besides CREDENTIAL_KEYS
MISSING_PERMISSION_KINDS = (None, "user_error", "forbidden", "invalid_login")

ERROR_CONTENT_TYPE = "application/vnd.oracle.resource+json; type=error"
SUCCESS_CONTENT_TYPE = "application/json"
_RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#"
# status -> (title, "type" URI) as NetSuite puts them in its error bodies; each URI points at the
# RFC section for that status (400 is §10.4.1 - §10.5.1 would be 500).
_STATUS_INFO = {
    400: ("Bad Request", _RFC2616 + "sec10.4.1"),
    401: ("Unauthorized", _RFC2616 + "sec10.4.2"),
    403: ("Forbidden", _RFC2616 + "sec10.4.4"),
    404: ("Not Found", _RFC2616 + "sec10.4.5"),
    405: ("Method Not Allowed", _RFC2616 + "sec10.4.6"),
    429: ("Too Many Requests", "https://tools.ietf.org/html/rfc6585#section-4"),
    500: ("Internal Server Error", _RFC2616 + "sec10.5.1"),
    502: ("Bad Gateway", _RFC2616 + "sec10.5.3"),
    503: ("Service Unavailable", _RFC2616 + "sec10.5.4"),
}
INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)
MALFORMED_DETAIL = "The request could not be understood by the server due to malformed syntax."


# --- RFC 5849 signing -------------------------------------------------------------------------

def percent_encode(value: str) -> str:
    """RFC 5849 §3.6: UTF-8, keep only RFC 3986 unreserved characters, uppercase hex."""
    return quote(value, safe="")  # quote() never escapes A-Za-z0-9-._~ and emits uppercase hex


def base_string_uri(scheme: str, host: str, path: str) -> str:
    """RFC 5849 §3.4.1.2: lowercase scheme and host, drop the default port, no query string."""
    scheme, host = scheme.lower(), host.lower()
    default_port = {"http": ":80", "https": ":443"}.get(scheme)
    if default_port and host.endswith(default_port):
        host = host[: -len(default_port)]
    return f"{scheme}://{host}{path or '/'}"


def signed_parameters(oauth_params: dict[str, str], query: str) -> list[tuple[str, str]]:
    """RFC 5849 §3.4.1.3.1: header parameters minus realm/oauth_signature, plus the query.

    NetSuite's probes are GETs with JSON bodies at most, so no form body is ever signed.
    """
    pairs = [(k, v) for k, v in oauth_params.items() if k not in ("realm", "oauth_signature")]
    return pairs + parse_qsl(query, keep_blank_values=True)


def signature_base_string(method: str, base_uri: str, params: list[tuple[str, str]]) -> str:
    """RFC 5849 §3.4.1: METHOD & enc(base URI) & enc(sorted, encoded name=value pairs)."""
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in encoded)
    return "&".join((method.upper(), percent_encode(base_uri), percent_encode(normalized)))


def hmac_sha256_signature(base_string: str, consumer_secret: str, token_secret: str) -> str:
    """RFC 5849 §3.4.2 with SHA-256 (what NetSuite requires): Base64 of the HMAC digest."""
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    digest = hmac.new(key.encode(), base_string.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


# --- Authorization header ---------------------------------------------------------------------

class MalformedHeader(ValueError):
    """The Authorization header cannot be parsed; NetSuite answers 400 INVALID_REQUEST."""


# One `name="value"` item followed by a comma or the end of the header (RFC 5849 §3.5.1).
_AUTH_ITEM = re.compile(r'\s*([^\s=,"]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


def parse_authorization(header: str | None) -> dict[str, str] | None:
    """Percent-decoded parameters of an ``OAuth`` header; None if there is no OAuth header."""
    scheme, rest = ((header or "").split(None, 1) + ["", ""])[:2]
    if scheme.lower() != "oauth":
        return None
    params: dict[str, str] = {}
    rest, pos = rest.strip(), 0
    while pos < len(rest):
        match = _AUTH_ITEM.match(rest, pos)
        if not match:
            raise MalformedHeader("unquoted value or stray text")
        name, value = unquote(match[1]), unquote(match[2])
        if name in params:
            raise MalformedHeader("duplicated parameter")
        params[name] = value
        pos = match.end()
    return params


# --- Accounts ---------------------------------------------------------------------------------

def normalize_account(account: dict) -> dict:
    """Validated copy of an account with every scenario key filled in.

    An account has TBA credentials, an "m2m" integration, or both. Without "m2m" the four TBA
    secrets are required; with it they are all-or-none (an M2M-only account has them as None).
    """
    if not isinstance(account, dict):
        raise ValueError("an account must be a JSON object")
    m2m_only = "m2m" in account and not set(CREDENTIAL_KEYS[1:]) & set(account)
    required = CREDENTIAL_KEYS[:1] if m2m_only else CREDENTIAL_KEYS
    missing = [k for k in required if not isinstance(account.get(k), str) or not account[k]]
    if missing:
        raise ValueError(f"account needs non-empty string fields: {', '.join(missing)}")
    scenario = account.get("scenario") or {}
    if not isinstance(scenario, dict):
        raise ValueError("scenario must be a JSON object")
    unknown = set(account) - set(CREDENTIAL_KEYS) - set(ACCOUNT_FIELDS)
    unknown |= {f"scenario.{k}" for k in set(scenario) - set(SCENARIO_FIELDS)}
    if isinstance(account.get("m2m"), dict):
        unknown |= {f"m2m.{k}" for k in set(account["m2m"]) - set(M2M_FIELDS)}
    if unknown:
        raise ValueError(f"unknown account fields: {', '.join(sorted(unknown))}")
    for key, value in scenario.items():
        if not isinstance(value, SCENARIO_FIELDS[key][1]):
            raise ValueError(f"scenario.{key} has the wrong type: {value!r}")
    if scenario.get("missing_permission") not in MISSING_PERMISSION_KINDS:
        raise ValueError(f"scenario.missing_permission must be one of {MISSING_PERMISSION_KINDS}")
    normalized = {k: account.get(k) for k in CREDENTIAL_KEYS}
    normalized["m2m"] = normalize_m2m(account["m2m"]) if "m2m" in account else None
    normalized["scenario"] = {k: scenario.get(k, default) for k, (default, _types) in SCENARIO_FIELDS.items()}
    normalized["role"] = services.normalize_role(account.get("role"))
    normalized["data"] = services.normalize_data(account.get("data"))
    return normalized


def normalize_m2m(integration) -> dict:
    """The account's OAuth 2.0 client credentials set-up, checked; certificates parsed to be sure.

    {"client_id": str, "certificates": {certificate_id: PEM}, "scopes": [...] (the integration
    record's scopes, default ["rest_webservices"]), "revoked_certificates": [certificate_id]}
    """
    if not isinstance(integration, dict):
        raise ValueError("m2m must be a JSON object")
    client_id, certificates = integration.get("client_id"), integration.get("certificates", {})
    scopes = integration.get("scopes", [BEARER_SCOPE])
    revoked = integration.get("revoked_certificates", [])
    if not isinstance(client_id, str) or not client_id:
        raise ValueError("m2m.client_id must be a non-empty string")
    if not isinstance(certificates, dict):
        raise ValueError("m2m.certificates must map certificate IDs to PEM certificates")
    for certificate_id, pem in certificates.items():
        _mapped_certificate(certificate_id, pem)
    if not isinstance(scopes, list) or not set(scopes) <= set(m2m.KNOWN_SCOPES):
        raise ValueError(f"m2m.scopes must be a list of {', '.join(m2m.KNOWN_SCOPES)}")
    if not isinstance(revoked, list) or not set(revoked) <= set(certificates):
        raise ValueError("m2m.revoked_certificates must list certificate IDs of m2m.certificates")
    return {"client_id": client_id, "certificates": dict(certificates), "scopes": list(scopes),
            "revoked_certificates": list(revoked)}


def _mapped_certificate(certificate_id, pem) -> m2m.Certificate:
    """A certificate as NetSuite's M2M set-up page would take it, else ValueError naming the ID."""
    if not isinstance(certificate_id, str) or not certificate_id or not isinstance(pem, str):
        raise ValueError("m2m.certificates must map non-empty certificate IDs to PEM strings")
    try:
        certificate = m2m.parse_certificate(pem)
    except ValueError as exc:  # DerError, and bad text in times
        raise ValueError(f"m2m.certificates[{certificate_id}]: not a usable certificate: {exc}") from None
    problem = m2m.netsuite_key_problem(certificate.public_key)
    if problem:
        raise ValueError(f"m2m.certificates[{certificate_id}]: {problem}")
    return certificate


def load_accounts(path: str) -> list[dict]:
    """Accounts file: a JSON list of accounts, or an object with an "accounts" list."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    accounts = data.get("accounts") if isinstance(data, dict) else data
    if not isinstance(accounts, list):
        raise ValueError(f"{path}: expected a list of accounts or {{\"accounts\": [...]}}")
    return accounts


@dataclass
class _Mapping:
    """One row of OAuth 2.0 Client Credentials (M2M) Setup: a certificate mapped to the integration."""
    certificate: m2m.Certificate
    revoked: bool = False


@dataclass
class _AccessToken:
    expires_at: float  # emulator clock (real time, without the account's clock offset)
    scopes: frozenset


@dataclass
class _AccountState:
    config: dict
    busy_left: int = 0
    errors_left: int = 0
    used_nonces: set = field(default_factory=set)  # (nonce, timestamp) pairs seen on this token
    mappings: dict = field(default_factory=dict)  # certificate ID -> _Mapping
    access_tokens: dict = field(default_factory=dict)  # bearer token -> _AccessToken
    service: services.AccountServices | None = None  # the role and the records
    in_flight: int = 0  # requests received and not yet answered
    max_in_flight: int = 0  # the most at once since the last reset
    counts: dict = field(default_factory=dict)  # request kind -> number, since the last reset

    def __post_init__(self):
        self.service = services.AccountServices(self.config["role"], self.config["data"])
        integration = self.m2m or {"certificates": {}, "revoked_certificates": []}
        for certificate_id, pem in integration["certificates"].items():
            self.mappings[certificate_id] = _Mapping(_mapped_certificate(certificate_id, pem),
                                                     certificate_id in integration["revoked_certificates"])
        self.reset()

    @property
    def account_id(self) -> str:
        return self.config["account_id"]

    @property
    def scenario(self) -> dict:
        return self.config["scenario"]

    @property
    def m2m(self) -> dict | None:
        return self.config["m2m"]

    @property
    def host_label(self) -> str:
        """The account's label in NetSuite host names: 1234567_SB1 -> 1234567-sb1."""
        return self.account_id.lower().replace("_", "-")

    def reset(self):
        self.busy_left = self.scenario["busy_times"]
        self.errors_left = self.scenario["server_error_times"]
        self.used_nonces.clear()
        self.service.reset()
        self.max_in_flight = self.in_flight  # requests still being served stay counted
        self.counts = dict.fromkeys(REQUEST_KINDS, 0)


def _take(counter: int) -> tuple[bool, int]:
    """One use of a "first N requests" counter: (fires?, new value); -1 means forever."""
    if counter == 0:
        return False, 0
    return True, counter if counter < 0 else counter - 1


# --- Request handling -------------------------------------------------------------------------

@dataclass
class _Response:
    status: int
    body: object
    headers: dict = field(default_factory=dict)
    date_epoch: float | None = None  # the Date header: the account's clock, else real now
    delay_seconds: float = 0  # slow_seconds scenario plus the hold: wait this long before answering
    media_type: str | None = None  # set for OAuth answers, which are plain JSON even as errors

    @property
    def content_type(self) -> str:
        if self.media_type:
            return self.media_type
        return ERROR_CONTENT_TYPE if self.status >= 400 else SUCCESS_CONTENT_TYPE


def netsuite_error(status: int, code: str, detail: str, headers: dict | None = None, **extra) -> _Response:
    """REST web services error body; ``extra``: more members of the detail, e.g. o:errorQueryParam."""
    title, type_uri = _STATUS_INFO[status]
    body = {"type": type_uri, "title": title, "status": status,
            "o:errorDetails": [dict({"detail": detail}, **extra, **{"o:errorCode": code})]}
    return _Response(status, body, headers or {})


RESTLET_INVALID_LOGIN = ("INVALID_LOGIN_ATTEMPT", "Invalid login attempt.")
# REST web services codes -> what RESTlets say for the same condition.
_RESTLET_CODES = {"CONCURRENCY_LIMIT_EXCEEDED": "SSS_REQUEST_LIMIT_EXCEEDED"}


def restlet_error(status: int, code: str, message: str, headers: dict | None = None) -> _Response:
    """RESTlets answer errors as {"error": {"code", "message"}} in plain JSON."""
    return _Response(status, {"error": {"code": code, "message": message}}, headers or {},
                     media_type=SUCCESS_CONTENT_TYPE)


def as_restlet_error(response: _Response) -> _Response:
    """The same condition (busy, 5xx, malformed header) in the RESTlet shape."""
    detail = response.body["o:errorDetails"][0]
    code = detail["o:errorCode"]
    return restlet_error(response.status, _RESTLET_CODES.get(code, code), detail["detail"], response.headers)


# RFC 6749 section 5.1: token endpoint answers must not be cached.
_TOKEN_RESPONSE_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(code: str) -> _Response:
    """A refused token request: HTTP 400 and only the code, the shape Oracle documents for its token
    endpoint ({"error": "<error_value>"}); RFC 6749 section 5.2 makes 400 the status for every code
    when the client did not authenticate with an Authorization header, as M2M clients do not."""
    return _Response(400, {"error": code}, dict(_TOKEN_RESPONSE_HEADERS), media_type=SUCCESS_CONTENT_TYPE)


class LoginFailure(Exception):
    """A refused login: the client only ever sees INVALID_LOGIN, the audit trail gets `detail`."""

    def __init__(self, detail: str, account: _AccountState | None = None):
        super().__init__(detail)
        self.detail = detail
        self.account = account


@dataclass
class _Request:
    method: str
    path: str
    query: str
    host: str
    authorization: str | None
    body: bytes = b""
    content_type: str | None = None
    prefer: str | None = None
    # Filled in while authenticating, for the request log:
    realm: str | None = None
    nonce: str | None = None
    account: _AccountState | None = None


def _utc_iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class NetSuiteEmulator:
    """In-process NetSuite TBA emulator; ``start()`` serves it from a daemon thread."""

    def __init__(self, accounts=(), host: str = "127.0.0.1", port: int = 0, clock=time.time,
                 hold_seconds: float = 0):
        # The control API can add accounts without authentication: never expose it off-host.
        if not ipaddress.IPv4Address(host).is_loopback:
            raise ValueError(f"refusing to bind to non-loopback address {host}")
        self._address = (host, port)
        self._clock = clock  # injectable so tests can pin "now" to the second
        self._lock = threading.Lock()
        self._accounts: dict[str, _AccountState] = {}
        self._requests: list[dict] = []
        self._audit: list[dict] = []
        self._faults: list[dict] = []  # scripted answers, see add_fault()
        self._hold_seconds = 0.0
        self.set_hold(hold_seconds)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        for account in accounts:
            self.add_account(account)

    # -- lifecycle --

    def start(self) -> "NetSuiteEmulator":
        if self._server is None:
            self._server = _Server(self._address, _Handler, self)
            # A short poll interval keeps stop() fast; tests start and stop one server each.
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="netsuite-tba-emulator", daemon=True)
            self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("emulator is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- state --

    def add_account(self, account: dict):
        """Add or replace (by account_id); replacing also resets its counters and nonces."""
        state = _AccountState(normalize_account(account))
        with self._lock:
            self._accounts[state.account_id] = state

    def add_certificate(self, account_id: str, certificate_id: str, certificate_pem: str):
        """Map another certificate to the account's integration (rotation: NetSuite allows several
        active certificates per integration). ValueError for an unknown account or a bad certificate."""
        certificate = _mapped_certificate(certificate_id, certificate_pem)
        with self._lock:
            state = self._m2m_account(account_id)
            state.mappings[certificate_id] = _Mapping(certificate)

    def revoke_certificate(self, account_id: str, certificate_id: str):
        """The Revoke button of the M2M set-up page: the mapping stays listed but is refused."""
        with self._lock:
            state = self._m2m_account(account_id)
            if certificate_id not in state.mappings:
                raise ValueError(f"certificate ID {certificate_id} is not mapped for {account_id}")
            state.mappings[certificate_id].revoked = True

    def _m2m_account(self, account_id: str) -> _AccountState:
        state = self._accounts.get(account_id)
        if state is None or state.m2m is None:
            raise ValueError(f"no account {account_id} with an m2m integration")
        return state

    def requests(self, realm: str | None = None) -> list[dict]:
        with self._lock:
            return _filter_by_realm(self._requests, realm)

    def audit_trail(self, realm: str | None = None) -> list[dict]:
        with self._lock:
            return _filter_by_realm(self._audit, realm)

    def reset_log(self):
        """Clear request log and audit trail, forget used nonces, re-arm busy/5xx counters, drop
        scripted faults, zero the per-account stats and restore each account's records.
        Access tokens already issued stay valid, as they would on NetSuite. The hold stays."""
        with self._lock:
            self._requests.clear()
            self._audit.clear()
            self._faults.clear()
            for state in self._accounts.values():
                state.reset()

    # -- observability and scripted faults --

    def set_hold(self, seconds: float):
        """Hold every NetSuite answer this long (slow NetSuite); other requests are served meanwhile."""
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds <= 60:
            raise ValueError("hold_seconds must be a number from 0 to 60")
        self._hold_seconds = float(seconds)

    @property
    def hold_seconds(self) -> float:
        return self._hold_seconds

    def add_fault(self, status: int, method: str | None = None, path: str | None = None, times: int = 1,
                  account_id: str | None = None, retry_after: str | None = None):
        """The next ``times`` authenticated requests matching method (None: any), path (exact, or a
        prefix when it ends with "*"; None: any) and account (None: any) get ``status`` with
        NetSuite's error body (429 CONCURRENCY_LIMIT_EXCEEDED, 5xx UNEXPECTED_ERROR). -1: forever."""
        if status not in _STATUS_INFO or status < 429:
            raise ValueError(f"fault status must be one of {sorted(s for s in _STATUS_INFO if s >= 429)}")
        if not isinstance(times, int) or times == 0 or times < -1:
            raise ValueError("fault times must be a positive integer or -1")
        fault = {"status": status, "method": method.upper() if method else None, "path": path, "times": times,
                 "account_id": account_id, "retry_after": retry_after}
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self):
        with self._lock:
            self._faults.clear()

    def _take_fault(self, request: _Request) -> _Response | None:
        with self._lock:
            for fault in self._faults:
                if _fault_matches(fault, request):
                    fires, fault["times"] = _take(fault["times"])
                    if fault["times"] == 0:
                        self._faults.remove(fault)
                    return _fault_response(fault) if fires else None
        return None

    def stats(self, account_id: str | None = None) -> dict:
        """{account_id: {"requests": {kind: n}, "total": n, "max_in_flight": n, "in_flight": n}}
        since the last reset; requests that could not be attributed to an account are not counted."""
        with self._lock:
            return {a.account_id: {"requests": dict(a.counts), "total": sum(a.counts.values()),
                                   "max_in_flight": a.max_in_flight, "in_flight": a.in_flight}
                    for a in self._accounts.values() if account_id in (None, a.account_id)}

    def begin(self, request: _Request) -> _AccountState | None:
        """A request arrived: count it in flight for the account it names (realm, bearer token,
        host name or assertion issuer), before any check, so even refused requests count."""
        account = self._attribute(request)
        if account is not None:
            with self._lock:
                account.in_flight += 1
                account.max_in_flight = max(account.max_in_flight, account.in_flight)
        return account

    def end(self, account: _AccountState | None):
        """Called just before the answer is written: never later, so a client's next request can
        never overlap this one in the count."""
        if account is not None:
            with self._lock:
                account.in_flight -= 1

    def _attribute(self, request: _Request) -> _AccountState | None:
        scheme, _sep, credentials = (request.authorization or "").strip().partition(" ")
        if scheme.lower() == "bearer":
            with self._lock:
                return next((a for a in self._accounts.values() if credentials.strip() in a.access_tokens), None)
        if scheme.lower() == "oauth":
            try:
                realm = (parse_authorization(request.authorization) or {}).get("realm")
            except MalformedHeader:
                return None
            return self._account_for_realm(realm)
        host_account = self._account_for_host(request.host)
        if host_account is not None or request.path != TOKEN_PATH:
            return host_account
        try:  # the assertion's issuer names the integration; nothing is verified here
            issuer = m2m.parse_compact_jws(m2m.parse_token_form(request.content_type, request.body)
                                           .get("client_assertion", "")).claims.get("iss")
        except (ValueError, m2m.Refusal):
            return None
        with self._lock:
            found = [a for a in self._accounts.values() if a.m2m and a.m2m["client_id"] == issuer]
        return found[0] if len(found) == 1 else None

    # -- NetSuite behaviour (called by the handler thread) --

    def handle(self, request: _Request) -> _Response:
        real_now = self._clock()
        audit_detail = None
        try:
            if request.path == TOKEN_PATH:
                response = self._token_endpoint(request, real_now)
            else:
                self._authenticate(request, real_now)
                response = self._serve_authenticated(request, real_now)
        except MalformedHeader:
            response = netsuite_error(400, "INVALID_REQUEST", MALFORMED_DETAIL)
            if request.path == RESTLET_PATH:
                response = as_restlet_error(response)
        except LoginFailure as failure:
            request.account = request.account or failure.account
            audit_detail = failure.detail
            response = (restlet_error(401, *RESTLET_INVALID_LOGIN) if request.path == RESTLET_PATH
                        else netsuite_error(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL))
        except m2m.Refusal as refusal:
            audit_detail = refusal.detail
            response = oauth_error(refusal.error)
        except services.RestletError as error:  # only after authentication
            audit_detail = error.cause
            response = restlet_error(error.status, error.code, error.message)
        except services.NetSuiteError as error:
            response = netsuite_error(error.status, error.code, error.detail, **error.extra)
        self._record(request, response, audit_detail, real_now)
        response.date_epoch = _account_now(request.account, real_now)
        slow = request.account.scenario["slow_seconds"] if request.account else 0
        response.delay_seconds = slow + self._hold_seconds
        return response

    def _authenticate(self, request: _Request, real_now: float):
        """Run NetSuite's checks in order; return normally only for a valid, fresh signature."""
        scheme, _sep, credentials = (request.authorization or "").strip().partition(" ")
        if scheme.lower() == "bearer":
            self._authenticate_bearer(request, credentials.strip(), real_now)
            return
        params = parse_authorization(request.authorization) or {}
        request.realm, request.nonce = params.get("realm"), params.get("oauth_nonce")
        if any(name not in params for name in REQUIRED_OAUTH_PARAMS):
            raise LoginFailure("MissingTokenPassportRequiredFields", self._account_for_realm(request.realm))
        if params.get("oauth_version", "1.0") != "1.0":
            raise MalformedHeader("unsupported oauth_version")
        if params["oauth_signature_method"] != SIGNATURE_METHOD:
            raise LoginFailure("UnsupportedSignatureMethod", self._account_for_realm(request.realm))
        account = self._resolve_account(params["realm"], params["oauth_consumer_key"])
        request.account = account
        self._check_account_state(account, params["oauth_token"])
        self._check_freshness(account, params, _account_now(account, real_now))
        self._check_signature(account, request, params)
        self._consume_nonce(account, params)

    def _account_for_realm(self, realm: str | None) -> _AccountState | None:
        """Exact account id, else a case-insensitive match (so wrong-case realms are attributed)."""
        with self._lock:
            if realm in self._accounts:
                return self._accounts[realm]
            matches = [a for a in self._accounts.values() if realm and a.account_id.upper() == realm.upper()]
            return matches[0] if len(matches) == 1 else None

    def _resolve_account(self, realm: str, consumer_key: str) -> _AccountState:
        account = self._account_for_realm(realm)
        if account is None or account.config["consumer_key"] != consumer_key:
            with self._lock:
                owner = next((a for a in self._accounts.values() if a.config["consumer_key"] == consumer_key), None)
            # A known key under the wrong realm fails the signature, as on NetSuite.
            raise LoginFailure("InvalidSignature" if owner else "consumer_key_unknown", owner or account)
        if account.account_id != realm:
            # NetSuite treats `1234567_sb1` as a different realm: the signature "does not match".
            raise LoginFailure("InvalidSignature", account)
        return account

    @staticmethod
    def _check_account_state(account: _AccountState, token_id: str):
        scenario = account.scenario
        if scenario["integration_blocked"]:
            raise LoginFailure("consumer_key_refused", account)
        if scenario["feature_disabled"]:
            raise LoginFailure("FeatureDisabled", account)
        if token_id != account.config["token_id"]:
            raise LoginFailure("InvalidToken", account)
        if scenario["revoked"]:
            raise LoginFailure("TokenRevoked", account)

    @staticmethod
    def _check_freshness(account: _AccountState, params: dict, account_now: float):
        if len(params["oauth_nonce"]) < MIN_NONCE_LENGTH:
            raise LoginFailure("nonce_rejected", account)
        timestamp = params["oauth_timestamp"]
        if not re.fullmatch(r"[0-9]+", timestamp) or abs(int(timestamp) - account_now) > TIMESTAMP_WINDOW_SECONDS:
            raise LoginFailure("InvalidTimestamp", account)

    @staticmethod
    def _check_signature(account: _AccountState, request: _Request, params: dict):
        base = signature_base_string(request.method, base_string_uri("http", request.host, request.path),
                                     signed_parameters(params, request.query))
        expected = hmac_sha256_signature(base, account.config["consumer_secret"], account.config["token_secret"])
        if not hmac.compare_digest(expected.encode(), params["oauth_signature"].encode()):
            raise LoginFailure("InvalidSignature", account)

    def _consume_nonce(self, account: _AccountState, params: dict):
        # Checked after the signature so forged requests cannot burn a client's nonces.
        pair = (params["oauth_nonce"], params["oauth_timestamp"])
        with self._lock:
            if pair in account.used_nonces:
                raise LoginFailure("nonce_used", account)
            account.used_nonces.add(pair)

    # -- OAuth 2.0: bearer tokens --

    def _authenticate_bearer(self, request: _Request, token: str, real_now: float):
        host_account = self._account_for_host(request.host)
        with self._lock:
            found = next(((state, state.access_tokens[token]) for state in self._accounts.values()
                          if token in state.access_tokens), None)
        if found is None:
            raise LoginFailure("access token unknown", host_account)
        account, grant = found
        if host_account is not None and host_account is not account:
            request.account = host_account  # NetSuite would log it in the account the host names
            raise LoginFailure("access token of another account", host_account)
        request.account = account
        if real_now >= grant.expires_at:
            raise LoginFailure("access token expired", request.account)
        needed = RESTLET_SCOPE if request.path == RESTLET_PATH else BEARER_SCOPE
        if needed not in grant.scopes:  # Oracle's ScopeMismatched
            raise LoginFailure(f"access token scope lacks {needed}", request.account)

    # -- OAuth 2.0: the client credentials token endpoint --

    def _token_endpoint(self, request: _Request, real_now: float) -> _Response:
        """Checks in NetSuite's likely order (the request, the assertion's form, whose integration,
        which certificate, the signature, then the claims); the first failure raises m2m.Refusal."""
        if request.method != "POST":
            raise m2m.Refusal("invalid_request", "token endpoint needs POST")
        request.account = self._account_for_host(request.host)
        form = m2m.parse_token_form(request.content_type, request.body)
        m2m.check_grant_parameters(form)
        jws = m2m.parse_compact_jws(form["client_assertion"])
        try:  # found first so that malformed assertions are still attributed to their account
            request.account, not_found = self._m2m_account_for(request, jws), None
        except m2m.Refusal as refusal:
            not_found = refusal
        m2m.check_header_shape(jws.header)
        m2m.check_claim_types(jws.claims)
        if not_found:
            raise not_found
        account = request.account
        account_now = _account_now(account, real_now)
        self._check_integration(account, jws)
        m2m.check_algorithm(jws.header["alg"])
        mapping = self._check_mapping(account, jws.header["kid"], account_now)
        m2m.verify_signature(jws.header["alg"], mapping.certificate.public_key, jws)
        m2m.check_audience(jws.claims, f"http://{request.host}{TOKEN_PATH}")
        m2m.check_lifetime(jws.claims, account_now)
        scopes = m2m.requested_scopes(jws.claims["scope"])
        if not scopes <= set(account.m2m["scopes"]):  # Oracle's ScopeMismatched
            raise m2m.Refusal("invalid_scope", "scope not enabled on the integration")
        throttled = self._take_throttle(account) or self._take_fault(request)
        if throttled:
            return throttled
        return self._issue_access_token(account, scopes, real_now)

    def _account_for_host(self, host: str) -> _AccountState | None:
        """The account a NetSuite host name such as 1234567-sb1.suitetalk.api.netsuite.com names;
        None for IP addresses and localhost, where all accounts share one address."""
        label = _host_label(host)
        with self._lock:
            return next((a for a in self._accounts.values() if label and a.host_label == label), None)

    def _m2m_account_for(self, request: _Request, jws: m2m.CompactJws) -> _AccountState:
        """The account from the Host header as on NetSuite; on a shared loopback address, the
        account whose integration has the assertion's iss, else the one that maps its kid."""
        if request.account is not None:
            if request.account.m2m is None:
                raise m2m.Refusal("invalid_client", "no OAuth 2.0 client credentials integration")
            return request.account
        if _host_label(request.host):
            raise m2m.Refusal("invalid_client", "no account for this host name")
        iss, kid = jws.claims.get("iss"), jws.header.get("kid")
        with self._lock:
            integrated = [a for a in self._accounts.values() if a.m2m is not None]
        by_client = [a for a in integrated if isinstance(iss, str) and a.m2m["client_id"] == iss]
        by_kid = [a for a in (by_client or integrated) if isinstance(kid, str) and kid in a.mappings]
        for candidates in (by_client, by_kid):
            if len(candidates) == 1:
                return candidates[0]
        # Two accounts with this integration and the certificate mapped in both (or neither):
        # only a host name could tell them apart.
        raise m2m.Refusal("invalid_client", "iss unknown" if not by_client else "account ambiguous: use a host name")

    @staticmethod
    def _check_integration(account: _AccountState, jws: m2m.CompactJws):
        scenario = account.scenario
        if jws.claims["iss"] != account.m2m["client_id"]:
            raise m2m.Refusal("invalid_client", "iss unknown")  # Oracle's InvalidIntegration
        if scenario["integration_blocked"]:
            raise m2m.Refusal("invalid_client", "integration blocked")
        if scenario["feature_disabled"]:
            raise m2m.Refusal("invalid_client", "OAuth 2.0 feature disabled")
        if scenario["m2m_grant_disabled"]:
            raise m2m.Refusal("unauthorized_client", "client credentials grant not enabled on the integration")

    def _check_mapping(self, account: _AccountState, kid: str, account_now: float) -> _Mapping:
        with self._lock:
            mapping = account.mappings.get(kid)
            revoked = mapping is not None and (mapping.revoked or account.scenario["revoked"])
        if mapping is None:
            raise m2m.Refusal("invalid_client", "kid not mapped")
        if revoked:
            raise m2m.Refusal("invalid_client", "mapping revoked")
        if account_now < mapping.certificate.not_before:
            raise m2m.Refusal("invalid_client", "certificate not yet valid")
        if account_now >= mapping.certificate.not_after:
            raise m2m.Refusal("invalid_client", "certificate expired")  # expiry ends the mapping
        return mapping

    def _issue_access_token(self, account: _AccountState, scopes: frozenset, real_now: float) -> _Response:
        # Opaque to clients (NetSuite's is a JWT, but nothing may depend on reading it).
        token = secrets.token_urlsafe(64)
        with self._lock:
            account.access_tokens[token] = _AccessToken(real_now + ACCESS_TOKEN_LIFETIME_SECONDS, scopes)
        body = {"access_token": token, "expires_in": str(ACCESS_TOKEN_LIFETIME_SECONDS), "token_type": "bearer"}
        return _Response(200, body, dict(_TOKEN_RESPONSE_HEADERS))

    # -- what authenticated requests get --

    def _serve_authenticated(self, request: _Request, real_now: float) -> _Response:
        if request.path == RESTLET_PATH:
            return self._serve_restlet(request)
        account = request.account
        route = self._route(request, account)
        if route is None:
            return netsuite_error(404, "NOT_FOUND", f"The requested resource {request.path} was not found.")
        throttled = self._take_throttle(account) or self._take_fault(request)
        if throttled:
            return throttled
        if account.scenario["missing_permission"] == "invalid_login":
            # Also seen for a role without REST Web Services (brief 4.1): the opaque 401.
            raise LoginFailure("role lacks the REST Web Services permission", account)
        denied = _permission_error(account.scenario["missing_permission"])
        if denied:
            return denied
        with self._lock:  # the role check and the record store share the emulator's lock
            account.service.check_rest_web_services()
            return route(_account_now(account, real_now))

    def _serve_restlet(self, request: _Request) -> _Response:
        """RESTlets need no REST Web Services permission; errors come in the RESTlet shape."""
        throttled = self._take_throttle(request.account) or self._take_fault(request)
        if throttled:
            return as_restlet_error(throttled)
        with self._lock:
            answer = request.account.service.restlet(request.method, request.query, request.body)
        return _Response(answer.status, answer.body, answer.headers)

    @staticmethod
    def _route(request: _Request, account: _AccountState):
        """The endpoint function for this request (called with the account's now), or None (404)."""
        service, base_url = account.service, f"http://{request.host}"
        if request.path == SUITEQL_PATH:
            return lambda _now: _answer(service.suiteql(request.method, request.query, request.prefer,
                                                        request.body, base_url))
        if request.method == "GET" and request.path == SERVER_TIME_PATH and not account.scenario["no_server_time"]:
            return _server_time  # no_server_time: releases before 2025.2 lack this endpoint
        if request.method == "GET" and request.path == METADATA_CATALOG_PATH:
            return _metadata_catalog
        if request.path.startswith(RECORD_PREFIX) and request.path != METADATA_CATALOG_PATH:
            rest = request.path[len(RECORD_PREFIX):]
            return lambda _now: _answer(service.record(request.method, rest, request.query, request.body, base_url))
        return None

    def _take_throttle(self, account: _AccountState) -> _Response | None:
        with self._lock:
            busy, account.busy_left = _take(account.busy_left)
            if busy:
                return netsuite_error(429, "CONCURRENCY_LIMIT_EXCEEDED",
                                      "Concurrent request limit exceeded. Request blocked.",
                                      {"Retry-After": "1"})
            failing, account.errors_left = _take(account.errors_left)
            if failing:
                return netsuite_error(503, "UNEXPECTED_ERROR",
                                      "An unexpected error occurred. Please try again later.")
        return None

    def _record(self, request: _Request, response: _Response, audit_detail: str | None, real_now: float):
        """Request log and login audit trail; by construction they never hold keys, secrets or
        signatures (the consumer key and token id are credentials too, brief §1.1)."""
        when, account_id = _utc_iso(real_now), request.account.account_id if request.account else None
        entry = {"time": when, "method": request.method, "path": request.path, "query": request.query,
                 "realm": request.realm, "account_id": account_id, "status": response.status,
                 "audit_detail": audit_detail, "nonce": request.nonce}
        with self._lock:
            self._requests.append(entry)
            if request.account is not None:
                kind = _request_kind(request.path)
                request.account.counts[kind] = request.account.counts.get(kind, 0) + 1
            if audit_detail:
                self._audit.append({"time": when, "realm": request.realm, "account_id": account_id,
                                    "detail": audit_detail})

    # -- control API --

    def handle_control(self, method: str, path: str, query: str, body: bytes) -> _Response:
        response = self._control(method, path, dict(parse_qsl(query)).get("realm"), body)
        response.date_epoch = self._clock()
        return response

    def _control(self, method: str, path: str, realm: str | None, body: bytes) -> _Response:
        if (method, path) == ("GET", CONTROL_PREFIX + "requests"):
            return _Response(200, self.requests(realm))
        if (method, path) == ("GET", CONTROL_PREFIX + "audit"):
            return _Response(200, self.audit_trail(realm))
        if (method, path) == ("POST", CONTROL_PREFIX + "reset"):
            self.reset_log()
            return _Response(200, {"reset": True})
        if (method, path) == ("POST", CONTROL_PREFIX + "accounts"):
            try:
                account = json.loads(body or b"null")
                self.add_account(account)
            except ValueError as exc:  # JSONDecodeError is a ValueError too
                return _Response(400, {"error": str(exc)})
            return _Response(200, {"account_id": account["account_id"]})
        if method == "POST" and path in (CONTROL_PREFIX + "m2m/certificates", CONTROL_PREFIX + "m2m/revoke"):
            return self._control_mapping(path, realm, body)
        if (method, path) == ("GET", CONTROL_PREFIX + "stats"):
            return _Response(200, self.stats(realm))
        if path == CONTROL_PREFIX + "faults" and method in ("POST", "DELETE"):
            return self._control_faults(method, realm, body)
        if path == CONTROL_PREFIX + "settings" and method in ("GET", "POST"):
            return self._control_settings(method, body)
        return _Response(404, {"error": f"unknown control endpoint {method} {path}"})

    def _control_faults(self, method: str, realm: str | None, body: bytes) -> _Response:
        """POST {"status", "method", "path", "times", "retry_after"} [?realm=X]: add; DELETE: clear all."""
        if method == "DELETE":
            self.clear_faults()
            return _Response(200, {"faults": 0})
        try:
            fault = json.loads(body or b"null")
            if not isinstance(fault, dict) or set(fault) - {"status", "method", "path", "times", "retry_after"}:
                raise ValueError("needs a JSON object with status and optional method, path, times, retry_after")
            self.add_fault(account_id=realm, **fault)
        except (ValueError, TypeError) as exc:
            return _Response(400, {"error": str(exc)})
        return _Response(200, {"added": True})

    def _control_settings(self, method: str, body: bytes) -> _Response:
        """GET: {"hold_seconds"}; POST {"hold_seconds": 0.3}: hold every NetSuite answer."""
        if method == "POST":
            try:
                settings = json.loads(body or b"null")
                if not isinstance(settings, dict) or set(settings) != {"hold_seconds"}:
                    raise ValueError('needs {"hold_seconds": <number>}')
                self.set_hold(settings["hold_seconds"])
            except ValueError as exc:
                return _Response(400, {"error": str(exc)})
        return _Response(200, {"hold_seconds": self._hold_seconds})

    def _control_mapping(self, path: str, realm: str | None, body: bytes) -> _Response:
        """Add (body {"certificate_id", "certificate"}) or revoke (body {"certificate_id"}) a mapping."""
        try:
            request = json.loads(body or b"null")
            if not isinstance(request, dict) or not realm:
                raise ValueError("needs ?realm=<account ID> and a JSON object body")
            if path.endswith("/revoke"):
                self.revoke_certificate(realm, request.get("certificate_id"))
            else:
                self.add_certificate(realm, request.get("certificate_id"), request.get("certificate"))
        except ValueError as exc:
            return _Response(400, {"error": str(exc)})
        return _Response(200, {"account_id": realm, "certificate_id": request["certificate_id"]})


def _host_label(host: str) -> str | None:
    """First label of a Host header's name (port dropped, lower case); None for an IP address or
    localhost."""
    name = (host or "").strip().lower()
    if name.startswith("["):  # IPv6 literal
        return None
    name = name.rsplit(":", 1)[0] if ":" in name else name
    try:
        ipaddress.ip_address(name)
        return None
    except ValueError:
        pass
    return None if name in ("", "localhost") else name.split(".", 1)[0]


def _account_now(account: _AccountState | None, real_now: float) -> float:
    """NetSuite's clock for that account (clock_offset_seconds), else real now."""
    return real_now + (account.scenario["clock_offset_seconds"] if account else 0)


def _server_time(account_now: float) -> _Response:
    return _Response(200, {"serverTime": _utc_iso(account_now)})


def _metadata_catalog(_account_now: float) -> _Response:
    return _Response(200, {"items": [{"name": "customer", "links": []}]})


def _answer(answer: services.Answer) -> _Response:
    return _Response(answer.status, answer.body, answer.headers)


def _request_kind(path: str) -> str:
    if path == TOKEN_PATH:
        return "token"
    if path == SERVER_TIME_PATH:
        return "server_time"
    if path == METADATA_CATALOG_PATH:
        return "metadata"
    if path == SUITEQL_PATH:
        return "suiteql"
    if path == RESTLET_PATH:
        return "restlet"
    return "record" if path.startswith(RECORD_PREFIX) else "other"


def _fault_matches(fault: dict, request: _Request) -> bool:
    path = fault["path"]
    path_ok = path is None or request.path == path or (path.endswith("*") and request.path.startswith(path[:-1]))
    return (path_ok and fault["method"] in (None, request.method)
            and fault["account_id"] in (None, request.account.account_id))


def _fault_response(fault: dict) -> _Response:
    if fault["status"] == 429:
        return netsuite_error(429, "CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked.",
                              {"Retry-After": fault["retry_after"] or "1"})
    headers = {"Retry-After": fault["retry_after"]} if fault["retry_after"] else {}
    return netsuite_error(fault["status"], "UNEXPECTED_ERROR",
                          "An unexpected error occurred. Please try again later.", headers)


def _permission_error(kind: str | None) -> _Response | None:
    """Role lacks REST permissions: reported only after the signature was accepted (brief §4.1)."""
    if kind == "user_error":
        return netsuite_error(400, "USER_ERROR", "Your current role does not have permission to perform this action.")
    if kind == "forbidden":
        return netsuite_error(403, "INSUFFICIENT_PERMISSION",
                              "Permission Violation: You need the 'REST Web Services' permission to access "
                              "this page. Please contact your account administrator.")
    return None


def _filter_by_realm(entries: list[dict], realm: str | None) -> list[dict]:
    """Entries about `realm`: sent with that realm, or attributed to that account id."""
    return [dict(e) for e in entries if realm is None or realm in (e["realm"], e["account_id"])]


# --- HTTP plumbing ----------------------------------------------------------------------------

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The standard library's backlog of 5 makes a fleet's bursts wait for SYN retries (seconds).
    request_queue_size = 256

    def __init__(self, address, handler, emulator: NetSuiteEmulator):
        super().__init__(address, handler)
        self.emulator = emulator

    def handle_error(self, request, client_address):
        # Clients that time out on slow_seconds scenarios hang up before we answer: expected.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server_version = "NetSuiteTBAEmulator/1.0"
    _date_epoch: float | None = None  # epoch for the Date header of the response being sent

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def do_PUT(self):
        self._serve()

    def do_PATCH(self):
        self._serve()

    def do_DELETE(self):
        self._serve()

    def _serve(self):
        emulator: NetSuiteEmulator = self.server.emulator
        path, _sep, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path.startswith(CONTROL_PREFIX):
            self._send(emulator.handle_control(self.command, path, query, body))
            return
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        request = _Request(self.command, path, query, host, self.headers.get("Authorization"), body,
                           self.headers.get("Content-Type"), self.headers.get("Prefer"))
        account = emulator.begin(request)
        try:
            response = emulator.handle(request)
            time.sleep(response.delay_seconds)  # this thread only: the server keeps serving others
        finally:
            emulator.end(account)
        self._send(response)

    def _send(self, response: _Response):
        payload = b"" if response.body is None else json.dumps(response.body).encode()
        self._date_epoch = response.date_epoch
        self.send_response(response.status)
        if response.body is not None:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def date_time_string(self, timestamp=None):
        # send_response() stamps Date with this; NetSuite's Date is its own (possibly skewed) clock.
        epoch = timestamp if timestamp is not None else self._date_epoch
        return email.utils.formatdate(epoch if epoch is not None else time.time(), usegmt=True)

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        # The request log replaces the access log; keeping stderr silent guarantees no leaks.
        pass


# --- CLI --------------------------------------------------------------------------------------

def _write_atomically(path: str, text: str):
    """Readers polling for the file never see it half-written."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="NetSuite TBA (OAuth 1.0a) emulator on 127.0.0.1")
    parser.add_argument("--accounts", required=True, help="JSON file: list of accounts or {\"accounts\": [...]}")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0 = pick a free one)")
    parser.add_argument("--url-file", help="write the base URL here once listening")
    parser.add_argument("--hold-ms", type=float, default=0, help="hold every NetSuite answer this long (slow NetSuite)")
    args = parser.parse_args(argv)

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stopping.set())
    try:
        emulator = NetSuiteEmulator(load_accounts(args.accounts), port=args.port,
                                    hold_seconds=args.hold_ms / 1000).start()
    except (OSError, ValueError) as exc:  # unreadable/invalid accounts file, port in use
        parser.error(str(exc))
    try:
        if args.url_file:
            _write_atomically(args.url_file, emulator.url + "\n")
        print(f"NetSuite TBA emulator listening on {emulator.url}", flush=True)
        stopping.wait()
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
