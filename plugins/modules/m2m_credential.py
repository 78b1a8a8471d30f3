#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: m2m_credential
short_description: Validate, test and store NetSuite OAuth 2.0 client credentials (M2M) in Vault
version_added: 1.1.0
description:
  - The OAuth 2.0 client credentials (machine-to-machine) sibling of
    M(netsuite_ops.credentials.tba_credential), NetSuite's successor to token-based
    authentication (from NetSuite 2027.1 no new TBA integrations can be created).
  - Validates the account ID, client ID, certificate ID, private key and certificate offline
    (the key and the certificate must belong together, the certificate must be valid now), tests
    them with NetSuite (a signed client assertion for an access token, then one read-only
    request), and stores them in a HashiCorp Vault or OpenBao KV version 2 secret engine.
  - Same contract as M(netsuite_ops.credentials.tba_credential) wherever the two overlap. The path
    is read once; unchanged credentials write nothing. A write uses check-and-set and happens only
    after the test passed, so working credentials are never replaced by failing ones; earlier
    versions stay readable for rollback.
  - "The stored secret holds exactly C(account_id) (realm form), C(client_id), C(certificate_id),
    C(private_key) (PKCS#8 PEM) and C(certificate). Custom metadata holds C(auth_type=m2m),
    C(certificate_not_after), C(environment), C(managed_by) and O(integration_name)."
  - The access token lives in memory for the one test; it is never stored, cached or returned.
    One longer than 16384 characters (NetSuite's are a few KB), or a token answer over 65536
    bytes, is refused before it is used or sent (C(failure_code=netsuite:TOKEN_TOO_LARGE)).
author:
  - netsuite_ops.credentials contributors (@netsuite-ops)
requirements:
  - hvac >= 2.0.0
  - requests-oauthlib
  - cryptography >= 41.0.0
  - PyJWT >= 2.8.0
extends_documentation_fragment:
  - netsuite_ops.credentials.m2m_credentials
  - netsuite_ops.credentials.netsuite_connection
  - netsuite_ops.credentials.kv2_path
  - netsuite_ops.credentials.m2m_pending
  - netsuite_ops.credentials.vault_connection
  - netsuite_ops.credentials.attributes
  - netsuite_ops.credentials.attributes.action_group
  - netsuite_ops.credentials.attributes.controller
attributes:
  check_mode:
    support: full
    details:
      - The connection test still runs in check mode; it changes nothing in NetSuite.
      - Reports whether a write would happen; writes nothing to Vault and keeps the pending key pair.
  diff_mode:
    support: full
    details:
      - Shows which keys are added, changed or removed, and custom metadata changes, never a value.
options:
  state:
    description:
      - V(present) validates, tests and stores the credentials.
      - V(absent) removes the secret with all its versions and metadata; only O(path) is needed.
    type: str
    choices: [present, absent]
    default: present
  use_pending_key:
    description:
      - Take the private key and certificate from the pending key pair that
        M(netsuite_ops.credentials.m2m_key_pair) stored at O(pending_path), instead of
        O(private_key) and O(certificate). Once the credentials are stored, the pending copy is removed.
      - With V(true), O(client_id) may be left out when M2M credentials are stored at O(path); the
        stored client ID is then used, since a rotation keeps the integration record.
    type: bool
    default: false
  integration_name:
    description:
      - A label for the credentials, usually the integration record's name. Kept in the secret's
        custom metadata, not in its data.
      - One line of at most 512 bytes in UTF-8 (Vault's limit for a custom metadata value).
    type: str
  test_connection:
    description:
      - Ask NetSuite for an access token and send one read-only request before storing (and on
        unchanged paths). When V(false) the credentials are only validated offline.
    type: bool
    default: true
notes:
  - "The test: a client assertion (header C(alg), C(typ=JWT), C(kid) = O(certificate_id); claims C(iss)
    = O(client_id), C(scope), C(aud) = the token endpoint, C(iat), C(exp) five minutes later) is
    posted to C(/services/rest/auth/oauth2/v1/token) with C(grant_type=client_credentials); the access
    token then reads C(GET /services/rest/system/v1/serverTime)."
  - "Vault permissions as for M(netsuite_ops.credentials.tba_credential); with O(use_pending_key=true)
    also C(read) on the pending path's data and C(delete) on its metadata."
  - NetSuite accepts several active certificates per integration record, so a rotation stores the new
    certificate while the old one keeps working until the operator revokes it.
seealso:
  - module: netsuite_ops.credentials.m2m_key_pair
  - module: netsuite_ops.credentials.tba_credential
  - name: OAuth 2.0 Client Credentials Setup
    description: Oracle's guide to the M2M certificate mapping.
    link: https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162686838198.html
"""

EXAMPLES = r"""
- name: Test and store M2M credentials whose key pair m2m_key_pair generated
  netsuite_ops.credentials.m2m_credential:
    account_id: 1234567_SB1
    client_id: "{{ netsuite_m2m_client_id }}"
    certificate_id: "{{ netsuite_m2m_certificate_id }}"
    use_pending_key: true
    integration_name: erp-sync
    path: netsuite/1234567_SB1/m2m
    vault:
      url: https://vault.example.com:8200
      auth_method: approle
      role_id: "{{ lookup('ansible.builtin.env', 'VAULT_ROLE_ID') }}"
      secret_id: "{{ lookup('ansible.builtin.env', 'VAULT_SECRET_ID') }}"
  delegate_to: localhost

- name: Store a key pair made elsewhere (values from Ansible Vault, never literal)
  netsuite_ops.credentials.m2m_credential:
    account_id: 1234567
    client_id: "{{ netsuite_m2m_client_id }}"
    certificate_id: "{{ netsuite_m2m_certificate_id }}"
    private_key: "{{ netsuite_m2m_private_key }}"
    private_key_passphrase: "{{ netsuite_m2m_key_passphrase }}"
    certificate: "{{ lookup('ansible.builtin.file', 'files/netsuite-m2m.pem') }}"
    scope: [rest_webservices, restlets]
    path: netsuite/1234567/m2m
  delegate_to: localhost
"""

RETURN = r"""
account:
  description: The account the credentials belong to, normalized, with the REST base URL tested.
  returned: when O(state=present)
  type: dict
  sample: {realm: 1234567_SB1, host_label: 1234567-sb1, environment: sandbox,
           netsuite_url: "https://1234567-sb1.suitetalk.api.netsuite.com"}
certificate:
  description: The certificate, without the key. C(days_left) counts whole days until C(not_after).
  returned: when O(state=present) and the values were valid
  type: dict
  sample: {fingerprint_sha256: "3A:...:9F", subject: CN=erp-sync 1234567_SB1, not_before: "2026-12-01T10:00:00Z",
           not_after: "2028-11-30T10:00:00Z", days_left: 729, key_type: RSA 3072}
algorithm:
  description: The JWS algorithm used for the client assertion.
  returned: when O(state=present) and the values were valid
  type: str
  sample: PS256
connection:
  description:
    - The outcome of the NetSuite test, as M(netsuite_ops.credentials.tba_credential) returns it.
    - C(attempts) counts the token request(s) and the read-only request(s), 2 when nothing was
      retried; C(retries) counts the repeats among them.
  returned: when O(state=present)
  type: dict
vault:
  description: Mount, path, C(version) after the run and C(previous_version) before it.
  returned: when Vault was reached
  type: dict
reason:
  description: What went wrong, in one line.
  returned: on failure
  type: str
hint:
  description: What a person should check or do next.
  returned: on failure
  type: str
failure_code:
  description:
    - Why the task failed, for programs, as M(netsuite_ops.credentials.tba_credential) documents it.
      NetSuite's OAuth errors appear as for example V(netsuite:invalid_grant).
  returned: on failure
  type: str
vault_error:
  description: A machine-readable cause when Vault failed.
  returned: on a Vault failure
  type: str
"""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_tasks import M2M_CREDENTIAL
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import run_task


def main():
    run_task(M2M_CREDENTIAL)


if __name__ == "__main__":
    main()
