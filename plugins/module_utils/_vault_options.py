# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The `vault` connection options apart from the request: where each one falls back to in the
environment, and the offline checks connect() runs on them (URL, timeout, retries, namespace,
proxies, TLS verification, the auth method) before anything is sent.
"""

import json
import os
from urllib.parse import unquote, urlsplit

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import url_userinfo
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._transport_errors import (
    VAULT_SETTINGS,
    environment_proxy_problem,
    header_value_problem,
    proxy_url_problem,
    timeout_problem,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_auth import AUTH_ENV_VARS, AUTH_METHODS, TOKEN_ENV_VARS
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_errors import VaultConnectionError, config_error

URL_ENV_VARS = ('ANSIBLE_HASHI_VAULT_ADDR', 'VAULT_ADDR', 'BAO_ADDR')
NAMESPACE_ENV_VARS = ('ANSIBLE_HASHI_VAULT_NAMESPACE', 'VAULT_NAMESPACE', 'BAO_NAMESPACE')
CA_CERT_ENV_VARS = ('ANSIBLE_HASHI_VAULT_CA_CERT', 'VAULT_CACERT', 'BAO_CACERT')
SKIP_VERIFY_ENV_VARS = ('VAULT_SKIP_VERIFY', 'BAO_SKIP_VERIFY')
TIMEOUT_ENV_VARS = ('ANSIBLE_HASHI_VAULT_TIMEOUT',)
RETRIES_ENV_VARS = ('ANSIBLE_HASHI_VAULT_RETRIES', 'VAULT_MAX_RETRIES', 'BAO_MAX_RETRIES')
PROXIES_ENV_VARS = ('ANSIBLE_HASHI_VAULT_PROXIES',)
DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 2

_TRUE_STRINGS = frozenset(('1', 't', 'true', 'y', 'yes', 'on'))


def url_secrets(url):
    """The user information in a URL (user:password@), for callers to register as secret before
    anything can echo the URL."""
    try:
        parts = urlsplit(str(url or ''))
        found = [value for value in (parts.password, parts.netloc.rpartition('@')[0]) if value]
    except ValueError:
        # Too broken to parse ('http://u:pw@[bad'): the text still holds the password.
        found = url_userinfo(url) if '://' in str(url or '') else []
    return list(dict.fromkeys(found + [unquote(value) for value in found]))


def token_env_values():
    """Tokens the environment holds: one of them in vault.token came from there, not the task."""
    return set(os.environ.get(name, '').strip() for name in TOKEN_ENV_VARS) - {''}


def checked_url(url):
    # Whitespace around a value from the environment is paste debris (a trailing newline).
    url = '' if url is None else str(url).strip()
    if not url:
        raise config_error('url', 'is not set', URL_ENV_VARS)
    if url_secrets(url):
        raise config_error('url', 'must not contain user information (user:password@); authenticate '
                           'with vault.auth_method instead')
    if server_of(url) is None or any(char.isspace() or not char.isprintable() for char in url):
        raise config_error('url', 'must look like https://vault.example.com:8200')
    if _has_api_path(url):
        raise config_error('url', "must be the server's address without the API path: drop '/v1' (the "
                           'collection adds it)')
    return url


def _has_api_path(url):
    path = urlsplit(url).path.rstrip('/')
    return path == '/v1' or path.endswith('/v1') or '/v1/' in path


def checked_timeout(timeout):
    if timeout is None:
        return DEFAULT_TIMEOUT
    problem = timeout_problem('vault.timeout', timeout)
    if problem:
        raise config_error('timeout', problem.split(': ', 1)[1])
    return timeout


def checked_namespace(namespace):
    """vault.namespace travels as an HTTP header: refused offline if it cannot (an en dash)."""
    namespace = str(namespace).strip() if namespace not in (None, '') else None
    problem = header_value_problem('vault.namespace', namespace)
    if problem:
        raise config_error('namespace', problem.split(': ', 1)[1], NAMESPACE_ENV_VARS)
    return namespace or None


def check_environment_proxy(url):
    """The environment's proxy for vault.url, when vault.proxies does not replace it."""
    problem = environment_proxy_problem(url, VAULT_SETTINGS)
    if problem is not None:
        raise VaultConnectionError(problem.kind, problem.reason, problem.hint)


def checked_retries(retries):
    if retries is None:
        return DEFAULT_RETRIES
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise config_error('retries', 'must be a whole number, 0 or more')
    return retries


def checked_revoke(revoke):
    if revoke is None:
        return True
    if not isinstance(revoke, bool):
        raise config_error('revoke_login_token', 'must be true or false')
    return revoke


_PROXY_KEYS = ('http', 'https', 'all')


def checked_proxies(proxies):
    """vault.proxies as requests takes them ({scheme: proxy URL}), or None for the environment's.

    A string is one proxy for both schemes, or (from ANSIBLE_HASHI_VAULT_PROXIES) a JSON object.
    """
    if proxies is None or (isinstance(proxies, str) and not proxies.strip()):
        return None
    if isinstance(proxies, str) and proxies.strip().startswith('{'):
        try:
            proxies = json.loads(proxies)
        except ValueError:
            raise config_error('proxies', 'looks like a JSON object but is not valid JSON', PROXIES_ENV_VARS) from None
    if isinstance(proxies, str):
        proxy = _checked_proxy_url('proxies', proxies)
        return {'http': proxy, 'https': proxy}
    return _checked_proxy_map(proxies)


def _checked_proxy_map(proxies):
    if not isinstance(proxies, dict) or not proxies:
        raise config_error('proxies', 'must be a proxy URL or a mapping of scheme (http, https) to proxy URL')
    checked = {}
    for scheme, proxy in proxies.items():
        if scheme not in _PROXY_KEYS:
            raise config_error('proxies', "has the key '%s'; use http, https or all" % scheme)
        checked[scheme] = _checked_proxy_url('proxies.%s' % scheme, proxy)
    return checked


def _checked_proxy_url(option, proxy):
    proxy = '' if proxy is None else str(proxy).strip()
    if url_secrets(proxy):
        raise config_error(option, 'must not contain user information (user:password@); give proxy '
                           'credentials in the HTTPS_PROXY environment variable of the host running the module')
    problem = proxy_url_problem(proxy)
    if problem:
        raise config_error(option, problem)
    return proxy


def auth_method_for(options, hide):
    name = options.get('auth_method') or 'token'
    if name not in AUTH_METHODS:
        raise config_error('auth_method', "'%s' is not supported; choose one of: %s"
                           % (name, ', '.join(sorted(AUTH_METHODS))), AUTH_ENV_VARS['auth_method'])
    return AUTH_METHODS[name](options, hide)


def verify_setting(options):
    """hvac's verify: a CA bundle path, or a bool. Unset validate_certs follows VAULT_SKIP_VERIFY
    (then BAO_SKIP_VERIFY)."""
    validate_certs = options.get('validate_certs')
    if validate_certs is None:
        validate_certs = _skip_verify_from_environment() is not True
    ca_cert = options.get('ca_cert')
    if not (validate_certs and ca_cert):
        return validate_certs
    # requests reports a missing CA file as a bare OSError at request time; say it up front.
    if not os.path.exists(ca_cert):
        raise config_error('ca_cert', "points to '%s', which does not exist" % ca_cert, CA_CERT_ENV_VARS)
    return ca_cert


def _skip_verify_from_environment():
    """True/False from the first of VAULT_SKIP_VERIFY, BAO_SKIP_VERIFY that is set; else None."""
    for name in SKIP_VERIFY_ENV_VARS:
        value = os.environ.get(name, '').strip().lower()
        if value:
            return value in _TRUE_STRINGS
    return None


def server_of(url):
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
