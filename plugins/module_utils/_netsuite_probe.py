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
import random
import sys
import time
from typing import Optional, Tuple
from urllib.parse import urlsplit

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import ProbeOutcome, first_failure
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure, netsuite_failure
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import bounded_session
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_hints import (
    AUTH_M2M,
    AUTH_TBA,
    INSTALL_COMMAND,
    SERVER_TIME_PROBE,
    hint_for,
    skew_warnings,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_http import (
    NETSUITE_ANSWER_MAX_BYTES,
    Sender,
    error_from_body,
    redirect_target,
    server_time_from_body,
    server_time_from_date_header,
    unexpected_detail,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import AccountHosts
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_session import AuthorizedSender, run_probes
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._probe_tba import TbaProbe
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._transport_errors import (
    NETSUITE_SETTINGS,
    environment_proxy_problem,
)

_DETAIL_MAX_CHARS = 500


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
    # The capability probes' outcomes (_capability_probes.ProbeOutcome), in declared order; run
    # only after the login passed.
    probes: Tuple[ProbeOutcome, ...] = ()

    def failure(self):
        """This failed test as a _failure.Failure: the login's, else the first failed probe's
        (None when everything passed)."""
        if self.ok:
            return first_failure(self.probes)
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
# Interpreting the last attempt
# ---------------------------------------------------------------------------------------------

# Who is being tested where, for the hints.
_Context = collections.namedtuple("_Context", "auth_type realm host environment")


class _Interpreter:
    """Turns a strategy's last attempt into a ProbeResult: ``interpret(attempt, probe)``, with
    ``answer_error(response)`` judging a 2xx answer beyond the HTTP status (the M2M token)."""

    def __init__(self, context, error_shape):
        self._context = context
        self._error_shape = error_shape

    def __call__(self, attempt, probe, answer_error=None):
        if attempt.response is None:
            return ProbeResult(
                ok=False, probe=probe, error_code=attempt.error_code, detail=attempt.detail,
                hint=attempt.hint or self._hint(None, attempt.error_code, probe, None),
            )
        return self._response_result(attempt, probe, answer_error)

    def _response_result(self, attempt, probe, answer_error):
        response = attempt.response
        body_time = server_time_from_body(response) if probe == SERVER_TIME_PROBE else None
        server_time = body_time or server_time_from_date_header(response)
        skew = None
        if server_time:
            skew = round(server_time[1].timestamp() - attempt.local_midpoint, 3)
        fields = dict(
            status_code=response.status_code, probe=probe,
            server_time=server_time[0] if server_time else None,
            clock_skew_seconds=skew, warnings=skew_warnings(skew, self._context.auth_type),
        )
        error_code, detail = self._response_error(response, probe, body_time, answer_error)
        if error_code is None:
            return ProbeResult(ok=True, **fields)
        hint = self._hint(response.status_code, error_code, probe, skew)
        return ProbeResult(ok=False, error_code=error_code, detail=detail, hint=hint, **fields)

    def _hint(self, status_code, error_code, probe, skew):
        context = self._context
        return hint_for(
            status_code, error_code, realm=context.realm, host=context.host, clock_skew_seconds=skew,
            auth_type=context.auth_type, probe=probe, environment=context.environment,
        )

    def _response_error(self, response, probe, body_time, answer_error):
        """(None, None) for a good answer, else (error_code, detail)."""
        status = response.status_code
        if 200 <= status < 300:
            # A 2xx serverTime without the time is not NetSuite (e.g. a proxy's page).
            if probe == SERVER_TIME_PROBE and body_time is None:
                return "UNEXPECTED_RESPONSE", unexpected_detail(response)
            return (answer_error and answer_error(response)) or (None, None)
        if 300 <= status < 400:
            return "REDIRECTED", "HTTP %s redirect to %s" % (status, redirect_target(response))
        return error_from_body(response, self._error_shape)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

def _strategy(auth_type):
    if auth_type == AUTH_M2M:
        # Imported here, for M2M credentials only: a TBA test never loads the M2M units.
        from ansible_collections.netsuite_ops.credentials.plugins.module_utils._probe_m2m import M2mProbe
        return M2mProbe
    return TbaProbe


def _without_secrets(result, secrets):
    """NetSuite never echoes secrets, but a proxy or a debug page may: every string returned is
    scrubbed of every form of every secret, and only then is the detail cut to length."""
    scrubber = Scrubber(secrets)
    fields = {
        name: scrubber.scrub_all(getattr(result, name))
        for name in (field.name for field in dataclasses.fields(result)) if name != "probes"
    }
    if fields["detail"] is not None:
        fields["detail"] = scrubber.one_line(fields["detail"], _DETAIL_MAX_CHARS)
    fields["probes"] = tuple(_probe_without_secrets(outcome, scrubber) for outcome in result.probes)
    return dataclasses.replace(result, **fields)


def _probe_without_secrets(outcome, scrubber):
    if outcome.reason is None:
        return outcome
    return dataclasses.replace(outcome, reason=scrubber.one_line(outcome.reason, _DETAIL_MAX_CHARS),
                               hint=scrubber.scrub(outcome.hint))


class _Registered(list):
    """The secrets of one test; each one appended is also handed to ``hide`` at once."""

    def __init__(self, values, hide):
        super().__init__(values)
        self._hide = hide

    def append(self, value):
        super().append(value)
        if self._hide is not None and value:
            self._hide([value])


class NetSuiteClient:
    """One task's requests to one account's NetSuite, as a context manager: the connection test
    (``test``, with the capability probes), or ``login`` then ``send`` (netsuite_request). An M2M
    client fetches one access token and reuses it for everything it sends. Never raises for
    network or HTTP problems: they come back as failed ProbeResults or Attempts.

    ``session`` (a requests.Session) is used as given and left open; without one a private
    session (every answer capped at ``max_bytes``) is created and closed. ``sleep``, ``clock``
    and ``rng`` exist for tests (``clock`` also dates the M2M assertions). ``hide(values)`` is
    called with every secret the client makes (client assertions, the access token) as soon as
    it exists, so the task's own scrub knows them.
    """

    def __init__(self, credentials, base_url, timeout=30, validate_certs=True, *, max_attempts=3, session=None,
                 sleep=time.sleep, clock=time.time, rng=random.random, hide=None,
                 max_bytes=NETSUITE_ANSWER_MAX_BYTES):
        # monotonic, not ``clock``: a clock step (NTP) during the test must not distort elapsed_ms.
        self._started = time.monotonic()
        auth_type = getattr(credentials, "auth_type", AUTH_TBA)
        if auth_type not in (AUTH_TBA, AUTH_M2M):
            raise ValueError("credentials.auth_type must be %s or %s" % (AUTH_TBA, AUTH_M2M))
        self._credentials = credentials
        self.base_url = base_url.rstrip("/")
        self._clock = clock
        self._strategy = None
        self._owned_session = session is None
        self._http = session
        self._sent = 0
        self._authorize = None
        self._authorized = None
        self.problem = self._setup_problem(auth_type)
        if self.problem is not None:
            return
        # Every retry waits first, exactly once (send_with_retries): counting the waits counts the
        # retries, apart from the requests an M2M test always needs (token, then serverTime).
        self._waits = []

        def wait(seconds):
            self._waits.append(seconds)
            sleep(seconds)

        self._retry = (max_attempts, wait, rng)
        self.secrets = _Registered(self._strategy.secret_values(credentials), hide)
        self._context = _Context(auth_type, credentials.realm, urlsplit(self.base_url).hostname or self.base_url,
                                 getattr(credentials, "environment", None))
        import requests
        # Every attempt ends within the timeout whatever the server does, and its answer is capped.
        if self._http is None:
            self._http = bounded_session(timeout, max_bytes)
        self._send = Sender(requests, self._http, timeout, validate_certs, clock)
        self._interpret = _Interpreter(self._context, self._strategy.error_shape)

    def _setup_problem(self, auth_type):
        """A failed ProbeResult when nothing can be sent (a missing library, a bad proxy setting)."""
        try:
            import requests  # noqa: F401 pylint: disable=unused-import
        except ImportError:
            return _missing_dependency_result("requests")
        self._strategy = _strategy(auth_type)
        missing = self._strategy.missing_library()
        if missing:
            return _missing_dependency_result(missing[0])
        proxy_problem = environment_proxy_problem(self.base_url, NETSUITE_SETTINGS)
        if proxy_problem is not None:  # found offline: no request could be sent
            return ProbeResult(ok=False, error_code=proxy_problem.code, detail=proxy_problem.reason,
                               hint=proxy_problem.hint)
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._owned_session and self._http is not None:
            self._http.close()

    def _done(self, result):
        """``result`` with the counts and the elapsed time, scrubbed of every secret seen."""
        result = dataclasses.replace(result, attempts=self.attempts, retries=self.retries,
                                     elapsed_ms=int((time.monotonic() - self._started) * 1000))
        return _without_secrets(result, self.secrets)

    def test(self, probes=(), hosts=None, second_slot=None):
        """The connection test (serverTime, or the token for M2M without REST web services),
        then, when it passed, ``probes`` on ``hosts`` (AccountHosts; the test's own host for both
        when None): one after another, or two at a time while ``second_slot`` (see
        _netsuite_session.run_probes) holds one more slot of the account's limit."""
        if self.problem is not None:
            return self.problem
        result, sent, self._authorize = self._strategy.run(
            self._send, self._credentials, self.base_url, self._interpret, self._retry, self._clock, self.secrets)
        self._sent += sent
        if result.ok and probes:
            result = dataclasses.replace(result, probes=run_probes(
                probes, hosts or AccountHosts(self.base_url, self.base_url), self._sender(), second_slot))
        return self._done(result)

    def login(self):
        """None when requests may be sent (M2M: the token came), else the failed ProbeResult."""
        if self.problem is not None:
            return self.problem
        result, sent, self._authorize = self._strategy.login(
            self._send, self._credentials, self.base_url, self._interpret, self._retry, self._clock, self.secrets)
        self._sent += sent
        return None if self._authorize is not None else self._done(result)

    def _sender(self):
        if self._authorized is None:
            self._authorized = AuthorizedSender(self._send, self._authorize, self._retry)
        return self._authorized

    def send(self, request):
        """The last Attempt of ``request`` (a _netsuite_requests.Request) after ``login``;
        retried only when it may be sent twice (_netsuite_requests.is_idempotent)."""
        if self._authorize is None:
            raise RuntimeError("NetSuiteClient.send before a successful login")
        return self._sender()(request)

    @property
    def attempts(self):
        """Every HTTP request sent: the login's and the test's, and the authorized ones."""
        return self._sent + (self._authorized.sent if self._authorized is not None else 0)

    @property
    def retries(self):
        return len(self._waits) if self.problem is None else 0


def probe_connection(credentials, base_url, timeout=30, validate_certs=True, *, max_attempts=3,
                     session=None, sleep=time.sleep, clock=time.time, rng=random.random, hide=None,
                     probes=(), hosts=None, second_slot=None):
    """Test the credentials (TBA, or M2M when ``credentials.auth_type`` is "m2m") against
    ``base_url`` (scheme and host, e.g. ``https://1234567-sb1.suitetalk.api.netsuite.com``) with
    read-only requests, then the capability ``probes`` (_capability_probes) on ``hosts``; see the
    module docstring and NetSuiteClient for the arguments.
    """
    with NetSuiteClient(credentials, base_url, timeout, validate_certs, max_attempts=max_attempts, session=session,
                        sleep=sleep, clock=clock, rng=rng, hide=hide) as client:
        return client.test(probes, hosts, second_slot)
