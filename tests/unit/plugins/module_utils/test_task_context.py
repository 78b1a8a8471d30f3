# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One task's explicit state: what it registers as secret, what it shows intact, its Vault login."""
from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _task_context
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_context import TaskContext

SECRET = "s3cr3t-" + "k" * 40


class _Module:
    """AnsibleModule's interface, as much as a task uses."""

    check_mode = False
    _diff = True

    def __init__(self, params=None, argument_spec=None):
        self.params = dict(dict(vault={"url": "http://127.0.0.1:9"}, engine_mount_point="secret", path="netsuite/acme"),
                           **(params or {}))
        self.argument_spec = argument_spec or {}
        self.no_log_values = set()
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


def test_hide_registers_values_as_text_and_skips_empty_ones():
    ctx = TaskContext(_Module())
    ctx.hide(["a" * 64, 1234567890123, None, "", 0])
    # Masking compares strings: a number read from a malformed stored secret must be text too.
    assert ctx.module.no_log_values == {"a" * 64, "1234567890123", "0"}


def test_the_module_s_state_is_read_through_the_context():
    module = _Module(params={"path": "x"})
    ctx = TaskContext(module)
    assert ctx.params is module.params and ctx.check_mode is False and ctx.diff is True
    assert not [name for name in vars(module) if name.startswith("_nso")]


def test_scrubbed_hides_a_secret_in_other_forms_too():
    ctx = TaskContext(_Module())
    ctx.hide([SECRET])
    shown = ctx.scrubbed({"msg": "server said %s and %s" % (SECRET, SECRET.replace("-", "%2D")),
                          "nested": [SECRET[:20]]})
    assert SECRET not in str(shown) and SECRET[:20] not in str(shown)
    assert shown["msg"] == "(withheld: this text contained a secret)"


def test_published_text_stays_intact_though_it_shares_runs_with_a_secret():
    body = "MIIB" + "q" * 60
    key = "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n" % body
    certificate = "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % body
    ctx = TaskContext(_Module())
    ctx.hide([key])
    assert body not in str(ctx.scrubbed({"pem": certificate}))
    ctx.publish([certificate, None, ""])
    assert ctx.scrubbed({"pem": certificate}) == {"pem": certificate}


def test_warnings_are_scrubbed():
    ctx = TaskContext(_Module())
    ctx.hide([SECRET])
    ctx.warn(["retrying after %s" % SECRET])
    assert len(ctx.module.warnings) == 1 and SECRET not in ctx.module.warnings[0]


def test_a_short_secret_is_masked_as_a_whole_value_only_and_named_in_a_warning():
    spec = {"token_secret": {"type": "str", "no_log": True}}
    ctx = TaskContext(_Module(params={"token_secret": "change"}, argument_spec=spec))
    ctx.hide(["change"])
    assert ctx.release_short_secrets() == {"change"}
    # Out of Ansible's substring masking: the key "changed" keeps its name.
    assert "change" not in ctx.module.no_log_values
    assert ctx.scrubbed({"changed": True, "echo": "change"}) == {
        "changed": True, "echo": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
    assert len(ctx.module.warnings) == 1 and ctx.module.warnings[0].startswith("token_secret is shorter than")
    assert "change" not in ctx.module.warnings[0].replace("token_secret", "")


class _Client:
    pass


def test_one_vault_client_per_task_and_its_login_revoked_once(monkeypatch):
    connected, revoked = [], []

    def connect(options, warnings, hide):
        connected.append(options)
        hide(["login-token-" + "t" * 30])
        return _Client()

    monkeypatch.setattr(_task_context, "connect", connect)
    monkeypatch.setattr(_task_context, "revoke_login", lambda client, warnings: revoked.append(client))
    ctx = TaskContext(_Module())
    client = ctx.vault_client()
    assert ctx.vault_client() is client and len(connected) == 1
    assert "login-token-" + "t" * 30 in ctx.module.no_log_values
    secret = ctx.vault_secret()
    other = ctx.vault_secret("netsuite/acme/pending")
    assert (secret.mount_point, secret.path) == ("secret", "netsuite/acme")
    assert other.path == "netsuite/acme/pending"
    ctx.end()
    ctx.end()
    assert revoked == [client]


def _never(*_args, **_kwargs):
    raise AssertionError("Vault was used")


def test_end_without_a_client_logs_in_to_nothing(monkeypatch):
    monkeypatch.setattr(_task_context, "connect", _never)
    monkeypatch.setattr(_task_context, "revoke_login", _never)
    TaskContext(_Module()).end()


def test_vault_warnings_reach_the_module_scrubbed(monkeypatch):
    def connect(options, warnings, hide):
        hide([SECRET])
        warnings.append("retry %s" % SECRET)
        return _Client()

    monkeypatch.setattr(_task_context, "connect", connect)
    ctx = TaskContext(_Module())
    ctx.vault_client()
    assert len(ctx.module.warnings) == 1 and SECRET not in ctx.module.warnings[0]
