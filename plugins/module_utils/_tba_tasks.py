# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""tba_credential: validate, test and store (or remove) one account's TBA credentials."""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import clean_token_name, resolve_netsuite_url
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_sync import ensure_absent, ensure_present
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import SECRET_FIELDS
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import (
    DECLARED_CREDENTIALS_ARGSPEC,
    KV_ARGSPEC,
    NETSUITE_ARGSPEC,
    argument_spec,
    validated_credentials,
    vault_secret,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import TaskDefinition, finish_sync, probe_with_options


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
