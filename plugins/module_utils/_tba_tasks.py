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
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import TaskDefinition, finish_sync, probe_with_options


# --- tba_credential --------------------------------------------------------------------------

def _store(ctx):
    if ctx.params["state"] == "absent":
        return finish_sync(ctx, ensure_absent(ctx.vault_secret(), check_mode=ctx.check_mode))
    token_name = clean_token_name(ctx.params["token_name"])
    credentials = validated_credentials(ctx, ctx.params)
    base_url = resolve_netsuite_url(credentials.account, ctx.params["netsuite_url"])
    secret = ctx.vault_secret()
    outcome = ensure_present(credentials, secret, lambda: probe_with_options(ctx, credentials, base_url),
                             token_name=token_name, test_connection=ctx.params["test_connection"],
                             check_mode=ctx.check_mode)
    return finish_sync(ctx, outcome, account=dict(credentials.account.to_dict(), netsuite_url=base_url),
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
