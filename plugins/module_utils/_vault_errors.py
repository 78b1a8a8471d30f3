# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The one error type of the Vault side, its kinds, and the errors both the login methods
(_vault_auth) and the connection (_vault_connection) raise. A leaf: it imports nothing of ours, so
neither of them needs the other to build an error.
"""

import sys


ERROR_KINDS = frozenset((
    'unreachable', 'sealed', 'tls', 'permission_denied', 'auth_failed', 'missing_mount',
    'kv_v1_mount', 'cas_conflict', 'invalid_request', 'server_error', 'missing_dependency', 'config',
))


class VaultConnectionError(Exception):
    """A Vault failure explained in one line: what happened (cause) and what to do (hint).

    kind is one of ERROR_KINDS, for callers that react differently (e.g. a warning instead of a
    failure for a denied metadata update).
    """

    def __init__(self, kind, cause, hint):
        if kind not in ERROR_KINDS:
            raise ValueError('unknown VaultConnectionError kind %r' % (kind,))
        self.kind = kind
        self.cause = cause
        self.hint = hint
        super().__init__('%s. %s' % (cause, hint))


def config_error(option, problem, env_vars=()):
    """An offline configuration problem, naming the option (and the env vars that were tried)."""
    tried = ' (also looked in %s)' % ', '.join(env_vars) if env_vars else ''
    return VaultConnectionError(
        'config', 'vault.%s %s%s' % (option, problem, tried),
        'Set vault.%s in the task or with module_defaults' % option)


def import_hvac():
    """Import hvac on first use only: loading it costs start-up time on every module run."""
    try:
        import hvac
    except ImportError:
        raise VaultConnectionError(
            'missing_dependency',
            "The Python library 'hvac' is not installed for %s" % sys.executable,
            'Install it where the module runs (pip install hvac): on the controller for localhost '
            'tasks, or in the execution environment') from None
    return hvac


def not_vault_error(action, path, detail='no Vault JSON in the answer'):
    """The server at vault.url answered, but not like Vault's API."""
    return VaultConnectionError(
        'server_error', "The server at vault.url did not answer like Vault when trying to %s '%s' (%s)"
        % (action, path, detail),
        'Check that vault.url is the Vault or OpenBao API address, such as https://vault.example.com:8200, '
        'and that no proxy or login page sits in between')


def unless_denied(action):
    """Run ``action()``: None when it ran, the reason when Vault denied the token permission.

    For steps whose denial is a warning, not a failure (custom metadata, removing a copy that is
    no longer needed): nothing is lost. Every other error propagates. Errors are told by their
    ``kind``, so a store stand-in in a test needs no Vault.
    """
    try:
        action()
    except Exception as exc:  # pylint: disable=broad-exception-caught  # re-raised unless denied
        if getattr(exc, 'kind', None) != 'permission_denied':
            raise
        return getattr(exc, 'cause', None) or 'permission denied'
    return None
