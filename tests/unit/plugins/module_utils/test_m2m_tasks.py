# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The M2M task bodies (_m2m_tasks: m2m_credential and m2m_key_pair) through the controller entry
point, against a real OpenBao and the NetSuite emulator: store, re-run unchanged, a pending pair
made then promoted with use_pending_key, rotation, state absent taking the pending pair along,
and check mode writing nothing. What Vault holds is read with the root token, never through the
code under test."""
import json
import uuid

import pytest

# The definitions under test, in one place (a rename changes only these lines).
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_tasks import (
    M2M_CREDENTIAL,
    M2M_KEY_PAIR,
)
from ansible_collections.netsuite_ops.credentials.plugins.plugin_utils._controller_module import run_in_controller
from support.m2m_accounts import certificate_id, make_m2m_account


def run(definition, args, check_mode=False):
    return run_in_controller(definition, args, check_mode=check_mode, diff=False, inject_invocation=False)


@pytest.fixture
def path():
    return "m2m/%s" % uuid.uuid4().hex[:12]


@pytest.fixture
def account(emulator):
    """An M2M account the emulator knows (EC P-256: quick to make)."""
    made = make_m2m_account(key_type="ec-p256")
    emulator.add_account(made.emulator_account())
    return made


@pytest.fixture
def base(openbao, emulator, path):
    """Options every task here shares: Vault as root, NetSuite at the emulator."""
    return {"path": path, "netsuite_url": emulator.url, "vault": {"url": openbao.url, "token": openbao.root_token}}


def stored(openbao, path):
    """What Vault holds at path (data and version), read as root; None when nothing."""
    answer = openbao.kv2_read_raw("secret", path)
    if answer is None or not answer.get("data", {}).get("data"):
        return None
    return answer["data"]["data"], answer["data"]["metadata"]["version"]


def assert_unseen(result, *secrets):
    shown = json.dumps(result)
    for secret in secrets:
        assert secret and secret not in shown


def declared(account, base):
    return dict(base, **account.module_values())


def key_pair(account, base, **options):
    return dict({"account_id": account.account_id, "key_type": "ec-p256", "path": base["path"],
                 "vault": base["vault"]}, **options)


def test_store_then_an_unchanged_rerun(openbao, account, base, path):
    first = run(M2M_CREDENTIAL, declared(account, base))
    assert not first.get("failed"), first
    assert first["changed"] is True and first["connection"]["ok"] is True
    data, version = stored(openbao, path)
    assert version == 1
    assert {key: data[key] for key in ("client_id", "certificate_id", "private_key")} == {
        "client_id": account.client_id, "certificate_id": account.certificate_id,
        "private_key": account.private_key_pem}
    assert_unseen(first, account.client_id, account.private_key_pem)

    again = run(M2M_CREDENTIAL, declared(account, base))
    assert not again.get("failed"), again
    assert again["changed"] is False
    assert stored(openbao, path)[1] == 1


def test_a_pending_pair_is_made_then_promoted(openbao, emulator, base, path):
    made = make_m2m_account(key_type="ec-p256")
    pending_path = path + "/pending"
    generated = run(M2M_KEY_PAIR, key_pair(made, base))
    assert not generated.get("failed"), generated
    assert generated["changed"] is True and generated["generated"] is True
    pending, _version = stored(openbao, pending_path)
    assert pending["certificate"] == generated["certificate"]["pem"]
    assert_unseen(generated, pending["private_key"])
    assert stored(openbao, path) is None

    # The operator uploads the certificate and learns its ID; then use_pending_key stores the set.
    uploaded = certificate_id()
    emulator.add_account(dict(made.emulator_account(), m2m={
        "client_id": made.client_id, "certificates": {uploaded: pending["certificate"]},
        "scopes": ["rest_webservices"], "revoked_certificates": []}))
    promoted = run(M2M_CREDENTIAL, dict(base, account_id=made.account_id, client_id=made.client_id,
                                        certificate_id=uploaded, use_pending_key=True))
    assert not promoted.get("failed"), promoted
    assert promoted["changed"] is True and promoted["connection"]["ok"] is True
    data, _version = stored(openbao, path)
    assert (data["private_key"], data["certificate_id"]) == (pending["private_key"], uploaded)
    assert openbao.kv2_metadata_raw("secret", pending_path) is None  # the pending copy is gone
    assert_unseen(promoted, pending["private_key"], made.client_id)

    # A re-run of the same task finds the pair stored already.
    again = run(M2M_CREDENTIAL, dict(base, account_id=made.account_id, client_id=made.client_id,
                                     certificate_id=uploaded, use_pending_key=True))
    assert not again.get("failed"), again
    assert again["changed"] is False


def test_key_pair_without_rotate_leaves_stored_credentials_alone(openbao, account, base, path):
    assert not run(M2M_CREDENTIAL, declared(account, base)).get("failed")
    result = run(M2M_KEY_PAIR, key_pair(account, base))
    assert not result.get("failed"), result
    assert result["changed"] is False and result["generated"] is False
    assert "rotate: true" in result["msg"]
    assert openbao.kv2_metadata_raw("secret", path + "/pending") is None


def test_rotate_keeps_the_client_id_and_replaces_the_key(openbao, emulator, account, base, path):
    assert not run(M2M_CREDENTIAL, declared(account, base)).get("failed")
    rotated = run(M2M_KEY_PAIR, key_pair(account, base, rotate=True))
    assert not rotated.get("failed"), rotated
    assert rotated["generated"] is True
    pending, _version = stored(openbao, path + "/pending")
    new_id = certificate_id()
    emulator.add_certificate(account.account_id, new_id, pending["certificate"])

    # client_id omitted: a rotation takes it from the stored set.
    result = run(M2M_CREDENTIAL, dict(base, account_id=account.account_id, certificate_id=new_id,
                                      use_pending_key=True))
    assert not result.get("failed"), result
    data, version = stored(openbao, path)
    assert version == 2
    assert (data["client_id"], data["certificate_id"], data["private_key"]) == (
        account.client_id, new_id, pending["private_key"])
    assert data["private_key"] != account.private_key_pem
    assert openbao.kv2_metadata_raw("secret", path + "/pending") is None


def test_state_absent_removes_the_pending_pair_too(openbao, account, base, path):
    assert not run(M2M_CREDENTIAL, declared(account, base)).get("failed")
    assert run(M2M_KEY_PAIR, key_pair(account, base, rotate=True))["generated"] is True
    result = run(M2M_CREDENTIAL, dict(base, state="absent"))
    assert not result.get("failed"), result
    assert result["changed"] is True and "removed the pending key pair" in result["msg"]
    assert openbao.kv2_metadata_raw("secret", path) is None
    assert openbao.kv2_metadata_raw("secret", path + "/pending") is None


def test_check_mode_writes_nothing(openbao, emulator, account, base, path):
    would_store = run(M2M_CREDENTIAL, declared(account, base), check_mode=True)
    assert not would_store.get("failed"), would_store
    assert would_store["changed"] is True
    assert openbao.kv2_metadata_raw("secret", path) is None

    would_generate = run(M2M_KEY_PAIR, key_pair(account, base), check_mode=True)
    assert not would_generate.get("failed"), would_generate
    assert would_generate["changed"] is True and "check mode" in would_generate["msg"]
    assert openbao.kv2_metadata_raw("secret", path + "/pending") is None

    # With a stored set and a pending pair: check-mode removal keeps both.
    assert not run(M2M_CREDENTIAL, declared(account, base)).get("failed")
    assert run(M2M_KEY_PAIR, key_pair(account, base, rotate=True))["generated"] is True
    would_remove = run(M2M_CREDENTIAL, dict(base, state="absent"), check_mode=True)
    assert not would_remove.get("failed"), would_remove
    assert would_remove["changed"] is True and "would remove the pending key pair" in would_remove["msg"]
    assert stored(openbao, path) is not None and stored(openbao, path + "/pending") is not None
