# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A report that cannot be written fails the check but keeps every account's result."""
from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import _write


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
