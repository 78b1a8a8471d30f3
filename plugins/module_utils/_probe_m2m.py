# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The OAuth 2.0 client credentials (M2M) connection test: a POST of a signed client assertion
to the token endpoint (a new assertion, with new iat and exp, for every attempt), then the
serverTime GETs with the access token as bearer. The token lives only inside this call: never
cached, never returned, and scrubbed from everything returned (see _m2m_token).

Imported by _netsuite_probe only for M2M credentials, so a TBA task never loads the M2M units."""

import dataclasses

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_hints import NO_REST_SCOPE_WARNING, TOKEN_PROBE
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_http import (
    json_or_none,
    read_server_time,
    send_with_retries,
    unexpected_detail,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_token import (
    TOKEN_REQUEST_HEADERS,
    access_token_from,
    bearer_headers,
    missing_m2m_library,
    oauth_error_from,
    token_answer_problem,
    token_request,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._probe_tba import authorized_get

# The scope whose token opens REST web services (serverTime); restlets alone does not.
_REST_SCOPE = "rest_webservices"


def _bearer(access_token):
    """``authorize(method, url, params)``: the same access token for every attempt (it lives 60
    minutes), so a task fetches one token for its test, its probes and its pages."""
    headers = bearer_headers(access_token, {})
    return lambda method, url, params: headers


def _token_answer_error(response):
    """(error_code, detail) when a 2xx token answer holds no usable token, else None. Sizes come
    before parsing, and no word of an oversized answer is shown: it holds the token."""
    problem = token_answer_problem(len(response.content), None)
    payload = None if problem else json_or_none(response)
    problem = problem or token_answer_problem(len(response.content), payload)
    if problem:
        return "TOKEN_TOO_LARGE", problem
    if access_token_from(payload) is None:
        # A 2xx without a token is not NetSuite (e.g. a proxy's page).
        return "UNEXPECTED_RESPONSE", unexpected_detail(response)
    return None


class M2mProbe:
    """The M2M strategy of _netsuite_probe.probe_connection."""

    # A token endpoint answers in OAuth 2.0's error shape.
    error_shape = staticmethod(oauth_error_from)

    @staticmethod
    def missing_library():
        return missing_m2m_library()

    @staticmethod
    def secret_values(credentials):
        return [value for value in credentials.secret_values() if value]

    @staticmethod
    def login(send, credentials, base_url, interpret, retry, clock, secrets):
        """(token result, requests sent, authorize or None when no token came): the token
        request. Every assertion sent and the access token join ``secrets``, so every result is
        scrubbed of them too."""
        def post_token():
            request = token_request(credentials, base_url, clock())
            secrets.append(request.assertion)
            return send("POST", request.url, TOKEN_REQUEST_HEADERS, data=request.body)

        attempt, token_sent = send_with_retries(post_token, *retry)
        token_result = interpret(attempt, TOKEN_PROBE, answer_error=_token_answer_error)
        if not token_result.ok:
            return token_result, token_sent, None
        access_token = access_token_from(json_or_none(attempt.response))
        secrets.append(access_token)
        return token_result, token_sent, _bearer(access_token)

    @staticmethod
    def run(send, credentials, base_url, interpret, retry, clock, secrets):
        """(result, requests sent, authorize or None): the token request, then the bearer GETs."""
        token_result, token_sent, authorize = M2mProbe.login(
            send, credentials, base_url, interpret, retry, clock, secrets)
        if authorize is None:
            return token_result, token_sent, None
        if _REST_SCOPE not in getattr(credentials, "scopes", (_REST_SCOPE,)):
            warnings = token_result.warnings + (NO_REST_SCOPE_WARNING,)
            return dataclasses.replace(token_result, warnings=warnings), token_sent, authorize
        attempt, probe, sent = read_server_time(authorized_get(send, authorize), base_url, *retry)
        result = interpret(attempt, probe)
        if result.clock_skew_seconds is None and token_result.clock_skew_seconds is not None:
            # The last answer told no time (none came): the token answer's Date header still does.
            result = dataclasses.replace(
                result, server_time=token_result.server_time,
                clock_skew_seconds=token_result.clock_skew_seconds,
                warnings=result.warnings + token_result.warnings,
            )
        return result, token_sent + sent, authorize
