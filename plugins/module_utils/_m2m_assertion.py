# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The client assertion of NetSuite's OAuth 2.0 client credentials (M2M) grant: a signed JWT.

Oracle, "The Request Token Structure" (NetSuite help, section_162790605110): header typ=JWT,
alg PS256/384/512 or ES256/384/512, kid = the certificate ID of the mapping; payload iss = the
integration's client ID, scope, aud = the token endpoint, iat, and exp less than 60 minutes after
iat. Nothing else is sent: no jti, nbf or sub. PyJWT signs; it and cryptography are imported
on first use.
"""

import time
from datetime import datetime

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_credentials import (
    missing_library,
)

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
DEFAULT_LIFETIME_SECONDS = 300
# Oracle: exp "must be less than 60 minutes greater than" iat; an hour exactly is what most
# working clients send, so an hour is the limit here.
MAX_LIFETIME_SECONDS = 3600

# The scope claim is ONE string, the scopes "separated by a comma" (Oracle, The Request Token
# Structure, section_162790605110, and the same wording for the access token's scope claim in
# section_158255317571). Not a JSON array (some third-party samples send one) and not spaces
# (RFC 6749's form for the scope request parameter): we follow NetSuite's own documentation.
SCOPE_SEPARATOR = ","


def token_endpoint(base_url):
    """The token endpoint under an account's REST web services base URL."""
    return base_url.rstrip("/") + TOKEN_PATH


def _seconds(now):
    if now is None:
        return int(time.time())
    if isinstance(now, datetime):
        return int(now.timestamp())
    return int(now)


def build_client_assertion(credentials, token_url, *, now=None, lifetime_seconds=DEFAULT_LIFETIME_SECONDS):
    """The signed JWT to POST as client_assertion. ``now``: epoch seconds or datetime.

    Raises ValueError for a lifetime NetSuite would refuse, M2mDependencyError without PyJWT.
    """
    if isinstance(lifetime_seconds, bool) or not isinstance(lifetime_seconds, int) or not (
            0 < lifetime_seconds <= MAX_LIFETIME_SECONDS):
        raise ValueError("lifetime_seconds: must be a whole number of seconds from 1 to %d (NetSuite "
                         "refuses an assertion valid for longer than an hour)" % MAX_LIFETIME_SECONDS)
    if not token_url:
        raise ValueError("token_url: must be the token endpoint URL")
    try:
        import jwt
    except ImportError:
        raise missing_library("PyJWT")
    try:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
    except ImportError:
        raise missing_library("cryptography")
    # The key was checked when the credentials were built; checking an RSA 4096 key again costs
    # over half a second per assertion (a fleet check makes one per secret).
    key = load_pem_private_key(credentials.private_key_pem.encode("ascii"), None,
                               unsafe_skip_rsa_key_validation=True)
    issued = _seconds(now)
    claims = {
        "iss": credentials.client_id,
        "scope": SCOPE_SEPARATOR.join(credentials.scopes),
        "aud": token_url,
        "iat": issued,
        "exp": issued + lifetime_seconds,
    }
    headers = {"alg": credentials.algorithm, "typ": "JWT", "kid": credentials.certificate_id}
    try:
        token = jwt.encode(claims, key, algorithm=credentials.algorithm, headers=headers)
    except NotImplementedError:
        # PyJWT without cryptography knows no PS*/ES* algorithm.
        raise missing_library("cryptography")
    # PyJWT 1.x returned bytes; 2.x returns str.
    return token.decode("ascii") if isinstance(token, bytes) else token
