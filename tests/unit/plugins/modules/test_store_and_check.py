# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The modules end to end, in-process: tba_credential stores, re-runs unchanged, honours check
mode and removes; credential_check checks what was stored. Against a real OpenBao dev server
and the NetSuite emulator; what Vault holds is read back with the root token, NetSuite requests
are counted by the emulator, and no secret appears in anything the module printed."""
import itertools

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.modules import credential_check, tba_credential
from support.accounts import SECRET_FIELDS, fake_account, stored_values

_paths = itertools.count(1)


@pytest.fixture
def account(emulator):
    values = fake_account()
    emulator.add_account(values)
    return values


@pytest.fixture
def path():
    return "modules/%d/tba" % next(_paths)


def store_args(account, path, openbao, emulator, **changes):
    args = dict({name: account[name] for name in SECRET_FIELDS}, account_id=account["account_id"], path=path,
                netsuite_url=emulator.url, vault={"url": openbao.url, "token": openbao.root_token})
    args.update(changes)
    return args


def assert_no_secret(printed, account, openbao):
    for value in [account[name] for name in SECRET_FIELDS] + [openbao.root_token]:
        assert value not in printed


def stored_data(openbao, path):
    answer = openbao.kv2_read_raw("secret", path)
    return None if answer is None else answer["data"]["data"]


def test_store_then_rerun_unchanged(account, path, openbao, emulator, run_module):
    realm = account["account_id"]
    result, printed = run_module(tba_credential.main, store_args(account, path, openbao, emulator))
    assert result["changed"] is True and not result.get("failed"), result
    assert result["connection"]["ok"] is True
    assert result["vault"]["version"] == 1 and result["vault"]["previous_version"] is None
    assert stored_data(openbao, path) == stored_values(account)
    assert len(emulator.requests(realm)) == 1
    assert_no_secret(printed, account, openbao)

    again, printed = run_module(tba_credential.main, store_args(account, path, openbao, emulator))
    assert again["changed"] is False and not again.get("failed"), again
    assert again["vault"]["version"] == 1
    assert openbao.kv2_metadata_raw("secret", path)["data"]["current_version"] == 1
    assert len(emulator.requests(realm)) == 2  # the test runs on unchanged paths too
    assert_no_secret(printed, account, openbao)


def test_check_mode_reports_the_write_and_writes_nothing(account, path, openbao, emulator, run_module):
    result, printed = run_module(tba_credential.main,
                                 store_args(account, path, openbao, emulator, _ansible_check_mode=True))
    assert result["changed"] is True and not result.get("failed"), result
    assert stored_data(openbao, path) is None
    assert_no_secret(printed, account, openbao)


def test_credentials_netsuite_refuses_are_not_stored(path, openbao, emulator, run_module):
    account = fake_account(revoked=True)
    emulator.add_account(account)
    result, printed = run_module(tba_credential.main, store_args(account, path, openbao, emulator))
    assert result["failed"] is True and result["changed"] is False, result
    assert result["failure_code"].startswith("netsuite:"), result["failure_code"]
    assert stored_data(openbao, path) is None
    assert_no_secret(printed, account, openbao)


def test_connection_test_checks_what_was_stored(account, path, openbao, emulator, run_module):
    run_module(tba_credential.main, store_args(account, path, openbao, emulator))
    before = len(emulator.requests(account["account_id"]))
    result, printed = run_module(credential_check.main, {
        "path": path, "netsuite_url": emulator.url, "vault": {"url": openbao.url, "token": openbao.root_token}})
    assert result["ok"] is True and result["changed"] is False and not result.get("failed"), result
    assert result["vault"]["version"] == 1 and result["account"]["realm"] == account["account_id"]
    assert len(emulator.requests(account["account_id"])) == before + 1
    assert_no_secret(printed, account, openbao)


def test_connection_test_on_an_empty_path_fails_as_missing(path, openbao, emulator, run_module):
    result, printed = run_module(credential_check.main, {
        "path": path, "netsuite_url": emulator.url, "vault": {"url": openbao.url, "token": openbao.root_token}})
    assert result["ok"] is False and result.get("failed") is True, result
    assert result["failure_code"] == "stored:missing"
    assert openbao.root_token not in printed


def test_absent_removes_every_version(account, path, openbao, emulator, run_module):
    run_module(tba_credential.main, store_args(account, path, openbao, emulator))
    vault = {"url": openbao.url, "token": openbao.root_token}
    result, printed = run_module(tba_credential.main, {"state": "absent", "path": path, "vault": vault})
    assert result["changed"] is True and not result.get("failed"), result
    assert openbao.kv2_metadata_raw("secret", path) is None
    again, printed = run_module(tba_credential.main, {"state": "absent", "path": path, "vault": vault})
    assert again["changed"] is False and not again.get("failed"), again
