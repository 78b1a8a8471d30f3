# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The stored layouts other tools read, and telling a stored TBA secret from an M2M one.

Standard library only: a fleet check reads both kinds before it knows which it has.
"""

TBA_STORED_KEYS = ("account_id", "consumer_key", "consumer_secret", "token_id", "token_secret")
M2M_STORED_KEYS = ("account_id", "client_id", "certificate_id", "private_key", "certificate")
AUTH_TYPES = ("tba", "m2m")
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
