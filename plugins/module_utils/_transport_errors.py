# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Every exception a request can raise, as the parts of the one failure shape.

requests, urllib3, hvac's transport, ssl, the socket layer, header encoding and timeout checks
each raise their own classes, many of them ``ValueError`` or ``OSError`` subclasses whose text
quotes a URL (a proxy's password), a header value (a token, a namespace) or a path. ``describe``
turns any of them into a ``TransportProblem``: a NetSuite code, a Vault kind, the SETTING to fix
and what is wrong with it, in our own words only; the exception's text is never used.

Both sides name their settings through a ``Settings`` (NETSUITE_SETTINGS, VAULT_SETTINGS). The
environment's proxy variables (``HTTPS_PROXY``...) are named as they are spelled there.
Standard library at import time; requests and urllib3 are imported when an exception is described.
"""

import os
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

# Documented bounds of every timeout option: a larger one overflows the socket layer.
TIMEOUT_MIN_SECONDS = 1
TIMEOUT_MAX_SECONDS = 3600
PROXY_SCHEMES = ('http', 'https', 'socks5', 'socks5h')


@dataclass(frozen=True)
class Settings:
    """The names, as the user writes them, of the settings a side's requests are built from."""

    url: str
    timeout: str
    ca: str
    headers: str
    proxies: str = ''  # the task's own proxy option, if the side has one


NETSUITE_SETTINGS = Settings(url='netsuite_url', timeout='netsuite_timeout', ca='netsuite_validate_certs',
                             headers='the NetSuite request headers')
VAULT_SETTINGS = Settings(url='vault.url', timeout='vault.timeout', ca='vault.ca_cert', headers='vault.namespace',
                          proxies='vault.proxies')


@dataclass(frozen=True)
class TransportProblem:
    """code: for ``netsuite:<code>``; kind: for ``vault:<kind>``; reason names the setting."""

    code: str
    kind: str
    setting: str
    reason: str
    hint: str
    retryable: bool = False


def timeout_problem(name, value):
    """What is wrong with a timeout option (None when nothing), without its value."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < TIMEOUT_MIN_SECONDS:
        return '%s: must be a whole number of seconds, at least %d' % (name, TIMEOUT_MIN_SECONDS)
    if value > TIMEOUT_MAX_SECONDS:
        return '%s: must be a whole number of seconds, at most %d' % (name, TIMEOUT_MAX_SECONDS)
    return None


def header_value_problem(name, value):
    """What is wrong with text sent as an HTTP header value (vault.namespace): HTTP sends headers
    as Latin-1, and a control character would end the header early."""
    if value is None or value == '':
        return None
    text = str(value)
    if not text.isascii():
        return '%s: must hold only ASCII characters (letters, digits, - _ . /)' % name
    if any(not char.isprintable() or char.isspace() for char in text):
        return '%s: must not contain spaces or control characters' % name
    return None


def proxy_url_problem(proxy):
    """What is wrong with a proxy URL (None when nothing), in words that never quote it."""
    text = '' if proxy is None else str(proxy).strip()
    if any(char.isspace() or not char.isprintable() for char in text):
        return 'must not contain spaces or control characters'
    try:
        parts = urlsplit(text)
        parts.port  # pylint: disable=pointless-statement  # raises ValueError for a bad port
    except ValueError:
        return 'is not a valid proxy URL: its port must be a number from 1 to 65535'
    if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
        return 'must look like http://proxy.example.com:3128 (schemes: %s)' % ', '.join(PROXY_SCHEMES)
    if parts.port == 0:
        return 'is not a valid proxy URL: its port must be a number from 1 to 65535'
    if parts.scheme.startswith('socks'):
        try:
            import socks  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
        except ImportError:
            return ("is a SOCKS proxy, which needs the Python library 'PySocks' (pip install requests[socks]) "
                    'where the module runs')
    return None


def environment_proxy(url):
    """(variable name as set, value) of the environment proxy requests would use for ``url``, or
    None. requests reads ``<scheme>_proxy`` then ``all_proxy``, lower case first, and skips hosts
    that NO_PROXY covers."""
    try:
        scheme = urlsplit(url or '').scheme.lower()
    except ValueError:
        return None
    if not scheme:
        return None
    for base in ('%s_proxy' % scheme, 'all_proxy'):
        for name in (base, base.upper()):
            value = os.environ.get(name)
            if value:
                return (name, value) if not _bypassed(url) else None
    return None


def _bypassed(url):
    try:
        from requests.utils import should_bypass_proxies  # pylint: disable=import-outside-toplevel
        return should_bypass_proxies(url, no_proxy=None)
    except Exception:  # pylint: disable=broad-exception-caught  # an unparsable NO_PROXY: requests uses the proxy
        return False


def environment_proxy_problem(url, settings):
    """A TransportProblem when the environment's proxy for ``url`` is unusable, found offline."""
    found = environment_proxy(url)
    problem = proxy_url_problem(found[1]) if found else None
    return _proxy_problem(found[0], problem) if problem else None


def _proxy_problem(name, what):
    if '.' in name:  # the task's own option (vault.proxies)
        hint = 'Fix %s; HTTP_PROXY / HTTPS_PROXY / NO_PROXY in the environment apply when it is not set' % name
    else:
        hint = ('Fix or unset %s in the environment of the host running the module (hosts in NO_PROXY are '
                'reached without it)' % name)
    return TransportProblem('PROXY_ERROR', 'config', name, '%s %s' % (name, what), hint)


def transport_exceptions():
    """Every class ``describe`` understands, for ``except transport_exceptions():`` clauses."""
    classes = [ssl.SSLError, OSError, UnicodeError, ValueError, OverflowError]
    try:
        import requests.exceptions  # pylint: disable=import-outside-toplevel
        import urllib3.exceptions  # pylint: disable=import-outside-toplevel
        classes[:0] = [requests.exceptions.RequestException, urllib3.exceptions.HTTPError]
    except ImportError:
        pass
    return tuple(classes)


def describe(exc, settings, url=None):
    """The TransportProblem of ``exc`` raised by a request to ``url`` built from ``settings``;
    None for an exception that is not about the transport (a bug, an hvac answer)."""
    try:
        import requests.exceptions as rex  # pylint: disable=import-outside-toplevel
        import urllib3.exceptions as uex  # pylint: disable=import-outside-toplevel
    except ImportError:
        rex = uex = None
    url = url or getattr(getattr(exc, 'request', None), 'url', None)
    for rule in (_timeout_rule, _header_rule, _proxy_rule, _tls_rule, _url_rule, _connection_rule):
        problem = rule(exc, settings, url, rex, uex)
        if problem is not None:
            return problem
    return None


def _timeout_rule(exc, settings, _url, rex, uex):
    if rex is not None and isinstance(exc, (rex.Timeout, uex.TimeoutError)):
        return TransportProblem('TIMEOUT', 'unreachable', settings.timeout, 'no answer within %s' % settings.timeout,
                                'Check that the server is up and reachable, or raise %s' % settings.timeout,
                                retryable=True)
    # Only urllib3's Timeout checks word a ValueError this way; the text picks the rule, never shown.
    bad_value = isinstance(exc, ValueError) and 'timeout' in str(exc).lower()
    if isinstance(exc, OverflowError) or bad_value:
        return TransportProblem('INVALID_SETTING', 'config', settings.timeout,
                                '%s is outside what the network layer accepts' % settings.timeout,
                                'Set %s to a whole number of seconds from %d to %d'
                                % (settings.timeout, TIMEOUT_MIN_SECONDS, TIMEOUT_MAX_SECONDS))
    return None


def _header_rule(exc, settings, _url, rex, _uex):
    latin1 = isinstance(exc, UnicodeEncodeError) and exc.encoding.lower().replace('-', '') in ('latin1', 'iso88591')
    if latin1 or (rex is not None and isinstance(exc, rex.InvalidHeader)):
        return TransportProblem('INVALID_SETTING', 'config', settings.headers,
                                '%s cannot be sent in an HTTP header (non-ASCII, space or control characters)'
                                % settings.headers,
                                'Use only ASCII letters, digits and - _ . / in %s' % settings.headers)
    return None


def _proxy_rule(exc, settings, url, rex, uex):
    if rex is None:
        return None
    proxy_classes = (rex.ProxyError, rex.InvalidProxyURL, uex.ProxySchemeUnknown, uex.ProxyError)
    url_classes = (rex.InvalidURL, rex.InvalidSchema, uex.LocationValueError)
    if not isinstance(exc, proxy_classes + url_classes):
        return None
    found = environment_proxy(url) if url else None
    name = settings.proxies if settings.proxies and not found else (found[0] if found else None)
    what = proxy_url_problem(found[1]) if found else None
    if what:
        return _proxy_problem(found[0], what)
    if isinstance(exc, (rex.ProxyError, uex.ProxyError)):
        name = name or 'the HTTP proxy (HTTPS_PROXY / HTTP_PROXY)'
        return TransportProblem('PROXY_ERROR', 'unreachable', name,
                                'the proxy set by %s refused or failed the connection' % name,
                                'Check %s and that the proxy is up and allows this host' % name, retryable=True)
    if isinstance(exc, proxy_classes):
        return _proxy_problem(name or 'HTTPS_PROXY', 'is not a usable proxy URL')
    return None


def _tls_rule(exc, settings, _url, rex, _uex):
    if isinstance(exc, ssl.SSLError) or (rex is not None and isinstance(exc, rex.SSLError)):
        return TransportProblem('TLS_ERROR', 'tls', settings.ca, 'the TLS handshake failed; check %s' % settings.ca,
                                'Check the URL scheme and %s (the CA that signed the server certificate)' % settings.ca)
    # requests raises a bare OSError for a CA path it cannot use; open() the others.
    file_errors = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)
    requests_oserror = type(exc) is OSError and not getattr(exc, 'errno', None)  # pylint: disable=unidiomatic-typecheck
    if isinstance(exc, file_errors) or requests_oserror:
        return TransportProblem('TLS_ERROR', 'config', settings.ca,
                                '%s is not a readable CA certificate file (or directory of them)' % settings.ca,
                                'Point %s at a PEM file of the CA that signed the server certificate' % settings.ca)
    return None


def _url_rule(exc, settings, _url, rex, uex):
    url_classes = (UnicodeError,)
    if rex is not None:
        url_classes += (rex.InvalidURL, rex.InvalidSchema, rex.MissingSchema, rex.URLRequired, uex.LocationValueError)
    if isinstance(exc, url_classes) and not isinstance(exc, UnicodeDecodeError):  # decoding is about an answer
        return TransportProblem('INVALID_URL', 'config', settings.url, '%s is not a usable URL' % settings.url,
                                'Set %s to https://host[:port], with a valid host name' % settings.url)
    return None


def _connection_rule(exc, settings, _url, rex, uex):
    if isinstance(exc, OSError) or (rex is not None and isinstance(exc, (rex.RequestException, uex.HTTPError))):
        return TransportProblem('CONNECTION_ERROR', 'unreachable', settings.url,
                                'the connection to %s failed (%s)' % (settings.url, type(exc).__name__),
                                'Check %s, the network and any proxy between this host and the server' % settings.url,
                                retryable=True)
    return None
