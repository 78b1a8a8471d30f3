# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Connect and authenticate to Vault or OpenBao, and turn client errors into safe, actionable ones.

Nothing here may put a token, a secret value or stored data into a message: errors are built
from our own words plus the (non-secret) server URL, path and Vault's own error text.
"""

import json
import re
from contextlib import contextmanager

from ansible.module_utils.basic import env_fallback

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_retry import install_retries
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import (
    MIB,
    bounded_session,
    response_too_large_error,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber, unshown_server_words
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._transport_errors import VAULT_SETTINGS, describe, transport_exceptions
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_auth import (
    AUTH_ENV_VARS,
    AUTH_METHODS,
    DEFAULT_KUBERNETES_TOKEN_PATH,
    LOGIN_ATTRIBUTE,
    TOKEN_ENV_VARS,
    LoginRecord,
    option_secrets,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_errors import (
    VaultConnectionError,
    import_hvac,
    not_vault_error,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_options import (
    CA_CERT_ENV_VARS,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    NAMESPACE_ENV_VARS,
    PROXIES_ENV_VARS,
    RETRIES_ENV_VARS,
    SKIP_VERIFY_ENV_VARS,
    TIMEOUT_ENV_VARS,
    URL_ENV_VARS,
    auth_method_for,
    check_environment_proxy,
    checked_namespace,
    checked_proxies,
    checked_retries,
    checked_revoke,
    checked_timeout,
    checked_url,
    server_of,
    token_env_values,
    url_secrets,
    verify_setting,
)

VAULT_ANSWER_MAX_BYTES = 16 * MIB

_SERVER_MESSAGE_LIMIT = 200


def _env(*names):
    return (env_fallback, list(names))


VAULT_CONNECTION_ARGSPEC = {
    # No default={}: Ansible would fill that one shared dict in place on every validation (so a
    # second validation in the same process would see the first one's token); apply_defaults
    # gives each validation a fresh dict.
    'vault': dict(
        type='dict',
        apply_defaults=True,
        options=dict(
            url=dict(type='str', fallback=_env(*URL_ENV_VARS)),
            auth_method=dict(type='str', default='token', choices=sorted(AUTH_METHODS),
                             fallback=_env(*AUTH_ENV_VARS['auth_method'])),
            mount_point=dict(type='str', fallback=_env(*AUTH_ENV_VARS['mount_point'])),
            token=dict(type='str', no_log=True, fallback=_env(*TOKEN_ENV_VARS)),
            # role_id is not a secret by Vault's design, but the leak checks treat it as one.
            role_id=dict(type='str', no_log=True, fallback=_env(*AUTH_ENV_VARS['role_id'])),
            secret_id=dict(type='str', no_log=True, fallback=_env(*AUTH_ENV_VARS['secret_id'])),
            role=dict(type='str'),
            jwt=dict(type='str', no_log=True, fallback=_env(*AUTH_ENV_VARS['jwt'])),
            kubernetes_token_path=dict(type='path', no_log=False, default=DEFAULT_KUBERNETES_TOKEN_PATH),
            username=dict(type='str', fallback=_env(*AUTH_ENV_VARS['username'])),
            password=dict(type='str', no_log=True, fallback=_env(*AUTH_ENV_VARS['password'])),
            cert_auth_public_key=dict(type='path', no_log=False, fallback=_env(*AUTH_ENV_VARS['cert_auth_public_key'])),
            cert_auth_private_key=dict(type='path', no_log=False, fallback=_env(*AUTH_ENV_VARS['cert_auth_private_key'])),
            revoke_login_token=dict(type='bool', no_log=False, default=True),
            namespace=dict(type='str', fallback=_env(*NAMESPACE_ENV_VARS)),
            validate_certs=dict(type='bool'),
            ca_cert=dict(type='path', aliases=['cacert'], fallback=_env(*CA_CERT_ENV_VARS)),
            proxies=dict(type='raw', fallback=_env(*PROXIES_ENV_VARS)),
            timeout=dict(type='int', default=DEFAULT_TIMEOUT, fallback=_env(*TIMEOUT_ENV_VARS)),
            retries=dict(type='int', default=DEFAULT_RETRIES, fallback=_env(*RETRIES_ENV_VARS)),
        ),
    ),
}


def connection_secrets(options):
    """Every secret the `vault` option dict holds: secret options (as given and trimmed) and the
    user information of vault.url and of any proxy URL. Files read later add their own."""
    if not isinstance(options, dict):
        return []
    found = option_secrets(options) + url_secrets(options.get('url'))
    proxies = options.get('proxies')
    if isinstance(proxies, str) and proxies.strip().startswith('{'):
        try:
            proxies = json.loads(proxies)
        except ValueError:
            found.append(proxies)  # unusable anyway; it may hold a password
    for proxy in (proxies.values() if isinstance(proxies, dict) else [proxies]):
        found += url_secrets(proxy)
    return found


def connect(options, warnings=None, hide=None):
    """Build an authenticated hvac client from the `vault` option dict.

    With token auth (and `none`) this sends no request: the first real call is the caller's. The
    other methods log in here, before the caller does anything else. Everything hvac would
    otherwise take from the environment or ~/.vault-token is passed explicitly: environment
    fallbacks are the argspec's job, the token file is TokenAuth's. `hide(values)` is called with
    every secret met (options, files read, the token a login returns) before anything that could
    show it can fail. Warnings about a weakened connection (no TLS verification) are appended to
    `warnings`. A client whose token came from a login carries a LoginRecord for revoke_login().
    """
    if not isinstance(options, dict):
        raise VaultConnectionError('config', 'vault must be a dictionary of connection options',
                                   'Write it as a mapping, e.g. vault: {url: https://vault.example.com:8200}')
    hide = hide or (lambda values: None)
    hide(connection_secrets(options))
    url = checked_url(options.get('url'))
    timeout = checked_timeout(options.get('timeout'))
    retries = checked_retries(options.get('retries'))
    proxies = checked_proxies(options.get('proxies'))
    if proxies is None:
        check_environment_proxy(url)
    namespace = checked_namespace(options.get('namespace'))
    revoke = checked_revoke(options.get('revoke_login_token'))
    auth = auth_method_for(options, hide)
    auth.validate()
    token = str(options.get('token') or '').strip()
    if auth.logs_in and token and warnings is not None and token not in token_env_values():
        # Typically auth_method from ANSIBLE_HASHI_VAULT_AUTH_METHOD beside a task's own token.
        warnings.append('vault.token is ignored: vault.auth_method is %s, which logs in instead (set '
                        'vault.auth_method: token to use the token)' % auth.name)
    verify = verify_setting(options)
    if verify is False and warnings is not None:
        warnings.append(
            'vault.validate_certs is false (or %s is set): the Vault server\'s TLS certificate is not '
            'checked, so anything in between can read the token and the credentials. Use '
            'vault.ca_cert to trust a private CA instead.' % ' / '.join(SKIP_VERIFY_ENV_VARS))
    hvac = import_hvac()
    session = bounded_session(timeout, VAULT_ANSWER_MAX_BYTES, refuse_redirects=True)
    session.verify = verify  # hvac takes a given session's verify over its own argument
    auth.prepare_session(session)
    # Before the client exists, so logins are retried like every other request. Retry warnings
    # come later, during the caller's requests: `warnings` must be a live sink (see _task_module).
    install_retries(session, retries, warnings.append if warnings is not None else (lambda line: None))
    # token='' rather than None: None makes hvac read VAULT_TOKEN or ~/.vault-token by itself.
    client = hvac.Client(
        url=url,
        token='',
        namespace=namespace,
        verify=verify,
        timeout=timeout,
        # Per request, so they win over HTTP(S)_PROXY in the environment (requests lets the
        # environment win over a session's own proxies).
        proxies=proxies,
        # Each request ends within the timeout, reads at most 16 MiB and follows no redirect:
        # a redirect would carry X-Vault-Token (and a write's secrets) to wherever it points.
        session=session,
    )
    if auth.logs_in:
        with _login_errors(auth):
            auth.authenticate(client)
        setattr(client, LOGIN_ATTRIBUTE, LoginRecord(auth.name, auth.mount, revoke))
    else:
        auth.authenticate(client)
    return client


def revoke_login(client, warnings):
    """Revoke the token a login gave `client` (auth/token/revoke-self), once; True if revoked now.

    Does nothing for a given token (token, token file, none), with vault.revoke_login_token
    false, or when already done. A failure is appended to `warnings` (naming the server, never
    the token) and never raised: the task's work is done by then.
    """
    record = getattr(client, LOGIN_ATTRIBUTE, None)
    if record is None or not record.revoke:
        return False
    with record.lock:
        if record.revoked:
            return False
        record.revoked = True
    try:
        with translated_errors('revoke', 'auth/token/revoke-self'):
            client.adapter.post('/v1/auth/token/revoke-self')
    except VaultConnectionError as exc:
        warnings.append(_revoke_warning(client, record, exc.cause))
        return False
    except Exception as exc:  # pylint: disable=broad-exception-caught  # clean-up must not fail a finished task
        warnings.append(_revoke_warning(client, record, type(exc).__name__))
        return False
    return True


def _revoke_warning(client, record, cause):
    return ('Vault at %s did not revoke the token of the %s (%s); if it is still valid, it expires with its TTL'
            % (server_of(client.url) or 'vault.url', record.label, cause))


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
    except transport_exceptions() as exc:
        raise _described_error(exc, action, path) from None
    except RecursionError:
        # hvac decoding absurdly nested JSON: not an answer Vault gives.
        raise not_vault_error(action, path) from None


@contextmanager
def _login_errors(auth):
    """Run a login; re-raise its failure as one line naming the method, its mount and what to check."""
    try:
        yield
    except client_errors() as exc:
        raise login_error(exc, auth) from None
    except transport_exceptions() as exc:
        raise _described_error(exc, 'log in at', auth.login_path) from None
    except RecursionError:
        raise not_vault_error('log in at', auth.login_path) from None


def login_error(exc, auth):
    """Explain why the login of `auth` (a LoginAuth) failed. Transport trouble and a sealed or
    standby server read as they do for any request; a refusal names the method and its mount."""
    import requests.exceptions
    hvac_errors = import_hvac().exceptions
    if isinstance(exc, (requests.exceptions.RequestException, hvac_errors.VaultDown)):
        return translate_error(exc, 'log in at', auth.login_path)
    server = _server_label(exc)
    # Vault's text names what was wrong, not the values; scrubbed anyway, in case a plugin echoes.
    message = Scrubber(auth.secrets()).scrub(_server_message(exc))
    label = '%s login at auth/%s' % (auth.name, auth.mount)
    unknown_path = 'no handler for route' in message or (
        auth.denial_means_no_mount and isinstance(exc, hvac_errors.Forbidden) and _is_token_rejection(exc))
    if unknown_path:
        return VaultConnectionError(
            'missing_mount', 'Vault at %s has no %s auth method enabled at auth/%s' % (server, auth.name, auth.mount),
            'Check vault.mount_point (default %s) or enable the method there (bao auth enable -path=%s %s)'
            % (auth.default_mount, auth.mount, auth.name))
    if isinstance(exc, (hvac_errors.InvalidRequest, hvac_errors.Unauthorized, hvac_errors.Forbidden,
                        hvac_errors.InvalidPath)):
        hint = 'Check ' + auth.check % {'mount': auth.mount}
        if isinstance(exc, hvac_errors.Forbidden) and not auth.denial_means_no_mount:
            hint += '; also that the %s method is enabled at auth/%s (vault.mount_point)' % (auth.name, auth.mount)
        return VaultConnectionError('auth_failed', 'Vault at %s refused the %s%s' % (server, label, message), hint)
    return VaultConnectionError(
        'server_error', 'Vault at %s failed the %s (%s%s)' % (server, label, type(exc).__name__, message),
        'Check the Vault server logs and the configuration of auth/%s; retry when the server is healthy' % auth.mount)


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
    if isinstance(exc, requests.exceptions.ProxyError):
        return VaultConnectionError(
            'unreachable', 'The HTTP proxy refused or failed the connection to Vault at %s' % server,
            'Check vault.proxies (or HTTP_PROXY / HTTPS_PROXY / NO_PROXY in the environment) and that the '
            'proxy is up and allows this host')
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
    # Never str(exc): requests quotes header values (the token) and proxy URLs in its messages.
    return _described_error(exc, action, path)


def _described_error(exc, action, path):
    """Any other exception of a request (requests, urllib3, ssl, OSError, header encoding, a
    timeout the socket layer refuses), naming the setting to fix; re-raised when it is none of them."""
    problem = describe(exc, VAULT_SETTINGS)
    if problem is None:
        raise exc
    return VaultConnectionError(
        problem.kind, "The request to %s '%s' at %s failed: %s" % (action, path, _server_label(exc), problem.reason),
        problem.hint)


def _forbidden_error(exc, action, path, capability):
    if _is_token_rejection(exc):
        return _token_rejected_error(action, path)
    hint = ("Grant '%s' on '%s' in the token's policy (check with: bao token capabilities %s)"
            % (capability, path, path))
    if path in _DEFAULT_POLICY_PATHS:
        hint += ("; Vault's built-in 'default' policy grants it: keep that policy attached (a role with "
                 "token_no_default_policy=true drops it)")
    return VaultConnectionError(
        'permission_denied', "Permission denied: the token may not %s '%s'" % (action, path), hint)


# Paths every token may use through Vault's 'default' policy, which this collection relies on.
_DEFAULT_POLICY_PATHS = frozenset(('sys/capabilities-self', 'auth/token/revoke-self', 'auth/token/lookup-self'))


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
    unshown = unshown_server_words(text) if text else None
    if unshown:
        return ': ' + unshown
    if len(text) > _SERVER_MESSAGE_LIMIT:
        text = text[:_SERVER_MESSAGE_LIMIT] + '...'
    return ': ' + text if text else ''


def _redirect_target(exc):
    """Scheme and host of a redirect's Location (its path or query may hold anything)."""
    location = getattr(getattr(exc, 'response', None), 'headers', {}).get('Location', '')
    return server_of(location) or 'another address'


def _server_label(exc):
    """Where the failed request went: hvac errors carry .url, requests errors .request.url."""
    url = getattr(exc, 'url', None) or getattr(getattr(exc, 'request', None), 'url', None)
    return server_of(url) or 'the configured URL'
