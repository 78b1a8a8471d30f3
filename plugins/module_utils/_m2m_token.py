# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""NetSuite's OAuth 2.0 client credentials (M2M) token request: its form body, and what its
answer means. ``_probe_m2m`` sends it and turns the answer into a ``ProbeResult``.

oauthlib (the protocol half of requests-oauthlib) prepares the form body and the bearer header;
the probe sends the request with its own bounded session rather than through
``requests_oauthlib.OAuth2Session.fetch_token``, because fetch_token
- follows redirects (it takes no ``allow_redirects``), carrying the assertion wherever one points;
- hides the HTTP status and raises for every answer without a token, so 429 and 5xx cannot be
  retried or Retry-After honoured, and its parse error for a body that is not form-encoded
  quotes that body (an echoing proxy's copy of the assertion) in the exception;
- logs the request body and the token it obtained at DEBUG level;
- adds HTTP Basic authentication with the client ID unless told otherwise;
- refuses http:// URLs unless OAUTHLIB_INSECURE_TRANSPORT is set for the whole process;
- would be a session of its own: not the bounded session (total deadline, size cap) the TBA
  GETs use, nor the one a fleet check shares between accounts.

Error codes. An answer in OAuth's error shape (RFC 6749 section 5.2: a JSON object whose
``error`` is a string) keeps the server's own code, exactly as sent, as the probe's error_code:
``invalid_client``, ``invalid_grant``... so failure_code is ``netsuite:invalid_client``. The
lower case keeps OAuth 2.0's codes apart from NetSuite's own (``INVALID_LOGIN``) and from the
collection's transport codes (``TIMEOUT``), and the code can be looked up as NetSuite and the
RFC spell it.

Third-party libraries are imported on first use, so the TBA probe never loads them.
The request and the answer are the probe's business: nothing here sends, retries or caches.
"""

import collections
import re

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_assertion import (
    build_client_assertion,
    token_endpoint,
)

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# RFC 6749 section 5.2: the codes a token endpoint answers with.
OAUTH_ERROR_CODES = (
    "invalid_request", "invalid_client", "invalid_grant",
    "unauthorized_client", "unsupported_grant_type", "invalid_scope",
)
TOKEN_REQUEST_HEADERS = {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}

# (module imported, what pip installs): everything the M2M test needs beyond requests.
_LIBRARIES = (("oauthlib", "oauthlib"), ("jwt", "PyJWT"), ("cryptography", "cryptography"))

TokenRequest = collections.namedtuple("TokenRequest", "url body assertion")

_B64TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")
# NetSuite's access tokens are JWTs of several hundred characters. A few characters are no token,
# and scrubbing them from the result (as every token is) would blank ordinary words.
_TOKEN_MIN_CHARS = 16
# NetSuite's access tokens are a few KB. A longer one is refused before anything registers it as
# a secret (a scrub's cost grows with it) or sends it back (a header of that size): a 1 MiB token
# cost 350-400 MiB per task. The answer holding it is bounded before it is parsed.
ACCESS_TOKEN_MAX = 16 * 1024
TOKEN_ANSWER_MAX_BYTES = 64 * 1024


def missing_m2m_library():
    """(pip name, the ImportError's text) for the first library the M2M test cannot import,
    else None."""
    import importlib

    for module, package in _LIBRARIES:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return package, str(exc)
    return None


def token_request(credentials, base_url, now):
    """The POST for one attempt: a client assertion of its own (iat = ``now``) in the form
    body. NetSuite takes the scope from the assertion's claims, so the body carries none."""
    from oauthlib.oauth2 import BackendApplicationClient

    url = token_endpoint(base_url)
    assertion = build_client_assertion(credentials, url, now=now)
    # No client_id in the body: the assertion's iss names the client, and NetSuite lists "multiple
    # client authentication approaches" among the causes of invalid_request.
    body = BackendApplicationClient(client_id=None).prepare_request_body(
        include_client_id=False, client_assertion_type=CLIENT_ASSERTION_TYPE, client_assertion=assertion,
    )
    return TokenRequest(url, body, assertion)


def token_answer_problem(body_size, payload):
    """Why a successful token answer of ``body_size`` bytes cannot be used, before or after it
    is parsed (``payload`` None: not parsed yet); None when it may be. Never quotes the answer."""
    if body_size > TOKEN_ANSWER_MAX_BYTES:
        return "the token endpoint's answer is %d bytes, more than the %d this collection reads" % (
            body_size, TOKEN_ANSWER_MAX_BYTES)
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if isinstance(token, str) and len(token) > ACCESS_TOKEN_MAX:
        return "the access token is %d characters, more than the %d accepted (NetSuite's are a few KB)" % (
            len(token), ACCESS_TOKEN_MAX)
    return None


def access_token_from(payload):
    """The access token of a successful token answer (parsed JSON), else None: a token_type
    other than bearer, or a token that is not an RFC 6750 b64token of a plausible length (at
    most ACCESS_TOKEN_MAX), is not one this probe can send (a line break in it would even break
    the header)."""
    if not isinstance(payload, dict):
        return None
    token = payload.get("access_token")
    token_type = payload.get("token_type", "bearer")
    # The length first: the pattern's cost grows with the text.
    if not isinstance(token, str) or not _TOKEN_MIN_CHARS <= len(token) <= ACCESS_TOKEN_MAX:
        return None
    if not _B64TOKEN.fullmatch(token):
        return None
    return token if isinstance(token_type, str) and token_type.lower() == "bearer" else None


def oauth_error_from(payload):
    """(error, error_description or None) when ``payload`` (parsed JSON) has OAuth's error
    shape, else None. The code is returned as sent; the caller decides whether to show it."""
    if not isinstance(payload, dict) or not isinstance(payload.get("error"), str):
        return None
    description = payload.get("error_description")
    return payload["error"], description if isinstance(description, str) else None


def bearer_headers(access_token, headers):
    """``headers`` plus ``Authorization: Bearer <token>`` (RFC 6750 section 2.1)."""
    from oauthlib.oauth2.rfc6749.tokens import prepare_bearer_headers

    return prepare_bearer_headers(access_token, dict(headers))
