# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""What each task does, once, for both ways of running it.

A ``TaskDefinition`` is a module's option spec, its extra validation rules and its body. The
module files run it with AnsibleModule (``run_task(TBA_CREDENTIAL)``); the action plugins of the
same names run it in the controller's process with a stand-in that has AnsibleModule's
interface (plugin_utils/_controller_module.py). Same units, same results, same masking.
"""

from dataclasses import dataclass, field
from typing import Callable

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import (
    check_credentials,
    check_stored,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_sync import (
    ensure_absent,
    ensure_present,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import probe_connection
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import (
    SECRET_FIELDS,
    clean_token_name,
    resolve_netsuite_url,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_module import (
    DECLARED_CREDENTIALS_ARGSPEC,
    KV_ARGSPEC,
    NETSUITE_ARGSPEC,
    argument_spec,
    check_minimums,
    finish,
    hide,
    new_module,
    run_guarded,
    validated_credentials,
    validated_stored,
    vault_secret,
    warn,
)


@dataclass(frozen=True)
class TaskDefinition:
    name: str
    argument_spec: dict
    body: Callable
    rules: dict = field(default_factory=dict)  # required_if, mutually_exclusive, ... as AnsibleModule takes them
    minimums: dict = field(default_factory=dict)


def run_task(definition, module_class=AnsibleModule, params=None):
    """Validate the options, run the body, exit through the module's exit_json or fail_json."""
    module = new_module(definition.argument_spec, module_class=module_class, params=params,
                        supports_check_mode=True, **definition.rules)
    check_minimums(module, **definition.minimums)
    run_guarded(module, lambda: definition.body(module))


def probe_with_options(module, credentials, base_url):
    """The NetSuite test with the task's netsuite_timeout and netsuite_validate_certs."""
    return probe_connection(credentials, base_url, timeout=module.params["netsuite_timeout"],
                            validate_certs=module.params["netsuite_validate_certs"],
                            hide=lambda values: hide(module, values))


# --- tba_credential --------------------------------------------------------------------------

def _store(module):
    if module.params["state"] == "absent":
        finish_sync(module, ensure_absent(vault_secret(module), check_mode=module.check_mode))
        return
    token_name = clean_token_name(module.params["token_name"])
    credentials = validated_credentials(module, module.params)
    base_url = resolve_netsuite_url(credentials.account, module.params["netsuite_url"])
    secret = vault_secret(module)
    outcome = ensure_present(credentials, secret, lambda: probe_with_options(module, credentials, base_url),
                             token_name=token_name, test_connection=module.params["test_connection"],
                             check_mode=module.check_mode)
    finish_sync(module, outcome, account=dict(credentials.account.to_dict(), netsuite_url=base_url),
                connection=outcome.connection)


def finish_sync(module, outcome, **present_only):
    warn(module, outcome.warnings)
    result = dict(changed=outcome.changed, msg=outcome.msg, vault=outcome.vault, **present_only)
    if module._diff and outcome.diff and outcome.changed:  # pylint: disable=protected-access
        result["diff"] = outcome.diff
    if outcome.failure:
        result.update(outcome.failure.fields())
    finish(module, failed=outcome.failed, **result)


TBA_CREDENTIAL = TaskDefinition(
    name="netsuite_ops.credentials.tba_credential",
    argument_spec=argument_spec(
        DECLARED_CREDENTIALS_ARGSPEC, NETSUITE_ARGSPEC, KV_ARGSPEC,
        state=dict(type="str", choices=["present", "absent"], default="present"),
        token_name=dict(type="str", no_log=False),
        test_connection=dict(type="bool", default=True),
    ),
    body=_store,
    rules=dict(required_if=[("state", "present", ["account_id"] + list(SECRET_FIELDS))]),
    minimums=dict(netsuite_timeout=1),
)


# --- tba_connection_test ---------------------------------------------------------------------

def _check(module):
    tested_url = {}

    def probe_for(credentials):
        tested_url["netsuite_url"] = resolve_netsuite_url(credentials.account, module.params["netsuite_url"])
        return probe_with_options(module, credentials, tested_url["netsuite_url"])

    if module.params["path"]:
        outcome = check_stored(
            vault_secret(module),
            lambda data, auth_type, metadata: validated_stored(module, data, auth_type, metadata),
            probe_for, version=module.params["version"], max_age_days=module.params["max_age_days"],
            require_writable=module.params["require_writable"],
            min_certificate_days=module.params["min_certificate_days"])
    else:
        outcome = check_credentials(validated_credentials(module, module.params), probe_for)
    warn(module, outcome.warnings)

    result = dict(changed=False, ok=outcome.ok, connection=outcome.connection)
    if outcome.account:
        result["account"] = dict(outcome.account, **tested_url)
    if outcome.vault is not None:
        result["vault"] = outcome.vault
    if outcome.auth_type:
        result["auth_type"] = outcome.auth_type
    if outcome.certificate:
        result["certificate"] = outcome.certificate
    if outcome.ok:
        finish(module, msg="NetSuite accepted the credentials", **result)
    result.update(outcome.failure.fields())
    finish(module, failed=module.params["fail_on_error"], msg=outcome.failure.message(), **result)


TBA_CONNECTION_TEST = TaskDefinition(
    name="netsuite_ops.credentials.tba_connection_test",
    argument_spec=argument_spec(
        DECLARED_CREDENTIALS_ARGSPEC, NETSUITE_ARGSPEC,
        path=dict(type="str"),
        engine_mount_point=dict(type="str", default="secret"),
        version=dict(type="int"),
        max_age_days=dict(type="int"),
        min_certificate_days=dict(type="int"),
        fail_on_error=dict(type="bool", default=True),
        require_writable=dict(type="bool", default=False),
    ),
    body=_check,
    rules=dict(
        required_one_of=[("path", "account_id")],
        mutually_exclusive=[("path", "account_id")] + [("path", name) for name in SECRET_FIELDS],
        required_by={"account_id": list(SECRET_FIELDS)},
    ),
    minimums=dict(netsuite_timeout=1, max_age_days=0, min_certificate_days=0, version=1),
)
