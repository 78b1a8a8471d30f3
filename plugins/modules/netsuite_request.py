#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: netsuite_request
short_description: Call NetSuite's REST web services, SuiteQL or a RESTlet with credentials stored in Vault
version_added: 1.1.0
description:
  - Reads TBA or OAuth 2.0 M2M credentials from Vault (as stored by M(netsuite_ops.credentials.tba_credential)
    or M(netsuite_ops.credentials.m2m_credential)) and makes one request to the account's own NetSuite
    domains with them, so a playbook uses the credentials without ever holding them. TBA signs every
    attempt anew; M2M fetches one access token for the task and uses it for every page.
  - Give exactly one of O(url) (a REST web services path, or the RESTlet path), O(suiteql) (a query,
    paged until O(max_rows)) and O(restlet) (a deployment).
  - Every option is checked before anything is read from Vault, except the host of an absolute O(url),
    which is checked against the stored account before any NetSuite request. A bad option fails naming
    the option and the rule (C(failure_code=input:invalid)); nothing is sent.
  - A request only ever goes to the account's REST web services domain (C(<account>.suitetalk.api.netsuite.com))
    or RESTlet domain (C(<account>.restlets.api.netsuite.com)), or to O(netsuite_url) when it is given.
  - An answer other than 2xx fails in the collection's failure shape (C(failure_code=netsuite:<NetSuite's code>),
    C(reason), and a C(hint) naming what to check (the role's permission for the record type and method,
    SuiteAnalytics Workbook for SuiteQL, the RESTlet deployment's status and audience, the record ID)).
author:
  - netsuite_ops.credentials contributors (@netsuite-ops)
requirements:
  - hvac >= 2.0.0
  - requests
  - for M2M credentials, PyJWT and cryptography
extends_documentation_fragment:
  - netsuite_ops.credentials.kv2_path
  - netsuite_ops.credentials.netsuite_connection
  - netsuite_ops.credentials.vault_connection
  - netsuite_ops.credentials.attributes
  - netsuite_ops.credentials.attributes.action_group
  - netsuite_ops.credentials.attributes.controller
attributes:
  check_mode:
    support: full
    details:
      - Only GET and SuiteQL (which reads) are sent in check mode. POST, PUT, PATCH and DELETE are not
        sent (not even the M2M token request) and report C(changed=true) and C(sent=false).
  diff_mode:
    support: full
    details:
      - For a write, the diff shows the method, the URL and the top-level keys of O(body); never its
        values nor any header.
options:
  version:
    description:
      - The KV version holding the credentials. Defaults to the latest version.
    type: int
  method:
    description:
      - The HTTP method, one of C(GET), C(POST), C(PUT), C(PATCH) and C(DELETE) (any case).
      - Defaults to C(GET) for O(url) and O(restlet). A RESTlet takes C(GET), C(POST), C(PUT) and C(DELETE).
      - Not used with O(suiteql), which is always C(POST) with C(Prefer=transient) and only reads.
    type: str
  url:
    description:
      - A REST web services path such as C(/services/rest/record/v1/customer/107), with an optional query
        string, or the RESTlet path C(/app/site/hosting/restlet.nl).
      - A full URL is accepted only when its scheme, host and port are the account's own REST web services
        domain (for REST paths) or RESTlet domain (for the RESTlet path); any other host is refused.
      - No dot segments, encoded slashes, user information, fragments or control characters.
    type: str
  suiteql:
    description:
      - A SuiteQL query. It is sent as C(POST /services/rest/query/v1/suiteql) with the query as C(q) in a JSON body, paged
        by C(limit) and C(offset) while NetSuite answers C(hasMore), and the rows come back as RV(rows).
      - The page size is NetSuite's maximum, 1000, unless O(max_rows) is smaller.
    type: str
  restlet:
    description:
      - A RESTlet deployment, called on the account's RESTlet domain at C(/app/site/hosting/restlet.nl).
      - C(script) and C(deploy) are internal IDs (positive integers) or C(customscript...) and
        C(customdeploy...) IDs; C(params) is an optional mapping of query parameters (text, numbers, booleans).
    type: dict
  body:
    description:
      - The JSON body of a C(POST), C(PUT) or C(PATCH) (a mapping or a list; a string is sent as a JSON
        string), at most 10485760 characters as JSON. Refused with C(GET), C(DELETE) and O(suiteql).
    type: raw
  params:
    description:
      - Query parameters added to the request (for example C(limit), C(expandSubResources)), at most 50, each a
        name of letters, digits or C(_.-[]) and a text, number or boolean value. Not used with O(suiteql);
        C(script) and C(deploy) are set by O(restlet).
    type: dict
  max_rows:
    description:
      - The most SuiteQL rows to return, from 1 to 100000 (default 1000). Paging stops there and
        RV(truncated) says whether more rows were left.
      - Only with O(suiteql).
    type: int
notes:
  - Every NetSuite answer is capped at 16 MiB (16777216 bytes); a larger one fails with the transport's
    size failure. One SuiteQL page of 1000 rows of a wide table is a few MiB.
  - Only requests that may be sent twice are retried (GET, PUT, DELETE and SuiteQL), on 429, 5xx and timeouts,
    at most 3 attempts, honouring C(Retry-After). A C(POST) or C(PATCH) is sent once, whatever the answer;
    a 503 to a C(POST) may still have created the record.
  - The answer is the user's data and is returned as NetSuite sent it, with one exception. An answer that holds
    any credential, client assertion or access token of the task (a proxy or debug endpoint that echoes the
    request) is withheld whole (RV(withheld), and the task warns). Credentials, signatures,
    assertions and tokens never appear in results, warnings or diffs, at any verbosity.
  - In Vault only C(read) on the data path is needed (C(<mount>/data/<path>)).
  - The stored secret is read and judged as M(netsuite_ops.credentials.credential_check) does; missing or malformed
    credentials, and an expired M2M certificate, fail without a NetSuite request.
seealso:
  - module: netsuite_ops.credentials.credential_check
  - module: netsuite_ops.credentials.tba_credential
  - module: netsuite_ops.credentials.m2m_credential
"""

EXAMPLES = r"""
- name: Count the active customers before a deployment
  netsuite_ops.credentials.netsuite_request:
    path: netsuite/1234567/tba
    suiteql: SELECT COUNT(*) AS active FROM customer WHERE isinactive = 'F'
  register: active

- name: Read every subsidiary, at most 5000 rows
  netsuite_ops.credentials.netsuite_request:
    path: netsuite/1234567/m2m
    suiteql: SELECT id, name FROM subsidiary
    max_rows: 5000
  register: subsidiaries

- name: Read one customer record
  netsuite_ops.credentials.netsuite_request:
    path: netsuite/1234567/tba
    url: /services/rest/record/v1/customer/107
  register: customer

- name: Create a customer; the new record's ID comes from NetSuite's Location header
  netsuite_ops.credentials.netsuite_request:
    path: netsuite/1234567/tba
    method: POST
    url: /services/rest/record/v1/customer
    body:
      companyname: Example Co
      subsidiary:
        id: "1"
  register: created

- name: Update it
  netsuite_ops.credentials.netsuite_request:
    path: netsuite/1234567/tba
    method: PATCH
    url: /services/rest/record/v1/customer/{{ created.record_id }}
    body:
      comments: Synced by Ansible

- name: Call a RESTlet after a bootstrap
  netsuite_ops.credentials.netsuite_request:
    path: netsuite/1234567/m2m
    method: POST
    restlet:
      script: customscript_sync
      deploy: customdeploy_sync
      params:
        mode: full
    body:
      since: "2026-01-01"
"""

RETURN = r"""
status:
  description: The HTTP status of NetSuite's answer (of the last page for SuiteQL).
  returned: when NetSuite answered
  type: int
  sample: 200
json:
  description:
    - The answer's body, parsed; V(null) when it was empty (a 204 for a created, changed or deleted record)
      or not JSON (a RESTlet returning text, C(NaN) or C(Infinity), absurd nesting), with a warning in that case.
    - A body that held a credential, assertion or token of the task, in any spelling the collection decodes
      (escapes, base64, base32, hex, compressed, reversed, cut into pieces across keys), is replaced whole by
      a note.
  returned: when a request other than SuiteQL succeeded
  type: raw
rows:
  description:
    - The SuiteQL rows (NetSuite's C(items)), in order, without NetSuite's per-row C(links). Named C(rows),
      not C(items), because C(result.items) in Jinja is the dictionary method.
    - Empty when a page held a credential, assertion or token of the task (RV(withheld)).
  returned: when a SuiteQL query succeeded
  type: list
  elements: dict
withheld:
  description:
    - V(true) when NetSuite's answer held a credential, client assertion or access token of the task (something
      between the controller and NetSuite echoes requests); RV(json) is then a note and RV(rows) empty, and the
      task warns.
  returned: when an answer was withheld
  type: bool
total_results:
  description: NetSuite's C(totalResults) for the query (its first page), when it gave one.
  returned: when a SuiteQL query succeeded
  type: int
pages:
  description: How many SuiteQL pages were fetched.
  returned: for SuiteQL
  type: int
truncated:
  description: Whether the query had more rows than O(max_rows).
  returned: when a SuiteQL query succeeded
  type: bool
location:
  description: The C(Location) header of a created (or upserted) record, only when it is the account's own
    REST record service naming a record type and an internal ID, as NetSuite's is.
  returned: when NetSuite sent such a header
  type: str
  sample: https://1234567.suitetalk.api.netsuite.com/services/rest/record/v1/customer/10001
record_id:
  description: The new record's internal ID, from RV(location).
  returned: when RV(location) ends in an internal ID
  type: str
  sample: "10001"
sent:
  description: Whether the request was sent; V(false) for a write in check mode, or when the M2M login failed.
  returned: when the stored credentials were valid
  type: bool
attempts:
  description: HTTP requests sent to NetSuite, retries and the M2M token request included.
  returned: when the stored credentials were valid
  type: int
account:
  description: The account, normalized (C(realm), C(host_label), C(environment)), and the C(netsuite_url) used.
  returned: when the stored credentials could be read
  type: dict
auth_type:
  description: The kind of stored credentials, V(tba) or V(m2m).
  returned: when something was stored
  type: str
vault:
  description: Where the credentials live (C(mount), C(path), C(version), C(created_time), C(age_days)).
  returned: when Vault answered
  type: dict
reason:
  description: One line saying why the task failed.
  returned: on failure
  type: str
hint:
  description: What a person should check or do about it.
  returned: on failure
  type: str
failure_code:
  description:
    - Why the task failed, for programs; V(netsuite:<code>) for NetSuite's own code (for example
      V(netsuite:INSUFFICIENT_PERMISSION), V(netsuite:NONEXISTENT_ID)), V(input:invalid), V(stored:missing),
      V(stored:malformed), V(stored:certificate_expired) or V(vault:<kind>).
  returned: on failure
  type: str
  sample: netsuite:INSUFFICIENT_PERMISSION
vault_error:
  description: A machine-readable cause when Vault failed, for example V(permission_denied).
  returned: on a Vault failure
  type: str
"""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._request_tasks import NETSUITE_REQUEST
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import run_task


def main():
    run_task(NETSUITE_REQUEST)


if __name__ == "__main__":
    main()
