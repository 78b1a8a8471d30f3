# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection probe against the NetSuite TBA emulator (a real HTTP server on 127.0.0.1).

Answers the emulator never gives (redirects, HTML error pages, echoes) are in test_netsuite_http.py;
the hints themselves in test_netsuite_hints.py.
"""
import dataclasses
import os
import re
import secrets
import socket
import sys
import threading

import pytest
import requests
from oauthlib.oauth1 import Client

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_hints import (
    CATALOG_PROBE,
    SERVER_TIME_PROBE,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import (
    ProbeResult,
)
from support.probing import no_sleep, probe
from support.accounts import emulator_account, new_credentials


NO_SLEEP = no_sleep
AUDIT_TRAIL = "Setup > Users/Roles > User Management > View Login Audit Trail (Detail column)"


@pytest.fixture
def account(emulator):
    """Factory: a fresh emulator account with the given scenario, returns its credentials."""
    def make(**scenario):
        credentials = new_credentials()
        emulator.add_account(emulator_account(credentials, **scenario))
        return credentials
    return make


# --- against the emulator ---------------------------------------------------------------------

def test_good_credentials_pass_with_one_request(emulator, account):
    credentials = account()
    result = probe(credentials, emulator.url)
    assert result.ok and result.status_code == 200
    assert result.probe == SERVER_TIME_PROBE and result.attempts == 1
    assert result.server_time.endswith("Z")
    assert abs(result.clock_skew_seconds) < 5
    assert result.warnings == () and result.elapsed_ms >= 0
    sent = emulator.requests(realm=credentials.realm)
    assert [(r["path"], r["status"]) for r in sent] == [("/services/rest/system/v1/serverTime", 200)]
    assert sent[0]["realm"] == credentials.realm


def test_success_dict_has_no_error_fields(emulator, account):
    connection = probe(account(), emulator.url).to_dict()
    assert connection["tested"] is True and connection["ok"] is True
    assert connection["warnings"] == []
    assert not {"error_code", "detail", "hint"} & set(connection)


def test_wrong_token_secret_fails_once_with_login_checklist(emulator, account):
    credentials = account()
    wrong = dataclasses.replace(credentials, token_secret=secrets.token_hex(32))
    result = probe(wrong, emulator.url)
    assert not result.ok
    assert (result.status_code, result.error_code, result.attempts) == (401, "INVALID_LOGIN", 1)
    assert "Invalid login attempt" in result.detail
    assert credentials.realm in result.hint and "127.0.0.1" in result.hint
    assert AUDIT_TRAIL in result.hint
    for item in ("upper-case", "swapped", "revoked", "State Enabled",
                 "Log in using Access Tokens", "REST Web Services", "within 5 minutes"):
        assert item in result.hint
    assert [r["audit_detail"] for r in emulator.requests(realm=credentials.realm)] == ["InvalidSignature"]
    connection = result.to_dict()
    # The hint is the task's own hint (the failure shape), not repeated in connection.
    assert connection["error_code"] == "INVALID_LOGIN" and "hint" not in connection
    assert result.failure().hint == result.hint


def test_busy_account_is_retried_with_fresh_nonces(emulator, account):
    credentials = account(busy_times=2)
    delays = []
    result = probe(credentials, emulator.url, sleep=delays.append)
    assert result.ok and result.attempts == 3
    sent = emulator.requests(realm=credentials.realm)
    assert [r["status"] for r in sent] == [429, 429, 200]
    nonces = [r["nonce"] for r in sent]
    assert len(set(nonces)) == 3
    assert all(len(nonce) >= 6 and nonce.isalnum() for nonce in nonces)
    assert delays == [1.0, 1.0]  # the emulator's Retry-After: 1


def test_server_errors_stop_after_three_attempts(emulator, account):
    credentials = account(server_error_times=-1)
    delays = []
    result = probe(credentials, emulator.url, sleep=delays.append, rng=lambda: 0.0)
    assert not result.ok
    assert (result.status_code, result.error_code, result.attempts) == (503, "UNEXPECTED_ERROR", 3)
    assert "retry later" in result.hint
    assert delays == [0.75, 1.5]  # 1 s, 2 s backoff at the low end of the +-25 % jitter
    assert len(emulator.requests(realm=credentials.realm)) == 3


def test_max_attempts_one_never_retries(emulator, account):
    credentials = account(server_error_times=-1)
    result = probe(credentials, emulator.url, max_attempts=1)
    assert result.attempts == 1 and result.status_code == 503


def test_missing_server_time_falls_back_to_signed_metadata_catalog(emulator, account):
    credentials = account(no_server_time=True)
    result = probe(credentials, emulator.url)
    assert result.ok and result.status_code == 200
    assert result.probe == CATALOG_PROBE and result.attempts == 2
    # No serverTime body: the time comes from the Date header.
    assert result.server_time.endswith("Z") and abs(result.clock_skew_seconds) < 5
    sent = emulator.requests(realm=credentials.realm)
    # The emulator verifies the signature over the query too: 200 proves select= was signed.
    assert [(r["path"], r["query"], r["status"]) for r in sent] == [
        ("/services/rest/system/v1/serverTime", "", 404),
        ("/services/rest/record/v1/metadata-catalog", "select=customer", 200),
    ]


@pytest.mark.parametrize("kind, status, code", [
    ("user_error", 400, "USER_ERROR"),
    ("forbidden", 403, "INSUFFICIENT_PERMISSION"),
])
def test_missing_permission_hint(emulator, account, kind, status, code):
    result = probe(account(missing_permission=kind), emulator.url)
    assert not result.ok and (result.status_code, result.error_code) == (status, code)
    assert result.attempts == 1
    assert "SuiteAnalytics Workbook" in result.hint and "Log in using Access Tokens" in result.hint


def test_slow_account_times_out_after_three_attempts(emulator, account):
    credentials = account(slow_seconds=2)
    result = probe(credentials, emulator.url, timeout=0.5)
    assert not result.ok
    assert (result.status_code, result.error_code, result.attempts) == (None, "TIMEOUT", 3)
    assert result.probe == SERVER_TIME_PROBE
    assert "Timeout" in result.detail and "retry later" in result.hint.lower()
    assert len({r["nonce"] for r in emulator.requests(realm=credentials.realm)}) == 3


def test_clock_skew_of_two_minutes_passes_with_warning(emulator, account):
    result = probe(account(clock_offset_seconds=120), emulator.url)
    assert result.ok
    assert 115 < result.clock_skew_seconds < 125
    assert len(result.warnings) == 1
    assert "120 s behind NetSuite's" in result.warnings[0] and "NTP" in result.warnings[0]


def test_clock_skew_beyond_five_minutes_puts_invalid_timestamp_first(emulator, account):
    credentials = account(clock_offset_seconds=400)
    result = probe(credentials, emulator.url)
    assert not result.ok and (result.status_code, result.error_code) == (401, "INVALID_LOGIN")
    # The Date header has one-second resolution.
    assert 398 <= result.clock_skew_seconds <= 402
    assert re.match(r"InvalidTimestamp likely: the local clock is (39[89]|40[0-2]) s off NetSuite's; "
                    r"sync NTP\. ", result.hint)
    assert AUDIT_TRAIL in result.hint
    assert result.warnings
    assert [r["audit_detail"] for r in emulator.requests(realm=credentials.realm)] == ["InvalidTimestamp"]


def test_plain_http_port_spoken_to_with_tls_is_a_tls_error(emulator, account):
    result = probe(account(), emulator.url.replace("http://", "https://"))
    assert not result.ok and result.error_code == "TLS_ERROR" and result.attempts == 1
    assert "SSLError" in result.detail and "netsuite_validate_certs" in result.hint


def test_given_session_is_used_and_left_open(emulator, account):
    seen = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, **kwargs: seen.append(response.status_code))
    with session:
        assert probe(account(), emulator.url, session=session).ok
        assert probe(account(), emulator.url, session=session).ok
    assert seen == [200, 200]


# --- transport failures -----------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_closed_port_is_a_retried_connection_error():
    credentials = new_credentials()
    result = probe(credentials, "http://127.0.0.1:%d" % free_port())
    assert not result.ok
    assert (result.status_code, result.error_code, result.attempts) == (None, "CONNECTION_ERROR", 3)
    assert "refused" in result.detail.lower() and "Could not connect to 127.0.0.1" in result.hint


def _resolver_answers(name, seconds=5):
    """True when the local resolver quickly says "no such name" (else the DNS test is moot)."""
    outcome = []

    def resolve():
        try:
            socket.getaddrinfo(name, 443)
            outcome.append("resolved")
        except socket.gaierror:
            outcome.append("unknown")

    worker = threading.Thread(target=resolve, daemon=True)
    worker.start()
    worker.join(seconds)
    return outcome == ["unknown"]


def test_unresolvable_host_is_a_dns_failure_without_retry():
    host = "nso-probe-test.invalid"  # RFC 6761: .invalid never resolves
    if not _resolver_answers(host):
        pytest.skip("the local resolver hangs on or resolves %s" % host)
    result = probe(new_credentials(), "https://%s" % host, timeout=5)
    assert not result.ok
    assert (result.error_code, result.attempts) == ("DNS_FAILURE", 1)
    assert host in result.hint and "Company URLs" in result.hint


def test_missing_requests_is_reported_not_raised(monkeypatch):
    monkeypatch.setitem(sys.modules, "requests", None)
    result = probe(new_credentials(), "https://127.0.0.1:9")
    assert not result.ok and result.error_code == "MISSING_DEPENDENCY"
    assert result.attempts == 0 and "pip install hvac requests-oauthlib" in result.hint
    failure = result.failure()
    assert failure.code == "dependency:missing" and "NetSuite" not in failure.reason
    assert failure.reason == ("Missing dependency: the Python package requests is not installed where the task "
                              "runs (%s)" % sys.executable)


def test_the_tba_probe_imports_no_oauthlib():
    """The TBA signature is the collection's own (stdlib); oauthlib is for OAuth 2.0 only."""
    import subprocess
    code = ("import sys; from ansible_collections.netsuite_ops.credentials.plugins.module_utils import "
            "_netsuite_probe; print(any(name.startswith(('oauthlib', 'requests_oauthlib')) for name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.stdout.strip() == "False"


# --- pure units -------------------------------------------------------------------------------

def test_realm_is_not_part_of_the_signature():
    def signature_with(realm):
        client = Client("ck", client_secret="cs", resource_owner_key="tk", resource_owner_secret="ts",
                        signature_method="HMAC-SHA256", realm=realm, nonce="abcdef123456", timestamp="1800000000")
        signed = client.sign("https://1234567-sb1.suitetalk.api.netsuite.com/x?select=customer")
        return signed[1]["Authorization"].rsplit("oauth_signature=", 1)[1]

    assert signature_with("1234567_SB1") == signature_with("OTHER") == signature_with(None)


def test_probe_result_is_immutable():
    result = ProbeResult(ok=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.ok = False
