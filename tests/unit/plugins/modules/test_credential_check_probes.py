# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""credential_check's probes option, in-process against the NetSuite emulator and OpenBao: bad
items refused by name before Vault or NetSuite is contacted (no value echoed), every kind passing
for stored and declared credentials, a denial failing with its code, the probe's name and a hint,
and no probe run when the login failed."""
import itertools

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.modules import credential_check
from support.accounts import SECRET_FIELDS, fake_account, stored_values

_paths = itertools.count(1)
_MARK = "zq" + "x" * 10  # a value no message may echo

EVERY_KIND = [
    {"name": "subsidiaries", "suiteql": "SELECT id FROM subsidiary"},
    {"name": "customers", "record": "customer"},
    {"name": "one customer", "record": "customer", "id": 101},
    {"name": "echo restlet", "restlet": {"script": 100, "deploy": 1, "params": {"ping": "1"}}},
    {"name": "server time", "path": "/services/rest/system/v1/serverTime"},
]


@pytest.fixture
def path():
    return "probes/%d/tba" % next(_paths)


def declared(account, emulator, probes, **changes):
    args = dict({name: account[name] for name in SECRET_FIELDS}, account_id=account["account_id"],
                netsuite_url=emulator.url, probes=probes)
    args.update(changes)
    return args


def stored(account, path, openbao, emulator, probes, **changes):
    openbao.kv2_write_raw("secret", path, stored_values(account))
    args = dict(path=path, netsuite_url=emulator.url, probes=probes,
                vault={"url": openbao.url, "token": openbao.root_token})
    args.update(changes)
    return args


def assert_no_secret(printed, account, openbao=None):
    for value in [account[name] for name in SECRET_FIELDS] + ([openbao.root_token] if openbao else []):
        assert value not in printed


@pytest.mark.parametrize("probes, expected", [
    ([{"name": "a", "soap": _MARK}], "probes[0].soap: unknown kind or key"),
    ([{"name": "a", "suiteql": "SELECT id FROM subsidiary", "record": "customer"}],
     "probes[0]: must have exactly one of suiteql, record, restlet, path (got suiteql and record)"),
    ([{"name": "a", "path": "https://evil.example.com/services/rest/" + _MARK}], "probes[0].path: must be a path"),
    ([{"name": "a", "path": "https://1234567.suitetalk.api.netsuite.com/services/rest/" + _MARK}],
     "probes[0].path: must be a path"),
    ([{"name": "a", "record": "customer"}, {"name": "b", "record": "customer", "method": "DELETE"}],
     "probes[1].method: probes are read-only"),
    ([{"name": "a", "suiteql": "SELECT id FROM subsidiary", "body": {"q": _MARK}}], "probes[0].body: probes are read-only"),
    ([{"name": "same", "record": "customer"}, {"name": "same", "record": "contact"}],
     "probes[1].name: is used by an earlier probe"),
    ([{"suiteql": "SELECT id FROM subsidiary"}], "probes[0].name: is required"),
    (_MARK, "probes: must be a list of dictionaries"),
    ([_MARK], "probes[0]: must be a dictionary"),
])
@pytest.mark.parametrize("source", ["stored", "declared"])
def test_bad_probes_are_refused_by_name_before_any_request(source, probes, expected, openbao, emulator, path,
                                                           run_module):
    account = fake_account()
    emulator.add_account(account)
    if source == "stored":
        args = stored(account, path, openbao, emulator, probes)
    else:
        args = declared(account, emulator, probes)
    before = len(emulator.requests())
    result, printed = run_module(credential_check.main, args)
    assert result["failed"] is True and result["failure_code"] == "input:invalid"
    assert expected in result["msg"], result["msg"]
    assert result["hint"].startswith("Nothing was tested")
    assert _MARK not in printed and "evil.example.com" not in printed
    assert len(emulator.requests()) == before  # NetSuite was never asked
    assert "Traceback" not in printed
    assert_no_secret(printed, account, openbao)


def test_bad_probes_are_refused_before_vault(run_module, emulator):
    # A Vault URL on a closed port: any Vault call would fail as unreachable, not as input.
    result, printed = run_module(credential_check.main, dict(
        path="netsuite/x", vault={"url": "http://127.0.0.1:9", "token": "s." + "t" * 24},
        probes=[{"name": "a", "record": "customer", "json": {}}]))
    assert result["failure_code"] == "input:invalid", result
    assert "probes[0].json: probes are read-only" in result["msg"]
    assert "vault_error" not in result


@pytest.mark.parametrize("source", ["stored", "declared"])
def test_every_kind_passes(source, openbao, emulator, path, run_module):
    account = fake_account()
    emulator.add_account(account)
    args = (stored(account, path, openbao, emulator, EVERY_KIND) if source == "stored"
            else declared(account, emulator, EVERY_KIND))
    result, printed = run_module(credential_check.main, args)
    assert result["ok"] is True and not result.get("failed"), result
    assert [(probe["name"], probe["kind"], probe["ok"], probe["status"]) for probe in result["probes"]] == [
        ("subsidiaries", "suiteql", True, 200), ("customers", "record", True, 200),
        ("one customer", "record", True, 200), ("echo restlet", "restlet", True, 200),
        ("server time", "path", True, 200)]
    assert all(probe["failure_code"] is None and probe["reason"] is None for probe in result["probes"])
    # One connection test and one request per probe, seen at the emulator.
    assert len(emulator.requests(account["account_id"])) == 1 + len(EVERY_KIND)
    assert_no_secret(printed, account, openbao)


def test_no_probes_gives_an_empty_list(openbao, emulator, path, run_module):
    account = fake_account()
    emulator.add_account(account)
    result, _printed = run_module(credential_check.main, stored(account, path, openbao, emulator, None))
    assert result["ok"] is True and result["probes"] == []


@pytest.mark.parametrize("role, probe, code, hint", [
    ({"suiteanalytics_workbook": False}, {"name": "report", "suiteql": "SELECT id FROM subsidiary"},
     "netsuite:INSUFFICIENT_PERMISSION", "SuiteAnalytics Workbook"),
    ({"records": {"subsidiary": "view"}}, {"name": "customers", "record": "customer"},
     "netsuite:INSUFFICIENT_PERMISSION", "Lists -> Customers at View"),
    ({"restlets": [{"script": 100, "deploy": 1, "status": "testing"}]},
     {"name": "sync", "restlet": {"script": 100, "deploy": 1}}, "netsuite:", "Status is Released"),
    ({"id": 1001, "restlets": [{"script": 100, "deploy": 1, "audience": [1002]}]},
     {"name": "sync", "restlet": {"script": 100, "deploy": 1}}, "netsuite:", "Audience"),
    (None, {"name": "missing", "record": "customer", "id": 99999}, "netsuite:", "check the record ID"),
])
def test_a_denied_probe_fails_with_its_code_name_and_hint(role, probe, code, hint, openbao, emulator, path,
                                                          run_module):
    account = fake_account(role=role)
    emulator.add_account(account)
    probes = [{"name": "first", "path": "/services/rest/system/v1/serverTime"}, probe]
    result, printed = run_module(credential_check.main, stored(account, path, openbao, emulator, probes))
    assert result["failed"] is True and result["ok"] is False
    assert result["connection"]["ok"] is True  # authenticated: the role is what failed
    assert result["failure_code"].startswith(code) and result["failure_code"] != "netsuite:", result
    assert "probe %s (%s) failed" % (probe["name"], result["probes"][-1]["kind"]) in result["msg"]
    assert hint in result["hint"], result["hint"]
    failed = result["probes"][-1]
    assert failed["ok"] is False and failed["failure_code"] == result["failure_code"] and failed["reason"]
    assert_no_secret(printed, account, openbao)


def test_no_probe_runs_when_the_login_fails(openbao, emulator, path, run_module):
    account = fake_account(revoked=True)
    emulator.add_account(account)
    result, _printed = run_module(credential_check.main, stored(account, path, openbao, emulator, EVERY_KIND))
    assert result["failed"] is True and result["connection"]["ok"] is False
    assert result["probes"] == []
    assert len(emulator.requests(account["account_id"])) == 1


@pytest.mark.parametrize("mode", ["netsuite_json", "text", "cut"])
def test_probe_answers_that_echo_the_signature_leak_nothing(mode, run_module):
    from support.hostile import echoing_probes
    from support.http_stub import StubServer

    account = fake_account()
    with StubServer(echoing_probes(mode)) as echo:
        result, printed = run_module(credential_check.main, declared(account, echo, EVERY_KIND, fail_on_error=False))
    assert result["connection"]["ok"] is True and result["ok"] is False
    assert [probe["ok"] for probe in result["probes"]] == [False] * 4 + [True]
    for secret in [account[name] for name in SECRET_FIELDS]:
        assert not [secret[i:i + 16] for i in range(len(secret) - 15) if secret[i:i + 16] in printed], "a secret leaked"
