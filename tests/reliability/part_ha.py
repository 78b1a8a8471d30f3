"""HA failover and a Vault killed mid-run: real OpenBao servers from the `bao` binary, not -dev.

1. A 3-node OpenBao Raft cluster on 127.0.0.1, .2 and .3 (tests/support/openbao_cluster.py).
   - tba_credential pointed at a standby stores, re-runs unchanged, and credential_check reads.
   - 30-account store run through a standby; the leader is SIGKILLed once about a third is stored.
     Every account ends stored (exactly its declared data, also in every version) or cleanly
     failed (one line, a vault_error kind, no traceback); the run does not hang (vault.timeout 5).
   - A few accounts pointed at the killed leader fail cleanly ('unreachable') and write nothing.
   - A re-run after the election stores the rest; accounts already stored get zero new versions.
   - The killed node restarts, is unsealed and rejoins as a standby voter.
   - playbooks/verify.yml over the 30 accounts, the (new) leader SIGKILLed mid-run: every account
     ok or cleanly failed, nothing written; a re-run is all ok.
2. One persistent single-node server, SIGKILLed in the middle of a 30-account store run and
   restarted (then unsealed) while the run goes on; a re-run converges.

Every Vault check goes through a node with the root token; NetSuite counts through the emulator.
Takes about 2 minutes on 2 cores when run alone (cluster start ~13 s, then 9 ansible-playbook runs).

What OpenBao 2.7 does here (seen, not assumed): standbys are "read-enabled": they answer reads from
their own Raft copy (eventually consistent, so a read right after a write may be stale) and
forward writes to the active node over the cluster port. While the leader is dead and no new one
is elected, a standby answers writes with a 307 to the old leader's api_addr, which the client
follows: those failures name the killed leader's address, not vault.url.
"""
import json
import os
import secrets
import shutil
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from support.openbao_cluster import OpenBaoPersistentNode, OpenBaoRaftCluster  # noqa: E402
from support.testbed import POLICIES  # noqa: E402

PART = "ha"
COUNT = 30
KILL_AFTER = 10  # about a third of the accounts
VAULT_TIMEOUT = 5
SECRET_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
VAULT_ERROR_KINDS = {"unreachable", "sealed", "tls", "permission_denied", "auth_failed", "missing_mount",
                     "kv_v1_mount", "cas_conflict", "invalid_request", "server_error"}
MOUNT = "secret"
# A run of 30 accounts may take ~1-2 s per account; a hang would hit vault.timeout many times.
RUN_BOUND = 240

STORE_PLAYBOOK = """---
# Store accounts ha_indices of ha_accounts (a 0600 vars file) at ha_prefix/<index>. The loop
# goes over indices, never over items holding secrets; every result is recorded to ha_record.
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Store one account
      netsuite_ops.credentials.tba_credential:
        account_id: "{{ ha_accounts[idx].account_id }}"
        consumer_key: "{{ ha_accounts[idx].consumer_key }}"
        consumer_secret: "{{ ha_accounts[idx].consumer_secret }}"
        token_id: "{{ ha_accounts[idx].token_id }}"
        token_secret: "{{ ha_accounts[idx].token_secret }}"
        path: "{{ ha_prefix }}/{{ idx }}"
        netsuite_url: "{{ netsuite_url }}"
        vault:
          url: "{{ ha_vault_url }}"
          token: "{{ ha_vault_token }}"
          timeout: {timeout}
      loop: "{{ ha_indices }}"
      loop_control:
        loop_var: idx
        pause: "{{ ha_pause | default(0) }}"
      register: stored
      ignore_errors: true

    - name: Record each account's result
      ansible.builtin.copy:
        dest: "{{ ha_record }}"
        mode: "0600"
        content: "{{ stored.results | to_nice_json }}"
""".replace("{timeout}", str(VAULT_TIMEOUT))

STANDBY_PLAYBOOK = """---
# One account through a standby node: store, store again (unchanged), then a read-only check.
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    ha_vault:
      url: "{{ ha_vault_url }}"
      token: "{{ ha_vault_token }}"
      timeout: {timeout}
  tasks:
    - name: Store through the standby
      netsuite_ops.credentials.tba_credential: &store
        account_id: "{{ ha_accounts[0].account_id }}"
        consumer_key: "{{ ha_accounts[0].consumer_key }}"
        consumer_secret: "{{ ha_accounts[0].consumer_secret }}"
        token_id: "{{ ha_accounts[0].token_id }}"
        token_secret: "{{ ha_accounts[0].token_secret }}"
        path: "{{ ha_prefix }}/0"
        netsuite_url: "{{ netsuite_url }}"
        vault: "{{ ha_vault }}"
      register: first
      ignore_errors: true

    - name: Store again through the standby
      netsuite_ops.credentials.tba_credential: *store
      register: second
      ignore_errors: true

    - name: Check through the standby
      netsuite_ops.credentials.credential_check:
        path: "{{ ha_prefix }}/0"
        netsuite_url: "{{ netsuite_url }}"
        vault: "{{ ha_vault }}"
      register: check
      ignore_errors: true

    - name: Record the results
      ansible.builtin.copy:
        dest: "{{ ha_record }}"
        mode: "0600"
        content: "{{ [first, second, check] | to_nice_json }}"
""".replace("{timeout}", str(VAULT_TIMEOUT))


class _HA:
    def __init__(self, bed, report):
        self.bed = bed
        self.report = report
        self.store_playbook = bed.write("ha-store.yml", STORE_PLAYBOOK)
        self.standby_playbook = bed.write("ha-standby.yml", STANDBY_PLAYBOOK)
        self.verify_playbook = os.path.join(os.path.dirname(os.path.dirname(HERE)), "playbooks", "verify.yml")

    # --- bookkeeping ---

    def add(self, name, expected, observed, ok, started=None):
        seconds = time.monotonic() - started if started is not None else 0.0
        return self.report.add(PART, name, expected, observed, ok, seconds)

    def private(self, name, data):
        """A JSON vars file only we may read (it holds credentials or a token)."""
        path = os.path.join(self.bed.work, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)
        return path

    def make_accounts(self, label, first_id, count):
        """`count` fresh accounts, known to the emulator as good ones; secrets registered."""
        accounts = []
        for index in range(count):
            account = {"account_id": str(first_id + index)}
            account.update((name, secrets.token_hex(32)) for name in SECRET_FIELDS)
            for name in SECRET_FIELDS:
                self.bed.add_secret("%s.%d.%s" % (label, index, name), account[name])
            self.bed.emulator.add_account(dict(account, scenario={}))
            accounts.append(account)
        self.report.count("ha accounts", count)
        return accounts

    def vars_file(self, name, accounts, token):
        return self.private(name, {"ha_accounts": accounts, "ha_vault_token": token})

    def store_run(self, label, vars_path, url, prefix, indices, record, background=False, pause=0):
        """Run the store playbook; returns (thread, holder) when background, else the Run.
        ``pause``: seconds between accounts, so a run outlasts a restart however fast each is."""
        args = ["-e", "@" + vars_path, "-e", json.dumps({
            "ha_vault_url": url, "ha_prefix": prefix, "ha_indices": list(indices), "ha_record": record,
            "ha_pause": pause})]
        if os.path.exists(record):
            os.unlink(record)
        if not background:
            return self.playbook(self.store_playbook, *args, label=label)
        holder = {}
        thread = threading.Thread(target=lambda: holder.update(run=self.playbook(
            self.store_playbook, *args, label=label)), daemon=True)
        thread.start()
        return thread, holder

    def results(self, record):
        """{index: result} from the record file, or None when the run did not write it."""
        if not os.path.exists(record):
            return None
        self.bed.keep(record)
        with open(record) as handle:
            return {int(result["idx"]): result for result in json.load(handle)}

    def playbook(self, playbook, *args, label):
        # Pipelining: one process per module run instead of five (mkdir, put, chmod, run, rm).
        return self.bed.playbook(playbook, *args, label=label, timeout=RUN_BOUND,
                                 env=self.bed.env(ANSIBLE_PIPELINING="true"))

    # --- checks through the server ---

    @staticmethod
    def stored_count(node, prefix):
        status, body = node.request("GET", "%s/metadata/%s" % (MOUNT, prefix), query={"list": "true"}, timeout=3)
        return len(body["data"]["keys"]) if status == 200 else 0

    def vault_state(self, node, prefix, accounts):
        """{index: (current_version, [data of every version], custom metadata)}, root token."""
        state = {}
        for index in range(len(accounts)):
            path = "%s/%d" % (prefix, index)
            metadata = node.kv2_metadata_raw(MOUNT, path)
            if metadata is None:
                state[index] = (None, [], {})
                continue
            current = metadata["data"]["current_version"]
            versions = []
            for version in range(1, current + 1):
                raw = node.kv2_read_raw(MOUNT, path, version=version)
                versions.append(((raw or {}).get("data") or {}).get("data"))
                self.report.count("versions checked")
            state[index] = (current, versions, metadata["data"].get("custom_metadata") or {})
        return state

    @staticmethod
    def clean_failure(result):
        """A failure a person can act on: one line, a Vault error kind, no traceback."""
        msg = str(result.get("msg", ""))
        # ansible-core (2.19+) sets exception to "(traceback unavailable)" on every failed result
        # whose module sent none; a real one holds a Python traceback.
        exception = str(result.get("exception") or "")
        return bool(result.get("failed") and result.get("vault_error") in VAULT_ERROR_KINDS
                    and msg.startswith("Vault: ") and "\n" not in msg and "Traceback" not in msg
                    and "Traceback" not in exception and 'File "' not in exception
                    and not any(key in result for key in ("module_stderr", "module_stdout")))

    def judge_mid_run(self, results, state, accounts):
        """Every account done (its data stored, as the version the module reported) or cleanly
        failed; no version anywhere holds data other than the declared set. Returns
        (problems, done, failed, failed_but_stored, kinds)."""
        problems, done, failed, failed_stored, kinds = [], [], [], [], {}
        for index, account in enumerate(accounts):
            version, versions, _custom = state[index]
            bad = [number + 1 for number, data in enumerate(versions) if data != account]
            if bad:
                problems.append("%d: version(s) %s differ from the declared data" % (index, bad))
            result = (results or {}).get(index)
            if result is None:
                problems.append("%d: no result recorded" % index)
            elif not result.get("failed"):
                reported = (result.get("vault") or {}).get("version")
                if version is None or reported != version or not versions or versions[-1] != account:
                    problems.append("%d: reported stored as version %s, Vault has %s" % (index, reported, version))
                done.append(index)
            elif self.clean_failure(result):
                failed.append(index)
                kinds[result["vault_error"]] = kinds.get(result["vault_error"], 0) + 1
                if version is not None:
                    failed_stored.append(index)
            else:
                problems.append("%d: unclean failure: vault_error=%s keys=%s msg=%r" % (
                    index, result.get("vault_error"), sorted(set(result) & {"exception", "module_stderr"}),
                    str(result.get("msg", ""))[:160]))
        return problems, done, failed, failed_stored, kinds

    def judge_rerun(self, results, before, after, accounts):
        """Every account stored; those stored before got zero new versions, and said unchanged
        unless the first run was cut off between the data write and the custom metadata write
        (then the re-run completes the metadata: 'Updated custom metadata', still no new version)."""
        problems, kept, stored_now, completed = [], 0, 0, 0
        for index, account in enumerate(accounts):
            old, new = before[index][0], after[index][0]
            result = (results or {}).get(index) or {"failed": True, "msg": "no result recorded"}
            if result.get("failed"):
                problems.append("%d: failed: %s" % (index, str(result.get("msg", ""))[:160]))
                continue
            if not after[index][1] or after[index][1][-1] != account:
                problems.append("%d: latest version is not the declared data" % index)
            if any(data != account for data in after[index][1]):
                problems.append("%d: some version differs from the declared data" % index)
            if not (after[index][2] or {}).get("managed_by"):
                problems.append("%d: custom metadata missing after the re-run" % index)
            if old is not None:
                metadata_was_cut_off = not (before[index][2] or {}).get("managed_by")
                changed_ok = not result.get("changed") or (
                    metadata_was_cut_off and str(result.get("msg", "")).startswith("Updated custom metadata"))
                if new != old or not changed_ok:
                    problems.append("%d: was version %s, now %s (changed=%s, metadata before %s)"
                                    % (index, old, new, result.get("changed"), sorted(before[index][2] or {})))
                kept += 1
                completed += bool(result.get("changed"))
            else:
                if new != 1 or not result.get("changed"):
                    problems.append("%d: not stored before, now version %s (changed=%s)"
                                    % (index, new, result.get("changed")))
                stored_now += 1
        return problems, kept, stored_now, completed

    @staticmethod
    def no_traceback(run):
        return "Traceback (most recent call last)" not in run.output

    # --- the kill switch ---

    def kill_when(self, predicate, victim, thread, timeout=RUN_BOUND, after_kill=None):
        """Poll until predicate() is true while the run goes on, then SIGKILL the victim node.
        Returns (what the predicate saw, seconds into the run) or (None, None) when the run
        ended first."""
        started = time.monotonic()
        while thread.is_alive() and time.monotonic() - started < timeout:
            seen = predicate()
            if seen:
                victim.stop(signal.SIGKILL)
                if after_kill:
                    after_kill()
                return seen, round(time.monotonic() - started, 1)
            time.sleep(0.25)
        return None, None

    # --- cases ---

    def cluster_up(self, cluster, started):
        roles = cluster.roles()
        voters = cluster.raft_voters(cluster.leader() or cluster.nodes[0])
        hosts = sorted(node.host for node in cluster.nodes)
        ok = (sorted(roles.values()) == ["active", "standby", "standby"] and sum(voters.values()) == 3
              and hosts == ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
        self.add("3-node Raft cluster started from the bao binary",
                 "bao server -config (raft storage) on 127.0.0.1/.2/.3: initialised, unsealed, joined; "
                 "one active, two standbys, three Raft voters",
                 "roles %s, voters %s, hosts %s, ready in %.1f s"
                 % (roles, voters, hosts, time.monotonic() - started), ok, started)
        return ok

    def standby_case(self, cluster, token):
        started = time.monotonic()
        leader, standby = cluster.leader(), cluster.standbys()[0]
        accounts = self.make_accounts("ha.standby", 7303001, 1)
        vars_path = self.vars_file("ha-standby-vars.json", accounts, token)
        record = os.path.join(self.bed.work, "ha-standby-record.json")
        run = self.playbook(self.standby_playbook, "-e", "@" + vars_path, "-e", json.dumps({
            "ha_vault_url": standby.url, "ha_prefix": "ha/standby", "ha_record": record}), label="ha-standby")
        still_standby = standby.role() == "standby" and cluster.leader() is leader
        first = second = check = {}
        if os.path.exists(record):
            self.bed.keep(record)
            with open(record) as handle:
                first, second, check = json.load(handle)
        version, versions, _custom = self.vault_state(leader, "ha/standby", accounts)[0]
        custom = ((leader.kv2_metadata_raw(MOUNT, "ha/standby/0") or {}).get("data") or {}).get("custom_metadata") or {}
        log_has_forward = _log_mentions(standby.log_path, "read-enabled standby")
        ok = (run.rc == 0 and still_standby and not first.get("failed") and first.get("changed")
              and (first.get("vault") or {}).get("version") == 1 and not first.get("warnings")
              and custom.get("managed_by") == "netsuite_ops.credentials"
              and not second.get("failed") and not second.get("changed")
              and (second.get("vault") or {}).get("version") == 1
              and not check.get("failed") and check.get("ok") is True
              and version == 1 and versions == [accounts[0]])
        self.add("module pointed at a standby node",
                 "store through a standby succeeds without warnings (the standby forwards writes to the "
                 "active node), a second run is unchanged (version 1), credential_check reads through "
                 "it; the leader (root token) holds exactly the declared data as version 1 and the custom "
                 "metadata",
                 "rc %d; %s stayed standby: %s; store: failed=%s changed=%s version=%s warnings=%s; leader "
                 "custom_metadata managed_by=%s; again: failed=%s "
                 "changed=%s version=%s; check: ok=%s; leader sees version %s, data %s; standby log says "
                 "'read-enabled standby': %s%s"
                 % (run.rc, standby.node_id, still_standby, first.get("failed"), first.get("changed"),
                    (first.get("vault") or {}).get("version"), first.get("warnings"), custom.get("managed_by"),
                    second.get("failed"), second.get("changed"),
                    (second.get("vault") or {}).get("version"), check.get("ok"), version,
                    "as declared" if versions == [accounts[0]] else "DIFFERENT",
                    log_has_forward, _failure_excerpt(first, second, check)), ok, started)

    def failover_store(self, cluster, token):
        """The store run with the leader killed mid-run; then the killed leader's URL, the re-run,
        the rejoin. Returns the accounts (for the verify run) and the killed node."""
        started = time.monotonic()
        accounts = self.make_accounts("ha.failover", 7301001, COUNT)
        vars_path = self.vars_file("ha-failover-vars.json", accounts, token)
        record = os.path.join(self.bed.work, "ha-failover-record.json")
        rerun_record = os.path.join(self.bed.work, "ha-failover-rerun-record.json")
        leader = cluster.leader()
        target, watcher = [node for node in cluster.nodes if node is not leader]
        emulator_before = sum(self.bed.netsuite_requests(account["account_id"]) for account in accounts)
        thread, holder = self.store_run("ha-failover-store", vars_path, target.url, "ha/store", range(COUNT),
                                        record, background=True)
        seen, kill_at = self.kill_when(
            lambda: _at_least(self.stored_count(watcher, "ha/store"), KILL_AFTER), leader, thread)
        election_started = time.monotonic()
        new_leader = None
        try:
            new_leader = cluster.wait_new_leader(leader, timeout=60)
        except RuntimeError:
            pass
        election = round(time.monotonic() - election_started, 1)
        thread.join(RUN_BOUND + 30)
        run = holder.get("run")
        results = self.results(record)
        state = self.vault_state(new_leader or watcher, "ha/store", accounts)
        problems, done, failed, failed_stored, kinds = self.judge_mid_run(results, state, accounts)
        ok = (run is not None and run.rc != 124 and seen is not None and new_leader is not None
              and not problems and len(done) + len(failed) == COUNT and self.no_traceback(run))
        # During the election the standby answers writes with a 307 to the old leader's api_addr,
        # which the client follows: such failures name the killed leader, not vault.url.
        redirected = sum(1 for index in failed if leader.url in str(results[index].get("msg", "")))
        self.add("leader killed mid-run: 30-account store",
                 "leader SIGKILLed once ~1/3 is stored; the run (vault.url = a surviving node, timeout %d s) "
                 "ends without hanging; each account stored exactly as declared (as the version the module "
                 "reported) or failed in one line with a vault_error kind; no version holds other data"
                 % VAULT_TIMEOUT,
                 "killed %s at %s s, when %s accounts were stored; new leader %s after %s s; run rc %s in %s s; "
                 "%d done, %d cleanly failed %s (%d of them stored anyway: write committed, answer lost; %d "
                 "name the killed leader's address, where %s redirected them); NetSuite requests %d; problems: %s"
                 % (leader.node_id, kill_at, seen, getattr(new_leader, "node_id", None), election,
                    getattr(run, "rc", None), round(getattr(run, "seconds", 0), 1), len(done), len(failed),
                    kinds, len(failed_stored), redirected, target.node_id,
                    sum(self.bed.netsuite_requests(a["account_id"]) for a in accounts) - emulator_before,
                    problems[:5] or "none"), ok, started)

        self.dead_leader_url(leader, vars_path, accounts, new_leader or watcher)

        started = time.monotonic()
        before = state
        # The same playbook with the same vault.url; Vault checked through the leader.
        rerun_target = target
        run = self.store_run("ha-failover-rerun", vars_path, rerun_target.url, "ha/store", range(COUNT),
                             rerun_record)
        results = self.results(rerun_record)
        after = self.vault_state(cluster.leader() or new_leader or watcher, "ha/store", accounts)
        problems, kept, stored_now, completed = self.judge_rerun(results, before, after, accounts)
        ok = run.rc == 0 and not problems and kept + stored_now == COUNT and self.no_traceback(run)
        self.add("re-run after the election converges",
                 "all 30 accounts stored with their custom metadata; the ones already stored get zero new "
                 "versions and report unchanged (or only 'Updated custom metadata' where the first run was cut "
                 "off before it); the rest are stored as version 1",
                 "rc %d in %.1f s through %s (%s); %d already stored kept their version (%d of them only got "
                 "the custom metadata the first run was cut off before), %d stored now; problems: %s"
                 % (run.rc, run.seconds, rerun_target.node_id, rerun_target.role(), kept, completed, stored_now,
                    problems[:5] or "none"),
                 ok, started)
        self.report.count("ha re-run accounts unchanged", kept)

        self.rejoin(cluster, leader, "killed leader rejoins after restart")
        return accounts

    def dead_leader_url(self, dead, vars_path, accounts, survivor):
        """A run pointed at the killed node: fails fast and cleanly, writes nothing."""
        started = time.monotonic()
        record = os.path.join(self.bed.work, "ha-deadleader-record.json")
        indices = list(range(3))
        run = self.store_run("ha-dead-leader", vars_path, dead.url, "ha/deadleader", indices, record)
        results = self.results(record) or {}
        written = [index for index in indices if survivor.kv2_metadata_raw(MOUNT, "ha/deadleader/%d" % index)]
        clean = [index for index in indices
                 if index in results and self.clean_failure(results[index])
                 and results[index].get("vault_error") == "unreachable"]
        ok = clean == indices and not written and run.rc != 124 and run.seconds < 3 * (VAULT_TIMEOUT + 10)
        messages = sorted({str(result.get("msg", "")).split(". Hint", maxsplit=1)[0] for result in results.values()})
        self.add("run pointed at the killed leader",
                 "each account fails at once with vault_error 'unreachable' and a one-line message; nothing written",
                 "rc %d in %.1f s; %d of %d clean 'unreachable' failures; written: %s; messages: %s"
                 % (run.rc, run.seconds, len(clean), len(indices), written or "none", messages[:2]), ok, started)

    def rejoin(self, cluster, node, name):
        started = time.monotonic()
        problem = None
        try:
            node.start()
            cluster.unseal(node)
            cluster.wait_healthy(timeout=60)
            cluster.wait_caught_up(node, timeout=30)
        except RuntimeError as exc:
            problem = str(exc).splitlines()[0]
        roles = cluster.roles()
        ok = problem is None and roles.get(node.node_id) == "standby" and list(roles.values()).count("active") == 1
        self.add(name, "the node starts on its Raft data, is unsealed, is a standby voter again and has "
                 "applied the leader's Raft log (the writes made while it was down)",
                 "roles %s in %.1f s%s" % (roles, time.monotonic() - started, "; " + problem if problem else ""),
                 ok, started)

    def failover_verify(self, cluster, token, accounts):
        started = time.monotonic()
        leader = cluster.leader()
        target = [node for node in cluster.nodes if node is not leader and node.running][0]
        inventory = self.bed.write("ha-verify-inventory.yml", json.dumps({"all": {"children": {"netsuite_accounts": {
            "vars": {"tba_verify_netsuite_url": self.bed.state["netsuite_url"]},
            "hosts": {"ha_account_%02d" % index: {"tba_verify_path": "ha/store/%d" % index}
                      for index in range(COUNT)}}}}}, indent=1))
        vars_path = self.private("ha-verify-vars.json", {"tba_verify_vault": {
            "url": target.url, "token": token, "timeout": VAULT_TIMEOUT}})
        report_path = os.path.join(self.bed.work, "ha-verify-report.json")
        before = self.vault_state(leader, "ha/store", accounts)
        realms = [account["account_id"] for account in accounts]

        def probes():
            return sum(self.bed.netsuite_requests(realm) for realm in realms)

        base = probes()
        args = ["-i", inventory, "-e", "@" + vars_path, "-e", "tba_verify_report_path=" + report_path]
        holder = {}
        thread = threading.Thread(target=lambda: holder.update(run=self.playbook(
            self.verify_playbook, *args, label="ha-failover-verify")), daemon=True)
        thread.start()
        seen, kill_at = self.kill_when(lambda: _at_least(probes() - base, KILL_AFTER), leader, thread)
        new_leader = None
        try:
            new_leader = cluster.wait_new_leader(leader, timeout=60)
        except RuntimeError:
            pass
        thread.join(RUN_BOUND + 30)
        run = holder.get("run")
        rows = _verify_rows(report_path, self.bed)
        after = self.vault_state(new_leader or target, "ha/store", accounts)
        problems = []
        failed_kinds = {}
        for index in range(COUNT):
            row = rows.get("ha_account_%02d" % index)
            if row is None:
                problems.append("%d: no row" % index)
            elif not row["ok"]:
                kind = row.get("error_code")
                failed_kinds[kind] = failed_kinds.get(kind, 0) + 1
                reason = str(row.get("reason") or "")
                if kind not in VAULT_ERROR_KINDS or not reason or "\n" in reason or "Traceback" in reason:
                    problems.append("%d: unclean failure %s: %r" % (index, kind, reason[:120]))
            if before[index] != after[index]:
                problems.append("%d: versions changed by a read-only run" % index)
        ok_rows = sum(1 for row in rows.values() if row["ok"])
        ok = (run is not None and run.rc in (0, 2) and seen is not None and new_leader is not None
              and not problems and len(rows) == COUNT and self.no_traceback(run))
        self.add("leader killed mid-run: 30-account verify (playbooks/verify.yml)",
                 "leader SIGKILLed after ~1/3 of the NetSuite checks; every account ends ok or FAILED with a "
                 "Vault error kind and a one-line reason; no version added or changed",
                 "killed %s at %s s after %s checks; new leader %s; rc %s in %s s; %d ok, failed kinds %s; "
                 "problems: %s" % (leader.node_id, kill_at, seen, getattr(new_leader, "node_id", None),
                                   getattr(run, "rc", None), round(getattr(run, "seconds", 0), 1), ok_rows,
                                   failed_kinds or "none", problems[:5] or "none"), ok, started)

        started = time.monotonic()
        if os.path.exists(report_path):
            os.unlink(report_path)
        run = self.playbook(self.verify_playbook, *args, label="ha-failover-verify-rerun")
        rows = _verify_rows(report_path, self.bed)
        ok_rows = sum(1 for row in rows.values() if row["ok"])
        ok = run.rc == 0 and ok_rows == COUNT and len(rows) == COUNT and self.no_traceback(run)
        self.add("verify re-run after the election", "rc 0, all 30 accounts ok",
                 "rc %d in %.1f s; %d of %d rows ok" % (run.rc, run.seconds, ok_rows, len(rows)), ok, started)
        self.rejoin(cluster, leader, "second killed leader rejoins after restart")

    def killed_and_restarted(self):
        started = time.monotonic()
        server = OpenBaoPersistentNode()
        try:
            server.start()
            self.bed.add_secret("ha.single.root_token", server.root_token)
            self.bed.add_secret("ha.single.unseal_key", server.unseal_key)
            node = server.node
            node.put_policy("tba-writer", POLICIES["tba-writer"])
            token = node.create_token(["tba-writer"])
            self.bed.add_secret("ha.single.writer_token", token)
            accounts = self.make_accounts("ha.single", 7302001, COUNT)
            vars_path = self.vars_file("ha-single-vars.json", accounts, token)
            record = os.path.join(self.bed.work, "ha-single-record.json")
            # 0.3 s between accounts: the run outlasts the kill, the 2 s down time and the unseal
            # however fast each account is (a refused connection fails at once).
            thread, holder = self.store_run("ha-killed-store", vars_path, node.url, "ha/single", range(COUNT),
                                            record, background=True, pause=0.3)
            timeline = {}

            def restart_later():
                # Down for 2 s (connection refused), then back: sealed until unsealed.
                time.sleep(2)
                node.start()
                timeline["restarted_while_running"] = thread.is_alive()
                time.sleep(1)
                server.unseal(node)
                timeline["unsealed_while_running"] = thread.is_alive()

            seen, kill_at = self.kill_when(
                lambda: _at_least(self.stored_count(node, "ha/single"), KILL_AFTER), node, thread,
                after_kill=restart_later)
            thread.join(RUN_BOUND + 30)
            run = holder.get("run")
            results = self.results(record)
            state = self.vault_state(node, "ha/single", accounts)
            problems, done, failed, failed_stored, kinds = self.judge_mid_run(results, state, accounts)
            mid = timeline.get("restarted_while_running") and timeline.get("unsealed_while_running")
            ok = (run is not None and run.rc != 124 and seen is not None and mid and not problems
                  and len(done) + len(failed) == COUNT and self.no_traceback(run))
            self.add("Vault killed and restarted mid-run: 30-account store",
                     "single persistent node SIGKILLed after ~1/3 stored, restarted and unsealed while the run "
                     "goes on; each account stored exactly as declared or cleanly failed; no version holds "
                     "other data",
                     "killed at %s s with %s stored; restarted/unsealed while running: %s; rc %s in %s s; %d done, "
                     "%d cleanly failed %s (%d stored anyway); problems: %s"
                     % (kill_at, seen, timeline, getattr(run, "rc", None), round(getattr(run, "seconds", 0), 1),
                        len(done), len(failed), kinds, len(failed_stored), problems[:5] or "none"), ok, started)

            started = time.monotonic()
            rerun_record = os.path.join(self.bed.work, "ha-single-rerun-record.json")
            run = self.store_run("ha-killed-rerun", vars_path, node.url, "ha/single", range(COUNT), rerun_record)
            results = self.results(rerun_record)
            after = self.vault_state(node, "ha/single", accounts)
            problems, kept, stored_now, completed = self.judge_rerun(results, state, after, accounts)
            ok = run.rc == 0 and not problems and kept + stored_now == COUNT and self.no_traceback(run)
            self.add("re-run after the restart converges",
                     "all 30 stored with their custom metadata; already stored ones get zero new versions (and "
                     "report unchanged unless only their cut-off custom metadata was completed); the rest "
                     "version 1",
                     "rc %d in %.1f s; %d kept their version (%d only got their cut-off custom metadata), %d "
                     "stored now; problems: %s"
                     % (run.rc, run.seconds, kept, completed, stored_now, problems[:5] or "none"), ok, started)
            self.report.count("ha re-run accounts unchanged", kept)
        finally:
            self.keep_logs(server, "single")
            server.cleanup()

    def keep_logs(self, servers, label):
        """Copy the server logs next to the run logs (for a reviewer and the leak hunt)."""
        for path in servers.log_paths():
            copy = os.path.join(self.bed.out, "openbao-%s-%s.log" % (label, os.path.basename(os.path.dirname(path))))
            shutil.copyfile(path, copy)
            self.bed.keep(copy)


def _log_mentions(path, text):
    try:
        with open(path, errors="replace") as handle:
            return text in handle.read()
    except OSError:
        return False


def _failure_excerpt(*results):
    messages = [str(result.get("msg", ""))[:160] for result in results if result.get("failed")]
    return "; failures: %s" % messages if messages else ""


def _verify_rows(path, bed):
    if not os.path.exists(path):
        return {}
    bed.keep(path)
    with open(path) as handle:
        return {row["host"]: row for row in json.load(handle)["accounts"]}


def run(bed, report):
    ha = _HA(bed, report)
    started = time.monotonic()
    cluster = OpenBaoRaftCluster()
    try:
        cluster.start()
        bed.add_secret("ha.cluster.root_token", cluster.root_token)
        bed.add_secret("ha.cluster.unseal_key", cluster.unseal_key)
        if ha.cluster_up(cluster, started):
            leader = cluster.leader()
            leader.put_policy("tba-writer", POLICIES["tba-writer"])
            token = leader.create_token(["tba-writer"])
            bed.add_secret("ha.cluster.writer_token", token)
            ha.standby_case(cluster, token)
            accounts = ha.failover_store(cluster, token)
            ha.failover_verify(cluster, token, accounts)
    finally:
        ha.keep_logs(cluster, "raft")
        cluster.cleanup()
    ha.killed_and_restarted()


def _at_least(count, threshold):
    """``count`` once it reaches ``threshold``, else 0 (kill_when waits for a true value)."""
    return count if count >= threshold else 0
