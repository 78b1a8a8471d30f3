# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Values the network layer, the certificate builder or Vault's metadata limits would refuse are
refused offline, naming the option and the rule, never echoing the value. Vault listens on a
closed port: a task that tried to reach it would fail as vault:unreachable instead."""
import json
import socket

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.modules import (
    m2m_credential,
    m2m_key_pair,
    credential_check,
    tba_credential,
)
from support.accounts import module_args, vault_token

SECRET = "S3cretUnderAMisspelledKey-4f9b2c7d"


@pytest.fixture(scope="module")
def closed_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % sock.getsockname()[1]


def _vault(closed_url, **extra):
    return dict({"url": closed_url, "token": vault_token()}, **extra)


def _refused(run_module, module, args, field, rule, hidden=()):
    result, printed = run_module(module.main, dict(args, _ansible_inject_invocation=True))
    assert result["failed"] is True and result["failure_code"] == "input:invalid", result["msg"]
    assert field in result["msg"] and rule in result["msg"], result["msg"]
    assert "Unexpected" not in printed and "Traceback" not in printed
    for value in hidden:
        assert value not in printed
    return result


KEY_PAIR_CASES = [
    ({"integration_name": "n" * 60}, "integration_name", "at most 52 characters"),
    ({"integration_name": "CI\tintegration"}, "integration_name", "no tabs or line breaks"),
    ({"organization": "o" * 65}, "organization", "of 1 to 64 characters"),
    ({"organization": "Example\nCorp"}, "organization", "no tabs or line breaks"),
]


@pytest.mark.parametrize("change, field, rule", KEY_PAIR_CASES, ids=[case[1] + str(i) for i, case in enumerate(KEY_PAIR_CASES)])
def test_m2m_key_pair_checks_the_certificate_subject_offline(change, field, rule, closed_url, run_module):
    args = dict({"account_id": "1234567_SB1", "path": "netsuite/x", "vault": _vault(closed_url)}, **change)
    result = _refused(run_module, m2m_key_pair, args, field, rule)
    # Not secret (the invocation may show it), but never quoted in the message.
    assert list(change.values())[0] not in result["msg"] and "common_name" not in result["msg"]


def test_m2m_credential_bounds_integration_name_before_any_write(closed_url, run_module):
    args = {"account_id": "1234567_SB1", "certificate_id": "c" * 43, "path": "netsuite/x",
            "integration_name": "\u00e9" * 300, "vault": _vault(closed_url)}
    _refused(run_module, m2m_credential, args, "integration_name", "at most 512 bytes", hidden=["\u00e9" * 300])


@pytest.mark.parametrize("module", [tba_credential, credential_check], ids=["tba_credential", "credential_check"])
@pytest.mark.parametrize("where", ["netsuite_timeout", "vault.timeout"])
def test_a_timeout_of_ten_to_the_tenth_is_refused_by_its_documented_bound(module, where, closed_url, run_module):
    args = module_args(closed_url)
    if module is credential_check:
        for name in ("account_id", "consumer_key", "consumer_secret", "token_id", "token_secret"):
            args.pop(name)
    if where == "netsuite_timeout":
        args["netsuite_timeout"] = 10 ** 10
        result, printed = run_module(module.main, args)
        assert result["failure_code"] == "input:invalid"
    else:
        args["vault"] = dict(args["vault"], timeout=10 ** 10)
        result, printed = run_module(module.main, args)
        assert result["failure_code"] == "vault:config"
    assert where in result["msg"] and "at most 3600" in result["msg"] and "10000000000" not in printed


def test_a_non_ascii_namespace_is_refused_offline(closed_url, run_module):
    args = module_args(closed_url)
    args["vault"] = dict(args["vault"], namespace="ops\u2013team")
    result, printed = run_module(tba_credential.main, args)
    assert result["failure_code"] == "vault:config" and "vault.namespace" in result["msg"]
    assert "only ASCII" in result["msg"] and "ops\u2013team" not in printed and "\\u2013" not in printed


@pytest.mark.parametrize("misspelled, meant", [("secretid", "secret_id"), ("tokn", "token"), ("pasword", "password")])
def test_a_secret_under_a_misspelled_vault_key_is_refused_and_masked(misspelled, meant, closed_url, run_module):
    args = module_args(closed_url)
    args["vault"] = dict(args["vault"], **{misspelled: SECRET})
    result = _refused(run_module, tba_credential, args, "vault.%s" % misspelled, "did you mean vault.%s?" % meant,
                      hidden=[SECRET])
    assert "invocation" in result  # the masked invocation is what -vvvv shows


@pytest.mark.parametrize("text", [
    lambda vault: json.dumps(dict(vault, validate_certs=SECRET)),
    lambda vault: "url=%s token=%s validate_certs=%s" % (vault["url"], vault["token"], SECRET),
], ids=["json", "key=value"])
def test_vault_as_text_gets_the_same_pre_checks(text, closed_url, run_module):
    """ansible-core turns the text into a dict, then quotes the value it refuses."""
    args = module_args(closed_url)
    args["vault"] = text(args["vault"])
    _refused(run_module, tba_credential, args, "vault.validate_certs", "must be true or false",
             hidden=[SECRET, "is not a valid boolean"])


def test_vault_as_json_text_with_a_misspelled_key(closed_url, run_module):
    args = module_args(closed_url)
    args["vault"] = json.dumps(dict(args["vault"], secretid=SECRET))
    _refused(run_module, tba_credential, args, "vault.secretid", "did you mean vault.secret_id?", hidden=[SECRET])
