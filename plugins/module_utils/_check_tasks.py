# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The connection test of stored or declared credentials, TBA or M2M."""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import resolve_netsuite_url
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import parse_probes
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import check_credentials, check_stored
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_options import M2M_DECLARED_ARGSPEC
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


# With account_id, the values of one kind (as tba_credential and m2m_credential take them). The
# M2M options with a default (scope, min_days_left, fail_days_left) tell no kind apart.
_TBA_VALUES = tuple(SECRET_FIELDS)
_M2M_REQUIRED = ("client_id", "certificate_id", "private_key", "certificate")
_M2M_VALUES = _M2M_REQUIRED + ("private_key_passphrase", "algorithm")


def _declared_kind(params):
    """("tba" or "m2m", None), or (None, the problem naming the options and the rule): exactly one
    kind of declared values, complete. Names only; no value is looked at beyond being given."""
    tba = [name for name in _TBA_VALUES if params.get(name) is not None]
    m2m = [name for name in _M2M_VALUES if params.get(name) is not None]
    kinds = "the TBA values (%s) or the M2M values (%s)" % (", ".join(_TBA_VALUES), ", ".join(_M2M_REQUIRED))
    if tba and m2m:
        return None, "%s: account_id takes %s, not a mix" % (", ".join(tba + m2m), kinds)
    if not tba and not m2m:
        return None, "account_id: needs %s" % kinds
    kind, required = ("tba", _TBA_VALUES) if tba else ("m2m", _M2M_REQUIRED)
    missing = [name for name in required if not params.get(name)]
    if missing:
        return None, "%s: %s required with account_id and the %s values" % (
            ", ".join(missing), "is" if len(missing) == 1 else "are", kind.upper())
    return kind, None


def _declared_credentials(ctx, kind):
    """Validated declared credentials and whether their certificate's days were judged already
    (m2m_credential's own rules: min_days_left warns, fail_days_left and expiry refuse)."""
    if kind == "m2m":
        # Imported here: a TBA check loads no M2M unit (nor cryptography).
        from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_tasks import (  # pylint: disable=import-outside-toplevel
            validated_m2m,
        )
        return validated_m2m(ctx, ctx.params), True
    return validated_credentials(ctx, ctx.params), False


def _check(ctx):
    # Refused before any Vault or NetSuite request (and outside the except clause: see run_guarded).
    kind, kind_problem = (None, None) if ctx.params["path"] else _declared_kind(ctx.params)
    probes, problems = _parsed_probes(ctx)
    problems = "; ".join(part for part in (kind_problem, problems) if part)
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
        credentials, judged = _declared_credentials(ctx, kind)
        outcome = check_credentials(credentials, probe_for, certificate_judged=judged)
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
        DECLARED_CREDENTIALS_ARGSPEC, M2M_DECLARED_ARGSPEC, STORED_CHECK_ARGSPEC,
        fail_on_error=dict(type="bool", default=True),
        require_writable=dict(type="bool", default=False),
    ),
    body=_check,
    rules=dict(
        required_one_of=[("path", "account_id")],
        # Which declared values go with account_id: _declared_kind, one message for either kind.
        mutually_exclusive=[("path", "account_id")] + [("path", name) for name in _TBA_VALUES + _M2M_VALUES],
    ),
    minimums=STORED_CHECK_MINIMUMS,
)
