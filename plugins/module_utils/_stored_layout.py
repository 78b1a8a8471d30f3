# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The stored layouts other tools read, telling a stored TBA secret from an M2M one, and the
sizes a stored value may have.

Written once here, for both kinds: a fleet check reads both before it knows which it has, and a
TBA task reads a stored secret without importing the M2M units.
"""

import json

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import VALUE_MAX
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import STORED_KEYS as TBA_STORED_KEYS

M2M_STORED_KEYS = ("account_id", "client_id", "certificate_id", "private_key", "certificate")
# A 16384-bit RSA key in PKCS#8 PEM is about 12.6 KiB, a certificate for it about 6 KiB: anything
# longer is not one key or one certificate, and must not cost parsing time.
PEM_MAX = 16 * 1024
CERTIFICATE_ID_MAX = 128
_M2M_ONLY_KEYS = frozenset(M2M_STORED_KEYS) - frozenset(TBA_STORED_KEYS)


def stored_auth_type(data, custom_metadata=None):
    """"tba" or "m2m". The five TBA keys make a TBA secret whatever the metadata says; else
    the ``auth_type`` custom metadata or any M2M key makes it M2M; a secret written before
    ``auth_type`` existed, with neither, is TBA."""
    data = data if isinstance(data, dict) else {}
    if all(key in data for key in TBA_STORED_KEYS):
        return "tba"
    metadata = custom_metadata if isinstance(custom_metadata, dict) else {}
    if metadata.get("auth_type") == "m2m" or _M2M_ONLY_KEYS.intersection(data):
        return "m2m"
    return "tba"


def stored_keys(auth_type):
    return M2M_STORED_KEYS if auth_type == "m2m" else TBA_STORED_KEYS


def stored_label(name):
    """How a problem names a field read from Vault (``describe`` of the credential builders)."""
    return "stored key '%s'" % name


# The most a whole stored secret may hold (every key and value, as JSON text): two PEMs and a few
# short values come to about 8 KiB; other tools' extra keys get room, a 2 MiB value does not.
STORED_DATA_MAX = 64 * 1024


def stored_value_limits():
    """{key: most characters} for every key either layout stores; other keys get VALUE_MAX."""
    limits = dict.fromkeys(TBA_STORED_KEYS + M2M_STORED_KEYS, VALUE_MAX)
    limits.update(private_key=PEM_MAX, certificate=PEM_MAX, certificate_id=CERTIFICATE_ID_MAX)
    return limits


def stored_size_problem(data):
    """What makes ``data`` (a stored secret's key/value pairs) too large to work on, naming the
    key and the limit, never the value; None when every size is within its limit. Checked on the
    raw answer, before any value is registered as a secret or parsed: that work grows with the
    value (the scrub of a 2 MiB value took 12 s and 776 MiB)."""
    if not isinstance(data, dict):
        return None
    limits = stored_value_limits()
    total = 0
    for key, value in data.items():
        size = _size(value)
        total += len(str(key)) + size
        limit = limits.get(key, VALUE_MAX)
        if size > limit:
            return "stored key '%s' holds %d characters, more than the %d a value may have" % (
                _key_label(key), size, limit)
    if total > STORED_DATA_MAX:
        return "the secret holds %d characters in all, more than the %d a stored secret may have" % (
            total, STORED_DATA_MAX)
    return None


def _size(value):
    """Characters of a value as stored (a number or a nested value as its JSON text)."""
    if isinstance(value, str):
        return len(value)
    try:
        return len(json.dumps(value, default=str))
    except (TypeError, ValueError, RecursionError):
        return STORED_DATA_MAX + 1


def _key_label(key):
    """A key as it can be named: a key is not secret, but an absurd one is cut."""
    text = "".join(char for char in str(key) if char.isprintable())
    return text if len(text) <= 64 else text[:61] + "..."
