# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""One secret path on a KV version 2 engine, with the few operations the modules need.

Every method sends the fewest requests that answer its question (the counts are part of the
modules' cost budget) and raises VaultConnectionError, never an hvac or requests exception.
"""

from dataclasses import dataclass, field
from typing import Optional

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_layout import stored_size_problem
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VaultConnectionError,
    import_hvac,
    not_vault_error,
    translate_error,
    translated_errors,
)


# Vault's own API prefixes: a KV engine can never be mounted there.
_RESERVED_MOUNTS = ('sys', 'auth', 'identity', 'cubbyhole')
# Characters that change how a URL is routed (query, fragment, escapes) before Vault sees a path.
_MISROUTING = frozenset('?#%\\')


def kv2_location(mount_point, path):
    """(mount, path) as Vault will route them; refuses what would land somewhere unexpected.

    A path pasted from the UI or the CLI often carries the mount and 'data/' (secret/data/x), or
    a leading slash: KV v2 would then store the secret at secret/data/secret/data/x. Nothing is
    silently rewritten: a value that does not say exactly where the secret goes is an error.
    """
    mount = _checked_segments('engine_mount_point', mount_point, trailing_slash=True)
    if mount.split('/', 1)[0].lower() in _RESERVED_MOUNTS:
        raise _location_error('engine_mount_point', "starts with one of Vault's own API paths (%s), not "
                              'a secrets engine mount' % ', '.join(_RESERVED_MOUNTS))
    inner = _checked_segments('path', path, trailing_slash=False)
    for prefix in ('%s/data/' % mount, '%s/metadata/' % mount, '%s/' % mount, 'data/', 'metadata/'):
        if inner.startswith(prefix):
            raise _location_error(
                'path', "starts with '%s': give the path under the mount, e.g. '%s'"
                % (prefix, inner[len(prefix):]))
    return mount, inner


def _checked_segments(option, value, trailing_slash):
    """The value as given (a mount may end in one '/', which is dropped), or a config error."""
    text = '' if value is None else str(value)
    if not text.strip():
        raise _location_error(option, 'must not be empty')
    if any(char.isspace() or not char.isprintable() for char in text):
        raise _location_error(option, 'must not contain spaces, line breaks or control characters')
    if any(char in _MISROUTING for char in text):
        raise _location_error(option, "must not contain '?', '#', '%' or a backslash (they change where "
                              'the request is routed)')
    if text.startswith('/'):
        raise _location_error(option, "must not start with '/'")
    if trailing_slash and text.endswith('/'):
        text = text[:-1]
    elif text.endswith('/'):
        raise _location_error(option, "must not end with '/'")
    if any(part in ('', '.', '..') for part in text.split('/')):
        raise _location_error(option, "must not contain empty ('//'), '.' or '..' segments")
    return text


def _location_error(option, problem):
    hints = {
        'engine_mount_point': 'engine_mount_point is the KV version 2 mount, as `bao secrets list` '
                              'shows it (default secret)',
        'path': "path is the secret's path under engine_mount_point, without the mount, 'data/' or "
                "'metadata/', e.g. netsuite/1234567_SB1/tba",
    }
    return VaultConnectionError('config', '%s: %s' % (option, problem), hints[option])


@dataclass(frozen=True)
class KvSecretState:
    """What one read found.

    exists: a live version was returned (not soft-deleted, not destroyed, not expired).
    current_version: the version the read described, also when it is deleted or destroyed: for a
        read of the latest version, the metadata's current_version (the cas for the next write).
        None when nothing was ever written (or the metadata was deleted).
    data: the stored data when exists, else None. Left out of repr().
    custom_metadata: the path's custom metadata, {} when there is none.
    created_time: when the version read was created, None when nothing was written.
    oversized: why the stored data is too large to work on (names the key and the limit), or
        None. Such data is never handed out: ``data`` is then {}, so a check refuses it and a
        write may replace it, and no value of it is registered as a secret or parsed.
    """

    exists: bool
    current_version: Optional[int]
    data: Optional[dict] = field(repr=False)
    custom_metadata: dict
    created_time: Optional[str]
    oversized: Optional[str] = None


class Kv2Secret:
    """The secret at `path` on the KV v2 engine mounted at `mount_point`."""

    def __init__(self, client, mount_point, path):
        self._client = client
        self.mount_point, self.path = kv2_location(mount_point, path)
        self.data_path = '%s/data/%s' % (self.mount_point, self.path)
        self._kv2_mount_proven = False
        self.metadata_path = '%s/metadata/%s' % (self.mount_point, self.path)

    @property
    def location(self):
        """The secret as messages name it: path and mount apart, as `bao kv get -mount=<mount>
        <path>` takes them. The API paths (<mount>/data/<path>) are for policies and their hints."""
        return '%s (mount %s)' % (self.path, self.mount_point)

    @property
    def _kv(self):
        return self._client.secrets.kv.v2

    def read(self, version=None):
        """Read the latest version (or `version`) in exactly one request (two when no KV v2 engine
        answers, to say which engine does)."""
        not_found = import_hvac().exceptions.InvalidPath
        engine_missing = None
        with translated_errors('read', self.data_path):
            try:
                body = self._kv.read_secret_version(
                    path=self.path, version=version, mount_point=self.mount_point, raise_on_deleted_version=True)
            except not_found as exc:
                # A deleted or destroyed version answers 404 with its metadata in the body.
                if not exc.errors:
                    return _state_from_body(exc.json, live=False, path=self.data_path)
                engine_missing = exc
        if engine_missing is not None:
            # Errors listed: no KV v2 engine answers here. Outside the except clause, so the
            # client's exception is not chained to ours.
            self.require_kv2_mount()
            raise translate_error(engine_missing, 'read', self.data_path) from None
        try:
            return _state_from_body(_vault_json(body, 'read', self.data_path), live=True, path=self.data_path)
        except _NoKv2Metadata:
            pass
        # A 200 without KV v2 metadata: a KV version 1 engine (or another) at this mount says so;
        # if KV v2 is really mounted here, what answered is not Vault (a stand-in, a proxy).
        self.require_kv2_mount()
        raise not_vault_error('read', self.data_path, 'a successful read without the secret\'s data and metadata')

    def ensure_writable(self, state):
        """Fail unless a write of this path can succeed: the token holds the capability the write
        needs, and the mount is KV version 2. Meant to run before any costly work.

        A read that found version metadata proves a KV v2 mount; only an empty read (which a KV
        v1 engine also gives for 'data/...') costs the mount lookup."""
        # Vault checks 'update' whenever metadata exists (also with every version deleted).
        needed = 'create' if state.current_version is None else 'update'
        self._require_capability(needed)
        if state.current_version is None and not self._kv2_mount_proven:
            self.require_kv2_mount()

    def write(self, data, cas):
        """Write `data` as a new version, only if the current version is `cas` (0: no version yet;
        None: unconditional). Returns the new version number."""
        capability = {None: 'create/update', 0: 'create'}.get(cas, 'update')
        with translated_errors('write', self.data_path, capability):
            body = self._kv.create_or_update_secret(path=self.path, secret=data, cas=cas, mount_point=self.mount_point)
        return _vault_json(body, 'write', self.data_path, 'data', 'version')

    def update_custom_metadata(self, custom_metadata):
        """Replace the path's custom metadata with `custom_metadata` (merge with
        KvSecretState.custom_metadata first to keep other keys).

        A POST naming only custom_metadata leaves max_versions, cas_required and
        delete_version_after as they are, and needs just 'update' on the metadata path (a PATCH
        would need the extra 'patch' capability; hvac's update_metadata resets
        delete_version_after).
        """
        url = self._api_url('/v1/{mount_point}/metadata/{path}')
        with translated_errors('update', self.metadata_path):
            self._client.adapter.post(url, json={'custom_metadata': custom_metadata})

    def destroy_all(self, metadata=None):
        """Delete every version and the metadata. Returns False (without deleting) when nothing
        is stored. `metadata`: what read_metadata() returned, when the caller has it already."""
        if (metadata or self.read_metadata()) is None:
            return False
        with translated_errors('delete', self.metadata_path):
            self._kv.delete_metadata_and_all_versions(path=self.path, mount_point=self.mount_point)
        return True

    def read_metadata(self):
        """The metadata as Vault returns it (current_version, created_time, updated_time,
        custom_metadata, max_versions, versions keyed by version number as a string, ...),
        or None when the path has none."""
        not_found = import_hvac().exceptions.InvalidPath
        with translated_errors('read', self.metadata_path):
            try:
                body = self._kv.read_secret_metadata(path=self.path, mount_point=self.mount_point)
                return _vault_json(body, 'read', self.metadata_path, 'data')
            except not_found as exc:
                if exc.errors:
                    raise
                return None

    def _require_capability(self, needed, path=None):
        path = path or self.data_path
        with translated_errors('use', 'sys/capabilities-self', 'update'):
            body = self._client.sys.get_capabilities(paths=[path])
        granted = _vault_json(body, 'use', 'sys/capabilities-self').get('data', {}).get(path, [])
        if not isinstance(granted, list):
            raise not_vault_error('use', 'sys/capabilities-self', 'capabilities are a %s' % type(granted).__name__)
        if needed in granted or 'root' in granted:
            return
        what = ("'create' writes a new secret, 'update' replaces an existing one, also a deleted one"
                if path == self.data_path else "'delete' on the metadata path removes every version")
        raise VaultConnectionError(
            'permission_denied',
            "Permission denied: the token lacks '%s' on '%s' (it has: %s)"
            % (needed, path, ', '.join(str(item) for item in granted) or 'nothing'),
            "Grant '%s' on '%s' in the token's policy: %s" % (needed, path, what))

    def ensure_removable(self):
        """Fail unless the token may delete the metadata (every version): one request, for check
        mode, so it never promises a removal the real run cannot do."""
        self._require_capability('delete', self.metadata_path)

    def require_kv2_mount(self):
        """Fail with the right kind unless a KV version 2 engine serves this mount (one request,
        once: a check that found nothing stored has asked already)."""
        mount = self._mount_info()
        if isinstance(mount, dict) and 'type' not in mount:
            # Vault names the engine of every mount it lists: this answer is not Vault's.
            raise not_vault_error('look up the mount of', self.data_path, 'a mount without its type')
        if mount is None or mount.get('path') != self.mount_point + '/':
            raise VaultConnectionError(
                'missing_mount', "No secrets engine is mounted at '%s/'" % self.mount_point,
                'Check the mount point, or enable KV version 2 there '
                '(bao secrets enable -path=%s -version=2 kv)' % self.mount_point)
        engine = mount.get('type')
        version = str((mount.get('options') or {}).get('version', '1'))
        if engine == 'kv' and version == '2':
            self._kv2_mount_proven = True
            return
        if engine in ('kv', 'generic'):
            raise VaultConnectionError(
                'kv_v1_mount', "'%s/' is a KV version 1 engine; this collection writes KV version 2" % self.mount_point,
                'Use a KV v2 mount, or upgrade this one (bao kv enable-versioning %s)' % self.mount_point)
        raise VaultConnectionError(
            'missing_mount', "'%s/' is a %s engine, not KV version 2" % (self.mount_point, engine),
            'Check the mount point')

    def _mount_info(self):
        """The mount serving this path (type, options, path), or None when there is none."""
        url = self._api_url('/v1/sys/internal/ui/mounts/{mount_point}/{path}')
        forbidden = import_hvac().exceptions.Forbidden
        with translated_errors('look up the mount of', self.data_path, 'read'):
            try:
                return _vault_json(self._client.adapter.get(url), 'look up the mount of', self.data_path, 'data')
            except forbidden:
                # Reached only after the capability check passed: a token with a capability under
                # a mount may always look it up, so a 403 here means no such mount.
                return None

    def _api_url(self, template):
        return import_hvac().utils.format_url(template, mount_point=self.mount_point, path=self.path)


def _vault_json(body, action, path, *keys):
    """``body`` (or the value under ``keys``) when it is what Vault's JSON API answers; hvac hands
    back a bare response for a 2xx that is not JSON, as a proxy, a login portal or another web
    server gives when vault.url points at it."""
    value = body
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(body, dict) and value is not None:
        return value
    raise not_vault_error(action, path, 'no Vault JSON in a successful answer')


def _state_from_body(body, live, path='the secret'):
    """What a data read found. Vault's answer is checked shape by shape: a proxy or a broken
    server may send JSON of other types, which must not become a Python error."""
    block = _typed((_typed(body, dict, path, 'the answer') or {}).get('data'), dict, path, 'data') or {}
    metadata = _typed(block.get('metadata'), dict, path, 'data.metadata')
    if not metadata and live:
        # KV v2 answers a missing secret with 404, never a 200 without the version's metadata:
        # Kv2Secret.read asks which engine (or what) answered instead.
        raise _NoKv2Metadata()
    if not metadata:
        return KvSecretState(exists=False, current_version=None, data=None, custom_metadata={}, created_time=None)
    data = dict(_typed(block.get('data'), dict, path, 'data.data') or {}) if live else None
    # Sizes first, on the raw answer: nothing else may touch a value before its size is known.
    oversized = stored_size_problem(data)
    return KvSecretState(
        exists=live,
        current_version=_typed(metadata.get('version'), int, path, 'data.metadata.version'),
        data={} if oversized else data,
        custom_metadata=dict(_typed(metadata.get('custom_metadata'), dict, path, 'custom_metadata') or {}),
        created_time=_typed(metadata.get('created_time'), str, path, 'data.metadata.created_time'),
        oversized=oversized,
    )


class _NoKv2Metadata(Exception):
    """A successful read answered without KV v2's version metadata."""


def _typed(value, kind, path, field_name):
    """``value`` if it is None or of ``kind`` (an int given as digits is accepted), else an error."""
    if value is None or (isinstance(value, kind) and not (kind is int and isinstance(value, bool))):
        return value
    if kind is int and isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise not_vault_error('read', path, '%s is a %s' % (field_name, type(value).__name__))
