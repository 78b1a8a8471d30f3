# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Capability probes in the fleet check: netsuite_verify_probes (tba_verify_probes as the
fallback), a bad list failing only its host's row, and the probes in the rows, the summary, the
JSON report and the JUnit file (one case per account, a probe per line), against OpenBao and the
NetSuite emulator, with the per-account limit seen at the emulator."""
import json
import uuid
import xml.etree.ElementTree as ET
from unittest.mock import MagicMock

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import (
    ActionModule,
    _host_settings,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_report import (
    junit_xml,
    report,
    summary_lines,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from support.accounts import SECRET_FIELDS, fake_account, stored_values

PROBES = [{"name": "subsidiaries", "suiteql": "SELECT id FROM subsidiary"},
          {"name": "customers", "record": "customer"}]
_MARK = "zq" + "y" * 10


def _settings_of(variables):
    return _host_settings("h", {"h": variables}, Scrubber())


def test_netsuite_verify_probes_are_parsed():
    settings = _settings_of({"netsuite_verify_path": "p", "netsuite_verify_probes": PROBES})
    assert settings.problem is None
    assert [(probe.name, probe.kind) for probe in settings.probes] == [
        ("subsidiaries", "suiteql"), ("customers", "record")]


def test_tba_verify_probes_is_the_fallback_and_the_new_name_wins():
    former = _settings_of({"tba_verify_path": "p", "tba_verify_probes": PROBES[:1]})
    assert [probe.name for probe in former.probes] == ["subsidiaries"]
    both = _settings_of({"netsuite_verify_path": "p", "netsuite_verify_probes": PROBES[1:],
                         "tba_verify_probes": PROBES[:1]})
    assert [probe.name for probe in both.probes] == ["customers"]
    assert both.warnings == ["netsuite_verify_probes and tba_verify_probes (its former name) are both set, to "
                             "different values: netsuite_verify_probes is used"]


@pytest.mark.parametrize("variable", ["netsuite_verify_probes", "tba_verify_probes"])
@pytest.mark.parametrize("probes, expected", [
    ([{"name": "a", "soap": _MARK}], "[0].soap: unknown kind or key"),
    ([{"name": "a", "record": "customer", "suiteql": "SELECT id FROM customer"}], "[0]: must have exactly one of"),
    ([{"name": "a", "path": "https://%s.example.com/x" % _MARK}], "[0].path: must be a path"),
    ([{"name": "a", "record": "customer", "method": "PATCH"}], "[0].method: probes are read-only"),
    ([{"name": "a", "record": "customer"}, {"name": "a", "record": "contact"}], "[1].name: is used by an earlier"),
])
def test_bad_probes_fail_the_host_naming_the_variable(variable, probes, expected):
    settings = _settings_of({"netsuite_verify_path": "p", variable: probes})
    reason, hint = settings.problem
    assert reason.startswith("Invalid %s: %s%s" % (variable, variable, expected)), reason
    assert _MARK not in reason and "netsuite_verify_" in hint


def test_probes_that_are_not_a_list_of_dictionaries():
    reason = _settings_of({"netsuite_verify_path": "p", "netsuite_verify_probes": _MARK}).problem[0]
    assert "probes: must be a list of dictionaries" in reason and _MARK not in reason


# --- the whole action against OpenBao and the emulator ---------------------------------------

def _plugin(args):
    task = MagicMock(args=args, async_val=0, check_mode=False, action="netsuite_ops.credentials.credential_fleet_check")
    task.get_path.return_value = "/ci/verify.yml:7"
    connection = MagicMock()
    connection._shell.tmpdir = "/nonexistent"  # pylint: disable=protected-access
    return ActionModule(task, connection, MagicMock(), MagicMock(), MagicMock())


def test_a_fleet_where_one_account_lacks_a_permission(openbao, emulator, tmp_path):
    emulator.reset_log()
    emulator.set_hold(0.05)  # answers overlap, so the per-account limit is really exercised
    good, no_customers = fake_account(), fake_account(role={"records": {"subsidiary": "view"}})
    prefix = "fleetprobes/%s" % uuid.uuid4().hex[:8]
    hostvars = {}
    for host, account in (("good", good), ("no_customers", no_customers)):
        emulator.add_account(account)
        openbao.kv2_write_raw("secret", "%s/%s" % (prefix, host), stored_values(account))
        hostvars[host] = {"netsuite_verify_path": "%s/%s" % (prefix, host), "netsuite_verify_netsuite_url": emulator.url,
                          "netsuite_verify_probes": PROBES}
    hostvars["former"] = dict(hostvars["good"])
    hostvars["former"]["tba_verify_probes"] = hostvars["former"].pop("netsuite_verify_probes")
    hostvars["bad"] = dict(hostvars["good"], netsuite_verify_probes=[{"name": "x", "record": "customer", "body": _MARK}])
    task_vars = {"hostvars": hostvars, "ansible_play_hosts_all": ["good", "no_customers", "former", "bad"],
                 "ansible_play_name": "Verify"}
    try:
        result = _plugin(dict(vault={"url": openbao.url, "token": openbao.root_token}, per_account_concurrency=2,
                              report_path=str(tmp_path / "report.json"), junit_dir=str(tmp_path / "junit"),
                              fail_on_error=False)).run(task_vars=task_vars)
    finally:
        emulator.set_hold(0)
    rows = {row["host"]: row for row in result["rows"]}
    assert result["failed_hosts"] == ["no_customers", "bad"]
    passed = [(probe["name"], probe["ok"]) for probe in rows["good"]["probes"]]
    assert passed == [("subsidiaries", True), ("customers", True)]
    assert [(probe["name"], probe["ok"]) for probe in rows["former"]["probes"]] == passed
    denied = rows["no_customers"]
    assert denied["failure_code"] == "netsuite:INSUFFICIENT_PERMISSION"
    assert denied["reason"].startswith("probe customers (record) failed:") and "Lists -> Customers" in denied["hint"]
    assert [probe["ok"] for probe in denied["probes"]] == [True, False]
    assert rows["bad"]["failure_code"] == "input:invalid" and rows["bad"]["probes"] == []
    assert "netsuite_verify_probes[0].body" in rows["bad"]["reason"] and _MARK not in json.dumps(result)
    # good and former share one NetSuite account: never more than 2 requests in flight to it.
    for account in (good, no_customers):
        assert 1 <= emulator.stats(account["account_id"])[account["account_id"]]["max_in_flight"] <= 2

    summary = result["summary"]
    start = summary.index(next(line for line in summary if line.startswith("no_customers")))
    assert summary[start + 1:start + 4] == [
        "    probe subsidiaries (suiteql): ok",
        "    probe customers (record): FAILED netsuite:INSUFFICIENT_PERMISSION",
        "    reason: " + denied["reason"]]

    saved = json.loads((tmp_path / "report.json").read_text())
    hosts = ("good", "no_customers", "former", "bad")
    assert [account["probes"] for account in saved["accounts"]] == [rows[host]["probes"] for host in hosts]
    suite = ET.parse(result["junit_path"]).getroot().find("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert suite.get("tests") == "4" and len(cases) == 4  # one case per account, not per probe
    failure = cases["[no_customers] Verify: TBA credential check"].find("failure")
    assert "probe customers (record) failed" in failure.get("message")
    assert "probe customers (record): FAILED netsuite:INSUFFICIENT_PERMISSION" in failure.text
    assert "probe subsidiaries (suiteql): ok" in cases["[good] Verify: TBA credential check"].find("system-out").text
    shown = "\n".join([json.dumps(result), (tmp_path / "report.json").read_text(),
                       open(result["junit_path"], encoding="utf-8").read()])
    for secret in [openbao.root_token] + [account[name] for account in (good, no_customers) for name in SECRET_FIELDS]:
        assert secret not in shown


def test_the_outputs_of_rows_with_probes():
    rows = [{"host": "h", "account": "1", "environment": "production", "mount": "secret", "path": "p",
             "version": 1, "age_days": 1.0, "ok": False, "result": "FAILED",
             "reason": "probe sync (restlet) failed: NetSuite refused it", "hint": "check the deployment",
             "error_code": None, "failure_code": "netsuite:SSS_INVALID_SCRIPTLET_ID", "attempts": 2, "warnings": [],
             "probes": [{"name": "sync", "kind": "restlet", "ok": False, "status": 400,
                         "failure_code": "netsuite:SSS_INVALID_SCRIPTLET_ID", "reason": "NetSuite refused it"}]}]
    assert "    probe sync (restlet): FAILED netsuite:SSS_INVALID_SCRIPTLET_ID" in summary_lines(rows)
    assert report(rows)["accounts"][0]["probes"] == rows[0]["probes"]
    case = ET.fromstring(junit_xml(rows, "P")).find("testsuite/testcase")
    assert case.find("failure").get("message").startswith("probe sync (restlet) failed")
    # A row from before probes existed (no key) still renders.
    del rows[0]["probes"]
    assert not [line for line in summary_lines(rows) if "probe " in line and "failed" not in line]


@pytest.mark.parametrize("mode", ["netsuite_json", "text", "cut"])
def test_probe_answers_that_echo_the_signature_leak_nothing(openbao, mode):
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import parse_probes
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_check import (
        AccountSettings,
        FleetChecker,
    )
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_report import (
        report_json,
    )
    from support.hostile import echoing_probes
    from support.http_stub import StubServer

    account = fake_account()
    path = "fleetprobes/echo/%s" % uuid.uuid4().hex[:8]
    openbao.kv2_write_raw("secret", path, stored_values(account))
    with StubServer(echoing_probes(mode)) as echo:
        rows = FleetChecker().check([AccountSettings(
            "echo", path, netsuite_url=echo.url, vault={"url": openbao.url, "token": openbao.root_token},
            probes=parse_probes(PROBES + [{"name": "restlet", "restlet": {"script": 1, "deploy": 1}}]))])
    assert [probe["ok"] for probe in rows[0]["probes"]] == [False, False, False] and not rows[0]["ok"]
    assert rows[0]["reason"].startswith("probe subsidiaries (suiteql) failed")
    blob = "\n".join([json.dumps(rows), "\n".join(summary_lines(rows)), report_json(rows), junit_xml(rows, "P")])
    for secret in [openbao.root_token] + [account[name] for name in SECRET_FIELDS]:
        assert not [secret[i:i + 16] for i in range(len(secret) - 15) if secret[i:i + 16] in blob], "a secret leaked"
