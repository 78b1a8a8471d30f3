# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Read-only NetSuite TBA connection test shared by tba_credential and tba_connection_test.

``probe_connection`` never raises for network or HTTP problems: it returns a failed
``ProbeResult``. A missing ``requests`` is reported the same way
(``error_code`` ``MISSING_DEPENDENCY``) so both modules present every failure uniformly.
"""

import dataclasses
import json
import random
import re
import socket
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Optional, Tuple
from urllib.parse import urlsplit

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import netsuite_failure
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import (
    MIB,
    bounded_session,
    response_too_large_error,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._rfc3339 import parse_time
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_signer import authorization_header

SERVER_TIME_PROBE = "serverTime"
CATALOG_PROBE = "metadata-catalog"
_SERVER_TIME_PATH = "/services/rest/system/v1/serverTime"
# Fallback for accounts before NetSuite 2025.2; select keeps the catalog answer small.
_CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
_CATALOG_PARAMS = {"select": "customer"}
_HEADERS = {"Accept": "application/json"}

SKEW_WARNING_SECONDS = 60
# NetSuite refuses TBA timestamps more than 5 minutes away from its clock (InvalidTimestamp).
SKEW_REFUSED_SECONDS = 300

_BACKOFF_BASE_SECONDS = 1.0
_BACKOFF_JITTER = 0.25
_RETRY_AFTER_CAP_SECONDS = 10.0
_RETRYABLE_TRANSPORT_CODES = frozenset({"TIMEOUT", "CONNECTION_ERROR"})

_DETAIL_MAX_CHARS = 500
NETSUITE_ANSWER_MAX_BYTES = MIB
# A server's own words longer than this are not shown at all (and so never need scrubbing).
_DETAIL_SHOWN_MAX_CHARS = 65536
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9.+-]{1,64}/[A-Za-z0-9.+-]{1,64}")

_LOGIN_CODES = frozenset({"INVALID_LOGIN", "INVALID_LOGIN_ATTEMPT"})
# RESTlet and SOAP spellings of "account concurrency limit reached" (REST web services use 429).
_CONCURRENCY_CODES = frozenset({"SSS_REQUEST_LIMIT_EXCEEDED", "WS_REQUEST_BLOCKED"})
_COMPANY_URLS = "Setup > Company > Company Information > Company URLs"


@dataclasses.dataclass(frozen=True)
class ProbeResult:
    """Outcome of one connection test; holds no secret (see ``_without_secrets``)."""

    ok: bool
    status_code: Optional[int] = None
    probe: Optional[str] = None
    server_time: Optional[str] = None
    clock_skew_seconds: Optional[float] = None
    attempts: int = 0
    elapsed_ms: int = 0
    error_code: Optional[str] = None
    detail: Optional[str] = None
    hint: Optional[str] = None
    warnings: Tuple[str, ...] = ()

    def failure(self):
        """This failed test as a _failure.Failure (None when the test passed)."""
        if self.ok:
            return None
        return netsuite_failure(self.status_code, self.error_code, self.detail, self.hint)

    def to_dict(self):
        """The modules' ``connection`` return value."""
        result = {
            "tested": True,
            "ok": self.ok,
            "status_code": self.status_code,
            "probe": self.probe,
            "server_time": self.server_time,
            "clock_skew_seconds": self.clock_skew_seconds,
            "attempts": self.attempts,
            "elapsed_ms": self.elapsed_ms,
            "warnings": list(self.warnings),
        }
        if not self.ok:
            # The hint goes in the task's own ``hint`` (the failure shape), not here a second time.
            result.update(error_code=self.error_code, detail=self.detail)
        return result


# ---------------------------------------------------------------------------------------------
# Hints: the one place that maps an observation to advice for a person.
# ---------------------------------------------------------------------------------------------

def _login_checklist(realm, host):
    return (
        "NetSuite refused the token-based login and never says why in the response. Check: "
        "(1) realm %s is the Account ID exactly as Setup > Company > Company Information shows it "
        "(letters upper-case, _SB1 style suffix for sandboxes) and host %s belongs to that same "
        "account (sandbox vs production); "
        "(2) no values are swapped between consumer_key, consumer_secret, token_id and token_secret; "
        "(3) the access token is not revoked or inactive and was re-created after the last sandbox "
        "refresh (tokens are not copied to sandboxes); "
        "(4) the integration record is State Enabled with Token-Based Authentication checked; "
        "(5) the token's role has the \"Log in using Access Tokens\" and \"REST Web Services\" "
        "permissions; "
        "(6) this machine's clock is within 5 minutes of NetSuite's. "
        "The exact reason is in Setup > Users/Roles > User Management > View Login Audit Trail "
        "(Detail column)." % (realm or "(unknown)", host or "(unknown)")
    )


_PERMISSION_HINT = (
    "The login worked but the token's role lacks permissions: give it \"REST Web Services\", "
    "\"Log in using Access Tokens\" and \"SuiteAnalytics Workbook\", and check that the REST Web "
    "Services and SuiteAnalytics Workbook features are enabled (Setup > Company > Enable Features "
    "> SuiteCloud)."
)
_INVALID_REQUEST_HINT = (
    "NetSuite could not understand the request's OAuth header: a signing or header bug in this "
    "collection, not something to fix in NetSuite. Please report it with error_code and detail."
)
_CONCURRENCY_HINT = (
    "The account's web services concurrency limit is used up by other integrations (all web "
    "services and RESTlet traffic share it): retry later, or raise the limit or allocate part of "
    "it to this integration record."
)
_SERVER_ERROR_HINT = (
    "NetSuite or the network to {host} failed: retry later, and check that netsuite_url is the "
    "SuiteTalk (REST web services) URL from " + _COMPANY_URLS + "."
)
_NOT_FOUND_HINT = (
    "The REST web services endpoint was not found on {host}: check that netsuite_url is the SuiteTalk "
    "(REST web services) URL from " + _COMPANY_URLS + " and that the REST Web Services feature is "
    "enabled."
)
_REDIRECT_HINT = (
    "{host} answered with a redirect, so it is not the account's REST web services host: set "
    "netsuite_url to the SuiteTalk URL from " + _COMPANY_URLS + "."
)
_CODE_HINTS = {
    "TIMEOUT": (
        "No answer from {host} within the timeout: NetSuite or the network is slow or down. Retry "
        "later, and check netsuite_url and any proxy in between."
    ),
    "CONNECTION_ERROR": (
        "Could not connect to {host}: check netsuite_url, firewall and proxy settings, and retry later."
    ),
    "DNS_FAILURE": (
        "The host name {host} does not resolve, so the account ID or host is wrong: copy the SuiteTalk "
        "URL from " + _COMPANY_URLS + " into netsuite_url, or check account_id."
    ),
    "TLS_ERROR": (
        "TLS verification with {host} failed: a TLS-intercepting proxy or a missing CA certificate is "
        "likely; add that CA to the trust store (or REQUESTS_CA_BUNDLE). Set "
        "netsuite_validate_certs to false only for test beds."
    ),
    "UNEXPECTED_RESPONSE": (
        "{host} did not answer like NetSuite REST web services: check netsuite_url (" + _COMPANY_URLS
        + ") and any proxy in between."
    ),
    "RESPONSE_TOO_LARGE": (
        "{host} sent an answer far larger than NetSuite's REST web services send for this request: "
        "check netsuite_url (" + _COMPANY_URLS + ") and any proxy in between."
    ),
    "MISSING_DEPENDENCY": (
        "Install requests where the module runs (pip install requests-oauthlib brings it)."
    ),
}
_DEFAULT_HINT = "NetSuite refused the request: see error_code and detail."


def _invalid_timestamp_hint(clock_skew_seconds):
    return (
        "InvalidTimestamp likely: the local clock is %d s off NetSuite's; sync NTP."
        % round(abs(clock_skew_seconds))
    )


def hint_for(status_code, error_code, *, realm=None, host=None, clock_skew_seconds=None):
    """Advice for a failed probe: NetSuite error codes first, then the HTTP status, then our own
    transport codes (status_code None)."""
    hint = _base_hint(status_code, error_code, realm, host)
    if (
        status_code == 401
        and clock_skew_seconds is not None
        and abs(clock_skew_seconds) > SKEW_REFUSED_SECONDS
    ):
        # NetSuite's 401 body is the same for every cause; the skew is the one we can see.
        hint = _invalid_timestamp_hint(clock_skew_seconds) + " " + hint
    return hint


def _base_hint(status_code, error_code, realm, host):
    if error_code in _LOGIN_CODES or status_code == 401:
        return _login_checklist(realm, host)
    if error_code in _CONCURRENCY_CODES or status_code == 429:
        return _CONCURRENCY_HINT
    if error_code == "INVALID_REQUEST":
        return _INVALID_REQUEST_HINT
    if error_code == "USER_ERROR" or status_code == 403:
        return _PERMISSION_HINT
    if status_code is not None and 300 <= status_code < 400:
        template = _REDIRECT_HINT
    elif status_code == 404:
        template = _NOT_FOUND_HINT
    elif status_code is not None and status_code >= 500:
        template = _SERVER_ERROR_HINT
    else:
        template = _CODE_HINTS.get(error_code, _DEFAULT_HINT)
    return template.format(host=host or "the NetSuite host")


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------

class _Attempt:
    """One HTTP exchange: either a response or a transport error code with its cause."""

    def __init__(self, response=None, error_code=None, detail=None, local_midpoint=None):
        self.response = response
        self.error_code = error_code
        self.detail = detail
        self.local_midpoint = local_midpoint

    @property
    def status_code(self):
        return None if self.response is None else self.response.status_code

    def is_retryable(self):
        if self.response is None:
            return self.error_code in _RETRYABLE_TRANSPORT_CODES
        return self.status_code == 429 or self.status_code >= 500


class _SignedGet:
    """Signed GETs, each attempt signed anew with a fresh nonce and timestamp (a re-sent header
    would be refused as nonce_used)."""

    def __init__(self, requests_module, session, credentials, timeout, validate_certs, clock):
        self._errors = requests_module.exceptions
        self._session = session
        self._credentials = credentials
        self._timeout = timeout
        self._validate_certs = validate_certs
        self._clock = clock

    def __call__(self, url, params=None):
        sent_at = self._clock()
        try:
            headers = dict(_HEADERS, Authorization=authorization_header(self._credentials, "GET", url, params))
            response = self._session.request(
                "GET", url, params=params, headers=headers,
                timeout=self._timeout, verify=self._validate_certs,
                # A redirect means netsuite_url is not the account's REST host; following it
                # would hide that (and send a signed header to another URL).
                allow_redirects=False,
            )
        except (
            self._errors.ConnectionError, self._errors.Timeout,
            self._errors.ChunkedEncodingError, self._errors.ContentDecodingError,
            self._errors.TooManyRedirects, response_too_large_error(),
        ) as exc:
            return _Attempt(error_code=self._transport_code(exc), detail=_transport_cause(exc))
        return _Attempt(response=response, local_midpoint=(sent_at + self._clock()) / 2)

    def _transport_code(self, exc):
        if isinstance(exc, response_too_large_error()):
            return "RESPONSE_TOO_LARGE"
        if isinstance(exc, self._errors.TooManyRedirects):
            return "REDIRECTED"
        # SSLError and ConnectTimeout are ConnectionErrors too: test the specific kinds first.
        if isinstance(exc, self._errors.Timeout):
            return "TIMEOUT"
        if isinstance(exc, self._errors.SSLError):
            return "TLS_ERROR"
        if any(isinstance(inner, socket.gaierror) for inner in _exception_chain(exc)):
            return "DNS_FAILURE"
        return "CONNECTION_ERROR"


def _exception_chain(exc):
    """exc and the exceptions it wraps (requests -> urllib3 -> socket), outermost first."""
    seen = set()
    current = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = _wrapped_exception(current)


def _wrapped_exception(exc):
    first_arg = exc.args[0] if exc.args else None
    for candidate in (getattr(exc, "reason", None), first_arg, exc.__cause__):
        if isinstance(candidate, BaseException):
            return candidate
    return None


def _transport_cause(exc):
    root = list(_exception_chain(exc))[-1]
    return _one_line("%s: %s" % (type(exc).__name__, root))


def _retry_delay(attempt, failed_attempts, rng):
    retry_after = _retry_after_seconds(attempt.response)
    if retry_after is not None:
        return retry_after
    nominal = _BACKOFF_BASE_SECONDS * 2 ** (failed_attempts - 1)
    return nominal * (1 + _BACKOFF_JITTER * (2 * rng() - 1))


def _retry_after_seconds(response):
    """Retry-After in seconds, capped; the HTTP-date form falls back to our own backoff."""
    value = "" if response is None else response.headers.get("Retry-After", "").strip()
    # isdigit() alone accepts digits float() refuses ('²'); only ASCII digits are seconds.
    if not (value.isascii() and value.isdigit()):
        return None
    return min(float(value), _RETRY_AFTER_CAP_SECONDS)


def _send_with_retries(signed_get, url, params, max_attempts, sleep, rng):
    """Sequential attempts (never parallel: each one takes a slot of the account's shared
    concurrency limit), at least one. Returns the last attempt and how many were sent."""
    sent = 1
    attempt = signed_get(url, params)
    while sent < max_attempts and attempt.is_retryable():
        sleep(_retry_delay(attempt, sent, rng))
        sent += 1
        attempt = signed_get(url, params)
    return attempt, sent


# ---------------------------------------------------------------------------------------------
# Reading responses
# ---------------------------------------------------------------------------------------------

def _one_line(text):
    """Whitespace folded; cutting to length happens after scrubbing (``_without_secrets``)."""
    return " ".join(str(text).split())


def _json_or_none(response):
    try:
        return json.loads(response.text)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return None


def _server_time_from_body(response):
    """(text as NetSuite sent it, datetime) from a serverTime answer, or None."""
    payload = _json_or_none(response)
    value = payload.get("serverTime") if isinstance(payload, dict) else None
    moment = parse_time(value)
    return (value, moment) if moment else None


def _server_time_from_date_header(response):
    header = response.headers.get("Date")
    try:
        moment = parsedate_to_datetime(header) if header else None
        if moment is None:
            return None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        # Dates at the edge of the calendar overflow when converted (year 9999, -0100).
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), moment
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _error_from_body(response):
    """(error_code, detail) from NetSuite's REST or RESTlet error JSON, else UNEXPECTED_RESPONSE.

    A server's own words are shown only when the answer has NetSuite's shape: anything else may
    be a proxy, portal or debug page that echoes the request, signed header included."""
    payload = _json_or_none(response)
    if isinstance(payload, dict):
        details = payload.get("o:errorDetails")
        first = details[0] if isinstance(details, list) and details else None
        if isinstance(first, dict) and first.get("o:errorCode"):
            return _short_code(first["o:errorCode"]), _server_words(first.get("detail") or payload.get("title"))
        restlet_error = payload.get("error")
        if isinstance(restlet_error, dict) and restlet_error.get("code"):
            return _short_code(restlet_error["code"]), _server_words(restlet_error.get("message"))
    return "UNEXPECTED_RESPONSE", _unexpected_detail(response)


def _short_code(code):
    """NetSuite's error codes are short upper-case words; anything else is not shown."""
    text = str(code)
    return text if re.match(r"[A-Za-z0-9_.:-]{1,64}\Z", text) else "UNRECOGNIZED_ERROR_CODE"


def _server_words(text):
    if not isinstance(text, str) or not text.strip():
        return "(no detail)"
    if len(text) > _DETAIL_SHOWN_MAX_CHARS:
        return "(a detail of %d characters, not shown)" % len(text)
    return _one_line(text)


def _media_type(response):
    header = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip()
    return header if _MEDIA_TYPE.fullmatch(header) else "(none or not shown)"


def _unexpected_detail(response):
    return "HTTP %s, Content-Type %s, %d bytes; not a NetSuite answer, so its body is not shown" % (
        response.status_code, _media_type(response), len(response.content or b"")
    )


def _redirect_target(response):
    """Only the scheme and host of a redirect: its path or query may echo the request."""
    location = response.headers.get("Location") or ""
    try:
        parts = urlsplit(location)
        host = parts.hostname
    except ValueError:
        host = None
    if not host or parts.scheme not in ("http", "https"):
        return "a location that is not shown"
    return "%s://%s" % (parts.scheme, host)


def _skew_warnings(clock_skew_seconds):
    if clock_skew_seconds is None or abs(clock_skew_seconds) <= SKEW_WARNING_SECONDS:
        return ()
    direction = "behind" if clock_skew_seconds > 0 else "ahead of"
    return (
        "The local clock is %d s %s NetSuite's; beyond %d s NetSuite refuses token-based "
        "requests (InvalidTimestamp): sync NTP."
        % (round(abs(clock_skew_seconds)), direction, SKEW_REFUSED_SECONDS),
    )


# ---------------------------------------------------------------------------------------------
# Interpreting the last attempt
# ---------------------------------------------------------------------------------------------

def _transport_failure(attempt, probe, host):
    return ProbeResult(
        ok=False, probe=probe, error_code=attempt.error_code, detail=attempt.detail,
        hint=hint_for(None, attempt.error_code, host=host),
    )


def _response_result(attempt, probe, credentials, host):
    response = attempt.response
    body_time = _server_time_from_body(response) if probe == SERVER_TIME_PROBE else None
    server_time = body_time or _server_time_from_date_header(response)
    skew = None
    if server_time:
        skew = round(server_time[1].timestamp() - attempt.local_midpoint, 3)
    fields = dict(
        status_code=response.status_code, probe=probe,
        server_time=server_time[0] if server_time else None,
        clock_skew_seconds=skew, warnings=_skew_warnings(skew),
    )
    error_code, detail = _response_error(response, probe, body_time)
    if error_code is None:
        return ProbeResult(ok=True, **fields)
    hint = hint_for(
        response.status_code, error_code, realm=credentials.realm, host=host,
        clock_skew_seconds=skew,
    )
    return ProbeResult(ok=False, error_code=error_code, detail=detail, hint=hint, **fields)


def _response_error(response, probe, body_time):
    """(None, None) for a good answer, else (error_code, detail)."""
    status = response.status_code
    if 200 <= status < 300:
        # A 2xx serverTime without the time is not NetSuite (e.g. a proxy's page).
        if probe == SERVER_TIME_PROBE and body_time is None:
            return "UNEXPECTED_RESPONSE", _unexpected_detail(response)
        return None, None
    if 300 <= status < 400:
        return "REDIRECTED", "HTTP %s redirect to %s" % (status, _redirect_target(response))
    return _error_from_body(response)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

def _secret_values(credentials):
    return [
        value for value in (
            credentials.consumer_key, credentials.consumer_secret,
            credentials.token_id, credentials.token_secret,
        ) if value
    ]


def _without_secrets(result, secrets):
    """NetSuite never echoes secrets, but a proxy or a debug page may: every string returned is
    scrubbed of every form of every secret, and only then is the detail cut to length."""
    scrubber = Scrubber(secrets)
    fields = {
        name: scrubber.scrub_all(getattr(result, name))
        for name in (field.name for field in dataclasses.fields(result))
    }
    if fields["detail"] is not None:
        fields["detail"] = scrubber.one_line(fields["detail"], _DETAIL_MAX_CHARS)
    return dataclasses.replace(result, **fields)


def _run_probes(signed_get, base_url, max_attempts, sleep, rng):
    """serverTime, then the metadata catalog once if serverTime does not exist (404)."""
    attempt, sent = _send_with_retries(
        signed_get, base_url + _SERVER_TIME_PATH, None, max_attempts, sleep, rng
    )
    if attempt.status_code != 404:
        return attempt, SERVER_TIME_PROBE, sent
    # params are signed with the URL and sent by requests as the query string.
    attempt, fallback_sent = _send_with_retries(
        signed_get, base_url + _CATALOG_PATH, _CATALOG_PARAMS, max_attempts, sleep, rng
    )
    return attempt, CATALOG_PROBE, sent + fallback_sent


def probe_connection(credentials, base_url, timeout=30, validate_certs=True, *, max_attempts=3,
                     session=None, sleep=time.sleep, clock=time.time, rng=random.random):
    """Test the TBA credentials against ``base_url`` (scheme and host, e.g.
    ``https://1234567-sb1.suitetalk.api.netsuite.com``) with read-only GETs.

    ``session`` (a requests.Session) is used as given and left open; without one a private
    session is created and closed. ``sleep``, ``clock`` and ``rng`` exist for tests.
    """
    # monotonic, not ``clock``: a clock step (NTP) during the test must not distort elapsed_ms.
    started = time.monotonic()
    try:
        import requests
    except ImportError as exc:
        return ProbeResult(
            ok=False, error_code="MISSING_DEPENDENCY", detail=_one_line(exc),
            hint=hint_for(None, "MISSING_DEPENDENCY"),
        )
    # NetSuite's REST answers here are a few hundred bytes: 1 MiB is generous, and every attempt
    # ends within the timeout whatever the server does.
    http = session if session is not None else bounded_session(timeout, NETSUITE_ANSWER_MAX_BYTES)
    try:
        signed_get = _SignedGet(requests, http, credentials, timeout, validate_certs, clock)
        attempt, probe, sent = _run_probes(
            signed_get, base_url.rstrip("/"), max_attempts, sleep, rng
        )
    finally:
        if session is None:
            http.close()
    host = urlsplit(base_url).hostname or base_url
    if attempt.response is None:
        result = _transport_failure(attempt, probe, host)
    else:
        result = _response_result(attempt, probe, credentials, host)
    result = dataclasses.replace(
        result, attempts=sent, elapsed_ms=int((time.monotonic() - started) * 1000)
    )
    return _without_secrets(result, _secret_values(credentials))
