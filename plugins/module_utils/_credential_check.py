# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Prove that credentials (stored or declared) still authenticate. Read-only by construction.

Like _credential_sync, this imports neither the Vault nor the NetSuite side: the caller passes
the store, a validator and a probe factory.
"""

from dataclasses import dataclass, field
from datetime import datetime, timezone

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._rfc3339 import parse_time
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import (
    STORED_KEYS,
    CredentialInputError,
    parse_account_id,
)


@dataclass
class CheckOutcome:
    ok: bool = True
    failure: Failure = None
    account: dict = None
    connection: dict = field(default_factory=lambda: {"tested": False})
    vault: dict = None
    warnings: list = field(default_factory=list)

    def fail(self, failure):
        self.ok, self.failure = False, failure
        return self

    @property
    def reason(self):
        return self.failure.reason if self.failure else ""

    @property
    def hint(self):
        return self.failure.hint if self.failure else ""


def age_in_days(created_time, now=None):
    """Unrounded, so a rotation limit is never overshot by the rounding of what is reported."""
    created = parse_time(created_time)
    if created is None:
        return None
    now = now or datetime.now(timezone.utc)
    return (now - created).total_seconds() / 86400.0


def _describe_age(days):
    return "%.1f days" % days if days >= 1 else "%d minutes" % (days * 1440)


def _account_if_valid(account_id):
    """The account a stored secret names, so a report can say whose secret is broken."""
    try:
        return parse_account_id(account_id)[0].to_dict()
    except CredentialInputError:
        return None


def check_credentials(credentials, probe_for, outcome=None):
    """Run the NetSuite test for validated credentials, filling ``outcome``."""
    outcome = outcome or CheckOutcome()
    outcome.account = credentials.account.to_dict()
    result = probe_for(credentials)
    outcome.connection = result.to_dict()
    outcome.warnings.extend(result.warnings)
    if not result.ok:
        outcome.fail(result.failure())
    return outcome


def check_stored(store, validate, probe_for, version=None, max_age_days=None, now=None,
                 require_writable=False):
    """Read one version from ``store``, validate it with ``validate(data)``, test it.

    ``validate`` returns TbaCredentials or raises CredentialInputError naming the stored key.
    Exactly one Vault read and, for well-formed data, one NetSuite test (plus retries).
    With ``require_writable``, credentials that fail the check are followed by the write
    preflight, so a caller about to ask a person for new values learns first that it could not
    store them (VaultConnectionError).
    """
    state = store.read(version=version)
    outcome = _check_state(store, state, validate, probe_for, version, max_age_days, now)
    if require_writable and not outcome.ok:
        store.ensure_writable(state)
    return outcome


def _check_state(store, state, validate, probe_for, version, max_age_days, now):
    label = store.data_path
    age = age_in_days(state.created_time, now)
    outcome = CheckOutcome(vault={"mount": store.mount_point, "path": store.path,
                                  "version": state.current_version,
                                  "created_time": state.created_time,
                                  "age_days": None if age is None else round(age, 2)})
    if not state.exists:
        if state.current_version is None:
            # An empty answer is also what a KV v1 engine gives: make sure it is KV v2 first.
            store.require_kv2_mount()
        return outcome.fail(Failure(
            "stored:missing",
            "No credentials stored at %s%s" % (label, " version %s" % version if version else ""),
            "Store them with netsuite_ops.credentials.tba_credential or the tba_bootstrap role; "
            "check engine_mount_point and path."))

    outcome.account = _account_if_valid(state.data.get("account_id"))
    missing = [key for key in STORED_KEYS if key not in (state.data or {})]
    if missing:
        return outcome.fail(Failure(
            "stored:malformed", "Stored secret %s is missing key(s): %s" % (label, ", ".join(missing)),
            "Re-store the credentials with netsuite_ops.credentials.tba_credential; the secret "
            "must hold exactly %s." % ", ".join(STORED_KEYS)))
    try:
        credentials = validate(state.data)
    except CredentialInputError as exc:
        return outcome.fail(Failure(
            "stored:malformed", "Stored secret %s holds a malformed value: %s" % (label, exc),
            "Re-store the credentials with netsuite_ops.credentials.tba_credential."))

    check_credentials(credentials, probe_for, outcome)
    if outcome.ok and max_age_days is not None and age is not None and age > max_age_days:
        outcome.fail(Failure(
            "stored:too_old", "Stored credentials are %s old, more than max_age_days=%d" % (_describe_age(age), max_age_days),
            "Rotate them: create a new access token in NetSuite (Setup > Users/Roles > Access "
            "Tokens > New), store it with tba_credential, then revoke the old token."))
    return outcome
