"""Leak hunt: every module, the role and both playbooks, on success and on failure paths, at
-vvvv with ANSIBLE_LOG_PATH, with the json and junit callbacks, in loops (with and without
loop_control.label), with --diff and --check. Then every file the suite's runs printed or wrote
(logs, Ansible's log, JUnit XML, JSON reports, runbooks; the other parts' outputs too, since this
part runs last) is searched for every secret and every 16-character slice of each, in every
spelling (leakcheck.py: raw, percent, JSON and HTML escapes, hex, base64 at every alignment, PEM
bodies; separators and case ignored). A hit names the secret's label, the file and the line.

Files the suite itself wrote to hold secrets (mode 0600 vars files in the work folder, the test
bed's state) are inputs, not outputs, and are left out of the search; the report says how many.
"""
import glob
import importlib.util
import json
import os
import stat

HERE = os.path.dirname(os.path.abspath(__file__))
LEAKCHECK = os.path.join(HERE, "..", "integration", "targets", "setup_testbed", "files", "leakcheck.py")

MODULES_PLAYBOOK = r"""
- name: Every module on its success and failure paths
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    good: "{{ netsuite_accounts.good_sandbox }}"
    revoked: "{{ netsuite_accounts.revoked }}"
    names: [good_production, good_release_preview, good_test_drive]
    base: reliability/leaks
  module_defaults:
    group/netsuite_ops.credentials.vault:
      vault:
        url: "{{ vault_url }}"
        token: "{{ vault_tokens['tba-writer'] }}"
      netsuite_url: "{{ netsuite_url }}"
  tasks:
    - name: Store (success)
      netsuite_ops.credentials.tba_credential: &good_store
        account_id: "{{ good.account_id }}"
        consumer_key: "{{ good.consumer_key }}"
        consumer_secret: "{{ good.consumer_secret }}"
        token_id: "{{ good.token_id }}"
        token_secret: "{{ good.token_secret }}"
        token_name: leak hunt
        path: "{{ base }}/good"
      register: r_store

    - name: Re-run (unchanged)
      netsuite_ops.credentials.tba_credential: *good_store
      register: r_rerun

    - name: Rotate to refused credentials (failure, nothing written)
      netsuite_ops.credentials.tba_credential:
        account_id: "{{ revoked.account_id }}"
        consumer_key: "{{ revoked.consumer_key }}"
        consumer_secret: "{{ revoked.consumer_secret }}"
        token_id: "{{ revoked.token_id }}"
        token_secret: "{{ revoked.token_secret }}"
        path: "{{ base }}/good"
      register: r_refused
      ignore_errors: true

    - name: Bad input (failure, offline)
      netsuite_ops.credentials.tba_credential:
        account_id: "{{ good.account_id }}"
        consumer_key: "{{ good.token_secret }}"
        consumer_secret: "{{ good.consumer_secret[:40] }} {{ good.consumer_secret[40:] }}"
        token_id: "{{ good.token_id[:63] }}"
        token_secret: "{{ good.token_secret }}"
        path: "{{ base }}/bad"
      register: r_bad
      ignore_errors: true

    - name: Read-only token (failure before NetSuite)
      netsuite_ops.credentials.tba_credential:
        <<: *good_store
        path: "{{ base }}/read_only"
        vault:
          url: "{{ vault_url }}"
          token: "{{ vault_tokens['tba-reader'] }}"
      register: r_read_only
      ignore_errors: true

    - name: Hostile server echoing the signed header (failure)
      netsuite_ops.credentials.tba_credential:
        <<: *good_store
        path: "{{ base }}/hostile"
        netsuite_url: "{{ hostile_netsuite_urls.text }}"
      register: r_hostile
      ignore_errors: true

    - name: Check stored credentials (success)
      netsuite_ops.credentials.credential_check:
        path: "{{ base }}/good"
      register: r_check

    - name: Check declared refused credentials (failure)
      netsuite_ops.credentials.credential_check:
        account_id: "{{ revoked.account_id }}"
        consumer_key: "{{ revoked.consumer_key }}"
        consumer_secret: "{{ revoked.consumer_secret }}"
        token_id: "{{ revoked.token_id }}"
        token_secret: "{{ revoked.token_secret }}"
      register: r_check_refused
      ignore_errors: true

    - name: Store several accounts, looping over names (no label)
      netsuite_ops.credentials.tba_credential:
        account_id: "{{ netsuite_accounts[item].account_id }}"
        consumer_key: "{{ netsuite_accounts[item].consumer_key }}"
        consumer_secret: "{{ netsuite_accounts[item].consumer_secret }}"
        token_id: "{{ netsuite_accounts[item].token_id }}"
        token_secret: "{{ netsuite_accounts[item].token_secret }}"
        path: "{{ base }}/{{ item }}"
      loop: "{{ names }}"
      register: r_loop

    - name: Check them, looping with a label
      netsuite_ops.credentials.credential_check:
        path: "{{ base }}/{{ item }}"
        fail_on_error: false  # in --check runs the loop above stored nothing new
      loop: "{{ names }}"
      loop_control:
        label: "{{ item | upper }}"
      register: r_loop_label

    - name: Remove one (state absent)
      netsuite_ops.credentials.tba_credential:
        path: "{{ base }}/good_test_drive"
        state: absent
      register: r_absent

    - name: Show every registered result (the leak hunt searches them)
      ansible.builtin.debug:
        msg: "{{ [r_store, r_rerun, r_refused, r_bad, r_read_only, r_hostile, r_check, r_check_refused, r_loop, r_loop_label, r_absent] }}"
"""

VERIFY_INVENTORY = """
all:
  children:
    netsuite_accounts:
      vars:
        tba_verify_netsuite_url: "{{ netsuite_url }}"
        tba_verify_vault:
          url: "{{ vault_url }}"
          token: "{{ vault_tokens['tba-reader'] }}"
      hosts:
        good_one: {tba_verify_path: reliability/leaks/good}
        good_two: {tba_verify_path: reliability/leaks/good_production}
        missing: {tba_verify_path: reliability/leaks/nothing_here}
        refused: {tba_verify_path: reliability/leaks/refused}
"""

BOOTSTRAP_INVENTORY = """
netsuite_accounts:
  vars:
    tba_bootstrap_netsuite_url: "{{ netsuite_url }}"
    tba_bootstrap_vault:
      url: "{{ vault_url }}"
      token: "{{ vault_tokens['tba-writer'] }}"
  hosts:
    leak_bootstrap:
      tba_bootstrap_account_id: "{{ netsuite_accounts.good_release_preview.account_id }}"
      tba_bootstrap_path: reliability/leaks/bootstrap
    leak_bootstrap_wrong:
      tba_bootstrap_account_id: "{{ netsuite_accounts.good_production.account_id }}"
      tba_bootstrap_path: reliability/leaks/bootstrap_wrong
      tba_bootstrap_credentials:
        consumer_key: "{{ netsuite_accounts.revoked.consumer_key }}"
        consumer_secret: "{{ netsuite_accounts.revoked.consumer_secret }}"
        token_id: "{{ netsuite_accounts.revoked.token_id }}"
        token_secret: "{{ netsuite_accounts.revoked.token_secret }}"
"""


def _leakcheck():
    spec = importlib.util.spec_from_file_location("leakcheck", LEAKCHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _expect(report, name, run, rcs, needles=()):
    missing = [needle for needle in needles if needle not in run.output]
    ok = run.rc in rcs and not missing
    observed = "exit %d%s" % (run.rc, "; output lacks %s" % missing if missing else "")
    report.add("leaks", name, "exit %s%s" % ("/".join(map(str, rcs)), " and output names %s" % list(needles) if needles else ""),
               observed, ok, run.seconds)


def _run_modules(bed, report):
    """Every run twice: in the controller's process (the action plugins) and as AnsiballZ
    modules (their fallback). Both must mask and scrub alike."""
    playbook = bed.write("leaks_modules.yml", MODULES_PLAYBOOK)
    for mode in ("controller", "module"):
        _run_modules_as(bed, report, playbook, mode)


def _run_modules_as(bed, report, playbook, mode):
    def env(**extra):
        return bed.env(NETSUITE_OPS_CREDENTIALS_EXECUTION=mode, **extra)

    log = bed.keep(os.path.join(bed.out, "leaks-ansible-%s.log" % mode))
    expected = ["Stored credentials at reliability/leaks/good",  # good_test_drive: stored anew each run
                "Permission denied", "not a NetSuite answer",
                "runs in the controller" if mode == "controller" else "not in the controller"]
    run = bed.playbook(playbook, env=env(ANSIBLE_LOG_PATH=log), label="leaks-modules-vvvv-%s" % mode)
    _expect(report, "%s: modules at -vvvv with ANSIBLE_LOG_PATH" % mode, run, (0,), expected)
    # ansible-core ships no stdout json callback (that is ansible.posix.json): results rendered as
    # JSON by the default callback, and the tree callback writing each host's results as JSON.
    tree = os.path.join(bed.out, "leaks-tree-%s" % mode)
    run = bed.playbook(playbook, env=env(ANSIBLE_CALLBACK_RESULT_FORMAT="json",
                                         ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.tree",
                                         ANSIBLE_CALLBACK_TREE_DIR=tree), verbosity="-v",
                       label="leaks-modules-json-%s" % mode)
    _expect(report, "%s: modules with JSON results and the tree callback" % mode, run, (0,), ["INVALID_LOGIN"])
    report.add("leaks", "%s: tree callback wrote JSON results" % mode, "at least one file",
               str(len(os.listdir(tree)) if os.path.isdir(tree) else 0), os.path.isdir(tree) and bool(os.listdir(tree)))
    junit = os.path.join(bed.out, "leaks-junit-modules-%s" % mode)
    run = bed.playbook(playbook, env=env(ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.junit",
                                         JUNIT_OUTPUT_DIR=junit, JUNIT_FAIL_ON_IGNORE="true"),
                       verbosity="-vvv", label="leaks-modules-junit-%s" % mode)
    _expect(report, "%s: modules with the junit callback" % mode, run, (0,))
    report.add("leaks", "%s: junit callback wrote its XML" % mode, "at least one file",
               str(len(glob.glob(junit + "/*.xml"))), bool(glob.glob(junit + "/*.xml")))
    run = bed.playbook(playbook, "--check", "--diff", env=env(), label="leaks-modules-check-diff-%s" % mode)
    _expect(report, "%s: modules with --check --diff" % mode, run, (0,), ["<added>", "(check mode)"])


def _run_verify(bed, report):
    refused = bed.state["netsuite_accounts"]["revoked"]
    bed.vault.kv2_write_raw("secret", "reliability/leaks/refused",
                            {key: refused[key] for key in ("account_id", "consumer_key", "consumer_secret",
                                                           "token_id", "token_secret")})
    inventory = bed.write("leaks_verify_inventory.yml", VERIFY_INVENTORY)
    junit = os.path.join(bed.out, "leaks-junit-verify")
    report_path = os.path.join(bed.out, "leaks-verify-report.json")
    env = bed.env(ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.junit", JUNIT_OUTPUT_DIR=junit,
                  ANSIBLE_LOG_PATH=bed.keep(os.path.join(bed.out, "leaks-verify-ansible.log")))
    run = bed.playbook("netsuite_ops.credentials.verify", "-i", inventory, "-e",
                       "tba_verify_report_path=%s" % report_path, env=env, label="leaks-verify")
    _expect(report, "verify playbook with failing accounts, JUnit and a JSON report", run, (2,),
            ["INVALID_LOGIN"])
    report.add("leaks", "verify wrote its JSON report", "a file", str(os.path.exists(report_path)),
               os.path.exists(report_path))
    if os.path.exists(report_path):
        bed.keep(report_path)


def _run_bootstrap(bed, report):
    inventory = bed.write("leaks_bootstrap_inventory.yml", BOOTSTRAP_INVENTORY)
    values = bed.state["netsuite_accounts"]["good_release_preview"]
    runbook = os.path.join(bed.out, "leaks-runbook.md")
    env = bed.env(CI="true", **{"NETSUITE_%s" % name.upper(): values[name]
                                for name in ("consumer_key", "consumer_secret", "token_id", "token_secret")})
    run = bed.playbook("netsuite_ops.credentials.bootstrap", "-i", inventory, "--limit", "leak_bootstrap",
                       "-e", "tba_bootstrap_runbook_path=%s" % runbook, env=env, label="leaks-bootstrap")
    _expect(report, "bootstrap role from the environment (success, runbook)", run, (0,), ["Bootstrapped"])
    run = bed.playbook("netsuite_ops.credentials.bootstrap", "-i", inventory, "--limit", "leak_bootstrap_wrong",
                       env=bed.env(CI="true"), label="leaks-bootstrap-wrong")
    _expect(report, "bootstrap role with refused values (failure)", run, (2,), ["was NOT bootstrapped"])
    report.add("leaks", "bootstrap wrote its runbook", "a file", str(os.path.exists(runbook)), os.path.exists(runbook))


def _is_secret_input(path, bed):
    """Vars files the suite wrote on purpose to hand secrets to playbooks (mode 0600)."""
    if os.path.realpath(path) == os.path.realpath(bed.state_file):
        return True
    return path.startswith(bed.work) and stat.S_IMODE(os.stat(path).st_mode) == 0o600


def _search(bed, report):
    leakcheck = _leakcheck()
    secrets = leakcheck.secret_values(bed.state)
    index = leakcheck.fragment_index(secrets)
    short = leakcheck.short_needles(index)
    # The search must be able to fail: slices of a secret in spellings a server may use are found
    # and named, and a clean line is not. (A slice is 16 letters and digits: the percent-encoded
    # plant is longer as written.)
    import base64
    from urllib.parse import quote
    canary = bed.state["awkward_credentials"]["consumer_key"]
    header = 'Authorization: OAuth oauth_consumer_key="%s", oauth_nonce="n"' % quote(canary, safe="")
    planted = {
        "percent-encoded slice": "... oauth_consumer_key=%s ..." % quote(canary, safe="")[3:35].upper(),
        "base64 of the header, offset 1": base64.b64encode(("x" + header).encode()).decode()[40:90],
        "groups of 4": " ".join(canary[i:i + 4] for i in range(7, 47, 4)),
    }
    for name, line in planted.items():
        found = leakcheck._hits_in_line(line, index, short)  # pylint: disable=protected-access
        report.add("leaks", "the search finds a planted %s" % name, "{'awkward.consumer_key'}",
                   str(found), found == {"awkward.consumer_key"})
    clean = leakcheck._hits_in_line("ok: [localhost] => (withheld: this text contained a secret)", index, short)  # pylint: disable=protected-access
    report.add("leaks", "the search passes a clean line", "set()", str(clean), clean == set())
    files, inputs = [], 0
    for root, _dirs, names in os.walk(bed.out):
        for name in names:
            path = os.path.join(root, name)
            if _is_secret_input(path, bed):
                inputs += 1
            elif os.path.isfile(path):
                files.append(path)
    hits, lines = [], 0
    for path in sorted(files):
        found, count = leakcheck.hits_in_file(path, index, short)
        lines += count
        hits += ["%s in %s %s" % (label, os.path.relpath(path, bed.out),
                                  "line %d" % number if number else "(spanning lines)") for label, number in found]
    report.count("secrets searched", len(secrets))
    report.count("spellings' slices searched", len(index))
    report.count("files searched", len(files))
    report.count("lines searched", lines)
    report.count("leak hits", len(hits))
    for hit in hits[:50]:
        print("LEAK: %s" % hit)
    report.add("leaks", "no secret (or 16-character slice of any spelling) in any output",
               "0 hits in every file the runs printed or wrote (%d secret inputs left out)" % inputs,
               "%d hits in %d lines of %d files%s" % (len(hits), lines, len(files),
                                                      ": " + "; ".join(hits[:5]) if hits else ""),
               not hits and lines > 0)


def run(bed, report):
    for step in (_run_modules, _run_verify, _run_bootstrap):
        step(bed, report)
    _search(bed, report)
    json.dumps(report.totals)  # the totals must stay serialisable
