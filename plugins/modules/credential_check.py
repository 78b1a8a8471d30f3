#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: credential_check
short_description: Prove that stored or declared NetSuite credentials (TBA or OAuth 2.0 M2M) still authenticate
version_added: 1.0.0
description:
  - Formerly named C(tba_connection_test); that name still works (a redirect with a
    deprecation warning) and will be removed in 2.0.0.
  - Tests NetSuite TBA credentials with one signed, read-only request, the same test
    M(netsuite_ops.credentials.tba_credential) runs before storing.
  - The credentials come either from Vault (O(path), the usual case in CI) or from options
    (O(account_id) with the values of one kind). Give exactly one of O(path) and O(account_id).
  - With O(account_id), give either the four TBA values (O(consumer_key), O(consumer_secret),
    O(token_id), O(token_secret)) or the M2M values (O(client_id), O(certificate_id), O(private_key)
    and O(certificate), with O(private_key_passphrase) and O(algorithm) when needed), named and
    validated as M(netsuite_ops.credentials.m2m_credential) takes them. A mix of the two kinds, none,
    or a missing value of the kind given fails naming the options, before any request.
  - Declared M2M values are tested as stored ones are (a token request, the same read-only request,
    then O(probes)), so values can be proved before they are stored. Their certificate is judged by
    O(min_days_left) and O(fail_days_left), as M(netsuite_ops.credentials.m2m_credential) judges it.
  - Stored credentials must hold the keys C(account_id), C(consumer_key), C(consumer_secret),
    C(token_id) and C(token_secret); a missing key or a malformed value fails naming the key.
  - Stored OAuth 2.0 client credentials (M2M, written by M(netsuite_ops.credentials.m2m_credential))
    are tested too, with a token request and the same read-only request. They are told apart from
    TBA by their keys (C(client_id), C(certificate_id), C(private_key), C(certificate)) or the
    C(auth_type) custom metadata; the certificate's days left are reported and judged.
  - Never changes anything, in Vault or in NetSuite; C(changed) is always C(false).
author:
  - netsuite_ops.credentials contributors (@netsuite-ops)
requirements:
  - hvac >= 2.0.0 (for stored credentials)
  - requests
extends_documentation_fragment:
  - netsuite_ops.credentials.declared_credentials
  - netsuite_ops.credentials.m2m_credentials
  - netsuite_ops.credentials.netsuite_connection
  - netsuite_ops.credentials.vault_connection
  - netsuite_ops.credentials.attributes
  - netsuite_ops.credentials.attributes.action_group
  - netsuite_ops.credentials.attributes.controller
attributes:
  check_mode:
    support: full
    details:
      - Read-only; runs the same way in check mode.
  diff_mode:
    support: none
options:
  path:
    description:
      - The secret's path under O(engine_mount_point), for credentials stored in Vault.
    type: str
  account_id:
    description:
      - The NetSuite account ID of declared credentials, in any form people paste (C(1234567),
        C(1234567_SB1), C(1234567-sb1), or a NetSuite URL or host ending in C(.netsuite.com)).
      - Given with either the four TBA values or the M2M values (see the description above).
    type: str
  private_key:
    description:
      - With O(account_id), the M2M private key (PEM) that signs the client assertions, PKCS#8 or
        PKCS#1/SEC1, unencrypted or encrypted (then give O(private_key_passphrase)).
      - RSA of at least 3072 bits, or EC on P-256, P-384 or P-521, as NetSuite requires.
      - Kept in memory for the test only; it is masked, in every PEM form, wherever it would appear.
    type: str
  engine_mount_point:
    description:
      - The mount point of the KV version 2 secrets engine.
    type: str
    default: secret
  version:
    description:
      - The KV version to test. Defaults to the latest version.
    type: int
  max_age_days:
    description:
      - Fail when the tested KV version was created more than this many days ago (a rotation
        policy). The age is reported either way.
    type: int
  min_certificate_days:
    description:
      - For stored M2M credentials, fail when the certificate expires in fewer days than this, even
        though NetSuite still accepts it. An expired certificate always fails (without a request).
      - Ignored for TBA credentials. Declared M2M values use O(fail_days_left) instead.
    type: int
  probes:
    description:
      - Capability probes, run after the credentials authenticated, one after another, to prove
        that the integration's role may do its job. Each item is a dictionary with a unique
        C(name) (printable text, at most 64 characters) and exactly one of C(suiteql), C(record),
        C(restlet) and C(path); at most 20 probes.
      - 'C(suiteql: <query>): C(POST /services/rest/query/v1/suiteql?limit=1) with C(Prefer: transient)
        and the body C({"q": <query>}) (needs the role''s SuiteAnalytics Workbook permission).'
      - 'C(record: <type>), with an optional C(id): C(GET /services/rest/record/v1/<type>?limit=1), or
        C(/<type>/<id>) with C(id) (needs the record type''s permission at View).'
      - 'C(restlet: {script: <id>, deploy: <id>, params: {...}}): C(GET /app/site/hosting/restlet.nl?script=...&deploy=...)
        on the account''s RESTlet domain (the deployment must be released and open to the role).'
      - 'C(path: /services/rest/...): a C(GET) of any REST path of the account (a path, not a URL:
        the account''s own domain only).'
      - Read-only by construction. A C(GET), or SuiteQL's C(POST); a C(method), C(body), C(data) or
        C(json) key is refused, like an unknown kind, two kinds in one item, a URL on another host
        and a duplicate name. A bad item fails the task before Vault or NetSuite is contacted, naming
        C(probes[<i>].<field>) and the rule, never the value.
      - The first failed probe fails the check (RV(failure_code) V(netsuite:<NetSuite's code>), its name in
        C(msg) and RV(reason), a RV(hint) naming the permission, deployment or ID to check);
        C(connection.ok) still says only whether the credentials authenticated. Each probe's outcome
        is in RV(probes).
      - A probe's query, record type and IDs are not secret and may be shown.
      - The C(verify) playbook and M(netsuite_ops.credentials.credential_fleet_check) take the same list
        per host or group as the variable C(netsuite_verify_probes).
    type: list
    elements: dict
  require_writable:
    description:
      - When V(true) and the stored credentials fail the check (missing, malformed or refused),
        also check that the token may write O(path), and fail if it may not.
      - Meant for a bootstrap that is about to ask a person for new values, so that it learns
        first that it could not store them. Reads nothing more and writes nothing.
    type: bool
    default: false
  fail_on_error:
    description:
      - When V(false), a failed check does not fail the task. The result says C(ok=false) with a
        reason and a hint, so a playbook can aggregate many accounts.
      - Invalid options and an unreachable Vault still fail the task.
    type: bool
    default: true
notes:
  - The test is C(GET /services/rest/system/v1/serverTime), with one fallback to a read-only
    metadata-catalog request when that endpoint answers 404. Only 429, 5xx and timeouts are
    retried, at most 3 attempts.
  - The stored secret is read once, with the C(read) capability on the data path; nothing else
    is needed in Vault.
  - A stored value longer than its field allows (1024 characters for a TBA value or a client ID,
    16384 for a PEM, 128 for a certificate ID), or a secret holding more than 65536 characters in
    all, is refused from Vault's answer before anything parses it, naming the key and the limit
    (C(failure_code=stored:malformed)).
  - For stored M2M credentials, an access token longer than 16384 characters (NetSuite's are a
    few KB), or a token answer over 65536 bytes, is refused before it is used or sent
    (C(failure_code=netsuite:TOKEN_TOO_LARGE)).
seealso:
  - module: netsuite_ops.credentials.tba_credential
"""

EXAMPLES = r"""
- name: Check that the credentials stored for the sandbox still work
  netsuite_ops.credentials.credential_check:
    path: netsuite/1234567_SB1/tba
    max_age_days: 365

- name: Check many accounts without stopping at the first failure
  # The loop items are paths, not secrets: Ansible prints every item from -v up.
  netsuite_ops.credentials.credential_check:
    path: "{{ item }}"
    fail_on_error: false
  loop:
    - netsuite/1234567/tba
    - netsuite/1234567_SB1/tba
  register: checks

- name: Prove that the sync integration's role may still do its job
  netsuite_ops.credentials.credential_check:
    path: netsuite/1234567/tba
    probes:
      - name: subsidiaries
        suiteql: SELECT id FROM subsidiary
      - name: customers
        record: customer
      - name: sync restlet
        restlet:
          script: 123
          deploy: 1

- name: Check declared values before handing them to someone
  netsuite_ops.credentials.credential_check:
    account_id: "{{ netsuite_account_id }}"
    consumer_key: "{{ netsuite_consumer_key }}"
    consumer_secret: "{{ netsuite_consumer_secret }}"
    token_id: "{{ netsuite_token_id }}"
    token_secret: "{{ netsuite_token_secret }}"

- name: Test declared M2M values before storing them
  netsuite_ops.credentials.credential_check:
    account_id: "{{ netsuite_account_id }}"
    client_id: "{{ netsuite_client_id }}"
    certificate_id: "{{ netsuite_certificate_id }}"
    private_key: "{{ lookup('ansible.builtin.file', 'netsuite_m2m_key.pem') }}"
    certificate: "{{ lookup('ansible.builtin.file', 'netsuite_m2m_cert.pem') }}"
    scope: [rest_webservices, restlets]
    probes:
      - name: subsidiaries
        suiteql: SELECT id FROM subsidiary
"""

RETURN = r"""
ok:
  description: Whether the credentials passed every check (present, well-formed, young enough, accepted by NetSuite).
  returned: always
  type: bool
reason:
  description: One line saying why the check failed.
  returned: when ok is false
  type: str
hint:
  description: What a person should do about it.
  returned: when ok is false
  type: str
account:
  description: The account, normalized (C(realm), C(host_label), C(environment), C(netsuite_url)).
  returned: when the credentials could be read and validated
  type: dict
connection:
  description: The outcome of the NetSuite test, as returned by M(netsuite_ops.credentials.tba_credential).
  returned: always
  type: dict
vault:
  description: For stored credentials, where they live and how old they are.
  returned: when O(path) is given and Vault answered
  type: dict
  contains:
    mount:
      description: The KV v2 mount point.
      type: str
    path:
      description: The secret path.
      type: str
    version:
      description: The KV version that was tested.
      type: int
    created_time:
      description: When that version was written (RFC 3339).
      type: str
    age_days:
      description: Age of that version in days.
      type: float
auth_type:
  description: The kind of credentials tested, V(tba) or V(m2m).
  returned: when O(path) is given and something was stored, or declared values were valid
  type: str
certificate:
  description:
    - For M2M credentials, the certificate without the key (C(fingerprint_sha256), C(subject),
      C(not_before), C(not_after), C(days_left), C(key_type)).
  returned: when stored M2M credentials could be read, or declared M2M values were valid
  type: dict
failure_code:
  description:
    - Why the check failed, for programs, namespaced by where it was found; the same codes as
      RV(netsuite_ops.credentials.tba_credential#module:failure_code), here mostly V(stored:missing),
      V(stored:malformed), V(stored:too_old), V(stored:certificate_expired),
      V(stored:certificate_expiring), V(netsuite:<code>) and V(vault:<kind>).
  returned: when ok is false
  type: str
  sample: stored:too_old
probes:
  description:
    - The outcome of each capability probe of O(probes), in declared order. Empty when none were
      given, or when none ran (the credentials were missing, malformed or refused).
  returned: success and when the check failed
  type: list
  elements: dict
  contains:
    name:
      description: The probe's name.
      type: str
    kind:
      description: V(suiteql), V(record), V(restlet) or V(path).
      type: str
    ok:
      description: Whether NetSuite answered with a 2xx status.
      type: bool
    status:
      description: NetSuite's HTTP status; null when no answer came (a timeout, say).
      type: int
    failure_code:
      description: V(netsuite:<NetSuite's code>), for example V(netsuite:INSUFFICIENT_PERMISSION); null when it passed.
      type: str
    reason:
      description: What NetSuite said (its detail, through the untrusted-text rules); null when it passed.
      type: str
  sample:
    - {name: subsidiaries, kind: suiteql, ok: true, status: 200, failure_code: null, reason: null}
    - name: customers
      kind: record
      ok: false
      status: 403
      failure_code: netsuite:INSUFFICIENT_PERMISSION
      reason: "NetSuite refused the request (HTTP 403, INSUFFICIENT_PERMISSION): ..."
vault_error:
  description: A machine-readable cause when Vault failed, for example V(permission_denied).
  returned: on a Vault failure
  type: str
"""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._check_tasks import CREDENTIAL_CHECK
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import run_task


def main():
    run_task(CREDENTIAL_CHECK)


if __name__ == "__main__":
    main()
