# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fake NetSuite accounts for the tests: the one place that makes them.

Secrets have the shape NetSuite issues (64 hexadecimal characters) and are fresh random values
each time, so a leak search can never match ordinary text. Account IDs from ``next_account_id``
are unique in the process, so tests sharing an emulator never share an account.
"""
import itertools
import secrets

SECRET_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")

_account_numbers = itertools.count(4100001)


def secret_value():
    """One secret as NetSuite shows it: 64 hexadecimal characters."""
    return secrets.token_hex(32)


def vault_token():
    """A Vault token shaped like a real service token (not valid on any server)."""
    return "hvs." + secrets.token_hex(20)


def token_values():
    """The four TBA secrets: consumer key and secret, token ID and secret."""
    return {name: secret_value() for name in SECRET_FIELDS}


def next_account_id(suffix="_SB1"):
    """An account ID (realm form) no other test in this process got."""
    return "%d%s" % (next(_account_numbers), suffix)


def fake_account(account_id=None, role=None, **scenario):
    """An account as the NetSuite emulator and the test bed take it: ID, four secrets, scenario,
    and the emulator's ``role`` when given (tests/emulator/README.md, "The role")."""
    account = dict(token_values(), account_id=account_id or next_account_id(), scenario=scenario)
    if role is not None:
        account["role"] = role
    return account


def stored_values(account):
    """What Vault holds for ``account``: the ID and the four secrets, without the scenario or role."""
    return {key: value for key, value in account.items() if key not in ("scenario", "role", "data")}


def new_credentials(account_id=None):
    """Validated credentials (the modules' ``TbaCredentials``) for a fresh account."""
    # Imported here: the test bed uses this module without the collection on its path.
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import build_credentials
    return build_credentials(dict(token_values(), account_id=account_id or next_account_id()))[0]


def emulator_account(credentials, role=None, **scenario):
    """The emulator's account for validated credentials (with the emulator's ``role`` when given)."""
    values = {name: getattr(credentials, name) for name in SECRET_FIELDS}
    account = dict(values, account_id=credentials.realm, scenario=scenario)
    if role is not None:
        account["role"] = role
    return account


def module_args(url, account_id="1234567_SB1", path="netsuite/x"):
    """Options for tba_credential / credential_check with NetSuite and Vault both at ``url``."""
    return dict(token_values(), account_id=account_id, path=path, netsuite_url=url,
                vault={"url": url, "token": vault_token()})
