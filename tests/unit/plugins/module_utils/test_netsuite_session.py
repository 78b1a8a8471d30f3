# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Capability probes after the login, and NetSuiteClient's authorized requests, against the
emulator (a real HTTP server on 127.0.0.1) with both kinds of credentials."""
import json
import threading

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import parse_probes
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import build_m2m_credentials
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import NetSuiteClient
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_session import free_slot
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import (
    AccountHosts,
    RecordRef,
    build_request,
    suiteql_request,
)
from support.accounts import emulator_account, new_credentials
from support.m2m_accounts import make_m2m_account
from support.probing import no_sleep, probe

SERVER_TIME = "/services/rest/system/v1/serverTime"
SUITEQL = "/services/rest/query/v1/suiteql"
TOKEN = "/services/rest/auth/oauth2/v1/token"

PROBES = [
    {"name": "subsidiaries", "suiteql": "SELECT id FROM subsidiary"},
    {"name": "customers", "record": "customer"},
    {"name": "echo", "restlet": {"script": 100, "deploy": 1}},
    {"name": "catalog", "path": "/services/rest/record/v1/metadata-catalog"},
]


@pytest.fixture(params=["tba", "m2m"])
def kind(request):
    return request.param


@pytest.fixture
def account(emulator, kind):
    """Factory: credentials of a fresh emulator account of ``kind`` with the emulator ``role``."""
    def make(role=None):
        if kind == "tba":
            credentials = new_credentials()
            emulator.add_account(emulator_account(credentials, role=role))
            return credentials
        m2m = make_m2m_account(key_type="ec-p256", scopes=("rest_webservices", "restlets"))
        if role is not None:
            m2m = m2m.__class__(**dict(m2m.__dict__, role=role))
        emulator.add_account(m2m.emulator_account())
        return build_m2m_credentials(m2m.module_values(), scopes=m2m.scopes)[0]
    return make


def sent(emulator, credentials):
    return [(entry["method"], entry["path"], entry["status"]) for entry in emulator.requests(credentials.realm)]


def hosts(emulator):
    return AccountHosts(emulator.url, emulator.url)


def test_every_probe_kind_passes_after_the_login_with_one_login(emulator, account, kind):
    credentials = account()
    result = probe(credentials, emulator.url, probes=parse_probes(PROBES), hosts=hosts(emulator))
    assert result.ok and result.failure() is None
    assert [(row.name, row.kind, row.ok, row.status) for row in result.probes] == [
        ("subsidiaries", "suiteql", True, 200), ("customers", "record", True, 200),
        ("echo", "restlet", True, 200), ("catalog", "path", True, 200)]
    paths = [path for _method, path, _status in sent(emulator, credentials)]
    login = [TOKEN] if kind == "m2m" else []
    assert paths[:len(login) + 1] == login + [SERVER_TIME]
    assert len(paths) == len(login) + 1 + len(PROBES) == result.attempts


@pytest.mark.parametrize("role, code, phrase", [
    ({"suiteanalytics_workbook": False}, "netsuite:INSUFFICIENT_PERMISSION", "SuiteAnalytics Workbook"),
    ({"records": {"subsidiary": "view"}}, "netsuite:INSUFFICIENT_PERMISSION", "Lists -> Customers"),
    ({"restlets": [{"script": 100, "deploy": 1, "status": "testing"}]}, None, "Released"),
], ids=["no workbook", "no customers", "restlet in testing"])
def test_the_first_failed_probe_fails_the_test_with_its_name_code_and_hint(emulator, account, role, code, phrase):
    credentials = account(role=role)
    result = probe(credentials, emulator.url, probes=parse_probes(PROBES[:3]), hosts=hosts(emulator))
    assert result.ok  # the login passed: connection.ok says so
    failure = result.failure()
    failed = [row for row in result.probes if not row.ok]
    assert failure is not None and failed
    assert failure.code == failed[0].failure_code and failure.code.startswith("netsuite:")
    if code:
        assert failure.code == code
    assert failure.reason.startswith("probe %s (%s) failed" % (failed[0].name, failed[0].kind))
    assert phrase in failure.hint
    assert len(result.probes) == 3  # every probe ran, in order, after the first failure too


def test_no_probe_runs_when_the_login_fails(emulator, kind):
    if kind == "m2m":
        m2m = make_m2m_account(key_type="ec-p256", revoked=True)
        emulator.add_account(m2m.emulator_account())
        credentials = build_m2m_credentials(m2m.module_values(), scopes=m2m.scopes)[0]
    else:
        credentials = new_credentials()
        emulator.add_account(emulator_account(credentials, revoked=True))
    result = probe(credentials, emulator.url, probes=parse_probes(PROBES), hosts=hosts(emulator))
    assert not result.ok and result.probes == ()
    assert [path for _m, path, _s in sent(emulator, credentials)] == [TOKEN if kind == "m2m" else SERVER_TIME]


def test_an_idempotent_request_is_retried_and_a_post_is_not(emulator, account):
    credentials = account()
    emulator.add_fault(503, method="GET", path="/services/rest/record/v1/customer*", times=1,
                       account_id=credentials.realm)
    emulator.add_fault(503, method="POST", path="/services/rest/record/v1/customer", times=1,
                       account_id=credentials.realm)
    target = RecordRef("customer")
    with NetSuiteClient(credentials, emulator.url, sleep=no_sleep) as client:
        assert client.login() is None
        got = client.send(build_request(target, hosts(emulator)))
        posted = client.send(build_request(target, hosts(emulator), "POST", json.dumps({"companyName": "x"})))
        attempts = client.attempts
    assert got.status_code == 200 and posted.status_code == 503
    record_calls = [(m, s) for m, p, s in sent(emulator, credentials) if p.startswith("/services/rest/record")]
    assert record_calls == [("GET", 503), ("GET", 200), ("POST", 503)]
    assert attempts == len(sent(emulator, credentials))


def test_one_m2m_token_serves_every_page_and_request(emulator, account, kind):
    credentials = account()
    with NetSuiteClient(credentials, emulator.url, sleep=no_sleep) as client:
        assert client.login() is None
        for offset in (0, 1, 2):
            assert client.send(suiteql_request("SELECT id FROM subsidiary", hosts(emulator), 1, offset)).status_code == 200
    tokens = [entry for entry in sent(emulator, credentials) if entry[1] == TOKEN]
    assert len(tokens) == (1 if kind == "m2m" else 0)
    assert [p for _m, p, _s in sent(emulator, credentials)].count(SUITEQL) == 3


def test_a_failed_login_is_a_scrubbed_result_and_nothing_else_is_sent(emulator, kind):
    if kind == "tba":
        pytest.skip("TBA has no login request: every request is signed")
    m2m = make_m2m_account(key_type="ec-p256", revoked=True)
    emulator.add_account(m2m.emulator_account())
    credentials = build_m2m_credentials(m2m.module_values(), scopes=m2m.scopes)[0]
    with NetSuiteClient(credentials, emulator.url, sleep=no_sleep) as client:
        failed = client.login()
        with pytest.raises(RuntimeError):
            client.send(suiteql_request("SELECT id FROM subsidiary", hosts(emulator)))
    assert failed is not None and not failed.ok and failed.error_code == "invalid_client"
    assert sent(emulator, credentials) == [("POST", TOKEN, 400)]


def test_every_tba_signature_is_handed_to_hide(emulator):
    """A server echoing only oauth_signature must find it registered like the other secrets."""
    credentials = new_credentials()
    emulator.add_account(emulator_account(credentials))
    hidden = []
    result = probe(credentials, emulator.url, probes=parse_probes(PROBES[:2]), hosts=hosts(emulator),
                   hide=hidden.extend)
    assert result.ok
    signatures = [value for value in hidden if value not in (credentials.consumer_key, credentials.consumer_secret,
                                                             credentials.token_id, credentials.token_secret)]
    assert len(signatures) == result.attempts == 3
    assert all(len(value) == 44 and value.endswith("=") for value in signatures)  # base64 of HMAC-SHA256


@pytest.mark.parametrize("slots, most_in_flight", [(2, 2), (1, 1)], ids=["second slot free", "no second slot"])
def test_probes_run_two_at_a_time_only_while_a_second_slot_is_free(emulator, account, slots, most_in_flight):
    """The fleet holds one slot of the account's limit for the check; the probes take a second
    one when it is free, so at most two requests are ever in flight to the account."""
    credentials = account()
    limit = threading.BoundedSemaphore(slots)
    emulator.set_hold(0.2)
    try:
        with limit:
            result = probe(credentials, emulator.url, probes=parse_probes(PROBES), hosts=hosts(emulator),
                           second_slot=free_slot(limit))
    finally:
        emulator.set_hold(0)
    assert result.ok and [row.name for row in result.probes] == [item["name"] for item in PROBES]
    assert all(row.ok for row in result.probes)
    assert emulator.stats(credentials.realm)[credentials.realm]["max_in_flight"] == most_in_flight
    assert limit.acquire(blocking=False)  # the second slot was given back
