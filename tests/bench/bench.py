# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Speed and memory of one module execution, against community.hashi_vault and ansible.builtin.ping.

Run by scripts/bench with the benchmark venv's Python (the standard library, and cryptography to
make the M2M cases' keys and certificates with tests/support/m2m_accounts.py):

    python tests/bench/bench.py --testbed testbed.json --collections ROOT [--rounds N] [--json PATH]

ROOT holds ansible_collections/{netsuite_ops/credentials,community/hashi_vault}. Every case runs
once per round, in a shuffled order, so slow phases of a shared machine hit all cases alike.
Each run is a fresh process started by spawn.py (see there why); its wall time and peak RSS
(ru_maxrss from wait4) are recorded, and its result is checked, so a broken case is reported
instead of timed. Two modes: the AnsiballZ payload Ansible builds (as it runs on the target) and
``python -m <module> args.json`` (the module without AnsiballZ); see docs/benchmark.md. Nothing secret is printed:
of a module's result only changed, failed and the first line of msg are shown, with every value
from the test bed's secrets replaced by <hidden>. The files that hold secrets (module arguments,
AnsiballZ payloads, module output) live in a private temporary directory removed at exit.
"""

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests/ : support

MODES = {
    "ansiballz": "python AnsiballZ_<module>.py: the payload Ansible builds and runs on the target",
    "direct": "python -m <module import path> args.json: the module without AnsiballZ",
}
BASELINE = "ping"
ANCHOR = "hv_write"
HEAVY_LIBRARIES = ("hvac", "requests", "urllib3", "oauthlib", "requests_oauthlib", "cryptography", "jwt")
# Imported alone too: what each library costs by itself (hvac includes requests; PyJWT, as
# m2m_credential uses it, includes cryptography).
LIBRARY_PROBES = ("requests", "hvac", "requests_oauthlib", "jwt")
# (case key that must stay cheap, case it is measured against, largest ratio allowed)
GOALS = (("tba_vault", ANCHOR, 1.5),)
BENCH_MOUNT = "secret"
HV_PATH = "bench/hashi_vault/tba"
TBA_PATH = "bench/netsuite_ops/tba"
TOKEN_NAME = "bench token"
# The M2M cases: one integration per key type, made for the run and added to the emulator.
M2M_KEYS = {"m2m_rsa": "rsa3072", "m2m_ec": "ec-p256"}
M2M_PATH = "bench/netsuite_ops/%s"
# Which TBA case an M2M case is set next to (t/tba).
TBA_TWIN = {"tba_vault": "tba_vault", "tba_tested": "tba_tested", "m2m_vault": "tba_vault",
            "m2m_rsa": "tba_tested", "m2m_ec": "tba_tested"}


class Case:
    """One module call: its arguments and what its result must look like."""

    def __init__(self, key, label, fqcn, import_path, args, expect):
        self.key = key
        self.label = label
        self.fqcn = fqcn
        self.import_path = import_path
        self.args = args
        self.expect = expect  # result dict -> list of problems (empty when right)


def _unchanged(result, extra=None):
    problems = []
    if result.get("failed"):
        problems.append("failed")
    # ping and vault_kv2_get leave changed out; Ansible then reports changed: false.
    if result.get("changed", False) is not False:
        problems.append("changed=%r (expected False)" % result.get("changed"))
    if extra:
        problems.extend(extra(result))
    return problems


def make_m2m_integrations(testbed, redact):
    """One M2M integration per key type: a fresh key and self-signed certificate, mapped in the
    test bed's emulator (its control API); returns case key -> the module's five values."""
    from support.m2m_accounts import make_m2m_account

    values = {}
    for key, key_type in M2M_KEYS.items():
        account = make_m2m_account(key_type=key_type)
        redact.add(*account.secret_values())
        request = urllib.request.Request(
            testbed["netsuite_url"].rstrip("/") + "/__emulator/accounts", method="POST",
            data=json.dumps(account.emulator_account()).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:  # nosec: the test bed's loopback emulator
            answer.read()
        values[key] = account.module_values()
    return values


def build_cases(testbed, m2m):
    account = testbed["netsuite_accounts"]["good_sandbox"]
    vault_url, token = testbed["vault_url"], testbed["vault_root_token"]
    stored = {name: account[name] for name in
              ("account_id", "consumer_key", "consumer_secret", "token_id", "token_secret")}
    # community.hashi_vault stores the same five keys tba_credential stores (realm-form ID).
    hv_data = dict(stored, account_id=account["account_id"].upper())
    hv_conn = dict(url=vault_url, token=token, engine_mount_point=BENCH_MOUNT, path=HV_PATH)
    tba_args = dict(stored, path=TBA_PATH, engine_mount_point=BENCH_MOUNT, token_name=TOKEN_NAME,
                    netsuite_url=testbed["netsuite_url"], vault=dict(url=vault_url, token=token))

    def same_data(result):
        return [] if result.get("secret") == hv_data else ["secret differs from what was written"]

    def untested(result):
        tested = (result.get("connection") or {}).get("tested")
        return [] if tested is False else ["connection.tested=%r (expected False)" % tested]

    def tested_ok(result):
        connection = result.get("connection") or {}
        return [] if connection.get("ok") is True and connection.get("tested", True) else [
            "connection.ok=%r (expected True)" % connection.get("ok")]

    def stored_ok(result):
        return [] if result.get("ok") is True else ["ok=%r (expected True)" % result.get("ok")]

    def pong(result):
        return [] if result.get("ping") == "pong" else ["ping=%r" % result.get("ping")]

    def m2m_args(key, test_connection):
        return dict(m2m[key], path=M2M_PATH % key, engine_mount_point=BENCH_MOUNT, integration_name="bench integration",
                    netsuite_url=testbed["netsuite_url"], vault=dict(url=vault_url, token=token),
                    test_connection=test_connection)

    hv = "ansible_collections.community.hashi_vault.plugins.modules."
    ours = "ansible_collections.netsuite_ops.credentials.plugins.modules."
    return [
        Case("ping", "ansible.builtin.ping", "ansible.builtin.ping", "ansible.modules.ping",
             dict(data="pong"), lambda r: _unchanged(r, pong)),
        Case("hv_write", "hashi_vault.vault_kv2_write (read_before_write)",
             "community.hashi_vault.vault_kv2_write", hv + "vault_kv2_write",
             dict(hv_conn, data=hv_data, read_before_write=True), _unchanged),
        Case("hv_get", "hashi_vault.vault_kv2_get", "community.hashi_vault.vault_kv2_get",
             hv + "vault_kv2_get", dict(hv_conn), lambda r: _unchanged(r, same_data)),
        Case("tba_vault", "tba_credential (test_connection: false)",
             "netsuite_ops.credentials.tba_credential", ours + "tba_credential",
             dict(tba_args, test_connection=False), lambda r: _unchanged(r, untested)),
        Case("tba_tested", "tba_credential (NetSuite test)",
             "netsuite_ops.credentials.tba_credential", ours + "tba_credential",
             dict(tba_args, test_connection=True), lambda r: _unchanged(r, tested_ok)),
        Case("conn_test", "credential_check (path)",
             "netsuite_ops.credentials.credential_check", ours + "credential_check",
             dict(path=TBA_PATH, engine_mount_point=BENCH_MOUNT, netsuite_url=testbed["netsuite_url"],
                  vault=dict(url=vault_url, token=token)), lambda r: _unchanged(r, stored_ok)),
        Case("m2m_vault", "m2m_credential RSA 3072 (test_connection: false)",
             "netsuite_ops.credentials.m2m_credential", ours + "m2m_credential",
             m2m_args("m2m_rsa", test_connection=False), lambda r: _unchanged(r, untested)),
        Case("m2m_rsa", "m2m_credential RSA 3072 PS256 (NetSuite test)",
             "netsuite_ops.credentials.m2m_credential", ours + "m2m_credential",
             m2m_args("m2m_rsa", test_connection=True), lambda r: _unchanged(r, tested_ok)),
        Case("m2m_ec", "m2m_credential EC P-256 ES256 (NetSuite test)",
             "netsuite_ops.credentials.m2m_credential", ours + "m2m_credential",
             m2m_args("m2m_ec", test_connection=True), lambda r: _unchanged(r, tested_ok)),
    ]


class Redactor:
    """Replaces every registered secret with <hidden> in text that gets printed."""

    def __init__(self, values=()):
        self._values = set()
        self.add(*values)

    @classmethod
    def for_testbed(cls, testbed):
        values = [testbed["vault_root_token"]] + list((testbed.get("vault_tokens") or {}).values())
        for account in testbed["netsuite_accounts"].values():
            values.extend(account[name] for name in ("consumer_key", "consumer_secret", "token_id", "token_secret"))
        return cls(values)

    def add(self, *values):
        self._values.update(v for v in values if v)

    def __len__(self):
        return len(self._values)

    def found_in(self, text):
        return sum(value in text for value in self._values)

    def __call__(self, text):
        text = str(text)
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, "<hidden>")
        return text


def write_private(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(data)


def parse_result(raw):
    """A module's JSON result from its stdout (None when there is none)."""
    text = raw.decode("utf-8", "replace").strip()
    try:
        return json.loads(text)
    except ValueError:
        start = text.find("{")
        if start < 0:
            return None
        try:
            return json.loads(text[start:])
        except ValueError:
            return None


def summary(result, redact):
    if result is None:
        return "no JSON result"
    msg = redact(result.get("msg", "")).splitlines()
    return "changed=%s failed=%s%s" % (result.get("changed", False), bool(result.get("failed")),
                                       " msg=%s" % msg[0][:120] if msg else "")


class Runner:
    """Runs commands through spawn.py, one at a time, each measured alone."""

    def __init__(self, workdir, env):
        self.workdir = workdir
        self.env = env
        self._out = os.path.join(workdir, "stdout")
        self._err = os.path.join(workdir, "stderr")
        spawn = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spawn.py")
        self._spawner = subprocess.Popen([sys.executable, "-S", "-E", spawn], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, env={}, cwd=workdir)
        self.spawner_peak_mb = 0.0

    def close(self):
        self._spawner.stdin.close()
        self._spawner.wait()

    def run(self, argv, env=None):
        """(wall seconds, peak RSS in MiB, exit code, stdout bytes) of one run of argv."""
        env = env or self.env
        fields = [self.workdir, self._out, self._err, str(len(argv))] + list(argv)
        fields += ["%s=%s" % item for item in sorted(env.items())]
        blob = "\0".join(fields).encode()
        self._spawner.stdin.write(b"%08x" % len(blob) + blob)
        self._spawner.stdin.flush()
        answer = self._spawner.stdout.readline().split()
        if len(answer) < 4:
            raise SystemExit("spawn.py stopped answering")
        wall_ns, rss_kib, code, own_kib = (int(x) for x in answer[:4])
        self.spawner_peak_mb = max(self.spawner_peak_mb, own_kib / 1024.0)
        with open(self._out, "rb") as handle:
            stdout = handle.read()
        os.unlink(self._out)
        return wall_ns / 1e9, rss_kib / 1024.0, code, stdout

    def stderr_first_line(self, redact):
        """The last line of the last run's stderr (where a traceback says what went wrong)."""
        try:
            with open(self._err, "rb") as handle:
                lines = handle.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return redact(lines[-1])[:200] if lines else ""


def child_env(collections, cache_dir):
    env = {
        "PATH": os.path.dirname(sys.executable) + os.pathsep + "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/"),
        "LANG": "C.UTF-8",
        # Byte code for every file (our modules included) in one place outside the repo, written
        # by the warm-up runs: no __pycache__ in the work tree, same caching for every case.
        "PYTHONPYCACHEPREFIX": os.path.join(cache_dir, "bench-pycache"),
    }
    if os.environ.get("TMPDIR"):
        env["TMPDIR"] = os.environ["TMPDIR"]
    direct = dict(env, PYTHONPATH=collections)
    return env, direct


IMPORT_PROBE = r"""
import json, sys, time
start = time.perf_counter()
module = __import__(sys.argv[1], fromlist=["main"])
elapsed = time.perf_counter() - start
heavy = [name for name in sys.argv[2].split(",") if name in sys.modules]
print(json.dumps(dict(file=module.__file__, ms=elapsed * 1000, heavy=heavy)))
"""


def import_probe(import_path):
    """argv that imports a module (its main() does not run) and reports time and heavy imports."""
    return [sys.executable, "-c", IMPORT_PROBE, import_path, ",".join(HEAVY_LIBRARIES)]


def check_imports(collections, env, cases):
    """Prove both collections import from ROOT (not from the ansible package's copy), and note
    which heavy libraries loading each module pulls in."""
    report = {}
    for path in [case.import_path for case in cases] + list(LIBRARY_PROBES):
        if path in report:
            continue
        proc = subprocess.run(import_probe(path), env=env, capture_output=True, check=False)
        if proc.returncode:
            raise SystemExit("cannot import %s with PYTHONPATH=%s:\n%s" % (
                path, collections, proc.stderr.decode(errors="replace")[-2000:]))
        found = json.loads(proc.stdout)
        if path.startswith("ansible_collections.") and not found["file"].startswith(collections):
            raise SystemExit("%s imported from %s, not from %s" % (path, found["file"], collections))
        report[path] = dict(file=found["file"], heavy=found["heavy"], samples_ms=[], rss_mb=[])
    return report


def build_payloads(cases, workdir, collections, env, redact, payload_sizes):
    """AnsiballZ payloads exactly as Ansible builds them: one ad-hoc run per case with
    ANSIBLE_KEEP_REMOTE_FILES, whose payload (arguments embedded) is then run on its own."""
    ansible = os.path.join(os.path.dirname(sys.executable), "ansible")
    config = os.path.join(workdir, "ansible.cfg")
    write_private(config, "")
    payloads = {}
    for case in cases:
        remote = os.path.join(workdir, "remote-" + case.key)
        vars_file = os.path.join(workdir, "vars-%s.json" % case.key)
        write_private(vars_file, json.dumps({"bench_args": case.args}))
        # Only templates on the command line; the values come from the private vars file.
        module_args = " ".join("%s={{ bench_args[%s] }}" % (name, json.dumps(name)) for name in case.args)
        adhoc_env = dict(env, ANSIBLE_CONFIG=config, ANSIBLE_KEEP_REMOTE_FILES="1",
                         ANSIBLE_REMOTE_TMP=remote, ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "local"),
                         ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="False",
                         ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="False",
                         # The collection's action plugins run a localhost task in the controller;
                         # this forces the module path, whose payload is what is measured here.
                         NETSUITE_OPS_CREDENTIALS_EXECUTION="module")
        proc = subprocess.run(
            [ansible, "localhost", "-i", "localhost,", "-c", "local", "-m", case.fqcn, "-a", module_args,
             "-e", "@" + vars_file, "-e", "ansible_python_interpreter=" + sys.executable],
            env=adhoc_env, cwd=workdir, capture_output=True, check=False)
        os.unlink(vars_file)
        found = [os.path.join(d, f) for d, unused_dirs, files in os.walk(remote) for f in files
                 if f.startswith("AnsiballZ_")]
        if len(found) != 1:
            lines = redact(proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace"))
            raise SystemExit("building the AnsiballZ payload of %s failed (rc=%s):\n%s" % (
                case.fqcn, proc.returncode, "\n".join(lines.splitlines()[:5])))
        os.chmod(found[0], 0o600)
        payloads[case.key] = found[0]
        payload_sizes[case.key] = os.path.getsize(found[0])
    return payloads


def quantile(values, q):
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def versions(collections):
    from importlib import metadata

    found = {"python": platform.python_version()}
    for dist in ("ansible", "ansible-core", "hvac", "requests", "requests-oauthlib"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = None
    for name in ("community/hashi_vault", "netsuite_ops/credentials"):
        root = os.path.join(collections, "ansible_collections", name)
        try:
            with open(os.path.join(root, "MANIFEST.json"), encoding="utf-8") as handle:
                found[name.replace("/", ".")] = json.load(handle)["collection_info"]["version"]
        except (OSError, ValueError, KeyError):
            try:
                with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as handle:
                    line = [x for x in handle if x.startswith("version:")][0]
                found[name.replace("/", ".")] = line.split(":", 1)[1].strip().strip("'\"")
            except (OSError, IndexError):
                found[name.replace("/", ".")] = None
    return found


def measure(args):
    with open(args.testbed, encoding="utf-8") as handle:
        testbed = json.load(handle)
    redact = Redactor.for_testbed(testbed)
    cases = build_cases(testbed, make_m2m_integrations(testbed, redact))
    modes = list(MODES) if args.mode == "both" else [args.mode]
    collections = os.path.abspath(args.collections)
    env, direct_env = child_env(collections, args.cache_dir)
    workdir = tempfile.mkdtemp(prefix="nso-bench-")  # mode 0700
    closers = []
    try:
        runner = Runner(workdir, env)
        closers.append(runner.close)
        imports = check_imports(collections, direct_env, cases)

        commands = {}
        for case in cases:
            args_file = os.path.join(workdir, "args-%s.json" % case.key)
            write_private(args_file, json.dumps({"ANSIBLE_MODULE_ARGS": case.args}))
            commands[("direct", case.key)] = ([sys.executable, "-m", case.import_path, args_file], direct_env)

        # Seed: the secrets exist and hold the declared values before anything is timed, so every
        # timed run takes the unchanged path (one read, no write).
        for key in ("hv_write", "tba_tested", "m2m_rsa", "m2m_ec"):
            argv, cenv = commands[("direct", key)]
            code, out = runner.run(argv, cenv)[2:]
            result = parse_result(out)
            if code or result is None or result.get("failed"):
                raise SystemExit("seeding with %s failed: %s %s" % (
                    key, summary(result, redact), runner.stderr_first_line(redact)))

        payload_sizes = {}
        if "ansiballz" in modes:
            payloads = build_payloads(cases, workdir, collections, env, redact, payload_sizes)
            for case in cases:
                commands[("ansiballz", case.key)] = ([sys.executable, payloads[case.key]], env)

        samples = {(mode, case.key): dict(wall=[], rss=[], problems=[], results=0, netsuite_ms=[])
                   for mode in modes for case in cases}
        by_key = {case.key: case for case in cases}
        last_summary = {}

        def one(mode, key, record):
            if mode == "import":
                rss, code, out = runner.run(import_probe(key), direct_env)[1:]
                if code:
                    raise SystemExit("importing %s failed: %s" % (key, runner.stderr_first_line(redact)))
                if record:
                    imports[key]["samples_ms"].append(json.loads(out)["ms"])
                    imports[key]["rss_mb"].append(rss)
                return []
            argv, cenv = commands[(mode, key)]
            wall, rss, code, out = runner.run(argv, cenv)
            result = parse_result(out)
            problems = by_key[key].expect(result) if result is not None else ["no JSON result"]
            if code and not problems:
                problems = ["exit code %s" % code]
            last_summary[(mode, key)] = summary(result, redact)
            if problems:
                last_summary[(mode, key)] += " | " + "; ".join(problems)
                stderr = runner.stderr_first_line(redact)
                if stderr and result is None:
                    last_summary[(mode, key)] += " | stderr: " + stderr
            if record:
                slot = samples[(mode, key)]
                slot["wall"].append(wall * 1000.0)
                slot["rss"].append(rss)
                slot["results"] += 1
                if problems:
                    slot["problems"].append("; ".join(problems))
                elapsed = ((result or {}).get("connection") or {}).get("elapsed_ms")
                if isinstance(elapsed, (int, float)):
                    slot["netsuite_ms"].append(float(elapsed))
            return problems

        pairs = [(mode, case.key) for mode in modes for case in cases]
        # Import-only runs share the rounds, so a busy moment hits them like every other case.
        pairs += [("import", path) for path in imports]
        for warmup in range(args.warmup):  # byte code caches, page cache, first connections
            for mode, key in pairs:
                one(mode, key, record=False)
        shuffle = random.Random(args.seed)
        started = time.time()
        for number in range(args.rounds):
            order = list(pairs)
            shuffle.shuffle(order)
            for mode, key in order:
                one(mode, key, record=True)
            if not args.quiet and (number + 1) % 5 == 0:
                print("round %d/%d" % (number + 1, args.rounds), file=sys.stderr, flush=True)
        duration = time.time() - started
    finally:
        for close in closers:
            close()
        shutil.rmtree(workdir, ignore_errors=True)

    return dict(
        cases=cases, modes=modes, samples=samples, last_summary=last_summary, imports=imports,
        payload_sizes=payload_sizes, collections=collections, redact=redact,
        duration=duration, versions=versions(collections),
        floor_rss=runner.spawner_peak_mb)


def analyse(measured):
    for info in measured["imports"].values():
        info["import_ms"] = statistics.median(info["samples_ms"])
        info["import_rss_mb"] = statistics.median(info["rss_mb"])
    stats = {}
    for mode in measured["modes"]:
        for case in measured["cases"]:
            slot = measured["samples"][(mode, case.key)]
            stats[(mode, case.key)] = dict(
                median_ms=statistics.median(slot["wall"]), p90_ms=quantile(slot["wall"], 0.9),
                min_ms=min(slot["wall"]), rss_mb=statistics.median(slot["rss"]), rss_max_mb=max(slot["rss"]),
                ok=not slot["problems"], problems=sorted(set(slot["problems"])),
                netsuite_ms=statistics.median(slot["netsuite_ms"]) if slot["netsuite_ms"] else None)
        for case in measured["cases"]:
            mine = stats[(mode, case.key)]
            for ref in (BASELINE, ANCHOR):
                other = stats[(mode, ref)]
                mine["time_vs_" + ref] = mine["median_ms"] / other["median_ms"]
                mine["rss_vs_" + ref] = mine["rss_mb"] / other["rss_mb"]
            twin = stats.get((mode, TBA_TWIN.get(case.key)))
            mine["time_vs_tba"] = mine["median_ms"] / twin["median_ms"] if twin else None
    goals = []
    for mode in measured["modes"]:
        for key, ref, limit in GOALS:
            mine, other = stats[(mode, key)], stats[(mode, ref)]
            for what, field in (("time", "median_ms"), ("memory", "rss_mb")):
                ratio = mine[field] / other[field]
                goals.append(dict(mode=mode, case=key, against=ref, what=what, ratio=ratio, limit=limit,
                                  met=ratio <= limit))
    return stats, goals


def render(measured, stats, goals, rounds):
    labels = {case.key: case.label for case in measured["cases"]}
    out = []
    v = measured["versions"]
    out.append("netsuite_ops.credentials benchmark: %d rounds, cases interleaved in shuffled order" % rounds)
    out.append("machine: %s, %d CPUs, load average %s; Python %s" % (
        platform.machine(), os.cpu_count() or 0, "%.1f %.1f %.1f" % os.getloadavg(), v["python"]))
    out.append("versions: ansible %s (ansible-core %s), community.hashi_vault %s, netsuite_ops.credentials %s,"
               " hvac %s, requests-oauthlib %s" % (
                   v["ansible"], v["ansible-core"], v["community.hashi_vault"], v["netsuite_ops.credentials"],
                   v["hvac"], v["requests-oauthlib"]))
    header = "%-3s %-47s %9s %8s %7s %7s %9s %6s %7s %9s  %s" % (
        "#", "case", "median ms", "p90 ms", "RSS MB", "t/ping", "t/kv2_wr", "t/tba", "m/ping", "m/kv2_wr", "result")
    for mode in measured["modes"]:
        out.append("")
        out.append("mode %s: %s" % (mode, MODES[mode]))
        out.append(header)
        out.append("-" * len(header))
        for number, case in enumerate(measured["cases"], 1):
            s = stats[(mode, case.key)]
            result = "ok" if s["ok"] else "BROKEN: " + " / ".join(s["problems"])[:80]
            out.append("%-3d %-47s %9.0f %8.0f %7.1f %6.2fx %8.2fx %6s %6.2fx %8.2fx  %s" % (
                number, labels[case.key], s["median_ms"], s["p90_ms"], s["rss_mb"], s["time_vs_ping"],
                s["time_vs_hv_write"], "%.2fx" % s["time_vs_tba"] if s["time_vs_tba"] else "-", s["rss_vs_ping"],
                s["rss_vs_hv_write"], result))
        tested, untested = stats[(mode, "tba_tested")], stats[(mode, "tba_vault")]
        if tested["netsuite_ms"] is not None:
            out.append("    case 5 - case 4 = %+.0f ms: the NetSuite test (its own connection.elapsed_ms: %.0f ms for one"
                       " signed HTTP request to the emulator) and the code around it" % (
                           tested["median_ms"] - untested["median_ms"], tested["netsuite_ms"]))
        out.extend(m2m_lines(measured, stats, mode))
    out.append("")
    out.append("last result of each case (changed / failed / first line of msg):")
    for mode in measured["modes"]:
        for number, case in enumerate(measured["cases"], 1):
            out.append("  %-9s %d %-47s %s" % (
                mode, number, labels[case.key], measured["last_summary"][(mode, case.key)]))
    out.append("")
    out.append("import only (python -c 'import X': time of the import statement, peak RSS of the process;"
               " medians of the rounds), and the heavy libraries it loads:")
    for path, info in measured["imports"].items():
        heavy = ", ".join(info["heavy"]) or "none of " + "/".join(HEAVY_LIBRARIES)
        out.append("  %6.0f ms %5.1f MB  %-75s %s" % (info["import_ms"], info["import_rss_mb"], path, heavy))
    out.append("  both collections imported from %s (ansible_collections/...)" % measured["collections"])
    if measured["payload_sizes"]:
        out.append("AnsiballZ payload sizes: " + ", ".join(
            "%d %.0f KB" % (number, measured["payload_sizes"][case.key] / 1024.0)
            for number, case in enumerate(measured["cases"], 1)))
    out.append("")
    out.append("goals:")
    for goal in goals:
        out.append("  %-4s %s: %s %s %.2fx %s (limit %.1fx)" % (
            "met" if goal["met"] else "MISS", goal["mode"], labels[goal["case"]], goal["what"], goal["ratio"],
            "of " + labels[goal["against"]], goal["limit"]))
    out.append("")
    out.append("RSS is each child's ru_maxrss from wait4, started by spawn.py (%.1f MB: no child can read"
               " below the peak RSS of the process that starts it)." % measured["floor_rss"])
    out.append("measured in %.0f s" % measured["duration"])
    return "\n".join(out)


def m2m_lines(measured, stats, mode):
    """m2m_credential next to tba_credential: the Vault-only path, then with the NetSuite test."""
    number = {case.key: n for n, case in enumerate(measured["cases"], 1)}
    if not all(key in number for key in ("m2m_vault", "m2m_rsa", "m2m_ec")):
        return []
    s = {key: stats[(mode, key)] for key in number}
    lines = ["    case %d - case %d = %+.0f ms: M2M's offline validation over TBA's (reading the PEM key and certificate,"
             " OpenSSL's RSA 3072 key check, the pair) plus importing cryptography" % (
                 number["m2m_vault"], number["tba_vault"], s["m2m_vault"]["median_ms"] - s["tba_vault"]["median_ms"])]
    for key in ("m2m_rsa", "m2m_ec"):
        lines.append("    case %d - case %d = %+.0f ms (%.2fx): M2M's NetSuite test over TBA's (its connection.elapsed_ms:"
                     " %s ms for a token request and serverTime vs %s ms), signing, importing PyJWT and oauthlib%s" % (
                         number[key], number["tba_tested"], s[key]["median_ms"] - s["tba_tested"]["median_ms"],
                         s[key]["median_ms"] / s["tba_tested"]["median_ms"], _ms(s[key]["netsuite_ms"]),
                         _ms(s["tba_tested"]["netsuite_ms"]), ", the RSA key check" if key == "m2m_rsa" else ""))
    return lines


def _ms(value):
    return "%.0f" % value if value is not None else "?"


def to_json(measured, stats, goals, rounds):
    labels = {case.key: case for case in measured["cases"]}
    return dict(
        rounds=rounds, duration_s=measured["duration"], versions=measured["versions"],
        machine=dict(cpus=os.cpu_count(), arch=platform.machine(), system=platform.system(),
                     load_average=os.getloadavg()),
        floor_rss_mb=measured["floor_rss"],
        imports=measured["imports"], ansiballz_payload_bytes=measured["payload_sizes"],
        modes={mode: {key: dict(stats[(m, key)], label=labels[key].label, module=labels[key].fqcn,
                                wall_ms=measured["samples"][(m, key)]["wall"],
                                rss_samples_mb=measured["samples"][(m, key)]["rss"])
                      for (m, key) in stats if m == mode}
               for mode in measured["modes"]},
        goals=goals,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--testbed", required=True, help="the test bed's testbed.json")
    parser.add_argument("--collections", required=True,
                        help="a root holding ansible_collections/netsuite_ops/credentials and community/hashi_vault")
    parser.add_argument("--cache-dir", default=tempfile.gettempdir(), help="where the byte-code cache goes")
    parser.add_argument("--rounds", type=int, default=20, help="timed runs of each case (default 20)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs of each case first (default 1)")
    parser.add_argument("--mode", choices=sorted(MODES) + ["both"], default="both",
                        help="how modules are executed (default both)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the per-round shuffle")
    parser.add_argument("--json", metavar="PATH", help="also write every sample and statistic as JSON")
    parser.add_argument("--fail-on-goals", action="store_true", help="exit 3 when a goal is missed")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be at least 1 and --warmup at least 0")

    measured = measure(args)
    stats, goals = analyse(measured)
    redact = measured["redact"]
    text = render(measured, stats, goals, args.rounds)
    blob = json.dumps(to_json(measured, stats, goals, args.rounds), indent=2) + "\n" if args.json else ""
    # The output itself is checked for every secret of the test bed before it is shown.
    leaked = redact.found_in(text) + redact.found_in(blob)
    print(redact(text))
    if args.json:
        write_private(args.json, redact(blob))
        print("JSON written to %s" % args.json)
    if leaked:
        print("BUG: %d test-bed secret(s) reached this output and were replaced by <hidden>" % leaked,
              file=sys.stderr)
        return 4
    print("secret check: none of the test bed's %d secrets appears in this output" % len(redact))
    if not all(s["ok"] for s in stats.values()):
        print("some cases did not return what they should: their numbers are not comparable", file=sys.stderr)
        return 1
    if args.fail_on_goals and not all(g["met"] for g in goals):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
