# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Connect and authenticate to Vault or OpenBao, and turn client errors into safe, actionable ones.

Nothing here may put a token, a secret value or stored data into a message: errors are built
from our own words plus the (non-secret) server URL, path and Vault's own error text.
"""

import os
import re
import sys
from contextlib import contextmanager
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import (
    MIB,
    bounded_session,
    response_too_large_error,
)

URL_ENV_VARS = ('VAULT_ADDR', 'BAO_ADDR')
TOKEN_ENV_VARS = ('VAULT_TOKEN', 'BAO_TOKEN')
NAMESPACE_ENV_VARS = ('VAULT_NAMESPACE',)
CA_CERT_ENV_VARS = ('VAULT_CACERT',)
SKIP_VERIFY_ENV_VAR = 'VAULT_SKIP_VERIFY'
DEFAULT_TIMEOUT = 30
VAULT_ANSWER_MAX_BYTES = 16 * MIB

ERROR_KINDS = frozenset((
    'unreachable', 'sealed', 'tls', 'permission_denied', 'auth_failed', 'missing_mount',
    'kv_v1_mount', 'cas_conflict', 'invalid_request', 'server_error', 'missing_dependency', 'config',
))

_TRUE_STRINGS = frozenset(('1', 't', 'true', 'y', 'yes', 'on'))
_SERVER_MESSAGE_LIMIT = 200


class VaultConnectionError(Exception):
    """A Vault failure explained in one line: what happened (cause) and what to do (hint).

    kind is one of ERROR_KINDS, for callers that react differently (e.g. a warning instead of a
    failure for a denied metadata update).
    """

    def __init__(self, kind, cause, hint):
        if kind not in ERROR_KINDS:
            raise ValueError('unknown VaultConnectionError kind %r' % (kind,))
        self.kind = kind
        self.cause = cause
        self.hint = hint
        super().__init__('%s. %s' % (cause, hint))


def config_error(option, problem, env_vars=()):
    """An offline configuration problem, naming the option (and the env vars that were tried)."""
    tried = ' (also looked in %s)' % ', '.join(env_vars) if env_vars else ''
    return VaultConnectionError(
        'config', 'vault.%s %s%s' % (option, problem, tried),
        'Set vault.%s in the task or with module_defaults' % option)


def import_hvac():
    """Import hvac on first use only: loading it costs start-up time on every module run."""
    try:
        import hvac
    except ImportError:
        raise VaultConnectionError(
            'missing_dependency',
            "The Python library 'hvac' is not installed for %s" % sys.executable,
            'Install it where the module runs (pip install hvac): on the controller for localhost '
            'tasks, or in the execution environment') from None
    return hvac


class VaultAuthMethod:
    """One way to obtain a token. Subclasses check their options offline in validate() and
    give the client a token in authenticate(client)."""

    def __init__(self, options):
        self._options = options

    def validate(self):
        raise NotImplementedError

    def authenticate(self, client):
        raise NotImplementedError


class TokenAuth(VaultAuthMethod):
    """Use the given token as is; offline, no login request."""

    def validate(self):
        self._token()

    def authenticate(self, client):
        client.token = self._token()

    def _token(self):
        raw = self._options.get('token')
        # str(): values from lookups are str subclasses, which older requests rejects in headers.
        token = '' if raw is None else str(raw).strip()
        if not token:
            raise config_error('token', 'is not set', TOKEN_ENV_VARS)
        # An HTTP header carries only printable ASCII; requests (and http.client) would otherwise
        # fail with an error that quotes the value or the offending character's position.
        if not token.isascii() or any(char.isspace() or not char.isprintable() for char in token):
            raise config_error('token', 'must be printable ASCII without spaces or control characters')
        return token


AUTH_METHODS = {'token': TokenAuth}

VAULT_CONNECTION_ARGSPEC = {
    # No default={}: Ansible would fill that one shared dict in place on every validation (so a
    # second validation in the same process would see the first one's token); apply_defaults
    # gives each validation a fresh dict.
    'vault': dict(
        type='dict',
        apply_defaults=True,
        options=dict(
            url=dict(type='str', fallback=(env_fallback, list(URL_ENV_VARS))),
            token=dict(type='str', no_log=True, fallback=(env_fallback, list(TOKEN_ENV_VARS))),
            auth_method=dict(type='str', default='token', choices=sorted(AUTH_METHODS)),
            namespace=dict(type='str', fallback=(env_fallback, list(NAMESPACE_ENV_VARS))),
            validate_certs=dict(type='bool'),
            ca_cert=dict(type='path', aliases=['cacert'], fallback=(env_fallback, list(CA_CERT_ENV_VARS))),
            timeout=dict(type='int', default=DEFAULT_TIMEOUT),
        ),
    ),
}


def url_secrets(url):
    """The user information in a URL (user:password@), for callers to register as secret before
    anything can echo the URL."""
    try:
        parts = urlsplit(str(url or ''))
        return [value for value in (parts.password, parts.netloc.rpartition('@')[0]) if value]
    except ValueError:
        return []


def connect(options, warnings=None):
    """Build an authenticated hvac client from the `vault` option dict.

    With token auth this sends no request: the first real call is the caller's. Everything hvac
    would otherwise take from the environment or ~/.vault-token is passed explicitly. Warnings
    about a weakened connection (no TLS verification) are appended to `warnings`.
    """
    if not isinstance(options, dict):
        raise VaultConnectionError('config', 'vault must be a dictionary of connection options',
                                   'Write it as a mapping, e.g. vault: {url: https://vault.example.com:8200}')
    url = _checked_url(options.get('url'))
    timeout = _checked_timeout(options.get('timeout'))
    auth = _auth_method(options)
    auth.validate()
    verify = _verify_setting(options)
    if verify is False and warnings is not None:
        warnings.append(
            'vault.validate_certs is false (or %s is set): the Vault server\'s TLS certificate is not '
            'checked, so anything in between can read the token and the credentials. Use '
            'vault.ca_cert to trust a private CA instead.' % SKIP_VERIFY_ENV_VAR)
    hvac = import_hvac()
    session = bounded_session(timeout, VAULT_ANSWER_MAX_BYTES, refuse_redirects=True)
    session.verify = verify  # hvac takes a given session's verify over its own argument
    # token='' rather than None: None makes hvac read VAULT_TOKEN or ~/.vault-token by itself.
    client = hvac.Client(
        url=url,
        token='',
        namespace=options.get('namespace') or None,
        verify=verify,
        timeout=timeout,
        # Each request ends within the timeout, reads at most 16 MiB and follows no redirect:
        # a redirect would carry X-Vault-Token (and a write's secrets) to wherever it points.
        session=session,
    )
    auth.authenticate(client)
    return client


def _checked_url(url):
    # Whitespace around a value from the environment is paste debris (a trailing newline).
    url = '' if url is None else str(url).strip()
    if not url:
        raise config_error('url', 'is not set', URL_ENV_VARS)
    if url_secrets(url):
        raise config_error('url', 'must not contain user information (user:password@); authenticate '
                           'with vault.auth_method instead')
    if _server_of(url) is None or any(char.isspace() or not char.isprintable() for char in url):
        raise config_error('url', 'must look like https://vault.example.com:8200')
    path = urlsplit(url).path.rstrip('/')
    if path == '/v1' or path.endswith('/v1') or '/v1/' in path:
        raise config_error('url', "must be the server's address without the API path: drop '/v1' (the "
                           'collection adds it)')
    return url


def _checked_timeout(timeout):
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
        raise config_error('timeout', 'must be a whole number of seconds, at least 1')
    return timeout


def _auth_method(options):
    name = options.get('auth_method') or 'token'
    if name not in AUTH_METHODS:
        raise config_error('auth_method', "'%s' is not supported; choose one of: %s"
                           % (name, ', '.join(sorted(AUTH_METHODS))))
    return AUTH_METHODS[name](options)


def _verify_setting(options):
    """hvac's verify: a CA bundle path, or a bool. Unset validate_certs follows VAULT_SKIP_VERIFY."""
    validate_certs = options.get('validate_certs')
    if validate_certs is None:
        validate_certs = os.environ.get(SKIP_VERIFY_ENV_VAR, '').strip().lower() not in _TRUE_STRINGS
    ca_cert = options.get('ca_cert')
    if not (validate_certs and ca_cert):
        return validate_certs
    # requests reports a missing CA file as a bare OSError at request time; say it up front.
    if not os.path.exists(ca_cert):
        raise config_error('ca_cert', "points to '%s', which does not exist" % ca_cert, CA_CERT_ENV_VARS)
    return ca_cert


def client_errors():
    """The exception classes hvac and requests raise, for `except client_errors():` clauses."""
    import requests.exceptions
    return (import_hvac().exceptions.VaultError, requests.exceptions.RequestException)


@contextmanager
def translated_errors(action, path, capability=None):
    """Run a block of client calls; re-raise any client failure as a VaultConnectionError."""
    try:
        yield
    except client_errors() as exc:
        # from None: the original exception's text never reaches a traceback.
        raise translate_error(exc, action, path, capability) from None
    except RecursionError:
        # hvac decoding absurdly nested JSON: not an answer Vault gives.
        raise not_vault_error(action, path) from None


def not_vault_error(action, path, detail='no Vault JSON in the answer'):
    """The server at vault.url answered, but not like Vault's API."""
    return VaultConnectionError(
        'server_error', "The server at vault.url did not answer like Vault when trying to %s '%s' (%s)"
        % (action, path, detail),
        'Check that vault.url is the Vault or OpenBao API address, such as https://vault.example.com:8200, '
        'and that no proxy or login page sits in between')


def translate_error(exc, action, path, capability=None):
    """Explain an hvac or requests exception raised while trying to `action` the API `path`.

    capability is the policy capability the action needs on path (defaults to action, which
    callers name after a capability: read, create, update, delete).
    """
    import requests.exceptions
    if isinstance(exc, requests.exceptions.RequestException):
        return _transport_error(exc, action, path)
    hvac_errors = import_hvac().exceptions
    if isinstance(exc, hvac_errors.Forbidden):
        return _forbidden_error(exc, action, path, capability or action)
    if isinstance(exc, hvac_errors.Unauthorized):
        return _token_rejected_error(action, path)
    if isinstance(exc, hvac_errors.InvalidPath):
        return _not_found_error(exc, action, path)
    if isinstance(exc, hvac_errors.InvalidRequest):
        return _invalid_request_error(exc, action, path)
    if isinstance(exc, hvac_errors.VaultDown):
        return _unavailable_error(exc)
    if isinstance(exc, hvac_errors.PreconditionFailed):
        return _precondition_error(exc, action, path)
    return VaultConnectionError(
        'server_error',
        "Vault at %s failed to %s '%s' (%s%s)"
        % (_server_label(exc), action, path, type(exc).__name__, _server_message(exc)),
        'Check the Vault server logs; retry when the server is healthy')


def _transport_error(exc, action, path):
    import requests.exceptions
    server = _server_label(exc)
    # Order matters: SSLError and ConnectTimeout are also ConnectionErrors.
    if isinstance(exc, requests.exceptions.SSLError):
        return VaultConnectionError(
            'tls', 'TLS handshake with Vault at %s failed' % server,
            'Check the URL scheme and set vault.ca_cert (VAULT_CACERT) to the CA that signed the server '
            'certificate; vault.validate_certs: false only for throw-away test servers')
    if action == 'write' and not isinstance(exc, requests.exceptions.ConnectTimeout) and isinstance(
            exc, (requests.exceptions.Timeout, requests.exceptions.ConnectionError)):
        # The request may have reached Vault: only its answer is missing.
        return VaultConnectionError(
            'unreachable', "No answer from Vault at %s to the write of '%s' (%s); the write may have been "
            'applied' % (server, path, type(exc).__name__),
            'Re-run the task: it reads the path first and writes only if the stored data differs. '
            'If Vault is slow, raise vault.timeout')
    if isinstance(exc, requests.exceptions.Timeout):
        return VaultConnectionError(
            'unreachable', "Vault at %s did not answer in time while trying to %s '%s'" % (server, action, path),
            'Check that the server is up and reachable from the host running the module, or raise vault.timeout')
    if isinstance(exc, requests.exceptions.ConnectionError):
        return VaultConnectionError(
            'unreachable', 'Cannot connect to Vault at %s' % server,
            'Check vault.url (%s) and that the server is running and reachable from the host running '
            'the module' % ' / '.join(URL_ENV_VARS))
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return VaultConnectionError(
            'server_error', 'Vault at %s answered with a redirect to %s, which is not followed: it would '
            'carry the token (and any secret being written) there' % (server, _redirect_target(exc)),
            'Set vault.url to the active node, or to the load balancer in front of the cluster (a '
            'standby redirects when it cannot forward requests)')
    if isinstance(exc, response_too_large_error()):
        return VaultConnectionError(
            'server_error', "Vault at %s answered the %s of '%s' with more than %d MiB"
            % (server, action, path, VAULT_ANSWER_MAX_BYTES // MIB),
            'Check that vault.url is the Vault or OpenBao API address and that no proxy sits in between')
    # Never str(exc): requests quotes header values (the token) in some of its messages.
    return VaultConnectionError(
        'unreachable', "The request to %s '%s' at %s failed (%s)" % (action, path, server, type(exc).__name__),
        'Check vault.url and any proxy between this host and Vault')


def _forbidden_error(exc, action, path, capability):
    if _is_token_rejection(exc):
        return _token_rejected_error(action, path)
    return VaultConnectionError(
        'permission_denied', "Permission denied: the token may not %s '%s'" % (action, path),
        "Grant '%s' on '%s' in the token's policy (check with: bao token capabilities %s)"
        % (capability, path, path))


def _is_token_rejection(exc):
    """Vault answers 403 both for an unknown token and for a policy denial. An unknown, expired or
    revoked token gets a bare 'permission denied'; a policy denial comes wrapped as
    '1 error occurred: * permission denied' (checked against OpenBao 2.7)."""
    errors = [str(error).strip() for error in (exc.errors or [])]
    return errors == ['permission denied'] or any('invalid token' in error for error in errors)


def _token_rejected_error(action, path):
    return VaultConnectionError(
        'auth_failed', "Vault rejected the token (unknown, expired or revoked) while trying to %s '%s'"
        % (action, path),
        'Check it with: bao token lookup; set a valid vault.token (%s)' % ' / '.join(TOKEN_ENV_VARS))


def _not_found_error(exc, action, path):
    if 'no handler for route' in _server_message(exc):
        return VaultConnectionError(
            'missing_mount', "No secrets engine is mounted for '%s'" % path,
            'Check the mount point and enable a KV version 2 engine there '
            '(bao secrets enable -path=MOUNT -version=2 kv)')
    return VaultConnectionError(
        'invalid_request', "Nothing stored at '%s' to %s" % (path, action),
        'Check the path; write the secret first')


def _invalid_request_error(exc, action, path):
    message = _server_message(exc)
    if 'check-and-set parameter did not match' in message:
        return VaultConnectionError(
            'cas_conflict', "Another writer changed '%s' since it was read (check-and-set mismatch)" % path,
            'Read the path again and retry')
    if 'check-and-set parameter required' in message:
        return VaultConnectionError(
            'invalid_request', "Vault requires check-and-set to %s '%s' (cas_required is set)" % (action, path),
            'Pass the current version as cas (0 for a new secret)')
    return VaultConnectionError(
        'invalid_request', "Vault rejected the request to %s '%s'%s" % (action, path, message),
        'Check the values sent for this path')


def _precondition_error(exc, action, path):
    """412: a write's check-and-set precondition, or a node not yet holding the state a request
    needs (Vault Enterprise consistency). Neither is a server fault."""
    if action == 'write':
        return VaultConnectionError(
            'cas_conflict', "Vault refused to write '%s': its precondition failed (412%s)"
            % (path, _server_message(exc)),
            'Another writer may have changed the path: read it again and re-run')
    return VaultConnectionError(
        'unreachable', "Vault at %s is not yet up to date for '%s' (412%s)" % (_server_label(exc), path, _server_message(exc)),
        'Retry in a moment, or point vault.url at the active node')


def _unavailable_error(exc):
    server = _server_label(exc)
    if 'sealed' in _server_message(exc):
        return VaultConnectionError(
            'sealed', 'Vault at %s is sealed' % server,
            'Unseal it (bao operator unseal) and retry')
    return VaultConnectionError(
        'server_error', 'Vault at %s is unavailable (503%s)' % (server, _server_message(exc)),
        'It may be a standby node or under maintenance; retry or point vault.url at the active node')


def _server_message(exc):
    """Vault's own error text, flattened to one short line (it names paths, never values)."""
    text = ' '.join(str(error) for error in (getattr(exc, 'errors', None) or []))
    text = re.sub(r'\d+ errors? occurred:|\s\*\s', ' ', text)
    text = ' '.join(text.split())
    if len(text) > _SERVER_MESSAGE_LIMIT:
        text = text[:_SERVER_MESSAGE_LIMIT] + '...'
    return ': ' + text if text else ''


def _redirect_target(exc):
    """Scheme and host of a redirect's Location (its path or query may hold anything)."""
    location = getattr(getattr(exc, 'response', None), 'headers', {}).get('Location', '')
    return _server_of(location) or 'another address'


def _server_label(exc):
    """Where the failed request went: hvac errors carry .url, requests errors .request.url."""
    url = getattr(exc, 'url', None) or getattr(getattr(exc, 'request', None), 'url', None)
    return _server_of(url) or 'the configured URL'


def _server_of(url):
    """scheme://host[:port] of an http(s) URL, without path, query or user-info; None if invalid."""
    try:
        parts = urlsplit(url or '')
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        return None
    host = '[%s]' % parts.hostname if ':' in parts.hostname else parts.hostname
    return '%s://%s%s' % (parts.scheme, host, ':%d' % port if port else '')
