# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every vault.auth_method logging in for real: OpenBao configured by the auth bed (AppRole,
userpass, JWT, Kubernetes with a TokenReview stand-in, cert over TLS, the token file `bao login`
wrote, `none` behind `bao proxy`); LDAP's request against a loopback stub (OpenBao ships no LDAP
method). Checked as a user sees it: the token works, is registered as secret, is revoked (it no
longer looks up at OpenBao), and every refusal is one line without a secret."""

import json
import os
import secrets
import socket
import traceback
import uuid
from urllib.parse import unquote

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from cryptography.hazmat.primitives import serialization

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_auth import (
    DEFAULT_KUBERNETES_TOKEN_PATH,
    LOGIN_ATTRIBUTE,
    SECRET_ENV_VARS,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VAULT_CONNECTION_ARGSPEC,
    VaultConnectionError,
    checked_proxies,
    connect,
    revoke_login,
)
from support.http_stub import StubServer
from support.vault_auth_bed import APPROLE_MOUNT, AuthBed

LOGIN_CASES = [('approle', None), ('userpass', None), ('jwt', None), ('kubernetes', None),
               ('kubernetes', 'jwt_inline'), ('cert', None)]
LOGIN_IDS = ['%s-%s' % case if case[1] else case[0] for case in LOGIN_CASES]
MOUNTS = {'approle': APPROLE_MOUNT, 'userpass': 'userpass', 'jwt': 'jwt', 'kubernetes': 'kubernetes', 'cert': 'cert'}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No Vault settings from the environment, and a HOME without a token file."""
    for name in list(os.environ):
        if name.startswith(('VAULT_', 'BAO_', 'ANSIBLE_HASHI_VAULT_')) or name.lower().endswith('_proxy'):
            monkeypatch.delenv(name)
    home = tmp_path / 'home'
    home.mkdir()
    monkeypatch.setenv('HOME', str(home))


@pytest.fixture(scope='module')
def bed(openbao):
    with AuthBed(openbao) as auth_bed:
        yield auth_bed


@pytest.fixture
def hidden():
    """What connect() registered as secret, in order; pass hidden.extend as `hide`."""
    return []


@pytest.fixture
def closed_url():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return 'http://127.0.0.1:%d' % probe.getsockname()[1]


def long_secret(prefix='s'):
    return '%s-%s' % (prefix, secrets.token_urlsafe(36))


def pem_lines(value):
    """A PEM's base64 lines (what a leak search looks for), or the value itself."""
    lines = [line for line in value.strip().splitlines() if line and not line.startswith('-----')]
    return lines if value.lstrip().startswith('-----BEGIN') else [value]


def all_secrets(bed):
    found = [bed.vault.root_token, bed.tls_vault.root_token]
    for value in bed.secrets:
        found += pem_lines(value)
    return found


def assert_clean(error, secret_values):
    """One line, no chained client exception, and no secret anywhere a user could see it."""
    rendered = [str(error), repr(error), error.cause, error.hint,
                ''.join(traceback.format_exception(type(error), error, error.__traceback__))]
    assert '\n' not in str(error)
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    for secret in secret_values:
        assert secret and not [text for text in rendered if secret in text]


def secret_option_values(options):
    return [options[name] for name in ('role_id', 'secret_id', 'password', 'jwt') if options.get(name)]


def file_secret(options):
    """The secret content of the file a method reads, if any (token file, private key)."""
    for name in ('kubernetes_token_path', 'cert_auth_private_key'):
        if options.get(name):
            with open(options[name]) as handle:
                return handle.read()
    return None


class TestLogin:
    @pytest.mark.parametrize('method, variant', LOGIN_CASES, ids=LOGIN_IDS)
    def test_login_token_works_and_every_secret_was_hidden(self, bed, hidden, method, variant):
        options = bed.options(method, variant)
        client = connect(options, [], hidden.extend)
        # The login happened inside connect(): the token is there before the caller sends anything.
        assert client.token and client.token in hidden
        assert 'tba-login-writer' in client.auth.token.lookup_self()['data']['policies']
        for value in secret_option_values(options):
            assert value in hidden
        content = file_secret(options)
        if content is not None:
            assert content in hidden and all(line in hidden for line in pem_lines(content))
        assert getattr(client, LOGIN_ATTRIBUTE).label == '%s login at auth/%s' % (method, MOUNTS[method])
        revoke_login(client, [])

    @pytest.mark.parametrize('method, variant', LOGIN_CASES, ids=LOGIN_IDS)
    def test_login_token_is_revoked_once(self, bed, method, variant, request_counter):
        client = connect(bed.options(method, variant))
        token = client.token
        sent = request_counter(client)
        warnings = []
        assert revoke_login(client, warnings) is True
        assert warnings == [] and not bed.token_is_live(token)
        assert [url.rpartition('/v1/')[2] for url in sent] == ['auth/token/revoke-self']
        # Idempotent: a second call (another caller, another thread) sends nothing.
        assert revoke_login(client, warnings) is False
        assert len(sent) == 1 and warnings == []

    def test_revoke_login_token_false_keeps_the_token(self, bed):
        client = connect(dict(bed.options('approle'), revoke_login_token=False))
        assert revoke_login(client, []) is False
        assert bed.token_is_live(client.token)
        bed.vault.revoke_token(client.token)

    def test_failed_revoke_is_a_warning_naming_the_server(self, bed, closed_url):
        options = bed.options('userpass')
        client = connect(options)
        token = client.token
        client.url = closed_url
        warnings = []
        assert revoke_login(client, warnings) is False
        assert len(warnings) == 1
        assert warnings[0].startswith('Vault at %s did not revoke the token of the userpass login at auth/userpass'
                                      % closed_url)
        assert token not in warnings[0] and options['password'] not in warnings[0]
        assert revoke_login(client, warnings) is False and len(warnings) == 1
        assert bed.token_is_live(token)
        bed.vault.revoke_token(token)

    def test_revoking_a_token_already_revoked_is_a_warning(self, bed):
        client = connect(bed.options('jwt'))
        bed.vault.revoke_token(client.token)
        warnings = []
        assert revoke_login(client, warnings) is False
        assert len(warnings) == 1 and 'jwt login at auth/jwt' in warnings[0] and client.token not in warnings[0]

    def test_given_tokens_are_never_revoked(self, bed, openbao, monkeypatch):
        token = bed.data_token()
        client = connect({'url': openbao.url, 'token': token})
        monkeypatch.setenv('HOME', bed.token_file_home)
        from_file = connect(bed.options('token_file'))
        for given in (client, from_file):
            assert revoke_login(given, []) is False
            assert bed.token_is_live(given.token)

    def test_namespace_is_sent_on_the_login(self, openbao):
        namespace = 'nso-%s' % uuid.uuid4().hex[:8]
        openbao.api('POST', 'sys/namespaces/%s' % namespace, {})
        openbao.api('POST', '%s/sys/auth/approle' % namespace, {'type': 'approle'})
        openbao.api('POST', '%s/auth/approle/role/ci' % namespace, {'token_policies': ['default']})
        role_id = openbao.api('GET', '%s/auth/approle/role/ci/role-id' % namespace)['data']['role_id']
        secret_id = openbao.api('POST', '%s/auth/approle/role/ci/secret-id' % namespace)['data']['secret_id']
        options = {'url': openbao.url, 'auth_method': 'approle', 'role_id': role_id, 'secret_id': secret_id}
        client = connect(dict(options, namespace=namespace))
        assert client.auth.token.lookup_self()['data']['namespace_path'] == namespace + '/'
        assert revoke_login(client, []) is True
        with pytest.raises(VaultConnectionError) as caught:
            connect(options)
        assert caught.value.kind == 'missing_mount'


class TestWrongCredentials:
    @pytest.mark.parametrize('method', ['approle', 'userpass', 'jwt', 'kubernetes', 'cert'])
    def test_each_refusal_is_one_line_naming_method_mount_and_what_to_check(self, bed, method):
        cases = bed.wrong(method)
        assert cases
        for label, options in cases:
            with pytest.raises(VaultConnectionError) as caught:
                connect(options)
            error = caught.value
            assert_clean(error, all_secrets(bed))
            mount = options['mount_point']
            if error.kind == 'missing_mount':
                assert 'no %s auth method enabled at auth/%s' % (method, mount) in error.cause, label
                assert 'vault.mount_point' in error.hint
            else:
                assert error.kind == 'auth_failed', (label, str(error))
                assert 'refused the %s login at auth/%s' % (method, mount) in error.cause, label
                assert error.hint.startswith('Check vault.'), label
                assert mount in error.hint

    def test_unknown_mount_says_the_method_is_not_enabled_there(self, bed):
        options = dict(bed.options('userpass'), mount_point='people')
        with pytest.raises(VaultConnectionError) as caught:
            connect(options)
        assert caught.value.kind == 'missing_mount'
        assert str(caught.value).startswith('Vault at %s has no userpass auth method enabled at auth/people. '
                                            'Check vault.mount_point (default userpass)' % bed.vault.url)

    def test_unreachable_vault_at_login(self, bed, closed_url):
        options = dict(bed.options('approle'), url=closed_url)
        with pytest.raises(VaultConnectionError) as caught:
            connect(options)
        assert caught.value.kind == 'unreachable' and closed_url in str(caught.value)
        assert_clean(caught.value, secret_option_values(options))

    def test_sealed_vault_at_login(self):
        from support.openbao import OpenBaoServer
        with OpenBaoServer() as server:
            server.api('POST', 'sys/auth/userpass', {'type': 'userpass'})
            password = long_secret('pw')
            server.api('POST', 'auth/userpass/users/ana', {'password': password})
            server.seal()
            with pytest.raises(VaultConnectionError) as caught:
                connect({'url': server.url, 'auth_method': 'userpass', 'username': 'ana', 'password': password})
        assert caught.value.kind == 'sealed'
        assert_clean(caught.value, [password, server.root_token])


class TestTokenFile:
    def test_the_file_bao_login_wrote_is_used_and_hidden(self, bed, monkeypatch, hidden):
        monkeypatch.setenv('HOME', bed.token_file_home)
        client = connect(bed.options('token_file'), [], hidden.extend)
        with open(os.path.join(bed.token_file_home, '.vault-token')) as handle:
            token = handle.read()
        assert client.token == token.strip() and token in hidden
        assert 'tba-login-writer' in client.auth.token.lookup_self()['data']['policies']

    def test_a_given_token_wins_over_the_file(self, bed, monkeypatch):
        monkeypatch.setenv('HOME', bed.token_file_home)
        token = bed.data_token()
        assert connect(dict(bed.options('token_file'), token=token)).token == token

    @pytest.mark.parametrize('variables, used', [
        (('VAULT_TOKEN_PATH',), 'VAULT_TOKEN_PATH'),
        (('BAO_TOKEN_PATH',), 'BAO_TOKEN_PATH'),
        (('VAULT_TOKEN_PATH', 'BAO_TOKEN_PATH'), 'VAULT_TOKEN_PATH'),
    ])
    def test_token_path_variables_name_another_file(self, openbao, tmp_path, monkeypatch, variables, used):
        (tmp_path / 'home' / '.vault-token').write_text(long_secret('hvs'))
        tokens = {}
        for name in variables:
            tokens[name] = openbao.create_token(['default'])
            path = tmp_path / name.lower()
            path.write_text(tokens[name] + '\n')
            monkeypatch.setenv(name, str(path))
        assert connect({'url': openbao.url}).token == tokens[used]

    def test_missing_token_names_option_variables_and_file(self, tmp_path, closed_url):
        with pytest.raises(VaultConnectionError) as caught:
            connect({'url': closed_url})
        message = str(caught.value)
        assert caught.value.kind == 'config'
        for name in ('vault.token', 'ANSIBLE_HASHI_VAULT_TOKEN', 'VAULT_TOKEN', 'BAO_TOKEN',
                     str(tmp_path / 'home' / '.vault-token')):
            assert name in message

    @pytest.mark.parametrize('content, problem', [
        ('  \n', 'is empty'), ('hvs.%s é%s' % (secrets.token_hex(20), secrets.token_hex(20)), 'must be printable ASCII')],
        ids=['empty', 'not-ascii'])
    def test_unusable_file_is_an_offline_error_without_its_content(self, tmp_path, closed_url, hidden, content, problem):
        (tmp_path / 'home' / '.vault-token').write_text(content)
        with pytest.raises(VaultConnectionError) as caught:
            connect({'url': closed_url}, [], hidden.extend)
        assert caught.value.kind == 'config' and problem in str(caught.value)
        assert '.vault-token' in str(caught.value)
        if content.strip():
            assert content in hidden
            assert_clean(caught.value, content.split())


class TestNone:
    def test_no_token_header_is_sent_and_the_proxy_adds_its_own(self, bed, request_counter):
        client = connect(bed.options('none'))
        headers = []
        client.adapter.session.hooks['response'].append(
            lambda response, **kwargs: headers.append(dict(response.request.headers)))
        # bao proxy logged in with AppRole and injects that token.
        assert client.auth.token.lookup_self()['data']['display_name'].startswith(APPROLE_MOUNT)
        assert headers and not [sent for sent in headers if 'X-Vault-Token' in sent]
        assert revoke_login(client, []) is False


class TestLdapRequest:
    """No LDAP server here: the request a stand-in for Vault receives is what is checked."""

    def test_login_and_revoke_requests(self):
        password = long_secret('Pw')
        login_token = long_secret('hvs')
        seen = []

        def answer(handler):
            length = int(handler.headers.get('Content-Length') or 0)
            seen.append((handler.command, handler.path, json.loads(handler.rfile.read(length) or b'null'),
                         handler.headers.get('X-Vault-Token')))
            if handler.path.endswith('/revoke-self'):
                return 204, {}, b''
            return 200, {'Content-Type': 'application/json'}, json.dumps({'auth': {'client_token': login_token}})

        hidden = []
        with StubServer(answer) as vault:
            client = connect({'url': vault.url, 'auth_method': 'ldap', 'mount_point': 'corp/ldap',
                              'username': 'ana.maría/ops', 'password': password}, [], hidden.extend)
            assert revoke_login(client, []) is True
        (method, path, body, token), (revoke_method, revoke_path, _body, revoke_token) = seen
        assert (method, unquote(path), body, token) == ('POST', '/v1/auth/corp/ldap/login/ana.maría/ops',
                                                        {'password': password}, None)
        assert path == '/v1/auth/corp/ldap/login/ana.mar%C3%ADa%2Fops'
        assert (revoke_method, revoke_path, revoke_token) == ('POST', '/v1/auth/token/revoke-self', login_token)
        assert password in hidden and login_token in hidden

    def test_default_mount_and_a_password_kept_as_given(self):
        seen = []
        password = '  %s  ' % long_secret('pass phrase')

        def answer(handler):
            seen.append((handler.path, json.loads(handler.rfile.read(int(handler.headers['Content-Length'])))))
            return 200, {'Content-Type': 'application/json'}, json.dumps({'auth': {'client_token': long_secret('hvs')}})

        with StubServer(answer) as vault:
            connect({'url': vault.url, 'auth_method': 'ldap', 'username': 'bob', 'password': password})
        assert seen == [('/v1/auth/ldap/login/bob', {'password': password})]

    def test_answer_without_a_token(self, hidden):
        with StubServer(lambda handler: (200, {'Content-Type': 'application/json'}, '{"auth": null}')) as vault:
            with pytest.raises(VaultConnectionError) as caught:
                connect({'url': vault.url, 'auth_method': 'ldap', 'username': 'bob', 'password': long_secret()})
        assert caught.value.kind == 'server_error' and 'no token in the answer' in str(caught.value)


MISSING = [
    ('approle', {'secret_id': long_secret()}, 'role_id', ['ANSIBLE_HASHI_VAULT_ROLE_ID']),
    ('approle', {'role_id': str(uuid.uuid4())}, 'secret_id', ['ANSIBLE_HASHI_VAULT_SECRET_ID']),
    ('userpass', {'password': long_secret()}, 'username', ['ANSIBLE_HASHI_VAULT_USERNAME']),
    ('userpass', {'username': 'ana'}, 'password', ['ANSIBLE_HASHI_VAULT_PASSWORD']),
    ('ldap', {'username': 'ana', 'password': ''}, 'password', ['ANSIBLE_HASHI_VAULT_PASSWORD']),
    ('jwt', {'role': 'ci'}, 'jwt', ['ANSIBLE_HASHI_VAULT_JWT']),
    ('jwt', {'jwt': 'a.b.c'}, 'role', []),
    ('kubernetes', {'jwt': 'a.b.c'}, 'role', []),
    ('cert', {'cert_auth_private_key': '/nonexistent/key.pem'}, 'cert_auth_public_key',
     ['ANSIBLE_HASHI_VAULT_CERT_AUTH_PUBLIC_KEY', 'VAULT_CLIENT_CERT', 'BAO_CLIENT_CERT']),
    ('cert', {'cert_auth_public_key': '/nonexistent/cert.pem'}, 'cert_auth_private_key',
     ['ANSIBLE_HASHI_VAULT_CERT_AUTH_PRIVATE_KEY', 'VAULT_CLIENT_KEY', 'BAO_CLIENT_KEY']),
]


class TestOfflineErrors:
    """A closed port as vault.url: any request would fail as `unreachable`, not `config`."""

    @pytest.mark.parametrize('method, given, option, variables', MISSING,
                             ids=['%s-%s' % (case[0], case[2]) for case in MISSING])
    def test_missing_option_names_it_and_the_variables_tried(self, closed_url, method, given, option, variables):
        with pytest.raises(VaultConnectionError) as caught:
            connect(dict(given, url=closed_url, auth_method=method))
        message = str(caught.value)
        assert caught.value.kind == 'config'
        assert message.startswith('vault.%s is not set (auth_method %s needs it' % (option, method))
        for name in variables:
            assert name in message
        assert_clean(caught.value, [value for value in given.values() if len(value) > 8])

    def test_jwt_role_missing_while_role_id_is_set_says_where_the_role_goes(self, closed_url):
        with pytest.raises(VaultConnectionError) as caught:
            connect({'url': closed_url, 'auth_method': 'jwt', 'role_id': 'ci', 'jwt': 'a.b.c'})
        assert 'vault.role_id is for approle only' in str(caught.value)

    def test_kubernetes_outside_a_pod(self, closed_url):
        with pytest.raises(VaultConnectionError) as caught:
            connect({'url': closed_url, 'auth_method': 'kubernetes', 'role': 'ci'})
        assert caught.value.kind == 'config'
        assert str(caught.value).startswith("vault.kubernetes_token_path points to '%s', which cannot be read"
                                            % DEFAULT_KUBERNETES_TOKEN_PATH)

    @pytest.mark.parametrize('option', ['jwt', 'kubernetes_token_path'])
    def test_a_jwt_that_is_no_jwt_is_hidden_and_not_echoed(self, tmp_path, closed_url, hidden, option):
        garbage = long_secret('not a jwt')
        options = {'url': closed_url, 'auth_method': 'kubernetes', 'role': 'ci'}
        if option == 'jwt':
            options['jwt'] = garbage
        else:
            (tmp_path / 'token').write_text(garbage + '\n')
            options['kubernetes_token_path'] = str(tmp_path / 'token')
        with pytest.raises(VaultConnectionError) as caught:
            connect(options, [], hidden.extend)
        assert str(caught.value).startswith('vault.%s is not a JWT' % option)
        assert garbage in hidden
        assert_clean(caught.value, [garbage])

    @pytest.mark.parametrize('mount', ['../sys', 'app role', 'approle?x=1'])
    def test_bad_mount_point(self, closed_url, mount):
        with pytest.raises(VaultConnectionError) as caught:
            connect({'url': closed_url, 'auth_method': 'approle', 'mount_point': mount,
                     'role_id': str(uuid.uuid4()), 'secret_id': long_secret()})
        assert str(caught.value).startswith('vault.mount_point must be an auth mount path')

    def test_secrets_are_hidden_before_any_check_can_fail(self, hidden):
        options = {'url': 'https://ops:%s@vault.example.com' % long_secret('url'), 'auth_method': 'approle',
                   'role_id': ' %s\n' % uuid.uuid4(), 'secret_id': long_secret(), 'jwt': long_secret(),
                   'password': long_secret(), 'token': long_secret('hvs'),
                   'proxies': {'https': 'http://proxy:%s@127.0.0.1:3128' % long_secret('proxy')}}
        with pytest.raises(VaultConnectionError) as caught:
            connect(options, [], hidden.extend)
        assert str(caught.value).startswith('vault.url must not contain user information')
        for name in ('role_id', 'secret_id', 'jwt', 'password', 'token'):
            assert options[name] in hidden and options[name].strip() in hidden
        assert options['url'].split('@')[0].split(':')[-1] in hidden
        assert options['proxies']['https'].split('@')[0].split(':')[-1] in hidden

    def test_proxy_password_in_a_json_variable_is_hidden_too(self, closed_url, hidden):
        password = long_secret('proxy')
        with pytest.raises(VaultConnectionError):
            connect({'url': closed_url, 'token': long_secret('hvs'),
                     'proxies': '{"https": "http://ops:%s@127.0.0.1:3128"}' % password}, [], hidden.extend)
        assert password in hidden

    def test_cert_needs_https(self, bed):
        options = dict(bed.options('cert'), url=bed.vault.url)
        with pytest.raises(VaultConnectionError) as caught:
            connect(options)
        assert str(caught.value).startswith('vault.url must use https for auth_method cert')

    def test_cert_and_key_that_do_not_match(self, bed, hidden):
        options = dict(bed.options('cert'), cert_auth_private_key=bed.options('cert', 'reader')['cert_auth_private_key'])
        with pytest.raises(VaultConnectionError) as caught:
            connect(options, [], hidden.extend)
        assert str(caught.value).startswith('vault.cert_auth_private_key does not match vault.cert_auth_public_key')
        key = file_secret(options)
        assert key in hidden
        assert_clean(caught.value, pem_lines(key))

    def test_encrypted_private_key_is_refused_without_a_prompt(self, bed, tmp_path):
        options = bed.options('cert')
        with open(options['cert_auth_private_key'], 'rb') as handle:
            key = serialization.load_pem_private_key(handle.read(), None)
        encrypted = tmp_path / 'encrypted.key'
        encrypted.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.BestAvailableEncryption(secrets.token_bytes(24))))
        with pytest.raises(VaultConnectionError) as caught:
            connect(dict(options, cert_auth_private_key=str(encrypted)))
        assert str(caught.value).startswith('vault.cert_auth_private_key is encrypted')

    @pytest.mark.parametrize('option, value, start', [
        ('retries', -1, 'vault.retries must be a whole number, 0 or more'),
        ('retries', True, 'vault.retries must be a whole number, 0 or more'),
        ('revoke_login_token', 'no', 'vault.revoke_login_token must be true or false'),
    ])
    def test_other_settings(self, closed_url, option, value, start):
        with pytest.raises(VaultConnectionError) as caught:
            connect({'url': closed_url, 'token': long_secret('hvs'), option: value})
        assert str(caught.value).startswith(start)


class TestProxies:
    @pytest.mark.parametrize('given, expected', [
        ('http://proxy.example.com:3128', {'http': 'http://proxy.example.com:3128',
                                           'https': 'http://proxy.example.com:3128'}),
        ({'https': 'http://10.1.2.3:3128'}, {'https': 'http://10.1.2.3:3128'}),
        ('{"all": "https://proxy.example.com"}', {'all': 'https://proxy.example.com'}),
        (None, None), ('', None),
    ])
    def test_accepted_forms(self, given, expected):
        assert checked_proxies(given) == expected

    @pytest.mark.parametrize('given, start', [
        ('proxy.example.com:3128', 'vault.proxies must look like http://proxy.example.com:3128'),
        ('ftp://proxy.example.com', 'vault.proxies must look like'),
        ({'ftp': 'http://proxy.example.com'}, "vault.proxies has the key 'ftp'"),
        ({'https': 'http://proxy:port'}, 'vault.proxies.https is not a valid proxy URL: its port'),
        (['http://proxy.example.com'], 'vault.proxies must be a proxy URL or a mapping'),
        ('{"https": ', 'vault.proxies looks like a JSON object but is not valid JSON'),
    ])
    def test_refused_forms(self, given, start):
        with pytest.raises(VaultConnectionError) as caught:
            checked_proxies(given)
        assert caught.value.kind == 'config' and str(caught.value).startswith(start)

    def test_user_information_is_refused_without_echoing_it(self, closed_url, hidden):
        password = long_secret('proxy')
        with pytest.raises(VaultConnectionError) as caught:
            connect({'url': closed_url, 'token': long_secret('hvs'),
                     'proxies': 'http://ops:%s@proxy.example.com:3128' % password}, [], hidden.extend)
        assert str(caught.value).startswith('vault.proxies must not contain user information')
        assert password in hidden
        assert_clean(caught.value, [password, 'ops:' + password])

    def test_login_and_requests_go_through_the_proxy_even_with_a_proxy_in_the_environment(
            self, closed_url, monkeypatch):
        monkeypatch.setenv('HTTP_PROXY', closed_url)
        login_token = long_secret('hvs')

        def answer(handler):
            length = int(handler.headers.get('Content-Length') or 0)
            handler.rfile.read(length)
            return 200, {'Content-Type': 'application/json'}, json.dumps(
                {'auth': {'client_token': login_token}, 'data': {'id': 'looked-up'}})

        with StubServer(answer) as proxy:
            client = connect({'url': 'http://127.0.0.1:8200', 'auth_method': 'approle', 'role_id': str(uuid.uuid4()),
                              'secret_id': long_secret(), 'proxies': proxy.url})
            client.auth.token.lookup_self()
        # A proxy gets the absolute URL in the request line.
        assert proxy.paths == ['http://127.0.0.1:8200/v1/auth/approle/login',
                               'http://127.0.0.1:8200/v1/auth/token/lookup-self']


class TestArgspec:
    def validated(self, parameters=None):
        result = ArgumentSpecValidator(VAULT_CONNECTION_ARGSPEC).validate(parameters or {})
        assert not result.error_messages, result.error_messages
        return result.validated_parameters['vault'], result._no_log_values

    def test_defaults(self):
        vault, _no_log = self.validated()
        assert (vault['auth_method'], vault['revoke_login_token'], vault['retries'], vault['timeout'],
                vault['kubernetes_token_path'], vault['proxies']) == ('token', True, 2, 30, DEFAULT_KUBERNETES_TOKEN_PATH, None)

    def test_secret_options_are_no_log(self):
        options = VAULT_CONNECTION_ARGSPEC['vault']['options']
        assert [name for name, spec in sorted(options.items()) if spec.get('no_log')] == [
            'jwt', 'password', 'role_id', 'secret_id', 'token']

    def test_community_hashi_vault_variables(self, monkeypatch):
        given = {
            'ANSIBLE_HASHI_VAULT_AUTH_METHOD': 'approle', 'ANSIBLE_HASHI_VAULT_ROLE_ID': str(uuid.uuid4()),
            'ANSIBLE_HASHI_VAULT_SECRET_ID': long_secret(), 'ANSIBLE_HASHI_VAULT_MOUNT_POINT': 'approle-ci',
            'ANSIBLE_HASHI_VAULT_USERNAME': 'ana', 'ANSIBLE_HASHI_VAULT_PASSWORD': long_secret(),
            'ANSIBLE_HASHI_VAULT_JWT': 'a.b.c', 'ANSIBLE_HASHI_VAULT_ADDR': 'https://vault.example.com',
            'ANSIBLE_HASHI_VAULT_NAMESPACE': 'team-a', 'ANSIBLE_HASHI_VAULT_CA_CERT': '/etc/ssl/ca.pem',
            'ANSIBLE_HASHI_VAULT_TIMEOUT': '7', 'ANSIBLE_HASHI_VAULT_RETRIES': '5',
            'ANSIBLE_HASHI_VAULT_PROXIES': 'http://proxy.example.com:3128',
            'ANSIBLE_HASHI_VAULT_CERT_AUTH_PUBLIC_KEY': '/etc/ssl/client.pem',
            'ANSIBLE_HASHI_VAULT_CERT_AUTH_PRIVATE_KEY': '/etc/ssl/client.key',
        }
        for name, value in given.items():
            monkeypatch.setenv(name, value)
        vault, no_log = self.validated()
        assert vault == dict(
            vault, auth_method='approle', role_id=given['ANSIBLE_HASHI_VAULT_ROLE_ID'],
            secret_id=given['ANSIBLE_HASHI_VAULT_SECRET_ID'], mount_point='approle-ci', username='ana',
            password=given['ANSIBLE_HASHI_VAULT_PASSWORD'], jwt='a.b.c', url='https://vault.example.com',
            namespace='team-a', ca_cert='/etc/ssl/ca.pem', timeout=7, retries=5,
            proxies='http://proxy.example.com:3128', cert_auth_public_key='/etc/ssl/client.pem',
            cert_auth_private_key='/etc/ssl/client.key')
        for name in ('ROLE_ID', 'SECRET_ID', 'PASSWORD', 'JWT'):
            assert given['ANSIBLE_HASHI_VAULT_' + name] in no_log

    @pytest.mark.parametrize('option, variables', [
        ('url', ['ANSIBLE_HASHI_VAULT_ADDR', 'VAULT_ADDR', 'BAO_ADDR']),
        ('token', ['ANSIBLE_HASHI_VAULT_TOKEN', 'VAULT_TOKEN', 'BAO_TOKEN']),
        ('namespace', ['ANSIBLE_HASHI_VAULT_NAMESPACE', 'VAULT_NAMESPACE', 'BAO_NAMESPACE']),
        ('ca_cert', ['ANSIBLE_HASHI_VAULT_CA_CERT', 'VAULT_CACERT', 'BAO_CACERT']),
        ('retries', ['ANSIBLE_HASHI_VAULT_RETRIES', 'VAULT_MAX_RETRIES', 'BAO_MAX_RETRIES']),
        ('cert_auth_public_key', ['ANSIBLE_HASHI_VAULT_CERT_AUTH_PUBLIC_KEY', 'VAULT_CLIENT_CERT', 'BAO_CLIENT_CERT']),
        ('cert_auth_private_key', ['ANSIBLE_HASHI_VAULT_CERT_AUTH_PRIVATE_KEY', 'VAULT_CLIENT_KEY', 'BAO_CLIENT_KEY']),
    ])
    def test_precedence_option_then_variables_in_order(self, monkeypatch, option, variables):
        values = {name: str(number + 3) if option == 'retries' else '/%s-%s' % (name.lower(), number)
                  for number, name in enumerate(variables)}
        if option == 'url':
            values = {name: 'https://%s.example.com' % name.lower().replace('_', '-') for name in variables}
        for name in variables:
            monkeypatch.setenv(name, values[name])
        expected = int if option == 'retries' else str
        for name in variables:
            assert self.validated()[0][option] == expected(values[name])
            monkeypatch.delenv(name)
        monkeypatch.setenv(variables[-1], values[variables[-1]])
        given = 9 if option == 'retries' else '/given'
        assert self.validated({'vault': {option: given}})[0][option] == given

    def test_environment_alone_logs_in(self, bed, monkeypatch, hidden):
        options = bed.options('approle')
        for option, name in (('url', 'VAULT_ADDR'), ('auth_method', 'ANSIBLE_HASHI_VAULT_AUTH_METHOD'),
                             ('mount_point', 'ANSIBLE_HASHI_VAULT_MOUNT_POINT'), ('role_id', 'ANSIBLE_HASHI_VAULT_ROLE_ID'),
                             ('secret_id', 'ANSIBLE_HASHI_VAULT_SECRET_ID')):
            monkeypatch.setenv(name, options[option])
        client = connect(self.validated()[0], [], hidden.extend)
        assert client.token in hidden and options['secret_id'] in hidden
        assert revoke_login(client, []) is True

    def test_cert_from_the_vault_client_variables(self, bed, monkeypatch):
        options = bed.options('cert')
        monkeypatch.setenv('VAULT_CLIENT_CERT', options['cert_auth_public_key'])
        monkeypatch.setenv('BAO_CLIENT_KEY', options['cert_auth_private_key'])
        given = {name: options[name] for name in ('url', 'auth_method', 'role', 'ca_cert')}
        client = connect(self.validated({'vault': given})[0])
        assert revoke_login(client, []) is True

    def test_secret_variables_are_listed_for_scrubbers(self):
        assert set(SECRET_ENV_VARS) == {
            'ANSIBLE_HASHI_VAULT_TOKEN', 'VAULT_TOKEN', 'BAO_TOKEN', 'ANSIBLE_HASHI_VAULT_ROLE_ID',
            'ANSIBLE_HASHI_VAULT_SECRET_ID', 'ANSIBLE_HASHI_VAULT_JWT', 'ANSIBLE_HASHI_VAULT_PASSWORD'}


def test_a_task_token_beside_a_login_method_is_ignored_with_a_warning(openbao, monkeypatch):
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import connect as connect_
    openbao.api('POST', 'sys/auth/userpass-warn', {'type': 'userpass'})
    password = 'pw-' + 'x7' * 16
    openbao.api('POST', 'auth/userpass-warn/users/warned', {'password': password, 'token_ttl': '5m'})
    options = {'url': openbao.url, 'auth_method': 'userpass', 'mount_point': 'userpass-warn', 'username': 'warned',
               'password': password, 'token': 'hvs.' + 'q' * 40}
    warnings = []
    connect_(options, warnings)
    assert any('vault.token is ignored' in warning and 'userpass' in warning for warning in warnings), warnings
    monkeypatch.setenv('VAULT_TOKEN', options['token'])  # from the environment: not the task's choice
    warnings = []
    connect_(options, warnings)
    assert not any('vault.token is ignored' in warning for warning in warnings)


# --- the third outside attack: secret files --------------------------------------------------

def test_a_token_file_that_is_a_fifo_is_refused_without_blocking(tmp_path):
    """kubernetes_token_path at a FIFO hung the task: it is opened non-blocking and refused."""
    import signal
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_auth import (
        _read_small_regular_file,
    )
    fifo = tmp_path / "token"
    os.mkfifo(fifo)
    signal.signal(signal.SIGALRM, lambda *_args: pytest.fail("reading a FIFO blocked"))
    signal.alarm(10)
    try:
        with pytest.raises(Exception) as caught:
            _read_small_regular_file("kubernetes_token_path", str(fifo))
    finally:
        signal.alarm(0)
    assert "not a regular file" in str(caught.value)


def test_a_huge_token_file_is_refused_before_it_is_registered(tmp_path):
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _vault_auth
    big = tmp_path / "token"
    big.write_bytes(b"a" * (_vault_auth._MAX_FILE_BYTES + 1))  # pylint: disable=protected-access
    registered = []
    method = _vault_auth.VaultAuthMethod({}, hide=registered.extend)
    with pytest.raises(Exception) as caught:
        method._read_secret_file("kubernetes_token_path", str(big))  # pylint: disable=protected-access
    assert "larger than" in str(caught.value) and registered == []
