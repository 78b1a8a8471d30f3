# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The OAuth 1.0a (RFC 5849) HMAC-SHA256 Authorization header NetSuite TBA expects.

Standard library only: importing oauthlib and requests-oauthlib cost every probing process
tens of milliseconds for these few lines (requests-oauthlib stays for OAuth 2.0). A fresh nonce
and timestamp per call; realm goes into the header but not into the signature base string, as
NetSuite requires. tests/unit/plugins/module_utils/test_tba_signer.py checks the header the
probe sends against an independent computation pinned to published vectors.
"""

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import parse_qsl, quote, urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _encode(value):
    """RFC 5849 §3.6: unreserved characters kept, everything else %XX with upper-case hex."""
    return quote(str(value), safe="-._~")


def _base_string_uri(url):
    """RFC 5849 §3.4.1.2: scheme and host in lower case, the port only when not the default."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = "[%s]" % host
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else "%s:%d" % (host, port)
    return "%s://%s%s" % (scheme, netloc, parts.path or "/")


def authorization_header(credentials, method, url, params=None, *, timestamp=None, nonce=None):
    """``Authorization`` for one request to ``url`` (with its query ``params``, which are signed)."""
    oauth = [
        ("oauth_consumer_key", credentials.consumer_key),
        ("oauth_token", credentials.token_id),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_timestamp", str(int(time.time() if timestamp is None else timestamp))),
        # NetSuite: alphanumeric, 6 to 64 characters, unique with the timestamp.
        ("oauth_nonce", nonce or secrets.token_hex(16)),
        ("oauth_version", "1.0"),
    ]
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True) + list((params or {}).items())
    normalized = "&".join("%s=%s" % pair for pair in sorted((_encode(k), _encode(v)) for k, v in oauth + query))
    base_string = "&".join((method.upper(), _encode(_base_string_uri(url)), _encode(normalized)))
    key = "%s&%s" % (_encode(credentials.consumer_secret), _encode(credentials.token_secret))
    signature = base64.b64encode(hmac.new(key.encode("utf-8"), base_string.encode("utf-8"), hashlib.sha256).digest())
    fields = [("realm", credentials.realm)] + oauth + [("oauth_signature", signature.decode("ascii"))]
    return "OAuth " + ", ".join('%s="%s"' % (name, _encode(value)) for name, value in fields)
