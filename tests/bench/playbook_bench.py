# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whole ``ansible-playbook`` runs: per task and per fleet, against community.hashi_vault and ping.

Run by scripts/bench with the project venv's Python (it has the OpenBao binary); every measured
process is the benchmark venv's ``ansible-playbook`` (ansible-core from the ``ansible`` package),
with ANSIBLE_COLLECTIONS_PATH holding exactly netsuite_ops.credentials (the repo) and
community.hashi_vault, so both collections run under the same ansible-core and Python:

    python tests/bench/playbook_bench.py --ansible-bin BENCH_VENV/bin --collections ROOT [options]

Parts (``--parts``, all by default):

task    one task per ``ansible-playbook`` process (localhost, connection local): tba_credential on
        its unchanged path with the NetSuite test, m2m_credential likewise (RSA 3072 PS256 and EC
        P-256 ES256 keys: one Vault read, a token request, serverTime), vault_kv2_write with
        read_before_write (same five keys), ansible.builtin.ping, and both modules' change path.
fleet   ``ansible-playbook netsuite_ops.credentials.verify`` over generated inventories of N
        accounts (stored in Vault, known to the emulator), all TBA and mixed (every second account
        M2M), against a generated playbook running community.hashi_vault.vault_kv2_get on the same
        hosts and paths, same forks.
remote  both of the above with every Vault request delayed by 25 ms (a delaying TCP proxy in
        front of OpenBao), so round trips, not CPU, dominate.
slow    the verify playbook over 1000 accounts (all TBA, and mixed) with every NetSuite answer held
        300 ms (the emulator's hold) and every Vault request delayed 25 ms, at the playbook's default
        concurrency and at chosen tba_verify_concurrency values; a run with more than 2 requests
        in flight to one account (the emulator's max_in_flight) or a wrong result in the
        playbook's JSON report is broken. It also records the most requests and connections in
        flight at once at Vault (the proxy). A TBA fleet with capability probes (2 per account,
        a SuiteQL and a record probe, from the group variable netsuite_verify_probes) runs at the
        default concurrency: every probe of every account must pass, within the same limit.

The test bed (a real OpenBao dev server with an audit log, the NetSuite TBA emulator) runs inside
this process; requests per run are counted at the servers: OpenBao's audit log and the
emulator's request log. Cases of a part run in an order shuffled per round. Each run is a fresh
process started by spawn.py; wall time, CPU (user + system of the whole process tree, from
wait4), the largest single process's peak RSS (ru_maxrss) and the peak of the whole tree's
summed PSS (sampled from /proc) are recorded, and the run's outcome is checked at the servers,
so a broken case is reported instead of timed. Secrets live in 0600 files of a private
temporary directory removed at exit, never in argv; the output is checked for every secret.
"""

import argparse
import json
import os
import platform
import random
import re
import secrets
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/ : support.testbed, emulator

from bench import Redactor  # noqa: E402  (the per-module benchmark's, beside this file)
from support.m2m_accounts import make_m2m_account  # noqa: E402
from support.testbed import TestBed  # noqa: E402

MOUNT = "secret"
SECRET_KEYS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
FLEET_PATH = "bench/fleet/%04d/tba"
M2M_FLEET_PATH = "bench/fleet/%04d/m2m"  # the mixed fleet's odd accounts
FLEET_HOST = "acct%04d"
TASK_PATHS = {"tba": "bench/task/tba", "tba_change": "bench/task/tba_change",
              "hv": "bench/task/hv", "hv_change": "bench/task/hv_change",
              "m2m_rsa": "bench/task/m2m_rsa", "m2m_ec": "bench/task/m2m_ec"}
# The per-task M2M cases and their keys (key types of tests/support/m2m_accounts.py).
M2M_TASK_KEYS = {"m2m_rsa": "rsa3072", "m2m_ec": "ec-p256"}
# The mixed fleet's M2M accounts alternate between these, so half of them sign with RSA.
M2M_FLEET_KEYS = ("rsa3072", "ec-p256")
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
SERVER_TIME_PATH = "/services/rest/system/v1/serverTime"
DELAY_MS = 25.0
HOLD_MS = 300.0  # the slow part: every NetSuite answer held this long (real NetSuite: 200-800 ms)
PER_ACCOUNT_LIMIT = 2  # the verify playbook's per-account concurrency: never more in flight per account
# The slow part's goals at 1000 accounts and default settings, by probes per account: wall seconds.
SLOW_GOAL_SIZE = 1000
SLOW_GOALS = {0: 10.0, 2: 20.0}
SLOW_WARMUP_SIZE = 20
# The probes of the slow part's probe case, taken in order (--slow-probes N, at most this many):
# read-only requests every emulator account's default role allows.
BENCH_PROBES = ({"name": "subsidiaries", "suiteql": "SELECT id FROM subsidiary"},
                {"name": "customers", "record": "customer"},
                {"name": "contacts", "record": "contact"},
                {"name": "server time", "path": SERVER_TIME_PATH})
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)

# (variant, part, case, size or None, against, size or None, limit, what it says)
GOALS = (
    ("task", "tba", None, "hv_write", None, 0.7, "per task: tba_credential unchanged (NetSuite test) / "
                                                 "vault_kv2_write read_before_write"),
    ("fleet", "verify", 500, None, None, 10.0, "fleet: verify 500 accounts, wall seconds"),
    ("fleet", "verify", 200, "peer", 200, 0.1, "fleet: verify / vault_kv2_get fleet at 200 accounts"),
    ("fleet", "verify", "flat", None, None, 1.25, "fleet: time per added account, largest step / "
                                                  "the steps before it from 100 accounts (flat)"),
)


# --- helpers ------------------------------------------------------------------------------------

def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def quantile(values, q):
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def new_secrets():
    return {name: secrets.token_hex(32) for name in SECRET_KEYS}


# --- the delaying proxy -------------------------------------------------------------------------

class DelayProxy:
    """127.0.0.1 TCP proxy in front of one server that holds each HTTP request back by `delay`
    seconds. A request starts with the first bytes the client sends after the server last
    answered (clients do not pipeline), so a keep-alive connection's every request is delayed
    once, however many chunks it arrives in. It also counts what a fleet costs the server: the
    most requests in flight at once (from a request's first bytes to its answer's first bytes,
    the delay included) and the most connections open at once, since the last reset_peaks()."""

    def __init__(self, target_port, delay):
        self.target = ("127.0.0.1", target_port)
        self.delay = delay
        self.requests = 0
        self.in_flight = self.max_in_flight = 0
        self.connections = self.max_connections = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="delay-proxy")

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self._listener.getsockname()[1]

    def start(self):
        self._thread.start()
        return self

    def reset_peaks(self):
        with self._lock:
            self.max_in_flight, self.max_connections = self.in_flight, self.connections

    def _count(self, name, step):
        with self._lock:
            value = getattr(self, name) + step
            setattr(self, name, value)
            peak = "max_" + name
            setattr(self, peak, max(getattr(self, peak), value))

    def stop(self):
        self._stop.set()
        self._listener.close()

    def _accept(self):
        while not self._stop.is_set():
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client):
        try:
            upstream = socket.create_connection(self.target, timeout=30)
        except OSError:
            client.close()
            return
        for sock in (client, upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        awaiting_answer = False
        self._count("connections", 1)
        try:
            while not self._stop.is_set():
                for key, _events in selector.select(timeout=60):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    if key.fileobj is client:
                        if not awaiting_answer:
                            self._count("in_flight", 1)
                            awaiting_answer = True
                            time.sleep(self.delay)
                            with self._lock:
                                self.requests += 1
                    elif awaiting_answer:
                        self._count("in_flight", -1)
                        awaiting_answer = False
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            if awaiting_answer:
                self._count("in_flight", -1)
            self._count("connections", -1)
            selector.close()
            client.close()
            upstream.close()


# --- running and measuring one ansible-playbook -------------------------------------------------

class TreeSampler:
    """Samples, every `interval` seconds, the summed PSS of every descendant of one pid (the
    spawner), and stops a run that exceeds its time limit (its processes, by pid)."""

    def __init__(self, root_pid, interval=0.2):
        self.root_pid = root_pid
        self.interval = interval
        self._lock = threading.Lock()
        self._active = False
        self._deadline = None
        self.peak_kib = 0
        self.max_procs = 0
        self.timed_out = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="tree-sampler")
        self._thread.start()

    def begin(self, timeout):
        with self._lock:
            self.peak_kib, self.max_procs, self.timed_out = 0, 0, False
            self._deadline = time.monotonic() + timeout
            self._active = True

    def end(self):
        with self._lock:
            self._active = False
            self._sample()  # nothing left normally; harmless
        return self.peak_kib / 1024.0, self.max_procs, self.timed_out

    def close(self):
        self._stop.set()

    def _descendants(self):
        found, todo = [], [self.root_pid]
        while todo:
            pid = todo.pop()
            try:
                tids = os.listdir("/proc/%d/task" % pid)
            except OSError:
                continue
            for tid in tids:
                try:
                    with open("/proc/%d/task/%s/children" % (pid, tid)) as handle:
                        kids = [int(x) for x in handle.read().split()]
                except OSError:
                    continue
                found.extend(kids)
                todo.extend(kids)
        return found

    @staticmethod
    def _pss_kib(pid):
        try:
            with open("/proc/%d/smaps_rollup" % pid, "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _sample(self):
        pids = self._descendants()
        total = sum(self._pss_kib(pid) for pid in pids)
        self.peak_kib = max(self.peak_kib, total)
        self.max_procs = max(self.max_procs, len(pids))
        return pids

    def _loop(self):
        while not self._stop.wait(self.interval):
            with self._lock:
                if not self._active:
                    continue
                pids = self._sample()
                if time.monotonic() > self._deadline and pids:
                    self.timed_out = True
                    for pid in pids:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except OSError:
                            pass


class Runner:
    """spawn.py (a tiny process, see there why) starts each run; this reads its answer."""

    def __init__(self, workdir):
        self.workdir = workdir
        self._out = os.path.join(workdir, "stdout")
        self._err = os.path.join(workdir, "stderr")
        self._spawner = subprocess.Popen([sys.executable, "-S", "-E", os.path.join(HERE, "spawn.py")],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={}, cwd=workdir)
        self.sampler = TreeSampler(self._spawner.pid)

    def close(self):
        self.sampler.close()
        self._spawner.stdin.close()
        self._spawner.wait()

    def run(self, argv, env, timeout):
        fields = [self.workdir, self._out, self._err, str(len(argv))] + list(argv)
        fields += ["%s=%s" % item for item in sorted(env.items())]
        blob = "\0".join(fields).encode()
        self.sampler.begin(timeout)
        self._spawner.stdin.write(b"%08x" % len(blob) + blob)
        self._spawner.stdin.flush()
        answer = self._spawner.stdout.readline().split()
        tree_mb, procs, timed_out = self.sampler.end()
        if len(answer) < 5:
            raise SystemExit("spawn.py stopped answering (or is the old version without CPU time)")
        wall_ns, rss_kib, code, _own, cpu_ns = (int(x) for x in answer[:5])
        with open(self._out, "rb") as handle:
            stdout = handle.read().decode("utf-8", "replace")
        with open(self._err, "rb") as handle:
            stderr = handle.read().decode("utf-8", "replace")
        os.unlink(self._out)
        os.unlink(self._err)
        return dict(wall=wall_ns / 1e9, cpu=cpu_ns / 1e9, rss_mb=rss_kib / 1024.0, tree_mb=tree_mb,
                    procs=procs, code=code, timed_out=timed_out, stdout=stdout, stderr=stderr)


# --- the cases ----------------------------------------------------------------------------------

class Case:
    """One measured configuration. `kind` is what runs (verify, mixed, peer; the key by default);
    the slow part's keys also name the concurrency passed (None: the playbook's default) and the
    probes per account (0 until probes exist), so every configuration has samples of its own."""

    def __init__(self, part, key, label, size=None, role="ours", kind=None, concurrency=None, probes=0,
                 hold_ms=None):
        self.part, self.key, self.label, self.size, self.role = part, key, label, size, role
        self.kind = kind or key
        self.concurrency, self.probes = concurrency, probes
        self.hold_ms = hold_ms  # the slow part's NetSuite hold for this case; None: --hold-ms

    @property
    def ident(self):
        return (self.part, self.key, self.size)


def slow_case(kind, size, concurrency, probes=0, hold_ms=None):
    """A slow-part case; hold_ms=0 is the reference: the same run with NetSuite answering at
    once, so the table shows what waiting adds on the machine as loaded at the time."""
    key = "%s c=%s" % (kind, concurrency or "default") + (" p=%d" % probes if probes else "")
    key += " no hold" if hold_ms == 0 else ""
    label = "verify playbook%s, slow NetSuite" % (", half M2M" if kind == "mixed" else "")
    return Case("slow", key, label, size, kind=kind, concurrency=concurrency, probes=probes, hold_ms=hold_ms)


TASK_CASES = (
    ("tba", "tba_credential, unchanged, NetSuite test", "ours"),
    ("m2m_rsa", "m2m_credential, unchanged, test, RSA 3072 PS256", "ours"),
    ("m2m_ec", "m2m_credential, unchanged, test, EC P-256 ES256", "ours"),
    ("hv_write", "vault_kv2_write read_before_write, unchanged", "peer"),
    ("ping", "ansible.builtin.ping", "ping"),
    ("debug", "ansible.builtin.debug (no module process: the floor)", "floor"),
    ("tba_change", "tba_credential, change (new token, test, write)", "ours"),
    ("hv_change", "vault_kv2_write read_before_write, change", "peer"),
)

TASK_PLAY = """\
- name: One task
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: The measured task
{task}
"""

TASK_BODIES = {
    "ping": "      ansible.builtin.ping:\n",
    "debug": "      ansible.builtin.debug:\n        msg: bench\n",
    "tba": """\
      netsuite_ops.credentials.tba_credential:
        account_id: "{{ bench.account_id }}"
        consumer_key: "{{ bench.consumer_key }}"
        consumer_secret: "{{ bench.consumer_secret }}"
        token_id: "{{ bench.token_id }}"
        token_secret: "{{ bench.token_secret }}"
        token_name: bench token
        path: "{{ bench.path }}"
        engine_mount_point: secret
        netsuite_url: "{{ bench.netsuite_url }}"
        vault: "{{ bench.vault }}"
""",
    "hv_write": """\
      community.hashi_vault.vault_kv2_write:
        url: "{{ bench.vault.url }}"
        token: "{{ bench.vault.token }}"
        engine_mount_point: secret
        path: "{{ bench.path }}"
        data: "{{ bench.data }}"
        read_before_write: true
""",
}
TASK_BODIES["tba_change"] = TASK_BODIES["tba"]
TASK_BODIES["m2m_rsa"] = TASK_BODIES["m2m_ec"] = """\
      netsuite_ops.credentials.m2m_credential:
        account_id: "{{ bench.account_id }}"
        client_id: "{{ bench.client_id }}"
        certificate_id: "{{ bench.certificate_id }}"
        private_key: "{{ bench.private_key }}"
        certificate: "{{ bench.certificate }}"
        integration_name: bench integration
        path: "{{ bench.path }}"
        engine_mount_point: secret
        netsuite_url: "{{ bench.netsuite_url }}"
        vault: "{{ bench.vault }}"
"""
TASK_BODIES["hv_change"] = TASK_BODIES["hv_write"]

PEER_FLEET_PLAY = """\
- name: Read every account's stored credentials (community.hashi_vault)
  hosts: netsuite_accounts
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Read the secret
      community.hashi_vault.vault_kv2_get:
        url: "{{ tba_verify_vault.url }}"
        token: "{{ tba_verify_vault.token }}"
        engine_mount_point: secret
        path: "{{ tba_verify_path }}"
"""


class Bench:
    def __init__(self, args):
        self.args = args
        self.redact = Redactor()
        self.samples = {}  # (variant, part, key, size) -> list of run dicts
        self.problems = {}
        self.notes = []
        self.skipped = {}  # (variant, part, key, size) -> reason
        self.costs = None  # m2m_costs.py's numbers, when the task part ran
        self.slow_cases = {}  # (key, size) -> Case of the slow part
        self.slow_default_concurrency = playbook_default_concurrency(args.collections)

    # -- set-up --

    def setup(self, stack):
        args = self.args
        self.workdir = tempfile.mkdtemp(prefix="nso-pbench-")  # 0700
        stack.append(lambda: shutil.rmtree(self.workdir, ignore_errors=True))
        started = time.time()
        self.bed = TestBed(audit=True).__enter__()
        stack.append(lambda: self.bed.__exit__(None, None, None))
        state = self.bed.state
        self.redact.add(state["vault_root_token"], *state["vault_tokens"].values())
        for account in state["netsuite_accounts"].values():
            self.redact.add(*(account[name] for name in SECRET_KEYS))
        self.redact.add(*state["extra_secrets"].values())
        self.proxy = DelayProxy(self.bed.vault.port, args.delay_ms / 1000.0).start()
        stack.append(self.proxy.stop)
        self.vault_urls = {"local": self.bed.vault.url, "remote": self.proxy.url, "slow": self.proxy.url}
        self.runner = Runner(self.workdir)
        stack.append(self.runner.close)
        self._audit_offset = 0

        bin_dir = os.path.abspath(args.ansible_bin)
        self.playbook = os.path.join(bin_dir, "ansible-playbook")
        self.python = os.path.join(bin_dir, "python")
        config = os.path.join(self.workdir, "ansible.cfg")
        write_private(config, "")
        self.env = {
            "PATH": bin_dir + os.pathsep + "/usr/bin:/bin",
            "HOME": os.environ.get("HOME", "/"),
            "LANG": "C.UTF-8",
            "PYTHONPYCACHEPREFIX": os.path.join(args.cache_dir, "bench-pycache"),
            "ANSIBLE_CONFIG": config,
            "ANSIBLE_COLLECTIONS_PATH": os.path.abspath(args.collections),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "False",
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.workdir, "local-tmp"),
            "ANSIBLE_REMOTE_TMP": os.path.join(self.workdir, "remote-tmp"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_HOST_KEY_CHECKING": "False",
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "ANSIBLE_FORKS": str(args.forks),
        }
        if os.environ.get("TMPDIR"):
            self.env["TMPDIR"] = os.environ["TMPDIR"]

        self.task_inventory = os.path.join(self.workdir, "task-inventory.ini")
        write_private(self.task_inventory, "localhost ansible_connection=local ansible_python_interpreter=%s\n"
                      % self.python)
        for key, body in TASK_BODIES.items():
            write_private(os.path.join(self.workdir, "task-%s.yml" % key), TASK_PLAY.format(task=body.rstrip("\n")))
        write_private(os.path.join(self.workdir, "peer-fleet.yml"), PEER_FLEET_PLAY)
        for variant, url in self.vault_urls.items():
            write_private(os.path.join(self.workdir, "vault-%s.json" % variant),
                          json.dumps({"tba_verify_vault": {"url": url, "token": state["vault_root_token"]}}))
        self._prepare_task_accounts()
        self._prepare_fleet()
        self.setup_seconds = time.time() - started

    def _prepare_task_accounts(self):
        accounts = self.bed.state["netsuite_accounts"]
        self.task_accounts = {"tba": dict(accounts["good_sandbox"]), "tba_change": dict(accounts["good_production"])}
        self.hv_data = {"hv_write": self._five_keys(accounts["good_test_drive"]),
                        "hv_change": self._five_keys(accounts["good_release_preview"])}
        # One fresh M2M integration per key type (key, self-signed certificate, client ID and
        # certificate ID), mapped in the emulator as the account's uploaded certificate.
        self.m2m_task_accounts = {key: self._add_m2m(make_m2m_account(key_type=key_type))
                                  for key, key_type in M2M_TASK_KEYS.items()}

    def _add_m2m(self, account):
        self.redact.add(*account.secret_values())
        self.bed.emulator.add_account(account.emulator_account())
        return account

    @staticmethod
    def _five_keys(account):
        return dict({name: account[name] for name in SECRET_KEYS}, account_id=account["account_id"].upper())

    def _prepare_fleet(self):
        args = self.args
        sizes, mixed = set(), set()
        if args.parts & {"fleet", "remote"}:
            mixed = set(args.mixed_sizes) | set(args.remote_mixed_sizes)
            sizes = set(args.fleet_sizes) | set(args.peer_sizes) | set(args.remote_fleet_sizes)
            sizes |= set(args.remote_peer_sizes) | mixed
        probed = set()
        if "slow" in args.parts:
            mixed |= set(args.slow_mixed_sizes)
            probed = set(args.slow_probe_sizes) if args.slow_probes else set()
            sizes |= set(args.slow_sizes) | set(args.slow_mixed_sizes) | probed | {SLOW_WARMUP_SIZE}
        self.fleet_max = max(sizes) if sizes else 0
        for number in range(self.fleet_max):
            account = dict(new_secrets(), account_id="7%06d" % number, scenario={})
            self.redact.add(*(account[name] for name in SECRET_KEYS))
            self.bed.emulator.add_account(account)
            self.bed.vault.kv2_write_raw(MOUNT, FLEET_PATH % number, self._five_keys(account))
        # The mixed fleet: account n is the TBA one above when n is even, an M2M integration of
        # its own (another account ID, key types alternating) stored as m2m_credential stores it
        # when n is odd. Every key is generated for the run (RSA 3072: about 0.1-0.2 s each).
        started = time.time()
        for number in range(1, max(mixed) if mixed else 0, 2):
            key_type = M2M_FLEET_KEYS[(number // 2) % len(M2M_FLEET_KEYS)]
            account = self._add_m2m(make_m2m_account(account_id="8%06d" % number, key_type=key_type))
            self.bed.vault.kv2_write_raw(MOUNT, M2M_FLEET_PATH % number, account.module_values())
            self.bed.vault.kv2_write_metadata_raw(MOUNT, M2M_FLEET_PATH % number, custom_metadata={
                "auth_type": "m2m", "managed_by": "netsuite_ops.credentials"})
        if mixed:
            self.progress("mixed fleet: %d M2M integrations generated and stored in %.0f s" % (
                max(mixed) // 2, time.time() - started))
        self.inventories = {}
        for kind, kind_sizes in (("tba", sizes), ("mixed", mixed), ("probes", probed)):
            for size in sorted(kind_sizes):
                hosts = {FLEET_HOST % n: {"tba_verify_path": (M2M_FLEET_PATH if kind == "mixed" and n % 2 else
                                                              FLEET_PATH) % n} for n in range(size)}
                group_vars = {"tba_verify_netsuite_url": self.bed.state["netsuite_url"]}
                if kind == "probes":  # per group, as an inventory would set them
                    group_vars["netsuite_verify_probes"] = list(BENCH_PROBES[:args.slow_probes])
                inventory = {"all": {"children": {"netsuite_accounts": {"vars": group_vars, "hosts": hosts}}}}
                path = os.path.join(self.workdir, "fleet-%s-%d.yml" % (kind, size))
                write_private(path, json.dumps(inventory))
                self.inventories[(kind, size)] = path

    # -- one run --

    def _task_vars(self, variant, key):
        state = self.bed.state
        vault = {"url": self.vault_urls[variant], "token": state["vault_root_token"]}
        if key in ("tba", "tba_change"):
            account = self.task_accounts[key]
            if key == "tba_change":  # a new token every run: NetSuite knows it, Vault not yet
                account.update(new_secrets())
                self.redact.add(*(account[name] for name in SECRET_KEYS))
                self.bed.emulator.add_account(account)
            return dict({name: account[name] for name in SECRET_KEYS}, account_id=account["account_id"],
                        path=TASK_PATHS[key], netsuite_url=state["netsuite_url"], vault=vault)
        if key in M2M_TASK_KEYS:
            return dict(self.m2m_task_accounts[key].module_values(), path=TASK_PATHS[key],
                        netsuite_url=state["netsuite_url"], vault=vault)
        if key in ("hv_write", "hv_change"):
            if key == "hv_change":
                self.hv_data[key].update(new_secrets())
                self.redact.add(*(self.hv_data[key][name] for name in SECRET_KEYS))
            path = TASK_PATHS["hv" if key == "hv_write" else "hv_change"]
            return dict(path=path, data=self.hv_data[key], vault=vault)
        return {}

    def _version(self, key):
        path = TASK_PATHS.get({"hv_write": "hv"}.get(key, key))
        found = self.bed.vault.kv2_read_raw(MOUNT, path) if path else None
        return ((found or {}).get("data") or {}).get("metadata", {}).get("version")

    def _audit_mark(self):
        log = self.bed.vault.audit_log
        self._audit_offset = os.path.getsize(log)

    def _audit_since_mark(self):
        """Requests OpenBao audited since the mark, by (operation, path with the account number
        replaced by N), and how many distinct fleet paths were read."""
        counts, fleet_paths = {}, set()
        with open(self.bed.vault.audit_log, "rb") as handle:
            handle.seek(self._audit_offset)
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("type") != "request":
                    continue
                request = entry.get("request") or {}
                raw = request.get("path") or ""
                if request.get("operation") == "read" and raw.startswith(MOUNT + "/data/bench/fleet/"):
                    fleet_paths.add(raw)
                kind = "%s %s" % (request.get("operation"), re.sub(r"/\d{4}/", "/N/", raw))
                counts[kind] = counts.get(kind, 0) + 1
        return counts, len(fleet_paths)

    def run_case(self, variant, case, record=True):
        args = self.args
        vars_file = os.path.join(self.workdir, "vars.json")
        before = None
        if case.part == "task":
            write_private(vars_file, json.dumps({"bench": self._task_vars(variant, case.key)}))
            argv = [self.playbook, "-i", self.task_inventory, os.path.join(self.workdir, "task-%s.yml" % case.key),
                    "-e", "@" + vars_file]
            if case.key in ("tba_change", "hv_change"):
                before = self._version(case.key)
        else:
            vault_vars = os.path.join(self.workdir, "vault-%s.json" % variant)
            inventory = self.inventories[("mixed" if case.kind == "mixed" else "probes" if case.probes else "tba",
                                          case.size)]
            if case.kind in ("verify", "mixed"):
                argv = [self.playbook, "netsuite_ops.credentials.verify", "-i", inventory, "-e", "@" + vault_vars]
                concurrency = case.concurrency if case.part == "slow" else args.concurrency
                if concurrency:
                    argv += ["-e", "tba_verify_concurrency=%d" % concurrency]
                if case.part == "slow":  # every account's result, checked in _check
                    argv += ["-e", "tba_verify_report_path=" + os.path.join(self.workdir, "report.json")]
            else:
                argv = [self.playbook, os.path.join(self.workdir, "peer-fleet.yml"), "-i", inventory,
                        "-e", "@" + vault_vars]
        self.bed.emulator.reset_log()
        self._audit_mark()
        proxied_before = self.proxy.requests
        self.proxy.reset_peaks()
        result = self.runner.run(argv, self.env, args.run_timeout)
        result["vault_requests"], result["fleet_paths_read"] = self._audit_since_mark()
        result["proxied"] = self.proxy.requests - proxied_before
        if variant in ("remote", "slow"):  # what the run cost Vault at once (through the proxy)
            result["vault_max_in_flight"] = self.proxy.max_in_flight
            result["vault_max_connections"] = self.proxy.max_connections
        if case.part == "slow":
            per_account = self.bed.emulator.stats()
            result["netsuite_max_in_flight"] = max((a["max_in_flight"] for a in per_account.values()), default=0)
            result["netsuite_accounts_over_limit"] = sum(1 for a in per_account.values()
                                                         if a["max_in_flight"] > PER_ACCOUNT_LIMIT)
            result["report"] = self._take_report()
        netsuite = self.bed.emulator.requests()
        result["netsuite_requests"] = len(netsuite)
        result["netsuite_ok"] = sum(1 for entry in netsuite if entry["status"] == 200)
        result["netsuite_accounts_ok"] = len({entry["account_id"] for entry in netsuite if entry["status"] == 200})
        # M2M: the accounts whose token request was answered with an access token, and the
        # accounts whose serverTime (TBA-signed or bearer) was answered.
        result["netsuite_token_accounts_ok"] = len({entry["account_id"] for entry in netsuite
                                                    if entry["status"] == 200 and entry["path"] == TOKEN_PATH})
        result["netsuite_time_accounts_ok"] = len({entry["account_id"] for entry in netsuite
                                                   if entry["status"] == 200 and entry["path"] == SERVER_TIME_PATH})
        problems = self._check(variant, case, result, before, seeding=not record)
        if os.path.exists(vars_file):
            os.unlink(vars_file)
        if record:
            slot = self.samples.setdefault((variant,) + case.ident, [])
            slot.append(dict((k, v) for k, v in result.items() if k not in ("stdout", "stderr", "report")))
            if problems:
                self.problems.setdefault((variant,) + case.ident, []).append(problems)
        elif problems:
            raise SystemExit("warm-up run of %s (%s) failed: %s" % (case.label, variant, self.redact(problems)))
        return result, problems

    def _take_report(self):
        """The verify playbook's JSON report of the run (then deleted), or None."""
        path = os.path.join(self.workdir, "report.json")
        try:
            with open(path, encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None
        finally:
            if os.path.exists(path):
                os.unlink(path)

    @staticmethod
    def _report_problems(case, report):
        """Every account of the inventory reported once, ok, with the kind it is stored as."""
        if not isinstance(report, dict) or not isinstance(report.get("accounts"), list):
            return ["no JSON report"]
        rows = {row.get("host"): row for row in report["accounts"] if isinstance(row, dict)}
        want = {FLEET_HOST % n: "m2m" if case.kind == "mixed" and n % 2 else "tba" for n in range(case.size)}
        problems = []
        proved = [(probe["name"], True) for probe in BENCH_PROBES[:case.probes]]
        unproved = [host for host in want if host in rows and proved != [
            (probe.get("name"), probe.get("ok")) for probe in rows[host].get("probes") or []]]
        if unproved:
            problems.append("%d accounts without their %d passed probes in the report (first: %s)" % (
                len(unproved), case.probes, unproved[0]))
        if set(rows) != set(want) or len(report["accounts"]) != case.size:
            problems.append("the report has %d rows for %d of the %d hosts" % (
                len(report["accounts"]), len(set(rows) & set(want)), case.size))
        wrong = [host for host, kind in want.items() if host in rows and not (
            rows[host].get("ok") is True and rows[host].get("result") == "ok" and rows[host].get("auth_type") == kind)]
        if wrong:
            row = rows[wrong[0]]
            problems.append("%d accounts not ok in the report (first: %s %s %s)" % (
                len(wrong), wrong[0], row.get("result"), row.get("failure_code")))
        if report.get("ok") is not True or report.get("failed"):
            problems.append("the report says ok=%s with %d failed" % (
                report.get("ok"), len(report.get("failed") or [])))
        return problems

    def _check(self, variant, case, result, before, seeding=False):
        problems = []
        if result["timed_out"]:
            return "stopped after the %d s run limit" % self.args.run_timeout
        recap = RECAP.findall(result["stdout"])
        hosts = {row[0]: tuple(int(x) for x in row[1:]) for row in recap}
        failed = sum(v[2] + v[3] for v in hosts.values())
        expected_rc = 0
        if result["code"] != expected_rc:
            problems.append("exit code %d" % result["code"])
        if failed:
            problems.append("%d failed/unreachable hosts" % failed)
        reads = sum(n for kind, n in result["vault_requests"].items()
                    if kind.startswith("read ") and "/data/" in kind)
        if case.part == "task":
            changed = sum(v[1] for v in hosts.values())
            want_changed = 1 if case.key.endswith("_change") else 0
            if "localhost" not in hosts:
                problems.append("no recap for localhost")
            elif changed != want_changed and not seeding:
                problems.append("changed=%d (expected %d)" % (changed, want_changed))
            if case.key not in ("ping", "debug") and reads < 1:
                problems.append("OpenBao audit log shows no data read")
            if case.key.startswith("tba") and result["netsuite_ok"] < 1:
                problems.append("the emulator answered no signed request with 200")
            if case.key in M2M_TASK_KEYS and not (result["netsuite_token_accounts_ok"] == 1 and
                                                  result["netsuite_time_accounts_ok"] == 1):
                problems.append("the emulator did not answer both a token request and serverTime with 200")
            if case.key.endswith("_change") and not seeding:
                after = self._version(case.key)
                if before is None or after != before + 1:
                    problems.append("Vault version %s -> %s (expected one new version)" % (before, after))
        else:
            # Checked at the servers, not by the playbook's word or its recap layout (the verify
            # playbook may check all hosts in one run_once task).
            if result["fleet_paths_read"] != case.size:
                problems.append("OpenBao audit log shows %d distinct fleet paths read (expected %d)"
                                % (result["fleet_paths_read"], case.size))
            if case.kind == "peer":
                accounts = [h for h in hosts if h.startswith("acct")]
                if len(accounts) != case.size:
                    problems.append("%d account hosts in the recap (expected %d)" % (len(accounts), case.size))
            elif result["netsuite_time_accounts_ok"] != case.size:
                problems.append("the emulator answered serverTime of %d accounts with 200 (expected %d)"
                                % (result["netsuite_time_accounts_ok"], case.size))
            elif case.probes and result["netsuite_ok"] != case.size * (1 + case.probes):
                problems.append("the emulator answered %d requests with 200 (expected %d: the test and %d probes "
                                "per account)" % (result["netsuite_ok"], case.size * (1 + case.probes), case.probes))
            if case.kind == "mixed" and result["netsuite_token_accounts_ok"] != case.size // 2:
                problems.append("the emulator answered token requests of %d M2M accounts with 200 (expected %d)"
                                % (result["netsuite_token_accounts_ok"], case.size // 2))
            if case.part == "slow":
                # NetSuite's per-account governance, counted by the emulator: a run that breaks
                # it is broken, however fast.
                if result["netsuite_accounts_over_limit"]:
                    problems.append("%d accounts had more than %d requests in flight at once (most: %d)" % (
                        result["netsuite_accounts_over_limit"], PER_ACCOUNT_LIMIT, result["netsuite_max_in_flight"]))
                problems.extend(self._report_problems(case, result["report"]))
        if problems:
            tail = [line for line in result["stdout"].splitlines() + result["stderr"].splitlines()
                    if "fatal" in line or "ERROR" in line or "msg" in line][:3]
            if tail:
                problems.append("output: " + " | ".join(line.strip()[:200] for line in tail))
        return "; ".join(problems)

    # -- where M2M's extra cost comes from --

    def m2m_costs(self, rounds):
        """Step by step, in the benchmark venv's Python (m2m_costs.py): offline validation, key
        load, signing, the token request and the bearer serverTime, the whole NetSuite test and
        the imports, for the per-task accounts; and, in this process, how long the emulator
        takes to verify one assertion with its own (pure Python) code."""
        state = self.bed.state
        tba = self.task_accounts["tba"]
        config = {"rounds": rounds, "netsuite_url": state["netsuite_url"],
                  "tba": dict({name: tba[name] for name in SECRET_KEYS}, account_id=tba["account_id"]),
                  "m2m": {kind: self.m2m_task_accounts[key].module_values()
                          for kind, key in (("rsa", "m2m_rsa"), ("ec", "m2m_ec"))}}
        path = os.path.join(self.workdir, "m2m-costs.json")
        write_private(path, json.dumps(config))
        env = dict(self.env, PYTHONPATH=os.path.abspath(self.args.collections))
        try:
            proc = subprocess.run([self.python, os.path.join(HERE, "m2m_costs.py"), path], env=env,
                                  capture_output=True, text=True, check=False, timeout=self.args.run_timeout)
        finally:
            os.unlink(path)
        if proc.returncode:
            self.problems[("local", "m2m_costs", None, None)] = [
                "m2m_costs.py exited %d: %s" % (proc.returncode, self.redact(proc.stderr.strip()[-300:]))]
            return
        self.costs = json.loads(proc.stdout)
        self.costs["emulator_verify_ms"] = {
            kind: emulator_verify_ms(self.m2m_task_accounts[key], state["netsuite_url"], rounds)
            for kind, key in (("rsa", "m2m_rsa"), ("ec", "m2m_ec"))}
        self.progress("M2M cost steps measured (%d rounds each)" % rounds)

    # -- the parts --

    def task_part(self, variant, rounds):
        cases = [Case("task", key, label, role=role) for key, label, role in TASK_CASES]
        for case in cases:  # warm-up: byte-code cache; seeds the unchanged paths
            self.run_case(variant, case, record=False)
        shuffle = random.Random(self.args.seed)
        for number in range(rounds):
            order = list(cases)
            shuffle.shuffle(order)
            for case in order:
                self.run_case(variant, case)
            self.progress("%s task round %d/%d" % (variant, number + 1, rounds))
        return cases

    def fleet_part(self, variant, ours_sizes, peer_sizes, rounds, mixed_sizes=()):
        """First round: sizes ascending per case, so a size projected (linearly, from the largest
        size done) to take longer than --fleet-run-limit is skipped, and one projected to need
        more than --fleet-size-budget over all rounds gets fewer rounds. Later rounds: shuffled."""
        cases = [Case("fleet", "verify", "verify playbook", size) for size in sorted(ours_sizes)]
        cases += [Case("fleet", "mixed", "verify playbook, half M2M", size) for size in sorted(mixed_sizes)]
        cases += [Case("fleet", "peer", "vault_kv2_get fleet", size, role="peer") for size in sorted(peer_sizes)]
        if not cases:
            return []
        for key in ("verify", "mixed", "peer"):  # warm-up, at the case's smallest size
            sizes = [c.size for c in cases if c.key == key]
            if sizes:
                self.run_case(variant, Case("fleet", key, key, min(sizes)), record=False)
        planned = {}
        last = {}
        for case in cases:
            ident = (variant,) + case.ident
            if case.key in last:
                size0, wall0 = last[case.key]
                projected = wall0 * case.size / size0
                if projected > self.args.fleet_run_limit:
                    self.skipped[ident] = "not run: projected %.0f s (from %d accounts in %.0f s) > the %d s limit" % (
                        projected, size0, wall0, self.args.fleet_run_limit)
                    continue
            if case.key in {k for (v, _p, k, _s) in self.skipped if v == variant}:
                continue
            result, problems = self.run_case(variant, case)
            last[case.key] = (case.size, result["wall"])
            if problems:
                self.notes.append("%s %s %d: %s" % (variant, case.key, case.size, self.redact(problems)))
            planned[case] = max(1, min(rounds, int(self.args.fleet_size_budget // max(result["wall"], 0.001))))
            self.progress("%s fleet %s %d accounts: %.1f s" % (variant, case.key, case.size, result["wall"]))
        for case, count in planned.items():
            if count < rounds:
                self.notes.append("%s %s %d accounts: %d of %d rounds (one run took %.0f s; --fleet-size-budget %d s)"
                                  % (variant, case.key, case.size, count, rounds,
                                     self.samples[(variant,) + case.ident][0]["wall"], self.args.fleet_size_budget))
        shuffle = random.Random(self.args.seed + 1)
        for number in range(1, rounds):
            order = [case for case, count in planned.items() if count > number]
            shuffle.shuffle(order)
            for case in order:
                self.run_case(variant, case)
            self.progress("%s fleet round %d/%d" % (variant, number + 1, rounds))
        return cases

    def slow_part(self, sizes, mixed_sizes, concurrencies, rounds):
        """Slow NetSuite: every NetSuite answer held --hold-ms (the emulator's hold), every Vault
        request delayed --delay-ms (the proxy), the verify playbook at its default settings and
        at each concurrency passed. Cases run in an order shuffled per round."""
        cases = [slow_case(kind, size, concurrency)
                 for kind, kind_sizes in (("verify", sizes), ("mixed", mixed_sizes))
                 for size in kind_sizes for concurrency in concurrencies]
        if not cases:
            return []
        if self.args.slow_probes:
            cases += [slow_case("verify", size, None, probes=self.args.slow_probes)
                      for size in self.args.slow_probe_sizes]
        if self.args.slow_reference:
            cases += [slow_case("verify", size, None, hold_ms=0) for size in sizes]
        self.slow_cases.update(((case.key, case.size), case) for case in cases)
        self.bed.emulator.set_hold(self.args.hold_ms / 1000.0)
        try:
            # Warm-up (byte-code cache, first Vault login): a small fleet, untimed.
            self.run_case("slow", slow_case("verify", SLOW_WARMUP_SIZE, max(c or 0 for c in concurrencies) or None),
                          record=False)
            shuffle = random.Random(self.args.seed + 2)
            for number in range(rounds):
                order = list(cases)
                shuffle.shuffle(order)
                for case in order:
                    self.bed.emulator.set_hold((self.args.hold_ms if case.hold_ms is None else case.hold_ms) / 1000.0)
                    result, problems = self.run_case("slow", case)
                    self.progress("slow %s %d accounts: %.1f s%s" % (
                        case.key, case.size, result["wall"], " BROKEN" if problems else ""))
                self.progress("slow round %d/%d" % (number + 1, rounds))
        finally:
            self.bed.emulator.set_hold(0)
        return cases

    def progress(self, text):
        if not self.args.quiet:
            print("[%s] %s" % (time.strftime("%H:%M:%S"), text), file=sys.stderr, flush=True)


def emulator_verify_ms(account, base_url, rounds):
    """Median milliseconds the emulator spends verifying one of this account's assertions (its
    own RSASSA-PSS / ECDSA code): server time in the token request's round trip that real
    NetSuite spends with its own, different code."""
    from emulator import netsuite_m2m

    key = netsuite_m2m.parse_certificate(account.certificate_pem).public_key
    jws = netsuite_m2m.parse_compact_jws(account.assertion(base_url))
    samples = []
    for unused_round in range(rounds):
        started = time.perf_counter()
        netsuite_m2m.verify_signature(account.algorithm, key, jws)
        samples.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(samples)


# --- statistics and report ----------------------------------------------------------------------

def stats_of(runs):
    wall = [r["wall"] for r in runs]
    kinds = {}
    for r in runs:
        for kind, n in r["vault_requests"].items():
            kinds.setdefault(kind, []).append(n)
    return dict(
        n=len(runs), wall=statistics.median(wall), p90=quantile(wall, 0.9), min=min(wall),
        cpu=statistics.median(r["cpu"] for r in runs), rss=max(r["rss_mb"] for r in runs),
        tree=max(r["tree_mb"] for r in runs), procs=max(r["procs"] for r in runs),
        vault=statistics.median(sum(r["vault_requests"].values()) for r in runs),
        vault_kinds={k: statistics.median(v + [0] * (len(runs) - len(v))) for k, v in kinds.items()},
        netsuite=statistics.median(r["netsuite_requests"] for r in runs),
        proxied=statistics.median(r["proxied"] for r in runs),
        **{name: max(r[name] for r in runs) for name in (
            "vault_max_in_flight", "vault_max_connections", "netsuite_max_in_flight") if name in runs[0]})


def analyse(bench):
    stats = {ident: stats_of(runs) for ident, runs in bench.samples.items()}
    goals = []
    for variant in ("local", "remote"):
        for part, key, size, against, against_size, limit, text in GOALS:
            mine = stats.get((variant, part, key, size if size != "flat" else None))
            if size == "flat":
                sizes = sorted(s for (v, p, k, s) in stats if (v, p, k) == (variant, part, key))
                base = [s for s in sizes if s >= 100]
                if len(base) < 3:
                    continue
                walls = {n: stats[(variant, part, key, n)]["wall"] for n in base}
                first = (walls[base[-2]] - walls[base[0]]) / (base[-2] - base[0])
                largest = (walls[base[-1]] - walls[base[-2]]) / (base[-1] - base[-2])
                value = largest / first if first > 0 else float("inf")
                detail = "%.1f ms/account (%d->%d) vs %.1f ms/account (%d->%d)" % (
                    largest * 1000, base[-2], base[-1], first * 1000, base[0], base[-2])
            elif mine is None:
                continue
            elif against is None:
                value, detail = mine["wall"], "%.1f s" % mine["wall"]
            else:
                other = stats.get((variant, part, against, against_size))
                if other is None:
                    continue
                value = mine["wall"] / other["wall"]
                detail = "%.2f s / %.2f s" % (mine["wall"], other["wall"])
            goals.append(dict(variant=variant, text=text, value=value, limit=limit, met=value <= limit,
                              detail=detail, ident=(part, key, size), against=(against, against_size)))
    return stats, goals


def cause(stats, variant, goal):
    """What the measurements say about a missed goal: CPU or waiting, and per what."""
    part, key, size = goal["ident"]
    lines = []
    if part == "task":
        mine, other = stats[(variant, "task", key, None)], stats[(variant, "task", "hv_write", None)]
        ping = stats.get((variant, "task", "ping", None))
        lines.append("CPU %.0f ms vs %.0f ms (%s); wall over ping: %+.0f ms vs %+.0f ms" % (
            mine["cpu"] * 1000, other["cpu"] * 1000, "tree user+sys",
            (mine["wall"] - ping["wall"]) * 1000 if ping else 0, (other["wall"] - ping["wall"]) * 1000 if ping else 0))
        lines.append("requests per run: Vault %g vs %g, NetSuite %g vs 0; largest process %.0f MB vs %.0f MB;"
                     " most processes at once %d vs %d" % (mine["vault"], other["vault"], mine["netsuite"],
                                                           mine["rss"], other["rss"], mine["procs"], other["procs"]))
        floor = stats.get((variant, "task", "debug", None))
        if floor:
            allowed = goal["limit"] * other["wall"]
            lines.append("the goal allows %.0f ms = the debug floor (%.0f ms, ansible-playbook with no module process)"
                         " %+.0f ms; measured: floor %+.0f ms (kv2_write: floor %+.0f ms)" % (
                             allowed * 1000, floor["wall"] * 1000, (allowed - floor["wall"]) * 1000,
                             (mine["wall"] - floor["wall"]) * 1000, (other["wall"] - floor["wall"]) * 1000))
        return lines
    sizes = sorted(s for (v, p, k, s) in stats if (v, p, k) == (variant, "fleet", "verify"))
    if not sizes:
        return lines
    big = stats[(variant, "fleet", "verify", sizes[-1] if size == "flat" else size)]
    n = sizes[-1] if size == "flat" else size
    lines.append("%d accounts: wall %.1f s, CPU %.1f s = %.2f cores busy; per account %.0f ms wall, %.0f ms CPU;"
                 " up to %d processes at once; Vault %.1f and NetSuite %.1f requests per account" % (
                     n, big["wall"], big["cpu"], big["cpu"] / big["wall"], big["wall"] * 1000 / n,
                     big["cpu"] * 1000 / n, big["procs"], big["vault"] / n, big["netsuite"] / n))
    return lines


def playbook_default_concurrency(collections):
    """The concurrency the verify playbook uses when none is passed (read from the playbook
    under test, so the table stays right when the default changes), or None."""
    path = os.path.join(collections, "ansible_collections", "netsuite_ops", "credentials", "playbooks", "verify.yml")
    try:
        with open(path, encoding="utf-8") as handle:
            found = re.search(r"tba_verify_concurrency\s*\|\s*default\((\d+)\)", handle.read())
    except OSError:
        return None
    return int(found.group(1)) if found else None


def slow_rows(bench, stats):
    """(case, stats, concurrency used, floor seconds) of the slow part, in table order: kind,
    probes, size, concurrency (the default first)."""
    rows = []
    default = bench.slow_default_concurrency
    for (variant, _part, key, size), s in stats.items():
        case = bench.slow_cases.get((key, size)) if variant == "slow" else None
        if case is None:
            continue
        used = case.concurrency or default
        # The least a run can take: every account's round trips (NetSuite held, Vault delayed)
        # spread over `used` workers, nothing else.
        hold = bench.args.hold_ms if case.hold_ms is None else case.hold_ms
        per_account = s["netsuite"] / size * hold + s["vault"] / size * bench.args.delay_ms
        floor = size * per_account / 1000.0 / used if used else None
        rows.append((case, s, used, floor))
    rows.sort(key=lambda r: (r[0].kind != "verify", r[0].probes, r[0].size, r[0].hold_ms is None,
                             r[0].concurrency is not None, r[0].concurrency or 0))
    return rows


def slow_goals(bench, stats):
    """The slow part's goals (issue 17): met True/False, or None for shown / not measured."""
    rows = slow_rows(bench, stats)
    if not rows:
        return []
    goals = []
    default = {(c.kind, c.probes, c.size): s for c, s, _u, _f in rows if c.concurrency is None and c.hold_ms is None}
    for probes, limit in sorted(SLOW_GOALS.items()):
        text = "%d accounts %s, default settings: wall <= %.0f s" % (
            SLOW_GOAL_SIZE, "with %d probes each" % probes if probes else "without probes", limit)
        s = default.get(("verify", probes, SLOW_GOAL_SIZE))
        if s is None:
            why = "not run at %d accounts" % SLOW_GOAL_SIZE
            goals.append(dict(text=text, met=None, value="not measured (%s)" % why))
            continue
        goals.append(dict(text=text, met=s["wall"] <= limit, value="%.1f s" % s["wall"]))
    worst = max(s["netsuite_max_in_flight"] for _c, s, _u, _f in rows)
    goals.append(dict(text="never more than %d requests in flight per account (emulator, every run)"
                      % PER_ACCOUNT_LIMIT, met=worst <= PER_ACCOUNT_LIMIT, value="most seen %d" % worst))
    peak = [(c, s) for c, s, _u, _f in rows if c.size == max(r[0].size for r in rows)]
    goals.append(dict(text="peak memory of the whole process tree at %d accounts" % peak[0][0].size, met=None,
                      value=", ".join("%s %.0f MB" % (c.key, s["tree"]) for c, s in peak)))
    fast = [(u, c, s) for c, s, u, _f in rows
            if c.kind == "verify" and c.probes == 0 and c.size == SLOW_GOAL_SIZE and c.hold_ms is None
            and s["wall"] <= SLOW_GOALS[0]]
    if fast:
        used, case, s = min(fast, key=lambda x: x[0])
        goals.append(dict(text="smallest concurrency measured that meets %.0f s at %d accounts" % (
            SLOW_GOALS[0], SLOW_GOAL_SIZE), met=None, value="%d (%.1f s; Vault: %d requests in flight at most, %d"
                                                            " connections)" % (used, s["wall"],
                                                                               s["vault_max_in_flight"],
                                                                               s["vault_max_connections"])))
    return goals


def slow_lines(bench, stats):
    rows = slow_rows(bench, stats)
    if not rows:
        return []
    out = ["", "SLOW NETSUITE: every NetSuite answer held %.0f ms (emulator), every Vault request %.0f ms later"
           " (proxy);"
           " verify playbook, medians of %d runs; conc = tba_verify_concurrency (the playbook's default: %s)" % (
               bench.args.hold_ms, bench.args.delay_ms, max(s["n"] for _c, s, _u, _f in rows),
               bench.slow_default_concurrency or "unknown")]
    header = "%-24s %5s %5s %4s %7s %6s %7s %6s %6s %7s %6s %5s %6s %6s %7s %7s %5s" % (
        "case", "N", "conc", "runs", "wall s", "p90 s", "floor s", "CPU s", "RSS MB", "tree MB", "procs", "NS/a",
        "Vault/a", "NS/acct", "Vault", "Vault", "goal")
    out.append(header)
    out.append("%-24s %5s %5s %4s %7s %6s %7s %6s %6s %7s %6s %5s %6s %6s %7s %7s %5s" % (
        "", "", "", "", "", "", "", "", "", "", "", "", "", "in fl.", "in fl.", "conns", ""))
    out.append("-" * len(header))
    for case, s, used, floor in rows:
        limit = SLOW_GOALS.get(case.probes) if (case.size, case.kind, case.hold_ms) == (
            SLOW_GOAL_SIZE, "verify", None) else None
        broken = bench.problems.get(("slow", "slow", case.key, case.size))
        out.append("%-24s %5d %5s %4d %7.2f %6.2f %7s %6.2f %6.1f %7.1f %6d %5.2f %6.2f %6d %7d %7d %5s%s" % (
            case.key, case.size, "%s%s" % (used or "?", "" if case.concurrency else "*"), s["n"], s["wall"], s["p90"],
            "%.2f" % floor if floor else "-", s["cpu"], s["rss"], s["tree"], s["procs"], s["netsuite"] / case.size,
            s["vault"] / case.size, s["netsuite_max_in_flight"], s["vault_max_in_flight"], s["vault_max_connections"],
            "-" if limit is None else "met" if s["wall"] <= limit else "MISS",
            "  BROKEN: " + bench.redact(broken[0])[:150] if broken else ""))
    out.append("  (* the playbook's default; floor = N x (NetSuite requests x hold + Vault requests x delay) / conc:"
               " the wait alone, no CPU; no hold = the reference: NetSuite answering at once, same load;"
               " NS/acct in fl. = most requests in flight to one account (emulator);"
               " Vault in fl. / conns = most requests in flight / connections open at once at Vault (proxy))")
    return out


KEY_LABELS = {"m2m_rsa": "RSA 3072 PS256", "m2m_ec": "EC P-256 ES256", "rsa": "RSA 3072 PS256",
              "ec": "EC P-256 ES256"}


def m2m_task_lines(stats, variant):
    """m2m_credential next to tba_credential, both unchanged with the NetSuite test."""
    tba = stats.get((variant, "task", "tba", None))
    found = [(key, stats.get((variant, "task", key, None))) for key in M2M_TASK_KEYS]
    found = [(key, s) for key, s in found if s]
    if not tba or not found:
        return []
    return ["M2M next to TBA (unchanged, with the NetSuite test): %s; NetSuite requests per run %s vs %g"
            " (token request, serverTime vs serverTime)" % ("; ".join(
                "%s %.2fx (%+.0f ms wall, %+.0f ms CPU, largest process %+.1f MB)" % (
                    KEY_LABELS[key], s["wall"] / tba["wall"], (s["wall"] - tba["wall"]) * 1000,
                    (s["cpu"] - tba["cpu"]) * 1000, s["rss"] - tba["rss"]) for key, s in found),
                "/".join("%g" % s["netsuite"] for _key, s in found), tba["netsuite"])]


def m2m_cost_lines(bench):
    """The step-by-step costs m2m_costs.py measured (see there)."""
    broken = bench.problems.get(("local", "m2m_costs", None, None))
    if broken:
        return ["", "M2M COST STEPS: BROKEN: " + bench.redact(broken[0])]
    c = bench.costs
    if not c:
        return []
    kinds = [k for k in ("rsa", "ec") if k in c["validate_ms"]]

    def row(label, field, tba="-"):
        values = ["%8.2f" % c[field][k] if k in c.get(field, {}) else "%8s" % "-" for k in kinds]
        return "%-58s %8s %s" % (label, tba, " ".join("%16s" % v for v in values))

    out = ["", "M2M COST STEPS: the collection's own functions in the benchmark venv's Python, ms, medians of %d"
           " in one warm process" % c["rounds"],
           "%-58s %8s %s" % ("step", "TBA", " ".join("%16s" % KEY_LABELS[k] for k in kinds))]
    out.append("-" * len(out[-1]))
    out.append(row("offline validation (M2M: key, certificate, pair)", "validate_ms", "%8.2f" % c["validate_ms"]["tba"]))
    out.append(row("  of it loading the private key with its checks", "key_check_ms"))
    out.append(row("load the private key without the RSA check, per assertion", "key_load_ms"))
    out.append(row("sign the assertion (PyJWT with cryptography)", "sign_ms"))
    out.append(row("build the assertion (load + claims + sign)", "assertion_ms"))
    out.append(row("token request round trip, loopback emulator", "token_request_ms"))
    out.append(row("  of it the emulator verifying the assertion (pure Python)", "emulator_verify_ms"))
    out.append(row("serverTime with the bearer token", "bearer_server_time_ms"))
    out.append(row("whole NetSuite test (probe_connection)", "netsuite_test_ms",
                   "%8.2f" % c["netsuite_test_ms"]["tba"]))
    out.append(row("secret scrubber over the registered secrets (3 per task)", "scrubber_ms",
                   "%8.2f" % c["scrubber_ms"]["tba"]))
    out.append(row("fresh process, first call: offline validation", "cold_validate_ms",
                   "%8.2f" % c["cold_validate_ms"]["tba"]))
    out.append(row("fresh process, first call: NetSuite test", "cold_test_ms", "%8.2f" % c["cold_test_ms"]["tba"]))
    out.append("imports on first use, fresh process: requests %.0f ms (TBA's test); with cryptography, PyJWT and"
               " oauthlib.oauth2 (M2M's) %.0f ms: %+.0f ms" % (
                   c["import_ms"]["tba"], c["import_ms"]["m2m"], c["import_ms"]["m2m"] - c["import_ms"]["tba"]))
    return out


def mixed_fleet_lines(stats, variant):
    """The mixed fleet next to the all-TBA one of the same size."""
    lines = []
    for size in sorted(s for (v, p, k, s) in stats if (v, p, k) == (variant, "fleet", "mixed")):
        s, tba = stats[(variant, "fleet", "mixed", size)], stats.get((variant, "fleet", "verify", size))
        if not tba:
            continue
        m2m = size // 2
        lines.append("mixed %d (%d M2M: %d RSA 3072, %d EC P-256) / all TBA: %.2fx (%.2f s / %.2f s), %+.1f ms wall"
                     " and %+.1f ms CPU per M2M account" % (
                         size, m2m, (m2m + 1) // 2, m2m // 2, s["wall"] / tba["wall"], s["wall"], tba["wall"],
                         (s["wall"] - tba["wall"]) * 1000 / m2m, (s["cpu"] - tba["cpu"]) * 1000 / m2m))
    return lines


def render(bench, stats, goals, duration):
    args = bench.args
    out = []
    out.append("netsuite_ops.credentials playbook benchmark, %s" % time.strftime("%Y-%m-%d %H:%M %Z"))
    out.append("machine: %s, %d CPUs, load average at the start %s, at the end %s; ansible-playbook: %s" % (
        platform.machine(), os.cpu_count() or 0, "%.1f %.1f %.1f" % bench.load_at_start,
        "%.1f %.1f %.1f" % os.getloadavg(), bench.versions))
    out.append("forks %d%s; remote-like: %.0f ms added before every Vault request (proxy); slow NetSuite: every"
               " answer held %.0f ms; test bed set-up %.0f s" % (
                   args.forks, ", tba_verify_concurrency %d" % args.concurrency if args.concurrency else "",
                   args.delay_ms, args.hold_ms, bench.setup_seconds))
    for variant in ("local", "remote"):
        task = [(k, l) for k, l, _r in TASK_CASES if (variant, "task", k, None) in stats]
        if task:
            out.append("")
            out.append("PER TASK (%s Vault): one ansible-playbook process, one task, medians of %d runs" % (
                "loopback" if variant == "local" else "remote-like", stats[(variant, "task", task[0][0], None)]["n"]))
            header = "%-50s %8s %7s %8s %7s %7s %5s %7s %8s %6s %6s %4s" % (
                "case", "wall ms", "p90", "CPU ms", "RSS MB", "tree", "procs", "/ping", "/kv2_wr", "/tba", "Vault",
                "NS")
            out.append(header)
            out.append("-" * len(header))
            ping = stats.get((variant, "task", "ping", None))
            for key, label in task:
                s = stats[(variant, "task", key, None)]
                change = key.endswith("change")
                ref = stats.get((variant, "task", "hv_change" if change else "hv_write", None))
                tba = stats.get((variant, "task", "tba_change" if change else "tba", None))
                broken = bench.problems.get((variant, "task", key, None))
                out.append("%-50s %8.0f %7.0f %8.0f %7.1f %7.1f %5d %6.2fx %7.2fx %5.2fx %6g %4g%s" % (
                    label, s["wall"] * 1000, s["p90"] * 1000, s["cpu"] * 1000, s["rss"], s["tree"], s["procs"],
                    s["wall"] / ping["wall"] if ping else 0, s["wall"] / ref["wall"] if ref else 0,
                    s["wall"] / tba["wall"] if tba else 0,
                    s["vault"], s["netsuite"], "  BROKEN: " + bench.redact(broken[0])[:150] if broken else ""))
            out.append("  (/kv2_wr, /tba: the change rows are divided by the change rows of vault_kv2_write and"
                       " tba_credential)")
            out.extend("  " + line for line in m2m_task_lines(stats, variant))
            if variant == "local":
                out.extend(m2m_cost_lines(bench))
        fleet = sorted((k, s) for (v, p, k, s) in stats if v == variant and p == "fleet")
        if fleet:
            out.append("")
            out.append("FLEET (%s Vault): ansible-playbook over N accounts (verify: netsuite_ops.credentials.verify;"
                       " peer: vault_kv2_get per host)" % ("loopback" if variant == "local" else "remote-like"))
            header = "%-7s %6s %4s %8s %7s %8s %8s %8s %8s %6s %7s %7s %7s %6s" % (
                "case", "N", "runs", "wall s", "p90 s", "CPU s", "ms/acct", "RSS MB", "tree MB", "procs",
                "Vault/a", "NS/a", "/peer", "/tba")
            out.append(header)
            out.append("-" * len(header))
            order = {"verify": 0, "mixed": 1, "peer": 2}
            for key, size in sorted(fleet, key=lambda x: (order.get(x[0], 3), x[1])):
                s = stats[(variant, "fleet", key, size)]
                peer = stats.get((variant, "fleet", "peer", size)) if key == "verify" else None
                tba = stats.get((variant, "fleet", "verify", size)) if key == "mixed" else None
                broken = bench.problems.get((variant, "fleet", key, size))
                out.append("%-7s %6d %4d %8.2f %7.2f %8.2f %8.1f %8.1f %8.1f %6d %7.2f %7.2f %7s %6s%s" % (
                    key, size, s["n"], s["wall"], s["p90"], s["cpu"], s["wall"] * 1000 / size, s["rss"], s["tree"],
                    s["procs"], s["vault"] / size, s["netsuite"] / size,
                    "%.3fx" % (s["wall"] / peer["wall"]) if peer else "-",
                    "%.2fx" % (s["wall"] / tba["wall"]) if tba else "-",
                    "  BROKEN: " + bench.redact(broken[0])[:150] if broken else ""))
            for (v, p, k, s), reason in sorted(bench.skipped.items()):
                if v == variant:
                    out.append("%-7s %6d  %s" % (k, s, reason))
            kinds = {}
            for (v, p, k, s), st in stats.items():
                if v == variant and p == "fleet":
                    for kind, n in st["vault_kinds"].items():
                        kinds.setdefault(k, {}).setdefault(kind, []).append(n / s)
            for key, by_kind in sorted(kinds.items()):
                out.append("  Vault requests per account, %s: %s" % (key, ", ".join(
                    "%s %.2f" % (kind, statistics.median(v)) for kind, v in sorted(by_kind.items()))))
            out.extend("  " + line for line in mixed_fleet_lines(stats, variant))
        if variant == "remote" and any(v == "remote" for (v, _p, _k, _s) in stats):
            sent = sum(r["proxied"] for (v, _p, _k, _s), runs in bench.samples.items() if v == variant for r in runs)
            audited = sum(sum(r["vault_requests"].values())
                          for (v, _p, _k, _s), runs in bench.samples.items() if v == variant for r in runs)
            out.append("  proxy delayed %d requests in the recorded runs; OpenBao audited %d" % (sent, audited))
    out.extend(slow_lines(bench, stats))
    out.append("")
    out.append("goals:")
    for goal in goals:
        value = ("%.1f s" % goal["value"]) if goal["ident"][2] == 500 and goal["against"][0] is None else \
            "%.2fx" % goal["value"]
        out.append("  %-4s %-6s %s: %s (limit %s; %s)" % (
            "met" if goal["met"] else "MISS", goal["variant"], goal["text"], value,
            ("%.0f s" % goal["limit"]) if goal["ident"][2] == 500 and goal["against"][0] is None else
            "%.2fx" % goal["limit"], goal["detail"]))
        if not goal["met"]:
            for line in cause(stats, goal["variant"], goal):
                out.append("         cause: " + line)
    for goal in slow_goals(bench, stats):
        out.append("  %-4s slow   %s: %s" % ({True: "met", False: "MISS", None: "-"}[goal["met"]], goal["text"],
                                             goal["value"]))
    for note in bench.notes:
        out.append("note: " + note)
    out.append("")
    out.append("columns: wall = whole ansible-playbook process (fork to exit); CPU = user+system of the process and"
               " every descendant (wait4); RSS = largest single process (ru_maxrss); tree = peak of the summed PSS of"
               " all its processes (sampled every 0.2 s); procs = most processes at once; Vault/NS = requests seen by"
               " OpenBao's audit log / the emulator (per run; /a per account).")
    out.append("measured in %.0f s" % duration)
    return "\n".join(out)


def parse_sizes(text):
    return sorted({int(x) for x in text.split(",") if x.strip()}) if text else []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--ansible-bin", required=True, help="bin/ of the venv whose ansible-playbook is measured")
    parser.add_argument("--collections", required=True,
                        help="a root holding ansible_collections/netsuite_ops/credentials and community/hashi_vault")
    parser.add_argument("--cache-dir", default=tempfile.gettempdir(), help="where the byte-code cache goes")
    parser.add_argument("--parts", default="task,fleet,remote,slow", help="task, fleet, remote, slow (default all)")
    parser.add_argument("--quick", action="store_true", help="smoke run (about 2 minutes): few rounds, small fleets")
    parser.add_argument("--task-rounds", type=int, default=10)
    parser.add_argument("--fleet-rounds", type=int, default=3)
    parser.add_argument("--fleet-sizes", default="10,100,200,500,1000", help="accounts for the verify playbook")
    parser.add_argument("--peer-sizes", default="10,100,200", help="accounts for the vault_kv2_get fleet")
    parser.add_argument("--remote-task-rounds", type=int, default=5)
    parser.add_argument("--remote-fleet-rounds", type=int, default=2)
    parser.add_argument("--remote-fleet-sizes", default="100,500")
    parser.add_argument("--remote-peer-sizes", default="100")
    parser.add_argument("--mixed-sizes", default="100,500",
                        help="accounts for the verify playbook over a mixed fleet (every second account M2M)")
    parser.add_argument("--remote-mixed-sizes", default="500")
    parser.add_argument("--cost-rounds", type=int, default=30,
                        help="repetitions of each step of the M2M cost breakdown (task part)")
    parser.add_argument("--delay-ms", type=float, default=DELAY_MS,
                        help="added before each Vault request (remote, slow)")
    parser.add_argument("--hold-ms", type=float, default=HOLD_MS, help="every NetSuite answer held this long (slow)")
    parser.add_argument("--slow-sizes", default=str(SLOW_GOAL_SIZE), help="accounts for the slow part's TBA fleet")
    parser.add_argument("--slow-mixed-sizes", default=str(SLOW_GOAL_SIZE),
                        help="accounts for the slow part's mixed fleet (every second account M2M)")
    parser.add_argument("--slow-probe-sizes", default=str(SLOW_GOAL_SIZE),
                        help="accounts for the slow part's TBA fleet with capability probes (default concurrency)")
    parser.add_argument("--slow-probes", type=int, default=2, choices=range(0, len(BENCH_PROBES) + 1),
                        help="capability probes per account in that fleet (netsuite_verify_probes; 0: no such case)")
    parser.add_argument("--slow-concurrency", default="default,32,64,128",
                        help="tba_verify_concurrency values for the slow part; 'default' passes none")
    parser.add_argument("--slow-rounds", type=int, default=2)
    parser.add_argument("--no-slow-reference", dest="slow_reference", action="store_false",
                        help="leave out the slow part's reference run (default concurrency, no hold)")
    parser.add_argument("--forks", type=int, default=5, help="ansible-playbook forks, both fleets (default 5)")
    parser.add_argument("--concurrency", type=int, default=0,
                        help="also pass -e tba_verify_concurrency=N to the verify playbook (default: its own)")
    parser.add_argument("--fleet-run-limit", type=int, default=150,
                        help="skip a fleet size projected to take longer than this many seconds per run")
    parser.add_argument("--fleet-size-budget", type=int, default=120,
                        help="fewer rounds for a fleet size whose rounds would take longer than this in total")
    parser.add_argument("--run-timeout", type=int, default=600, help="stop any single run after this many seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="PATH", help="also write every sample and statistic as JSON")
    parser.add_argument("--fail-on-goals", action="store_true", help="exit 3 when a goal is missed")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    args.parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    known = {"task", "fleet", "remote", "slow"}
    if args.parts - known:
        parser.error("unknown part(s): %s" % ", ".join(sorted(args.parts - known)))
    if args.quick:
        args.task_rounds, args.fleet_rounds, args.remote_task_rounds, args.remote_fleet_rounds = 3, 1, 2, 1
        args.fleet_sizes, args.peer_sizes = "10,50", "10,50"
        args.remote_fleet_sizes, args.remote_peer_sizes = "30", "30"
        args.mixed_sizes, args.remote_mixed_sizes, args.cost_rounds = "50", "30", 5
        args.fleet_run_limit = min(args.fleet_run_limit, 40)
        args.slow_sizes, args.slow_mixed_sizes, args.slow_concurrency, args.slow_rounds = "200", "100", "default,64", 1
        args.slow_probe_sizes = "200"
    for name in ("fleet_sizes", "peer_sizes", "remote_fleet_sizes", "remote_peer_sizes", "mixed_sizes",
                 "remote_mixed_sizes", "slow_sizes", "slow_mixed_sizes", "slow_probe_sizes"):
        setattr(args, name, parse_sizes(getattr(args, name)))
    try:
        args.slow_concurrency = [None if x.strip() == "default" else int(x)
                                 for x in args.slow_concurrency.split(",") if x.strip()]
    except ValueError:
        parser.error("--slow-concurrency: a comma-separated list of whole numbers or 'default'")

    bench = Bench(args)
    bench.load_at_start = os.getloadavg()
    stack = []
    started = time.time()
    try:
        bench.setup(stack)
        bench.versions = subprocess.run(
            [bench.playbook, "--version"], env=bench.env, capture_output=True, text=True, check=False
        ).stdout.splitlines()[0:1]
        bench.versions = " ".join(bench.versions).strip() + ", Python " + platform.python_version()
        if "task" in args.parts:
            bench.task_part("local", args.task_rounds)
            bench.m2m_costs(args.cost_rounds)
        if "fleet" in args.parts:
            bench.fleet_part("local", args.fleet_sizes, args.peer_sizes, args.fleet_rounds, args.mixed_sizes)
        if "remote" in args.parts:
            bench.task_part("remote", args.remote_task_rounds)
            bench.fleet_part("remote", args.remote_fleet_sizes, args.remote_peer_sizes, args.remote_fleet_rounds,
                             args.remote_mixed_sizes)
        if "slow" in args.parts:
            bench.slow_part(args.slow_sizes, args.slow_mixed_sizes, args.slow_concurrency, args.slow_rounds)
        duration = time.time() - started
    finally:
        for close in reversed(stack):
            try:
                close()
            except Exception as exc:  # keep closing the rest  # pylint: disable=broad-except
                print("cleanup: %s" % exc, file=sys.stderr)

    stats, goals = analyse(bench)
    text = render(bench, stats, goals, duration)
    blob = ""
    if args.json:
        blob = json.dumps(dict(
            date=time.strftime("%Y-%m-%d"), machine=dict(cpus=os.cpu_count(), arch=platform.machine(),
                                                         load_average=os.getloadavg()),
            versions=bench.versions, args={k: sorted(v) if isinstance(v, set) else v for k, v in vars(args).items()},
            stats={"|".join(str(x) for x in k): v for k, v in stats.items()},
            samples={"|".join(str(x) for x in k): v for k, v in bench.samples.items()},
            goals=goals, slow_goals=slow_goals(bench, stats),
            skipped={"|".join(str(x) for x in k): v for k, v in bench.skipped.items()},
            m2m_costs=bench.costs,
            notes=bench.notes), indent=1, default=str)
    leaked = bench.redact.found_in(text) + bench.redact.found_in(blob)
    print(bench.redact(text))
    if args.json:
        write_private(args.json, bench.redact(blob))
        print("JSON written to %s" % args.json)
    if leaked:
        print("BUG: %d secret(s) reached this output and were replaced by <hidden>" % leaked, file=sys.stderr)
        return 4
    print("secret check: none of the run's %d secrets appears in this output" % len(bench.redact))
    if bench.problems:
        print("some runs did not do what they should (BROKEN above): their numbers are not comparable",
              file=sys.stderr)
        return 1
    if args.fail_on_goals and not all(goal["met"] is not False for goal in goals + slow_goals(bench, stats)):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
