#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: m2m_key_pair
short_description: Generate a NetSuite OAuth 2.0 M2M key pair in memory and keep the private key only in Vault
version_added: 1.1.0
description:
  - Generates a private key and a self-signed certificate that NetSuite accepts for the OAuth 2.0
    client credentials (M2M) grant (RSA 3072 or 4096 with an RSASSA-PSS signature, or EC P-256,
    P-384 or P-521; valid for up to two years), in memory.
  - Stores the pair at O(pending_path) in Vault, where it waits until the operator has uploaded the
    certificate to NetSuite and knows its certificate ID; then
    M(netsuite_ops.credentials.m2m_credential) with O(netsuite_ops.credentials.m2m_credential#module:use_pending_key=true)
    tests and stores it. The private key never touches a file.
  - Writes only the public certificate to O(certificate_file), for the upload.
  - Idempotent. A pending pair is reused (its certificate written again when the file is missing).
    When M2M credentials are already stored at O(path), nothing is generated unless O(rotate=true);
    their certificate is returned (and written to O(certificate_file)) instead.
author:
  - netsuite_ops.credentials contributors (@netsuite-ops)
requirements:
  - hvac >= 2.0.0
  - cryptography >= 41.0.0
extends_documentation_fragment:
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
      - Reports whether a key pair would be generated; generates, stores and writes nothing.
  diff_mode:
    support: none
options:
  account_id:
    description:
      - The NetSuite account ID the credentials are for, in any form people paste. Named in the
        certificate's subject.
    type: str
    required: true
  integration_name:
    description:
      - The integration record's name, for the certificate's subject (C(CN=<name> <realm>)).
      - Printable text without tabs or line breaks; the common name is at most 64 characters.
    type: str
  organization:
    description:
      - The organization (C(O=)) in the certificate's subject, 1 to 64 printable characters.
    type: str
  key_type:
    description:
      - The key to generate.
    type: str
    choices: [rsa3072, rsa4096, ec-p256, ec-p384, ec-p521]
    default: rsa3072
  valid_days:
    description:
      - Validity of the certificate, from 1 to 730 days (NetSuite cuts longer ones to two years).
    type: int
    default: 730
  certificate_file:
    description:
      - Where to write the public certificate (PEM) for the operator to upload, on the host that runs
        the task. The directory must exist.
      - A relative path is relative to the directory C(ansible-playbook) was started in, on both
        execution paths (the action plugin makes it absolute on the controller before the task runs).
      - It must be a regular file or not exist yet. A symbolic link (even to a regular file), a
        directory, a FIFO, a device, a socket or a path under C(/proc) or C(/sys) is refused before
        anything is generated or stored in Vault. The file is replaced at once (a new file with an
        unpredictable name in the same directory, then renamed), with mode C(0644).
    type: path
  rotate:
    description:
      - Generate a new key pair even though M2M credentials are stored at O(path). The stored ones
        stay in place (and keep working in NetSuite) until the new certificate ID is stored.
    type: bool
    default: false
notes:
  - "Vault permissions: C(read) on O(path); C(create), C(update), C(read) on the pending path's data
    and C(update) on its metadata."
seealso:
  - module: netsuite_ops.credentials.m2m_credential
"""

EXAMPLES = r"""
- name: Generate the key pair of a new M2M integration; write the certificate to upload
  netsuite_ops.credentials.m2m_key_pair:
    account_id: 1234567_SB1
    integration_name: erp-sync
    path: netsuite/1234567_SB1/m2m
    certificate_file: "{{ playbook_dir }}/netsuite-m2m-1234567_SB1.pem"
  delegate_to: localhost
  register: key_pair

- name: Rotate the key of working credentials
  netsuite_ops.credentials.m2m_key_pair:
    account_id: 1234567
    path: netsuite/1234567/m2m
    rotate: true
    certificate_file: /tmp/netsuite-m2m-1234567.pem
  delegate_to: localhost
"""

RETURN = r"""
generated:
  description: Whether this run generated a new key pair.
  returned: always
  type: bool
certificate:
  description: The certificate to upload (public), with its fingerprint, subject and validity.
  returned: on success
  type: dict
  sample: {pem: "-----BEGIN CERTIFICATE-----...", fingerprint_sha256: "3A:...:9F", subject: CN=erp-sync 1234567_SB1,
           not_before: "2026-12-01T10:00:00Z", not_after: "2028-11-30T10:00:00Z", days_left: 729,
           key_type: RSA 3072, account: 1234567_SB1}
certificate_file:
  description: The absolute path of the certificate file written.
  returned: when O(certificate_file) is set
  type: str
vault:
  description: The pending key pair's mount, path and version.
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
  description: Why the task failed, for programs.
  returned: on failure
  type: str
"""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_tasks import M2M_KEY_PAIR
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import run_task


def main():
    run_task(M2M_KEY_PAIR)


if __name__ == "__main__":
    main()
