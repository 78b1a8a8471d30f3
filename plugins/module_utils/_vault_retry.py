# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Retry Vault requests that failed for a passing reason, with backoff, one warning per retry.

Why a wrapper around the mounted adapter, not an HTTPAdapter subclass or urllib3's Retry:
the session's adapters already enforce limits (_http_limits: a total deadline per request, an
answer size cap) and are resized by the fleet check (init_poolmanager). Wrapping keeps them
whole: every attempt goes through the same adapter, so each attempt has its own deadline and
size cap, and the pools stay shared. urllib3's Retry would run inside that deadline (the
sleeps would eat it), could not call a warning per retry, and would turn an exhausted status
retry into its own exception where hvac must see the last answer.

What is retried (Vault and OpenBao semantics):
- a request that never reached the server (connection refused, connect timeout), any method;
- a request that may have reached it but got no complete answer (read timeout, connection lost
  mid-request), only for GET, HEAD and LIST: a write or a login may have been applied, and
  sending it again could create a second token or a second version;
- 429 (rate limit quota), 500, 502, 503 (sealed, standby without forwarding), 504, any method:
  the server refused or failed the request as a whole, and writes use check-and-set.
Never: 412 (check-and-set or consistency), other 4xx, redirects (they are answers, refused by
the session), an answer too large, TLS errors (configuration, not luck), and any status of
sys/health, where 429 and 503 are the answer (standby, sealed), not a failure.

After the last retry the last answer or exception goes to the caller unchanged, so hvac and
_vault_connection.translate_error say what they always said. A request lasts at most
(retries + 1) x the adapter's deadline plus the pauses (each at most MAX_DELAY).
"""

import math
import random
import re
import time
from http import HTTPStatus
from urllib.parse import urlsplit

FIRST_DELAY = 0.5
MAX_DELAY = 5.0
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'LIST'))
# The health endpoint answers with a status by design (429 standby, 503 sealed, ...).
_ANSWERS_WITH_STATUS = ('/v1/sys/health',)
_NUMERIC_RETRY_AFTER = re.compile(r'[0-9]{1,9}(\.[0-9]{1,6})?')
_CAUSE_DEPTH = 8


def install_retries(session, retries, warn, *, sleep=time.sleep, rng=random.random):
    """Retry the requests of ``session`` (a requests.Session) up to ``retries`` times each.

    Every mounted adapter is wrapped once (adapters shared between prefixes stay shared);
    installing again replaces the earlier settings, and ``retries`` 0 removes the wrapping.
    ``warn(line)`` is called once per retry, possibly from several threads at once.
    """
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ValueError('retries must be a whole number, at least 0')
    if retries and not callable(warn):
        raise ValueError('warn must be callable')
    wrapped = {}
    for prefix, adapter in list(session.adapters.items()):
        inner = adapter.wrapped if isinstance(adapter, RetryingAdapter) else adapter
        if retries:
            if id(inner) not in wrapped:
                wrapped[id(inner)] = RetryingAdapter(inner, retries, warn, sleep=sleep, rng=rng)
            session.mount(prefix, wrapped[id(inner)])
        elif inner is not adapter:
            session.mount(prefix, inner)


class RetryingAdapter:
    """A requests transport adapter that sends each attempt through ``wrapped``.

    It keeps no state between requests (one session serves many threads). The wrapped
    adapter's pools are resized through init_poolmanager; its other attributes (limits such as
    max_bytes) read through. A plain class: requests needs only send() and close() of an adapter.
    """

    def __init__(self, wrapped, retries, warn, sleep=time.sleep, rng=random.random):
        self.wrapped = wrapped
        self.retries = retries
        self._warn = warn
        self._sleep = sleep
        self._rng = rng

    def __getattr__(self, name):
        # Only public names: copy/pickle probe dunders before __init__ ran.
        if name.startswith('_') or 'wrapped' not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.wrapped, name)

    def init_poolmanager(self, *args, **kwargs):
        return self.wrapped.init_poolmanager(*args, **kwargs)

    def close(self):
        self.wrapped.close()

    def send(self, request, **kwargs):
        # A streamed body (file, generator) cannot be sent twice.
        retries = self.retries if request.body is None or isinstance(request.body, (bytes, str)) else 0
        attempt = 0
        while True:
            attempt += 1
            happened = retry_after = None
            try:
                response = self.wrapped.send(request, **kwargs)
            except Exception as exc:  # pylint: disable=broad-exception-caught
                if attempt > retries or not _retryable_error(request.method, exc):
                    raise
                happened = _error_description(exc)
            else:
                if attempt > retries or not _retryable_answer(request, response):
                    return response
                happened = _status_description(response.status_code)
                retry_after = _retry_after_seconds(response.headers.get('Retry-After'))
                response.close()
            delay = retry_after if retry_after is not None else self._backoff(attempt)
            self._warn(_warning(request, happened, attempt, retries, delay))
            self._sleep(delay)

    def _backoff(self, attempt):
        """0.5 s, 1 s, 2 s ... up to MAX_DELAY, each scaled by a random 50-100 %: threads that
        failed together (a fleet check against a sealed server) come back spread out."""
        nominal = min(MAX_DELAY, FIRST_DELAY * 2 ** min(attempt - 1, 16))  # bounded power: no float overflow
        return nominal * (0.5 + 0.5 * self._rng())


def _retryable_answer(request, response):
    if response.status_code not in RETRY_STATUSES:
        return False
    return not urlsplit(request.url or '').path.rstrip('/').endswith(_ANSWERS_WITH_STATUS)


def _retryable_error(method, exc):
    import requests.exceptions
    if isinstance(exc, requests.exceptions.SSLError):
        return False
    if _never_sent(exc):
        return True
    mid_request = (requests.exceptions.Timeout, requests.exceptions.ConnectionError,
                   requests.exceptions.ChunkedEncodingError)
    return isinstance(exc, mid_request) and (method or '').upper() in IDEMPOTENT_METHODS


def _never_sent(exc):
    """Whether the request failed before a connection existed (refused, unresolvable, connect
    timeout): the server cannot have acted on it. requests wraps urllib3's reason in its args."""
    import requests.exceptions
    from urllib3.exceptions import ConnectTimeoutError  # NewConnectionError is one too
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return False
    pending = [exc]
    for _step in range(_CAUSE_DEPTH):
        if not pending:
            break
        cause = pending.pop()
        if isinstance(cause, (ConnectTimeoutError, ConnectionRefusedError)):
            return True
        pending.extend(arg for arg in getattr(cause, 'args', ()) if isinstance(arg, BaseException))
        reason = getattr(cause, 'reason', None)
        if isinstance(reason, BaseException):
            pending.append(reason)
    return False


def _retry_after_seconds(value):
    """A numeric Retry-After (seconds) up to MAX_DELAY; None for anything else (a date, garbage)."""
    text = str(value or '').strip()
    if not _NUMERIC_RETRY_AFTER.fullmatch(text):
        return None
    seconds = float(text)
    return min(seconds, MAX_DELAY) if math.isfinite(seconds) else None


def _status_description(status):
    try:
        return '%d %s' % (status, HTTPStatus(status).phrase)
    except ValueError:
        return str(status)


def _error_description(exc):
    # Only the class name: requests' messages quote URLs and, in places, header values.
    what = 'no connection' if _never_sent(exc) else 'no complete answer'
    return '%s (%s)' % (what, type(exc).__name__)


def _warning(request, happened, attempt, retries, delay):
    url = request.url or ''
    path = urlsplit(url).path or '/'
    return 'Vault request %s %s to %s failed: %s; retry %d of %d in %.1f s' % (
        (request.method or '').upper(), path, _server_of(url), happened, attempt, retries, delay)


def _server_of(url):
    """scheme://host[:port] without user information, path or query (as _vault_connection names
    a server; not imported from there, which imports this module)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return 'the configured URL'
    if not parts.hostname:
        return 'the configured URL'
    host = '[%s]' % parts.hostname if ':' in parts.hostname else parts.hostname
    return '%s://%s%s' % (parts.scheme, host, ':%d' % port if port else '')
