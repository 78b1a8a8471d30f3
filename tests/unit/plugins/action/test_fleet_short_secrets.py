# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet action with a secret too short to hide (issue 15, reproduction 6): controller code,
so it runs with the controller's unit tests."""
import json
import secrets

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_check import (
    FleetChecker,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_report import (
    report_json,
    summary_lines,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber


def approle(url, role_id):
    return {"url": url, "auth_method": "approle", "role_id": role_id, "secret_id": secrets.token_hex(18),
            "retries": 0}


def test_a_short_role_id_keeps_the_rows_shape(openbao, monkeypatch):
    """Repro 6 (fleet): a one-character role_id never turns 'host' into 'ho********t'."""
    from ansible.module_utils import _internal

    # What this test loads marks the process as the controller, so in-process modules of later
    # tests would send their warnings to the display instead of their results: restored after.
    monkeypatch.setattr(_internal, "is_controller", _internal.is_controller)
    from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import _host_settings

    scrubber, short = Scrubber(), set()
    hostvars = {"host1": {"tba_verify_path": "bounds/short", "tba_verify_vault": approle(openbao.url, "s")}}
    settings = _host_settings("host1", hostvars, scrubber, None, short)
    rows = FleetChecker(scrubber=scrubber, short_secrets=short).check([settings])
    row = rows[0]
    assert row["host"] == "host1" and row["failure_code"].startswith("vault:"), row
    assert "********" not in json.dumps(rows)
    assert any(w.startswith("tba_verify_vault.role_id is shorter than 8 characters") for w in row["warnings"])
    assert summary_lines(rows)[-1] == "FAILED (1 of 1): host1"
    assert json.loads(report_json(rows))["failed"] == ["host1"]
