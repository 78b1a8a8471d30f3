# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The connection test of stored (TBA or M2M) or declared TBA credentials."""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import resolve_netsuite_url
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import check_credentials, check_stored
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_check import (
    STORED_CHECK_ARGSPEC,
    STORED_CHECK_MINIMUMS,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import SECRET_FIELDS
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import (
    DECLARED_CREDENTIALS_ARGSPEC,
    argument_spec,
    finish,
    validated_credentials,
    validated_stored,
    vault_secret,
    warn,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import TaskDefinition, probe_with_options


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


CREDENTIAL_CHECK = TaskDefinition(
    name="netsuite_ops.credentials.credential_check",
    argument_spec=argument_spec(
        DECLARED_CREDENTIALS_ARGSPEC, STORED_CHECK_ARGSPEC,
        fail_on_error=dict(type="bool", default=True),
        require_writable=dict(type="bool", default=False),
    ),
    body=_check,
    rules=dict(
        required_one_of=[("path", "account_id")],
        mutually_exclusive=[("path", "account_id")] + [("path", name) for name in SECRET_FIELDS],
        required_by={"account_id": list(SECRET_FIELDS)},
    ),
    minimums=STORED_CHECK_MINIMUMS,
)
