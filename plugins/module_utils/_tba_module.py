# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""What the modules share on the Ansible side: option specs and turning unit errors into results.

The units (_tba_credentials, _netsuite_probe, _vault_*) know nothing of AnsibleModule; this is
the only module_utils file that does.
"""

from collections.abc import Mapping

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import (
    ENVIRONMENTS,
    SECRET_FIELDS,
    CredentialInputError,
    build_credentials,
    resolve_netsuite_url,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VAULT_CONNECTION_ARGSPEC,
    VaultConnectionError,
    connect,
    url_secrets,
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


def new_module(argument_spec, **kwargs):
    """AnsibleModule for ``argument_spec``, after refusing a ``vault`` that is not a mapping:
    ansible-core would fail without naming the option, or quote the value (a token, maybe)."""
    vault = basic._load_params().get("vault")
    if vault is None or isinstance(vault, Mapping) or _parses_as_dict(vault):
        return AnsibleModule(argument_spec=argument_spec, **kwargs)
    guarded = dict(argument_spec, vault=dict(type="raw", no_log=True))
    module = AnsibleModule(argument_spec=guarded, **kwargs)
    fail(module, "Invalid input: vault must be a dictionary of connection options (url, token, ...), "
                 "not a %s. Nothing was tested or written." % type(vault).__name__)
    return None


def _parses_as_dict(value):
    try:
        check_type_dict(value)
    except (TypeError, ValueError):
        return False
    return True


def argument_spec(*groups, **extra):
    spec = {}
    for group in groups + (VAULT_CONNECTION_ARGSPEC, extra):
        spec.update(group)
    return spec


def hide(module, values):
    """Register values the module found itself (trimmed input, data read from Vault) as secret.

    As text: Ansible's masking compares strings, and a malformed stored value may be a number.
    """
    for value in values:
        if value not in (None, ""):
            module.no_log_values.add(str(value))


def validated_credentials(module, values, describe=None):
    """Validate credentials from options or from a stored secret (CredentialInputError names
    each field). Every secret, as given and as trimmed, is registered before anything can fail."""
    hide(module, [values.get(name) for name in SECRET_FIELDS])
    credentials, warnings = build_credentials(
        values, environment=module.params.get("environment"),
        strict_format=module.params.get("strict_format", True), describe=describe)
    hide(module, credentials.secret_values())
    warn(module, warnings)
    return credentials


def declared_credentials(module):
    return validated_credentials(module, module.params)


def check_minimums(module, **minimums):
    """Numbers Ansible's type checks let through but that make no sense (a timeout of 0)."""
    for name, minimum in minimums.items():
        value = module.params.get(name)
        if value is not None and value < minimum:
            fail(module, "Invalid input: %s: must be at least %d. Nothing was tested or written."
                 % (name, minimum))


def netsuite_base_url(module, account):
    return resolve_netsuite_url(account, module.params.get("netsuite_url"))


def vault_secret(module):
    """A Kv2Secret for the task's mount and path (no network call yet)."""
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret

    options = module.params["vault"] or {}
    if isinstance(options, dict):
        hide(module, [options.get("token")] + url_secrets(options.get("url")))
    warnings = []
    client = connect(options, warnings)
    warn(module, warnings)
    return Kv2Secret(client, module.params["engine_mount_point"], module.params["path"])


def vault_failure_message(exc):
    return "Vault: %s. Hint: %s" % (exc.cause, exc.hint) if exc.hint else "Vault: %s" % exc.cause


def scrubbed(module, value):
    """``value`` with every registered secret hidden in every form (percent-encoded, JSON-escaped,
    partial...). AnsibleModule masks only whole raw values; this covers text from servers."""
    return Scrubber(module.no_log_values).scrub_all(value)


def warn(module, warnings):
    for warning in warnings:
        module.warn(scrubbed(module, warning))


def finish(module, failed=False, **result):
    """The one exit of every module: scrubbed, then exit_json or fail_json."""
    result = scrubbed(module, result)
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)


def fail(module, msg, **result):
    result.setdefault("changed", False)
    finish(module, failed=True, msg=msg, **result)


def run_guarded(module, body):
    """Run ``body`` and turn every error into a clean one-line failure, never a traceback."""
    try:
        body()
        return
    except VaultConnectionError as exc:
        msg, result = vault_failure_message(exc), {"vault_error": exc.kind}
    except CredentialInputError as exc:
        msg, result = "Invalid input: %s. Nothing was tested or written." % exc, {}
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # An unexpected error is a bug; its text may quote data, and fail_json scrubs every
        # registered secret from msg, so the type and the scrubbed text are safe to show.
        msg, result = "Unexpected %s: %s" % (type(exc).__name__, exc), {}
    # Outside the except clauses on purpose: before ansible-core 2.19, fail_json attaches the
    # exception being handled, as a traceback, to the result at -vvv.
    fail(module, msg, **result)
