#!/usr/bin/env python
"""Emulator of NetSuite REST web services Token-Based Authentication (OAuth 1.0a), for tests.

A real HTTP server on the loopback interface that accepts the NetSuite paths the collection
probes (``serverTime`` and ``metadata-catalog``), verifies OAuth 1.0a HMAC-SHA256 signatures with
its own RFC 5849 code, and fails the way NetSuite does: every login failure is the same opaque
401 ``INVALID_LOGIN`` body, while the real reason only lands in a "login audit trail" that tests
read through the Python API or the ``/__emulator/`` control API.

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
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote

SERVER_TIME_PATH = "/services/rest/system/v1/serverTime"
METADATA_CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
CONTROL_PREFIX = "/__emulator/"

SIGNATURE_METHOD = "HMAC-SHA256"
TIMESTAMP_WINDOW_SECONDS = 300
MIN_NONCE_LENGTH = 6
# Without any of these NetSuite cannot even look the token up: MissingTokenPassportRequiredFields.
REQUIRED_OAUTH_PARAMS = (
    "realm", "oauth_consumer_key", "oauth_token", "oauth_signature_method",
    "oauth_timestamp", "oauth_nonce", "oauth_signature",
)

CREDENTIAL_KEYS = ("account_id", "consumer_key", "consumer_secret", "token_id", "token_secret")
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
}
MISSING_PERMISSION_KINDS = (None, "user_error", "forbidden")

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
    429: ("Too Many Requests", "https://tools.ietf.org/html/rfc6585#section-4"),
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
    """Validated copy of an account with every scenario key filled in."""
    if not isinstance(account, dict):
        raise ValueError("an account must be a JSON object")
    missing = [k for k in CREDENTIAL_KEYS if not isinstance(account.get(k), str) or not account[k]]
    if missing:
        raise ValueError(f"account needs non-empty string fields: {', '.join(missing)}")
    scenario = account.get("scenario") or {}
    if not isinstance(scenario, dict):
        raise ValueError("scenario must be a JSON object")
    unknown = set(account) - set(CREDENTIAL_KEYS) - {"scenario"}
    unknown |= {f"scenario.{k}" for k in set(scenario) - set(SCENARIO_FIELDS)}
    if unknown:
        raise ValueError(f"unknown account fields: {', '.join(sorted(unknown))}")
    for key, value in scenario.items():
        if not isinstance(value, SCENARIO_FIELDS[key][1]):
            raise ValueError(f"scenario.{key} has the wrong type: {value!r}")
    if scenario.get("missing_permission") not in MISSING_PERMISSION_KINDS:
        raise ValueError(f"scenario.missing_permission must be one of {MISSING_PERMISSION_KINDS}")
    normalized = {k: account[k] for k in CREDENTIAL_KEYS}
    normalized["scenario"] = {k: scenario.get(k, default) for k, (default, _types) in SCENARIO_FIELDS.items()}
    return normalized


def load_accounts(path: str) -> list[dict]:
    """Accounts file: a JSON list of accounts, or an object with an "accounts" list."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    accounts = data.get("accounts") if isinstance(data, dict) else data
    if not isinstance(accounts, list):
        raise ValueError(f"{path}: expected a list of accounts or {{\"accounts\": [...]}}")
    return accounts


@dataclass
class _AccountState:
    config: dict
    busy_left: int = 0
    errors_left: int = 0
    used_nonces: set = field(default_factory=set)  # (nonce, timestamp) pairs seen on this token

    def __post_init__(self):
        self.reset()

    @property
    def account_id(self) -> str:
        return self.config["account_id"]

    @property
    def scenario(self) -> dict:
        return self.config["scenario"]

    def reset(self):
        self.busy_left = self.scenario["busy_times"]
        self.errors_left = self.scenario["server_error_times"]
        self.used_nonces.clear()


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
    delay_seconds: float = 0  # slow_seconds scenario: wait this long before answering

    @property
    def content_type(self) -> str:
        return ERROR_CONTENT_TYPE if self.status >= 400 else SUCCESS_CONTENT_TYPE


def netsuite_error(status: int, code: str, detail: str, headers: dict | None = None) -> _Response:
    title, type_uri = _STATUS_INFO[status]
    body = {"type": type_uri, "title": title, "status": status,
            "o:errorDetails": [{"detail": detail, "o:errorCode": code}]}
    return _Response(status, body, headers or {})


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
    # Filled in while authenticating, for the request log:
    realm: str | None = None
    nonce: str | None = None
    account: _AccountState | None = None


def _utc_iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class NetSuiteEmulator:
    """In-process NetSuite TBA emulator; ``start()`` serves it from a daemon thread."""

    def __init__(self, accounts=(), host: str = "127.0.0.1", port: int = 0, clock=time.time):
        # The control API can add accounts without authentication: never expose it off-host.
        if not ipaddress.IPv4Address(host).is_loopback:
            raise ValueError(f"refusing to bind to non-loopback address {host}")
        self._address = (host, port)
        self._clock = clock  # injectable so tests can pin "now" to the second
        self._lock = threading.Lock()
        self._accounts: dict[str, _AccountState] = {}
        self._requests: list[dict] = []
        self._audit: list[dict] = []
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

    def requests(self, realm: str | None = None) -> list[dict]:
        with self._lock:
            return _filter_by_realm(self._requests, realm)

    def audit_trail(self, realm: str | None = None) -> list[dict]:
        with self._lock:
            return _filter_by_realm(self._audit, realm)

    def reset_log(self):
        """Clear request log and audit trail, forget used nonces, re-arm busy/5xx counters."""
        with self._lock:
            self._requests.clear()
            self._audit.clear()
            for state in self._accounts.values():
                state.reset()

    # -- NetSuite behaviour (called by the handler thread) --

    def handle(self, request: _Request) -> _Response:
        real_now = self._clock()
        audit_detail = None
        try:
            self._authenticate(request, real_now)
            response = self._serve_authenticated(request, real_now)
        except MalformedHeader:
            response = netsuite_error(400, "INVALID_REQUEST", MALFORMED_DETAIL)
        except LoginFailure as failure:
            request.account = request.account or failure.account
            audit_detail = failure.detail
            response = netsuite_error(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL)
        self._record(request, response, audit_detail, real_now)
        response.date_epoch = _account_now(request.account, real_now)
        response.delay_seconds = request.account.scenario["slow_seconds"] if request.account else 0
        return response

    def _authenticate(self, request: _Request, real_now: float):
        """Run NetSuite's checks in order; return normally only for a valid, fresh signature."""
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

    def _serve_authenticated(self, request: _Request, real_now: float) -> _Response:
        account = request.account
        route = self._route(request, account)
        if route is None:
            return netsuite_error(404, "NOT_FOUND", f"The requested resource {request.path} was not found.")
        throttled = self._take_throttle(account)
        if throttled:
            return throttled
        denied = _permission_error(account.scenario["missing_permission"])
        if denied:
            return denied
        return route(_account_now(account, real_now))

    @staticmethod
    def _route(request: _Request, account: _AccountState):
        """The endpoint function for this request, or None (404)."""
        if request.method != "GET":
            return None
        if request.path == SERVER_TIME_PATH and not account.scenario["no_server_time"]:
            return _server_time  # no_server_time: releases before 2025.2 lack this endpoint
        if request.path == METADATA_CATALOG_PATH:
            return _metadata_catalog
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
        return _Response(404, {"error": f"unknown control endpoint {method} {path}"})


def _account_now(account: _AccountState | None, real_now: float) -> float:
    """NetSuite's clock for that account (clock_offset_seconds), else real now."""
    return real_now + (account.scenario["clock_offset_seconds"] if account else 0)


def _server_time(account_now: float) -> _Response:
    return _Response(200, {"serverTime": _utc_iso(account_now)})


def _metadata_catalog(_account_now: float) -> _Response:
    return _Response(200, {"items": [{"name": "customer", "links": []}]})


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

    def _serve(self):
        emulator: NetSuiteEmulator = self.server.emulator
        path, _sep, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path.startswith(CONTROL_PREFIX):
            response = emulator.handle_control(self.command, path, query, body)
        else:
            host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
            response = emulator.handle(_Request(self.command, path, query, host, self.headers.get("Authorization")))
        time.sleep(response.delay_seconds)
        self._send(response)

    def _send(self, response: _Response):
        payload = json.dumps(response.body).encode()
        self._date_epoch = response.date_epoch
        self.send_response(response.status)
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
    args = parser.parse_args(argv)

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stopping.set())
    try:
        emulator = NetSuiteEmulator(load_accounts(args.accounts), port=args.port).start()
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
