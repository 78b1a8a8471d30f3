# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Ansible adapter: a module built after the pre-checks, a task's end as a returned result,
every error a clean failure."""
import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import CredentialInputError
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_context import TaskContext
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import (
    Finished,
    fail_input,
    finish,
    leave,
    new_module,
    run_guarded,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import VaultConnectionError

SECRET = "Zq8" + "x" * 40
SPEC = dict(netsuite_url=dict(type="str"), token_secret=dict(type="str", no_log=True),
            netsuite_timeout=dict(type="int"))


class _Module:
    """Records what the constructor was given; AnsibleModule's interface otherwise."""

    check_mode = False
    _diff = False

    def __init__(self, argument_spec, **rules):
        self.argument_spec, self.rules = argument_spec, rules
        self.params = {}
        self.no_log_values = set()
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)

    def exit_json(self, **result):
        return ("exit", result)

    def fail_json(self, msg, **result):
        return ("fail", dict(result, msg=msg))


def test_new_module_builds_with_the_spec_when_nothing_is_refused():
    module, problems = new_module(SPEC, module_class=_Module, params={"netsuite_timeout": 5}, required_if=[])
    assert problems == [] and module.argument_spec is SPEC and module.rules == {"required_if": []}


def test_new_module_hands_refused_options_over_masked_and_keeps_only_url_secrets():
    url = "https://admin:%s@acme.example.com" % SECRET

    class Masking(_Module):
        def __init__(self, argument_spec, **rules):
            super().__init__(argument_spec, **rules)
            self.no_log_values.add(url)  # what ansible-core does for the raw no_log option

    module, problems = new_module(SPEC, module_class=Masking, params={"netsuite_url": url, "netsuite_timeout": "x"})
    assert problems == ["netsuite_timeout: must be a whole number",
                        "netsuite_url: must not contain user information (user:password@)"]
    assert module.argument_spec["netsuite_url"] == dict(type="raw", no_log=True)
    assert url not in module.no_log_values and SECRET in module.no_log_values


def _context(**params):
    module = _Module(SPEC)
    module.params = dict(dict(netsuite_url=None, token_secret=None, netsuite_timeout=None), **params)
    return TaskContext(module)


def test_finish_ends_the_vault_session_and_returns_the_scrubbed_result():
    ctx = _context()
    ended = []
    ctx.end = lambda: ended.append(True)
    ctx.hide([SECRET])
    finished = finish(ctx, msg="server echoed %s" % SECRET, changed=True)
    assert isinstance(finished, Finished) and finished.failed is False and ended == [True]
    assert finished.result["changed"] is True and SECRET not in finished.result["msg"]
    assert leave(ctx.module, finished) == ("exit", finished.result)


def test_a_short_secret_puts_a_masked_invocation_in_the_result():
    ctx = _context(token_secret="abc")
    ctx.hide(["abc"])
    finished = finish(ctx, changed=False, msg="done")
    assert finished.result["invocation"]["module_args"]["token_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert finished.result["changed"] is False


def test_fail_input_is_the_input_failure_shape():
    finished = fail_input(_context(), "netsuite_timeout: must be a whole number")
    kind, result = leave(_context().module, finished)
    assert kind == "fail" and finished.failed is True
    assert result["msg"].startswith("Invalid input: netsuite_timeout: must be a whole number")
    assert result["failure_code"] == "input:invalid" and result["changed"] is False


@pytest.mark.parametrize("error, code", [
    (CredentialInputError(["token_secret: is too short"]), "input:invalid"),
    (VaultConnectionError("unreachable", "Vault at http://127.0.0.1:9 is unreachable", "Start it."), None),
    (RuntimeError("boom"), "internal:error"),
])
def test_run_guarded_turns_every_error_into_a_failure(error, code):
    def body(_ctx):
        raise error

    finished = run_guarded(_context(), body)
    assert finished.failed is True and "msg" in finished.result
    if code:
        assert finished.result["failure_code"] == code


def test_run_guarded_returns_what_the_body_finished_with():
    def body(ctx):
        return finish(ctx, changed=False, msg="fine")

    assert run_guarded(_context(), body).result == {"changed": False, "msg": "fine"}


def test_a_body_that_returns_no_result_is_a_failure_not_a_silent_success():
    finished = run_guarded(_context(), lambda ctx: None)
    assert finished.failed is True and finished.result["failure_code"] == "internal:error"
