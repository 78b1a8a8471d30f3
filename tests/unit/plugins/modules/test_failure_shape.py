# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every failure of every module has one shape: msg, reason, hint and failure_code (issue 11),
so programs (the verify playbook, the role, CI) never parse msg."""
import secrets
import socket

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure
from ansible_collections.netsuite_ops.credentials.plugins.modules import credential_check, tba_credential


@pytest.fixture(scope="module")
def closed_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % sock.getsockname()[1]


def declared(closed_url, **changes):
    values = dict({name: secrets.token_hex(32) for name in ("consumer_key", "consumer_secret", "token_id", "token_secret")},
                  account_id="1234567_SB1", path="netsuite/x", netsuite_url=closed_url,
                  vault={"url": closed_url, "token": "hvs." + secrets.token_hex(20)})
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


CASES = [
    (tba_credential, {"token_secret": "zz"}, "input:invalid"),
    (tba_credential, {"netsuite_timeout": 0}, "input:invalid"),
    (tba_credential, {"environment": "moon"}, "input:invalid"),
    (tba_credential, {}, "vault:unreachable"),
    (tba_credential, {"vault": {"token": "hvs.x" * 4}}, "vault:config"),
    (credential_check, {"path": None, "vault": None}, "netsuite:CONNECTION_ERROR"),
    (credential_check, {"path": None, "vault": None, "consumer_key": "zz"}, "input:invalid"),
]


@pytest.mark.parametrize("module, changes, code", CASES,
                         ids=["bad secret", "zero timeout", "bad choice", "vault unreachable", "vault url unset",
                              "netsuite unreachable", "bad declared secret"])
def test_every_failure_has_reason_hint_and_code(module, changes, code, closed_url, run_module):
    args = declared(closed_url, **changes)
    if module is credential_check and "path" not in args:
        args.pop("path", None)
    result, _printed = run_module(module.main, args)
    assert result["failed"] is True
    assert result["failure_code"] == code, result
    assert result["reason"] and result["hint"]
    # msg is the reason, nothing more: bad input once repeated its hint ("Nothing was tested...") there.
    assert result["msg"] == result["reason"]
    # Said once: the hint is not repeated in msg or in connection.
    shown = str(result)
    assert shown.count(result["hint"]) == 1, shown


def test_the_message_is_the_reason_then_the_hint():
    failure = Failure("vault:sealed", "Vault at x is sealed.", "Unseal it")
    assert failure.message() == "Vault at x is sealed."
    assert failure.fields() == {"reason": "Vault at x is sealed.", "hint": "Unseal it", "failure_code": "vault:sealed"}
    assert Failure("internal:error", "boom").message() == "boom"
