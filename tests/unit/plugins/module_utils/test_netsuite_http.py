# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bounded HTTP for NetSuite (_netsuite_http) seen through a TBA connection test against
``CannedServer``, a plain local HTTP server that replays answers the emulator never gives
(redirects, HTML error pages, RESTlet-shaped errors, long Retry-After, a body that echoes a
secret or the signed request)."""
import dataclasses
import html
import json
import secrets
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import probe_connection
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import ENCODED_WITHHELD, FORGED_WITHHELD
from support.http_stub import StubServer
from support.probing import no_sleep, probe
from support.accounts import new_credentials


NO_SLEEP = no_sleep


# --- answers the emulator never gives -----------------------------------------------------------

class CannedServer(StubServer):
    """Local HTTP server answering every GET with the next (status, headers, body); the last
    answer repeats. A callable body builds the whole answer from the request (an echo)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        super().__init__(self._next_answer)

    def _next_answer(self, handler):
        status, headers, body = self.answers[min(self.requests, len(self.answers)) - 1]
        return body(handler) if callable(body) else (status, headers, body)


JSON_TYPE = {"Content-Type": "application/json"}


def test_redirect_is_reported_not_followed():
    with CannedServer((302, {"Location": "https://system.netsuite.com/pages/login.jsp"}, "")) as server:
        result = probe(new_credentials(), server.url)
    assert not result.ok and (result.status_code, result.error_code) == (302, "REDIRECTED")
    assert "system.netsuite.com" in result.detail and "Company URLs" in result.hint
    assert server.paths == ["/services/rest/system/v1/serverTime"]


def test_html_error_page_is_an_unexpected_response_whose_body_is_not_shown():
    page = "<html><body>" + "Bad gateway " * 40 + "</body></html>"
    with CannedServer((502, {"Content-Type": "text/html; charset=utf-8"}, page)) as server:
        result = probe(new_credentials(), server.url)
    assert not result.ok and (result.error_code, result.attempts) == ("UNEXPECTED_RESPONSE", 3)
    assert result.detail == ("HTTP 502, Content-Type text/html, %d bytes; not a NetSuite answer, "
                             "so its body is not shown" % len(page))
    assert "retry later" in result.hint


def test_server_time_answer_without_time_is_not_accepted():
    with CannedServer((200, {"Content-Type": "text/html"}, "<html>proxy portal</html>")) as server:
        result = probe(new_credentials(), server.url)
    assert not result.ok and (result.status_code, result.error_code) == (200, "UNEXPECTED_RESPONSE")
    assert "did not answer like NetSuite" in result.hint


def test_restlet_shaped_error_is_parsed():
    body = json.dumps({"error": {"code": "INVALID_REQUEST", "message": "The request could not be understood"}})
    with CannedServer((400, JSON_TYPE, body)) as server:
        result = probe(new_credentials(), server.url)
    assert (result.error_code, result.detail) == ("INVALID_REQUEST", "The request could not be understood")
    assert "not something to fix in NetSuite" in result.hint and result.attempts == 1


def test_retry_after_is_honoured_up_to_ten_seconds():
    delays = []
    with CannedServer((429, {"Retry-After": "120"}, "")) as server:
        result = probe(new_credentials(), server.url, sleep=delays.append)
    assert delays == [10.0, 10.0]
    assert (result.status_code, result.attempts) == (429, 3)
    assert "concurrency limit" in result.hint


def test_secret_echoed_by_the_server_is_scrubbed():
    credentials = new_credentials()
    echo = "token %s consumer %s" % (credentials.token_id.upper(), credentials.consumer_secret)
    body = json.dumps({"status": 401, "o:errorDetails": [{"detail": echo, "o:errorCode": "INVALID_LOGIN"}]})
    with CannedServer((401, JSON_TYPE, body)) as server:
        result = probe(credentials, server.url)  # probe() asserts that no secret is left
    # Two 64-hex runs are not prose: withheld before any search (see looks_encoded).
    assert result.detail == ENCODED_WITHHELD


# --- hostile servers that echo the signed request (issue 10, D1) ---------------------------------

def awkward_credentials():
    """Non-hex secrets (strict_format: false) with every character percent-encoding changes."""
    base = new_credentials()
    return dataclasses.replace(
        base, consumer_key="Ck+/=&%" + secrets.token_urlsafe(40) + "+/=&%",
        token_id="Tk%&=/+" + secrets.token_urlsafe(40) + "%&=/+",
    )


def _authorization(handler):
    return handler.headers.get("Authorization", "")


def _cut_after_key(handler):
    header = _authorization(handler)
    return header[:header.index("oauth_consumer_key") + 60]


ECHOES = {
    "401 text/plain echo": lambda h: (401, {"Content-Type": "text/plain"}, _authorization(h)),
    "NetSuite-shaped JSON whose detail holds the header": lambda h: (401, JSON_TYPE, json.dumps({
        "status": 401,
        "o:errorDetails": [{"detail": "Bad header: " + _authorization(h), "o:errorCode": "INVALID_LOGIN"}]})),
    "302 whose Location holds the header": lambda h: (
        302, {"Location": "https://portal.example/login?h=" + quote(_authorization(h), safe="")}, ""),
    "HTML error page": lambda h: (
        500, {"Content-Type": "text/html"}, "<html><pre>%s</pre></html>" % html.escape(_authorization(h))),
    "header cut to 50 characters after the key": lambda h: (
        400, JSON_TYPE, json.dumps({"o:errorDetails": [{"o:errorCode": "X", "detail": _cut_after_key(h)}]})),
}


@pytest.mark.parametrize("make_credentials", [new_credentials, awkward_credentials], ids=["hex", "awkward"])
@pytest.mark.parametrize("answer", sorted(ECHOES))
def test_a_server_echoing_the_signed_header_leaks_no_part_of_any_secret(answer, make_credentials):
    credentials = make_credentials()
    with CannedServer((None, None, ECHOES[answer])) as server:
        result = probe_connection(credentials, server.url, sleep=NO_SLEEP)
    assert not result.ok
    shown = json.dumps(result.to_dict()) + repr(result)
    assert_no_fragment(shown, credentials.secret_values())


def assert_no_fragment(text, values, size=16):
    """No 16-character slice of any secret, raw or percent-encoded, in any case."""
    folded = text.lower()
    for value in values:
        for form in (value, quote(value, safe=""), quote_plus(value)):
            for start in range(0, len(form) - size + 1):
                assert form[start:start + size].lower() not in folded, "a secret fragment leaked"


def test_a_netsuite_shaped_error_keeps_its_own_words():
    body = json.dumps({"o:errorDetails": [{"detail": "Invalid login attempt. " * 40, "o:errorCode": "INVALID_LOGIN"}]})
    with CannedServer((401, JSON_TYPE, body)) as server:
        result = probe(new_credentials(), server.url)
    assert result.error_code == "INVALID_LOGIN"
    assert result.detail.startswith("Invalid login attempt. Invalid") and len(result.detail) == 500
    assert result.detail.endswith("...")


def test_a_redirect_shows_only_scheme_and_host():
    with CannedServer((302, {"Location": "https://system.netsuite.com/pages/login.jsp?x=1"}, "")) as server:
        result = probe(new_credentials(), server.url)
    assert result.detail == "HTTP 302 redirect to https://system.netsuite.com"


def test_a_429_without_a_netsuite_body_is_throttling_not_a_refusal():
    with CannedServer((429, {}, "")) as server:
        result = probe(new_credentials(), server.url)
    failure = result.failure()
    assert (result.status_code, result.error_code, failure.code) == (429, "TOO_MANY_REQUESTS", "netsuite:TOO_MANY_REQUESTS")
    assert "refused" not in failure.reason and "too many requests at once" in failure.reason
    assert "concurrency limit" in result.hint


@pytest.mark.parametrize("words", ["ok: [localhost] credentials verified", "changed: [acct0001]",
                                   "PLAY RECAP *********", "fatal: [host]: FAILED!"])
def test_a_server_detail_imitating_ansible_output_is_not_shown(words):
    body = json.dumps({"o:errorDetails": [{"detail": words, "o:errorCode": "INVALID_LOGIN"}]})
    with CannedServer((401, JSON_TYPE, body)) as server:
        result = probe(new_credentials(), server.url)
    assert result.error_code == "INVALID_LOGIN" and result.detail == FORGED_WITHHELD
