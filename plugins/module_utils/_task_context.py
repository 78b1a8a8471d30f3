# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""One task's state, passed explicitly to its body: the module (AnsibleModule or the controller's
stand-in), the secrets it registered, the public text that must stay intact, the Vault client.

Nothing is hung on the module object: what the task learns lives here, and what leaves the task
goes through ``scrubbed``.
"""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._short_secrets import (
    is_short_secret,
    mask_whole,
    set_aside,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import connect, revoke_login
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret


def add_secrets(no_log_values, values):
    """Register values as secret, as text: Ansible's masking compares strings, and a malformed
    stored value may be a number."""
    for value in values:
        if value not in (None, ""):
            no_log_values.add(str(value))


class TaskContext:
    """The state of one task run; ``module`` has AnsibleModule's interface."""

    def __init__(self, module):
        self.module = module
        self._vault_client = None
        self._public_text = []
        self._short_secrets = set()

    @property
    def params(self):
        return self.module.params

    @property
    def check_mode(self):
        return self.module.check_mode

    @property
    def diff(self):
        return self.module._diff  # pylint: disable=protected-access

    def hide(self, values):
        """Register values the task found itself (trimmed input, data read from Vault) as secret."""
        add_secrets(self.module.no_log_values, values)

    def publish(self, values):
        """Register public text (an M2M certificate) that shares runs with a secret (its private
        key holds the same public key): it is shown intact."""
        self._public_text.extend(value for value in values if value)

    def warn(self, warnings):
        for warning in warnings:
            self.module.warn(self.scrubbed(warning))

    def scrubbed(self, value):
        """``value`` with every registered secret hidden in every form (percent-encoded,
        JSON-escaped, partial...). AnsibleModule masks only whole raw values; this covers text
        from servers. A secret too short to be searched for inside text is masked where it is a
        whole value only (_short_secrets): keys and the words around it keep their shape."""
        short = self._short_secrets | {secret for secret in self.module.no_log_values if is_short_secret(secret)}
        secrets = [secret for secret in self.module.no_log_values if secret not in short]
        return mask_whole(Scrubber(secrets, public=self._public_text).scrub_all(value), short)

    def release_short_secrets(self):
        """Before the result leaves: take short secrets out of the module's no_log values (Ansible
        would mask them inside keys and words: ``changed`` became ``********d``), warn about each
        option that holds one, and return them for whole-value masking."""
        short, warnings = set_aside(self.module.no_log_values, getattr(self.module, "argument_spec", None),
                                    self.params)
        self._short_secrets |= short
        for warning in warnings:
            self.module.warn(warning)
        return set(self._short_secrets)

    def vault_client(self):
        """The task's one Vault client, connected (logged in) on first use; ``end`` revokes a
        token that a login obtained."""
        if self._vault_client is None:
            self._vault_client = connect(self.params["vault"] or {}, _WarningSink(self), hide=self.hide)
        return self._vault_client

    def vault_secret(self, path=None):
        """A Kv2Secret for the task's mount and ``path`` (default: the task's path)."""
        return Kv2Secret(self.vault_client(), self.params["engine_mount_point"], path or self.params["path"])

    def end(self):
        """Revoke the login token (unless vault.revoke_login_token is false); a failure warns."""
        client, self._vault_client = self._vault_client, None
        if client is not None:
            revoke_login(client, _WarningSink(self))


class _WarningSink:
    """A warnings list that warns at once, scrubbed: retries warn during later requests."""

    def __init__(self, ctx):
        self._ctx = ctx

    def append(self, warning):
        self._ctx.warn([warning])
