# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The netsuite_account filter: the modules' account parser, with errors that name the variable."""
import secrets

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.netsuite_ops.credentials.plugins.filter.netsuite_account import (
    FilterModule,
    netsuite_account,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import parse_account_id


@pytest.mark.parametrize("given, realm, label, environment, environment_label", [
    ("1234567", "1234567", "1234567", "production", "production"),
    (1234567, "1234567", "1234567", "production", "production"),
    ("1234567-sb1", "1234567_SB1", "1234567-sb1", "sandbox", "sandbox"),
    ("1234567_rp", "1234567_RP", "1234567-rp", "release_preview", "Release Preview"),
    ("tstdrv7654321", "TSTDRV7654321", "tstdrv7654321", "test_drive", "test drive"),
    ("https://1234567-sb1.app.netsuite.com/app/center/card.nl?sc=-29", "1234567_SB1", "1234567-sb1", "sandbox",
     "sandbox"),
    ("1234567-SB1.suitetalk.api.netsuite.com:443", "1234567_SB1", "1234567-sb1", "sandbox", "sandbox"),
])
def test_accounts_as_the_modules_see_them(given, realm, label, environment, environment_label):
    account = netsuite_account(given)
    assert account == {
        "realm": realm, "host_label": label, "environment": environment,
        "environment_label": environment_label,
        "default_rest_url": "https://%s.suitetalk.api.netsuite.com" % label,
        "app_url": "https://%s.app.netsuite.com/" % label,
        "warnings": [],
    }
    # One source of truth: the same realm, host label and environment as the module_utils parser.
    parsed = parse_account_id(given)[0]
    assert (account["realm"], account["host_label"], account["environment"]) == (
        parsed.realm, parsed.host_label, parsed.environment)


def test_paste_debris_is_trimmed_with_a_warning_naming_the_variable():
    account = netsuite_account("\u200b 1234567_SB1 \n", name="tba_bootstrap_account_id")
    assert account["realm"] == "1234567_SB1"
    assert len(account["warnings"]) == 1 and account["warnings"][0].startswith("tba_bootstrap_account_id: removed")


@pytest.mark.parametrize("given", [
    secrets.token_hex(32), "https://evil.example/1234567", "7654321_SBX", "", None, "user:pw@1234567.app.netsuite.com",
    ["1234567"], "1234567_ſb1",
], ids=["a secret", "another host", "bad suffix", "empty", "none", "user info", "a list", "look-alike letter"])
def test_bad_input_names_the_variable_and_never_repeats_the_value(given):
    with pytest.raises(AnsibleFilterError) as raised:
        netsuite_account(given, name="tba_bootstrap_account_id")
    message = str(raised.value)
    assert message.startswith("tba_bootstrap_account_id: ")
    if isinstance(given, str) and len(given) > 3:
        assert given not in message and given.lower() not in message.lower()


@pytest.mark.parametrize("environment", [None, "", "sandbox"])
def test_a_matching_or_absent_environment_passes(environment):
    assert netsuite_account("1234567_SB1", environment=environment)["environment"] == "sandbox"


def test_another_environment_fails_naming_both_variables():
    with pytest.raises(AnsibleFilterError) as raised:
        netsuite_account("1234567_rp", environment="production", name="tba_bootstrap_account_id",
                         environment_name="tba_bootstrap_environment")
    assert str(raised.value) == (
        "tba_bootstrap_account_id 1234567_RP is a Release Preview account, not production: "
        "fix tba_bootstrap_account_id or tba_bootstrap_environment.")


def test_an_unknown_environment_fails_naming_its_variable():
    with pytest.raises(AnsibleFilterError) as raised:
        netsuite_account("1234567", environment="staging", environment_name="tba_bootstrap_environment")
    assert str(raised.value).startswith("tba_bootstrap_environment: must be one of production, sandbox")
    assert "staging" not in str(raised.value)


def test_registered_as_a_filter():
    assert FilterModule().filters()["netsuite_account"] is netsuite_account
