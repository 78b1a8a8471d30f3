# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""credential_check with declared M2M values (account_id and m2m_credential's options), in-process
on both paths (the module's main() and the controller's run_in_controller), against the NetSuite
emulator: which declared values go with account_id (a mix, none, a missing one: refused by name
before any request), a bad PEM named without its text, a pass with probes (one token for all),
a denied probe, and an unknown certificate ID failing with NetSuite's error. No output shows a
secret."""
import json

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._check_tasks import CREDENTIAL_CHECK
from ansible_collections.netsuite_ops.credentials.plugins.modules import credential_check
from ansible_collections.netsuite_ops.credentials.plugins.plugin_utils._controller_module import run_in_controller
from support.http_stub import StubServer
from support.m2m_accounts import make_m2m_account

PATHS = ("module", "controller")
_MARK = "zq" + "y" * 14  # a value no message may echo
_TBA = {"consumer_key": "a" * 64, "consumer_secret": "b" * 64, "token_id": "c" * 64, "token_secret": "d" * 64}
_PROBES = [{"name": "subsidiaries", "suiteql": "SELECT id FROM subsidiary"},
           {"name": "customers", "record": "customer"}]


@pytest.fixture
def run(run_module):
    def run_on(execution, args):
        if execution == "controller":
            result = run_in_controller(CREDENTIAL_CHECK, dict(args), check_mode=False, diff=False, inject_invocation=True)
            return result, json.dumps(result)
        return run_module(credential_check.main, args)
    return run_on


@pytest.fixture(scope="module")
def m2m():
    return make_m2m_account(key_type="ec-p256")


@pytest.fixture
def nobody():
    """Stands in for NetSuite where nothing may be sent: any request it gets fails the test."""
    with StubServer(lambda handler: (500, {}, "")) as stub:
        yield stub


def declared(m2m, url, **changes):
    args = dict(m2m.module_values(), netsuite_url=url)
    args.update(changes)
    return {key: value for key, value in args.items() if value is not None}


def assert_no_secret(printed, m2m):
    for value in m2m.secret_values():
        assert value not in printed
    for line in m2m.private_key_pem.splitlines()[1:-1]:  # the PEM body, line by line
        assert line not in printed


@pytest.mark.parametrize("execution", PATHS)
@pytest.mark.parametrize("changes, expected", [
    (dict(_TBA, consumer_key=_MARK), "consumer_key, consumer_secret, token_id, token_secret, client_id, "
                                     "certificate_id, private_key, certificate: account_id takes the TBA values"),
    ({"token_secret": _MARK}, "token_secret, client_id, certificate_id, private_key, certificate: account_id takes"),
    ({"client_id": None, "certificate_id": None, "private_key": None, "certificate": None},
     "account_id: needs the TBA values (consumer_key, consumer_secret, token_id, token_secret) or the M2M values "
     "(client_id, certificate_id, private_key, certificate)"),
    ({"private_key": None}, "private_key: is required with account_id and the M2M values"),
    ({"certificate": None, "certificate_id": None}, "certificate_id, certificate: are required with account_id"),
    ({"client_id": None, "certificate_id": None, "certificate": None, "private_key": None, "algorithm": "PS256"},
     "client_id, certificate_id, private_key, certificate: are required"),
])
def test_declared_values_of_one_kind_or_refused_by_name(execution, changes, expected, m2m, nobody, run):
    result, printed = run(execution, declared(m2m, nobody.url, **changes))
    assert result["failed"] is True and result["failure_code"] == "input:invalid", result
    assert expected in result["msg"], result["msg"]
    assert "not a mix" in result["msg"] or "required" in result["msg"] or "needs" in result["msg"]
    assert result["hint"].startswith("Nothing was tested")
    assert _MARK not in printed and "Traceback" not in printed
    assert nobody.requests == 0  # neither NetSuite nor Vault was asked
    assert_no_secret(printed, m2m)


@pytest.mark.parametrize("execution", PATHS)
def test_path_with_m2m_values_is_refused(execution, m2m, nobody, run):
    result, printed = run(execution, declared(m2m, nobody.url, account_id=None, path="netsuite/x",
                                              vault={"url": nobody.url, "token": "s." + "t" * 24}))
    assert result["failed"] is True
    assert "mutually exclusive" in result["msg"] and "path|client_id" in result["msg"], result["msg"]
    assert_no_secret(printed, m2m)


@pytest.mark.parametrize("execution", PATHS)
@pytest.mark.parametrize("spelling", ["pkcs8", "pkcs1"])
def test_a_bad_pem_is_named_without_its_text(execution, spelling, m2m, nobody, run):
    pem = m2m.private_key_pem if spelling == "pkcs8" else m2m.pkcs1_private_key_pem()
    lines = pem.splitlines()
    broken = "\n".join(lines[:2] + [_MARK + lines[2][len(_MARK):]] + lines[3:]) + "\n"
    result, printed = run(execution, declared(m2m, nobody.url, private_key=broken))
    assert result["failed"] is True and result["failure_code"] == "input:invalid", result
    assert "private_key:" in result["msg"], result["msg"]
    assert _MARK not in printed
    for line in lines[1:-1]:
        assert line not in printed
    assert_no_secret(printed, m2m)


@pytest.mark.parametrize("execution", PATHS)
def test_declared_m2m_passes_with_one_token_for_the_test_and_probes(execution, m2m, emulator, run):
    emulator.add_account(m2m.emulator_account())
    emulator.reset_log()
    result, printed = run(execution, declared(m2m, emulator.url, probes=_PROBES))
    assert result.get("failed") is not True and result["ok"] is True, result
    assert result["auth_type"] == "m2m" and result["changed"] is False
    assert result["certificate"]["days_left"] > 30 and "fingerprint_sha256" in result["certificate"]
    assert "vault" not in result
    assert [(row["name"], row["ok"], row["status"]) for row in result["probes"]] == [
        ("subsidiaries", True, 200), ("customers", True, 200)]
    paths = [entry["path"].rsplit("/", 1)[-1] for entry in emulator.requests(m2m.account_id)]
    assert paths[0] == "token" and paths.count("token") == 1 and len(paths) == 2 + len(_PROBES), paths
    assert_no_secret(printed, m2m)


@pytest.mark.parametrize("execution", PATHS)
def test_a_denied_probe_fails_the_declared_check(execution, emulator, run):
    limited = make_m2m_account(key_type="ec-p256")
    limited.role = {"suiteanalytics_workbook": False}
    emulator.add_account(limited.emulator_account())
    result, printed = run(execution, declared(limited, emulator.url, probes=_PROBES, fail_on_error=False))
    assert result["ok"] is False and result["connection"]["ok"] is True, result
    assert result["failure_code"] == "netsuite:INSUFFICIENT_PERMISSION"
    assert "probe subsidiaries (suiteql) failed" in result["msg"]
    assert [row["ok"] for row in result["probes"]] == [False, True]
    assert_no_secret(printed, limited)


@pytest.mark.parametrize("execution", PATHS)
def test_an_unknown_certificate_id_fails_with_netsuites_error(execution, emulator, run):
    unmapped = make_m2m_account(key_type="ec-p256", mapped=False)
    emulator.add_account(unmapped.emulator_account())
    result, printed = run(execution, declared(unmapped, emulator.url, probes=_PROBES))
    assert result["failed"] is True and result["connection"]["ok"] is False, result
    assert result["failure_code"] == "netsuite:invalid_client", result
    assert result["probes"] == []
    assert result["certificate"]["days_left"] > 0
    assert_no_secret(printed, unmapped)
