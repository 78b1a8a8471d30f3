# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The connection test of stored (TBA or M2M) or declared TBA credentials."""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import resolve_netsuite_url
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import parse_probes
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import check_credentials, check_stored
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_check import (
    STORED_CHECK_ARGSPEC,
    STORED_CHECK_MINIMUMS,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import (
    RequestInputError,
    account_hosts,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import SECRET_FIELDS
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import (
    DECLARED_CREDENTIALS_ARGSPEC,
    argument_spec,
    fail_input,
    finish,
    validated_credentials,
    validated_stored,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import TaskDefinition, probe_with_options


def _parsed_probes(ctx):
    """(probes, problems): the probes option parsed, or the problems naming probes[i].field."""
    try:
        return parse_probes(ctx.params["probes"], "probes"), None
    except RequestInputError as exc:
        return (), str(exc)


def _check(ctx):
    # Refused before any Vault or NetSuite request (and outside the except clause: see run_guarded).
    probes, problems = _parsed_probes(ctx)
    if problems:
        return fail_input(ctx, problems)
    tested_url = {}

    def probe_for(credentials):
        tested_url["netsuite_url"] = resolve_netsuite_url(credentials.account, ctx.params["netsuite_url"])
        return probe_with_options(ctx, credentials, tested_url["netsuite_url"], probes=probes,
                                  hosts=account_hosts(credentials.account, ctx.params["netsuite_url"]))

    if ctx.params["path"]:
        outcome = check_stored(
            ctx.vault_secret(),
            lambda data, auth_type, metadata: validated_stored(ctx, data, auth_type, metadata),
            probe_for, version=ctx.params["version"], max_age_days=ctx.params["max_age_days"],
            require_writable=ctx.params["require_writable"],
            min_certificate_days=ctx.params["min_certificate_days"])
    else:
        outcome = check_credentials(validated_credentials(ctx, ctx.params), probe_for)
    ctx.warn(outcome.warnings)

    result = dict(changed=False, ok=outcome.ok, connection=outcome.connection, probes=outcome.probes)
    if outcome.account:
        result["account"] = dict(outcome.account, **tested_url)
    if outcome.vault is not None:
        result["vault"] = outcome.vault
    if outcome.auth_type:
        result["auth_type"] = outcome.auth_type
    if outcome.certificate:
        result["certificate"] = outcome.certificate
    if outcome.ok:
        return finish(ctx, msg="NetSuite accepted the credentials", **result)
    result.update(outcome.failure.fields())
    return finish(ctx, failed=ctx.params["fail_on_error"], msg=outcome.failure.message(), **result)


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
