#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: tba_credential
short_description: Validate, test and store NetSuite token-based authentication credentials in Vault
version_added: 1.0.0
description:
  - Validates the five values of a NetSuite token-based authentication (TBA) set-up offline,
    tests them with one signed, read-only request to NetSuite, and stores them in a HashiCorp
    Vault or OpenBao KV version 2 secret engine.
  - Idempotent by design. The path is read once; when it already holds the declared values
    nothing is written and no new KV version is created.
  - A write uses check-and-set on the version that was read, so a concurrent writer is never
    silently overwritten, and happens only after the NetSuite test passed. Working credentials
    are never replaced by failing ones; earlier KV versions are kept.
  - "The stored secret holds exactly the keys C(account_id) (realm form), C(consumer_key),
    C(consumer_secret), C(token_id) and C(token_secret). The environment, the token name and
    C(managed_by) go into the secret's custom metadata."
  - No secret is ever returned, printed in a message or shown in a diff.
author:
  - netsuite_ops.credentials contributors (@netsuite-ops)
requirements:
  - hvac >= 2.0.0
  - requests
extends_documentation_fragment:
  - netsuite_ops.credentials.declared_credentials
  - netsuite_ops.credentials.netsuite_connection
  - netsuite_ops.credentials.kv2_path
  - netsuite_ops.credentials.vault_connection
  - netsuite_ops.credentials.attributes
  - netsuite_ops.credentials.attributes.action_group
  - netsuite_ops.credentials.attributes.controller
attributes:
  check_mode:
    support: full
    details:
      - The connection test still runs in check mode; it changes nothing in NetSuite.
      - Reports whether a write would happen; writes nothing to Vault.
  diff_mode:
    support: full
    details:
      - Shows which keys are added, changed or removed, and custom metadata changes.
        Every key is shown as C(<stored>), C(<changed>) or C(<added>); no value is ever shown,
        not even the account ID or the custom metadata.
options:
  state:
    description:
      - V(present) validates, tests and stores the credentials.
      - V(absent) removes the secret with all its versions and metadata. Only O(path) (and the
        Vault connection) is needed.
    type: str
    choices: [present, absent]
    default: present
  token_name:
    description:
      - A label for the credentials, usually the NetSuite access token name. Kept in the secret's
        custom metadata, not in its data. One line, at most 512 bytes in UTF-8 (Vault's limit).
    type: str
  test_connection:
    description:
      - Send one signed, read-only request to NetSuite before storing (and on unchanged paths).
      - When V(false) the credentials are only validated offline.
    type: bool
    default: true
notes:
  - The credentials are tested against C(GET /services/rest/system/v1/serverTime). When that
    endpoint answers 404 (NetSuite releases before 2025.2) the module falls back once to a
    read-only metadata-catalog request. Only 429, 5xx and timeouts are retried, at most 3
    attempts, each with a fresh nonce and timestamp.
  - "Vault permissions. Recommended policy on the data path: C(create), C(update), C(read); on the
    metadata path: C(read), C(update) (plus C(delete) for O(state=absent)). The least that works
    is C(create), C(update), C(read) on the data path; custom metadata is then skipped with a warning."
  - As of NetSuite 2027.1 no new TBA integrations can be created; existing ones keep working.
seealso:
  - module: netsuite_ops.credentials.credential_check
  - name: NetSuite token-based authentication
    description: Oracle's overview of TBA set-up.
    link: https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/chapter_4247329078.html
"""

EXAMPLES = r"""
- name: Validate, test and store the sandbox credentials (values from Ansible Vault / env, never literal)
  netsuite_ops.credentials.tba_credential:
    account_id: "{{ netsuite_account_id }}"
    consumer_key: "{{ netsuite_consumer_key }}"
    consumer_secret: "{{ netsuite_consumer_secret }}"
    token_id: "{{ netsuite_token_id }}"
    token_secret: "{{ netsuite_token_secret }}"
    environment: sandbox
    token_name: erp-sync sandbox token
    path: netsuite/1234567_SB1/tba
    vault:
      url: https://vault.example.com:8200
      token: "{{ lookup('ansible.builtin.env', 'VAULT_TOKEN') }}"
  delegate_to: localhost  # where hvac is installed

- name: Many accounts at once, looping over names only
  # Ansible prints every loop item from -v up, loop_control.label or not: never loop over items
  # that hold secrets. Loop over names and look the secrets up inside the task.
  netsuite_ops.credentials.tba_credential:
    account_id: "{{ netsuite_tba[item].account_id }}"
    consumer_key: "{{ netsuite_tba[item].consumer_key }}"
    consumer_secret: "{{ netsuite_tba[item].consumer_secret }}"
    token_id: "{{ netsuite_tba[item].token_id }}"
    token_secret: "{{ netsuite_tba[item].token_secret }}"
    path: netsuite/{{ item }}/tba
  loop: "{{ netsuite_tba.keys() | sort }}"
  delegate_to: localhost

- name: Same, with the Vault connection shared by every task of the play
  module_defaults:
    group/netsuite_ops.credentials.vault:
      vault:
        url: https://vault.example.com:8200
  block:
    - name: Store production credentials, Company URLs value given explicitly
      netsuite_ops.credentials.tba_credential:
        account_id: https://1234567.app.netsuite.com/app/center/card.nl
        consumer_key: "{{ netsuite_consumer_key }}"
        consumer_secret: "{{ netsuite_consumer_secret }}"
        token_id: "{{ netsuite_token_id }}"
        token_secret: "{{ netsuite_token_secret }}"
        netsuite_url: https://1234567.suitetalk.api.netsuite.com
        engine_mount_point: kv
        path: netsuite/prod/tba
      delegate_to: localhost

- name: Remove stored credentials and all their versions
  netsuite_ops.credentials.tba_credential:
    path: netsuite/1234567_SB1/tba
    state: absent
  delegate_to: localhost
"""

RETURN = r"""
account:
  description: The account the credentials belong to, normalized.
  returned: when O(state=present)
  type: dict
  contains:
    realm:
      description: The account ID in realm form (upper case, underscore before the suffix).
      type: str
      sample: 1234567_SB1
    host_label:
      description: The account ID as NetSuite host names spell it.
      type: str
      sample: 1234567-sb1
    environment:
      description: production, sandbox, release_preview or test_drive, derived from the account ID.
      type: str
      sample: sandbox
    netsuite_url:
      description: The REST web services base URL used for the test.
      type: str
      sample: https://1234567-sb1.suitetalk.api.netsuite.com
connection:
  description: The outcome of the NetSuite connection test.
  returned: when O(state=present)
  type: dict
  contains:
    tested:
      description: Whether a request was sent.
      type: bool
    ok:
      description: Whether NetSuite accepted the credentials.
      type: bool
      returned: when tested
    status_code:
      description: HTTP status of the last response.
      type: int
      returned: when tested
    probe:
      description: The request that decided the outcome, V(serverTime) or V(metadata-catalog).
      type: str
      returned: when tested
    server_time:
      description: NetSuite's clock (UTC, ISO 8601), when it could be read.
      type: str
      returned: when tested
    clock_skew_seconds:
      description: NetSuite's clock minus the local clock.
      type: float
      returned: when tested
    attempts:
      description: HTTP requests sent for the test, the fallback probe included.
      type: int
      returned: when tested
    retries:
      description: How many of C(attempts) repeated a request after a 429, a 5xx or a timeout.
      type: int
      returned: when tested
    elapsed_ms:
      description: Time the test took.
      type: int
      returned: when tested
    error_code:
      description: NetSuite's C(o:errorCode), or a transport cause such as C(TIMEOUT) or C(DNS_FAILURE).
      type: str
      returned: when the test failed
    detail:
      description: NetSuite's error detail or the transport cause.
      type: str
      returned: when the test failed
vault:
  description: Where the credentials live and their KV versions.
  returned: when Vault was reached
  type: dict
  contains:
    mount:
      description: The KV v2 mount point.
      type: str
      sample: secret
    path:
      description: The secret path under the mount.
      type: str
      sample: netsuite/1234567_SB1/tba
    version:
      description: The current version after the run (unchanged in check mode; null when absent).
      type: int
      sample: 3
    previous_version:
      description: The version that was current before the run, null when the path was empty.
      type: int
      sample: 2
reason:
  description: What went wrong, in one line (the first part of C(msg)).
  returned: on failure
  type: str
hint:
  description: What a person should check or do next.
  returned: on failure
  type: str
failure_code:
  description:
    - Why the task failed, for programs (never parse O(ignore:msg)). Namespaced by where it was found.
    - V(input:invalid) (an option breaks a rule; nothing was tested or written), V(vault:<kind>)
      (the same kinds as RV(vault_error), plus V(vault:concurrent_writer)), V(netsuite:<code>)
      (NetSuite's error code such as V(netsuite:INVALID_LOGIN), or a transport one such as
      V(netsuite:TIMEOUT)), V(stored:missing), V(stored:malformed), V(stored:too_old), V(internal:error).
  returned: on failure
  type: str
  sample: netsuite:INVALID_LOGIN
vault_error:
  description: A machine-readable cause when Vault failed, for example V(permission_denied), V(sealed) or V(kv_v1_mount).
  returned: on a Vault failure
  type: str
"""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import run_task
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_tasks import TBA_CREDENTIAL


def main():
    run_task(TBA_CREDENTIAL)


if __name__ == "__main__":
    main()
