# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection options, offline validation and error translation, against real OpenBao servers."""

import os
import secrets
import socket
import sys

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.netsuite_ops.credentials.plugins.doc_fragments.vault_connection import ModuleDocFragment
from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _vault_auth
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    AUTH_METHODS,
    VAULT_CONNECTION_ARGSPEC,
    VaultConnectionError,
    connect,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret
from support.openbao import OpenBaoServer


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No Vault settings from the environment, and a HOME without a token file."""
    for name in list(os.environ):
        if name.startswith(('VAULT_', 'BAO_', 'ANSIBLE_HASHI_VAULT_')):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))


@pytest.fixture(scope='module')
def tls_openbao():
    with OpenBaoServer(tls=True) as server:
        yield server


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def fake_token():
    return 'hvs.' + secrets.token_hex(24)


def validated_vault_option(parameters):
    result = ArgumentSpecValidator(VAULT_CONNECTION_ARGSPEC).validate(parameters)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters['vault'], result._no_log_values


class TestArgspec:
    def test_defaults_and_environment_fallbacks(self, monkeypatch):
        token = fake_token()
        monkeypatch.setenv('BAO_ADDR', 'http://bao.example:8200')
        monkeypatch.setenv('BAO_TOKEN', token)
        vault, no_log_values = validated_vault_option({})
        assert vault['url'] == 'http://bao.example:8200'
        assert vault['token'] == token
        assert token in no_log_values
        assert (vault['auth_method'], vault['timeout'], vault['validate_certs']) == ('token', 30, None)

    def test_each_validation_starts_afresh(self, monkeypatch):
        monkeypatch.setenv('VAULT_TOKEN', fake_token())
        validated_vault_option({})
        monkeypatch.delenv('VAULT_TOKEN')
        assert validated_vault_option({})[0]['token'] is None

    def test_vault_variables_win_over_bao_variables(self, monkeypatch):
        monkeypatch.setenv('VAULT_ADDR', 'http://vault.example:8200')
        monkeypatch.setenv('BAO_ADDR', 'http://bao.example:8200')
        assert validated_vault_option({})[0]['url'] == 'http://vault.example:8200'

    def test_cacert_alias_and_namespace_fallback(self, monkeypatch):
        monkeypatch.setenv('VAULT_NAMESPACE', 'team-a')
        vault = validated_vault_option({'vault': {'cacert': '/etc/ssl/vault-ca.pem'}})[0]
        assert (vault['ca_cert'], vault['namespace']) == ('/etc/ssl/vault-ca.pem', 'team-a')

    def test_auth_method_choices_come_from_the_registry(self):
        assert AUTH_METHODS is _vault_auth.AUTH_METHODS
        assert VAULT_CONNECTION_ARGSPEC['vault']['options']['auth_method']['choices'] == [
            'approle', 'cert', 'jwt', 'kubernetes', 'ldap', 'none', 'token', 'userpass']

    def test_doc_fragment_matches_the_argspec(self):
        documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']['vault']
        spec = VAULT_CONNECTION_ARGSPEC['vault']
        assert (documented['type'], documented.get('default')) == (spec['type'], spec.get('default'))
        assert sorted(documented['suboptions']) == sorted(spec['options'])
        for name, option in spec['options'].items():
            doc = documented['suboptions'][name]
            for key in ('type', 'default', 'choices', 'aliases'):
                assert doc.get(key) == option.get(key), (name, key)


class TestOfflineValidation:
    def test_connect_sends_nothing(self, closed_port):
        client = connect({'url': 'http://127.0.0.1:%d' % closed_port, 'token': fake_token()})
        assert client.url == 'http://127.0.0.1:%d' % closed_port

    def test_missing_url_names_the_option_and_variables(self, expect_error):
        with expect_error('config') as caught:
            connect({'token': fake_token()})
        for name in ('vault.url', 'VAULT_ADDR', 'BAO_ADDR'):
            assert name in str(caught.value)

    def test_missing_token_names_the_option_and_variables(self, expect_error):
        with expect_error('config') as caught:
            connect({'url': 'http://127.0.0.1:8200'})
        for name in ('vault.token', 'VAULT_TOKEN', 'BAO_TOKEN'):
            assert name in str(caught.value)

    def test_token_from_the_environment_is_the_argspecs_job(self, monkeypatch, expect_error):
        # connect() gets what the argspec resolved; hvac must not add VAULT_TOKEN by itself.
        monkeypatch.setenv('VAULT_TOKEN', fake_token())
        with expect_error('config'):
            connect({'url': 'http://127.0.0.1:8200'})

    @pytest.mark.parametrize('url', ['vault.example.com:8200', 'ftp://vault.example.com', 'http://host:port'])
    def test_malformed_url(self, url, expect_error):
        with expect_error('config') as caught:
            connect({'url': url, 'token': fake_token()})
        assert 'vault.url' in str(caught.value)

    def test_token_with_inner_whitespace(self, expect_error):
        token = fake_token()
        with expect_error('config', token):
            connect({'url': 'http://127.0.0.1:8200', 'token': token[:10] + ' ' + token[10:]})

    @pytest.mark.parametrize('bad', ['é', '\u2028', '\u00a0', '\u200b', '\t', '\x00'])
    def test_token_outside_printable_ascii_names_the_option_not_the_character(self, bad, expect_error):
        token = fake_token()
        with expect_error('config', token) as caught:
            connect({'url': 'http://127.0.0.1:8200', 'token': token[:10] + bad + token[10:]})
        assert str(caught.value).startswith('vault.token must be printable ASCII')
        assert 'position' not in str(caught.value) and bad not in str(caught.value)

    @pytest.mark.parametrize('timeout', [0, -5, True, '30'])
    def test_timeout_below_one_second_is_refused_not_replaced(self, timeout, expect_error):
        with expect_error('config') as caught:
            connect({'url': 'http://127.0.0.1:8200', 'token': fake_token(), 'timeout': timeout})
        assert str(caught.value).startswith('vault.timeout must be a whole number of seconds, at least 1')

    @pytest.mark.parametrize('vault', ['http://127.0.0.1:8200', ['url'], None])
    def test_vault_that_is_not_a_dict(self, vault, expect_error):
        with expect_error('config') as caught:
            connect(vault)
        assert str(caught.value).startswith('vault must be a dictionary')

    def test_url_with_user_information_is_refused_without_echoing_it(self, expect_error):
        password = fake_token()
        with expect_error('config', password) as caught:
            connect({'url': 'https://admin:%s@vault.example.com:8200' % password, 'token': fake_token()})
        assert 'vault.url must not contain user information' in str(caught.value)
        assert 'admin' not in str(caught.value)

    def test_unsupported_auth_method(self, expect_error):
        with expect_error('config') as caught:
            connect({'url': 'http://127.0.0.1:8200', 'token': fake_token(), 'auth_method': 'aws_iam'})
        assert 'vault.auth_method' in str(caught.value)

    def test_missing_ca_file(self, tmp_path, expect_error):
        with expect_error('config') as caught:
            connect({'url': 'https://127.0.0.1:8200', 'token': fake_token(), 'ca_cert': str(tmp_path / 'ca.pem')})
        assert 'vault.ca_cert' in str(caught.value)

    def test_missing_hvac(self, monkeypatch, expect_error):
        monkeypatch.setitem(sys.modules, 'hvac', None)
        with expect_error('missing_dependency') as caught:
            connect({'url': 'http://127.0.0.1:8200', 'token': fake_token()})
        assert 'pip install hvac' in str(caught.value)

    def test_unknown_error_kind_is_a_programming_error(self):
        with pytest.raises(ValueError):
            raise VaultConnectionError('oops', 'cause', 'hint')


class TestServerErrors:
    def test_token_read_from_a_file_with_a_newline_works(self, openbao, path):
        client = connect({'url': openbao.url, 'token': openbao.root_token + '\n'})
        assert Kv2Secret(client, 'secret', path).read().exists is False

    def test_unreachable(self, closed_port, path, expect_error):
        token = fake_token()
        client = connect({'url': 'http://127.0.0.1:%d' % closed_port, 'token': token})
        with expect_error('unreachable', token) as caught:
            Kv2Secret(client, 'secret', path).read()
        assert '127.0.0.1:%d' % closed_port in str(caught.value)

    def test_server_that_never_answers(self, path, expect_error):
        token = fake_token()
        with socket.socket() as silent:
            silent.bind(('127.0.0.1', 0))
            silent.listen(1)
            client = connect({'url': 'http://127.0.0.1:%d' % silent.getsockname()[1], 'token': token, 'timeout': 1})
            with expect_error('unreachable', token) as caught:
                Kv2Secret(client, 'secret', path).read()
        assert 'did not answer in time' in str(caught.value)

    def test_unknown_token(self, openbao, path, expect_error):
        token = fake_token()
        with expect_error('auth_failed', token):
            Kv2Secret(connect({'url': openbao.url, 'token': token}), 'secret', path).read()

    def test_revoked_token(self, openbao, path, expect_error):
        token = openbao.create_token(['default'])
        openbao.revoke_token(token)
        with expect_error('auth_failed', token):
            Kv2Secret(connect({'url': openbao.url, 'token': token}), 'secret', path).read()

    def test_sealed(self, path, expect_error):
        with OpenBaoServer() as server:
            secret = Kv2Secret(connect({'url': server.url, 'token': server.root_token}), 'secret', path)
            state = secret.read()
            server.seal()
            with expect_error('sealed', server.root_token) as caught:
                secret.read()
            assert server.url in str(caught.value)
            with expect_error('sealed', server.root_token):
                secret.ensure_writable(state)


@pytest.mark.filterwarnings('ignore::urllib3.exceptions.InsecureRequestWarning')
class TestTls:
    def read_with(self, server, path, **options):
        client = connect(dict(options, url=server.url, token=server.root_token))
        return Kv2Secret(client, 'secret', path).read()

    def test_ca_cert(self, tls_openbao, path):
        assert self.read_with(tls_openbao, path, ca_cert=tls_openbao.ca_cert).exists is False

    def test_unknown_ca_fails(self, tls_openbao, path, expect_error):
        with expect_error('tls', tls_openbao.root_token) as caught:
            self.read_with(tls_openbao, path)
        assert 'vault.ca_cert' in caught.value.hint

    def test_skip_verify_variable_applies_when_validate_certs_is_unset(self, tls_openbao, path, monkeypatch):
        monkeypatch.setenv('VAULT_SKIP_VERIFY', 'true')
        assert self.read_with(tls_openbao, path).exists is False

    def test_validate_certs_wins_over_the_variable(self, tls_openbao, path, monkeypatch, expect_error):
        monkeypatch.setenv('VAULT_SKIP_VERIFY', 'true')
        with expect_error('tls', tls_openbao.root_token):
            self.read_with(tls_openbao, path, validate_certs=True)

    def test_validate_certs_false(self, tls_openbao, path):
        assert self.read_with(tls_openbao, path, validate_certs=False).exists is False

    @pytest.mark.parametrize('options, env', [({'validate_certs': False}, None), ({}, 'true')])
    def test_unverified_tls_is_a_warning(self, tls_openbao, options, env, monkeypatch):
        if env:
            monkeypatch.setenv('VAULT_SKIP_VERIFY', env)
        warnings = []
        connect(dict(options, url=tls_openbao.url, token=tls_openbao.root_token), warnings)
        assert len(warnings) == 1 and 'certificate is not checked' in warnings[0]
        monkeypatch.delenv('VAULT_SKIP_VERIFY', raising=False)
        warnings = []
        connect({'url': tls_openbao.url, 'token': tls_openbao.root_token, 'ca_cert': tls_openbao.ca_cert}, warnings)
        assert warnings == []

    def test_https_to_a_plain_http_server(self, openbao, path, expect_error):
        client = connect({'url': openbao.url.replace('http://', 'https://'), 'token': openbao.root_token})
        with expect_error('tls'):
            Kv2Secret(client, 'secret', path).read()


def test_a_dead_proxy_is_named_as_the_proxy_not_as_vault(openbao, closed_port):
    client = connect({'url': openbao.url, 'token': openbao.root_token, 'retries': 0,
                      'proxies': 'http://127.0.0.1:%d' % closed_port})
    with pytest.raises(VaultConnectionError) as caught:
        Kv2Secret(client, 'secret', 'netsuite/proxy-check').read()
    assert caught.value.kind == 'unreachable'
    assert 'proxy' in caught.value.cause and 'vault.proxies' in caught.value.hint


def test_a_token_without_the_default_policy_is_told_why_it_cannot_check_capabilities(openbao):
    openbao.put_policy('data-only-no-default', 'path "secret/data/*" { capabilities = ["create", "update", "read"] }')
    body = openbao.api('POST', 'auth/token/create', {'policies': ['data-only-no-default'], 'no_default_policy': True,
                                                     'ttl': '10m'})
    client = connect({'url': openbao.url, 'token': body['auth']['client_token'], 'retries': 0})
    store = Kv2Secret(client, 'secret', 'netsuite/no-default-policy')
    with pytest.raises(VaultConnectionError) as caught:
        store.ensure_writable(store.read())
    assert caught.value.kind == 'permission_denied'
    assert "'default' policy" in caught.value.hint and 'sys/capabilities-self' in caught.value.cause
