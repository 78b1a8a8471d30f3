# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""What the modules share on the Ansible side: option specs and turning unit errors into results.

The units (_tba_credentials, _netsuite_probe, _vault_*) know nothing of AnsibleModule; this is
the only module_utils file that does. A task's body gets its TaskContext (_task_context) and
returns ``finish``'s Finished; run_task hands that to the module's exit (``leave``).
"""

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import load_stored
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure, failure_of
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._option_checks import precheck, unmask_whole_values
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._short_secrets import mask_whole
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    ENVIRONMENTS,
    CredentialInputError,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import (
    SECRET_FIELDS,
    build_credentials,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VAULT_CONNECTION_ARGSPEC,
    VaultConnectionError,
)

KV_ARGSPEC = dict(
    engine_mount_point=dict(type="str", default="secret"),
    path=dict(type="str", required=True),
)

NETSUITE_ARGSPEC = dict(
    netsuite_url=dict(type="str"),
    netsuite_timeout=dict(type="int", default=30),
    netsuite_validate_certs=dict(type="bool", default=True),
)

DECLARED_CREDENTIALS_ARGSPEC = dict(
    account_id=dict(type="str"),
    consumer_key=dict(type="str", no_log=True),
    consumer_secret=dict(type="str", no_log=True),
    token_id=dict(type="str", no_log=True),
    token_secret=dict(type="str", no_log=True),
    environment=dict(type="str", choices=list(ENVIRONMENTS)),
    strict_format=dict(type="bool", default=True),
)


def new_module(argument_spec, module_class=AnsibleModule, params=None, **kwargs):
    """(module, problems): the module for ``argument_spec``, built after the pre-checks of
    _option_checks (with every refused option raw and masked), and what they refused."""
    if params is None:
        params = basic._load_params() or {}  # None under ansible-test validate-modules
    checked = precheck(argument_spec, params)
    module = module_class(argument_spec=checked.spec if checked.problems else argument_spec, **kwargs)
    unmask_whole_values(module.no_log_values, checked)
    return module, checked.problems


def argument_spec(*groups, **extra):
    spec = {}
    for group in groups + (VAULT_CONNECTION_ARGSPEC, extra):
        spec.update(group)
    return spec


def validated_credentials(ctx, values, describe=None):
    """Validate credentials from options or from a stored secret (CredentialInputError names
    each field). Every secret, as given and as trimmed, is registered before anything can fail."""
    ctx.hide([values.get(name) for name in SECRET_FIELDS])
    credentials, warnings = build_credentials(
        values, environment=ctx.params.get("environment"),
        strict_format=ctx.params.get("strict_format", True), describe=describe)
    ctx.hide(credentials.secret_values())
    ctx.warn(warnings)
    return credentials


def validated_stored(ctx, data, auth_type, custom_metadata=None):
    """Credentials read from Vault, of either kind, every secret registered before anything can
    fail (see _credential_check.load_stored)."""
    credentials, warnings = load_stored(data, auth_type, ctx.hide, custom_metadata)
    ctx.publish([getattr(credentials, "certificate_pem", None)])
    ctx.warn(warnings)
    return credentials


class Finished:
    """A task's end: the scrubbed result, for the module's exit_json (fail_json when ``failed``)."""

    def __init__(self, result, failed):
        self.result = result
        self.failed = failed


def finish(ctx, failed=False, **result):
    """The one end of every task: the Vault login revoked, the result scrubbed. Bodies return it."""
    ctx.end()
    short = ctx.release_short_secrets()
    result = ctx.scrubbed(result)
    if short:
        # Ansible's own invocation would show them: they are no longer no_log values.
        result["invocation"] = {"module_args": mask_whole(ctx.params, short)}
    return Finished(result, failed)


def leave(module, finished):
    """Hand the result to the module: AnsibleModule prints it and exits the process (its exit_json
    and fail_json always end in sys.exit); the controller's stand-in returns it."""
    if finished.failed:
        return module.fail_json(**finished.result)
    return module.exit_json(**finished.result)


def fail(ctx, msg, **result):
    result.setdefault("changed", False)
    return finish(ctx, failed=True, msg=msg, **result)


def _known_before(exc):
    """What a sync had learned when Vault failed: the versions read and the connection test, so
    a failed write still tells whether NetSuite accepted the credentials."""
    outcome = getattr(exc, "outcome", None)
    if outcome is None or not outcome.vault:
        return {}
    # changed only for a write Vault confirmed: a write whose answer was lost may or may not
    # have been applied, and the message says so.
    return {"vault": outcome.vault, "connection": outcome.connection, "changed": outcome.written}


_INPUT_HINT = "Nothing was tested or written: fix the option(s) named and run again."


def fail_input(ctx, problems):
    """Invalid options: the failure shape (msg is the reason; that nothing happened is the hint)."""
    return fail_with(ctx, Failure("input:invalid", "Invalid input: %s" % problems, _INPUT_HINT))


def fail_with(ctx, failure, **result):
    """Fail with ``failure``'s message and its reason, hint and failure_code."""
    return fail(ctx, failure.message(), **dict(result, **failure.fields()))


def run_guarded(ctx, body):
    """``body(ctx)``'s Finished; every error becomes a clean one-line failure, never a traceback."""
    try:
        finished = body(ctx)
    except VaultConnectionError as exc:
        failure, result = failure_of(exc, _INPUT_HINT), dict(_known_before(exc), vault_error=exc.kind)
    except CredentialInputError as exc:
        failure, result = None, {"problems": str(exc)}
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # failure_of: a transport failure by setting, or a bug (its text scrubbed by finish).
        failure, result = failure_of(exc, _INPUT_HINT), {}
    else:
        if isinstance(finished, Finished):
            return finished
        failure, result = failure_of(TypeError("the task ended without a result"), _INPUT_HINT), {}
    # Outside the except clauses on purpose: before ansible-core 2.19, fail_json attaches the
    # exception being handled, as a traceback, to the result at -vvv.
    if failure is None:
        return fail_input(ctx, result["problems"])
    return fail_with(ctx, failure, **result)
