# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Bring one Vault path in line with declared credentials (TBA or M2M): read, compare, test, write.

The order is a contract (contract-notes): validate offline first (done by the caller), then one
Vault read; an unchanged path costs that read plus one NetSuite test; a path that needs a write
is checked for write permission before NetSuite is called, and is written with check-and-set
only after the test passed. ``store`` is a Kv2Secret and ``probe`` a zero-argument callable
returning a ProbeResult; this module imports neither side so each stays testable alone.
"""

import time
from dataclasses import dataclass, field

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_errors import unless_denied

MANAGED_BY = "netsuite_ops.credentials"
# Vault's and OpenBao's limits for KV v2 custom metadata: past them the metadata write is
# refused after the data version is written, and every re-run fails the same way.
CUSTOM_METADATA_MAX_KEYS = 64
CUSTOM_METADATA_KEY_MAX_BYTES = 128
CUSTOM_METADATA_VALUE_MAX_BYTES = 512
_STORED = "<stored>"
_CHANGED = "<changed>"
_ADDED = "<added>"


@dataclass
class SyncOutcome:
    changed: bool = False
    failure: Failure = None
    written: bool = False  # a data version was written (known from Vault's answer)
    msg: str = ""
    vault: dict = field(default_factory=dict)
    connection: dict = field(default_factory=lambda: {"tested": False})
    warnings: list = field(default_factory=list)
    diff: dict = None

    @property
    def failed(self):
        return self.failure is not None

    def fail(self, failure):
        self.failure, self.msg = failure, failure.message()


def _error_kind(exc):
    """Store errors carry a machine-readable ``kind`` (see _vault_connection.VaultConnectionError)."""
    return getattr(exc, "kind", None)


def desired_custom_metadata(credentials, token_name=None, labels=None):
    """environment, managed_by, the token name (or other ``labels`` given) and what the
    credentials say of themselves (``auth_type``; for M2M ``certificate_not_after``): a
    contract other tools read."""
    metadata = {"environment": credentials.environment, "managed_by": MANAGED_BY}
    metadata.update(_own_metadata(credentials))
    labels = dict(labels or {}, token_name=token_name)
    metadata.update((key, value) for key, value in labels.items() if value)
    return metadata


def custom_metadata_problems(metadata, source=None):
    """Where ``metadata`` breaks Vault's custom metadata limits, naming the key (or the option
    ``source`` maps it to), never the value."""
    source = source or {}
    problems = []
    if len(metadata) > CUSTOM_METADATA_MAX_KEYS:
        problems.append("custom metadata: at most %d keys in Vault (%d here)" % (CUSTOM_METADATA_MAX_KEYS, len(metadata)))
    for key, value in metadata.items():
        name = source.get(key, key)
        if len(str(key).encode("utf-8")) > CUSTOM_METADATA_KEY_MAX_BYTES:
            problems.append("custom metadata key %s: at most %d bytes in UTF-8 (Vault's limit)"
                            % (str(key)[:40], CUSTOM_METADATA_KEY_MAX_BYTES))
        elif len(str(value).encode("utf-8")) > CUSTOM_METADATA_VALUE_MAX_BYTES:
            problems.append("%s: must be at most %d bytes in UTF-8 (Vault's limit for a custom metadata value)"
                            % (name, CUSTOM_METADATA_VALUE_MAX_BYTES))
    return problems


def _own_metadata(credentials):
    describe = getattr(credentials, "custom_metadata", None)
    return describe() if describe else {"auth_type": getattr(credentials, "auth_type", "tba")}


def stored_data_matches(credentials, data):
    """Whether ``data`` (a stored version, or None) already holds ``credentials``. M2M compares
    parsed keys and certificates (PKCS#1 or PKCS#8, any line endings: the same key), TBA the
    exact values."""
    if data is None:
        return False
    matches = getattr(credentials, "matches_stored", None)
    return matches(data) if matches else data == credentials.as_vault_data()


def _metadata_differs(current, desired):
    current = current or {}
    return any(current.get(key) != value for key, value in desired.items())


def _key_markers(before, after):
    """Key-level view of a change: which keys are added, changed or removed, never a value."""
    before, after = before or {}, after or {}
    shown_before = {key: _STORED for key in sorted(before)}
    shown_after = {}
    for key in sorted(after):
        if key not in before:
            shown_after[key] = _ADDED
        else:
            shown_after[key] = _STORED if before[key] == after[key] else _CHANGED
    return shown_before, shown_after


def masked_diff(store_label, before_data, after_data, before_meta=None, after_meta=None):
    """Before/after for diff mode. Ansible renders it as a unified diff, so a changed key shows
    as a line going from <stored> to <changed>; removed keys appear only before."""
    data_before, data_after = _key_markers(before_data, after_data)
    meta_before, meta_after = _key_markers(before_meta, after_meta)
    return {"before": {"data": data_before, "custom_metadata": meta_before},
            "after": {"data": data_after, "custom_metadata": meta_after},
            "before_header": store_label + " (stored)", "after_header": store_label + " (declared)"}


def _vault_result(store, version, previous_version):
    return {"mount": store.mount_point, "path": store.path,
            "version": version, "previous_version": previous_version}


def _run_probe(probe, outcome):
    result = probe()
    outcome.connection = result.to_dict()
    outcome.warnings.extend(result.warnings)
    if not result.ok:
        outcome.fail(result.failure())
    return result.ok


def ensure_present(credentials, store, probe, *, token_name=None, labels=None, test_connection=True,
                   check_mode=False):
    """Make ``store`` hold ``credentials``. Returns a SyncOutcome; Vault errors propagate, with
    what was known when they happened (versions read, connection test) as their ``outcome``."""
    outcome = SyncOutcome()
    desired_meta = desired_custom_metadata(credentials, token_name, labels)
    problems = custom_metadata_problems(desired_meta)
    if problems:  # before the first read: a refused metadata write would follow the data write
        outcome.fail(Failure("input:invalid", "Invalid input: %s" % "; ".join(problems),
                             "Nothing was tested or written: shorten the value(s) named and run again."))
        return outcome
    try:
        return _ensure_present(outcome, credentials, store, probe, test_connection=test_connection,
                               check_mode=check_mode, desired_meta=desired_meta)
    except Exception as exc:
        if _error_kind(exc) is not None:
            exc.outcome = outcome
        raise


@dataclass
class _Plan:
    """What the read found and what the declared credentials need of it."""

    state: object  # the store's read: current_version, data, custom_metadata
    desired: dict
    desired_meta: dict
    data_changes: bool
    meta_changes: bool
    merged_meta: dict  # the store replaces custom metadata whole: keep keys other tools put there

    @classmethod
    def of(cls, credentials, state, desired_meta):
        current_data = state.data if state.exists else None
        return cls(state, credentials.as_vault_data(), desired_meta,
                   data_changes=not stored_data_matches(credentials, current_data),
                   meta_changes=_metadata_differs(state.custom_metadata, desired_meta),
                   merged_meta=dict(state.custom_metadata or {}, **desired_meta))

    def take_winner(self, winner):
        """Another writer stored exactly these credentials: compare the metadata with theirs,
        which they may have written already."""
        self.data_changes = False
        self.merged_meta = dict(winner.custom_metadata or {}, **self.desired_meta)
        self.meta_changes = _metadata_differs(winner.custom_metadata, self.desired_meta)


def _ensure_present(outcome, credentials, store, probe, *, test_connection, check_mode, desired_meta):
    state = store.read()
    previous = state.current_version
    outcome.vault = _vault_result(store, previous, previous)
    plan = _Plan.of(credentials, state, desired_meta)
    current_data = state.data if state.exists else None
    # Unchanged data is shown as stored: M2M data equal in meaning may differ in spelling.
    outcome.diff = masked_diff(store.location, current_data, plan.desired if plan.data_changes else current_data,
                               state.custom_metadata, plan.merged_meta)
    if _too_many_metadata_keys(plan, store.location, outcome):
        return outcome
    if plan.data_changes:
        store.ensure_writable(state)
    if test_connection and not _run_probe(probe, outcome):
        return outcome
    if _nothing_to_write(plan, store.location, outcome, check_mode):
        return outcome
    return _apply(plan, credentials, store, outcome)


def _nothing_to_write(plan, label, outcome, check_mode):
    """True (with the message said) when the path already holds it all, or in check mode."""
    if not plan.data_changes and not plan.meta_changes:
        outcome.msg = "Credentials already stored at %s, version %s" % (label, plan.state.current_version)
        return True
    outcome.changed = True
    if check_mode:
        outcome.msg = "Would %s %s (check mode)" % ("write" if plan.data_changes else "update metadata of", label)
    return check_mode


def _too_many_metadata_keys(plan, label, outcome):
    """Other tools' keys plus ours: Vault would refuse the metadata after the data write."""
    if not plan.meta_changes or len(plan.merged_meta) <= CUSTOM_METADATA_MAX_KEYS:
        return False
    outcome.fail(Failure(
        "vault:invalid_request", "The custom metadata of %s would have %d keys; Vault allows %d"
        % (label, len(plan.merged_meta), CUSTOM_METADATA_MAX_KEYS),
        "Nothing was tested or written: remove custom metadata keys other tools put on the path."))
    return True


def _apply(plan, credentials, store, outcome):
    """Write the data (check-and-set) if it changed, then the custom metadata if it changed."""
    previous = plan.state.current_version
    version = previous
    if plan.data_changes:
        version = _write_data(plan, credentials, store, outcome)
        if outcome.failed:
            return outcome
    outcome.vault["version"] = version
    created = version if plan.data_changes and previous is None else None
    metadata_written = plan.meta_changes and _write_metadata(store, plan.merged_meta, outcome, created)
    outcome.changed = plan.data_changes or metadata_written
    if metadata_written and _superseded_meanwhile(store, version, plan.merged_meta, outcome):
        return outcome
    outcome.msg = _written_message(plan, metadata_written, store.location, version)
    return outcome


def _written_message(plan, metadata_written, label, version):
    if plan.data_changes:
        return "Stored credentials at %s, version %s" % (label, version)
    if metadata_written:
        return "Updated custom metadata of %s" % label
    return "Credentials already stored at %s, version %s" % (label, version)


def _write_data(plan, credentials, store, outcome):
    """The version now current after writing ``plan.desired``; on a check-and-set conflict lost
    to a writer of the same data, theirs (and ``plan`` compares metadata with theirs)."""
    try:
        version = store.write(plan.desired, cas=plan.state.current_version or 0)
    except Exception as exc:
        if _error_kind(exc) != "cas_conflict":
            raise
        winner = _resolve_conflict(store, credentials, outcome)
        if not outcome.failed:
            plan.take_winner(winner)
        return winner.current_version
    # From here on the task has changed Vault, whatever fails next.
    outcome.written = True
    outcome.vault["version"] = version
    return version


def _resolve_conflict(store, credentials, outcome):
    """Re-read once after a check-and-set conflict: the winner may have written the same data.
    Returns what the re-read found."""
    winner = store.read()
    if winner.exists and stored_data_matches(credentials, winner.data):
        return winner
    outcome.changed = False
    outcome.fail(Failure(
        "vault:concurrent_writer",
        "Another writer changed %s while this task ran, to version %s; nothing was written"
        % (store.location, winner.current_version),
        "Re-run to compare against the new version."))
    outcome.vault["version"] = winner.current_version
    return winner


def _superseded_meanwhile(store, version, custom_metadata, outcome):
    """Custom metadata has no check-and-set: after writing it, make sure no other writer stored a
    newer version meanwhile, or the metadata just written may describe their data, not ours."""
    current = (_metadata_once_caught_up(store, version, custom_metadata) or {}).get("current_version")
    if current == version:
        return False
    outcome.vault["version"] = current
    outcome.fail(Failure(
        "vault:concurrent_writer",
        "Another writer stored version %s of %s while this task wrote version %s and its custom "
        "metadata, which may now describe their data" % (current, store.location, version),
        "Nothing was lost (every version is kept); re-run the task whose credentials should be current."))
    return True


# A read-enabled standby (OpenBao's default with Raft storage) answers reads from its own copy,
# which may lag the active node by a moment: right after a write it may not know the new version.
_CATCH_UP_TRIES = 10
_CATCH_UP_PAUSE = 0.3


def _metadata_once_caught_up(store, version, custom_metadata=None):
    """The path's metadata, re-read (bounded, about 3 s) while the node answering still shows an
    older version than `version`, which this task has just written, or (with ``custom_metadata``,
    just written too) other custom metadata at that same version: the task then reads its own
    writes, and so does the next run through the same node."""
    metadata = store.read_metadata()
    for _attempt in range(_CATCH_UP_TRIES):
        current = (metadata or {}).get("current_version")
        if current is not None and (current > version or (current == version and (
                custom_metadata is None or (metadata.get("custom_metadata") or {}) == custom_metadata))):
            break
        time.sleep(_CATCH_UP_PAUSE)
        metadata = store.read_metadata()
    return metadata


def _write_metadata(store, custom_metadata, outcome, created_version=None):
    """Custom metadata is descriptive: a token without rights on it gets a warning, not a failure.

    created_version: the version this task just wrote at a path that had none. A standby that has
    not yet seen that write decides the metadata update is a 'create' and denies it to a policy
    with only 'update' on metadata (as the README recommends): once it has caught up, try again.
    """
    denied = unless_denied(lambda: store.update_custom_metadata(custom_metadata))
    if denied is None:
        return True
    if created_version is not None and _denied_by_a_lagging_node(store, custom_metadata, created_version):
        return True
    outcome.warnings.append(
        "Custom metadata (environment, token name) of %s could not be written: %s" % (store.location, denied))
    return False


def _denied_by_a_lagging_node(store, custom_metadata, version):
    """True when the metadata update succeeds once the node shows `version`; False when it is
    still denied, or the token may not even read the metadata (the denial was genuine)."""
    def caught_up_then_update():
        _metadata_once_caught_up(store, version)
        store.update_custom_metadata(custom_metadata)

    return unless_denied(caught_up_then_update) is None


def ensure_absent(store, check_mode=False):
    """Remove the secret and all its versions; idempotent."""
    outcome = SyncOutcome()
    metadata = store.read_metadata()
    previous = metadata.get("current_version") if metadata else None
    outcome.vault = _vault_result(store, previous, previous)
    label = store.location
    if metadata is None:
        outcome.msg = "Nothing stored at %s" % label
        return outcome
    outcome.changed = True
    outcome.diff = {"before": {"versions": previous}, "after": {},
                    "before_header": label, "after_header": label}
    if check_mode:
        store.ensure_removable()
        outcome.msg = "Would remove %s and all its versions (check mode)" % label
        return outcome
    store.destroy_all(metadata)
    outcome.vault["version"] = None
    outcome.msg = "Removed %s and all its versions" % label
    return outcome
