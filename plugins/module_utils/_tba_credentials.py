# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Offline validation of NetSuite TBA credentials into one immutable object.

Nothing here touches the network, Vault or Ansible. Every problem names the field and the rule
and never repeats the value: people paste secrets into the wrong box, so any input may be one.
"""

import re
from dataclasses import dataclass, field

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    CredentialInputError,
    NetSuiteAccount,
    OfAnAccount,
    check_distinct,
    clean_value,
    declared_account,
)

SECRET_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
STORED_KEYS = ("account_id",) + SECRET_FIELDS

_SECRET_SHAPE = re.compile(r"[0-9A-Fa-f]{64}\Z")


@dataclass(frozen=True)
class TbaCredentials(OfAnAccount):
    account: NetSuiteAccount
    consumer_key: str = field(repr=False)
    consumer_secret: str = field(repr=False)
    token_id: str = field(repr=False)
    token_secret: str = field(repr=False)

    auth_type = "tba"  # not a field: a class-wide tag the probe and the checks dispatch on

    def secret_values(self):
        return tuple(getattr(self, name) for name in SECRET_FIELDS)

    def as_vault_data(self):
        """The stored layout other tools read: exactly these five keys."""
        data = {"account_id": self.realm}
        data.update((name, getattr(self, name)) for name in SECRET_FIELDS)
        return data

    def custom_metadata(self):
        return {"auth_type": self.auth_type}

    def matches_stored(self, data):
        """True when ``data`` is exactly what as_vault_data() would store."""
        return data == self.as_vault_data()


def secret_shape_rule(name, value):
    """The broken rule when ``value`` is not 64 hex characters as NetSuite shows keys and IDs, else None."""
    if _SECRET_SHAPE.match(value):
        return None
    return ("%s: expected 64 hexadecimal characters as NetSuite shows them (got %d characters%s)"
            % (name, len(value), "" if all(c in "0123456789abcdefABCDEF" for c in value)
               else ", not all hexadecimal"))


def _check_secret_shape(name, value, strict_format, problems, warnings):
    rule = secret_shape_rule(name, value)
    if rule is None:
        return
    if strict_format:
        problems.append(rule + "; set strict_format: false to accept other shapes")
    else:
        warnings.append(rule)


def build_credentials(values, environment=None, strict_format=True, describe=None):
    """Validate ``account_id`` and the four secrets from ``values`` into TbaCredentials.

    ``describe`` turns a field name into the label used in messages (e.g. a Vault key).
    Returns (TbaCredentials, warnings); raises CredentialInputError listing every problem.
    """
    describe = describe or (lambda name: name)
    problems, warnings = [], []
    account = declared_account(values, environment, describe, problems, warnings)

    secrets = {}
    for name in SECRET_FIELDS:
        value = clean_value(describe(name), values.get(name), problems, warnings)
        if value is not None:
            _check_secret_shape(describe(name), value, strict_format, problems, warnings)
            secrets[name] = value
    comparable = [(describe(n), secrets[n]) for n in SECRET_FIELDS if n in secrets]
    if account is not None:
        comparable.insert(0, (describe("account_id"), account.realm))
    check_distinct(comparable, problems)

    if problems:
        raise CredentialInputError(problems)
    return TbaCredentials(account=account, **secrets), warnings
