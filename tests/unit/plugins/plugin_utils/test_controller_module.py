# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The controller-side path: when it may run, and that it validates, masks and scrubs exactly as
the module does (the same inputs give the same result on both paths)."""
import json
import socket
import sys

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._check_tasks import CREDENTIAL_CHECK
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import TaskDefinition
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_tasks import TBA_CREDENTIAL
from ansible_collections.netsuite_ops.credentials.plugins.modules import credential_check, tba_credential
from ansible_collections.netsuite_ops.credentials.plugins.plugin_utils._controller_module import (
    EXECUTION_ENV_VAR,
    controller_can_run,
    run_in_controller,
)
from support.accounts import module_args


@pytest.fixture(autouse=True)
def automatic(monkeypatch):
    monkeypatch.delenv(EXECUTION_ENV_VAR, raising=False)
    for name in ("VAULT_ADDR", "VAULT_TOKEN", "BAO_ADDR", "BAO_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def closed_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % sock.getsockname()[1]


def decide(**overrides):
    settings = dict(connection_name="ansible.builtin.local", become=False, environment=[], async_val=0,
                    interpreter=sys.executable)
    settings.update(overrides)
    return controller_can_run(**settings)


@pytest.mark.parametrize("overrides, runs_here, reason", [
    ({}, True, "runs on the controller"),
    ({"connection_name": "local"}, True, "runs on the controller"),
    ({"interpreter": None}, True, "runs on the controller"),
    ({"interpreter": "auto_silent"}, True, "runs on the controller"),
    ({"environment": [{}]}, True, "runs on the controller"),
    ({"environment": [{}, {}]}, True, "runs on the controller"),
    ({"connection_name": "ansible.builtin.ssh"}, False, "runs on another host"),
    ({"become": True}, False, "become"),
    ({"environment": [{"VAULT_ADDR": "x"}]}, False, "environment"),
    ({"environment": [{}, "{{ task_env }}"]}, False, "environment"),
    ({"async_val": 30}, False, "asynchronous"),
    ({"interpreter": "/usr/bin/python-elsewhere"}, False, "another Python"),
])
def test_where_a_task_runs(overrides, runs_here, reason):
    decided, why = decide(**overrides)
    assert decided is runs_here and reason in why


def test_the_environment_variable_forces_either_path(monkeypatch):
    monkeypatch.setenv(EXECUTION_ENV_VAR, "module")
    assert decide()[0] is False
    monkeypatch.setenv(EXECUTION_ENV_VAR, "controller")
    assert decide(connection_name="ansible.builtin.ssh")[0] is True


@pytest.mark.parametrize("overrides", [{"async_val": 30}, {"become": True}, {"environment": [{"VAULT_ADDR": "x"}]}])
def test_forcing_the_controller_never_drops_async_become_or_environment(overrides, monkeypatch):
    monkeypatch.setenv(EXECUTION_ENV_VAR, "controller")
    assert decide(**overrides)[0] is False


def test_missing_libraries_fall_back_to_the_module(monkeypatch):
    monkeypatch.setitem(sys.modules, "hvac", None)
    decided, why = decide()
    assert decided is False and why == "the controller's Python lacks hvac"


def values(closed_url):
    return module_args(closed_url)


def secret_values(args):
    return [args[name] for name in ("consumer_key", "consumer_secret", "token_id", "token_secret") if name in args] + [
        args["vault"]["token"]]


def _warning_text(item):
    return item.get("event", {}).get("msg", item) if isinstance(item, dict) else item


CASES = {
    "unreachable Vault": {},
    "a bad secret": {"token_secret": "zz"},
    "an unknown option": {"bogus": 1},
    "a secret pasted as environment": {"environment": "TOKEN_SECRET"},
    "a missing secret": {"consumer_key": None},
    "state absent, check mode": {"state": "absent"},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_both_paths_give_the_same_result(case, closed_url, run_module):
    args = values(closed_url)
    # No retries: their warnings name a random (jittered) pause, which differs between two runs.
    args["vault"] = dict(args["vault"], retries=0)
    args.update(CASES[case])
    if args.get("environment") == "TOKEN_SECRET":
        args["environment"] = args["token_secret"]
    args = {key: value for key, value in args.items() if value is not None}
    module_result, printed = run_module(tba_credential.main, dict(
        args, _ansible_check_mode=True, _ansible_module_name="netsuite_ops.credentials.tba_credential"))
    controller_result = run_in_controller(TBA_CREDENTIAL, args, check_mode=True, diff=False, inject_invocation=False)
    module_result.pop("invocation", None)
    if "warnings" in module_result:
        # ansible-core 2.19+ prints a module's warnings as structured events.
        module_result["warnings"] = [_warning_text(item) for item in module_result["warnings"]]
    assert controller_result == module_result
    shown = json.dumps(controller_result) + printed
    for secret in secret_values(args):
        assert secret not in shown and secret[:16] not in shown


def test_invocation_is_masked_and_server_words_scrubbed(closed_url):
    args = values(closed_url)
    result = run_in_controller(TBA_CREDENTIAL, args, check_mode=False, diff=False, inject_invocation=True)
    assert result["failed"] is True and result["vault_error"] == "unreachable"
    invocation = result["invocation"]["module_args"]
    assert invocation["consumer_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert invocation["vault"]["token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    for secret in secret_values(args):
        assert secret not in json.dumps(result)


def test_an_unexpected_error_is_a_clean_failure_without_the_secrets(closed_url):
    args = values(closed_url)

    def broken(ctx):
        raise RuntimeError("boom with %s and %s" % (ctx.params["consumer_key"], ctx.params["vault"]["token"]))

    definition = TaskDefinition(name="broken", argument_spec=TBA_CREDENTIAL.argument_spec, body=broken)
    result = run_in_controller(definition, args, check_mode=False, diff=False, inject_invocation=False)
    # The exception's text held secrets: it is withheld whole, never partly shown.
    assert result["failed"] is True and "(withheld: this text contained a secret)" in result["msg"]
    for secret in secret_values(args):
        assert secret not in result["msg"]


def test_connection_test_declared_values_on_both_paths(closed_url, run_module):
    args = values(closed_url)
    del args["path"], args["vault"]
    module_result, _printed = run_module(credential_check.main, args)
    controller_result = run_in_controller(CREDENTIAL_CHECK, args, check_mode=False, diff=False,
                                          inject_invocation=False)
    module_result.pop("invocation", None)
    for result in (module_result, controller_result):
        result["connection"].pop("elapsed_ms")
        result["connection"].pop("detail")  # the refused port's errno text may differ in wording
    assert controller_result == module_result
    assert controller_result["connection"]["error_code"] == "CONNECTION_ERROR"


def test_a_private_key_pasted_into_the_certificate_option_is_refused_unseen():
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_keygen import (
        generate_key_and_certificate,
    )
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_tasks import M2M_CREDENTIAL
    key, certificate = generate_key_and_certificate(key_type="ec-p256", common_name="swap 1234567")
    args = {"account_id": "1234567", "client_id": "ab" * 32, "certificate_id": "cert-" + "x" * 30,
            "private_key": certificate, "certificate": key, "path": "netsuite/swap",
            "vault": {"url": "http://127.0.0.1:9", "token": "hvs." + "t" * 40}}
    result = run_in_controller(M2M_CREDENTIAL, args, check_mode=False, diff=False, inject_invocation=True)
    shown = json.dumps(result)
    body = "".join(line for line in key.splitlines() if "-----" not in line)
    assert result["failed"] and result["failure_code"] == "input:invalid"
    assert "certificate: holds a private key" in result["msg"]
    assert not any(body[i:i + 32] in shown for i in range(len(body) - 31))
