# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Bounded HTTP for NetSuite's REST web services: one request sent through the bounded session
(no redirect followed), sequential retries for 429, 5xx, timeouts and connection errors with
backoff and Retry-After, and reading what came back (server time, NetSuite's error shapes)
without ever showing a body that is not NetSuite's."""

import json
import re
import socket
from datetime import timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import MIB, response_too_large_error
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_hints import CATALOG_PROBE, SERVER_TIME_PROBE
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._rfc3339 import parse_time
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import unshown_server_words
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._transport_errors import (
    NETSUITE_SETTINGS,
    describe,
    transport_exceptions,
)

SERVER_TIME_PATH = "/services/rest/system/v1/serverTime"
# Fallback for accounts before NetSuite 2025.2; select keeps the catalog answer small.
CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
_CATALOG_PARAMS = {"select": "customer"}
JSON_HEADERS = {"Accept": "application/json"}

_BACKOFF_BASE_SECONDS = 1.0
_BACKOFF_JITTER = 0.25
_RETRY_AFTER_CAP_SECONDS = 10.0
_RETRYABLE_TRANSPORT_CODES = frozenset({"TIMEOUT", "CONNECTION_ERROR"})

NETSUITE_ANSWER_MAX_BYTES = MIB
# A server's own words longer than this are not shown at all (and so never need scrubbing).
_DETAIL_SHOWN_MAX_CHARS = 65536
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9.+-]{1,64}/[A-Za-z0-9.+-]{1,64}")


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------

class Attempt:
    """One HTTP exchange: either a response or a transport error code with its cause."""

    def __init__(self, response=None, error_code=None, detail=None, local_midpoint=None, hint=None, retryable=None):
        self.response = response
        self.error_code = error_code
        self.detail = detail
        self.local_midpoint = local_midpoint
        self.hint = hint
        self._retryable = retryable

    @property
    def status_code(self):
        return None if self.response is None else self.response.status_code

    def is_retryable(self):
        if self.response is None:
            if self._retryable is not None:
                return self._retryable
            return self.error_code in _RETRYABLE_TRANSPORT_CODES
        return self.status_code == 429 or self.status_code >= 500


class Sender:
    """Sends one request through the bounded session and never follows a redirect."""

    def __init__(self, requests_module, session, timeout, validate_certs, clock):
        self._errors = requests_module.exceptions
        self._session = session
        self._timeout = timeout
        self._validate_certs = validate_certs
        self._clock = clock

    def __call__(self, method, url, headers, params=None, data=None):
        sent_at = self._clock()
        try:
            response = self._session.request(
                method, url, params=params, data=data, headers=headers,
                timeout=self._timeout, verify=self._validate_certs,
                # A redirect means netsuite_url is not the account's REST host; following it
                # would hide that (and carry a signed header, an assertion or a token elsewhere).
                allow_redirects=False,
            )
        except (
            self._errors.ConnectionError, self._errors.Timeout,
            self._errors.ChunkedEncodingError, self._errors.ContentDecodingError,
            self._errors.TooManyRedirects, response_too_large_error(),
        ) as exc:
            return Attempt(error_code=self._transport_code(exc), detail=_transport_cause(exc))
        except transport_exceptions() as exc:
            # Everything else requests, urllib3, ssl or the socket layer raise (an unparsable
            # proxy URL, a CA path that is a directory...): named by setting, never by its text.
            return _described_attempt(exc, url)
        return Attempt(response=response, local_midpoint=(sent_at + self._clock()) / 2)

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


def _described_attempt(exc, url):
    problem = describe(exc, NETSUITE_SETTINGS, url)
    if problem is None:
        raise exc  # not about the transport: a bug, reported as one
    return Attempt(error_code=problem.code, detail=problem.reason, hint=problem.hint, retryable=problem.retryable)


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
    return one_line("%s: %s" % (type(exc).__name__, root))


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


def send_with_retries(send_once, max_attempts, sleep, rng):
    """Sequential attempts of ``send_once()`` (never parallel: each one takes a slot of the
    account's shared concurrency limit), at least one. Returns the last attempt and how many
    were sent."""
    sent = 1
    attempt = send_once()
    while sent < max_attempts and attempt.is_retryable():
        sleep(_retry_delay(attempt, sent, rng))
        sent += 1
        attempt = send_once()
    return attempt, sent


def read_server_time(get, base_url, max_attempts, sleep, rng):
    """serverTime, then the metadata catalog once if serverTime does not exist (404). Returns
    the last attempt, the probe it is about and how many requests were sent."""
    attempt, sent = send_with_retries(
        lambda: get(base_url + SERVER_TIME_PATH), max_attempts, sleep, rng
    )
    if attempt.status_code != 404:
        return attempt, SERVER_TIME_PROBE, sent
    # TBA signs params with the URL; requests sends them as the query string.
    attempt, fallback_sent = send_with_retries(
        lambda: get(base_url + CATALOG_PATH, _CATALOG_PARAMS), max_attempts, sleep, rng
    )
    return attempt, CATALOG_PROBE, sent + fallback_sent


# ---------------------------------------------------------------------------------------------
# Reading responses
# ---------------------------------------------------------------------------------------------

def one_line(text):
    """Whitespace folded; cutting to length happens after scrubbing (``_without_secrets``)."""
    return " ".join(str(text).split())


def json_or_none(response):
    try:
        return json.loads(response.text)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return None


def server_time_from_body(response):
    """(text as NetSuite sent it, datetime) from a serverTime answer, or None."""
    payload = json_or_none(response)
    value = payload.get("serverTime") if isinstance(payload, dict) else None
    moment = parse_time(value)
    return (value, moment) if moment else None


def server_time_from_date_header(response):
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


def error_from_body(response, error_shape=None):
    """(error_code, detail) from NetSuite's REST or RESTlet error JSON (and from the shape
    ``error_shape(payload)`` recognises, returning (code, words) or None: OAuth 2.0's for M2M),
    else UNEXPECTED_RESPONSE.

    A server's own words are shown only when the answer has one of those shapes: anything else
    may be a proxy, portal or debug page that echoes the request (a signed header, an assertion,
    a form body)."""
    payload = json_or_none(response)
    shaped = _shaped_error(payload, error_shape) if isinstance(payload, dict) else None
    if shaped:
        return _short_code(shaped[0]), _server_words(shaped[1])
    if response.status_code == 429:
        # Throttled, by NetSuite or by something in between, with no NetSuite body to name it.
        return "TOO_MANY_REQUESTS", unexpected_detail(response)
    return "UNEXPECTED_RESPONSE", unexpected_detail(response)


def _shaped_error(payload, error_shape):
    """(code, words) in the first shape that fits: NetSuite REST's, ``error_shape``'s, RESTlet's."""
    details = payload.get("o:errorDetails")
    first = details[0] if isinstance(details, list) and details else None
    if isinstance(first, dict) and first.get("o:errorCode"):
        return first["o:errorCode"], first.get("detail") or payload.get("title")
    shaped = error_shape(payload) if error_shape else None
    if shaped:
        return shaped
    restlet_error = payload.get("error")
    if isinstance(restlet_error, dict) and restlet_error.get("code"):
        return restlet_error["code"], restlet_error.get("message")
    return None


def _short_code(code):
    """NetSuite's error codes are short upper-case words; anything else is not shown."""
    text = str(code)
    return text if re.match(r"[A-Za-z0-9_.:-]{1,64}\Z", text) else "UNRECOGNIZED_ERROR_CODE"


def _server_words(text):
    if not isinstance(text, str) or not text.strip():
        return "(no detail)"
    if len(text) > _DETAIL_SHOWN_MAX_CHARS:
        return "(a detail of %d characters, not shown)" % len(text)
    unshown = unshown_server_words(text)
    if unshown:
        return unshown
    return one_line(text)


def _media_type(response):
    header = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip()
    return header if _MEDIA_TYPE.fullmatch(header) else "(none or not shown)"


def unexpected_detail(response):
    return "HTTP %s, Content-Type %s, %d bytes; not a NetSuite answer, so its body is not shown" % (
        response.status_code, _media_type(response), len(response.content or b"")
    )


def redirect_target(response):
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
