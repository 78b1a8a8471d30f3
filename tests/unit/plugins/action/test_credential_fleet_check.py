# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet action: a report that cannot be written fails the check but keeps every account's
result; host settings; and the whole run (_run through run()) against OpenBao and the emulator:
rows, the JSON report, JUnit, fail_on_error."""
import json
import os
import uuid
import xml.etree.ElementTree as ET
from unittest.mock import MagicMock

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import ActionModule, _write
from support.accounts import fake_account, stored_values


def test_an_unwritable_report_path_fails_naming_the_option(tmp_path):
    out = {"ok": True, "msg": "All 2 accounts passed.", "rows": [{"host": "a"}, {"host": "b"}]}
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert _write(out, "report_path", str(blocker / "report.json"), "{}") is None
    assert out["ok"] is False and out["rows"] == [{"host": "a"}, {"host": "b"}]
    assert out["msg"] == ("All 2 accounts passed.; report_path: %s cannot be written: its directory is not a "
                          "directory" % (blocker / "report.json"))
    assert out["failure_code"] == "input:invalid" and "report_path" in out["hint"]


def test_a_missing_directory_is_created(tmp_path):
    out = {"ok": True, "msg": "ok"}
    path = tmp_path / "reports" / "r.json"
    assert _write(out, "report_path", str(path), "{}") == str(path)
    assert path.read_text() == "{}" and out["ok"] is True


def test_refused_host_settings_are_named_without_their_values():
    from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import (
        _problems_without_values,
    )
    token = "0123456789abcdef" * 3
    problems = _problems_without_values({"path": "x", "version": token, "netsuite_validate_certs": token[:16],
                                         "vault": {"auth_method": token, "url": "http://127.0.0.1:8200"}})
    text = "; ".join(problems)
    assert "version: must be a whole number" in text and "netsuite_validate_certs: must be true or false" in text
    assert "vault.auth_method: must be one of" in text
    assert token[:16] not in text


def test_the_task_vault_is_the_default_for_hosts_without_their_own():
    from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import _host_settings
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
    secret_id = "9f3c0a6e-5d1b-4e7a-8c2f-" + "0123456789ab"
    task_vault = {"url": "http://127.0.0.1:8200", "auth_method": "approle", "role_id": "role-" + "7" * 20,
                  "secret_id": secret_id}
    own = {"url": "http://127.0.0.2:8200", "token": "s." + "a" * 30}
    hostvars = {"plain": {"tba_verify_path": "p"}, "own": {"tba_verify_path": "q", "tba_verify_vault": own}}
    scrubber = Scrubber()
    plain = _host_settings("plain", hostvars, scrubber, task_vault)
    mine = _host_settings("own", hostvars, scrubber, task_vault)
    assert plain.problem is None and plain.vault["auth_method"] == "approle" and plain.vault["secret_id"] == secret_id
    assert mine.vault["url"] == own["url"] and mine.vault.get("auth_method") == "token"  # replaced whole
    assert scrubber.scrub("x " + secret_id) == "(withheld: this text contained a secret)"


def test_hosts_sharing_settings_are_validated_once_and_keep_their_own_values(monkeypatch):
    from ansible_collections.netsuite_ops.credentials.plugins.action import credential_fleet_check as action
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
    validations = []
    real = action.ArgumentSpecValidator

    class Counted(real):
        def validate(self, *args, **kwargs):
            validations.append(1)
            return super().validate(*args, **kwargs)

    monkeypatch.setattr(action, "ArgumentSpecValidator", Counted)
    group = {"url": "http://127.0.0.1:8200", "token": "s." + "g" * 30}
    own_token = "s." + "o" * 30
    hostvars = {"h%d" % n: {"netsuite_verify_path": "netsuite/%d/tba" % n, "netsuite_verify_vault": group}
                for n in range(5)}
    hostvars["own"] = {"netsuite_verify_path": "netsuite/own/tba", "netsuite_verify_vault": dict(group, token=own_token)}
    hostvars["bad"] = {"netsuite_verify_path": "netsuite/bad/tba", "netsuite_verify_vault": group,
                       "netsuite_verify_version": "latest"}
    hostvars["odd_path"] = {"netsuite_verify_path": 42, "netsuite_verify_vault": group}
    scrubber, known = Scrubber(), {}
    settings = {host: action._host_settings(host, hostvars, scrubber, None, set(), known) for host in hostvars}
    assert [settings["h%d" % n].path for n in range(5)] == ["netsuite/%d/tba" % n for n in range(5)]
    assert settings["own"].vault["token"] == own_token and settings["h3"].vault["token"] == group["token"]
    assert "version: must be a whole number" in settings["bad"].problem[0] and settings["h0"].problem is None
    assert settings["odd_path"].path == "42"
    assert len(validations) == 4  # the group's settings, own, bad, and the path that is not a string
    for token in (group["token"], own_token):
        assert scrubber.scrub("x " + token) == "(withheld: this text contained a secret)"


# --- the whole action, as a play runs it: real OpenBao, the NetSuite emulator -----------------
# The plugin is built as ansible-core's own action-plugin unit tests build one: a mock task (its
# args, path, no async, no check mode) and a mock connection; task_vars carry the inventory.

# Host variables the action reads, named in one place (the prefix may be renamed).
VERIFY = "netsuite_verify_"


def _plugin(args, task_path="/ci/verify.yml:7"):
    task = MagicMock(args=args, async_val=0, check_mode=False, action="netsuite_ops.credentials.credential_fleet_check")
    task.get_path.return_value = task_path
    connection = MagicMock()
    connection._shell.tmpdir = "/nonexistent"  # pylint: disable=protected-access
    return ActionModule(task, connection, MagicMock(), MagicMock(), MagicMock())


@pytest.fixture
def fleet(openbao, emulator):
    """Three hosts: one whose stored credentials work, one with nothing stored, one whose
    settings are refused before anything is contacted; Vault is the task's (root) vault."""
    good = fake_account()
    emulator.add_account(good)
    prefix = "fleet/%s" % uuid.uuid4().hex[:8]
    openbao.kv2_write_raw("secret", prefix + "/good", stored_values(good))
    hostvars = {
        "good": {VERIFY + "path": prefix + "/good", VERIFY + "netsuite_url": emulator.url},
        "missing": {VERIFY + "path": prefix + "/missing", VERIFY + "netsuite_url": emulator.url},
        "refused": {VERIFY + "path": prefix + "/x", VERIFY + "version": "not-a-number"},
    }
    task_vars = {"hostvars": hostvars, "ansible_play_hosts_all": ["good", "missing", "refused"],
                 "ansible_play_name": "Verify"}
    vault = {"url": openbao.url, "token": openbao.root_token}
    return dict(task_vars=task_vars, vault=vault, good=good, prefix=prefix)


def _run(fleet, **args):
    result = _plugin(dict(args, vault=fleet["vault"])).run(task_vars=fleet["task_vars"])
    shown = json.dumps(result)
    for secret in [fleet["vault"]["token"]] + [fleet["good"][name] for name in ("consumer_secret", "token_secret")]:
        assert secret not in shown
    return result


def test_the_fleet_reports_each_host_and_fails_the_task(fleet, openbao, tmp_path):
    before = openbao.kv2_metadata_raw("secret", fleet["prefix"] + "/good")["data"]["current_version"]
    result = _run(fleet, report_path=str(tmp_path / "out" / "report.json"), junit_dir=str(tmp_path / "junit"))
    assert result["failed"] is True and result["ok"] is False and result["changed"] is False
    assert result["failed_hosts"] == ["missing", "refused"]
    rows = {row["host"]: row for row in result["rows"]}
    assert rows["good"]["ok"] is True and rows["good"]["account"] == fleet["good"]["account_id"]
    assert rows["missing"]["failure_code"] == "stored:missing"
    assert "version" in rows["refused"]["reason"] and "not-a-number" not in rows["refused"]["reason"]
    assert result["msg"] == "FAILED (2 of 3): missing, refused"

    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert result["report_path"] == str(tmp_path / "out" / "report.json")
    assert report["ok"] is False and report["failed"] == ["missing", "refused"]
    assert [account["host"] for account in report["accounts"]] == ["good", "missing", "refused"]

    suite = ET.parse(result["junit_path"]).getroot().find("testsuite")
    assert os.path.dirname(result["junit_path"]) == str(tmp_path / "junit")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("verify", "3", "2")
    cases = {case.get("name"): case.find("failure") is not None for case in suite.findall("testcase")}
    assert cases == {"[good] Verify: TBA credential check": False, "[missing] Verify: TBA credential check": True,
                     "[refused] Verify: TBA credential check": True}
    # Read-only: the stored version is the one before.
    assert openbao.kv2_metadata_raw("secret", fleet["prefix"] + "/good")["data"]["current_version"] == before


def test_fail_on_error_false_reports_without_failing_the_task(fleet):
    result = _run(fleet, fail_on_error=False)
    assert "failed" not in result or result["failed"] is False
    assert result["ok"] is False and result["failed_hosts"] == ["missing", "refused"]
    assert "report_path" not in result and "junit_path" not in result


def test_only_the_hosts_asked_for_are_checked(fleet, emulator):
    result = _run(fleet, hosts=["good"])
    assert not result.get("failed") and result["ok"] is True
    assert [row["host"] for row in result["rows"]] == ["good"]
    assert result["msg"] == "All 1 accounts passed."


def _settings_of(variables):
    from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import _host_settings
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
    return _host_settings("h", {"h": variables}, Scrubber())


def test_the_netsuite_verify_names_are_read():
    settings = _settings_of({"netsuite_verify_path": "netsuite/1/tba", "netsuite_verify_max_age_days": 90,
                             "netsuite_verify_engine_mount_point": "kv"})
    assert (settings.problem, settings.path, settings.max_age_days, settings.engine_mount_point) == (
        None, "netsuite/1/tba", 90, "kv")
    assert settings.warnings == []


def test_the_former_tba_verify_names_still_work():
    settings = _settings_of({"tba_verify_path": "netsuite/1/tba", "tba_verify_version": 3,
                             "tba_verify_netsuite_timeout": 5})
    assert (settings.problem, settings.path, settings.version, settings.netsuite_timeout) == (
        None, "netsuite/1/tba", 3, 5)
    assert settings.warnings == []


def test_the_new_name_wins_and_a_difference_is_named_without_values():
    secret_id = "5c1e8f2a-" + "d" * 27
    settings = _settings_of({
        "netsuite_verify_path": "netsuite/new/tba", "tba_verify_path": "netsuite/old/tba",
        "netsuite_verify_max_age_days": 30, "tba_verify_max_age_days": 30,  # the same: no warning
        "netsuite_verify_vault": {"url": "http://127.0.0.1:8200", "auth_method": "approle",
                                  "role_id": "r" * 20, "secret_id": secret_id},
        "tba_verify_vault": {"url": "http://127.0.0.1:8200", "token": "s." + "b" * 30}})
    assert settings.path == "netsuite/new/tba" and settings.vault["secret_id"] == secret_id
    assert sorted(settings.warnings) == [
        "netsuite_verify_path and tba_verify_path (its former name) are both set, to different values: "
        "netsuite_verify_path is used",
        "netsuite_verify_vault and tba_verify_vault (its former name) are both set, to different values: "
        "netsuite_verify_vault is used",
    ]
    text = " ".join(settings.warnings)
    assert "netsuite/" not in text and secret_id not in text and "b" * 30 not in text


def test_a_refused_setting_names_the_variable_it_came_from():
    assert _settings_of({"netsuite_verify_path": "p", "netsuite_verify_vault": "x"}).problem[0] == (
        "netsuite_verify_vault must be a dictionary of connection options (url, token, ...), not a str")
    assert _settings_of({"tba_verify_path": "p", "tba_verify_vault": ["x"]}).problem[0] == (
        "tba_verify_vault must be a dictionary of connection options (url, token, ...), not a list")


def test_the_host_options_are_the_stored_checks():
    from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import (
        HOST_ARGSPEC,
        HOST_VARIABLES,
    )
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._check_tasks import CREDENTIAL_CHECK
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_check import STORED_CHECK_ARGSPEC
    for name, spec in STORED_CHECK_ARGSPEC.items():
        assert HOST_ARGSPEC[name] is spec and CREDENTIAL_CHECK.argument_spec[name] is spec
    assert HOST_ARGSPEC["vault"] is CREDENTIAL_CHECK.argument_spec["vault"]
    assert sorted(HOST_VARIABLES) == sorted("netsuite_verify_" + name for name in HOST_ARGSPEC)


def test_the_concurrency_limits_are_the_checkers(monkeypatch):
    from types import SimpleNamespace
    from ansible_collections.netsuite_ops.credentials.plugins.action import credential_fleet_check as action
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
    plugin = object.__new__(action.ActionModule)
    for name, value, most in (("concurrency", 0, 256), ("concurrency", 257, 256), ("per_account_concurrency", 300, 256),
                              ("processes", 0, 64), ("processes", 65, 64)):
        options = dict(concurrency=64, per_account_concurrency=2, processes=None)
        options[name] = value
        monkeypatch.setattr(plugin, "validate_argument_spec", lambda argument_spec, o=options: (None, o),
                            raising=False)
        plugin._task = SimpleNamespace(get_path=lambda: "verify.yml:1", args={})
        assert plugin._run({}, Scrubber(), set()) == dict(
            failed=True, msg="%s: must be a whole number from 1 to %d" % (name, most))


def test_the_playbook_variables_warn_when_both_names_differ():
    from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import _playbook_warnings
    assert _playbook_warnings({"netsuite_verify_concurrency": 64, "tba_verify_concurrency": 64,
                               "tba_verify_hosts": "sandboxes", "netsuite_verify_report_path": "r.json"}) == []
    assert _playbook_warnings({"netsuite_verify_concurrency": "32", "tba_verify_concurrency": 16}) == [
        "netsuite_verify_concurrency and tba_verify_concurrency (its former name) are both set, to different "
        "values: netsuite_verify_concurrency is used"]
