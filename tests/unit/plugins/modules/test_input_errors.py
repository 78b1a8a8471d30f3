# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input reaches the user as one clean line naming the field, with no value echoed; nothing
is contacted (the Vault and NetSuite URLs point at a closed port)."""
import socket

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.modules import credential_check, tba_credential
from support.accounts import module_args


@pytest.fixture(scope="module")
def closed_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % sock.getsockname()[1]


@pytest.fixture
def values(closed_url):
    return module_args(closed_url)


def secrets_of(values):
    found = [values[name] for name in ("consumer_key", "consumer_secret", "token_id", "token_secret")]
    vault = values.get("vault")
    if isinstance(vault, dict):
        found.append(vault.get("token"))
    return [value for value in found if value]


@pytest.mark.parametrize("change, expected", [
    ({"vault": "http://127.0.0.1:8200"}, "vault must be a dictionary of connection options"),
    ({"vault": ["hvs." + "t" * 24]}, "vault must be a dictionary of connection options"),
    ({"vault_timeout": -5}, "vault.timeout must be a whole number of seconds, at least 1"),
    ({"vault_timeout": 0}, "vault.timeout must be a whole number of seconds, at least 1"),
    ({"vault_token_suffix": "é"}, "vault.token must be printable ASCII"),
    ({"vault_url": "http://admin:%s@127.0.0.1:8200" % ("p" * 24)}, "vault.url: must not contain user information"),
    ({"vault_url": "http://%s@127.0.0.1:8200" % ("t" * 24)}, "vault.url: must not contain user information"),
    ({"engine_mount_point": "sys"}, "engine_mount_point: starts with one of Vault's own API paths"),
    ({"engine_mount_point": "../sys"}, "engine_mount_point: must not contain empty"),
    ({"engine_mount_point": "secret/../sys"}, "engine_mount_point: must not contain empty"),
    ({"path": "/secret/x"}, "path: must not start with '/'"),
    ({"path": "secret/x"}, "path: starts with 'secret/'"),
    ({"path": "x//y"}, "path: must not contain empty ('//')"),
])
@pytest.mark.parametrize("module", [tba_credential, credential_check], ids=["tba_credential", "credential_check"])
def test_bad_vault_input_names_the_field(module, change, expected, values, run_module):
    args = dict(values)
    vault = dict(args["vault"])
    if "vault_timeout" in change:
        vault["timeout"] = change["vault_timeout"]
    if "vault_token_suffix" in change:
        vault["token"] += change["vault_token_suffix"]
    if "vault_url" in change:
        vault["url"] = change["vault_url"]
    args["vault"] = change.get("vault", vault)
    for name in ("engine_mount_point", "path"):
        if name in change:
            args[name] = change[name]
    if module is credential_check:
        for name in ("account_id", "consumer_key", "consumer_secret", "token_id", "token_secret"):
            args.pop(name)
    result, printed = run_module(module.main, args)
    assert result["failed"] is True
    assert expected in result["msg"], result["msg"]
    assert "Unexpected" not in result["msg"] and "Traceback" not in printed
    for value in secrets_of(values) + ["p" * 24, "t" * 24]:
        assert value not in printed
    assert "position" not in result["msg"]
