# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Read-only NetSuite connection test shared by the credential modules and the fleet check.

Two ways to log in behind one interface and one error taxonomy, chosen by the credentials'
``auth_type`` ("tba" when they have none):
- TBA (OAuth 1.0a): every GET is signed anew (a fresh nonce and timestamp per attempt).
- M2M (OAuth 2.0 client credentials): a POST of a signed client assertion to the token endpoint
  (a new assertion, with new iat and exp, for every attempt), then the same GETs with the access
  token as bearer. The token lives only inside this call: never cached, never returned, and
  scrubbed from everything returned like the credentials' own secrets (see _m2m_token).
Both: GET serverTime, and the metadata catalog once when serverTime does not exist (404). Each
request is sent at most ``max_attempts`` times, retried only for 429, 5xx and timeouts or
connection errors (Retry-After honoured), within the same total deadline and size cap, and no
redirect is followed. ``attempts`` counts every HTTP request, token POSTs included; ``retries``
the ones among them that repeated a request (so an M2M success is 2 attempts, 0 retries).

error_code is NetSuite's own code (INVALID_LOGIN, USER_ERROR...), an OAuth 2.0 token endpoint's
code exactly as sent (invalid_client, invalid_grant...: see _m2m_token), or the collection's own
name for what it saw (TIMEOUT, REDIRECTED, UNEXPECTED_RESPONSE...); the task's failure_code is
``netsuite:<error_code>`` (_failure.netsuite_failure). ``probe`` names the request the result is
about: ``serverTime``, ``metadata-catalog``, or ``token`` (the M2M token request).

``probe_connection`` never raises for network or HTTP problems: it returns a failed
``ProbeResult``. A missing library (requests; for M2M also oauthlib, PyJWT and cryptography) is
returned too (``error_code`` ``MISSING_DEPENDENCY``), but its failure is ``dependency:missing``
naming the pip package and the Python, never a NetSuite failure: nothing was sent.
"""

import collections
import dataclasses
import json
import random
import re
import socket
import sys
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Optional, Tuple
from urllib.parse import urlsplit

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure, netsuite_failure
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import (
    MIB,
    bounded_session,
    response_too_large_error,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_token import (
    INSTALL_COMMAND,
    TOKEN_REQUEST_HEADERS,
    access_token_from,
    bearer_headers,
    missing_m2m_library,
    oauth_error_from,
    token_answer_problem,
    token_request,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._rfc3339 import parse_time
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import ENCODED_WITHHELD, Scrubber, looks_encoded
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_signer import authorization_header
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._transport_errors import (
    NETSUITE_SETTINGS,
    describe,
    environment_proxy_problem,
    transport_exceptions,
)

AUTH_TBA = "tba"
AUTH_M2M = "m2m"

SERVER_TIME_PROBE = "serverTime"
CATALOG_PROBE = "metadata-catalog"
TOKEN_PROBE = "token"
_SERVER_TIME_PATH = "/services/rest/system/v1/serverTime"
# Fallback for accounts before NetSuite 2025.2; select keeps the catalog answer small.
_CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
_CATALOG_PARAMS = {"select": "customer"}
_HEADERS = {"Accept": "application/json"}

SKEW_WARNING_SECONDS = 60
# NetSuite refuses TBA timestamps more than 5 minutes away from its clock (InvalidTimestamp).
SKEW_REFUSED_SECONDS = 300
# An M2M client assertion is dated by iat and exp; NetSuite's leeway is not documented, so beyond
# a minute of measured skew a refused assertion names the clock first.
M2M_SKEW_SUSPECT_SECONDS = 60
# The scope whose token opens REST web services (serverTime); restlets alone does not.
_REST_SCOPE = "rest_webservices"

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
_AUDIT_TRAIL = "Setup > Users/Roles > User Management > View Login Audit Trail (Detail column)"
_M2M_SETUP = "Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup"
_INTEGRATIONS = "Setup > Integration > Manage Integrations"
_SUITECLOUD_FEATURES = "Setup > Company > Enable Features > SuiteCloud"


@dataclasses.dataclass(frozen=True)
class ProbeResult:
    """Outcome of one connection test; holds no secret (see ``_without_secrets``)."""

    ok: bool
    status_code: Optional[int] = None
    probe: Optional[str] = None
    server_time: Optional[str] = None
    clock_skew_seconds: Optional[float] = None
    attempts: int = 0
    retries: int = 0
    elapsed_ms: int = 0
    error_code: Optional[str] = None
    detail: Optional[str] = None
    hint: Optional[str] = None
    warnings: Tuple[str, ...] = ()

    def failure(self):
        """This failed test as a _failure.Failure (None when the test passed)."""
        if self.ok:
            return None
        if self.error_code == "MISSING_DEPENDENCY":
            return Failure("dependency:missing", "Missing dependency: %s" % self.detail, self.hint or "")
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
            "retries": self.retries,
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
        "The exact reason is in %s." % (realm or "(unknown)", host or "(unknown)", _AUDIT_TRAIL)
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
    "TOKEN_TOO_LARGE": (
        "{host} issued an access token far larger than NetSuite's (a few KB): it was not used. Check "
        "netsuite_url (" + _COMPANY_URLS + ") and any proxy in between."
    ),
}
_DEFAULT_HINT = "NetSuite refused the request: see error_code and detail."


def _invalid_timestamp_hint(clock_skew_seconds):
    return (
        "InvalidTimestamp likely: the local clock is %d s off NetSuite's; sync NTP."
        % round(abs(clock_skew_seconds))
    )


def hint_for(status_code, error_code, *, realm=None, host=None, clock_skew_seconds=None,
             auth_type=AUTH_TBA, probe=None, environment=None):
    """Advice for a failed probe: NetSuite's or OAuth's error codes first, then the HTTP status,
    then our own transport codes (status_code None). ``probe`` and ``environment`` matter for
    M2M only: which request failed, and whether the account is a sandbox."""
    if auth_type == AUTH_M2M:
        return _m2m_hint(status_code, error_code, probe, realm, host, environment, clock_skew_seconds)
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
    return _transport_hint(status_code, error_code, host)


def _transport_hint(status_code, error_code, host, not_found=_NOT_FOUND_HINT):
    """What both logins share: redirects, missing endpoints, server and network failures."""
    if status_code is not None and 300 <= status_code < 400:
        template = _REDIRECT_HINT
    elif status_code == 404:
        template = not_found
    elif status_code is not None and status_code >= 500:
        template = _SERVER_ERROR_HINT
    else:
        template = _CODE_HINTS.get(error_code, _DEFAULT_HINT)
    return template.format(host=host or "the NetSuite host")


# --- OAuth 2.0 client credentials (M2M) --------------------------------------------------------

def _m2m_checklist(realm, host):
    return (
        "Check: (1) certificate_id is the Certificate ID that " + _M2M_SETUP + " lists for the "
        "uploaded certificate (it is sent as the assertion's kid); "
        "(2) that mapping joins this integration record to the intended entity and role, is not "
        "revoked, and its certificate has not expired (a revoked or expired certificate needs a new "
        "mapping, which gets a new Certificate ID); "
        "(3) client_id is the Client ID of that integration record, and the record's State is Enabled; "
        "(4) the integration record has Client Credentials (Machine to Machine) Grant checked and the "
        "scopes the test asks for (REST Web Services, RESTlets); "
        "(5) the mapping was made in account %s, the one host %s belongs to (mappings are per account); "
        "(6) this machine's clock is right (NetSuite checks the assertion's iat and exp against its "
        "own). The exact reason is in %s."
        % (realm or "(unknown)", host or "(unknown)", _AUDIT_TRAIL)
    )


_OAUTH_LEADS = {
    "invalid_client": (
        "NetSuite did not authenticate the client (invalid_client): client_id is not the Client ID "
        "of an Enabled integration record (a Blocked one is refused too), certificate_id (the kid) "
        "names no active mapping of it (a wrong certificate ID, or a certificate not mapped, revoked "
        "or expired), or the assertion's signature does not verify with that certificate (a "
        "private_key that does not belong to it)."
    ),
    "invalid_grant": (
        "NetSuite refused the client assertion (invalid_grant): its iat and exp do not fit NetSuite's "
        "clock, its aud is not this token endpoint (netsuite_url must be the account's own SuiteTalk "
        "URL), or certificate_id (the kid) names no active mapping for this integration record: the "
        "certificate is not mapped to it, entity and role in " + _M2M_SETUP + ", or the mapping was "
        "revoked, cleared, or its certificate expired."
    ),
    "invalid_scope": (
        "The integration record does not allow the scope the assertion asks for (invalid_scope): "
        "check the REST Web Services (and, if scope lists restlets, RESTlets) box under OAuth 2.0 on "
        "the integration record in " + _INTEGRATIONS + ", or ask only for what it allows with scope."
    ),
    "unsupported_grant_type": (
        "NetSuite does not offer this integration the client credentials grant "
        "(unsupported_grant_type): check Client Credentials (Machine to Machine) Grant under OAuth "
        "2.0 on the integration record in " + _INTEGRATIONS + ", and that OAuth 2.0 is enabled in "
        + _SUITECLOUD_FEATURES + " > Manage Authentication."
    ),
    "unauthorized_client": (
        "The integration record may not use the client credentials grant (unauthorized_client): "
        "check Client Credentials (Machine to Machine) Grant under OAuth 2.0 on the record in "
        + _INTEGRATIONS + ", and that its State is Enabled."
    ),
    "invalid_request": (
        "NetSuite found the token request malformed (invalid_request): usually the assertion's "
        "header or claims (a certificate ID NetSuite does not know, an algorithm the certificate "
        "does not fit); if everything below is right, report it with error_code and detail."
    ),
}
_OAUTH_DEFAULT_LEAD = "NetSuite refused the token request."
# Codes about the integration record itself: a cleared certificate mapping does not cause them.
_RECORD_CODES = frozenset({"invalid_scope", "unsupported_grant_type", "unauthorized_client"})
_MAPPING_NOT_COPIED = {
    "sandbox": (
        "%s is a sandbox: every sandbox refresh clears its OAuth 2.0 Client Credentials (M2M) "
        "mappings, so if it was refreshed after the certificate was mapped, map the certificate "
        "again in " + _M2M_SETUP + " and use the new Certificate ID as certificate_id."
    ),
    "release_preview": (
        "%s is a Release Preview account: M2M mappings are not copied to it, so map the certificate "
        "in its own " + _M2M_SETUP + " and use that Certificate ID as certificate_id."
    ),
}
_BEARER_REFUSED_HINT = (
    "NetSuite issued an access token but refused it for REST web services. Check: (1) the role "
    "mapped to this certificate in " + _M2M_SETUP + " has the \"Log in using OAuth 2.0 Access "
    "Tokens\" and \"REST Web Services\" permissions; (2) that entity and role are active "
    "(EntityOrRoleDisabled); (3) the integration record's REST Web Services scope is checked "
    "(ScopeMismatched). The exact reason is in " + _AUDIT_TRAIL + "."
)
_M2M_PERMISSION_HINT = (
    "The login worked but the role mapped to this certificate lacks permissions: give it \"REST "
    "Web Services\", \"Log in using OAuth 2.0 Access Tokens\" and \"SuiteAnalytics Workbook\", "
    "and check that the REST Web Services and SuiteAnalytics Workbook features are enabled ("
    + _SUITECLOUD_FEATURES + ")."
)
_NO_REST_SCOPE_WARNING = (
    "scope does not include rest_webservices, so the test stopped once NetSuite issued the access "
    "token: REST web services (serverTime) refuse such a token, and the role's permissions were not tried."
)
_TOKEN_NOT_FOUND_HINT = (
    "The OAuth 2.0 token endpoint was not found on {host}: check that netsuite_url is the SuiteTalk "
    "(REST web services) URL from " + _COMPANY_URLS + " and that OAuth 2.0 is enabled in "
    + _SUITECLOUD_FEATURES + " > Manage Authentication."
)


def _m2m_hint(status_code, error_code, probe, realm, host, environment, clock_skew_seconds):
    if error_code in _CONCURRENCY_CODES or status_code == 429:
        return _CONCURRENCY_HINT
    if probe == TOKEN_PROBE:
        if _token_refused(status_code, error_code):
            return _token_refused_hint(error_code, realm, host, environment, clock_skew_seconds)
        return _transport_hint(status_code, error_code, host, not_found=_TOKEN_NOT_FOUND_HINT)
    # The bearer GETs: the token was issued, so the assertion and its mapping are fine.
    if error_code in _LOGIN_CODES or status_code == 401:
        return _BEARER_REFUSED_HINT
    if error_code == "USER_ERROR" or status_code == 403:
        return _M2M_PERMISSION_HINT
    return _transport_hint(status_code, error_code, host)


def _token_refused(status_code, error_code):
    """A 4xx in OAuth's or NetSuite's error shape (an answer of another shape may be a proxy's)."""
    return (
        status_code is not None and 400 <= status_code < 500 and status_code != 404
        and error_code != "UNEXPECTED_RESPONSE"
    )


def _token_refused_hint(error_code, realm, host, environment, clock_skew_seconds):
    parts = []
    if clock_skew_seconds is not None and abs(clock_skew_seconds) > M2M_SKEW_SUSPECT_SECONDS:
        # NetSuite does not say which claim it refused; a skew we measured is the one cause we see.
        parts.append(_m2m_clock_skew_hint(clock_skew_seconds))
    if environment in _MAPPING_NOT_COPIED and error_code not in _RECORD_CODES:
        parts.append(_MAPPING_NOT_COPIED[environment] % (realm or "This account"))
    parts.append(_OAUTH_LEADS.get(error_code, _OAUTH_DEFAULT_LEAD))
    parts.append(_m2m_checklist(realm, host))
    return " ".join(parts)


def _m2m_clock_skew_hint(clock_skew_seconds):
    return (
        "Clock skew likely: the local clock is %d s %s NetSuite's (measured from the token "
        "endpoint's Date header), and NetSuite refuses a client assertion whose iat or exp does not "
        "fit its own clock; sync NTP."
        % (round(abs(clock_skew_seconds)), _direction(clock_skew_seconds))
    )


def _direction(clock_skew_seconds):
    """Skew is NetSuite's time minus ours: positive means our clock is behind."""
    return "behind" if clock_skew_seconds > 0 else "ahead of"


def _missing_dependency_result(package):
    """A library is missing where the task runs: said as that, naming what pip installs, not as a
    NetSuite failure (failure_code ``dependency:missing``)."""
    return ProbeResult(
        ok=False, error_code="MISSING_DEPENDENCY",
        detail="the Python package %s is not installed where the task runs (%s)" % (package, sys.executable),
        hint="Install it into that Python: %s (the collection's meta/ee-requirements.txt lists every "
        "package the modules need)." % INSTALL_COMMAND,
    )


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------

class _Attempt:
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


class _Sender:
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
            return _Attempt(error_code=self._transport_code(exc), detail=_transport_cause(exc))
        except transport_exceptions() as exc:
            # Everything else requests, urllib3, ssl or the socket layer raise (an unparsable
            # proxy URL, a CA path that is a directory...): named by setting, never by its text.
            return _described_attempt(exc, url)
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


def _described_attempt(exc, url):
    problem = describe(exc, NETSUITE_SETTINGS, url)
    if problem is None:
        raise exc  # not about the transport: a bug, reported as one
    return _Attempt(error_code=problem.code, detail=problem.reason, hint=problem.hint, retryable=problem.retryable)


def _signed_get(send, credentials):
    """TBA GETs, each attempt signed anew with a fresh nonce and timestamp (a re-sent header
    would be refused as nonce_used)."""
    def get(url, params=None):
        headers = dict(_HEADERS, Authorization=authorization_header(credentials, "GET", url, params))
        return send("GET", url, headers, params=params)
    return get


def _bearer_get(send, access_token):
    """M2M GETs: the same access token for every attempt (it lives 60 minutes)."""
    headers = bearer_headers(access_token, _HEADERS)
    return lambda url, params=None: send("GET", url, headers, params=params)


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


def _send_with_retries(send_once, max_attempts, sleep, rng):
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


def _error_from_body(response, oauth_shape=False):
    """(error_code, detail) from NetSuite's REST or RESTlet error JSON (and with ``oauth_shape``
    from OAuth 2.0's), else UNEXPECTED_RESPONSE.

    A server's own words are shown only when the answer has one of those shapes: anything else
    may be a proxy, portal or debug page that echoes the request (a signed header, an assertion,
    a form body)."""
    payload = _json_or_none(response)
    if isinstance(payload, dict):
        details = payload.get("o:errorDetails")
        first = details[0] if isinstance(details, list) and details else None
        if isinstance(first, dict) and first.get("o:errorCode"):
            return _short_code(first["o:errorCode"]), _server_words(first.get("detail") or payload.get("title"))
        oauth_error = oauth_error_from(payload) if oauth_shape else None
        if oauth_error:
            return _short_code(oauth_error[0]), _server_words(oauth_error[1])
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
    if looks_encoded(text):
        return ENCODED_WITHHELD
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


def _skew_warnings(clock_skew_seconds, auth_type):
    if clock_skew_seconds is None or abs(clock_skew_seconds) <= SKEW_WARNING_SECONDS:
        return ()
    off = "The local clock is %d s %s NetSuite's" % (round(abs(clock_skew_seconds)), _direction(clock_skew_seconds))
    if auth_type == AUTH_M2M:
        return (off + "; NetSuite refuses a client assertion whose iat or exp does not fit its own "
                "clock: sync NTP.",)
    return (off + "; beyond %d s NetSuite refuses token-based requests (InvalidTimestamp): sync NTP."
            % SKEW_REFUSED_SECONDS,)


# ---------------------------------------------------------------------------------------------
# Interpreting the last attempt
# ---------------------------------------------------------------------------------------------

# Who is being tested where, for the hints.
_Context = collections.namedtuple("_Context", "auth_type realm host environment")


def _attempt_result(attempt, probe, context):
    if attempt.response is None:
        return _transport_failure(attempt, probe, context)
    return _response_result(attempt, probe, context)


def _transport_failure(attempt, probe, context):
    return ProbeResult(
        ok=False, probe=probe, error_code=attempt.error_code, detail=attempt.detail,
        hint=attempt.hint or _hint(context, None, attempt.error_code, probe, None),
    )


def _response_result(attempt, probe, context):
    response = attempt.response
    body_time = _server_time_from_body(response) if probe == SERVER_TIME_PROBE else None
    server_time = body_time or _server_time_from_date_header(response)
    skew = None
    if server_time:
        skew = round(server_time[1].timestamp() - attempt.local_midpoint, 3)
    fields = dict(
        status_code=response.status_code, probe=probe,
        server_time=server_time[0] if server_time else None,
        clock_skew_seconds=skew, warnings=_skew_warnings(skew, context.auth_type),
    )
    error_code, detail = _response_error(response, probe, body_time, context.auth_type)
    if error_code is None:
        return ProbeResult(ok=True, **fields)
    hint = _hint(context, response.status_code, error_code, probe, skew)
    return ProbeResult(ok=False, error_code=error_code, detail=detail, hint=hint, **fields)


def _hint(context, status_code, error_code, probe, skew):
    return hint_for(
        status_code, error_code, realm=context.realm, host=context.host, clock_skew_seconds=skew,
        auth_type=context.auth_type, probe=probe, environment=context.environment,
    )


def _response_error(response, probe, body_time, auth_type):
    """(None, None) for a good answer, else (error_code, detail)."""
    status = response.status_code
    if 200 <= status < 300:
        # A 2xx serverTime without the time, or a token answer without a token, is not NetSuite
        # (e.g. a proxy's page).
        if probe == SERVER_TIME_PROBE and body_time is None:
            return "UNEXPECTED_RESPONSE", _unexpected_detail(response)
        if probe == TOKEN_PROBE:
            # Sizes before parsing, and no word of an oversized answer: it holds the token.
            problem = token_answer_problem(len(response.content), None)
            payload = None if problem else _json_or_none(response)
            problem = problem or token_answer_problem(len(response.content), payload)
            if problem:
                return "TOKEN_TOO_LARGE", problem
            if access_token_from(payload) is None:
                return "UNEXPECTED_RESPONSE", _unexpected_detail(response)
        return None, None
    if 300 <= status < 400:
        return "REDIRECTED", "HTTP %s redirect to %s" % (status, _redirect_target(response))
    return _error_from_body(response, oauth_shape=auth_type == AUTH_M2M)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

def _secret_values(credentials, auth_type):
    if auth_type == AUTH_M2M:
        return [value for value in credentials.secret_values() if value]
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


def _run_probes(get, base_url, max_attempts, sleep, rng):
    """serverTime, then the metadata catalog once if serverTime does not exist (404)."""
    attempt, sent = _send_with_retries(
        lambda: get(base_url + _SERVER_TIME_PATH), max_attempts, sleep, rng
    )
    if attempt.status_code != 404:
        return attempt, SERVER_TIME_PROBE, sent
    # TBA signs params with the URL; requests sends them as the query string.
    attempt, fallback_sent = _send_with_retries(
        lambda: get(base_url + _CATALOG_PATH, _CATALOG_PARAMS), max_attempts, sleep, rng
    )
    return attempt, CATALOG_PROBE, sent + fallback_sent


def _tba_probe(send, credentials, base_url, context, retry):
    """(result, requests sent): the signed GETs."""
    attempt, probe, sent = _run_probes(_signed_get(send, credentials), base_url, *retry)
    return _attempt_result(attempt, probe, context), sent


class _Registered(list):
    """The secrets of one test; each one appended is also handed to ``hide`` at once."""

    def __init__(self, values, hide):
        super().__init__(values)
        self._hide = hide

    def append(self, value):
        super().append(value)
        if self._hide is not None and value:
            self._hide([value])


def _m2m_probe(send, credentials, base_url, context, retry, clock, secrets):
    """(result, requests sent): the token request, then the bearer GETs. Every assertion sent
    and the access token join ``secrets``, so the result is scrubbed of them too."""
    def post_token():
        request = token_request(credentials, base_url, clock())
        secrets.append(request.assertion)
        return send("POST", request.url, TOKEN_REQUEST_HEADERS, data=request.body)

    attempt, token_sent = _send_with_retries(post_token, *retry)
    token_result = _attempt_result(attempt, TOKEN_PROBE, context)
    if not token_result.ok:
        return token_result, token_sent
    access_token = access_token_from(_json_or_none(attempt.response))
    secrets.append(access_token)
    if _REST_SCOPE not in getattr(credentials, "scopes", (_REST_SCOPE,)):
        return dataclasses.replace(token_result, warnings=token_result.warnings + (_NO_REST_SCOPE_WARNING,)), token_sent
    attempt, probe, sent = _run_probes(_bearer_get(send, access_token), base_url, *retry)
    result = _attempt_result(attempt, probe, context)
    if result.clock_skew_seconds is None and token_result.clock_skew_seconds is not None:
        # The last answer told no time (none came): the token answer's Date header still does.
        result = dataclasses.replace(
            result, server_time=token_result.server_time,
            clock_skew_seconds=token_result.clock_skew_seconds, warnings=result.warnings + token_result.warnings,
        )
    return result, token_sent + sent


def probe_connection(credentials, base_url, timeout=30, validate_certs=True, *, max_attempts=3,
                     session=None, sleep=time.sleep, clock=time.time, rng=random.random, hide=None):
    """Test the credentials (TBA, or M2M when ``credentials.auth_type`` is "m2m") against
    ``base_url`` (scheme and host, e.g. ``https://1234567-sb1.suitetalk.api.netsuite.com``) with
    read-only requests; see the module docstring.

    ``session`` (a requests.Session) is used as given and left open; without one a private
    session is created and closed. ``sleep``, ``clock`` and ``rng`` exist for tests (``clock``
    also dates the M2M assertions). ``hide(values)`` is called with every secret the test makes
    (client assertions, the access token) as soon as it exists, so the task's own scrub knows them.
    """
    # monotonic, not ``clock``: a clock step (NTP) during the test must not distort elapsed_ms.
    started = time.monotonic()
    auth_type = getattr(credentials, "auth_type", AUTH_TBA)
    if auth_type not in (AUTH_TBA, AUTH_M2M):
        raise ValueError("credentials.auth_type must be %s or %s" % (AUTH_TBA, AUTH_M2M))
    try:
        import requests
    except ImportError:
        return _missing_dependency_result("requests")
    missing = missing_m2m_library() if auth_type == AUTH_M2M else None
    if missing:
        return _missing_dependency_result(missing[0])
    base_url = base_url.rstrip("/")
    context = _Context(
        auth_type, credentials.realm, urlsplit(base_url).hostname or base_url,
        getattr(credentials, "environment", None),
    )
    secrets = _Registered(_secret_values(credentials, auth_type), hide)
    proxy_problem = environment_proxy_problem(base_url, NETSUITE_SETTINGS)
    if proxy_problem is not None:  # found offline: no request could be sent
        return ProbeResult(ok=False, error_code=proxy_problem.code, detail=proxy_problem.reason,
                           hint=proxy_problem.hint)
    # Every retry waits first, exactly once (_send_with_retries): counting the waits counts the
    # retries, apart from the requests an M2M test always needs (token, then serverTime).
    waits = []

    def wait(seconds):
        waits.append(seconds)
        sleep(seconds)

    retry = (max_attempts, wait, rng)
    # NetSuite's REST answers here are a few hundred bytes: 1 MiB is generous, and every attempt
    # ends within the timeout whatever the server does.
    http = session if session is not None else bounded_session(timeout, NETSUITE_ANSWER_MAX_BYTES)
    try:
        send = _Sender(requests, http, timeout, validate_certs, clock)
        if auth_type == AUTH_M2M:
            result, sent = _m2m_probe(send, credentials, base_url, context, retry, clock, secrets)
        else:
            result, sent = _tba_probe(send, credentials, base_url, context, retry)
    finally:
        if session is None:
            http.close()
    result = dataclasses.replace(
        result, attempts=sent, retries=len(waits), elapsed_ms=int((time.monotonic() - started) * 1000)
    )
    return _without_secrets(result, secrets)
