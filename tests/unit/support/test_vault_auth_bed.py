# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The auth test bed configures every method for real: each options() dict logs in against
OpenBao (with hvac, not the collection's code), each wrong() variant is refused, and the helpers
that later tests rely on (token_is_live, live_login_tokens, secrets) tell the truth."""
import json
import os
import ssl
import urllib.error
import urllib.request

import hvac
import pytest
import requests
from hvac import exceptions as hvac_exceptions

from support.openbao import OpenBaoServer
from support.vault_auth_bed import (LOGIN_POLICIES, PROXY_POLICY, READER_POLICY, SKIPPED_METHODS, TOKENREVIEW_PATH,
                                    WRITER_POLICY, AuthBed)

LOGIN_VARIANTS = [
    ('approle', None), ('approle', 'reader'), ('userpass', None), ('userpass', 'reader'),
    ('jwt', None), ('jwt', 'reader'), ('kubernetes', None), ('kubernetes', 'jwt_inline'),
    ('kubernetes', 'reader'), ('cert', None), ('cert', 'reader'),
]
WRONG_METHODS = ['approle', 'userpass', 'jwt', 'kubernetes', 'cert']
SECRET_OPTIONS = ('role_id', 'secret_id', 'password', 'jwt')
FILE_OPTIONS = ('kubernetes_token_path', 'cert_auth_private_key')


@pytest.fixture(scope='module')
def vault():
    with OpenBaoServer() as server:
        yield server


# How long the bed takes to start is measured by scripts/bench, not asserted here.
@pytest.fixture(scope='module')
def started_bed(vault):
    bed = AuthBed(vault).start()
    try:
        yield bed
    finally:
        bed.stop()


@pytest.fixture
def bed(started_bed):
    bed = started_bed
    bed.revoke_login_tokens()
    return bed


def _session():
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment between the test and 127.0.0.1
    return session


def hvac_login(options):
    """Log in as the options say, with hvac; returns the authenticated client."""
    method, mount = options['auth_method'], options.get('mount_point')
    cert = (options['cert_auth_public_key'], options['cert_auth_private_key']) if method == 'cert' else None
    session = _session()
    # hvac takes verify and cert from a given session, not from its own arguments.
    session.verify, session.cert = options.get('ca_cert', True), cert
    client = hvac.Client(url=options['url'], session=session)
    if method == 'approle':
        client.auth.approle.login(options['role_id'], options['secret_id'], mount_point=mount)
    elif method == 'userpass':
        client.auth.userpass.login(options['username'], options['password'], mount_point=mount)
    elif method == 'jwt':
        client.auth.jwt.jwt_login(options['role'], options['jwt'], path=mount)
    elif method == 'kubernetes':
        jwt = options.get('jwt')
        if jwt is None:
            with open(options['kubernetes_token_path']) as handle:
                jwt = handle.read()
        client.auth.kubernetes.login(options['role'], jwt, mount_point=mount)
    elif method == 'cert':
        client.login('/v1/auth/%s/login' % mount, json={'name': options['role']})
    else:
        raise AssertionError('no login for %s' % method)
    return client


def _can_write(client, path):
    try:
        client.secrets.kv.v2.create_or_update_secret(path, secret={'probe': 'x'}, mount_point='secret')
    except hvac_exceptions.Forbidden:
        return False
    return True


def test_start_returns_only_when_both_servers_answer(started_bed):
    for server in (started_bed.vault, started_bed.tls_vault):
        answer = requests.get(server.url + '/v1/sys/health', verify=server.ca_cert or True, timeout=10)
        assert answer.status_code == 200 and answer.json()['sealed'] is False


def test_offers_every_method_and_says_which_it_skips(bed):
    assert set(bed.variants()) == set(LOGIN_VARIANTS) | {('token_file', None), ('none', None)}
    assert sorted(SKIPPED_METHODS) == ['ldap']


def test_approle_is_on_a_non_default_mount(bed):
    assert bed.options('approle')['mount_point'] == 'approle-ci'


@pytest.mark.parametrize('method, variant', LOGIN_VARIANTS)
def test_each_login_option_dict_logs_in_with_its_policy(bed, method, variant):
    options = bed.options(method, variant)
    assert options['auth_method'] == method
    client = hvac_login(options)
    info = client.auth.token.lookup_self()['data']
    policy = READER_POLICY if variant == 'reader' else WRITER_POLICY
    assert policy in info['policies'] and not set(info['policies']) & (set(LOGIN_POLICIES) - {policy})
    assert info['path'].split('/')[:3] == ['auth', options['mount_point'], 'login']
    assert 0 < info['ttl'] <= 600
    assert bed.token_is_live(client.token)
    assert bed.live_login_tokens() == [info['accessor']]

    assert _can_write(client, 'auth-bed/%s-%s' % (method, variant)) is (variant != 'reader')

    client.auth.token.revoke_self()
    assert not bed.token_is_live(client.token)
    assert bed.live_login_tokens() == []


@pytest.mark.parametrize('method', WRONG_METHODS)
def test_each_wrong_variant_is_refused_at_login(bed, method):
    cases = bed.wrong(method)
    assert len(cases) >= 2
    for label, options in cases:
        with pytest.raises((hvac_exceptions.InvalidRequest, hvac_exceptions.Forbidden)):
            hvac_login(options)
            pytest.fail('%s: login succeeded' % label)
    assert bed.live_login_tokens() == []


def test_jwt_wrong_cases_cover_audience_expiry_and_signature(bed):
    labels = ' | '.join(label for label, _options in bed.wrong('jwt'))
    for needed in ('another audience', 'expired', 'another key'):
        assert needed in labels


def test_kubernetes_logins_go_through_the_tokenreview_stand_in(bed):
    before = len(bed.kubernetes_reviews)
    hvac_login(bed.options('kubernetes')).auth.token.revoke_self()
    rejected = dict(bed.wrong('kubernetes'))['service account token the TokenReview API rejects (deleted account)']
    with pytest.raises(hvac_exceptions.Forbidden):
        hvac_login(rejected)
    reviews = bed.kubernetes_reviews[before:]
    assert reviews == [{'account': 'system:serviceaccount:ci:nso-runner', 'authenticated': True},
                       {'account': None, 'authenticated': False}]


def test_tokenreview_stand_in_refuses_a_caller_without_the_reviewer_token(bed):
    api = bed.kubernetes_api
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(api.url + TOKENREVIEW_PATH, method='POST',
                                     data=json.dumps({'spec': {'token': api.issue('nso-runner')}}).encode(),
                                     headers={'Authorization': 'Bearer ' + api.issue('intruder')})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=5)
    assert refused.value.code == 401


def test_kubernetes_token_file_and_inline_jwt_are_the_same_token(bed):
    with open(bed.options('kubernetes')['kubernetes_token_path']) as handle:
        assert handle.read() == bed.options('kubernetes', 'jwt_inline')['jwt']
    assert 'kubernetes_token_path' not in bed.options('kubernetes', 'jwt_inline')


def test_token_file_home_holds_a_live_writer_token_that_is_no_login(bed):
    options = bed.options('token_file')
    assert options == {'url': bed.vault.url, 'auth_method': 'token'}
    path = os.path.join(bed.token_file_home, '.vault-token')
    assert os.stat(path).st_mode & 0o077 == 0
    with open(path) as handle:
        token = handle.read().strip()
    client = hvac.Client(url=options['url'], token=token, session=_session())
    assert WRITER_POLICY in client.auth.token.lookup_self()['data']['policies']
    assert _can_write(client, 'auth-bed/token-file')
    assert bed.token_is_live(token) and bed.live_login_tokens() == []


def test_none_goes_through_a_proxy_that_injects_its_own_login(bed):
    options = bed.options('none')
    client = hvac.Client(url=options['url'], token=None, session=_session())
    client.token = None
    info = client.auth.token.lookup_self()['data']
    assert info['path'] == 'auth/approle-ci/login' and PROXY_POLICY in info['policies']
    assert _can_write(client, 'auth-bed/proxy')
    assert bed.live_login_tokens() == []  # the proxy's token is not one the code under test made


def test_cert_options_trust_the_tls_server_and_name_key_files(bed):
    options = bed.options('cert')
    assert options['url'].startswith('https://127.0.0.1:') and os.path.isfile(options['ca_cert'])
    for name in ('cert_auth_public_key', 'cert_auth_private_key'):
        assert os.stat(options[name]).st_mode & 0o077 == 0


def test_overrides_replace_and_none_removes(bed):
    options = bed.options('approle', mount_point='elsewhere', secret_id=None, timeout=7)
    assert options['mount_point'] == 'elsewhere' and options['timeout'] == 7 and 'secret_id' not in options
    assert bed.options('approle')['mount_point'] == 'approle-ci'
    with pytest.raises(KeyError):
        bed.options('ldap')


def test_secrets_hold_every_credential_the_options_carry(bed):
    known = set(bed.secrets)
    dicts = [bed.options(method, variant) for method, variant in bed.variants()]
    dicts += [options for method in WRONG_METHODS for _label, options in bed.wrong(method)]
    for options in dicts:
        for name in SECRET_OPTIONS:
            if name in options:
                assert options[name] in known, name
        for name in FILE_OPTIONS:
            if name in options:
                with open(options[name]) as handle:
                    assert handle.read() in known, name
    with open(os.path.join(bed.token_file_home, '.vault-token')) as handle:
        assert handle.read().strip() in known
    assert bed.tls_vault.root_token in known
    assert all(len(value) >= 24 for value in known)  # OpenBao's own service tokens are the shortest


def test_labelled_secrets_give_pem_bodies_without_armour(bed):
    values = list(bed.labelled_secrets().values())
    assert len(values) == len(bed.secrets)
    assert not any('-----BEGIN' in value or '-----END' in value for value in values)
    with open(bed.options('cert')['cert_auth_private_key']) as handle:
        body = ''.join(handle.read().strip().splitlines()[1:-1])
    assert any(body in value.replace('\n', '') for value in values)


def test_state_is_json_and_names_every_server(bed):
    state = json.loads(json.dumps(bed.state()))
    assert {server['url'] for server in state['servers']} == {bed.vault.url, bed.tls_vault.url}
    assert state['methods']['approle'] == bed.options('approle')
    assert [case['label'] for case in state['wrong']['cert']] == [label for label, _options in bed.wrong('cert')]


def test_stop_ends_the_side_servers_and_removes_the_files():
    with OpenBaoServer() as vault:
        with AuthBed(vault) as bed:
            workdir, tls_vault, proxy_url = bed.workdir, bed.tls_vault, bed.options('none')['url']
    assert not os.path.exists(workdir)
    assert not tls_vault.running
    with pytest.raises(requests.ConnectionError):
        _session().get(proxy_url + '/v1/sys/health', timeout=2)
