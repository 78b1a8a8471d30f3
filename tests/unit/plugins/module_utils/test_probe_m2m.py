# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The connection probe with OAuth 2.0 client credentials (M2M): token request, then bearer GETs.

Odd server behaviour (OAuth error bodies of every kind, redirects, echoes, huge or slow answers)
comes from ``ScriptedServer``, a loopback HTTP server that answers each path from a script.
"""
import base64
import dataclasses
import html
import json
import re
import secrets
import sys
import time
from urllib.parse import parse_qs, quote, quote_plus

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import build_m2m_credentials
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_keygen import generate_key_and_certificate
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_token import (
    ACCESS_TOKEN_MAX,
    CLIENT_ASSERTION_TYPE,
    OAUTH_ERROR_CODES,
    TOKEN_ANSWER_MAX_BYTES,
    access_token_from,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_hints import (
    CATALOG_PROBE,
    SERVER_TIME_PROBE,
    TOKEN_PROBE,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import (
    probe_connection,
)
from support.accounts import next_account_id
from support.http_stub import StubServer
from support.m2m_accounts import make_m2m_account

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
SERVER_TIME_PATH = "/services/rest/system/v1/serverTime"
CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
JSON_TYPE = {"Content-Type": "application/json"}
M2M_SETUP = "Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup"
AUDIT_TRAIL = "Setup > Users/Roles > User Management > View Login Audit Trail (Detail column)"


def NO_SLEEP(seconds):  # pylint: disable=invalid-name,unused-argument
    """Keeps retries instant."""


# --- credentials ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def key_pair():
    """One EC key and certificate for the module: each test still gets its own client ID."""
    return generate_key_and_certificate(key_type="ec-p256", common_name="probe-m2m-tests")


@pytest.fixture
def m2m(key_pair):
    """Factory: validated M2M credentials for a sandbox (or the given) account."""
    def make(account_id="4200001_SB1", scopes=("rest_webservices",)):
        key_pem, certificate_pem = key_pair
        credentials, _warnings = build_m2m_credentials({
            "account_id": account_id, "client_id": secrets.token_hex(32),
            "certificate_id": "cert-" + secrets.token_urlsafe(24),
            "private_key": key_pem, "certificate": certificate_pem,
        }, scopes=scopes)
        return credentials
    return make


# --- a scripted NetSuite --------------------------------------------------------------------------

def access_token():
    """Shaped like NetSuite's: a JWT of a few hundred characters."""
    return ".".join(base64.urlsafe_b64encode(secrets.token_bytes(size)).decode().rstrip("=")
                    for size in (36, 240, 256))


def token_answer(token):
    return 200, JSON_TYPE, json.dumps({"access_token": token, "expires_in": "3600", "token_type": "bearer"})


def oauth_error(status, error, description=None, **headers):
    body = {"error": error}
    if description is not None:
        body["error_description"] = description
    return status, dict(JSON_TYPE, **headers), json.dumps(body)


def server_time_answer(moment=None):
    moment = time.time() if moment is None else moment
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + ".%03dZ" % (moment % 1 * 1000)
    return 200, JSON_TYPE, json.dumps({"serverTime": stamp})


def netsuite_error(status, code, detail):
    return status, JSON_TYPE, json.dumps({"status": status, "o:errorDetails": [{"detail": detail, "o:errorCode": code}]})


class Request:
    def __init__(self, handler):
        self.method = handler.command
        self.path, _sep, self.query = handler.path.partition("?")
        self.headers = handler.headers
        length = int(handler.headers.get("Content-Length") or 0)
        self.body = handler.rfile.read(length).decode("ascii") if length else ""

    @property
    def form(self):
        return {name: values[0] for name, values in parse_qs(self.body, strict_parsing=True).items()}


class ScriptedServer(StubServer):
    """Answers each path with the next answer of its script (the last one repeats); an answer
    that is a callable builds (status, headers, body) from the Request. ``seen`` keeps every
    Request in order."""

    def __init__(self, script, host="127.0.0.1"):
        self.script = {path: list(answers) for path, answers in script.items()}
        self.seen = []
        self.used = {}
        super().__init__(self._answer, host)

    def _answer(self, handler):
        request = Request(handler)
        self.seen.append(request)
        answers = self.script.get(request.path)
        if not answers:
            return 599, {}, "not scripted"
        index = self.used.get(request.path, 0)
        self.used[request.path] = index + 1
        answer = answers[min(index, len(answers) - 1)]
        return answer(request) if callable(answer) else answer

    def sent(self):
        return [(request.method, request.path) for request in self.seen]

    def assertions(self):
        return [request.form["client_assertion"] for request in self.seen if request.path == TOKEN_PATH]


def jwt_part(assertion, index):
    segment = assertion.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


# --- leak checks ------------------------------------------------------------------------------------

def fragments(value, size=16):
    """Every 16-character slice of a value, raw and percent-encoded, folded to lower case."""
    out = set()
    for form in (value, quote(value, safe=""), quote_plus(value)):
        out.update(form[start:start + size].lower() for start in range(0, len(form) - size + 1))
    return out


def assert_nothing_secret(result, credentials, *more):
    """No 16-character slice of the client ID, the key's body, any assertion or token in the result."""
    shown = (json.dumps(result.to_dict()) + repr(result)).lower()
    for value in list(credentials.secret_values()) + [value for value in more if value]:
        leaked = [fragment for fragment in fragments(value) if fragment in shown]
        assert not leaked, "a secret fragment leaked"


def probe(credentials, server, **options):
    options.setdefault("sleep", NO_SLEEP)
    options.setdefault("timeout", 5)
    result = probe_connection(credentials, server.url, **options)
    assert_nothing_secret(result, credentials, *server.assertions())
    return result


# --- the way it works -----------------------------------------------------------------------------

def test_good_credentials_take_one_token_request_and_one_bearer_get(m2m):
    credentials = m2m()
    token = access_token()
    with ScriptedServer({TOKEN_PATH: [token_answer(token)], SERVER_TIME_PATH: [server_time_answer()]}) as server:
        result = probe(credentials, server)
    assert_nothing_secret(result, credentials, token)
    assert result.ok and (result.status_code, result.probe, result.attempts) == (200, SERVER_TIME_PROBE, 2)
    assert result.retries == 0 and result.to_dict()["retries"] == 0  # two requests, not a retry
    assert abs(result.clock_skew_seconds) < 5 and result.warnings == ()
    assert server.sent() == [("POST", TOKEN_PATH), ("GET", SERVER_TIME_PATH)]
    post, get = server.seen
    assert post.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert post.headers.get("Authorization") is None  # no Basic auth: the assertion names the client
    assert set(post.form) == {"grant_type", "client_assertion_type", "client_assertion"}
    assert post.form["grant_type"] == "client_credentials"
    assert post.form["client_assertion_type"] == CLIENT_ASSERTION_TYPE
    header, claims = jwt_part(post.form["client_assertion"], 0), jwt_part(post.form["client_assertion"], 1)
    assert header == {"alg": "ES256", "typ": "JWT", "kid": credentials.certificate_id}
    assert claims["iss"] == credentials.client_id and claims["aud"] == server.url + TOKEN_PATH
    assert claims["scope"] == "rest_webservices" and 0 < claims["exp"] - claims["iat"] <= 3600
    assert get.headers["Authorization"] == "Bearer " + token
    assert result.to_dict()["tested"] is True and "error_code" not in result.to_dict()


def test_every_assertion_and_the_access_token_are_handed_to_hide_as_they_are_made(m2m):
    credentials = m2m()
    token = access_token()
    hidden = []
    busy = (429, {"Retry-After": "1", "Content-Type": "application/json"}, "{}")
    answers = {TOKEN_PATH: [busy, token_answer(token)], SERVER_TIME_PATH: [server_time_answer()]}
    with ScriptedServer(answers) as server:
        result = probe(credentials, server, hide=hidden.extend, clock=SteppingClock())
    assert result.ok and hidden == server.assertions() + [token] and len(set(hidden)) == 3


def test_missing_server_time_falls_back_to_the_catalog_with_the_same_token(m2m):
    token = access_token()
    script = {TOKEN_PATH: [token_answer(token)], SERVER_TIME_PATH: [netsuite_error(404, "NOT_FOUND", "no such path")],
              CATALOG_PATH: [(200, JSON_TYPE, json.dumps({"items": []}))]}
    with ScriptedServer(script) as server:
        result = probe(m2m(), server)
    assert result.ok and (result.probe, result.attempts) == (CATALOG_PROBE, 3)
    assert server.sent() == [("POST", TOKEN_PATH), ("GET", SERVER_TIME_PATH), ("GET", CATALOG_PATH)]
    assert server.seen[2].query == "select=customer"
    assert {request.headers["Authorization"] for request in server.seen[1:]} == {"Bearer " + token}


def test_without_the_rest_webservices_scope_the_test_stops_at_the_token(m2m):
    with ScriptedServer({TOKEN_PATH: [token_answer(access_token())]}) as server:
        result = probe(m2m(scopes=("restlets",)), server)
    assert result.ok and (result.probe, result.attempts) == (TOKEN_PROBE, 1)
    assert server.sent() == [("POST", TOKEN_PATH)]
    assert jwt_part(server.assertions()[0], 1)["scope"] == "restlets"
    assert len(result.warnings) == 1 and "scope does not include rest_webservices" in result.warnings[0]


# --- against the emulator (its own JWS, PSS and ECDSA code verifies what PyJWT signed) ------------

@pytest.fixture(scope="module")
def rsa_account():
    """RSA keys of NetSuite's sizes are slow to make: one for the module, re-added under a fresh ID."""
    return make_m2m_account(key_type="rsa3072")


@pytest.fixture
def emulated(emulator):
    """Factory: an emulator account (fresh keys, or ``like``'s) and the module's credentials for it."""
    def make(like=None, **options):
        account = make_m2m_account(**options) if like is None else dataclasses.replace(
            like, account_id=next_account_id(), client_id=secrets.token_hex(32), **options)
        emulator.add_account(account.emulator_account())
        credentials, _warnings = build_m2m_credentials(account.module_values(), scopes=account.scopes)
        return account, credentials
    return make


def emulator_probe(emulator, credentials, **options):
    options.setdefault("sleep", NO_SLEEP)
    result = probe_connection(credentials, emulator.url, **options)
    assert_nothing_secret(result, credentials)
    return result


def sent_to(emulator, account):
    return [(entry["method"], entry["path"], entry["status"]) for entry in emulator.requests(account.account_id)]


@pytest.mark.parametrize("key_type", ["rsa3072", "ec-p256", "ec-p384", "ec-p521"])
def test_the_emulator_issues_a_token_and_serves_server_time(emulator, emulated, rsa_account, key_type):
    account, credentials = emulated(like=rsa_account) if key_type == "rsa3072" else emulated(key_type=key_type)
    result = emulator_probe(emulator, credentials)
    assert result.ok and (result.status_code, result.probe, result.attempts) == (200, SERVER_TIME_PROBE, 2)
    assert abs(result.clock_skew_seconds) < 5 and result.warnings == ()
    assert sent_to(emulator, account) == [("POST", TOKEN_PATH, 200), ("GET", SERVER_TIME_PATH, 200)]
    assert emulator.audit_trail(account.account_id) == []


def test_the_emulator_catalog_fallback_takes_the_bearer_token(emulator, emulated):
    account, credentials = emulated(key_type="ec-p256", no_server_time=True)
    result = emulator_probe(emulator, credentials)
    assert result.ok and (result.probe, result.attempts) == (CATALOG_PROBE, 3)
    assert sent_to(emulator, account) == [("POST", TOKEN_PATH, 200), ("GET", SERVER_TIME_PATH, 404),
                                          ("GET", CATALOG_PATH, 200)]


@pytest.mark.parametrize("options, code, audit, phrase", [
    ({"mapped": False}, "invalid_client", "kid not mapped", "wrong certificate ID"),
    ({"revoked": True}, "invalid_client", "mapping revoked", "revoked"),
    ({"integration_blocked": True}, "invalid_client", "integration blocked", "Blocked"),
    ({"m2m_grant_disabled": True}, "unauthorized_client", "client credentials grant not enabled on the integration",
     "Client Credentials (Machine to Machine) Grant"),
    ({"scopes": ("rest_webservices", "restlets"), "integration_scopes": ("rest_webservices",)}, "invalid_scope",
     "scope not enabled on the integration", "RESTlets"),
], ids=["unknown certificate ID", "mapping revoked", "integration blocked", "grant not checked", "scope missing"])
def test_the_emulator_refusals_come_back_as_oauth_codes_with_hints(emulator, emulated, options, code, audit, phrase):
    account, credentials = emulated(key_type="ec-p256", **options)
    result = emulator_probe(emulator, credentials)
    assert not result.ok
    assert (result.status_code, result.error_code, result.probe, result.attempts) == (400, code, TOKEN_PROBE, 1)
    assert result.failure().code == "netsuite:" + code and phrase in result.hint
    assert result.hint.startswith("%s is a sandbox" % account.account_id) is (code != "invalid_scope" and code != "unauthorized_client")
    assert [entry["detail"] for entry in emulator.audit_trail(account.account_id)] == [audit]


def test_the_emulator_refuses_an_expired_certificate(emulator, emulated):
    account, credentials = emulated(key_type="ec-p256")
    # The module refuses expired certificates offline; NetSuite's clock may still be ahead of ours.
    emulator.add_account(dict(account.emulator_account(), scenario={"clock_offset_seconds": 800 * 86400}))
    result = emulator_probe(emulator, credentials)
    assert result.error_code == "invalid_client" and "expired" in result.hint
    assert emulator.audit_trail(account.account_id)[-1]["detail"] == "certificate expired"


def test_the_emulator_refuses_an_assertion_from_a_slow_clock_and_the_hint_says_clock_skew(emulator, emulated):
    account, credentials = emulated(key_type="ec-p256", clock_offset_seconds=400)
    result = emulator_probe(emulator, credentials)
    assert (result.error_code, result.probe) == ("invalid_grant", TOKEN_PROBE)
    assert 398 <= result.clock_skew_seconds <= 402
    assert re.match(r"Clock skew likely: the local clock is (39[89]|40[0-2]) s behind NetSuite's", result.hint)
    assert emulator.audit_trail(account.account_id)[-1]["detail"] == "assertion expired"


def test_the_emulator_busy_token_endpoint_is_retried(emulator, emulated):
    account, credentials = emulated(key_type="ec-p256", busy_times=2)
    delays = []
    result = emulator_probe(emulator, credentials, sleep=delays.append)
    assert result.ok and result.attempts == 4 and delays == [1.0, 1.0] and result.retries == 2
    assert sent_to(emulator, account) == [("POST", TOKEN_PATH, 429)] * 2 + [
        ("POST", TOKEN_PATH, 200), ("GET", SERVER_TIME_PATH, 200)]


def test_the_emulator_failing_token_endpoint_is_given_up_after_three_attempts(emulator, emulated):
    account, credentials = emulated(key_type="ec-p256", server_error_times=-1)
    result = emulator_probe(emulator, credentials, rng=lambda: 0.0)
    assert (result.status_code, result.error_code, result.probe, result.attempts) == (503, "UNEXPECTED_ERROR", TOKEN_PROBE, 3)
    assert "retry later" in result.hint and len(sent_to(emulator, account)) == 3


def test_the_emulator_slow_token_endpoint_times_out(emulator, emulated):
    account, credentials = emulated(key_type="ec-p256", slow_seconds=2)
    result = emulator_probe(emulator, credentials, timeout=0.5, max_attempts=2)
    assert (result.error_code, result.probe, result.attempts) == ("TIMEOUT", TOKEN_PROBE, 2)


@pytest.mark.parametrize("kind, status, code, phrase", [
    ("invalid_login", 401, "INVALID_LOGIN", "Log in using OAuth 2.0 Access Tokens"),
    ("forbidden", 403, "INSUFFICIENT_PERMISSION", "SuiteAnalytics Workbook"),
    ("user_error", 400, "USER_ERROR", "SuiteAnalytics Workbook"),
])
def test_the_emulator_role_without_rest_web_services_fails_the_bearer_get(emulator, emulated, kind, status, code, phrase):
    account, credentials = emulated(key_type="ec-p256", missing_permission=kind)
    result = emulator_probe(emulator, credentials)
    assert (result.status_code, result.error_code, result.probe, result.attempts) == (status, code, SERVER_TIME_PROBE, 2)
    assert phrase in result.hint and "sandbox" not in result.hint


def test_the_emulator_restlets_only_integration_passes_at_the_token(emulator, emulated):
    account, credentials = emulated(key_type="ec-p256", scopes=("restlets",))
    result = emulator_probe(emulator, credentials)
    assert result.ok and (result.probe, result.attempts) == (TOKEN_PROBE, 1)
    assert sent_to(emulator, account) == [("POST", TOKEN_PATH, 200)]


# --- OAuth errors from the token endpoint -----------------------------------------------------------

EXPECTED_LEADS = {
    "invalid_client": ["client_id is not the Client ID", "Blocked", "wrong certificate ID", "revoked"],
    "invalid_grant": ["certificate_id (the kid)", "not mapped", "revoked", "expired", "iat and exp"],
    "invalid_scope": ["REST Web Services", "RESTlets", "Manage Integrations"],
    "unsupported_grant_type": ["Client Credentials (Machine to Machine) Grant", "Manage Authentication"],
    "unauthorized_client": ["Client Credentials (Machine to Machine) Grant", "State is Enabled"],
    "invalid_request": ["malformed", "report it with error_code and detail"],
}


def test_every_oauth_error_code_has_its_own_lead():
    assert set(EXPECTED_LEADS) == set(OAUTH_ERROR_CODES)


@pytest.mark.parametrize("code", sorted(EXPECTED_LEADS))
def test_oauth_errors_keep_their_code_and_get_a_hint_to_act_on(m2m, code):
    status = 401 if code == "invalid_client" else 400
    credentials = m2m(account_id="4200002")  # production: no sandbox lead
    with ScriptedServer({TOKEN_PATH: [oauth_error(status, code, "The request was refused")]}) as server:
        result = probe(credentials, server)
    assert not result.ok
    assert (result.status_code, result.error_code, result.probe, result.attempts) == (status, code, TOKEN_PROBE, 1)
    assert result.detail == "The request was refused"
    assert result.failure().code == "netsuite:" + code
    assert result.failure().reason == "NetSuite refused the credentials (%s): The request was refused" % code
    for phrase in EXPECTED_LEADS[code]:
        assert phrase in result.hint
    # The checklist behind every lead: mapping, certificate, client ID, grant and scope, account, clock.
    for phrase in (M2M_SETUP, "Certificate ID", "kid", "revoked", "expired", "Client ID",
                   "Client Credentials (Machine to Machine) Grant", "4200002", AUDIT_TRAIL):
        assert phrase in result.hint
    assert "sandbox" not in result.hint
    assert server.sent() == [("POST", TOKEN_PATH)]


def test_an_oauth_error_without_description_says_so(m2m):
    with ScriptedServer({TOKEN_PATH: [oauth_error(400, "invalid_grant")]}) as server:
        result = probe(m2m(), server)
    assert (result.error_code, result.detail) == ("invalid_grant", "(no detail)")


@pytest.mark.parametrize("code, sandbox_first", [
    ("invalid_grant", True), ("invalid_client", True), ("invalid_request", True),
    ("invalid_scope", False), ("unsupported_grant_type", False),
])
def test_a_sandbox_names_the_refresh_first_when_the_mapping_may_be_gone(m2m, code, sandbox_first):
    credentials = m2m(account_id="4200003_SB2")
    with ScriptedServer({TOKEN_PATH: [oauth_error(400, code)]}) as server:
        result = probe(credentials, server)
    lead = "4200003_SB2 is a sandbox: every sandbox refresh clears its OAuth 2.0 Client Credentials (M2M) mappings"
    assert result.hint.startswith(lead) is sandbox_first
    assert (lead in result.hint) is sandbox_first


def test_a_release_preview_account_says_mappings_are_not_copied(m2m):
    with ScriptedServer({TOKEN_PATH: [oauth_error(400, "invalid_grant")]}) as server:
        result = probe(m2m(account_id="4200004_RP"), server)
    assert result.hint.startswith("4200004_RP is a Release Preview account: M2M mappings are not copied to it")


def test_a_netsuite_shaped_refusal_at_the_token_endpoint_gets_the_checklist(m2m):
    with ScriptedServer({TOKEN_PATH: [netsuite_error(401, "INVALID_LOGIN", "Invalid login attempt.")]}) as server:
        result = probe(m2m(), server)
    assert (result.error_code, result.detail, result.probe) == ("INVALID_LOGIN", "Invalid login attempt.", TOKEN_PROBE)
    assert result.hint.startswith("4200001_SB1 is a sandbox")
    assert "NetSuite refused the token request." in result.hint and M2M_SETUP in result.hint


def test_a_token_endpoint_that_is_not_there_points_at_netsuite_url_and_the_feature(m2m):
    with ScriptedServer({TOKEN_PATH: [netsuite_error(404, "NOT_FOUND", "no such path")]}) as server:
        result = probe(m2m(), server)
    assert (result.status_code, result.probe, result.attempts) == (404, TOKEN_PROBE, 1)
    assert "OAuth 2.0 token endpoint was not found on 127.0.0.1" in result.hint
    assert "OAuth 2.0 is enabled" in result.hint


# --- clock skew ------------------------------------------------------------------------------------

def test_a_refused_assertion_names_the_measured_clock_skew_first(m2m):
    # Our clock 400 s behind: the assertion's exp is already past for NetSuite.
    # One reading of the clock for both sides: no wall-clock time passes between them.
    now = int(time.time())
    refused = oauth_error(400, "invalid_grant", Date=time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now)))
    with ScriptedServer({TOKEN_PATH: [refused]}) as server:
        result = probe(m2m(), server, clock=lambda: now - 400)
    assert 398 <= result.clock_skew_seconds <= 402  # the Date header has one-second resolution
    assert result.hint.startswith("Clock skew likely: the local clock is ")
    assert "s behind NetSuite's (measured from the token endpoint's Date header)" in result.hint
    assert str(round(result.clock_skew_seconds)) in result.hint.split("(")[0]
    assert "4200001_SB1 is a sandbox" in result.hint  # the other causes stay listed
    claims = jwt_part(server.assertions()[0], 1)
    assert claims["iat"] == now - 400  # the assertion is dated by the given clock


def test_a_small_skew_does_not_lead_the_hint(m2m):
    refused = oauth_error(400, "invalid_grant", Date=time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()))
    with ScriptedServer({TOKEN_PATH: [refused]}) as server:
        result = probe(m2m(), server, clock=lambda: time.time() - 30)
    assert "Clock skew" not in result.hint


def test_a_skew_after_a_good_token_is_a_warning(m2m):
    script = {TOKEN_PATH: [token_answer(access_token())], SERVER_TIME_PATH: [server_time_answer(time.time() + 120)]}
    with ScriptedServer(script) as server:
        result = probe(m2m(), server)
    assert result.ok and 115 < result.clock_skew_seconds < 125
    assert result.warnings == ("The local clock is 120 s behind NetSuite's; NetSuite refuses a client assertion "
                               "whose iat or exp does not fit its own clock: sync NTP.",)


# --- retries ---------------------------------------------------------------------------------------

class SteppingClock:
    """A clock that moves on 10 s every time it is read: each assertion gets its own iat."""

    def __init__(self):
        self.now = time.time()

    def __call__(self):
        self.now += 10
        return self.now


def test_a_busy_token_endpoint_is_retried_with_a_new_assertion(m2m):
    busy = (429, {"Retry-After": "1", "Content-Type": "application/json"}, "{}")
    script = {TOKEN_PATH: [busy, token_answer(access_token())], SERVER_TIME_PATH: [server_time_answer()]}
    delays = []
    with ScriptedServer(script) as server:
        result = probe(m2m(), server, sleep=delays.append, clock=SteppingClock())
    assert result.ok and result.attempts == 3 and delays == [1.0] and result.retries == 1
    assert server.sent() == [("POST", TOKEN_PATH), ("POST", TOKEN_PATH), ("GET", SERVER_TIME_PATH)]
    first, second = (jwt_part(assertion, 1) for assertion in server.assertions())
    assert second["iat"] > first["iat"] and second["exp"] > first["exp"]
    assert len(set(server.assertions())) == 2


def test_server_errors_at_the_token_endpoint_stop_after_three_attempts(m2m):
    page = "<html><body>Service Unavailable</body></html>"
    delays = []
    with ScriptedServer({TOKEN_PATH: [(503, {"Content-Type": "text/html"}, page)]}) as server:
        result = probe(m2m(), server, sleep=delays.append, rng=lambda: 0.0)
    assert not result.ok
    assert (result.status_code, result.error_code, result.probe, result.attempts) == (503, "UNEXPECTED_RESPONSE", TOKEN_PROBE, 3)
    assert "retry later" in result.hint and delays == [0.75, 1.5]
    assert server.sent() == [("POST", TOKEN_PATH)] * 3
    assert len(set(server.assertions())) == 3


def test_max_attempts_counts_token_requests_and_gets_apart(m2m):
    busy = (503, JSON_TYPE, "{}")
    script = {TOKEN_PATH: [busy, token_answer(access_token())], SERVER_TIME_PATH: [busy, busy, server_time_answer()]}
    with ScriptedServer(script) as server:
        result = probe(m2m(), server, max_attempts=3)
    assert result.ok and result.attempts == 5


# --- the bearer GET -----------------------------------------------------------------------------

def test_a_token_refused_by_rest_web_services_points_at_the_role(m2m):
    script = {TOKEN_PATH: [token_answer(access_token())],
              SERVER_TIME_PATH: [netsuite_error(401, "INVALID_LOGIN", "Invalid login attempt.")]}
    with ScriptedServer(script) as server:
        result = probe(m2m(), server)
    assert not result.ok
    assert (result.status_code, result.error_code, result.probe, result.attempts) == (401, "INVALID_LOGIN", SERVER_TIME_PROBE, 2)
    assert result.hint.startswith("NetSuite issued an access token but refused it for REST web services.")
    for phrase in ("Log in using OAuth 2.0 Access Tokens", "REST Web Services", "EntityOrRoleDisabled",
                   "ScopeMismatched", M2M_SETUP, AUDIT_TRAIL):
        assert phrase in result.hint
    assert "sandbox" not in result.hint  # the mapping works: a token was issued


def test_a_forbidden_bearer_get_names_the_missing_permissions(m2m):
    script = {TOKEN_PATH: [token_answer(access_token())],
              SERVER_TIME_PATH: [netsuite_error(403, "INSUFFICIENT_PERMISSION", "Permission denied")]}
    with ScriptedServer(script) as server:
        result = probe(m2m(), server)
    assert (result.status_code, result.error_code) == (403, "INSUFFICIENT_PERMISSION")
    assert "Log in using OAuth 2.0 Access Tokens" in result.hint and "SuiteAnalytics Workbook" in result.hint


def test_a_transport_failure_after_the_token_keeps_the_token_answers_clock(m2m):
    dated = token_answer(access_token())
    dated = (dated[0], dict(dated[1], Date=time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())), dated[2])
    script = {TOKEN_PATH: [dated], SERVER_TIME_PATH: [(200, JSON_TYPE, "x" * (2 * 1024 * 1024))]}
    with ScriptedServer(script) as server:
        result = probe(m2m(), server, clock=lambda: time.time() - 90)
    assert (result.error_code, result.probe, result.attempts) == ("RESPONSE_TOO_LARGE", SERVER_TIME_PROBE, 2)
    assert 88 <= result.clock_skew_seconds <= 92 and result.server_time.endswith("Z")
    assert re.match(r"The local clock is (89|90|91) s behind NetSuite's", result.warnings[0])  # whole-second Date


# --- answers that are not a token ---------------------------------------------------------------

def test_an_access_token_longer_than_the_bound_is_refused():
    assert access_token_from({"access_token": "a" * ACCESS_TOKEN_MAX}) == "a" * ACCESS_TOKEN_MAX
    assert access_token_from({"access_token": "a" * (ACCESS_TOKEN_MAX + 1)}) is None


@pytest.mark.parametrize("size, words", [
    (ACCESS_TOKEN_MAX + 1, "more than the %d accepted" % ACCESS_TOKEN_MAX),
    # Under the 1 MiB every NetSuite answer is capped at: the token's own bound refuses it.
    (1000 * 1000, "more than the %d this collection reads" % TOKEN_ANSWER_MAX_BYTES),
], ids=["just over", "a megabyte"])
def test_an_oversized_token_is_never_sent_or_shown(m2m, size, words):
    """Refused before it is registered, parsed further or sent back as a header (repro 9)."""
    token = base64.urlsafe_b64encode(secrets.token_bytes(size)).decode()[:size]
    with ScriptedServer({TOKEN_PATH: [token_answer(token)], SERVER_TIME_PATH: [server_time_answer()]}) as server:
        result = probe(m2m(), server)
    assert not result.ok and (result.error_code, result.probe, result.attempts) == ("TOKEN_TOO_LARGE", TOKEN_PROBE, 1)
    assert words in result.detail and "few KB" in result.hint
    assert server.sent() == [("POST", TOKEN_PATH)]
    shown = json.dumps(dataclasses.asdict(result))
    assert not [token[i:i + 16] for i in range(0, len(token) - 16, 997) if token[i:i + 16] in shown]


@pytest.mark.parametrize("body", [
    json.dumps({"token_type": "bearer"}),
    json.dumps({"access_token": "short", "token_type": "bearer"}),
    json.dumps({"access_token": "a" * 40 + "\r\nX-Injected: 1", "token_type": "bearer"}),
    json.dumps({"access_token": "a" * 40, "token_type": "mac"}),
    json.dumps({"access_token": ["a" * 40]}),
    "<html>welcome to the portal</html>",
    "[" * 60000,  # deep enough for RecursionError, within TOKEN_ANSWER_MAX_BYTES
], ids=["no token", "too short", "a line break", "not bearer", "not a string", "html", "nested json"])
def test_a_token_answer_without_a_usable_token_is_unexpected(m2m, body):
    with ScriptedServer({TOKEN_PATH: [(200, JSON_TYPE, body)]}) as server:
        result = probe(m2m(), server)
    assert not result.ok and (result.status_code, result.error_code, result.probe) == (200, "UNEXPECTED_RESPONSE", TOKEN_PROBE)
    assert result.detail.startswith("HTTP 200, Content-Type application/json, ")
    assert server.sent() == [("POST", TOKEN_PATH)]


# --- hostile token endpoints ----------------------------------------------------------------------

def test_a_redirect_from_the_token_endpoint_is_refused_and_carries_nothing_away(m2m):
    with ScriptedServer({TOKEN_PATH: [token_answer(access_token())]}, host="127.0.0.2") as sink:
        redirect = (307, {"Location": sink.url + TOKEN_PATH + "?from=netsuite"}, "")
        with ScriptedServer({TOKEN_PATH: [redirect]}) as server:
            result = probe(m2m(), server)
        assert sink.seen == []
    assert not result.ok
    assert (result.status_code, result.error_code, result.probe, result.attempts) == (307, "REDIRECTED", TOKEN_PROBE, 1)
    assert result.detail == "HTTP 307 redirect to http://127.0.0.2"
    assert "not the account's REST web services host" in result.hint


def _assertion(request):
    return request.form["client_assertion"]


ECHOES = {
    "OAuth-shaped JSON quoting the form body": lambda r: oauth_error(400, "invalid_request", "bad body: " + r.body),
    "OAuth-shaped JSON quoting the assertion": lambda r: oauth_error(401, "invalid_client", "kid? " + _assertion(r)),
    "NetSuite-shaped JSON quoting the assertion": lambda r: netsuite_error(400, "INVALID_REQUEST", _assertion(r)),
    "text/plain form body": lambda r: (400, {"Content-Type": "text/plain"}, r.body),
    "HTML page quoting the assertion": lambda r: (500, {"Content-Type": "text/html"},
                                                  "<pre>%s</pre>" % html.escape(_assertion(r))),
    "redirect whose Location holds the body": lambda r: (302, {"Location": "https://portal.example/?" + r.body}, ""),
    "assertion cut after 40 characters of its payload": lambda r: oauth_error(
        400, "invalid_grant", _assertion(r)[:_assertion(r).index(".") + 41]),
    "assertion percent-encoded again": lambda r: oauth_error(400, "invalid_grant", quote(_assertion(r), safe="")),
}


@pytest.mark.parametrize("answer", sorted(ECHOES))
def test_a_token_endpoint_echoing_the_request_leaks_no_part_of_it(m2m, answer):
    credentials = m2m()
    with ScriptedServer({TOKEN_PATH: [ECHOES[answer]]}) as server:
        result = probe_connection(credentials, server.url, timeout=5, sleep=NO_SLEEP)
    assert not result.ok and server.assertions()
    assert_nothing_secret(result, credentials, *server.assertions())


@pytest.mark.parametrize("shape", ["netsuite", "oauth", "text"])
def test_a_serverTime_echoing_the_bearer_header_leaks_no_part_of_the_token(m2m, shape):  # pylint: disable=invalid-name
    credentials = m2m()
    token = access_token()

    def echo(request):
        header = request.headers["Authorization"]
        if shape == "netsuite":
            return netsuite_error(401, "INVALID_LOGIN", "Rejected " + header)
        if shape == "oauth":
            return oauth_error(401, "invalid_token", header)
        return 401, {"Content-Type": "text/plain"}, header
    with ScriptedServer({TOKEN_PATH: [token_answer(token)], SERVER_TIME_PATH: [echo]}) as server:
        result = probe(credentials, server)
    assert not result.ok and result.status_code == 401
    assert_nothing_secret(result, credentials, token)


def test_a_huge_token_answer_is_cut_off(m2m):
    with ScriptedServer({TOKEN_PATH: [(400, JSON_TYPE, json.dumps({"error": "x" * (2 * 1024 * 1024)}))]}) as server:
        result = probe(m2m(), server, max_attempts=1)
    assert (result.error_code, result.probe, result.status_code) == ("RESPONSE_TOO_LARGE", TOKEN_PROBE, None)
    assert "far larger than NetSuite" in result.hint


def test_a_silent_token_endpoint_times_out_within_the_deadline(m2m):
    def slow(_request):
        time.sleep(3)
        return token_answer(access_token())
    with ScriptedServer({TOKEN_PATH: [slow]}) as server:
        result = probe(m2m(), server, timeout=0.5, max_attempts=2)
    # Each attempt ended at its 0.5 s deadline, not at the server's 3 s answer: two TIMEOUTs.
    assert (result.error_code, result.probe, result.attempts) == ("TIMEOUT", TOKEN_PROBE, 2)
    assert "No answer from 127.0.0.1" in result.hint


def test_an_unknown_oauth_code_is_kept_with_the_generic_lead(m2m):
    with ScriptedServer({TOKEN_PATH: [oauth_error(400, "access_denied", "nope")]}) as server:
        result = probe(m2m(), server)
    assert (result.error_code, result.detail) == ("access_denied", "nope")
    assert "NetSuite refused the token request." in result.hint


def test_an_oauth_code_that_is_not_a_word_is_not_shown(m2m):
    with ScriptedServer({TOKEN_PATH: [oauth_error(400, "<script>" * 20)]}) as server:
        result = probe(m2m(), server)
    assert result.error_code == "UNRECOGNIZED_ERROR_CODE"


# --- libraries --------------------------------------------------------------------------------------

@pytest.mark.parametrize("module, library", [("jwt", "PyJWT"), ("oauthlib", "oauthlib"), ("cryptography", "cryptography")])
def test_a_missing_library_is_reported_not_raised(m2m, monkeypatch, module, library):
    credentials = m2m()
    monkeypatch.setitem(sys.modules, module, None)
    with ScriptedServer({}) as server:
        result = probe_connection(credentials, server.url)
    assert not result.ok and (result.error_code, result.attempts) == ("MISSING_DEPENDENCY", 0)
    assert result.detail == "the Python package %s is not installed where the task runs (%s)" % (library, sys.executable)
    assert result.hint.startswith("Install it into that Python: pip install hvac requests-oauthlib cryptography PyJWT")
    assert result.failure().code == "dependency:missing" and server.seen == []


def test_an_unknown_auth_type_is_a_bug_not_a_result():
    class Odd:  # pylint: disable=too-few-public-methods
        auth_type = "saml"
    with pytest.raises(ValueError, match="auth_type must be tba or m2m"):
        probe_connection(Odd(), "http://127.0.0.1:9")
