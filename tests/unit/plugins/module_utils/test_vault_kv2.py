# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Kv2Secret against a real OpenBao dev server; every outcome is checked with the server's raw API."""

import secrets
import uuid

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import connect
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import VaultConnectionError
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret, KvSecretState, kv2_location

READ_ONLY = 'path "secret/data/*" { capabilities = ["read"] }'
CREATE_ONLY = 'path "secret/data/*" { capabilities = ["create", "read"] }'


def credentials():
    """Data shaped like the real thing: long random hex values that cannot collide with text."""
    return {'consumer_secret': secrets.token_hex(32), 'token_secret': secrets.token_hex(32)}


def unique(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:8])


def secret_as(openbao, token, mount, path):
    return Kv2Secret(connect({'url': openbao.url, 'token': token}), mount, path)


@pytest.fixture
def secret(root_client, path):
    return Kv2Secret(root_client, 'secret', path)


class TestRead:
    def test_never_written_path_is_absent_in_one_request(self, openbao, root_client, secret, request_counter):
        requests_sent = request_counter(root_client)
        state = secret.read()
        assert state == KvSecretState(exists=False, current_version=None, data=None, custom_metadata={},
                                      created_time=None)
        assert len(requests_sent) == 1
        assert openbao.kv2_read_raw('secret', secret.path) is None

    def test_live_secret_in_one_request(self, openbao, root_client, secret, request_counter):
        data = credentials()
        openbao.kv2_write_raw('secret', secret.path, data)
        requests_sent = request_counter(root_client)
        state = secret.read()
        raw_metadata = openbao.kv2_read_raw('secret', secret.path)['data']['metadata']
        assert (state.exists, state.current_version, state.data) == (True, 1, data)
        assert state.created_time == raw_metadata['created_time']
        assert len(requests_sent) == 1

    def test_unchanged_secret_reads_the_same_and_writes_nothing(self, openbao, secret):
        openbao.kv2_write_raw('secret', secret.path, credentials())
        assert secret.read() == secret.read()
        assert openbao.kv2_metadata_raw('secret', secret.path)['data']['current_version'] == 1

    def test_given_version(self, openbao, secret):
        first = credentials()
        openbao.kv2_write_raw('secret', secret.path, first)
        openbao.kv2_write_raw('secret', secret.path, credentials())
        state = secret.read(version=1)
        assert (state.exists, state.current_version, state.data) == (True, 1, first)

    def test_soft_deleted_latest_is_absent_but_keeps_its_version(self, openbao, secret):
        openbao.kv2_write_raw('secret', secret.path, credentials())
        openbao.kv2_delete_latest('secret', secret.path)
        state = secret.read()
        assert (state.exists, state.current_version, state.data) == (False, 1, None)
        assert state.created_time

    def test_destroyed_latest_is_absent_but_keeps_its_version(self, openbao, secret):
        # Destroyed without a soft delete first: deletion_time stays empty, which hvac's own
        # raise_on_deleted_version=False handling does not recognise.
        openbao.kv2_write_raw('secret', secret.path, credentials())
        openbao.kv2_write_raw('secret', secret.path, credentials())
        openbao.kv2_destroy('secret', secret.path, [2])
        state = secret.read()
        assert (state.exists, state.current_version, state.data) == (False, 2, None)
        assert openbao.kv2_read_raw('secret', secret.path)['data']['metadata']['deletion_time'] == ''

    def test_custom_metadata_comes_with_the_data(self, openbao, secret):
        openbao.kv2_write_raw('secret', secret.path, credentials())
        openbao.kv2_write_metadata_raw('secret', secret.path, custom_metadata={'environment': 'sandbox'})
        assert secret.read().custom_metadata == {'environment': 'sandbox'}

    def test_repr_shows_no_data(self, openbao, secret):
        data = credentials()
        openbao.kv2_write_raw('secret', secret.path, data)
        state = secret.read()
        for value in data.values():
            assert value not in repr(state)

    def test_missing_mount(self, root_client, path, expect_error):
        with expect_error('missing_mount') as caught:
            Kv2Secret(root_client, 'no-such-mount', path).read()
        assert "mounted at 'no-such-mount/'" in str(caught.value)

    def test_other_engine_is_named_on_read(self, openbao, root_client, path, expect_error):
        mount = unique('transit')
        openbao.api('POST', 'sys/mounts/%s' % mount, {'type': 'transit'})
        with expect_error('missing_mount') as caught:
            Kv2Secret(root_client, mount, path).read()
        assert 'is a transit engine, not KV version 2' in str(caught.value)
        assert 'write the secret first' not in str(caught.value)

    def test_kv_version_1_is_named_when_asked(self, openbao, root_client, path, expect_error):
        mount = unique('kv-version-1')
        openbao.enable_kv(mount, version=1)
        secret = Kv2Secret(root_client, mount, path)
        assert secret.read().current_version is None  # KV v1 answers 'data/...' like an empty path
        with expect_error('kv_v1_mount'):
            secret.require_kv2_mount()

    def test_denied_read_names_the_capability(self, openbao, path, token_for, expect_error):
        token = token_for('path "secret/data/*" { capabilities = ["create"] }')
        with expect_error('permission_denied', token) as caught:
            secret_as(openbao, token, 'secret', path).read()
        assert "'read'" in caught.value.hint


class TestWrite:
    def test_cas_0_creates_version_1(self, openbao, secret):
        data = credentials()
        assert secret.write(data, cas=0) == 1
        raw = openbao.kv2_read_raw('secret', secret.path)
        assert raw['data']['data'] == data
        assert secret.read().data == data

    def test_cas_conflict_when_another_writer_won(self, openbao, secret, expect_error):
        secret.write(credentials(), cas=0)
        state = secret.read()
        theirs = credentials()
        openbao.kv2_write_raw('secret', secret.path, theirs)
        ours = credentials()
        with expect_error('cas_conflict', *ours.values()):
            secret.write(ours, cas=state.current_version)
        assert openbao.kv2_read_raw('secret', secret.path)['data']['data'] == theirs

    def test_after_soft_delete_cas_is_the_current_version(self, openbao, secret, expect_error):
        openbao.kv2_write_raw('secret', secret.path, credentials())
        openbao.kv2_delete_latest('secret', secret.path)
        state = secret.read()
        with expect_error('cas_conflict'):
            secret.write(credentials(), cas=0)
        data = credentials()
        assert secret.write(data, cas=state.current_version) == 2
        assert openbao.kv2_read_raw('secret', secret.path)['data']['data'] == data

    def test_after_destroy_cas_is_the_current_version(self, openbao, secret):
        openbao.kv2_write_raw('secret', secret.path, credentials())
        openbao.kv2_destroy('secret', secret.path, [1])
        data = credentials()
        assert secret.write(data, cas=secret.read().current_version) == 2
        assert openbao.kv2_read_raw('secret', secret.path)['data']['data'] == data

    def test_cas_required_mount(self, openbao, root_client, path, expect_error):
        mount = unique('kv-cas-required')
        openbao.enable_kv(mount, cas_required=True)
        secret = Kv2Secret(root_client, mount, path)
        assert secret.write(credentials(), cas=0) == 1
        assert secret.write(credentials(), cas=1) == 2
        data = credentials()
        with expect_error('invalid_request', *data.values()) as caught:
            secret.write(data, cas=None)
        assert 'cas_required' in str(caught.value)
        assert openbao.kv2_metadata_raw(mount, path)['data']['current_version'] == 2

    def test_denied_write(self, openbao, path, token_for, expect_error):
        token = token_for(READ_ONLY)
        data = credentials()
        with expect_error('permission_denied', token, *data.values()):
            secret_as(openbao, token, 'secret', path).write(data, cas=0)
        assert openbao.kv2_read_raw('secret', path) is None


class TestEnsureWritable:
    def test_root_token_in_two_requests_without_writing(self, openbao, root_client, secret, request_counter):
        state = secret.read()
        requests_sent = request_counter(root_client)
        secret.ensure_writable(state)
        assert len(requests_sent) == 2
        assert openbao.kv2_read_raw('secret', secret.path) is None

    def test_an_existing_secret_needs_only_the_capability_check(self, openbao, root_client, secret, request_counter):
        openbao.kv2_write_raw('secret', secret.path, credentials())
        state = secret.read()
        requests_sent = request_counter(root_client)
        secret.ensure_writable(state)
        assert [url.split('/v1/')[1] for url in requests_sent] == ['sys/capabilities-self']

    def test_read_only_token_fails_naming_create_for_a_new_secret(self, openbao, path, token_for, expect_error):
        token = token_for(READ_ONLY)
        secret = secret_as(openbao, token, 'secret', path)
        with expect_error('permission_denied', token) as caught:
            secret.ensure_writable(secret.read())
        assert "'create' on 'secret/data/%s'" % path in str(caught.value)

    def test_read_only_token_fails_naming_update_for_an_existing_one(self, openbao, path, token_for, expect_error):
        openbao.kv2_write_raw('secret', path, credentials())
        token = token_for(READ_ONLY)
        secret = secret_as(openbao, token, 'secret', path)
        with expect_error('permission_denied', token) as caught:
            secret.ensure_writable(secret.read())
        assert "'update'" in str(caught.value)

    def test_create_only_token_may_write_a_new_secret(self, openbao, path, token_for):
        secret = secret_as(openbao, token_for(CREATE_ONLY), 'secret', path)
        secret.ensure_writable(secret.read())
        assert secret.write(credentials(), cas=0) == 1

    @pytest.mark.parametrize('removal', ['soft_delete', 'destroy'])
    def test_create_only_token_may_not_replace_a_removed_secret(self, openbao, path, token_for, expect_error,
                                                                removal):
        # Vault wants 'update' as long as metadata exists: the preflight must agree with the write.
        openbao.kv2_write_raw('secret', path, credentials())
        if removal == 'soft_delete':
            openbao.kv2_delete_latest('secret', path)
        else:
            openbao.kv2_destroy('secret', path, [1])
        token = token_for(CREATE_ONLY)
        secret = secret_as(openbao, token, 'secret', path)
        state = secret.read()
        with expect_error('permission_denied', token) as caught:
            secret.ensure_writable(state)
        assert "'update'" in str(caught.value)
        with expect_error('permission_denied', token):
            secret.write(credentials(), cas=state.current_version)

    def test_kv_version_1_mount(self, openbao, root_client, path, expect_error):
        mount = unique('kv-version-1')
        openbao.enable_kv(mount, version=1)
        secret = Kv2Secret(root_client, mount, path)
        with expect_error('kv_v1_mount') as caught:
            secret.ensure_writable(secret.read())
        assert "'%s/'" % mount in str(caught.value)

    def test_missing_mount_with_root_token(self, root_client, path, expect_error):
        with expect_error('missing_mount'):
            Kv2Secret(root_client, 'not-mounted', path).ensure_writable(KvSecretState(False, None, None, {}, None))

    def test_missing_mount_with_a_token_allowed_there(self, openbao, path, token_for, expect_error):
        token = token_for('path "not-mounted/data/*" { capabilities = ["create", "update"] }')
        secret = secret_as(openbao, token, 'not-mounted', path)
        with expect_error('missing_mount', token):
            secret.ensure_writable(KvSecretState(False, None, None, {}, None))

    def test_other_engine_is_not_kv(self, openbao, root_client, path, expect_error):
        mount = unique('transit')
        openbao.api('POST', 'sys/mounts/%s' % mount, {'type': 'transit'})
        with expect_error('missing_mount') as caught:
            Kv2Secret(root_client, mount, path).ensure_writable(KvSecretState(False, None, None, {}, None))
        assert 'is a transit engine' in str(caught.value)

    def test_unknown_token(self, openbao, path, expect_error):
        token = 'hvs.' + secrets.token_hex(24)
        secret = secret_as(openbao, token, 'secret', path)
        with expect_error('auth_failed', token):
            secret.ensure_writable(KvSecretState(False, None, None, {}, None))


class TestCustomMetadata:
    def test_keeps_the_metadata_settings_made_earlier(self, openbao, path, mount, token_for):
        openbao.kv2_write_raw(mount, path, credentials())
        openbao.kv2_write_metadata_raw(mount, path, max_versions=5, delete_version_after='100h', cas_required=True)
        # The least privilege that works: 'update' on metadata, no 'patch'.
        token = token_for('path "%s/metadata/*" { capabilities = ["update"] }' % mount)
        secret = secret_as(openbao, token, mount, path)
        wanted = {'environment': 'sandbox', 'managed_by': 'netsuite_ops.credentials'}
        secret.update_custom_metadata(wanted)
        metadata = openbao.kv2_metadata_raw(mount, path)['data']
        assert metadata['custom_metadata'] == wanted
        assert (metadata['max_versions'], metadata['delete_version_after'], metadata['cas_required']) == \
            (5, '100h0m0s', True)

    def test_replaces_the_custom_metadata(self, openbao, secret):
        openbao.kv2_write_raw('secret', secret.path, credentials())
        secret.update_custom_metadata({'environment': 'sandbox', 'owner': 'ops'})
        secret.update_custom_metadata({'environment': 'production'})
        assert openbao.kv2_metadata_raw('secret', secret.path)['data']['custom_metadata'] == \
            {'environment': 'production'}

    def test_denied(self, openbao, path, token_for, expect_error):
        openbao.kv2_write_raw('secret', path, credentials())
        token = token_for('path "secret/data/*" { capabilities = ["create", "update", "read"] }')
        with expect_error('permission_denied', token) as caught:
            secret_as(openbao, token, 'secret', path).update_custom_metadata({'environment': 'sandbox'})
        assert "'update' on 'secret/metadata/%s'" % path in caught.value.hint
        assert openbao.kv2_metadata_raw('secret', path)['data']['custom_metadata'] is None


class TestMetadataAndDestroy:
    def test_read_metadata(self, openbao, secret):
        assert secret.read_metadata() is None
        openbao.kv2_write_raw('secret', secret.path, credentials())
        openbao.kv2_write_raw('secret', secret.path, credentials())
        metadata = secret.read_metadata()
        assert metadata['current_version'] == 2
        assert sorted(metadata['versions']) == ['1', '2']
        assert metadata['created_time'] and metadata['updated_time']

    def test_destroy_all_is_idempotent(self, openbao, secret):
        openbao.kv2_write_raw('secret', secret.path, credentials())
        openbao.kv2_write_raw('secret', secret.path, credentials())
        assert secret.destroy_all() is True
        assert openbao.kv2_metadata_raw('secret', secret.path) is None
        assert openbao.kv2_read_raw('secret', secret.path) is None
        assert secret.destroy_all() is False
        assert secret.read().current_version is None

    def test_destroy_all_denied(self, openbao, path, token_for, expect_error):
        openbao.kv2_write_raw('secret', path, credentials())
        token = token_for('path "secret/metadata/*" { capabilities = ["read"] }')
        with expect_error('permission_denied', token) as caught:
            secret_as(openbao, token, 'secret', path).destroy_all()
        assert "'delete'" in caught.value.hint
        assert openbao.kv2_metadata_raw('secret', path) is not None


class TestLocation:
    @pytest.mark.parametrize('mount, path, expected', [
        ('secret', 'netsuite/1234567/tba', ('secret', 'netsuite/1234567/tba')),
        ('kv/', 'netsuite/x', ('kv', 'netsuite/x')),
        ('teams/kv', 'netsuite/x', ('teams/kv', 'netsuite/x')),
        ('secret', 'database/creds', ('secret', 'database/creds')),
        ('secret', 'secretary/x', ('secret', 'secretary/x')),
    ])
    def test_accepted(self, mount, path, expected):
        assert kv2_location(mount, path) == expected

    @pytest.mark.parametrize('mount, path, rule', [
        ('secret', '', 'path: must not be empty'),
        ('', 'x', 'engine_mount_point: must not be empty'),
        ('secret', 'secret/data/netsuite/x', "path: starts with 'secret/data/'"),
        ('kv', 'kv/metadata/netsuite/x', "path: starts with 'kv/metadata/'"),
        ('secret', 'data/netsuite/x', "path: starts with 'data/'"),
        ('secret', 'netsuite//x', "'..' segments"),
        ('secret', 'netsuite/../x', "'..' segments"),
        ('secret', '/secret/x', "path: must not start with '/'"),
        ('secret', '/x', "path: must not start with '/'"),
        ('secret', 'x/', "path: must not end with '/'"),
        ('secret', 'secret/x', "path: starts with 'secret/'"),
        ('secret', 'netsuite/x y', 'path: must not contain spaces'),
        ('secret', ' x', 'path: must not contain spaces'),
        ('secret', 'x\n', 'path: must not contain spaces, line breaks'),
        ('secret', 'x?version=1', "path: must not contain '?'"),
        ('secret', 'x#y', "path: must not contain '?', '#'"),
        ('secret', 'x%2fy', "'%'"),
        ('secret', 'a\\b', 'backslash'),
        ('sys', 'x', "engine_mount_point: starts with one of Vault's own API paths"),
        ('../sys', 'x', "engine_mount_point: must not contain empty ('//'), '.' or '..'"),
        ('secret/../sys', 'x', "engine_mount_point: must not contain empty ('//'), '.' or '..'"),
        ('auth/token', 'x', "engine_mount_point: starts with one of Vault's own API paths"),
        ('/secret', 'x', "engine_mount_point: must not start with '/'"),
        ('sec ret', 'x', 'engine_mount_point: must not contain spaces'),
    ])
    def test_refused_before_any_request(self, mount, path, rule):
        with pytest.raises(VaultConnectionError) as caught:
            Kv2Secret(None, mount, path)
        assert caught.value.kind == 'config' and rule in caught.value.cause
        option = caught.value.cause.split(':', 1)[0]
        assert option in caught.value.hint


@pytest.fixture(scope='module')
def html_server():
    """vault.url pointing at some other web server that answers 200 with HTML."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'<html>Sign in</html>'
            self.send_response(200)
            self.send_header('Content-Type', 'text/html')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_PUT = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize('operation', ['read', 'read_metadata', 'write', 'ensure_writable', 'require_kv2_mount'])
def test_a_server_that_is_not_vault_is_named_as_such(html_server, path, operation, expect_error):
    token = 'hvs.' + secrets.token_hex(24)
    secret = Kv2Secret(connect({'url': html_server, 'token': token}), 'secret', path)
    calls = {'read': secret.read, 'read_metadata': secret.read_metadata,
             'write': lambda: secret.write(credentials(), cas=0),
             'ensure_writable': lambda: secret.ensure_writable(KvSecretState(False, None, None, {}, None)),
             'require_kv2_mount': secret.require_kv2_mount}
    with expect_error('server_error', token) as caught:
        calls[operation]()
    assert 'did not answer like Vault' in str(caught.value)


def test_a_proven_mount_is_not_looked_up_again(openbao, root_client, path, request_counter):
    secret = Kv2Secret(root_client, 'secret', path)
    state = secret.read()
    secret.require_kv2_mount()
    requests_sent = request_counter(root_client)
    secret.ensure_writable(state)
    assert [url.split('/v1/')[1] for url in requests_sent] == ['sys/capabilities-self']
