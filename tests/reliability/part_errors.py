"""Errors from the transport and from values only the network layer, the certificate builder or
Vault's metadata limits would refuse (issue 15, rule 3, reproductions 1, 3 and 10).

Each must fail in the one failure shape (a vault: / netsuite: / input: code, a reason naming the
SETTING, a hint), never as internal:error "Unexpected ...", never showing the value; and must have
written nothing (checked at OpenBao with the root token) and sent nothing to NetSuite (the
emulator's request log). Every case runs on both execution paths: in the controller's process
(the action plugins) and as AnsiballZ modules.

Reproduction 1: HTTPS_PROXY holding a password and a port typo (80800). NetSuite is reached
through https://127.0.0.1 (the emulator's port) so the proxy applies to it; Vault stays on plain
http, which HTTPS_PROXY does not cover. The verify playbook (the fleet check) must name
HTTPS_PROXY in its summary and report rows and show the password nowhere.
"""
import json
import os
import secrets

PART = "errors"
MODES = ("controller", "module")
NO_BUG = ("Unexpected ", "This is a bug", "Traceback (most recent call last)", "MODULE FAILURE")

PLAYBOOK = r"""
- name: Transport errors and offline bounds
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    good: "{{ netsuite_accounts.good_production }}"
    m2m: "{{ m2m_accounts.ec256 }}"
  module_defaults:
    group/netsuite_ops.credentials.vault:
      vault:
        url: "{{ vault_url }}"
        token: "{{ vault_tokens['tba-writer'] }}"
  tasks:
    - name: credential_check of stored credentials through an unparsable HTTPS_PROXY
      netsuite_ops.credentials.credential_check:
        path: "{{ errors_base }}/stored"
        netsuite_url: "{{ errors_https_netsuite_url }}"
      register: r_connection_test
      ignore_errors: true

    - name: tba_credential of new credentials through an unparsable HTTPS_PROXY (nothing may be written)
      netsuite_ops.credentials.tba_credential:
        account_id: "{{ good.account_id }}"
        consumer_key: "{{ good.consumer_key }}"
        consumer_secret: "{{ good.consumer_secret }}"
        token_id: "{{ good.token_id }}"
        token_secret: "{{ good.token_secret }}"
        path: "{{ errors_base }}/new"
        netsuite_url: "{{ errors_https_netsuite_url }}"
      register: r_store
      ignore_errors: true

    - name: m2m_key_pair with a 60-character integration_name
      netsuite_ops.credentials.m2m_key_pair:
        account_id: "{{ m2m.account_id }}"
        path: "{{ errors_base }}/key_pair_long_name"
        integration_name: "{{ 'n' * 60 }}"
      register: r_key_long_name
      ignore_errors: true

    - name: m2m_key_pair with a tab in integration_name
      netsuite_ops.credentials.m2m_key_pair:
        account_id: "{{ m2m.account_id }}"
        path: "{{ errors_base }}/key_pair_tab"
        integration_name: "CI\tintegration"
      register: r_key_tab
      ignore_errors: true

    - name: m2m_key_pair with a 65-character organization
      netsuite_ops.credentials.m2m_key_pair:
        account_id: "{{ m2m.account_id }}"
        path: "{{ errors_base }}/key_pair_organization"
        organization: "{{ 'o' * 65 }}"
      register: r_key_organization
      ignore_errors: true

    - name: m2m_credential with an integration_name over Vault's 512-byte metadata limit
      netsuite_ops.credentials.m2m_credential:
        account_id: "{{ m2m.account_id }}"
        client_id: "{{ m2m.client_id }}"
        certificate_id: "{{ m2m.certificate_id }}"
        private_key: "{{ m2m.private_key }}"
        certificate: "{{ m2m.certificate }}"
        integration_name: "{{ 'i' * 513 }}"
        path: "{{ errors_base }}/m2m_long_name"
        netsuite_url: "{{ netsuite_url }}"
      register: r_m2m_long_name
      ignore_errors: true

    - name: Keep the registered results for the checks (no_log, they are parsed, not printed)
      ansible.builtin.copy:
        content: "{{ {'connection_test': r_connection_test, 'store': r_store, 'key_long_name': r_key_long_name,
                      'key_tab': r_key_tab, 'key_organization': r_key_organization,
                      'm2m_long_name': r_m2m_long_name} | to_json }}"
        dest: "{{ errors_results_file }}"
        mode: "0600"
      no_log: true
"""

VERIFY_INVENTORY = """
all:
  children:
    netsuite_accounts:
      vars:
        tba_verify_netsuite_url: "{{ errors_https_netsuite_url }}"
        tba_verify_vault:
          url: "{{ vault_url }}"
          token: "{{ vault_tokens['tba-reader'] }}"
      hosts:
        errors_stored_one: {tba_verify_path: reliability/errors/stored}
        errors_stored_two: {tba_verify_path: reliability/errors/stored}
"""

# (result key, expected failure_code, text the reason must hold, path that must stay empty)
EXPECTED = (
    ("connection_test", "netsuite:PROXY_ERROR", "HTTPS_PROXY", None),
    ("store", "netsuite:PROXY_ERROR", "HTTPS_PROXY", "new"),
    ("key_long_name", "input:invalid", "integration_name", "key_pair_long_name"),
    ("key_tab", "input:invalid", "integration_name", "key_pair_tab"),
    ("key_organization", "input:invalid", "organization", "key_pair_organization"),
    ("m2m_long_name", "input:invalid", "integration_name", "m2m_long_name"),
)


def _https(url):
    return "https://" + url.split("://", 1)[1]


def _paths_written(bed, base, leaf):
    """Every KV path under ``base/leaf`` (the pending pair of m2m_key_pair sits beside it)."""
    status, answer = bed.vault.request("LIST", "secret/metadata/%s" % base)
    keys = ((answer or {}).get("data") or {}).get("keys") or [] if status == 200 else []
    return [key for key in keys if key.rstrip("/").startswith(leaf)]


def _check_result(report, mode, key, result, code, needle, secret):
    text = json.dumps(result)
    reason = result.get("reason") or result.get("msg") or ""
    problems = []
    if not result.get("failed"):
        problems.append("did not fail")
    if result.get("failure_code") != code:
        problems.append("failure_code %s" % result.get("failure_code"))
    if needle not in reason:
        problems.append("reason lacks %s" % needle)
    if not result.get("hint"):
        problems.append("no hint")
    if any(marker in text for marker in NO_BUG):
        problems.append("reported as a bug")
    if secret in text:
        problems.append("shows the proxy password")
    report.add(PART, "%s: %s" % (mode, key), "%s, reason names %s, a hint, no value" % (code, needle),
               "; ".join(problems) or "as expected", not problems)


def _run_playbook(bed, report, mode, playbook, secret_proxy, secret):
    base = "reliability/errors/%s" % mode
    stored = bed.state["netsuite_accounts"]["good_production"]
    bed.vault.kv2_write_raw("secret", base + "/stored", {key: stored[key] for key in (
        "account_id", "consumer_key", "consumer_secret", "token_id", "token_secret")})
    results_file = os.path.join(bed.work, "errors-results-%s.json" % mode)
    before = bed.netsuite_requests()
    run = bed.playbook(playbook, "-e", "errors_base=%s" % base, "-e", "errors_results_file=%s" % results_file,
                       "-e", "errors_https_netsuite_url=%s" % _https(bed.state["netsuite_url"]),
                       env=bed.env(HTTPS_PROXY=secret_proxy, NETSUITE_OPS_CREDENTIALS_EXECUTION=mode),
                       label="errors-%s" % mode)
    sent = bed.netsuite_requests() - before
    report.add(PART, "%s: playbook ran" % mode, "exit 0 (failures ignored)", "exit %d" % run.rc, run.rc == 0, run.seconds)
    report.add(PART, "%s: no NetSuite request" % mode, "0 requests at the emulator", "%d" % sent, sent == 0)
    report.add(PART, "%s: proxy password in the -vvvv output" % mode, "absent",
               "present" if secret in run.output else "absent", secret not in run.output)
    results = {}
    if os.path.exists(results_file):
        with open(results_file) as handle:
            results = json.load(handle)
        os.unlink(results_file)
    for key, code, needle, leaf in EXPECTED:
        _check_result(report, mode, key, results.get(key) or {}, code, needle, secret)
        if leaf:
            written = _paths_written(bed, base, leaf)
            report.add(PART, "%s: %s wrote nothing" % (mode, key), "no path %s/%s*" % (base, leaf),
                       ", ".join(written) or "none", not written)
    report.count("error cases", len(EXPECTED))


def _run_verify(bed, report, mode, secret_proxy, secret):
    stored = bed.state["netsuite_accounts"]["good_production"]
    bed.vault.kv2_write_raw("secret", "reliability/errors/stored", {key: stored[key] for key in (
        "account_id", "consumer_key", "consumer_secret", "token_id", "token_secret")})
    inventory = bed.write("errors_verify_inventory.yml", VERIFY_INVENTORY)
    report_path = os.path.join(bed.out, "errors-verify-report-%s.json" % mode)
    before = bed.netsuite_requests()
    run = bed.playbook("netsuite_ops.credentials.verify", "-i", inventory, "-e", "tba_verify_report_path=%s" % report_path,
                       "-e", "errors_https_netsuite_url=%s" % _https(bed.state["netsuite_url"]),
                       env=bed.env(HTTPS_PROXY=secret_proxy, NETSUITE_OPS_CREDENTIALS_EXECUTION=mode),
                       label="errors-verify-%s" % mode)
    sent = bed.netsuite_requests() - before
    rows = []
    if os.path.exists(report_path):
        bed.keep(report_path)
        with open(report_path) as handle:
            text = handle.read()
        rows = json.loads(text).get("accounts") or json.loads(text).get("rows") or []
    else:
        text = ""
    codes = sorted({row.get("failure_code") for row in rows if isinstance(row, dict)})
    named = all("HTTPS_PROXY" in (row.get("reason") or "") for row in rows if isinstance(row, dict))
    report.add(PART, "%s: verify playbook through an unparsable HTTPS_PROXY" % mode,
               "exit 2, every row netsuite:PROXY_ERROR naming HTTPS_PROXY, summary names it",
               "exit %d, codes %s, rows name it: %s, summary names it: %s" % (
                   run.rc, codes, named, "HTTPS_PROXY" in run.output),
               run.rc == 2 and codes == ["netsuite:PROXY_ERROR"] and named and bool(rows)
               and "HTTPS_PROXY" in run.output, run.seconds)
    report.add(PART, "%s: verify shows no bug and no password" % mode, "no 'Unexpected', no password in output or report",
               "bug: %s, password: %s" % (any(marker in run.output for marker in NO_BUG),
                                          secret in run.output or secret in text),
               not any(marker in run.output for marker in NO_BUG) and secret not in run.output and secret not in text)
    report.add(PART, "%s: verify sent nothing to NetSuite" % mode, "0 requests", "%d" % sent, sent == 0)


def run(bed, report):
    secret = "pw-" + secrets.token_hex(12)
    bed.add_secret("errors.proxy_password", secret)
    secret_proxy = "http://ops:%s@proxy.example:80800" % secret
    playbook = bed.write("errors.yml", PLAYBOOK)
    for mode in MODES:
        _run_playbook(bed, report, mode, playbook, secret_proxy, secret)
        _run_verify(bed, report, mode, secret_proxy, secret)
