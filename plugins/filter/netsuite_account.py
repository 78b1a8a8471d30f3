# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The netsuite_account filter: the modules' account ID parser, for templates."""

from ansible.errors import AnsibleFilterError

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    ENVIRONMENTS,
    check_environment,
    CredentialInputError,
    parse_account_id,
)

DOCUMENTATION = r"""
name: netsuite_account
short_description: Parse a NetSuite account ID the way the modules do
version_added: 1.1.0
description:
  - Normalizes what people paste as a NetSuite account ID (C(1234567), C(1234567-sb1),
    C(tstdrv1234567), or a NetSuite URL or host such as C(https://1234567-sb1.app.netsuite.com/))
    with the same code as M(netsuite_ops.credentials.tba_credential), so a playbook or role
    derives exactly the realm, host label and environment the modules will use.
  - Fails on anything that is not a NetSuite account ID or NetSuite URL, and when O(environment)
    is set and the account belongs to another one. The error names the variable
    (O(name), O(environment_name)) and never repeats the value, which may be a secret pasted into
    the wrong box.
positional: _input
options:
  _input:
    description: The account ID, NetSuite URL or NetSuite host name.
    type: raw
    required: true
  environment:
    description:
      - The environment the account must belong to. V(null) or empty means no check.
    type: str
    choices: [production, sandbox, release_preview, test_drive]
  name:
    description: The name of the variable that holds the input, for error messages.
    type: str
    default: account_id
  environment_name:
    description: The name of the variable that holds O(environment), for error messages.
    type: str
    default: environment
author:
  - netsuite_ops.credentials contributors (@netsuite-ops)
"""

EXAMPLES = r"""
- name: Print the account's realm and the URL of its user interface
  ansible.builtin.debug:
    msg: "{{ account.realm }} ({{ account.environment_label }}): sign in at {{ account.app_url }}"
  vars:
    account: "{{ '1234567-sb1' | netsuite_ops.credentials.netsuite_account }}"

- name: Refuse an account ID of another environment, naming the role's variables
  ansible.builtin.set_fact:
    account: >-
      {{ my_account_id | netsuite_ops.credentials.netsuite_account(environment=my_environment | default(none),
         name='my_account_id', environment_name='my_environment') }}
"""

RETURN = r"""
_value:
  description: The account.
  type: dict
  contains:
    realm:
      description: The account ID in realm form (upper case, C(_) before the suffix).
      type: str
      sample: 1234567_SB1
    host_label:
      description: The account's label in NetSuite host names (lower case, C(-)).
      type: str
      sample: 1234567-sb1
    environment:
      description: The environment the account ID denotes.
      type: str
      sample: sandbox
      choices: [production, sandbox, release_preview, test_drive]
    environment_label:
      description: The environment as NetSuite's documentation names it.
      type: str
      sample: sandbox
    default_rest_url:
      description: The base URL of the account's REST web services unless Company URLs says otherwise.
      type: str
      sample: https://1234567-sb1.suitetalk.api.netsuite.com
    app_url:
      description: The URL of the account's user interface.
      type: str
      sample: https://1234567-sb1.app.netsuite.com/
    warnings:
      description: What was cleaned from the input (whitespace or invisible characters), naming O(name).
      type: list
      elements: str
      sample: []
"""

ENVIRONMENT_LABELS = {
    "production": "production",
    "sandbox": "sandbox",
    "release_preview": "Release Preview",
    "test_drive": "test drive",
}


def netsuite_account(value, environment=None, name="account_id", environment_name="environment"):
    try:
        account, warnings = parse_account_id(value, name)
    except CredentialInputError as exc:
        raise AnsibleFilterError("; ".join(exc.problems))
    environment = None if environment is None or str(environment) == "" else str(environment)
    if environment is not None:
        try:
            check_environment(account, environment, environment_name)
        except CredentialInputError as exc:
            if environment not in ENVIRONMENTS:
                raise AnsibleFilterError("; ".join(exc.problems))
            raise AnsibleFilterError(
                "%s %s is a %s account, not %s: fix %s or %s."
                % (name, account.realm, ENVIRONMENT_LABELS[account.environment],
                   environment.replace("_", " "), name, environment_name))
    result = account.to_dict()
    result.update(
        environment_label=ENVIRONMENT_LABELS[account.environment],
        default_rest_url=account.default_rest_url(),
        app_url="https://%s.app.netsuite.com/" % account.host_label,
        warnings=list(warnings),
    )
    return result


class FilterModule:
    def filters(self):
        return {"netsuite_account": netsuite_account}
