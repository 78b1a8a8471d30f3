#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: credential_fleet_check
short_description: Check the NetSuite credentials (TBA and M2M) stored in Vault for many accounts at once
version_added: 1.1.0
description:
  - Checks the stored credentials of every selected inventory host (one host per NetSuite
    account) on the controller, with bounded concurrency (a large fleet over several processes,
    O(processes)); one Vault read and the
    read-only NetSuite test per account (TBA one signed request, M2M a token request and then one
    request with the token; retries of 429, 5xx and timeouts come on top), the same check as
    M(netsuite_ops.credentials.credential_check) with O(netsuite_ops.credentials.credential_check#module:path),
    with the same options and limits.
  - Runs once, on the controller (an action plugin; nothing is sent to a target). Use it with
    C(run_once=true); it checks every host of O(hosts), not only the one it runs for.
  - Each host's settings are its variables C(netsuite_verify_path) (required), C(netsuite_verify_engine_mount_point),
    C(netsuite_verify_version), C(netsuite_verify_max_age_days), C(netsuite_verify_netsuite_url),
    C(netsuite_verify_netsuite_timeout), C(netsuite_verify_netsuite_validate_certs),
    C(netsuite_verify_min_certificate_days) (M2M only, fail when the certificate expires in fewer days),
    C(netsuite_verify_probes) (capability probes, a list as
    O(netsuite_ops.credentials.credential_check#module:probes); set it per host or per group)
    and C(netsuite_verify_vault)
    (a dict like the modules' C(vault) option; without it the task's own O(vault), which
    C(module_defaults) for C(group/netsuite_ops.credentials.vault) can set, and then the
    environment variables the modules read, E(VAULT_ADDR), E(VAULT_TOKEN) and the rest).
    Hosts may use different mounts and different Vault connections.
  - The former names of these variables, C(tba_verify_path) and the rest (C(tba_verify_) and the
    same suffix), keep working as a fallback; the C(netsuite_verify_) name wins when both are set,
    and a host where both are set to different values gets a warning naming both variables.
  - Capability probes run after the account's credentials authenticated, one after another inside
    the account's O(per_account_concurrency) slot on the shared connection, so they never add
    requests in flight to the account (an M2M account gets one access token for all its probes).
    The first failed probe fails the row (its name in the reason, its code in C(failure_code));
    each probe's outcome is in the row's C(probes), a line of the summary under the account, the
    report's C(probes) and a line of the account's JUnit test case (not a test case of its own, as the
    host is the unit an owner fixes and AWX slices, and the case count stays the inventory's).
    A host whose probes list is invalid gets a failed row (C(input:invalid)) naming the variable,
    C(<variable>[<i>].<field>) and the rule; the other hosts are checked.
  - Every account gives one row, whatever fails (a host without C(netsuite_verify_path), a Vault
    error, malformed data, a refusal by NetSuite); a failed row has a reason and a hint.
  - Never changes anything, in Vault or in NetSuite; C(changed) is always C(false). No secret
    appears in the result, the report or the JUnit file.
  - The C(netsuite_ops.credentials.verify) playbook is built on it.
author:
  - netsuite_ops.credentials contributors (@netsuite-ops)
requirements:
  - hvac >= 2.0.0
  - requests-oauthlib >= 1.3.1
extends_documentation_fragment:
  - netsuite_ops.credentials.vault_connection
  - netsuite_ops.credentials.attributes
  - netsuite_ops.credentials.attributes.action_group
attributes:
  check_mode:
    support: full
    details:
      - Read-only; runs the same way in check mode, and writes the report and JUnit file too.
  diff_mode:
    support: none
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
  bypass_host_loop:
    description: Forces a 'global' task that does not execute per host.
    support: none
    details:
      - Use C(run_once=true); one run checks every host of O(hosts).
options:
  hosts:
    description:
      - The inventory hosts to check, one per NetSuite account.
      - Defaults to every host of the play (C(ansible_play_hosts_all)), so C(--limit) selects them.
    type: list
    elements: str
  concurrency:
    description:
      - How many accounts are checked at the same time, at most (1 to 256).
      - Each one in flight is a Vault read (and a Vault connection) and then NetSuite requests; the
        default lets up to 64 Vault reads run at once. With NetSuite answering in about 300 ms,
        1000 accounts need at least 20 s at 16 and 5 s at 64. Lower it for a small Vault.
    type: int
    default: 64
  per_account_concurrency:
    description:
      - How many requests may be in flight to the same NetSuite account at the same time (1 to 256).
        NetSuite limits concurrent requests per account and answers 429 past the limit; other
        integrations share that limit.
    type: int
    default: 2
  processes:
    description:
      - How many processes check the accounts (1 to 64); O(concurrency) is shared among them.
      - One Python process checks about 100 accounts a second however many are in flight (its
        interpreter lock serializes the signing, the HTTP work and the scrubbing), so a large fleet
        is spread over worker processes forked from the task's process. Each account is checked
        once; the Vault logins happen once, before the fork; O(per_account_concurrency) holds
        across all of them; every row is scrubbed of every account's secrets.
      - Default (not set) one process per 100 accounts, up to the controller's CPU count and at most
        8. V(1) keeps the whole check in the task's process.
      - Where forking is not safe (the task's process runs other threads, or the platform has no
        C(fork)), the check stays in one process.
      - With several processes every Vault login (not token auth) happens first, before any account
        is checked, so a login that stalls delays the whole run by up to its timeout; in one process
        it delays only the accounts of that connection.
      - A worker that ends without its result (killed, out of memory) fails the rows of its accounts
        and of the workers stopped because of it (C(internal:worker_lost)); no row is ever missing.
    type: int
  report_path:
    description:
      - Write the JSON report (C(ok), C(failed), C(accounts)) to this file on the controller.
      - A relative path is relative to the directory C(ansible-playbook) was started in. A missing
        directory is made.
      - It must be a regular file or not exist yet. A symbolic link, a directory, a FIFO or a device
        is refused before any account is checked. The file is replaced at once (a new file with an
        unpredictable name in the same directory, then renamed).
    type: path
  junit_dir:
    description:
      - Write a JUnit XML file with one test case per account into this directory, named
        C(<playbook>-accounts-<time>.xml).
      - Defaults to E(JUNIT_OUTPUT_DIR) when it is set, else to C(~/.ansible.log) when the
        C(ansible.builtin.junit) callback is enabled; otherwise no file is written.
      - A relative path is relative to the directory C(ansible-playbook) was started in. A missing
        directory is made; the file is written like O(report_path).
      - E(JUNIT_TASK_CLASS), E(JUNIT_TASK_RELATIVE_PATH) and E(JUNIT_REPLACE_OUT_OF_TREE_PATH) shape
        the C(classname) as they do for the junit callback.
    type: path
  junit_test_case_name:
    description:
      - 'The task part of each test case name, C([<host>] <play name>: <junit_test_case_name>).'
      - The default keeps its name though M2M accounts are test cases too, because CI jobs filter on it.
    type: str
    default: TBA credential check
  fail_on_error:
    description:
      - Fail the task when any account failed. With V(false), a failed account only shows in the
        result (C(ok=false), C(failed_hosts)).
    type: bool
    default: true
notes:
  - The rows, the summary, the report and the JUnit file are built by the same code, so they
    always agree.
seealso:
  - module: netsuite_ops.credentials.credential_check
"""

EXAMPLES = r"""
- name: Check every account of the play, 64 at a time (the default)
  netsuite_ops.credentials.credential_fleet_check:
    report_path: verify-report.json
    fail_on_error: false
  run_once: true
  register: fleet

- name: Show the summary
  ansible.builtin.debug:
    msg: "{{ fleet.summary }}"
  run_once: true
"""

RETURN = r"""
ok:
  description: Whether every account passed.
  returned: always
  type: bool
failed_hosts:
  description: The hosts whose check failed, in inventory order.
  returned: always
  type: list
  elements: str
summary:
  description: The summary, one line per element (header, table, reasons, hints, warnings, last line).
  returned: always
  type: list
  elements: str
rows:
  description: One row per account, as in the JSON report.
  returned: always
  type: list
  elements: dict
  contains:
    host:
      description: The inventory host.
      type: str
    account:
      description: The account ID (realm form), when the stored one was read and valid.
      type: str
    environment:
      description: The account's environment.
      type: str
    mount:
      description: The KV v2 mount point.
      type: str
    path:
      description: The secret's path.
      type: str
    version:
      description: The KV version checked.
      type: int
    age_days:
      description: Its age in days.
      type: float
    ok:
      description: Whether the account passed.
      type: bool
    result:
      description: V(ok) or V(FAILED).
      type: str
    reason:
      description: Why it failed (empty when it passed).
      type: str
    hint:
      description: What to do about it (empty when it passed).
      type: str
    error_code:
      description: NetSuite's error code or the Vault error kind.
      type: str
    attempts:
      description:
        - HTTP requests sent to NetSuite for the account, retries included (M2M needs two, the
          token request and the test request).
      type: int
    retries:
      description: How many of the attempts repeated a request after a 429, a 5xx or a timeout.
      type: int
    failure_code:
      description: Why the account failed, as RV(netsuite_ops.credentials.credential_check#module:failure_code).
      type: str
    probes:
      description:
        - The outcome of each capability probe of C(netsuite_verify_probes), in declared order, as
          RV(netsuite_ops.credentials.credential_check#module:probes) (C(name), C(kind), C(ok), C(status),
          C(failure_code), C(reason)). Empty when none were set or none ran.
      type: list
      elements: dict
    warnings:
      description: Warnings about the account (clock skew, unverified TLS...).
      type: list
      elements: str
    seconds:
      description: How long the account's check took.
      type: float
report_path:
  description: The JSON report written, as an absolute path.
  returned: when O(report_path) is set
  type: str
junit_path:
  description: The JUnit file written.
  returned: when a JUnit directory is known
  type: str
processes:
  description:
    - How many processes checked the accounts (see O(processes)); 1 when the task's process
      checked them alone.
  returned: success
  type: int
  sample: 2
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VAULT_CONNECTION_ARGSPEC,
)


def main():
    module = AnsibleModule(argument_spec=dict(
        VAULT_CONNECTION_ARGSPEC,
        hosts=dict(type="list", elements="str"),
        concurrency=dict(type="int", default=64),
        per_account_concurrency=dict(type="int", default=2),
        processes=dict(type="int"),
        report_path=dict(type="path"),
        junit_dir=dict(type="path"),
        junit_test_case_name=dict(type="str", default="TBA credential check"),
        fail_on_error=dict(type="bool", default=True),
    ), supports_check_mode=True)
    module.fail_json(msg="netsuite_ops.credentials.credential_fleet_check runs on the controller only "
                         "(an action plugin); it cannot run as a module on a target.")


if __name__ == "__main__":
    main()
