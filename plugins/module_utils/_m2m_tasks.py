# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The OAuth 2.0 client credentials (M2M) tasks, run like the TBA ones (see _task_runner).

m2m_key_pair makes a key pair and a self-signed certificate in memory and keeps them in Vault at
a pending path until the operator has uploaded the certificate and knows its certificate ID;
m2m_credential then tests and stores the complete set (from the pending path or from options)
at the credentials path, with the same contract as tba_credential.
"""

import os

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_sync import (
    MANAGED_BY,
    ensure_absent,
    ensure_present,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import (
    M2M_SECRET_FIELDS,
    build_m2m_credentials,
    describe_certificate,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import (
    NETSUITE_MAX_VALIDITY_DAYS as MAX_VALID_DAYS,  # NetSuite cuts a longer validity to two years
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_options import M2M_DECLARED_ARGSPEC
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_keygen import (
    KEY_TYPES,
    generate_key_and_certificate,
    subject_problems,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._safe_file import (
    FileTargetError,
    check_target,
    read_regular,
    write_file,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_layout import stored_auth_type
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_errors import unless_denied
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    clean_token_name,
    CredentialInputError,
    parse_account_id,
    resolve_netsuite_url,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import (
    KV_ARGSPEC,
    NETSUITE_ARGSPEC,
    argument_spec,
    fail_with,
    finish,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import (
    finish_sync,
    probe_with_options,
    TaskDefinition,
)

PENDING_SUFFIX = "/pending"

PENDING_ARGSPEC = dict(pending_path=dict(type="str"))


def pending_path_of(ctx):
    """Where the pending key pair waits for its certificate ID: ``pending_path``, else
    ``<path>/pending``."""
    return ctx.params.get("pending_path") or ctx.params["path"].rstrip("/") + PENDING_SUFFIX


def validated_m2m(ctx, values, describe=None):
    """M2mCredentials from declared or pending values; every secret registered first."""
    ctx.hide([values.get(name) for name in M2M_SECRET_FIELDS])
    ctx.publish([values.get("certificate")])
    credentials, warnings = build_m2m_credentials(
        values, environment=ctx.params.get("environment"), algorithm=ctx.params.get("algorithm"),
        scopes=tuple(ctx.params.get("scope") or ("rest_webservices",)),
        min_days_left=ctx.params["min_days_left"], fail_days_left=ctx.params["fail_days_left"],
        describe=describe)
    ctx.hide(credentials.secret_values())
    ctx.publish([credentials.certificate_pem])
    ctx.warn(warnings)
    return credentials


# --- m2m_credential --------------------------------------------------------------------------

def _declared_values(ctx, pending, stored):
    """The five values (plus passphrase), the key and certificate taken from the pending key
    pair when ``use_pending_key`` is set."""
    values = {name: ctx.params.get(name) for name in M2M_DECLARED_ARGSPEC}
    if not ctx.params["use_pending_key"]:
        return values
    if not values.get("client_id"):
        values["client_id"] = _stored_client_id(ctx, stored)
    state = pending.read()
    if not state.exists:
        # A re-run after the pair was stored: the stored set for this certificate ID holds it.
        state = _promoted_already(ctx, stored, pending)
    ctx.hide([state.data.get("private_key")])
    ctx.publish([state.data.get("certificate")])
    values.update(private_key=state.data.get("private_key"), certificate=state.data.get("certificate"),
                  private_key_passphrase=None)
    return values


def _stored_client_id(ctx, stored):
    """A rotation keeps the integration record: its client ID is the one already stored."""
    state = stored.read()
    client_id = state.data.get("client_id") if state.exists else None
    if not client_id or stored_auth_type(state.data, state.custom_metadata) != "m2m":
        raise CredentialInputError(["client_id: is required (nothing stored at %s to take it from)" % stored.location])
    ctx.hide([client_id])
    return client_id


def _promoted_already(ctx, stored, pending):
    """The stored state when it holds M2M credentials for the declared certificate ID (the pending
    pair was stored by an earlier run), else _PendingMissing."""
    state = stored.read()
    certificate_id = str(ctx.params.get("certificate_id") or "").strip()
    if (state.exists and stored_auth_type(state.data, state.custom_metadata) == "m2m"
            and certificate_id and state.data.get("certificate_id") == certificate_id):
        return state
    raise _PendingMissing(pending.location, stored.location if state.exists else None)


class _PendingMissing(Exception):
    def __init__(self, pending_path, stored_path=None):
        super(_PendingMissing, self).__init__(pending_path)
        hint = ("Generate one with netsuite_ops.credentials.m2m_key_pair (same path%s), upload its "
                "certificate to NetSuite, then run this task with the new certificate ID."
                % (", rotate: true: %s holds credentials for another certificate ID" % stored_path
                   if stored_path else ""))
        self.failure = Failure("stored:missing", "No pending key pair at %s" % pending_path, hint)


def _store_m2m(ctx):
    if ctx.params["state"] == "absent":
        outcome = ensure_absent(ctx.vault_secret(), check_mode=ctx.check_mode)
        _remove_pending_too(ctx, ctx.vault_secret(pending_path_of(ctx)), outcome)
        return finish_sync(ctx, outcome)
    # Offline: the name goes to custom metadata, which Vault bounds (512 bytes, one line).
    integration_name = clean_token_name(ctx.params["integration_name"], name="integration_name")
    _require_declared_key(ctx)
    secret = ctx.vault_secret()
    pending = ctx.vault_secret(pending_path_of(ctx)) if ctx.params["use_pending_key"] else None
    try:
        values = _declared_values(ctx, pending, secret)
    except _PendingMissing as exc:
        return fail_with(ctx, exc.failure, changed=False)
    credentials = validated_m2m(ctx, values, describe=_pending_label if pending else None)
    base_url = resolve_netsuite_url(credentials.account, ctx.params["netsuite_url"])
    outcome = ensure_present(
        credentials, secret, lambda: probe_with_options(ctx, credentials, base_url),
        labels={"integration_name": integration_name},
        test_connection=ctx.params["test_connection"], check_mode=ctx.check_mode)
    if pending is not None and not outcome.failed and not ctx.check_mode:
        _retire_pending(pending, outcome)
    return finish_sync(ctx, outcome, account=dict(credentials.account.to_dict(), netsuite_url=base_url),
                       connection=outcome.connection, certificate=credentials.certificate.to_dict(),
                       algorithm=credentials.algorithm)


def _require_declared_key(ctx):
    """Offline, before Vault is even logged in to: without use_pending_key the whole set is given."""
    if ctx.params["use_pending_key"]:
        return
    missing = [name for name in ("client_id", "private_key", "certificate") if not ctx.params.get(name)]
    if missing:
        raise CredentialInputError(["%s: %s required with state present (or use_pending_key: true for a key "
                                    "pair made by m2m_key_pair)" % (", ".join(missing), "is" if len(missing) == 1 else "are")])


def _remove_pending_too(ctx, pending, outcome):
    """state absent removes a pending key pair as well: a private key must not outlive the
    credentials it was made for."""
    metadata = pending.read_metadata()
    if metadata is None:
        return
    outcome.changed = True
    if ctx.check_mode:
        pending.ensure_removable()
        outcome.msg += "; would remove the pending key pair at %s" % pending.location
        return
    pending.destroy_all(metadata)
    outcome.msg += "; removed the pending key pair at %s" % pending.location


def _pending_label(name):
    return "pending key pair's %s" % name if name in ("private_key", "certificate") else name


def _retire_pending(pending, outcome):
    """The key now lives at the credentials path: the pending copy goes (a warning when the
    token may not delete it; it holds the same key, so nothing is lost either way)."""
    denied = unless_denied(pending.destroy_all)
    if denied is not None:
        outcome.warnings.append(
            "The pending key pair at %s could not be removed (%s); delete it once the new "
            "credentials work" % (pending.location, denied))


M2M_CREDENTIAL = TaskDefinition(
    name="netsuite_ops.credentials.m2m_credential",
    argument_spec=argument_spec(
        M2M_DECLARED_ARGSPEC, NETSUITE_ARGSPEC, KV_ARGSPEC, PENDING_ARGSPEC,
        state=dict(type="str", choices=["present", "absent"], default="present"),
        integration_name=dict(type="str"),
        use_pending_key=dict(type="bool", default=False),
        test_connection=dict(type="bool", default=True),
    ),
    body=_store_m2m,
    rules=dict(
        # client_id, private_key and certificate: checked by _declared_values (a rotation takes
        # the stored client ID; use_pending_key takes the pending key and certificate).
        required_if=[("state", "present", ["account_id", "certificate_id"])],
        mutually_exclusive=[("use_pending_key", "private_key"), ("use_pending_key", "certificate"),
                            ("use_pending_key", "private_key_passphrase")],
    ),
    minimums=dict(netsuite_timeout=1),
)


# --- m2m_key_pair ----------------------------------------------------------------------------

def _subject_name(ctx, account):
    name = (ctx.params.get("integration_name") or "").strip()
    return "%s %s" % (name or "netsuite_ops", account.realm)


def _make_pending(ctx, account, pending, state):
    """Generate in memory, store at the pending path (check-and-set), return (data, version)."""
    private_key, certificate = generate_key_and_certificate(
        key_type=ctx.params["key_type"], valid_days=ctx.params["valid_days"],
        common_name=_subject_name(ctx, account), organization=ctx.params.get("organization"))
    ctx.hide([private_key])
    data = {"account_id": account.realm, "private_key": private_key, "certificate": certificate}
    version = pending.write(data, cas=state.current_version or 0)
    denied = unless_denied(lambda: pending.update_custom_metadata(dict(
        state.custom_metadata or {}, managed_by=MANAGED_BY, auth_type="m2m", purpose="pending M2M key pair")))
    if denied is not None:
        ctx.warn(["Custom metadata of the pending key pair at %s could not be written: %s"
                  % (pending.location, denied)])
    return data, version


def _certificate_summary(certificate_pem, account):
    """Fingerprint, subject and validity of a public certificate (its key is not needed)."""
    return dict(describe_certificate(certificate_pem).to_dict(), pem=certificate_pem, account=account.realm)


def _certificate_file_path(ctx):
    """The absolute ``certificate_file``, or None. Checked (a regular file or absent, in an
    existing writable directory) before anything is generated or stored, in check mode too.
    The action plugin has made a relative path absolute already (see the option's docs)."""
    path = ctx.params.get("certificate_file")
    if not path:
        return None
    path = os.path.expanduser(path)
    # Joined, never normalized: 'link/../x' is where the file system resolves it.
    path = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    try:
        return check_target(path, "certificate_file")
    except FileTargetError as exc:
        raise CredentialInputError([exc.failure.reason]) from None


def _write_certificate_file(ctx, path, certificate_pem):
    """Write the public certificate for the operator to upload (``path``: from
    _certificate_file_path); True when the file changed."""
    if read_regular(path) == certificate_pem.encode("utf-8"):
        return False
    if ctx.check_mode:
        return True
    write_file(path, certificate_pem, "certificate_file", mode=0o644)
    return True


def _checked_account(ctx):
    """The account, once every offline rule of the key pair holds (before Vault is used)."""
    account, account_warnings = parse_account_id(ctx.params["account_id"])
    ctx.warn(account_warnings)
    problems = subject_problems(ctx.params.get("integration_name"), account.realm, ctx.params.get("organization"))
    if problems:
        raise CredentialInputError(problems)
    valid_days = ctx.params["valid_days"]
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise CredentialInputError(["valid_days: must be from 1 to %d (NetSuite accepts certificates valid for at "
                                    "most two years)" % MAX_VALID_DAYS])
    return account


def _certificate_file_failure(ctx, path, certificate_pem, result):
    """Write ``certificate_file`` (``result`` says so); the failure when it cannot be written."""
    try:
        changed = _write_certificate_file(ctx, path, certificate_pem)
    except FileTargetError as exc:
        return exc.failure
    result.update(changed=changed or result["changed"], certificate_file=path)
    return None


def _key_pair(ctx):
    account = _checked_account(ctx)
    certificate_file = _certificate_file_path(ctx)
    secret = ctx.vault_secret()
    pending = ctx.vault_secret(pending_path_of(ctx))
    stored, waiting = secret.read(), pending.read()
    result = dict(changed=False, generated=False,
                  vault={"mount": pending.mount_point, "path": pending.path, "version": waiting.current_version,
                         "previous_version": waiting.current_version})
    if waiting.exists:
        ctx.hide([waiting.data.get("private_key")])
        if waiting.data.get("account_id") != account.realm:
            raise CredentialInputError(["account_id: the pending key pair at %s was made for another account; "
                                        "set pending_path, or remove it" % pending.location])
        certificate_pem = waiting.data.get("certificate")
        msg = "A pending key pair waits at %s for its certificate ID" % pending.location
    elif stored.exists and stored_auth_type(stored.data, stored.custom_metadata) == "m2m" and not ctx.params["rotate"]:
        ctx.hide([stored.data.get("private_key")])
        certificate_pem = stored.data.get("certificate")
        msg = "M2M credentials are stored at %s; set rotate: true to make a new key pair" % secret.location
    else:
        pending.ensure_writable(waiting)
        result.update(changed=True, generated=True)
        if ctx.check_mode:
            return finish(ctx, msg="Would generate a %s key pair and store it at %s (check mode)"
                          % (ctx.params["key_type"], pending.location), **result)
        data, version = _make_pending(ctx, account, pending, waiting)
        certificate_pem = data["certificate"]
        result["vault"]["version"] = version
        msg = "Generated a %s key pair; the private key is stored only at %s" % (ctx.params["key_type"], pending.location)
    ctx.publish([certificate_pem])
    failure = certificate_file and _certificate_file_failure(ctx, certificate_file, certificate_pem, result)
    if failure:
        # Vault may hold a new pending pair by now: the failure says so, changed included.
        return fail_with(ctx, Failure(failure.code, "%s; %s" % (failure.reason, msg), failure.hint), **result)
    return finish(ctx, msg=msg, certificate=_certificate_summary(certificate_pem, account), **result)


M2M_KEY_PAIR = TaskDefinition(
    name="netsuite_ops.credentials.m2m_key_pair",
    argument_spec=argument_spec(
        KV_ARGSPEC, PENDING_ARGSPEC,
        account_id=dict(type="str", required=True),
        integration_name=dict(type="str"),
        organization=dict(type="str"),
        key_type=dict(type="str", choices=list(KEY_TYPES), default="rsa3072"),
        valid_days=dict(type="int", default=MAX_VALID_DAYS),
        certificate_file=dict(type="path"),
        rotate=dict(type="bool", default=False),
    ),
    body=_key_pair,
)
