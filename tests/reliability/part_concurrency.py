"""Concurrency: real, parallel ansible-playbook processes writing one Vault path.

Two scenarios, each repeated on fresh paths (ROUNDS times):

* 20 writers of 20 different credential sets. The NetSuite emulator keys accounts by realm and
  holds one token set per realm, so 20 different sets that NetSuite accepts are 20 accounts
  (realms): every writer has its own emulator account and keeps ``test_connection: true``, so
  the window between the module's read and its check-and-set write holds a real, signed NetSuite
  request (the emulator answers each account after 0, 0.25, 0.5 or 0.75 s, which spreads the
  windows). All 20 store into ONE path. Claims are checked against every KV version read with
  the root token: a run that reports a data write (``Stored credentials ...``, or the failure
  ``Another writer stored version N ... while this task wrote version M``) must find its set in
  exactly the version it names; the version count must equal the number of such runs; every
  other run must have failed with ``Another writer changed ... nothing was written`` and its set
  must be in no version.
* 20 writers of the same set (one emulator account, test connection on): exactly one new
  version, every run succeeds, exactly one reports the data write.

Each writer is its own ansible-playbook process; the secrets reach it through a mode 0600 vars
file keyed by writer name, the command line only names the writer. A start barrier (a shared
flock the part holds until all 20 processes have loaded the playbook) makes the module runs
start together instead of being spread by 20 Ansible start-ups on 2 cores. Odd rounds then
start writer i at i * 0.1 s after the signal (reads spread over 2 s, so several writes succeed
one after another), even rounds start all at once (nearly every read sees the same version).
The results come from the tree callback (ansible-core has no json stdout callback), one JSON
file per writer; the outputs are kept for the leak hunt.

A last case feeds the checks round 1's real evidence with one lie each (a loser claiming the
current version, a winner saying nothing was written, a missing version, a second writer in
the same-set round...) and requires every lie to be reported: the checks can fail.

The paths live on a KV v2 mount of this part with max_versions 100: the default (10) would
prune the oldest of up to 20 versions, and a pruned version would look like a lost write.

NSO_RELIABILITY_CONCURRENCY_ROUNDS=N overrides the number of rounds per scenario (default 5).
"""
import fcntl
import json
import os
import re
import secrets
import signal
import subprocess
import time

PART = "concurrency"
WRITERS = 20
ROUNDS = 5
MOUNT = "concurrency"
MAX_VERSIONS = 100
START_TIMEOUT = 240  # seconds for 20 processes to reach the barrier
RUN_TIMEOUT = 300  # seconds for all of them to finish after the start signal
SLOW_SECONDS = (0, 0.25, 0.5, 0.75)  # emulator answer delay, by writer index modulo 4
SAME_SET_SLOW_SECONDS = 0.5
STAGGER_SECONDS = 0.1  # odd rounds: writer i starts i * 0.1 s after the common start; even rounds: all at once
SECRET_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")

POLICY = """
path "%(mount)s/data/*" { capabilities = ["create", "update", "read"] }
path "%(mount)s/metadata/*" { capabilities = ["read", "update", "delete", "list"] }
""" % {"mount": MOUNT}

BARRIER = r'''"""Start barrier: say "ready", then wait for the shared lock the suite holds until all are ready."""
import fcntl, os, signal, sys
import time
directory, writer, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
signal.alarm(%d)
open(os.path.join(directory, "ready-" + writer), "w").close()
with open(os.path.join(directory, "lock")) as handle:
    fcntl.flock(handle, fcntl.LOCK_SH)
if not os.path.exists(os.path.join(directory, "go")):
    sys.exit("released without the start signal")
time.sleep(delay)  # staggered rounds: this writer's offset after the common start
sys.stdout.write("go")
''' % (START_TIMEOUT + 60)

PLAYBOOK = r"""
- name: One of many concurrent writers of one Vault path
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    mine: "{{ conc_sets[writer] }}"
    barrier: "{{ [ansible_playbook_python, conc_barrier_script, conc_barrier_dir, writer, conc_delays[writer]] | join(' ') }}"
  tasks:
    - name: Wait at the start barrier
      ansible.builtin.set_fact:
        conc_started: "{{ lookup('ansible.builtin.pipe', barrier) }}"

    - name: Store this writer's credentials (result)
      netsuite_ops.credentials.tba_credential:
        account_id: "{{ mine.account_id }}"
        consumer_key: "{{ mine.consumer_key }}"
        consumer_secret: "{{ mine.consumer_secret }}"
        token_id: "{{ mine.token_id }}"
        token_secret: "{{ mine.token_secret }}"
        token_name: "{{ conc_token_names[writer] }}"
        test_connection: true
        engine_mount_point: "{{ conc_mount }}"
        path: "{{ conc_path }}"
        netsuite_url: "{{ netsuite_url }}"
        vault:
          url: "{{ vault_url }}"
          token: "{{ conc_vault_token }}"
"""

STORED = re.compile(r"^Stored credentials at (\S+ \(mount \S+\)), version (\d+)$")
ALREADY = re.compile(r"^Credentials already stored at (\S+ \(mount \S+\)), version (\d+)$")
METADATA_ONLY = re.compile(r"^Updated custom metadata of (\S+ \(mount \S+\))$")
CONFLICT = re.compile(r"^Another writer changed (\S+ \(mount \S+\)) while this task ran, to version (\d+); nothing was written")
METADATA_RACE = re.compile(r"^Another writer stored version (\d+) of (\S+ \(mount \S+\)) while this task wrote version (\d+) "
                           r"and its custom metadata")


# --- set-up -----------------------------------------------------------------------------------

def _rounds():
    value = os.environ.get("NSO_RELIABILITY_CONCURRENCY_ROUNDS", "")
    return int(value) if value.isdigit() and int(value) > 0 else ROUNDS


def _prepare_vault(bed):
    bed.vault.enable_kv(MOUNT, version=2)
    bed.vault.api("POST", "%s/config" % MOUNT, {"max_versions": MAX_VERSIONS})
    bed.vault.put_policy("tba-writer-concurrency", POLICY)
    token = bed.vault.create_token(["tba-writer-concurrency"], ttl="2h")
    bed.add_secret("vault token tba-writer-concurrency", token)
    return token


def _stagger(number):
    return STAGGER_SECONDS if number % 2 else 0.0


def _start_mode(stagger):
    return "started %s s apart" % stagger if stagger else "started together"


def _writer_name(index):
    return "w%02d" % index


def _new_set(bed, label, account_id, slow_seconds):
    """A fresh credential set the emulator accepts (its own realm), registered for the leak hunt."""
    values = {name: secrets.token_hex(32) for name in SECRET_FIELDS}
    for name, value in values.items():
        bed.add_secret("%s.%s" % (label, name), value)
    bed.emulator.add_account(dict(values, account_id=account_id, scenario={"slow_seconds": slow_seconds}))
    return dict(values, account_id=account_id)


def _write_private(path, payload):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(payload, handle)
    os.chmod(path, 0o600)
    return path


# --- running 20 processes at once ------------------------------------------------------------

class Round:
    """One round: WRITERS ansible-playbook processes, started together, against one path."""

    def __init__(self, bed, name, path, sets, token_names, token, playbook, barrier_script, stagger):
        self.bed, self.name, self.path = bed, name, path
        self.sets, self.token_names = sets, token_names
        self.dir = os.path.join(bed.out, PART, name)
        self.barrier_dir = os.path.join(bed.work, "%s-%s-barrier" % (PART, name))
        os.makedirs(self.dir, exist_ok=True)
        os.makedirs(self.barrier_dir, exist_ok=True)
        self.vars_file = _write_private(os.path.join(bed.work, "%s-%s-vars.json" % (PART, name)), {
            "conc_sets": sets, "conc_token_names": token_names, "conc_vault_token": token,
            "conc_mount": MOUNT, "conc_path": path, "conc_barrier_dir": self.barrier_dir,
            "conc_barrier_script": barrier_script,
            "conc_delays": {writer: round(index * stagger, 2) for index, writer in enumerate(sorted(sets))}})
        self.playbook = playbook
        self.start_spread = None  # seconds between the first and the last process reaching the barrier
        self.ready = 0
        self.seconds = 0.0

    def run(self):
        started = time.monotonic()
        lock_path = os.path.join(self.barrier_dir, "lock")
        open(lock_path, "w").close()
        lock = open(lock_path)
        fcntl.flock(lock, fcntl.LOCK_EX)
        processes, logs = {}, {}
        try:
            for writer in sorted(self.sets):
                processes[writer], logs[writer] = self._start(writer)
            self._release_when_ready(processes)
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
            lock = None
            rcs = self._wait(processes)
        finally:
            if lock is not None:
                lock.close()
            for process in processes.values():
                if process.poll() is None:  # only our own process groups, by id
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            for handle in logs.values():
                handle.close()
        self.seconds = time.monotonic() - started
        return {writer: self._result(writer, rcs.get(writer)) for writer in sorted(self.sets)}

    def _start(self, writer):
        log_path = self.bed.keep(os.path.join(self.dir, "%s.log" % writer))
        handle = open(log_path, "w")
        env = self.bed.env(ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.tree",
                           ANSIBLE_CALLBACK_TREE_DIR=os.path.join(self.dir, "tree-%s" % writer))
        command = ["ansible-playbook", "-e", "@" + self.bed.state_file, "-e", "@" + self.vars_file,
                   "-e", "writer=%s" % writer, self.playbook]
        process = subprocess.Popen(command, cwd=self.bed.work, env=env, stdin=subprocess.DEVNULL,
                                   stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        return process, handle

    def _release_when_ready(self, processes):
        deadline = time.monotonic() + START_TIMEOUT
        first = None
        while time.monotonic() < deadline:
            ready = [name for name in os.listdir(self.barrier_dir) if name.startswith("ready-")]
            if ready and first is None:
                first = time.monotonic()
            if len(ready) == len(processes) or all(p.poll() is not None for p in processes.values()):
                break
            time.sleep(0.05)
        self.ready = len([name for name in os.listdir(self.barrier_dir) if name.startswith("ready-")])
        self.start_spread = round(time.monotonic() - first, 1) if first else None
        open(os.path.join(self.barrier_dir, "go"), "w").close()

    @staticmethod
    def _wait(processes):
        deadline = time.monotonic() + RUN_TIMEOUT
        rcs = {}
        while len(rcs) < len(processes) and time.monotonic() < deadline:
            for writer, process in processes.items():
                if writer not in rcs and process.poll() is not None:
                    rcs[writer] = process.returncode
            time.sleep(0.1)
        return rcs

    def _result(self, writer, rc):
        """What the run reported: rc, and the tba_credential result the tree callback wrote."""
        tree = os.path.join(self.dir, "tree-%s" % writer, "localhost")
        with open(os.path.join(self.dir, "%s.log" % writer), errors="replace") as handle:
            fatal = "fatal: [localhost]: FAILED!" in handle.read()
        result = None
        if os.path.exists(tree):
            self.bed.keep(tree)
            with open(tree) as handle:
                try:
                    result = json.load(handle)
                except ValueError:
                    result = None
        return classify(writer, rc, result, fatal)


def classify(writer, rc, result, fatal):
    """One run's claim, in the terms the checks use. kind: stored, metadata_race, conflict,
    unchanged, metadata_only, or other (anything else, which is always a failure).
    The tree callback leaves 'failed' out of the result it writes: the task failed when the log
    shows it failed ('fatal: [localhost]: FAILED!'), and the exit code must agree."""
    run = {"writer": writer, "rc": rc, "kind": "other", "version": None, "previous": None, "now": None,
           "changed": None, "failed": None, "msg": ""}
    if rc is None:
        run["msg"] = "did not finish within %d s" % RUN_TIMEOUT
        return run
    if not isinstance(result, dict) or "vault" not in result and "account" not in result:
        run["msg"] = "no tba_credential result (rc %s): %s" % (rc, str((result or {}).get("msg", ""))[:160])
        return run
    msg = str(result.get("msg", ""))
    vault = result.get("vault") or {}
    run.update(changed=bool(result.get("changed")), failed=bool(result.get("failed", fatal)), msg=msg[:200],
               previous=vault.get("previous_version"), version=vault.get("version"))
    failed, changed = run["failed"], run["changed"]
    if rc != (2 if failed else 0):
        run["msg"] = "exit %s does not match failed=%s: %s" % (rc, failed, msg[:160])
        return run
    match = STORED.match(msg)
    if match and changed and not failed and int(match.group(2)) == vault.get("version"):
        run["kind"] = "stored"
        return run
    match = METADATA_RACE.match(msg)
    if match and changed and failed:
        run.update(kind="metadata_race", version=int(match.group(3)), now=int(match.group(1)))
        return run
    match = CONFLICT.match(msg)
    if match and failed and not changed:
        run.update(kind="conflict", now=int(match.group(2)))
        return run
    match = ALREADY.match(msg)
    if match and not failed and not changed and int(match.group(2)) == vault.get("version"):
        run["kind"] = "unchanged"
        return run
    if METADATA_ONLY.match(msg) and changed and not failed:
        run["kind"] = "metadata_only"
        return run
    return run


# --- what Vault holds ---------------------------------------------------------------------------

def _vault_versions(bed, path):
    """(current_version, {version: data or None}, metadata) as the root token reads them."""
    metadata = bed.vault.kv2_metadata_raw(MOUNT, path)
    if not metadata:
        return 0, {}, {}
    block = metadata["data"]
    current = block["current_version"]
    versions = {}
    for number in range(1, current + 1):
        raw = bed.vault.kv2_read_raw(MOUNT, path, version=number)
        data_block = (raw or {}).get("data") or {}
        meta = data_block.get("metadata") or {}
        live = bool(data_block.get("data")) and not meta.get("deletion_time") and not meta.get("destroyed")
        versions[number] = data_block.get("data") if live else None
    return current, versions, block


def _owner(data, sets):
    """The writer whose set `data` is, or None."""
    for writer, values in sorted(sets.items()):
        if data == values:
            return writer
    return None


def _netsuite(bed, realms, expected_each):
    """(problems, total requests) from the emulator's own request log."""
    problems, total = [], 0
    for realm in sorted(realms):
        requests = bed.emulator.requests(realm)
        total += len(requests)
        statuses = [entry["status"] for entry in requests]
        if len(requests) != expected_each or any(status != 200 for status in statuses):
            problems.append("NetSuite account %s saw %d requests %s, expected %d answered 200"
                            % (realm, len(requests), statuses[:5], expected_each))
    return problems, total


def _barrier_problems(round_):
    if round_.ready == WRITERS:
        return []
    return ["only %d of %d processes reached the start barrier" % (round_.ready, WRITERS)]


def _problems_text(problems):
    return "; PROBLEMS: " + "; ".join(problems[:6]) if problems else ""


def _kinds(runs):
    counts = {}
    for run in runs.values():
        counts[run["kind"]] = counts.get(run["kind"], 0) + 1
    return ", ".join("%s %d" % item for item in sorted(counts.items()))


def _others(runs):
    return ["%s: %s" % (writer, run["msg"]) for writer, run in sorted(runs.items()) if run["kind"] == "other"]


# --- scenario 1: 20 different sets --------------------------------------------------------------

def check_different(runs, sets, token_names, current, versions, metadata):
    """Problems (an empty list when every claim holds) and a few numbers for the report."""
    problems = list(_others(runs))
    owners = {number: _owner(data, sets) for number, data in versions.items()}
    claims = {writer: run for writer, run in runs.items() if run["kind"] in ("stored", "metadata_race")}
    for number, data in sorted(versions.items()):
        if data is None:
            problems.append("version %d is deleted, destroyed or empty" % number)
        elif owners[number] is None:
            problems.append("version %d holds data of no writer" % number)
        elif owners[number] not in claims:
            problems.append("version %d holds %s's set but %s reported %s" % (
                number, owners[number], owners[number], runs[owners[number]]["kind"]))
    for writer, run in sorted(claims.items()):
        version = run["version"]
        if not isinstance(version, int) or owners.get(version) != writer:
            problems.append("%s reported writing version %s but that version holds %s" % (
                writer, version, owners.get(version) or "nothing"))
        if version != (run["previous"] or 0) + 1:
            problems.append("%s wrote version %s on top of version %s (check-and-set should give +1)"
                            % (writer, version, run["previous"]))
    if len(claims) != current:
        problems.append("%d runs reported a data write but the path has %d versions" % (len(claims), current))
    if len(set(run["version"] for run in claims.values())) != len(claims):
        problems.append("two runs reported the same version")
    for writer, run in sorted(runs.items()):
        if run["kind"] == "conflict":
            if writer in owners.values():
                problems.append("%s said nothing was written but its set is version %s" % (
                    writer, [n for n, o in owners.items() if o == writer]))
            if not 1 <= (run["now"] or 0) <= current:
                problems.append("%s named version %s, outside 1..%d" % (writer, run["now"], current))
        elif run["kind"] in ("unchanged", "metadata_only"):
            if owners.get(run["version"]) != writer:
                problems.append("%s reported success without a write, but version %s holds %s" % (
                    writer, run["version"], owners.get(run["version"]) or "nothing"))
    # Custom metadata has no check-and-set: it must describe the current version's writer, or
    # the writer it describes must have reported the metadata race.
    custom = metadata.get("custom_metadata") or {}
    current_owner = owners.get(current)
    meta_owner = next((w for w, name in token_names.items() if name == custom.get("token_name")), None)
    if custom.get("managed_by") != "netsuite_ops.credentials" or custom.get("environment") != "production":
        problems.append("custom metadata lacks managed_by/environment: keys %s" % sorted(custom))
    meta_note = "metadata describes the current version's writer"
    if current and meta_owner != current_owner:
        if meta_owner is not None and runs[meta_owner]["kind"] == "metadata_race":
            meta_note = "metadata describes %s, who reported the metadata race" % meta_owner
        else:
            problems.append("custom metadata names %s but version %d is %s's, and %s did not report it" % (
                meta_owner, current, current_owner, meta_owner))
    return problems, {"claims": len(claims), "meta_note": meta_note}


def run_different(bed, report, number, token, playbook, barrier):
    name = "r%d-different" % number
    path = "reliability/concurrency/%s" % name
    sets, token_names, realms = {}, {}, []
    for index in range(WRITERS):
        writer = _writer_name(index)
        realm = "41%02d%03d" % (number, index)
        slow = SLOW_SECONDS[index % len(SLOW_SECONDS)]
        sets[writer] = _new_set(bed, "concurrency %s %s" % (name, writer), realm, slow)
        token_names[writer] = "concurrency %s %s" % (name, writer)
        realms.append(realm)
    stagger = _stagger(number)
    round_ = Round(bed, name, path, sets, token_names, token, playbook, barrier, stagger)
    runs = round_.run()
    current, versions, metadata = _vault_versions(bed, path)
    problems, numbers = check_different(runs, sets, token_names, current, versions, metadata)
    netsuite_problems, requests = _netsuite(bed, realms, 1)
    problems += netsuite_problems + _barrier_problems(round_)
    report.count("concurrent writers", len(runs))
    report.count("versions", current)
    observed = ("%s; %d versions; %d runs claimed a data write; %s; %s; %d NetSuite requests for %d accounts; "
                "barrier reached by %d within %s s; round %.0f s%s"
                % (_start_mode(stagger), current, numbers["claims"], _kinds(runs), numbers["meta_note"],
                   requests, len(realms), round_.ready, round_.start_spread, round_.seconds,
                   _problems_text(problems)))
    report.add(PART, "round %d: 20 different sets" % number,
               "20 parallel ansible-playbook runs, each its own NetSuite account (tested), one path: every "
               "run that reports a data write finds its set in Vault as exactly the version it names "
               "(previous + 1); versions = such runs; every other run failed with the conflict message "
               "and its set is in no version; custom metadata describes the current writer or that "
               "race was reported", observed, not problems, round_.seconds)
    return runs, (sets, token_names, current, versions, metadata)


# --- scenario 2: 20 writers of the same set ---------------------------------------------------

def check_same(runs, values, token_name, current, versions, metadata):
    problems = list(_others(runs))
    failed = sorted(writer for writer, run in runs.items() if run["failed"] or run["kind"] == "other")
    if failed:
        problems.append("runs did not succeed: %s" % ", ".join(failed))
    if current != 1:
        problems.append("the path has %d versions, expected exactly 1" % current)
    if versions.get(1) != values:
        problems.append("version 1 does not hold the declared set")
    stored = sorted(writer for writer, run in runs.items() if run["kind"] == "stored")
    if len(stored) != 1:
        problems.append("%d runs reported the data write (%s), expected exactly 1"
                        % (len(stored), ", ".join(stored)))
    wrong = sorted(writer for writer, run in runs.items() if run["kind"] != "other" and run["version"] != 1)
    if wrong:
        problems.append("runs reported another version than 1: %s" % ", ".join(wrong))
    custom = metadata.get("custom_metadata") or {}
    expected = {"environment": "production", "managed_by": "netsuite_ops.credentials", "token_name": token_name,
                "auth_type": "tba"}
    if custom != expected:
        problems.append("custom metadata is %s, expected %s" % (sorted(custom), sorted(expected)))
    # A run whose read found nothing and that did not write went through the check-and-set
    # conflict and its re-read: the race was real.
    resolved = sum(1 for run in runs.values()
                   if run["kind"] in ("unchanged", "metadata_only") and run["previous"] is None)
    return problems, resolved


def run_same(bed, report, number, token, playbook, barrier):
    name = "r%d-same" % number
    path = "reliability/concurrency/%s" % name
    realm = "42%02d000" % number
    values = _new_set(bed, "concurrency %s" % name, realm, SAME_SET_SLOW_SECONDS)
    sets = {_writer_name(index): values for index in range(WRITERS)}
    token_name = "concurrency %s" % name
    token_names = {writer: token_name for writer in sets}
    stagger = _stagger(number)
    round_ = Round(bed, name, path, sets, token_names, token, playbook, barrier, stagger)
    runs = round_.run()
    current, versions, metadata = _vault_versions(bed, path)
    problems, resolved = check_same(runs, values, token_name, current, versions, metadata)
    netsuite_problems, requests = _netsuite(bed, [realm], WRITERS)
    problems += netsuite_problems + _barrier_problems(round_)
    report.count("concurrent writers", len(runs))
    report.count("versions", current)
    succeeded = sum(1 for run in runs.values() if run["failed"] is False and run["kind"] != "other")
    observed = ("%s; %d version(s); %d/%d runs succeeded; %s; %d resolved a check-and-set conflict by "
                "re-reading; %d NetSuite requests; barrier reached by %d within %s s; round %.0f s%s"
                % (_start_mode(stagger), current, succeeded, len(runs), _kinds(runs), resolved, requests,
                   round_.ready, round_.start_spread, round_.seconds, _problems_text(problems)))
    report.add(PART, "round %d: 20 writers of the same set" % number,
               "20 parallel runs of one set (tested): exactly 1 version holding it, every run succeeds, "
               "exactly one reports the data write, all report version 1, NetSuite asked once per run",
               observed, not problems, round_.seconds)
    return runs, resolved, (values, token_name, current, versions, metadata)


# --- the checks themselves -------------------------------------------------------------------

def _tampered(runs, writer, **changes):
    copy = {name: dict(run) for name, run in runs.items()}
    copy[writer].update(changes)
    return copy


def checks_can_fail(report, runs, different, same_runs, same):
    """Feed the checks round 1's real evidence with one lie each: every lie must be caught."""
    sets, token_names, current, versions, metadata = different
    lies = {}
    loser = next((w for w, r in sorted(runs.items()) if r["kind"] == "conflict"), None)
    winner = next((w for w, r in sorted(runs.items()) if r["kind"] == "stored"), None)
    if loser:
        lies["a conflict loser claims the current version"] = (
            _tampered(runs, loser, kind="stored", version=current, previous=current - 1), versions)
    if winner:
        lies["a writer whose set is stored says nothing was written"] = (
            _tampered(runs, winner, kind="conflict", now=current), versions)
        lies["a stored version is gone"] = (runs, {n: (None if n == runs[winner]["version"] else d)
                                                   for n, d in versions.items()})
    caught = {name: bool(check_different(lies_runs, sets, token_names, current, lies_versions, metadata)[0])
              for name, (lies_runs, lies_versions) in lies.items()}
    values, token_name, same_current, same_versions, same_metadata = same
    other = sorted(same_runs)[-1]
    same_lies = {
        "two runs claim the data write": (_tampered(same_runs, other, kind="stored", changed=True), same_current),
        "one same-set run failed": (_tampered(same_runs, other, failed=True), same_current),
        "the path has 2 versions": (same_runs, 2),
    }
    for name, (lies_runs, lies_current) in same_lies.items():
        caught["same set: " + name] = bool(check_same(lies_runs, values, token_name, lies_current, same_versions,
                                                      same_metadata)[0])
    missed = sorted(name for name, ok in caught.items() if not ok)
    report.add(PART, "the checks catch false claims",
               "round 1's real evidence with one lie each (%d lies): every lie reported as a problem" % len(caught),
               "%d of %d lies caught%s" % (len(caught) - len(missed), len(caught),
                                           "; missed: " + ", ".join(missed) if missed else ""),
               len(caught) >= 5 and not missed)


# --- the part ---------------------------------------------------------------------------------

def run(bed, report):
    started = time.monotonic()
    token = _prepare_vault(bed)
    playbook = bed.write("concurrency_writer.yml", PLAYBOOK)
    barrier = bed.write("concurrency_barrier.py", BARRIER)
    rounds = _rounds()
    races_different = races_same = 0
    for number in range(1, rounds + 1):
        runs, different = run_different(bed, report, number, token, playbook, barrier)
        races_different += sum(1 for run_ in runs.values() if run_["kind"] in ("conflict", "metadata_race"))
        same_runs, resolved, same = run_same(bed, report, number, token, playbook, barrier)
        races_same += resolved
        if number == 1:
            checks_can_fail(report, runs, different, same_runs, same)
    # A concurrency test in which no writer ever lost a race has tested nothing.
    report.add(PART, "races really happened",
               "at least one lost race over the %d different-set rounds and at least one resolved "
               "same-set conflict over the %d same-set rounds" % (rounds, rounds),
               "%d runs lost a race (different sets); %d runs resolved a conflict (same set); %d rounds, "
               "%d ansible-playbook runs, %.0f s"
               % (races_different, races_same, 2 * rounds, 2 * rounds * WRITERS, time.monotonic() - started),
               races_different > 0 and races_same > 0)
