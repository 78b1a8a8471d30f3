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
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_layout import (
    stored_auth_type,
    stored_keys,
    stored_label,
    stored_size_problem,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import (
    SECRET_FIELDS as TBA_SECRET_FIELDS,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    CredentialInputError,
    parse_account_id,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import build_credentials

# What the owner of each kind does when stored credentials are older than max_age_days.
_TOO_OLD_HINT = {
    "tba": "Rotate them: create a new access token in NetSuite (Setup > Users/Roles > Access "
           "Tokens > New), store it with tba_credential, then revoke the old token.",
    "m2m": "Rotate the key pair and certificate: netsuite_ops.credentials.m2m_key_pair with rotate: "
           "true (or the bootstrap role), upload the new certificate in Setup > Integration > Manage "
           "Authentication > OAuth 2.0 Client Credentials (M2M) Setup, store its certificate ID with "
           "m2m_credential, then revoke the old certificate.",
}

_STORE_HINT = {
    "tba": "Re-store the credentials with netsuite_ops.credentials.tba_credential",
    "m2m": "Re-store the credentials with netsuite_ops.credentials.m2m_credential",
}


@dataclass
class CheckOutcome:
    ok: bool = True
    failure: Failure = None
    account: dict = None
    connection: dict = field(default_factory=lambda: {"tested": False})
    vault: dict = None
    warnings: list = field(default_factory=list)
    auth_type: str = None
    certificate: dict = None  # M2M: fingerprint, subject, not_after, days_left (never the key)
    probes: list = field(default_factory=list)  # the capability probes' outcome rows, in declared order

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


def load_stored(data, auth_type, hide, custom_metadata=None):
    """(credentials, warnings) from a stored secret of either kind. ``hide(values)`` receives
    every secret before anything can fail. An M2M certificate's expiry is judged by the check
    (days left, min_certificate_days), not refused here; its scopes come from the ``scope``
    custom metadata (rest_webservices when there is none)."""
    if auth_type == "m2m":
        # Imported here: TBA-only users need neither the module nor cryptography.
        from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import (
            M2M_SECRET_FIELDS,
            load_stored_m2m,
        )
        secret_fields, load = M2M_SECRET_FIELDS, load_stored_m2m
    else:
        secret_fields, load = TBA_SECRET_FIELDS, build_credentials
    # A caller that read the data itself (not through Kv2Secret.read) gets the same bound.
    oversized = stored_size_problem(data)
    if oversized:
        raise CredentialInputError([oversized])
    hide([data.get(name) for name in secret_fields])
    options = {}
    if auth_type == "m2m":
        scope = str((custom_metadata or {}).get("scope") or "rest_webservices")
        options["scopes"] = tuple(item.strip() for item in scope.split(",") if item.strip())
    credentials, warnings = load(data, describe=stored_label, **options)
    hide(credentials.secret_values())
    return credentials, warnings


def check_credentials(credentials, probe_for, outcome=None, certificate_judged=False):
    """Run the NetSuite test for validated credentials, filling ``outcome``. With
    ``certificate_judged`` the M2M certificate's days were judged already (declared values, by
    min_days_left and fail_days_left): it is reported, not warned about twice."""
    outcome = outcome or CheckOutcome()
    outcome.account = credentials.account.to_dict()
    outcome.auth_type = getattr(credentials, "auth_type", "tba")
    certificate = getattr(credentials, "certificate", None)
    if certificate is not None:
        outcome.certificate = certificate.to_dict()
    if certificate is not None and not certificate_judged:
        if certificate.days_left < 0:
            # NetSuite refuses an expired certificate: no request can tell more.
            return outcome.fail(Failure(
                "stored:certificate_expired",
                "The M2M certificate expired on %s" % certificate.not_after, _ROTATE_M2M_HINT))
        if certificate.days_left < CERTIFICATE_WARNING_DAYS:
            outcome.warnings.append(
                "The M2M certificate expires in %d day(s), on %s: rotate it before then (m2m_key_pair "
                "with rotate: true)" % (certificate.days_left, certificate.not_after))
    result = probe_for(credentials)
    outcome.connection = result.to_dict()
    outcome.probes = [probe.to_dict() for probe in result.probes]
    outcome.warnings.extend(result.warnings)
    # The login's failure, else the first failed capability probe's (connection.ok stays the login's).
    failure = result.failure()
    if failure is not None:
        outcome.fail(failure)
    return outcome


# As m2m_credential's min_days_left default: NetSuite mails its own reminders at 60, 30 and 14 days.
CERTIFICATE_WARNING_DAYS = 30

_ROTATE_M2M_HINT = (
    "Rotate it: generate a new key pair and certificate (netsuite_ops.credentials.m2m_key_pair "
    "with rotate: true, or the bootstrap role), upload the certificate in Setup > Integration > "
    "Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup, then store the new "
    "certificate ID with netsuite_ops.credentials.m2m_credential.")


def check_stored(store, validate, probe_for, version=None, max_age_days=None, now=None,
                 require_writable=False, min_certificate_days=None):
    """Read one version from ``store``, validate it with ``validate(data, auth_type,
    custom_metadata)``, test it.

    ``auth_type`` is "tba" or "m2m", told from the stored keys (five TBA keys are TBA whatever
    the metadata says) or the ``auth_type`` custom metadata. ``validate`` returns TbaCredentials
    or M2mCredentials, or raises CredentialInputError naming the stored key.
    Exactly one Vault read and, for well-formed data, one NetSuite test (plus retries).
    With ``require_writable``, credentials that fail the check are followed by the write
    preflight, so a caller about to ask a person for new values learns first that it could not
    store them (VaultConnectionError).
    """
    state = store.read(version=version)
    outcome = _check_state(store, state, validate, probe_for, version, max_age_days, now)
    if outcome.ok and min_certificate_days is not None and outcome.certificate is not None:
        days_left = outcome.certificate["days_left"]
        if days_left < min_certificate_days:
            outcome.fail(Failure(
                "stored:certificate_expiring",
                "The M2M certificate expires in %d day(s) (%s), fewer than min_certificate_days=%d"
                % (days_left, outcome.certificate["not_after"], min_certificate_days), _ROTATE_M2M_HINT))
    if require_writable and not outcome.ok:
        store.ensure_writable(state)
    return outcome


def _check_state(store, state, validate, probe_for, version, max_age_days, now):
    label = store.location
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
            "Store them with netsuite_ops.credentials.tba_credential or m2m_credential, or the "
            "tba_bootstrap role; check engine_mount_point and path."))

    if state.oversized:
        # Refused from the raw answer (Kv2Secret.read): nothing of it was parsed or registered.
        return outcome.fail(Failure(
            "stored:malformed", "Stored secret %s is too large: %s" % (label, state.oversized),
            "Re-store the credentials with netsuite_ops.credentials.tba_credential or m2m_credential; "
            "a stored value holds at most the size its field allows."))
    outcome.account = _account_if_valid(state.data.get("account_id"))
    auth_type = outcome.auth_type = stored_auth_type(state.data, state.custom_metadata)
    expected = stored_keys(auth_type)
    missing = [key for key in expected if key not in (state.data or {})]
    if missing:
        return outcome.fail(Failure(
            "stored:malformed", "Stored %s secret %s is missing key(s): %s"
            % (auth_type.upper(), label, ", ".join(missing)),
            "%s; the secret must hold exactly %s." % (_STORE_HINT[auth_type], ", ".join(expected))))
    try:
        credentials = validate(state.data, auth_type, state.custom_metadata)
    except CredentialInputError as exc:
        return outcome.fail(Failure(
            "stored:malformed", "Stored secret %s holds a malformed value: %s" % (label, exc),
            _STORE_HINT[auth_type] + "."))

    check_credentials(credentials, probe_for, outcome)
    if outcome.ok and max_age_days is not None and age is not None and age > max_age_days:
        outcome.fail(Failure(
            "stored:too_old", "Stored credentials are %s old, more than max_age_days=%d" % (_describe_age(age), max_age_days),
            _TOO_OLD_HINT[auth_type]))
    return outcome
