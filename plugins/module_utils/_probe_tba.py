# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The TBA (OAuth 1.0a) connection test: serverTime (and the metadata catalog when serverTime
does not exist), every GET signed anew. Nothing here imports the M2M units."""

from urllib.parse import unquote

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_http import JSON_HEADERS, read_server_time
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_signer import authorization_header


def _signer(credentials):
    """``authorize(method, url, params)``: each attempt signed anew with a fresh nonce and
    timestamp (a re-sent header would be refused as nonce_used)."""
    return lambda method, url, params: {"Authorization": authorization_header(credentials, method, url, params)}


def _signature_of(header):
    """The oauth_signature of an Authorization header, as computed (base64, not percent-encoded)."""
    return unquote(header.rpartition('oauth_signature="')[2].rstrip('"'))


def authorized_get(send, authorize):
    """GETs with JSON_HEADERS and the strategy's ``authorize`` headers (TBA's or M2M's)."""
    def get(url, params=None):
        headers = dict(JSON_HEADERS, **authorize("GET", url, params))
        return send("GET", url, headers, params=params)
    return get


class TbaProbe:
    """The TBA strategy of _netsuite_probe.probe_connection."""

    # NetSuite's REST and RESTlet error shapes only.
    error_shape = None

    @staticmethod
    def missing_library():
        """requests (checked by the caller) and oauthlib's signer are all TBA needs."""
        return None

    @staticmethod
    def secret_values(credentials):
        return [
            value for value in (
                credentials.consumer_key, credentials.consumer_secret,
                credentials.token_id, credentials.token_secret,
            ) if value
        ]

    @staticmethod
    def login(send, credentials, base_url, interpret, retry, clock, secrets):  # pylint: disable=unused-argument
        """(None, 0, authorize): TBA has no login request; every request is signed, and every
        signature joins ``secrets`` (an echo of it alone must not be shown either). The other
        arguments serve M2M."""
        sign = _signer(credentials)

        def authorize(method, url, params):
            headers = sign(method, url, params)
            secrets.append(_signature_of(headers["Authorization"]))
            return headers
        return None, 0, authorize

    @staticmethod
    def run(send, credentials, base_url, interpret, retry, clock, secrets):
        """(result, requests sent, authorize): the signed GETs."""
        authorize = TbaProbe.login(send, credentials, base_url, interpret, retry, clock, secrets)[2]
        attempt, probe, sent = read_server_time(authorized_get(send, authorize), base_url, *retry)
        return interpret(attempt, probe), sent, authorize
