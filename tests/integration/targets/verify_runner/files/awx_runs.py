"""Run the verify playbook through ansible-runner as AWX runs a job template, unsliced and as K
job slices in parallel, and check what each job left behind.

    python awx_runs.py INTEGRATION_CONFIG WORK_DIR [SLICES]

Talks to the test bed's OpenBao (root token) and NetSuite emulator over HTTP, independent of the
code under test:
1. Setup: a read-only checker policy, an AppRole whose tokens get exactly that policy (on a mount
   of its own), one emulator account and one Vault secret per case below, fresh random secrets.
   The policy is checked through the server: its tokens may read the data paths and nothing else.
2. One unsliced job over every account, from a private data directory laid out as AWX lays it:
   inventory/hosts (an executable script printing the inventory as JSON), env/extravars (AWX's
   awx_* job variables, the report path templated from awx_job_id), env/envvars (what the AppRole
   credential type of docs/vault_auth.md injects, and JUNIT_OUTPUT_DIR), env/settings (AWX's:
   no TTY, suppress_ansible_output), env/cmdline (-vvvv), project/ with a playbook importing
   netsuite_ops.credentials.verify.
3. K slice jobs in parallel (slice i of K gets every K-th host from i, as AWX splits an
   inventory), each with a fresh, empty HOME.
Then: rc/status per job, the summary and the fleet task's rows in the job events, the JSON
reports and JUnit files; the merged slices give exactly the unsliced run's per-account results and
NetSuite requests; each slice's report, JUnit file and events name only its hosts; Vault is
unchanged and no login token is left. Writes WORK_DIR/leak_secrets.json and
WORK_DIR/leak_files.txt for the leak search (runme.sh), and WORK_DIR/timings.json.
"""
import collections
import glob
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

# host -> what goes into the emulator and Vault, and what the run must say about it. Names sort
# by their digits (AWX orders hosts by name in the database: no punctuation decides the order).
CASES = {
    "rnr01_good_production": dict(account_id="3100001", expect=dict(ok=True, environment="production")),
    "rnr02_missing_permission": dict(account_id="3100002_SB1", scenario={"missing_permission": "user_error"},
                                     expect=dict(ok=False, code="USER_ERROR")),
    # The tokens of rnr01's account, stored with another account's ID: NetSuite refuses them.
    "rnr03_wrong_account": dict(account_id="3100003", stored_account_id="3100001",
                                expect=dict(ok=False, code="INVALID_LOGIN")),
    "rnr04_good_sandbox": dict(account_id="3100004_SB2", expect=dict(ok=True, environment="sandbox")),
    "rnr05_revoked_token": dict(account_id="3100005", scenario={"revoked": True},
                                expect=dict(ok=False, code="INVALID_LOGIN", keyword="Login Audit Trail")),
    "rnr06_no_secret": dict(account_id="3100006", store=False, expect=dict(ok=False, keyword="No credentials stored")),
    "rnr07_good_release_preview": dict(account_id="3100007_RP", expect=dict(ok=True, environment="release_preview")),
    "rnr08_clock_skew_warning": dict(account_id="3100008", scenario={"clock_offset_seconds": 120},
                                     expect=dict(ok=True, warning="clock")),
    # Stored outside the paths the checker policy covers: Vault refuses the read.
    "rnr09_outside_policy": dict(account_id="3100009", prefix="other-team",
                                 expect=dict(ok=False, code="permission_denied")),
    "rnr10_good_test_drive": dict(account_id="TSTDRV3100010", expect=dict(ok=True, environment="test_drive")),
}
SECRET_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
FLEET_TASK = "Check the stored credentials of every account"
# What may differ between two runs of the same account: the secret's age and the time it took.
VOLATILE = ("age_days", "seconds")
PLAYBOOK = "nightly_verify.yml"
# docs/verify.md, "Job slicing": the slices' JSON reports merged into one.
DOCS_JQ_MERGE = "{ok: all(.[]; .ok), failed: (map(.failed) | add | sort), accounts: (map(.accounts) | add | sort_by(.host))}"


class Http:
    """JSON over HTTP without any proxy from the environment (loopback test servers only)."""

    def __init__(self, base, token=None):
        self.base, self.token = base, token
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __call__(self, method, path, body=None, token=None, ok=(200, 204)):
        headers = {"Content-Type": "application/json"}
        if token or self.token:
            headers["X-Vault-Token"] = token or self.token
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=30) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            with error:
                status, raw = error.code, error.read()
        if ok and status not in ok:
            # Never the body: it may quote a request.
            raise RuntimeError("%s %s answered %d" % (method, path.split("?")[0], status))
        return status, json.loads(raw) if raw.strip() else None


def fail(problems):
    for problem in problems:
        print("FAIL: " + problem)
    if problems:
        sys.exit(1)


# --- setup ----------------------------------------------------------------------------------

def checker_policy(prefix):
    # What docs/verify.md documents for a checker: read on the data paths, nothing else (the
    # data read returns the version's metadata and custom metadata too). revoke-self comes with
    # the default policy every login token keeps.
    return 'path "secret/data/%s/*" {\n  capabilities = ["read"]\n}\n' % prefix


def set_up(config, work):
    vault = Http(config["vault_url"] + "/v1/", config["vault_root_token"])
    emulator = Http(config["netsuite_url"] + "/__emulator/")
    run = secrets.token_hex(5)
    prefix, policy, mount = "netsuite-runner/%s" % run, "nso-checker-%s" % run, "approle-runner-%s" % run
    vault("PUT", "sys/policies/acl/" + policy, {"policy": checker_policy(prefix)})
    vault("POST", "sys/auth/" + mount, {"type": "approle"})
    vault("POST", "auth/%s/role/checker" % mount,
          {"token_policies": [policy], "token_ttl": "10m", "token_max_ttl": "30m", "secret_id_num_uses": 0})
    role_id = vault("GET", "auth/%s/role/checker/role-id" % mount)[1]["data"]["role_id"]
    secret_id = vault("POST", "auth/%s/role/checker/secret-id" % mount, {})[1]["data"]["secret_id"]

    hosts, leak = {}, {"approle.role_id": role_id, "approle.secret_id": secret_id}
    for name, case in CASES.items():
        values = {field: secrets.token_hex(32) for field in SECRET_FIELDS}
        emulator("POST", "accounts", dict(values, account_id=case["account_id"], scenario=case.get("scenario", {})))
        path = "%s/%s/%s" % (case.get("prefix", "netsuite-runner"), run, name)
        if case.get("store", True):
            vault("POST", "secret/data/" + path,
                  {"options": {"cas": 0}, "data": dict(values, account_id=case.get("stored_account_id", case["account_id"]))})
        hosts[name] = {"tba_verify_path": path}
        leak.update({"%s.%s" % (name, field): values[field] for field in SECRET_FIELDS})
    check_policy(vault, prefix, policy, mount)
    write_private(os.path.join(work, "leak_secrets.json"), json.dumps(
        {"vault_root_token": config["vault_root_token"], "netsuite_accounts": {}, "extra_secrets": leak}))
    return dict(vault=vault, emulator=emulator, prefix=prefix, policy=policy, mount=mount, hosts=hosts,
                env={"VAULT_ADDR": config["vault_url"], "NETSUITE_VAULT_MOUNT_POINT": mount,
                     "NETSUITE_VAULT_ROLE_ID": role_id, "NETSUITE_VAULT_SECRET_ID": secret_id},
                netsuite_url=config["netsuite_url"])


def check_policy(vault, prefix, policy, mount):
    """The checker's tokens get exactly the policy, and it allows reading the data paths only."""
    problems = []
    role = vault("GET", "auth/%s/role/checker" % mount)[1]["data"]
    if role["token_policies"] != [policy]:
        problems.append("the AppRole's token policies are %r" % role["token_policies"])
    token = vault("POST", "auth/token/create", {"policies": [policy], "no_default_policy": True, "ttl": "5m"})[1]
    token = token["auth"]["client_token"]
    try:
        expected = {"secret/data/%s/x" % prefix: ["read"], "secret/metadata/%s/x" % prefix: ["deny"],
                    "secret/data/other-team/x": ["deny"], "secret/delete/%s/x" % prefix: ["deny"],
                    "secret/destroy/%s/x" % prefix: ["deny"]}
        for path, capabilities in expected.items():
            got = vault("POST", "sys/capabilities", {"token": token, "paths": [path]})[1]["capabilities"]
            if sorted(got) != capabilities:
                problems.append("checker policy on %s: %r, expected %r" % (path, got, capabilities))
    finally:
        vault("POST", "auth/token/revoke", {"token": token})
    fail(problems)
    print("checker policy: read on secret/data/%s/* only (checked with sys/capabilities)" % prefix)


def write_private(path, text, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


# --- AWX's private data directory -----------------------------------------------------------

def awx_slice(names, slice_number, slice_count):
    # AWX, awx/main/models/inventory.py, Inventory.get_script_data() and get_sliced_hosts()
    # (ansible/awx e21dd0a0, 2024-10): the enabled hosts ordered by name, then, for slice_count > 1,
    # hosts[slice_number - 1::slice_count], slice_number counting from 1.
    hosts = sorted(names)
    return hosts[slice_number - 1::slice_count] if slice_count > 1 else hosts


def awx_inventory(bed, names):
    """The inventory as AWX's get_script_data() shapes it (groups, all.vars, _meta.hostvars)."""
    return {
        # Inventory variables: the AppRole login from the credential type's environment
        # (docs/vault_auth.md, AWX and AAP: AppRole from a custom credential type); url: VAULT_ADDR.
        "all": {"children": ["netsuite_accounts"], "vars": {"netsuite_vault": {
            "auth_method": "approle",
            "mount_point": "{{ lookup('ansible.builtin.env', 'NETSUITE_VAULT_MOUNT_POINT') | default('approle', true) }}",
            "role_id": "{{ lookup('ansible.builtin.env', 'NETSUITE_VAULT_ROLE_ID') }}",
            "secret_id": "{{ lookup('ansible.builtin.env', 'NETSUITE_VAULT_SECRET_ID') }}"}}},
        "netsuite_accounts": {"hosts": list(names), "vars": {
            "tba_verify_vault": "{{ netsuite_vault }}", "tba_verify_netsuite_url": bed["netsuite_url"]}},
        "_meta": {"hostvars": {name: bed["hosts"][name] for name in names}},
    }


def private_data_dir(work, bed, ident, names, job_vars, junit_dir):
    pdd = os.path.join(work, "jobs", ident)
    for sub in ("inventory", "env", "project"):
        os.makedirs(os.path.join(pdd, sub), mode=0o700)
    with open(os.path.join(pdd, "project", PLAYBOOK), "w") as handle:
        handle.write("---\n- name: Check the stored NetSuite credentials (AWX job template)\n"
                     "  ansible.builtin.import_playbook: netsuite_ops.credentials.verify\n")
    # As AWX writes it: an executable script that prints the JSON.
    write_private(os.path.join(pdd, "inventory", "hosts"),
                  "#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(%r)\n" % json.dumps(awx_inventory(bed, names)),
                  0o700)
    extravars = dict(job_vars, awx_job_template_name="NetSuite nightly credential check",
                     tba_verify_report_path=os.path.join(work, "reports", "verify-report-{{ awx_job_id }}.json"))
    write_private(os.path.join(pdd, "env", "extravars"), json.dumps(extravars))
    # ANSIBLE_INJECT_INVOCATION: the leak search must see module_args (a missing no_log shows).
    envvars = dict(bed["env"], JUNIT_OUTPUT_DIR=junit_dir, ANSIBLE_INJECT_INVOCATION="true")
    write_private(os.path.join(pdd, "env", "envvars"), json.dumps(envvars))
    # AWX's runner settings; the stdout file is kept (AWX drops it) so it can be searched too.
    write_private(os.path.join(pdd, "env", "settings"), json.dumps(
        {"job_timeout": 600, "suppress_ansible_output": True, "suppress_output_file": False}))
    write_private(os.path.join(pdd, "env", "cmdline"), "-vvvv")
    return pdd


def start_job(pdd, ident, home=None):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("VAULT_", "BAO_", "ANSIBLE_HASHI_VAULT_", "JUNIT_"))}
    if home:
        os.makedirs(home, mode=0o700)
        env["HOME"] = home
    log = open(os.path.join(os.path.dirname(os.path.dirname(pdd)), "runner-%s.log" % ident), "w")
    with log:
        return subprocess.Popen([sys.executable, "-m", "ansible_runner", "run", pdd, "-p", PLAYBOOK, "--ident", ident],
                                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)


# --- reading a job's artifacts --------------------------------------------------------------

def job_outcome(pdd, ident, process):
    runner_rc = process.wait()
    artifacts = os.path.join(pdd, "artifacts", ident)
    with open(os.path.join(artifacts, "rc")) as handle:
        rc = int(handle.read())
    with open(os.path.join(artifacts, "status")) as handle:
        status = handle.read().strip()
    events = []
    for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
        with open(path) as handle:
            events.append(json.load(handle))
    events.sort(key=lambda event: event["counter"])
    return dict(ident=ident, runner_rc=runner_rc, rc=rc, status=status, events=events, artifacts=artifacts)


def fleet_rows(job):
    """The rows of the fleet task's result as the job events carry them (what AWX shows)."""
    results = [event["event_data"]["res"] for event in job["events"]
               if event["event"] == "runner_on_ok" and event["event_data"].get("task") == FLEET_TASK]
    return results[0]["rows"] if len(results) == 1 else None


def junit_cases(path):
    cases = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        host = case.get("name", "").split("]", 1)[0].lstrip("[")
        failure = case.find("failure")
        cases[host] = None if failure is None else failure.get("message")
    return cases


def comparable(row):
    return {key: value for key, value in row.items() if key not in VOLATILE}


def check_job(job, names, report, junit):
    """One job: rc and status, its report, JUnit cases and events name exactly its hosts."""
    problems = []
    label = job["ident"]
    should_fail = any(not CASES[name]["expect"]["ok"] for name in names)
    want = (2, "failed") if should_fail else (0, "successful")
    if (job["rc"], job["status"]) != want or job["runner_rc"] != want[0]:
        problems.append("%s: rc %s, status %s (ansible-runner exited %s), expected %r"
                        % (label, job["rc"], job["status"], job["runner_rc"], want))
    hosts = sorted(names)
    if sorted(row["host"] for row in report["accounts"]) != hosts:
        problems.append("%s: the report names %r, expected %r" % (label, [r["host"] for r in report["accounts"]], hosts))
    if sorted(junit) != hosts:
        problems.append("%s: the JUnit file names %r, expected %r" % (label, sorted(junit), hosts))
    rows = fleet_rows(job)
    if rows is None or sorted(row["host"] for row in rows) != hosts:
        problems.append("%s: the job events do not hold the fleet task's rows for exactly its hosts" % label)
    summaries = [event for event in job["events"] if event["event"] == "runner_on_ok"
                 and event["event_data"].get("task") == "Summarize the accounts"]
    stdout = "\n".join(event.get("stdout", "") for event in job["events"])
    if len(summaries) != 1 or "NetSuite credentials in Vault: %d accounts" % len(hosts) not in stdout:
        problems.append("%s: the summary is not in the job's output exactly once" % label)
    for row in report["accounts"]:
        expect = CASES[row["host"]]["expect"]
        text = "%s %s" % (row["reason"], row["hint"])
        if (row["ok"] != expect["ok"]
                or ("code" in expect and row["error_code"] != expect["code"])
                or ("keyword" in expect and expect["keyword"] not in text)
                or ("environment" in expect and row["environment"] != expect["environment"])
                or ("warning" in expect) != bool(row["warnings"])
                or ("warning" in expect and not any(expect["warning"] in w for w in row["warnings"]))):
            problems.append("%s: unexpected row for %s: %s" % (label, row["host"], json.dumps(comparable(row))))
        if junit.get(row["host"], "") != (None if row["ok"] else
                                          "%s. Hint: %s" % (row["reason"].rstrip("."), row["hint"])):
            problems.append("%s: %s's JUnit case does not match its report row" % (label, row["host"]))
    if rows is not None and {r["host"]: r["ok"] for r in rows} != {r["host"]: r["ok"] for r in report["accounts"]}:
        problems.append("%s: the job events and the report disagree" % label)
    return problems


def read_json(path):
    with open(path) as handle:
        return json.load(handle)


# --- the runs -------------------------------------------------------------------------------

def emulator_requests(bed):
    return collections.Counter(entry["realm"] for entry in bed["emulator"]("GET", "requests")[1])


def vault_state(bed):
    state = {}
    for name, host in bed["hosts"].items():
        status, body = bed["vault"]("GET", "secret/metadata/" + host["tba_verify_path"], ok=(200, 404))
        keys = ("current_version", "updated_time", "custom_metadata")
        state[name] = (status, {key: body["data"][key] for key in keys} if status == 200 else None)
    return state


def live_checker_tokens(bed):
    """Tokens with the checker policy still alive: every login must have revoked its own."""
    accessors = bed["vault"]("LIST", "auth/token/accessors")[1]["data"]["keys"]
    live = 0
    for accessor in accessors:
        status, body = bed["vault"]("POST", "auth/token/lookup-accessor", {"accessor": accessor}, ok=None)
        if status == 200 and bed["policy"] in (body["data"].get("policies") or []):
            live += 1
    return live


def run_unsliced(work, bed, names):
    junit_dir = os.path.join(work, "junit-unsliced")
    pdd = private_data_dir(work, bed, "job-101", names, {"awx_job_id": 101}, junit_dir)
    started = time.monotonic()
    job = job_outcome(pdd, "job-101", start_job(pdd, "job-101"))
    seconds = time.monotonic() - started
    files = glob.glob(os.path.join(junit_dir, "verify-accounts-*.xml"))
    fail([] if len(files) == 1 else ["job-101: %d JUnit files of accounts, expected 1" % len(files)])
    report = read_json(os.path.join(work, "reports", "verify-report-101.json"))
    fail(check_job(job, names, report, junit_cases(files[0])))
    print("unsliced job: rc %d, status %s, %d accounts, %d failed, %.1f s"
          % (job["rc"], job["status"], len(report["accounts"]), len(report["failed"]), seconds))
    return job, report, files, seconds


def run_sliced(work, bed, names, count):
    junit_dir = os.path.join(work, "junit-sliced")  # one directory for all slices, as one JUNIT_OUTPUT_DIR
    slices, started = [], time.monotonic()
    for number in range(1, count + 1):
        ident = "job-%d" % (200 + number)
        hosts = awx_slice(names, number, count)
        job_vars = {"awx_job_id": 200 + number, "awx_workflow_job_id": 200,
                    "awx_workflow_job_name": "NetSuite nightly credential check"}
        pdd = private_data_dir(work, bed, ident, hosts, job_vars, junit_dir)
        # AWX on Kubernetes drops HOME from the job's environment: each slice gets an empty one.
        slices.append((hosts, pdd, ident, start_job(pdd, ident, home=os.path.join(work, "home-" + ident))))
    jobs = [(hosts, job_outcome(pdd, ident, process)) for hosts, pdd, ident, process in slices]
    seconds = time.monotonic() - started
    files = glob.glob(os.path.join(junit_dir, "verify-accounts-*.xml"))
    cases_by_file = [junit_cases(path) for path in files]
    problems, reports = [], []
    if len(files) != count:
        problems.append("%d JUnit files of accounts from %d slices" % (len(files), count))
    for hosts, job in jobs:
        report = read_json(os.path.join(work, "reports", "verify-report-%s.json" % job["ident"].split("-")[1]))
        mine = [cases for cases in cases_by_file if set(cases) & set(hosts)]
        if len(mine) != 1:
            problems.append("%s: its hosts are in %d JUnit files" % (job["ident"], len(mine)))
            continue
        problems += check_job(job, hosts, report, mine[0])
        reports.append(report)
        print("slice %s: hosts %s: rc %d, status %s" % (job["ident"], ",".join(hosts), job["rc"], job["status"]))
    fail(problems)
    return jobs, reports, files, seconds


def main(config_path, work, count="3"):
    count = int(count)
    config = read_json(config_path)
    for sub in ("jobs", "reports"):
        os.makedirs(os.path.join(work, sub))
    bed = set_up(config, work)
    names = list(CASES)
    if sorted(sum((awx_slice(names, n, count) for n in range(1, count + 1)), [])) != sorted(names):
        fail(["the slices do not cover every host exactly once"])
    before = vault_state(bed)

    bed["emulator"]("POST", "reset")
    job, report, junit_unsliced, unsliced_seconds = run_unsliced(work, bed, names)
    unsliced_requests = emulator_requests(bed)
    bed["emulator"]("POST", "reset")
    jobs, reports, junit_sliced, sliced_seconds = run_sliced(work, bed, names, count)
    sliced_requests = emulator_requests(bed)

    problems = []
    # Merged per account (never by position): exactly the unsliced results.
    whole = {row["host"]: comparable(row) for row in report["accounts"]}
    merged = {row["host"]: comparable(row) for part in reports for row in part["accounts"]}
    if sum(len(part["accounts"]) for part in reports) != len(names):
        problems.append("the slices' reports hold %d rows for %d accounts"
                        % (sum(len(part["accounts"]) for part in reports), len(names)))
    for host in sorted(set(whole) | set(merged)):
        if whole.get(host) != merged.get(host):
            problems.append("%s: sliced %s, unsliced %s" % (host, json.dumps(merged.get(host)), json.dumps(whole.get(host))))
    if sorted(sum((part["failed"] for part in reports), [])) != sorted(report["failed"]):
        problems.append("the slices failed %r, the unsliced job %r" % (
            sorted(sum((part["failed"] for part in reports), [])), report["failed"]))
    if shutil.which("jq"):
        merged_report = json.loads(subprocess.run(
            ["jq", "-s", DOCS_JQ_MERGE] + sorted(glob.glob(os.path.join(work, "reports", "verify-report-20*.json"))),
            check=True, capture_output=True, text=True).stdout)
        if ([comparable(row) for row in merged_report["accounts"]] != [whole[host] for host in sorted(whole)]
                or merged_report["failed"] != sorted(report["failed"]) or merged_report["ok"] != report["ok"]):
            problems.append("the guide's jq merge of the slices' reports differs from the unsliced report")
        print("the guide's jq merge of the %d slices' reports equals the unsliced report" % count)
    if unsliced_requests != sliced_requests:
        problems.append("NetSuite requests per account differ: sliced %r, unsliced %r"
                        % (dict(sliced_requests), dict(unsliced_requests)))
    if vault_state(bed) != before:
        problems.append("Vault metadata changed during the runs")
    live = live_checker_tokens(bed)
    if live:
        problems.append("%d checker login token(s) still alive after the jobs" % live)
    fail(problems)
    print("sliced (%d jobs in parallel): the same %d per-account results and NetSuite requests as one job; "
          "Vault unchanged, every login token revoked" % (count, len(names)))

    # Everything a job left behind, but ansible-runner's record of the job's environment
    # (artifacts/<ident>/command, mode 0600: the credential type's values are there by design,
    # as in env/envvars; AWX deletes the private data directory after the job).
    leak_files = list(junit_unsliced) + list(junit_sliced) + glob.glob(os.path.join(work, "reports", "*.json"))
    leak_files += glob.glob(os.path.join(work, "runner-*.log"))
    for one in [job] + [pair[1] for pair in jobs]:
        for directory, dummy, files in os.walk(one["artifacts"]):
            leak_files += [os.path.join(directory, name) for name in files if name != "command"]
        command = os.path.join(one["artifacts"], "command")
        if stat.S_IMODE(os.stat(command).st_mode) != 0o600:
            fail(["%s is readable by others" % command])
    write_private(os.path.join(work, "leak_files.txt"), "\n".join(sorted(leak_files)) + "\n")
    timings = {"accounts": len(names), "slices": count, "unsliced_job_seconds": round(unsliced_seconds, 1),
               "sliced_jobs_seconds": round(sliced_seconds, 1)}
    write_private(os.path.join(work, "timings.json"), json.dumps(timings))
    print("timings: %s" % json.dumps(timings))


if __name__ == "__main__":
    main(*sys.argv[1:])
