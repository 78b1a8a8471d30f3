# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Authorized requests to one account after the login, shared by the capability probes of the
connection test and by netsuite_request.

A login strategy (_probe_tba, _probe_m2m) gives ``authorize(method, url, params)``: the headers
that let one attempt in. TBA signs every attempt anew (a fresh nonce and timestamp); M2M puts the
one access token of the task in every attempt. ``AuthorizedSender`` sends a _netsuite_requests
Request through it, retrying only what may be sent twice (``is_idempotent``: never a POST that
may have created a record). ``run_probes`` turns the probes' answers into outcome rows.
"""

import contextlib
import threading

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import (
    probe_outcome,
    probe_request,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_http import (
    JSON_HEADERS,
    error_from_body,
    redirect_target,
    send_with_retries,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import is_idempotent


class AuthorizedSender:
    """``sender(request)`` -> the last Attempt; ``sent`` counts every HTTP request made (from
    any thread: probes may run two at a time)."""

    def __init__(self, send, authorize, retry):
        self._send = send
        self._authorize = authorize
        self._max_attempts, self._sleep, self._rng = retry
        self._lock = threading.Lock()
        self.sent = 0

    def __call__(self, request):
        params = dict(request.params)
        # Sent as UTF-8 bytes: requests would encode a str body as Latin-1 and fail on the rest.
        data = None if request.body_text is None else request.body_text.encode("utf-8")

        def once():
            headers = dict(JSON_HEADERS)
            headers.update(request.headers_dict())
            headers.update(self._authorize(request.method, request.url, params))
            return self._send(request.method, request.url, headers, params=params or None, data=data)

        max_attempts = self._max_attempts if is_idempotent(request) else 1
        attempt, sent = send_with_retries(once, max_attempts, self._sleep, self._rng)
        with self._lock:
            self.sent += sent
        return attempt


def answer_error(attempt):
    """(status, error_code, detail) of a failed attempt, or None for a 2xx answer. A server's
    words pass _netsuite_http's untrusted-text rules (error_from_body)."""
    response = attempt.response
    if response is None:
        return None, attempt.error_code, attempt.detail
    status = response.status_code
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return status, "REDIRECTED", "HTTP %s redirect to %s" % (status, redirect_target(response))
    code, detail = error_from_body(response)
    return (status, code, detail)


def free_slot(semaphore):
    """A ``second_slot`` for run_probes: yields whether one more slot of ``semaphore`` was free
    (taken without waiting, released at the end)."""
    @contextlib.contextmanager
    def second():
        acquired = semaphore.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                semaphore.release()
    return second


def _probed(probe, hosts, sender):
    attempt = sender(probe_request(probe, hosts))
    error = answer_error(attempt)
    if error is None:
        return probe_outcome(probe, attempt.response.status_code)
    return probe_outcome(probe, *error)


def run_probes(probes, hosts, sender, second_slot=None):
    """The outcome rows of ``probes``, in declared order. They take the slot of the account's
    concurrency limit that the connection test held; ``second_slot()``, when given, is a
    context manager that yields True when one more slot of the same limit was free (it is
    held until the probes end): then two probes run at a time, never more."""
    if second_slot is None or len(probes) < 2:
        return tuple(_probed(probe, hosts, sender) for probe in probes)
    with second_slot() as acquired:
        if not acquired:
            return tuple(_probed(probe, hosts, sender) for probe in probes)
        outcomes = [None] * len(probes)

        def run(indexes):
            for index in indexes:
                outcomes[index] = _probed(probes[index], hosts, sender)

        # The odd probes in a second thread, the even ones here: two requests at a time.
        helper = threading.Thread(target=run, args=(range(1, len(probes), 2),), name="netsuite-probe")
        helper.start()
        try:
            run(range(0, len(probes), 2))
        finally:
            helper.join()
    return tuple(outcomes)
