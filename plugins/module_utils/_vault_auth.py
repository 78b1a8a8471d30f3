# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The ways to obtain a Vault token: one small class per `vault.auth_method`, in AUTH_METHODS.

Each method names the options it needs, checks them offline in validate() (reading any file it
takes a secret from) and gives the client a token in authenticate(client). Every secret an option,
the environment or a file gives is handed to `hide` before anything can fail, and so is the token
a login returns. Login requests go through the client's adapter, so they carry vault.namespace and
keep the session's limits; _vault_connection.connect() turns their failures into one-line errors.
"""

import os
import re
import ssl
import stat
import threading
from urllib.parse import quote

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_errors import config_error, not_vault_error

TOKEN_ENV_VARS = ('ANSIBLE_HASHI_VAULT_TOKEN', 'VAULT_TOKEN', 'BAO_TOKEN')
# `bao login` (OpenBao's default token helper) writes ~/.vault-token, as `vault login` does,
# unless VAULT_TOKEN_PATH or BAO_TOKEN_PATH names another file (checked against OpenBao 2.7).
TOKEN_FILE_ENV_VARS = ('VAULT_TOKEN_PATH', 'BAO_TOKEN_PATH')
TOKEN_FILE = '~/.vault-token'
DEFAULT_KUBERNETES_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token'

# The environment variables each suboption falls back to, first found wins; community.hashi_vault's
# names first, then the Vault and OpenBao CLIs' own.
AUTH_ENV_VARS = {
    'token': TOKEN_ENV_VARS,
    'auth_method': ('ANSIBLE_HASHI_VAULT_AUTH_METHOD',),
    'mount_point': ('ANSIBLE_HASHI_VAULT_MOUNT_POINT',),
    'role_id': ('ANSIBLE_HASHI_VAULT_ROLE_ID',),
    'secret_id': ('ANSIBLE_HASHI_VAULT_SECRET_ID',),
    'username': ('ANSIBLE_HASHI_VAULT_USERNAME',),
    'password': ('ANSIBLE_HASHI_VAULT_PASSWORD',),
    'jwt': ('ANSIBLE_HASHI_VAULT_JWT',),
    'cert_auth_public_key': ('ANSIBLE_HASHI_VAULT_CERT_AUTH_PUBLIC_KEY', 'VAULT_CLIENT_CERT', 'BAO_CLIENT_CERT'),
    'cert_auth_private_key': ('ANSIBLE_HASHI_VAULT_CERT_AUTH_PRIVATE_KEY', 'VAULT_CLIENT_KEY', 'BAO_CLIENT_KEY'),
}

# Options whose values are secrets wherever they come from (the argspec marks them no_log too).
SECRET_OPTIONS = ('token', 'role_id', 'secret_id', 'jwt', 'password')
# The environment variables those may come from, for code that scrubs without the option dict.
SECRET_ENV_VARS = tuple(name for option in SECRET_OPTIONS for name in AUTH_ENV_VARS[option])

# Where on the client connect() records a login, for revoke_login().
LOGIN_ATTRIBUTE = 'netsuite_ops_login'

# A token or JWT file holds a few KB: 64 KiB is generous, and bounds what is registered as secret.
_MAX_FILE_BYTES = 64 * 1024
_JWT_SHAPE = re.compile(r'[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*')
_MOUNT_SHAPE = re.compile(r'[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*')


def spellings(value):
    """A value as given and as used (whitespace trimmed): both must be hidden."""
    if value is None:
        return []
    raw = str(value)
    return [form for form in dict.fromkeys((raw, raw.strip())) if form]


def option_secrets(options):
    """Every secret in the `vault` option dict (as given and trimmed), for callers to register
    before anything can echo them."""
    found = []
    for name in SECRET_OPTIONS:
        found += spellings(options.get(name))
    return found


class LoginRecord:
    """What connect() notes on a client whose token came from a login: enough for revoke_login()
    to revoke it once, from any thread, without other state."""

    def __init__(self, method, mount, revoke):
        self.method = method
        self.mount = mount
        self.revoke = revoke
        self.revoked = False
        self.lock = threading.Lock()

    @property
    def label(self):
        return '%s login at auth/%s' % (self.method, self.mount)


class VaultAuthMethod:
    """One way to obtain a token. Subclasses check their options offline in validate() and give
    the client a token in authenticate(client)."""

    name = None
    # False: the token is given (not obtained by this task), so it is never revoked.
    logs_in = False

    def __init__(self, options, hide=None):
        self._options = options
        self._hide = hide or (lambda values: None)

    def validate(self):
        raise NotImplementedError

    def prepare_session(self, session):
        """Set up the requests session before the client exists (a client certificate)."""

    def authenticate(self, client):
        raise NotImplementedError

    # -- helpers for the subclasses ---------------------------------------------------------

    def _required(self, option):
        """The trimmed value of a required option, or an offline error naming it and its variables."""
        value = self._options.get(option)
        value = '' if value is None else str(value).strip()
        if not value:
            raise config_error(option, 'is not set (auth_method %s needs it)' % self.name, AUTH_ENV_VARS.get(option, ()))
        return value

    def _read_secret_file(self, option, path):
        """The content of a file holding a secret, registered (as read and trimmed) before it is
        checked; an unreadable file is an offline error naming the option."""
        raw = _read_small_regular_file(option, path)
        # The size was checked before anything is registered: registering costs time and memory
        # in proportion to the length.
        text = raw.decode('utf-8', errors='replace')
        self._hide(spellings(text))
        return text


def _read_small_regular_file(option, path):
    """The bytes of a secret file: a regular file (a link to one is fine: Kubernetes mounts its
    token through links) of at most _MAX_FILE_BYTES. A FIFO or device is refused without a
    blocking open or read, so a task cannot hang on it."""
    try:
        handle = os.open(os.path.expanduser(path), os.O_RDONLY | os.O_NONBLOCK | getattr(os, 'O_CLOEXEC', 0))
    except OSError as exc:
        raise config_error(option, "points to '%s', which cannot be read (%s)"
                           % (path, exc.strerror or type(exc).__name__), AUTH_ENV_VARS.get(option, ())) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise config_error(option, "points to '%s', which is not a regular file" % path)
        if info.st_size > _MAX_FILE_BYTES:
            raise config_error(option, "points to '%s', which is larger than %d KiB" % (path, _MAX_FILE_BYTES // 1024))
        raw = os.read(handle, _MAX_FILE_BYTES + 1)
    finally:
        os.close(handle)
    if len(raw) > _MAX_FILE_BYTES:  # it grew after fstat
        raise config_error(option, "points to '%s', which is larger than %d KiB" % (path, _MAX_FILE_BYTES // 1024))
    return raw


def header_safe_token(token, source):
    """A token as it goes into X-Vault-Token; `source` names where it came from (an option or a
    file), never its value."""
    # str(): values from lookups are str subclasses, which older requests rejects in headers.
    token = '' if token is None else str(token).strip()
    # An HTTP header carries only printable ASCII; requests (and http.client) would otherwise
    # fail with an error that quotes the value or the offending character's position.
    if not token.isascii() or any(char.isspace() or not char.isprintable() for char in token):
        raise config_error(source, 'must be printable ASCII without spaces or control characters')
    return token


class TokenAuth(VaultAuthMethod):
    """Use a given token as is, without a login request: vault.token (or its variables), else the
    token file `bao login` / `vault login` left for the user running the module."""

    name = 'token'

    def validate(self):
        self._token = self._given_token()

    def authenticate(self, client):
        client.token = self._token

    def _given_token(self):
        given = self._options.get('token')
        if given is not None and str(given).strip():
            return header_safe_token(given, 'token')
        path = token_file_path()
        if not os.path.isfile(path):
            raise config_error('token', 'is not set', TOKEN_ENV_VARS + ('the token file %s' % path,))
        token = self._read_secret_file('token', path).strip()
        if not token:
            raise config_error('token', 'is not set and the token file %s is empty' % path, TOKEN_ENV_VARS)
        return header_safe_token(token, "token (read from the token file %s)" % path)


def token_file_path():
    """The token file for the user running the module: VAULT_TOKEN_PATH, then BAO_TOKEN_PATH,
    then ~/.vault-token (what OpenBao's and Vault's default token helper write)."""
    for name in TOKEN_FILE_ENV_VARS:
        value = os.environ.get(name, '').strip()
        if value:
            return os.path.expanduser(value)
    return os.path.expanduser(TOKEN_FILE)


class NoTokenAuth(VaultAuthMethod):
    """Send no token at all: a Vault Agent or proxy in between adds its own."""

    name = 'none'

    def validate(self):
        pass

    def authenticate(self, client):
        client.token = ''


class LoginAuth(VaultAuthMethod):
    """A method that trades credentials for a token at auth/<mount>/login."""

    logs_in = True
    default_mount = None
    # What to check when Vault refuses the credentials, after 'Check '.
    check = ''
    # Vault answers an unknown login path with a bare 403; methods that report wrong credentials
    # otherwise (400) let connect() call that "not enabled at this mount".
    denial_means_no_mount = True

    @property
    def mount(self):
        given = self._options.get('mount_point')
        mount = ('' if given is None else str(given)).strip().strip('/')
        if not mount:
            return self.default_mount
        if not _MOUNT_SHAPE.fullmatch(mount) or '..' in mount.split('/'):
            raise config_error('mount_point', 'must be an auth mount path such as %s or team-a/%s'
                               % (self.default_mount, self.default_mount), AUTH_ENV_VARS['mount_point'])
        return mount

    @property
    def login_path(self):
        return 'auth/%s/login' % self.mount

    def validate(self):
        self.mount  # pylint: disable=pointless-statement  # checks vault.mount_point offline
        self._payload = self.payload()

    def payload(self):
        raise NotImplementedError

    def authenticate(self, client):
        answer = client.adapter.post('/v1/' + self.login_path, json=self._payload)
        token = (answer.get('auth') or {}).get('client_token') if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise not_vault_error('log in at', self.login_path, 'no token in the answer')
        self._hide([token])
        client.token = token

    def secrets(self):
        """This login's secrets (as given and used), to scrub from Vault's error text."""
        return option_secrets(self._options) + [
            value for name, value in self._payload.items() if name in SECRET_OPTIONS and isinstance(value, str)]


class AppRoleAuth(LoginAuth):
    name = 'approle'
    default_mount = 'approle'
    check = ('vault.role_id and vault.secret_id (a secret ID can expire or run out of uses) and that the role '
             'exists at auth/%(mount)s')

    def payload(self):
        return {'role_id': self._required('role_id'), 'secret_id': self._required('secret_id')}


class UserpassAuth(LoginAuth):
    name = 'userpass'
    default_mount = 'userpass'
    check = 'vault.username and vault.password, and that the user exists at auth/%(mount)s'

    @property
    def login_path(self):
        # quote(): a user name is one path segment, whatever characters it holds.
        return 'auth/%s/login/%s' % (self.mount, quote(self._required('username'), safe=''))

    def payload(self):
        self._required('username')
        password = self._options.get('password')
        # Not trimmed: spaces may belong to a password.
        if password is None or str(password) == '':
            raise config_error('password', 'is not set (auth_method %s needs it)' % self.name, AUTH_ENV_VARS['password'])
        return {'password': str(password)}


class LdapAuth(UserpassAuth):
    name = 'ldap'
    default_mount = 'ldap'
    check = ('vault.username and vault.password against the directory, and the LDAP settings of '
             'auth/%(mount)s (server URL, bind DN, user search)')


class JwtAuth(LoginAuth):
    name = 'jwt'
    default_mount = 'jwt'
    check = ("vault.role and vault.jwt: the role must exist at auth/%(mount)s and the JWT's audience, "
             'issuer, bound claims and expiry must match it')

    def payload(self):
        role = self._role()
        return {'role': role, 'jwt': self._jwt_shaped('jwt', self._required('jwt'))}

    def _role(self):
        role = self._options.get('role')
        if role is None or not str(role).strip():
            # community.hashi_vault names the JWT role vault.role_id; say where it goes here.
            problem = 'is not set (auth_method %s needs it%s)' % (
                self.name, '; vault.role_id is for approle only' if self._options.get('role_id') else '')
            raise config_error('role', problem)
        return str(role).strip()

    def _jwt_shaped(self, source, jwt):
        if not _JWT_SHAPE.fullmatch(jwt):
            raise config_error(source, 'is not a JWT (three base64url parts separated by dots)')
        return jwt


class KubernetesAuth(JwtAuth):
    name = 'kubernetes'
    default_mount = 'kubernetes'
    check = ("vault.role and the service-account token (vault.jwt or vault.kubernetes_token_path): the role at "
             "auth/%(mount)s must bind this service account and namespace, and Vault must reach the "
             "cluster's TokenReview API")
    # A token the cluster does not accept is also answered with a bare 403.
    denial_means_no_mount = False

    def payload(self):
        role = self._role()
        given = self._options.get('jwt')
        if given is not None and str(given).strip():
            return {'role': role, 'jwt': self._jwt_shaped('jwt', str(given).strip())}
        path = self._options.get('kubernetes_token_path') or DEFAULT_KUBERNETES_TOKEN_PATH
        jwt = self._read_secret_file('kubernetes_token_path', path).strip()
        return {'role': role, 'jwt': self._jwt_shaped('kubernetes_token_path', jwt)}


class CertAuth(LoginAuth):
    name = 'cert'
    default_mount = 'cert'
    check = ('vault.cert_auth_public_key and vault.cert_auth_private_key: a certificate role at auth/%(mount)s '
             '(vault.role names one) must trust the CA that signed the certificate')

    def validate(self):
        self._certificate = self._required('cert_auth_public_key')
        self._key = self._required('cert_auth_private_key')
        # The key itself is a secret: registered before anything else can show it.
        self._hide(pem_body_forms(self._read_secret_file('cert_auth_private_key', self._key)))
        if not os.path.isfile(os.path.expanduser(self._certificate)):
            raise config_error('cert_auth_public_key', "points to '%s', which does not exist" % self._certificate,
                               AUTH_ENV_VARS['cert_auth_public_key'])
        if not str(self._options.get('url') or '').strip().lower().startswith('https://'):
            raise config_error('url', 'must use https for auth_method cert: the certificate is presented in the '
                               'TLS handshake')
        _check_key_pair(self._certificate, self._key)
        super().validate()

    def payload(self):
        role = self._options.get('role')
        return {'name': str(role).strip()} if role is not None and str(role).strip() else {}

    def prepare_session(self, session):
        session.cert = (os.path.expanduser(self._certificate), os.path.expanduser(self._key))


def pem_body_forms(text):
    """A PEM text as read and each way a part of it may show up: its base64 body in one piece and
    line by line."""
    forms = spellings(text)
    body = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith('-----')]
    forms += [''.join(body)] + [line for line in body if len(line) >= 16]
    return [form for form in forms if form]


def _check_key_pair(certificate, key):
    """Load the pair as the TLS handshake will: a mismatch or an encrypted key is an offline error,
    not a prompt for a passphrase or an obscure failure mid-handshake."""
    def no_passphrase():
        raise ValueError('encrypted')
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_cert_chain(
            os.path.expanduser(certificate), os.path.expanduser(key), password=no_passphrase)
    except ValueError:
        raise config_error('cert_auth_private_key', 'is encrypted; give an unencrypted PEM key '
                           '(protect the file with permissions instead)') from None
    except (ssl.SSLError, OSError):
        raise config_error('cert_auth_private_key', 'does not match vault.cert_auth_public_key, or one of the '
                           'two files is not PEM') from None


AUTH_METHODS = {method.name: method for method in (
    TokenAuth, AppRoleAuth, JwtAuth, KubernetesAuth, UserpassAuth, LdapAuth, CertAuth, NoTokenAuth)}
