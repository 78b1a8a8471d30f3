# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every Vault auth method the collection supports, configured for real on OpenBao servers.

    with OpenBaoServer() as vault, AuthBed(vault) as bed:
        options = bed.options('approle')          # a complete `vault` option dict that logs in
        for label, wrong in bed.wrong('jwt'):     # variants the server refuses
            ...

Methods (OpenBao 2.7's auth catalog has no LDAP method: it ships only as an external plugin, so
LDAP is not part of the bed; it shares userpass's request shape):

- approle: mounted at ``approle-ci`` (not the default path) so mount_point is exercised;
- userpass: at ``userpass``;
- jwt: a key pair made here, ``jwt_validation_pubkeys``, a role with bound_audiences, a bound
  claim and user_claim, like a CI provider's OIDC token;
- kubernetes: OpenBao calls a local HTTPS stand-in of the TokenReview API (a CA made here,
  ``kubernetes_ca_cert``, ``token_reviewer_jwt``); logins read a token file the bed wrote, or
  take the JWT directly (variant ``jwt_inline``);
- cert: a second dev server with a TLS listener, a cert role trusting a client CA made here;
- token_file: a temporary HOME whose ``.vault-token`` was written by ``bao login``;
- none: ``bao proxy`` on 127.0.0.1 with AppRole auto-auth injecting its token.

Every login gets the policy ``tba-login-writer`` (what the README recommends), or
``tba-login-reader`` (read-only) with ``options(method, variant='reader')``. Login tokens live
10 minutes. Everything secret the bed makes is in ``secrets`` for leak searches.
"""
import datetime
import http.server
import ipaddress
import json
import os
import secrets as random_secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid

import jwt as pyjwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from support.openbao import OpenBaoServer, _bao_binary, _die_with_parent, end_process

WRITER_POLICY = 'tba-login-writer'
READER_POLICY = 'tba-login-reader'
# The proxy's own auto-auth token must not count as a login the code under test left behind.
PROXY_POLICY = 'tba-proxy-writer'
WRITER_HCL = """
path "secret/data/*" { capabilities = ["create", "update", "read"] }
path "secret/metadata/*" { capabilities = ["read", "update", "delete", "list"] }
"""
READER_HCL = """
path "secret/data/*" { capabilities = ["read"] }
path "secret/metadata/*" { capabilities = ["read", "list"] }
"""
LOGIN_POLICIES = (WRITER_POLICY, READER_POLICY)
LOGIN_TOKEN_TTL = '10m'
# Tokens and JWTs the bed hands out must outlive a whole integration run.
LONG_LIVED_SECONDS = 8 * 3600

METHODS = ('approle', 'userpass', 'jwt', 'kubernetes', 'cert', 'token_file', 'none')
SKIPPED_METHODS = {
    'ldap': "OpenBao 2.7's auth catalog has no ldap method (it is an external plugin); ldap sends "
            "the same login request as userpass",
}

APPROLE_MOUNT = 'approle-ci'
JWT_ISSUER = 'https://token.actions.githubusercontent.com'
JWT_AUDIENCE = 'https://github.com/netsuite-ops'
JWT_REPOSITORY = 'netsuite-ops/erp-sync'
K8S_ISSUER = 'https://kubernetes.default.svc.cluster.local'
K8S_AUDIENCE = 'openbao'
K8S_NAMESPACE = 'ci'
K8S_ACCOUNTS = {'writer': 'nso-runner', 'reader': 'nso-auditor'}
TOKENREVIEW_PATH = '/apis/authentication.k8s.io/v1/tokenreviews'
READY_TIMEOUT = 15


class AuthBed:
    """Configures every auth method on ``vault`` (a started OpenBaoServer, plain HTTP, root token)
    and the side servers some need; start()/stop() or a with block."""

    def __init__(self, vault):
        self.vault = vault
        self.tls_vault = None
        self.kubernetes_api = None
        self.proxy = None
        self.workdir = None
        self.token_file_home = None
        self._secrets = []
        self._options = {}
        self._wrong = {}

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # --- public API ---

    @property
    def secrets(self):
        """Every role ID, secret ID, password, JWT, token and private key PEM the bed made
        (the wrong ones included: a mistyped secret is still a secret)."""
        return list(dict.fromkeys(self._secrets))

    def labelled_secrets(self):
        """label -> value for the integration leak check. A PEM is given as its base64 body: its
        armour lines are the same in every key and not secret."""
        return {'vault_auth.%d' % number: _pem_body(value)
                for number, value in enumerate(self.secrets)}

    def options(self, method, variant=None, **overrides):
        """A complete `vault` option dict that logs in with ``method``. variant: None (the
        tba-login-writer policy), 'reader' (read-only) or, for kubernetes, 'jwt_inline' (the JWT
        as an option instead of a token file). An override of None removes that option."""
        key = method if variant is None else '%s/%s' % (method, variant)
        if key not in self._options:
            raise KeyError('no options for %s; known: %s' % (key, ', '.join(sorted(self._options))))
        options = dict(self._options[key], **overrides)
        return {name: value for name, value in options.items() if value is not None}

    def variants(self):
        """Every (method, variant) options() knows."""
        return [tuple(key.split('/', 1)) if '/' in key else (key, None) for key in self._options]

    def wrong(self, method):
        """(label, options) pairs the server refuses at login: wrong secrets, roles, audiences,
        expired or foreign-signed JWTs, a certificate from another CA."""
        return [(label, dict(options)) for label, options in self._wrong.get(method, [])]

    def token_is_live(self, token):
        """Whether ``token`` still looks up on either server (root token; auth/token/lookup)."""
        for server in self._servers():
            status, _answer = server.request('POST', 'auth/token/lookup', {'token': token})
            if status == 200:
                return True
        return False

    def live_login_tokens(self):
        """Accessors of the live tokens that logins with the bed's login policies created, on
        either server (the proxy's own token and tokens made by the root token are not counted)."""
        return [accessor for _server, accessor, _info in self._login_tokens()]

    def revoke_login_tokens(self):
        """Revoke every live login token, so a test can start from none."""
        for server, accessor, _info in self._login_tokens():
            server.api('POST', 'auth/token/revoke-accessor', {'accessor': accessor})

    def data_token(self, policy_name=WRITER_POLICY, ttl='1h'):
        """A token made by the root token with one of the bed's policies (no login)."""
        token = self.vault.create_token([policy_name], ttl=ttl)
        self._secrets.append(token)
        return token

    @property
    def kubernetes_reviews(self):
        """TokenReview requests the stand-in answered, oldest first: dicts with account, authenticated."""
        return list(self.kubernetes_api.reviews)

    def state(self):
        """What integration tests read (JSON-able): every method's options, its variants and
        wrong cases, the servers' addresses."""
        return {
            'methods': {key: dict(options) for key, options in self._options.items()},
            'wrong': {method: [{'label': label, 'vault': dict(options)} for label, options in cases]
                      for method, cases in self._wrong.items()},
            'token_file_home': self.token_file_home,
            'login_policies': list(LOGIN_POLICIES),
            'servers': [{'url': server.url, 'root_token': server.root_token, 'ca_cert': server.ca_cert}
                        for server in self._servers()],
            'skipped': dict(SKIPPED_METHODS),
        }

    def start(self):
        self.workdir = tempfile.mkdtemp(prefix='nso-authbed-')
        os.chmod(self.workdir, 0o700)
        try:
            pki = _Pki(self._write_file, self._made)
            # The plain server is configured while the TLS one starts. Long-lived processes start
            # in this thread: the kernel ends them when the thread that forked them ends.
            plain = _Background(self._configure_plain_server, pki)
            self._start_cert_server(pki)
            plain.join()
            self._start_proxy()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        if self.proxy is not None:
            self.proxy.stop()
        if self.kubernetes_api is not None:
            self.kubernetes_api.stop()
        if self.tls_vault is not None:
            self.tls_vault.stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.proxy = self.kubernetes_api = self.tls_vault = self.workdir = None

    # --- set-up, one method each ---

    def _configure_plain_server(self, pki):
        self._put_policies(self.vault)
        self._configure_approle()
        self._configure_userpass()
        self._configure_jwt()
        self._configure_kubernetes(pki)
        self._configure_token_file()

    def _put_policies(self, server):
        server.put_policy(WRITER_POLICY, WRITER_HCL)
        server.put_policy(READER_POLICY, READER_HCL)

    def _enable(self, server, mount, method_type):
        server.api('POST', 'sys/auth/%s' % mount, {'type': method_type})

    def _base(self, method, mount, server=None):
        server = server or self.vault
        return {'url': server.url, 'auth_method': method, 'mount_point': mount}

    def _configure_approle(self):
        self._enable(self.vault, APPROLE_MOUNT, 'approle')
        ids = {}
        for access, policy in (('writer', WRITER_POLICY), ('reader', READER_POLICY)):
            ids[access] = self._approle(APPROLE_MOUNT, 'nso-ci-%s' % access, policy)
        base = self._base('approle', APPROLE_MOUNT)
        self._add_options('approle', dict(base, role_id=ids['writer'][0], secret_id=ids['writer'][1]))
        self._add_options('approle/reader', dict(base, role_id=ids['reader'][0], secret_id=ids['reader'][1]))
        role_id, secret_id = ids['writer']
        self._add_wrong('approle', [
            ('wrong secret_id', dict(base, role_id=role_id, secret_id=self._made(str(uuid.uuid4())))),
            ('wrong role_id', dict(base, role_id=self._made(str(uuid.uuid4())), secret_id=secret_id)),
            ("secret_id of another role", dict(base, role_id=role_id, secret_id=ids['reader'][1])),
            ('mount_point where AppRole is not enabled',
             dict(base, mount_point='approle', role_id=role_id, secret_id=secret_id)),
        ])

    def _approle(self, mount, role, policy, token_ttl=LOGIN_TOKEN_TTL):
        """Create an AppRole role; returns (role ID, secret ID)."""
        server = self.vault
        server.api('POST', 'auth/%s/role/%s' % (mount, role), {
            'token_policies': [policy], 'token_ttl': token_ttl, 'token_max_ttl': token_ttl})
        role_id = server.api('GET', 'auth/%s/role/%s/role-id' % (mount, role))['data']['role_id']
        secret_id = server.api('POST', 'auth/%s/role/%s/secret-id' % (mount, role))['data']['secret_id']
        return self._made(role_id), self._made(secret_id)

    def _configure_userpass(self):
        self._enable(self.vault, 'userpass', 'userpass')
        passwords = {}
        for access, policy in (('writer', WRITER_POLICY), ('reader', READER_POLICY)):
            passwords[access] = self._made('Pw-' + random_secrets.token_urlsafe(30))
            self.vault.api('POST', 'auth/userpass/users/nso-%s' % access, {
                'password': passwords[access], 'token_policies': [policy], 'token_ttl': LOGIN_TOKEN_TTL})
        base = self._base('userpass', 'userpass')
        self._add_options('userpass', dict(base, username='nso-writer', password=passwords['writer']))
        self._add_options('userpass/reader', dict(base, username='nso-reader', password=passwords['reader']))
        self._add_wrong('userpass', [
            ('wrong password', dict(base, username='nso-writer',
                                    password=self._made('Pw-' + random_secrets.token_urlsafe(30)))),
            ('unknown username', dict(base, username='nso-nobody', password=passwords['writer'])),
        ])

    def _configure_jwt(self):
        key, other_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        for private in (key, other_key):
            self._made(_private_pem(private))
        self._enable(self.vault, 'jwt', 'jwt')
        self.vault.api('POST', 'auth/jwt/config', {
            'jwt_validation_pubkeys': [_public_pem(key)], 'bound_issuer': JWT_ISSUER})
        for access, policy in (('writer', WRITER_POLICY), ('reader', READER_POLICY)):
            self.vault.api('POST', 'auth/jwt/role/nso-ci-%s' % access, {
                'role_type': 'jwt', 'user_claim': 'sub', 'bound_audiences': [JWT_AUDIENCE],
                'bound_claims': {'repository': JWT_REPOSITORY}, 'token_policies': [policy],
                'token_ttl': LOGIN_TOKEN_TTL})

        def ci_token(signing_key=key, audience=JWT_AUDIENCE, lifetime=LONG_LIVED_SECONDS, repository=JWT_REPOSITORY):
            now = int(time.time())
            claims = {
                'iss': JWT_ISSUER, 'aud': audience, 'sub': 'repo:%s:ref:refs/heads/main' % repository,
                'repository': repository, 'ref': 'refs/heads/main', 'jti': str(uuid.uuid4()),
                'iat': now - 60, 'nbf': now - 60, 'exp': now + lifetime,
            }
            return self._made(pyjwt.encode(claims, signing_key, algorithm='ES256',
                                           headers={'kid': random_secrets.token_hex(8)}))

        base = self._base('jwt', 'jwt')
        self._add_options('jwt', dict(base, role='nso-ci-writer', jwt=ci_token()))
        self._add_options('jwt/reader', dict(base, role='nso-ci-reader', jwt=ci_token()))
        self._add_wrong('jwt', [
            ('JWT for another audience', dict(base, role='nso-ci-writer', jwt=ci_token(audience='https://github.com/someone-else'))),
            ('expired JWT', dict(base, role='nso-ci-writer', jwt=ci_token(lifetime=-3600))),
            ('JWT signed by another key', dict(base, role='nso-ci-writer', jwt=ci_token(signing_key=other_key))),
            ('JWT from a repository the role does not bind',
             dict(base, role='nso-ci-writer', jwt=ci_token(repository='netsuite-ops/other-repo'))),
            ('unknown JWT role', dict(base, role='nso-ci-nobody', jwt=ci_token())),
        ])

    def _configure_kubernetes(self, pki):
        api = self.kubernetes_api = TokenReviewStandIn(pki.server_context(), self._made)
        api.start()
        self._enable(self.vault, 'kubernetes', 'kubernetes')
        # Outside a pod OpenBao cannot fall back to the pod's own CA and token: both are given.
        self.vault.api('POST', 'auth/kubernetes/config', {
            'kubernetes_host': api.url, 'kubernetes_ca_cert': pki.ca_pem,
            'token_reviewer_jwt': api.reviewer_jwt, 'disable_local_ca_jwt': True})
        for access, policy in (('writer', WRITER_POLICY), ('reader', READER_POLICY)):
            self.vault.api('POST', 'auth/kubernetes/role/nso-%s' % access, {
                'bound_service_account_names': [K8S_ACCOUNTS[access]],
                'bound_service_account_namespaces': [K8S_NAMESPACE], 'audience': K8S_AUDIENCE,
                'token_policies': [policy], 'token_ttl': LOGIN_TOKEN_TTL})

        def token_file(name, token):
            return self._write_file('k8s-%s.jwt' % name, token)

        writer_jwt = api.issue(K8S_ACCOUNTS['writer'])
        base = self._base('kubernetes', 'kubernetes')
        self._add_options('kubernetes', dict(base, role='nso-writer', kubernetes_token_path=token_file('writer', writer_jwt)))
        self._add_options('kubernetes/jwt_inline', dict(base, role='nso-writer', jwt=writer_jwt))
        self._add_options('kubernetes/reader', dict(base, role='nso-reader', kubernetes_token_path=token_file(
            'reader', api.issue(K8S_ACCOUNTS['reader']))))
        cases = [
            ('service account token the TokenReview API rejects (deleted account)', 'deleted',
             api.issue(K8S_ACCOUNTS['writer'], revoked=True), 'nso-writer'),
            ('service account token signed by another key', 'forged', api.issue(K8S_ACCOUNTS['writer'], forged=True), 'nso-writer'),
            ('service account the role does not bind', 'unbound', api.issue('default'), 'nso-writer'),
            ('service account token for another audience', 'audience',
             api.issue(K8S_ACCOUNTS['writer'], audience=K8S_ISSUER), 'nso-writer'),
            ('unknown kubernetes role', 'norole', writer_jwt, 'nso-nobody'),
        ]
        self._add_wrong('kubernetes', [
            (label, dict(base, role=role, kubernetes_token_path=token_file(name, token)))
            for label, name, token, role in cases])

    def _start_cert_server(self, pki):
        server = self.tls_vault = OpenBaoServer(tls=True)
        server.start()
        self._made(server.root_token)
        self._put_policies(server)
        self._enable(server, 'cert', 'cert')
        for access, policy in (('writer', WRITER_POLICY), ('reader', READER_POLICY)):
            server.api('POST', 'auth/cert/certs/nso-ci-%s' % access, {
                'certificate': pki.client_ca_pem, 'allowed_common_names': ['nso-ci-%s.example.test' % access],
                'token_policies': [policy], 'token_ttl': LOGIN_TOKEN_TTL})

        def client_files(name, cert_pem, key_pem):
            return {'cert_auth_public_key': self._write_file('%s.crt' % name, cert_pem),
                    'cert_auth_private_key': self._write_file('%s.key' % name, key_pem)}

        base = dict(self._base('cert', 'cert', server), ca_cert=server.ca_cert)
        writer = client_files('client-writer', *pki.client_cert('nso-ci-writer.example.test'))
        reader = client_files('client-reader', *pki.client_cert('nso-ci-reader.example.test'))
        foreign = client_files('client-foreign', *pki.client_cert('nso-ci-writer.example.test', foreign=True))
        self._add_options('cert', dict(base, role='nso-ci-writer', **writer))
        self._add_options('cert/reader', dict(base, role='nso-ci-reader', **reader))
        self._add_wrong('cert', [
            ('client certificate from another CA', dict(base, role='nso-ci-writer', **foreign)),
            ('client certificate whose name the role does not allow', dict(base, role='nso-ci-writer', **reader)),
            ('unknown cert role', dict(base, role='nso-ci-nobody', **writer)),
        ])

    def _configure_token_file(self):
        """A HOME with .vault-token written by `bao login` itself, as a person's terminal has it."""
        home = self.token_file_home = os.path.join(self.workdir, 'home')
        os.mkdir(home, 0o700)
        token = self.vault.create_token([WRITER_POLICY], ttl='%ds' % LONG_LIVED_SECONDS)
        self._made(token)
        env = _clean_env(HOME=home, BAO_ADDR=self.vault.url)
        # The token goes through stdin, not argv, so `ps` does not show it.
        done = subprocess.run([_bao_binary(), 'login', '-no-print', '-'], input=token, env=env,
                              capture_output=True, text=True, timeout=30, check=False)
        if done.returncode != 0 or not os.path.exists(os.path.join(home, '.vault-token')):
            raise RuntimeError('bao login did not write %s/.vault-token: %s'
                               % (home, done.stderr.replace(token, '<token>').strip()))
        self._add_options('token_file', {'url': self.vault.url, 'auth_method': 'token'})

    def _start_proxy(self):
        # A token that outlives the run: no renewal request shows up in an audit log mid-test.
        role_id, secret_id = self._approle(APPROLE_MOUNT, 'nso-proxy', PROXY_POLICY, token_ttl='%ds' % LONG_LIVED_SECONDS)
        self.vault.put_policy(PROXY_POLICY, WRITER_HCL)
        self.proxy = _BaoProxy(self.workdir, self.vault.url, APPROLE_MOUNT,
                               self._write_file('proxy-role-id', role_id),
                               self._write_file('proxy-secret-id', secret_id))
        self.proxy.start()
        self._add_options('none', {'url': self.proxy.url, 'auth_method': 'none'})

    # --- helpers ---

    def _made(self, value):
        self._secrets.append(value)
        return value

    def _add_options(self, key, options):
        self._options[key] = options

    def _add_wrong(self, method, cases):
        self._wrong[method] = cases

    def _write_file(self, name, text):
        path = os.path.join(self.workdir, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as handle:
            handle.write(text)
        return path

    def _servers(self):
        return [server for server in (self.vault, self.tls_vault) if server is not None]

    def _login_tokens(self):
        """(server, accessor, lookup data) of each live token created by a login (path auth/<mount>/login)
        that carries one of the bed's login policies."""
        found = []
        for server in self._servers():
            status, answer = server.request('LIST', 'auth/token/accessors')
            if status != 200:
                raise RuntimeError('listing token accessors answered %d' % status)
            for accessor in answer['data']['keys']:
                status, info = server.request('POST', 'auth/token/lookup-accessor', {'accessor': accessor})
                if status != 200:
                    continue  # revoked or expired since the list
                data = info['data']
                created_by_login = (data.get('path') or '').startswith('auth/') and not data['path'].startswith('auth/token/')
                if created_by_login and set(data.get('policies') or ()) & set(LOGIN_POLICIES):
                    found.append((server, accessor, data))
        return found


class _Background(threading.Thread):
    """Run one set-up step in a thread; join() re-raises its exception."""

    def __init__(self, target, *args):
        super().__init__(daemon=True)
        self._call = (target, args)
        self._error = None
        self.start()

    def run(self):
        target, args = self._call
        try:
            target(*args)
        except BaseException as error:  # pylint: disable=broad-except
            self._error = error

    def join(self, timeout=None):
        super().join(timeout)
        if self._error is not None:
            raise self._error


class _Pki:
    """The CAs the tests make: one for the TokenReview stand-in's server certificate, one that
    cert auth trusts for client certificates, and a foreign one nobody trusts."""

    def __init__(self, write_file, register_secret):
        self._write_file = write_file
        self._register = register_secret
        self.ca_key, self.ca_cert = _make_ca('NSO test kubernetes CA')
        self.client_ca_key, self.client_ca_cert = _make_ca('NSO test client CA')
        self.foreign_ca_key, self.foreign_ca_cert = _make_ca('NSO test foreign CA')
        for private in (self.ca_key, self.client_ca_key, self.foreign_ca_key):
            register_secret(_private_pem(private))

    @property
    def ca_pem(self):
        return self.ca_cert.public_bytes(serialization.Encoding.PEM).decode('ascii')

    @property
    def client_ca_pem(self):
        return self.client_ca_cert.public_bytes(serialization.Encoding.PEM).decode('ascii')

    def server_context(self):
        """A TLS server context for 127.0.0.1 whose certificate this PKI's CA signed."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _issue(self.ca_key, self.ca_cert, '127.0.0.1', key, ExtendedKeyUsageOID.SERVER_AUTH, server_ip='127.0.0.1')
        cert_path = self._write_file('tokenreview.crt', _cert_pem(cert))
        key_path = self._write_file('tokenreview.key', self._register(_private_pem(key)))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        return context

    def client_cert(self, common_name, foreign=False):
        """(certificate PEM, private key PEM) for TLS client authentication."""
        ca_key, ca_cert = (self.foreign_ca_key, self.foreign_ca_cert) if foreign else (self.client_ca_key, self.client_ca_cert)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _issue(ca_key, ca_cert, common_name, key, ExtendedKeyUsageOID.CLIENT_AUTH)
        return _cert_pem(cert), self._register(_private_pem(key))


class TokenReviewStandIn:
    """The one Kubernetes API call OpenBao's kubernetes method makes, over HTTPS on 127.0.0.1:
    POST /apis/authentication.k8s.io/v1/tokenreviews. It authenticates the service-account JWTs it
    issued itself (signature, expiry, not deleted) and answers as a cluster would."""

    def __init__(self, ssl_context, register_secret):
        self._context = ssl_context
        self._register = register_secret
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._foreign_key = ec.generate_private_key(ec.SECP256R1())
        for private in (self._key, self._foreign_key):
            register_secret(_private_pem(private))
        self.reviewer_jwt = self.issue('vault-token-reviewer', namespace='kube-system')
        self.revoked = set()
        self.reviews = []
        self._server = self._thread = None

    @property
    def url(self):
        return 'https://127.0.0.1:%d' % self._server.server_address[1]

    def issue(self, account, namespace=K8S_NAMESPACE, audience=K8S_AUDIENCE, revoked=False, forged=False):
        """A projected service-account token as the kubelet mounts it."""
        now = int(time.time())
        jti = str(uuid.uuid4())
        claims = {
            'iss': K8S_ISSUER, 'aud': [audience], 'sub': 'system:serviceaccount:%s:%s' % (namespace, account),
            'iat': now - 60, 'nbf': now - 60, 'exp': now + LONG_LIVED_SECONDS, 'jti': jti,
            'kubernetes.io': {
                'namespace': namespace,
                'pod': {'name': '%s-%s' % (account, random_secrets.token_hex(4)), 'uid': str(uuid.uuid4())},
                'serviceaccount': {'name': account, 'uid': str(uuid.uuid5(uuid.NAMESPACE_URL, namespace + '/' + account))},
            },
        }
        if revoked:
            self.revoked.add(jti)
        token = pyjwt.encode(claims, self._foreign_key if forged else self._key, algorithm='ES256',
                             headers={'kid': random_secrets.token_hex(8)})
        return self._register(token)

    def review(self, authorization, body):
        """(HTTP status, answer) for one TokenReview request."""
        if authorization != 'Bearer %s' % self.reviewer_jwt:
            return 401, {'kind': 'Status', 'apiVersion': 'v1', 'metadata': {}, 'status': 'Failure',
                         'message': 'Unauthorized', 'reason': 'Unauthorized', 'code': 401}
        spec = body.get('spec') or {}
        wanted = spec.get('audiences') or [K8S_AUDIENCE]
        status = self._status(spec.get('token') or '', wanted)
        self.reviews.append({'account': (status.get('user') or {}).get('username'),
                             'authenticated': status['authenticated']})
        return 201, {'kind': 'TokenReview', 'apiVersion': 'authentication.k8s.io/v1',
                     'metadata': {'creationTimestamp': None}, 'spec': {'audiences': wanted}, 'status': status}

    def _status(self, token, wanted):
        try:
            claims = pyjwt.decode(token, self._key.public_key(), algorithms=['ES256'], audience=wanted,
                                  issuer=K8S_ISSUER)
        except pyjwt.InvalidTokenError:
            return {'authenticated': False, 'user': {}, 'error': '[invalid bearer token, token lookup failed]'}
        if claims['jti'] in self.revoked:
            return {'authenticated': False, 'user': {},
                    'error': '[invalid bearer token, service account token has been invalidated]'}
        k8s = claims['kubernetes.io']
        account = k8s['serviceaccount']
        return {'authenticated': True, 'audiences': [aud for aud in claims['aud'] if aud in wanted], 'user': {
            'username': 'system:serviceaccount:%s:%s' % (k8s['namespace'], account['name']), 'uid': account['uid'],
            'groups': ['system:serviceaccounts', 'system:serviceaccounts:%s' % k8s['namespace'], 'system:authenticated']}}

    def start(self):
        stand_in, context = self, self._context

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # pylint: disable=invalid-name
                length = int(self.headers.get('Content-Length') or 0)
                raw = self.rfile.read(length)
                if self.path.split('?')[0] != TOKENREVIEW_PATH:
                    status, answer = 404, {'kind': 'Status', 'status': 'Failure', 'reason': 'NotFound', 'code': 404}
                else:
                    status, answer = stand_in.review(self.headers.get('Authorization'), json.loads(raw or b'{}'))
                payload = json.dumps(answer).encode('utf-8')
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # the requests carry JWTs; keep them out of stderr
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self):
                sock, address = super().get_request()
                return context.wrap_socket(sock, server_side=True), address

        self._server = Server(('127.0.0.1', 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._server = self._thread = None


class _BaoProxy:
    """`bao proxy` on 127.0.0.1 logging in with AppRole and injecting its token into requests that
    carry none: what `vault.auth_method: none` is for."""

    def __init__(self, workdir, vault_url, approle_mount, role_id_path, secret_id_path):
        self._workdir = workdir
        self._vault_url = vault_url
        self._mount = approle_mount
        self._role_id_path = role_id_path
        self._secret_id_path = secret_id_path
        self.port = _free_port()
        self._process = self._log = None

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def start(self):
        config = os.path.join(self._workdir, 'proxy.hcl')
        with open(config, 'w') as handle:
            handle.write(_PROXY_CONFIG % {
                'vault': self._vault_url, 'mount': self._mount, 'role_id': self._role_id_path,
                'secret_id': self._secret_id_path, 'port': self.port})
        self._log = open(os.path.join(self._workdir, 'proxy.log'), 'wb')
        self._process = subprocess.Popen(  # pylint: disable=consider-using-with
            [_bao_binary(), 'proxy', '-config=%s' % config], env=_clean_env(HOME=self._workdir),
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_die_with_parent)
        self._wait_until_authenticated()
        return self

    def _wait_until_authenticated(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError('bao proxy exited with status %d; log: %s' % (self._process.returncode, self._log.name))
            try:
                with _no_proxy_opener().open('%s/v1/auth/token/lookup-self' % self.url, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError('bao proxy had no auto-auth token after %d s; log: %s' % (READY_TIMEOUT, self._log.name))

    def stop(self):
        end_process(self._process)
        if self._log is not None:
            self._log.close()
        self._process = self._log = None


_PROXY_CONFIG = """
vault {
  address = "%(vault)s"
}
auto_auth {
  method "approle" {
    mount_path = "auth/%(mount)s"
    config = {
      role_id_file_path = "%(role_id)s"
      secret_id_file_path = "%(secret_id)s"
      remove_secret_id_file_after_reading = false
    }
  }
}
api_proxy {
  use_auto_auth_token = true
}
listener "tcp" {
  address = "127.0.0.1:%(port)d"
  tls_disable = true
}
"""


def _no_proxy_opener():
    """No proxy from the environment between the bed and 127.0.0.1."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _clean_env(**extra):
    """The environment without the user's VAULT_*/BAO_* settings, plus ``extra``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(('VAULT_', 'BAO_'))}
    env.update(extra)
    return env


def _free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _make_ca(name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _issue(ca_key, ca_cert, common_name, key, usage, server_ip=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
               .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    if server_ip:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(server_ip))]),
                                        critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def _cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode('ascii')


def _private_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode('ascii')


def _public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')


def _pem_body(value):
    """The base64 lines of a PEM (without its armour), or the value itself when it is no PEM."""
    lines = value.strip().splitlines()
    if len(lines) > 2 and lines[0].startswith('-----BEGIN') and lines[-1].startswith('-----END'):
        return '\n'.join(lines[1:-1])
    return value
