"""Fault matrix: every Vault and NetSuite fault, each against a stored secret that must come out
byte-identical (or, where the fault is survivable, hold exactly the new credentials).

For each fault a fresh path first holds "old" credentials written with the root token; then
tba_credential runs a rotation (a NEW credential set) under the fault. Afterwards the suite
reads the path with the root token (never through the module) and counts the NetSuite requests
at the emulator or at the stand-in server.

Runs: one ansible-playbook holds every fault that needs no timing (each a task with
ignore_errors, results written to a 0600 file); "sealed in the middle of a run" has its own run,
sealed by the suite after the third account was written. Vault faults that would harm the shared
bed use their own OpenBao dev servers: one sealed before the run, one behind a delaying proxy
(later sealed mid-run), one with TLS.
"""
import contextlib
import json
import os
import re
import secrets
import socket
import ssl
import threading
import time

from support.faulty import CannedHttpServer, ResetServer, TcpForwarder
from support.openbao import OpenBaoServer

PART = "faults"
SECRET_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
MID_RUN_ACCOUNTS = 10
SEAL_AFTER_WRITES = 3
VAULT_SLOW_SECONDS = 3
VAULT_SLOW_WRITE_SECONDS = 4
SEAL_DURING_INDEX = 3  # the account whose NetSuite test is under way when the server is sealed
NETSUITE_SLOW_SECONDS = 3


# --- helpers -----------------------------------------------------------------------------------

def _credentials(realm):
    return dict({name: secrets.token_hex(32) for name in SECRET_FIELDS}, account_id=realm)


def _stored_form(creds):
    """What tba_credential stores: exactly the five keys, account ID in realm form."""
    return {name: creds[name] for name in ("account_id",) + SECRET_FIELDS}


def _register(bed, label, creds):
    for name in SECRET_FIELDS:
        bed.add_secret("%s.%s" % (label, name), creds[name])


def _kv2_snapshot(vault, mount, path):
    """Everything Vault holds for a KV v2 path, as canonical JSON: metadata (versions, times,
    custom metadata) and the current version with its data."""
    meta = vault.kv2_metadata_raw(mount, path)
    raw = vault.kv2_read_raw(mount, path)
    return json.dumps({"metadata": meta and meta.get("data"), "current": raw and raw.get("data")},
                      sort_keys=True)


def _version(snapshot):
    meta = json.loads(snapshot)["metadata"]
    return meta["current_version"] if meta else None


def _dead_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _unseal_key(server, wait=10):
    """A dev server prints its single unseal key in its log, shortly after it is ready."""
    log = os.path.join(server._workdir, "server.log")  # pylint: disable=protected-access
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        with open(log, errors="replace") as handle:
            found = re.search(r"^Unseal Key: (\S+)\s*$", handle.read(), re.M)
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise RuntimeError("no unseal key in the OpenBao dev server log")


def _unseal(server, key):
    status, body = server.request("PUT", "sys/unseal", {"key": key}, token="")
    if status != 200 or (body or {}).get("sealed"):
        raise RuntimeError("unseal failed: HTTP %s" % status)


def _tls_precheck(host, port, ca_cert, server_hostname):
    """What Python's own TLS says about the server reached this way with this CA."""
    context = ssl.create_default_context(cafile=ca_cert) if ca_cert else ssl.create_default_context()
    try:
        with socket.create_connection((host, port), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname=server_hostname):
                return "handshake ok"
    except ssl.SSLError as exc:
        return "handshake refused (%s)" % (getattr(exc, "verify_message", None) or exc.reason
                                           or type(exc).__name__)


def _traceback_in(result):
    """A real traceback or a module crash. ansible-core 2.19+ puts the placeholder
    '(traceback unavailable)' under 'exception' in every registered fail_json result: not one."""
    exception = result.get("exception")
    return bool("Traceback (most recent call last)" in json.dumps(result) or result.get("module_stderr")
                or (exception and exception != "(traceback unavailable)"))


def _excerpt(text, limit=170):
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit] + "..."


# --- the matrix --------------------------------------------------------------------------------

class Fault:
    """One row: how the module is pointed at the fault, and what must come out."""

    def __init__(self, name, expected, vault, *, mount="secret", vault_opts=None, netsuite=None,
                 netsuite_timeout=None, scenario=None, succeed=False, vault_error=None,
                 error_code=None, status_code=None, attempts=None, requests=None, msg_has=(),
                 hint_has=None, warning_has=None, snapshot=None, store=None, precheck=None, extra=None,
                 either=False):
        self.name, self.expected, self.vault = name, expected, vault
        self.mount, self.vault_opts = mount, vault_opts or {}
        self.netsuite = netsuite  # "emulator" | a URL | None (the account's default host)
        self.netsuite_timeout = netsuite_timeout
        self.scenario = scenario  # emulator scenario of the NEW credentials; None: not in the emulator
        self.succeed, self.vault_error, self.error_code = succeed, vault_error, error_code
        self.status_code, self.attempts = status_code, attempts
        self.requests = requests  # () -> NetSuite requests received for this case
        self.msg_has, self.hint_has, self.warning_has = msg_has, hint_has, warning_has
        self.snapshot = snapshot  # () -> canonical JSON of what the fault must not change
        self.store = store  # (server, mount, path) for the success check
        self.precheck = precheck  # () -> (ok, text): the fault is really there
        self.extra = extra  # (result) -> (ok, text): a check of its own
        self.either = either  # the outcome is unknowable: old data unchanged, or exactly the new set
        self.path = "faults/%s" % name
        self.old = self.new = None
        self.before = None


class FaultMatrix:
    def __init__(self, bed, report, stack):
        self.bed, self.report, self.stack = bed, report, stack
        self.vault = bed.vault
        self.fx = {"cases": {}, "tokens": {}, "mid": []}
        self.faults = []
        self._realm = 4100000

    def realm(self):
        self._realm += 1
        return str(self._realm)

    # -- servers --

    def start_servers(self):
        enter = self.stack.enter_context
        self.aux = enter(OpenBaoServer())        # behind the delaying proxy; later sealed mid-run
        self.sealed = enter(OpenBaoServer())     # sealed before the run
        self.tls = enter(OpenBaoServer(tls=True))
        for label, server in (("aux", self.aux), ("sealed", self.sealed), ("tls", self.tls)):
            self.bed.add_secret("faults.%s.root_token" % label, server.root_token)
            self.fx["tokens"][label] = server.root_token
        self.slow_proxy = TcpForwarder(("127.0.0.1", self.aux.port), delay=VAULT_SLOW_SECONDS).start()
        self.stack.callback(self.slow_proxy.stop)
        self.slow_write_proxy = TcpForwarder(("127.0.0.1", self.aux.port), delay=VAULT_SLOW_WRITE_SECONDS,
                                             trigger=b"POST /v1/secret/data/").start()
        self.stack.callback(self.slow_write_proxy.stop)
        self.tls_alias = TcpForwarder(("127.0.0.1", self.tls.port), host="127.0.0.2").start()
        self.stack.callback(self.tls_alias.stop)
        self.malformed = CannedHttpServer(200, {"Content-Type": "application/json"},
                                          '{"serverTime": "2026-12-01T10:').start()
        self.stack.callback(self.malformed.stop)
        self.html = CannedHttpServer(502, {"Content-Type": "text/html; charset=utf-8"},
                                     "<html><head><title>502 Bad Gateway</title></head><body>"
                                     "<h1>Bad Gateway</h1><p>The proxy server received an invalid "
                                     "response from an upstream server.</p></body></html>").start()
        self.stack.callback(self.html.stop)
        self.reset = ResetServer().start()
        self.stack.callback(self.reset.stop)
        # Tokens on the shared bed for the permission faults.
        self.vault.put_policy("faults-elsewhere", 'path "secret/data/faults-elsewhere/*" { capabilities = ["read"] }\n')
        self.vault.put_policy("faults-kv1", 'path "kv1/*" { capabilities = ["create", "update", "read"] }\n')
        self.vault.put_policy("faults-nomount", 'path "faults-nomount/*" { capabilities = ["create", "update", "read"] }\n')
        for label, policy in (("perm_read", "faults-elsewhere"), ("kv1_writer", "faults-kv1"),
                              ("nomount_writer", "faults-nomount")):
            token = self.vault.create_token([policy])
            self.bed.add_secret("faults.token.%s" % label, token)
            self.fx["tokens"][label] = token

    # -- rows --

    def define(self):
        bed = self.bed
        writer = {"url": "{{ vault_url }}", "token": "{{ vault_tokens['tba-writer'] }}"}

        add = self.faults.append
        # Vault faults. The module reads first, so none of them may reach NetSuite.
        add(Fault("vault_unreachable", "failed, vault_error unreachable, 0 NetSuite requests, secret unchanged",
                  "main", vault_opts={"url": "http://127.0.0.1:%d" % _dead_port(), "token": writer["token"]},
                  vault_error="unreachable", msg_has=("Cannot connect",), requests=0))
        add(Fault("vault_sealed_before", "failed, vault_error sealed, 0 NetSuite requests, secret unchanged after unseal",
                  "sealed", vault_opts={"url": self.sealed.url, "token": "{{ fx.tokens.sealed }}"},
                  vault_error="sealed", msg_has=("sealed",), requests=0))
        add(Fault("vault_permission_read", "failed, vault_error permission_denied naming read, 0 NetSuite requests, "
                  "secret unchanged", "main", vault_opts={"url": writer["url"], "token": "{{ fx.tokens.perm_read }}"},
                  vault_error="permission_denied", msg_has=("read",), requests=0))
        add(Fault("vault_permission_write", "failed, vault_error permission_denied naming update, checked before "
                  "NetSuite (0 requests), secret unchanged", "main",
                  vault_opts={"url": writer["url"], "token": "{{ vault_tokens['tba-reader'] }}"},
                  vault_error="permission_denied", msg_has=("update",), requests=0))
        add(Fault("vault_missing_mount", "failed, vault_error missing_mount (the token's policy covers the mount, "
                  "the engine was never enabled), 0 NetSuite requests, secret on the real mount unchanged, no mount "
                  "created", "main", mount="faults-nomount",
                  vault_opts={"url": writer["url"], "token": "{{ fx.tokens.nomount_writer }}"},
                  vault_error="missing_mount", msg_has=("faults-nomount",), requests=0))
        add(Fault("vault_kv1_mount", "failed, vault_error kv_v1_mount, 0 NetSuite requests, KV v1 secrets "
                  "(at the path and at data/path) unchanged", "main", mount="kv1",
                  vault_opts={"url": writer["url"], "token": "{{ fx.tokens.kv1_writer }}"},
                  vault_error="kv_v1_mount", msg_has=("KV version 1",), requests=0))
        add(Fault("vault_slower_than_timeout", "failed, vault_error unreachable ('did not answer in time') within "
                  "about vault.timeout, 0 NetSuite requests, secret unchanged", "aux",
                  vault_opts={"url": "http://127.0.0.1:%d" % self.slow_proxy.port, "token": "{{ fx.tokens.aux }}",
                              "timeout": 1},
                  vault_error="unreachable", msg_has=("did not answer in time",), requests=0,
                  extra=lambda result: (self.slow_proxy.connections >= 1
                                        and self.slow_proxy.dropped == self.slow_proxy.connections,
                                        "delaying proxy: %d connection(s), %d dropped unforwarded because the "
                                        "client had given up before %d s"
                                        % (self.slow_proxy.connections, self.slow_proxy.dropped,
                                           VAULT_SLOW_SECONDS))))
        add(Fault("vault_slower_than_timeout_on_write", "failed, vault_error unreachable naming the write, the "
                  "result still shows the passed NetSuite test and the version read, and the message says the write "
                  "may have been applied (Vault applied it, its answer came after "
                  "vault.timeout); the path holds the old data unchanged or exactly the new set as one new "
                  "version, old version intact; NetSuite tested once", "aux",
                  vault_opts={"url": "http://127.0.0.1:%d" % self.slow_write_proxy.port, "token": "{{ fx.tokens.aux }}",
                              "timeout": 2},
                  netsuite="emulator", vault_error="unreachable", msg_has=("write", "may have been applied"),
                  attempts=1, either=True,
                  extra=lambda result: (
                      self.slow_write_proxy.held == 1 and (result.get("connection") or {}).get("ok") is True
                      and (result.get("vault") or {}).get("previous_version") == 1,
                      "proxy held %d answer(s) %d s; result tells connection.ok %s, vault.previous_version %s"
                      % (self.slow_write_proxy.held, VAULT_SLOW_WRITE_SECONDS,
                         (result.get("connection") or {}).get("ok"), (result.get("vault") or {}).get("previous_version")))))
        add(Fault("vault_tls_untrusted_ca", "failed, vault_error tls, 0 NetSuite requests, secret unchanged", "tls",
                  vault_opts={"url": self.tls.url, "token": "{{ fx.tokens.tls }}"},
                  vault_error="tls", msg_has=("TLS",), requests=0,
                  precheck=lambda: self._tls_pre("127.0.0.1", self.tls.port, None, "127.0.0.1")))
        add(Fault("vault_tls_name_mismatch", "failed, vault_error tls (certificate valid, CA given, but not for "
                  "127.0.0.2), 0 NetSuite requests, secret unchanged", "tls",
                  vault_opts={"url": "https://127.0.0.2:%d" % self.tls_alias.port, "token": "{{ fx.tokens.tls }}",
                              "ca_cert": self.tls.ca_cert},
                  vault_error="tls", msg_has=("TLS",), requests=0,
                  precheck=lambda: self._tls_pre("127.0.0.2", self.tls_alias.port, self.tls.ca_cert, "127.0.0.2",
                                                 control=("127.0.0.1", self.tls.port))))
        # NetSuite faults, on the shared bed with the recommended writer token.
        ns = dict(vault="main", vault_opts=writer, netsuite="emulator")
        add(Fault("netsuite_401", "failed, INVALID_LOGIN 401 with the login checklist, 1 attempt, secret unchanged",
                  scenario={"revoked": True}, error_code="INVALID_LOGIN", status_code=401, attempts=1,
                  hint_has="Login Audit Trail", **ns))
        add(Fault("netsuite_400", "failed, USER_ERROR 400 with the permission hint, 1 attempt, secret unchanged",
                  scenario={"missing_permission": "user_error"}, error_code="USER_ERROR", status_code=400, attempts=1,
                  hint_has="REST Web Services", **ns))
        add(Fault("netsuite_403", "failed, INSUFFICIENT_PERMISSION 403 with the permission hint, 1 attempt, "
                  "secret unchanged", scenario={"missing_permission": "forbidden"}, error_code="INSUFFICIENT_PERMISSION",
                  status_code=403, attempts=1, hint_has="REST Web Services", **ns))
        add(Fault("netsuite_429_then_success", "succeeds after 2 x 429 (3 attempts): new version = old + 1 holding "
                  "exactly the new credentials, old version intact", scenario={"busy_times": 2}, succeed=True,
                  status_code=200, attempts=3, **ns))
        add(Fault("netsuite_429_forever", "failed, CONCURRENCY_LIMIT_EXCEEDED 429 after 3 attempts with the "
                  "concurrency hint, secret unchanged", scenario={"busy_times": -1},
                  error_code="CONCURRENCY_LIMIT_EXCEEDED", status_code=429, attempts=3, hint_has="concurrency", **ns))
        add(Fault("netsuite_503", "failed, UNEXPECTED_ERROR 503 after 3 attempts with the retry-later hint, secret "
                  "unchanged", scenario={"server_error_times": -1}, error_code="UNEXPECTED_ERROR", status_code=503,
                  attempts=3, hint_has="retry later", **ns))
        add(Fault("netsuite_malformed_json", "failed, UNEXPECTED_RESPONSE for a 200 whose JSON body is cut off, "
                  "1 attempt, body not shown, secret unchanged", "main", vault_opts=writer, netsuite=self.malformed.url,
                  error_code="UNEXPECTED_RESPONSE", status_code=200, attempts=1, hint_has="did not answer like NetSuite",
                  requests=lambda: self.malformed.requests))
        add(Fault("netsuite_html_error_page", "failed, UNEXPECTED_RESPONSE for a 502 HTML page after 3 attempts, body "
                  "not shown, secret unchanged", "main", vault_opts=writer, netsuite=self.html.url,
                  error_code="UNEXPECTED_RESPONSE", status_code=502, attempts=3, hint_has="retry later",
                  msg_has=("not a NetSuite answer",), requests=lambda: self.html.requests))
        add(Fault("netsuite_connection_reset", "failed, CONNECTION_ERROR after 3 attempts (resets are retried), "
                  "secret unchanged", "main", vault_opts=writer, netsuite=self.reset.url,
                  error_code="CONNECTION_ERROR", attempts=3, hint_has="Could not connect",
                  requests=lambda: self.reset.connections))
        add(Fault("netsuite_timeout", "failed, TIMEOUT after 3 attempts with netsuite_timeout 1 against a 3 s "
                  "server, secret unchanged", scenario={"slow_seconds": NETSUITE_SLOW_SECONDS}, netsuite_timeout=1,
                  error_code="TIMEOUT", attempts=3, hint_has="within the timeout", **ns))
        add(Fault("netsuite_dns_failure", "failed, DNS_FAILURE at once (1 attempt, not retried, no connection), "
                  "hint about account_id, secret unchanged", "main", vault_opts=writer, netsuite=None,
                  error_code="DNS_FAILURE", attempts=1, hint_has="does not resolve", requests=0,
                  precheck=self._dns_pre))
        for sign, label in ((1, "plus"), (-1, "minus")):
            add(Fault("netsuite_skew_%s_2min" % label, "succeeds with a clock-skew warning (about %+d s): new version "
                      "= old + 1 holding exactly the new credentials, old version intact" % (120 * sign),
                      scenario={"clock_offset_seconds": 120 * sign}, succeed=True, status_code=200, attempts=1,
                      warning_has="behind" if sign > 0 else "ahead of", **ns))
            add(Fault("netsuite_skew_%s_10min" % label, "failed, INVALID_LOGIN 401 with 'InvalidTimestamp likely' "
                      "first in the hint, 1 attempt, secret unchanged", scenario={"clock_offset_seconds": 600 * sign},
                      error_code="INVALID_LOGIN", status_code=401, attempts=1, hint_has="InvalidTimestamp likely", **ns))
        servers = {"main": self.vault, "aux": self.aux, "sealed": self.sealed, "tls": self.tls}
        for fault in self.faults:
            if fault.name.startswith("vault_") and fault.netsuite is None:
                fault.netsuite = "emulator"  # so that "0 NetSuite requests" is a real count
            fault.server = servers[fault.vault]
            fault.store = (fault.server, "secret", fault.path)
            if fault.snapshot is None:
                fault.snapshot = _snapshot_of(fault)
            if isinstance(fault.requests, int):
                fault.expected_requests = fault.requests
                fault.requests = None
            if fault.requests is None:
                fault.requests = _request_count_of(bed, fault)
        by_name = {fault.name: fault for fault in self.faults}
        by_name["vault_missing_mount"].snapshot = lambda: json.dumps({
            "secret": _kv2_snapshot(self.vault, "secret", by_name["vault_missing_mount"].path),
            "mount_exists": "faults-nomount/" in (self.vault.api("GET", "sys/mounts") or {}).get("data", {})},
            sort_keys=True)
        kv1 = by_name["vault_kv1_mount"]
        kv1.snapshot = lambda: json.dumps({
            where: (self.vault.request("GET", where)[1] or {}).get("data")
            for where in ("kv1/%s" % kv1.path, "kv1/data/%s" % kv1.path)}, sort_keys=True)

    def _tls_pre(self, host, port, ca_cert, name, control=None):
        seen = _tls_precheck(host, port, ca_cert, name)
        text = "Python TLS to %s:%d %s: %s" % (host, port, "with the CA" if ca_cert else "without the CA", seen)
        ok = seen.startswith("handshake refused")
        if control:
            control_seen = _tls_precheck(control[0], control[1], ca_cert, control[0])
            text += "; same CA via %s: %s" % (control[0], control_seen)
            ok = ok and control_seen == "handshake ok"
        return ok, text

    def _dns_pre(self):
        fault = next(f for f in self.faults if f.name == "netsuite_dns_failure")
        host = "%s.suitetalk.api.netsuite.com" % fault.old["account_id"].lower()
        try:
            socket.getaddrinfo(host, 443)
        except socket.gaierror as exc:
            return True, "%s does not resolve here (%s)" % (host, exc.strerror)
        return False, "%s resolves here: not run, it would leave loopback" % host

    # -- preparing each row --

    def prepare(self):
        for fault in self.faults:
            realm = self.realm()
            fault.old, fault.new = _credentials(realm), _credentials(realm)
            _register(self.bed, "faults.%s.old" % fault.name, fault.old)
            _register(self.bed, "faults.%s.new" % fault.name, fault.new)
            self.fx["cases"][fault.name] = fault.new
            if fault.scenario is not None:
                self.bed.emulator.add_account(dict(fault.new, scenario=fault.scenario))
            elif fault.netsuite == "emulator" or fault.name.startswith("vault_"):
                # Vault faults: NetSuite would accept the new set, so only Vault can be the cause.
                self.bed.emulator.add_account(dict(fault.new, scenario={}))
            server = fault.server
            server.kv2_write_raw("secret", fault.path, _stored_form(fault.old))
            server.kv2_write_metadata_raw("secret", fault.path, custom_metadata={
                "environment": "production", "managed_by": "netsuite_ops.credentials", "auth_type": "tba",
                "owner": "faults-suite"})
        kv1 = next(f for f in self.faults if f.name == "vault_kv1_mount")
        for where in ("kv1/%s" % kv1.path, "kv1/data/%s" % kv1.path):
            self.vault.api("POST", where, _stored_form(kv1.old))
        for fault in self.faults:
            fault.before = fault.snapshot()
        self.sealed_key = _unseal_key(self.sealed)
        self.bed.add_secret("faults.sealed.unseal_key", self.sealed_key)
        self.sealed.seal()

    def _module_args(self, fault):
        ref = "fx.cases['%s']" % fault.name
        args = {name: "{{ %s.%s }}" % (ref, name) for name in ("account_id",) + SECRET_FIELDS}
        args.update(path=fault.path, engine_mount_point=fault.mount, vault=dict(fault.vault_opts))
        if fault.netsuite == "emulator":
            args["netsuite_url"] = "{{ netsuite_url }}"
        elif fault.netsuite:
            args["netsuite_url"] = fault.netsuite
        if fault.netsuite_timeout:
            args["netsuite_timeout"] = fault.netsuite_timeout
        return args

    def write_vars(self):
        path = os.path.join(self.bed.work, "faults-vars.json")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"fx": self.fx}, handle)
        return path

    # -- run A: the matrix --

    def run_matrix(self):
        results_file = os.path.join(self.bed.work, "faults-results.json")
        tasks = []
        for fault in self.faults:
            tasks.append({"name": "fault %s" % fault.name, "netsuite_ops.credentials.tba_credential":
                          self._module_args(fault), "register": "r_%s" % fault.name, "ignore_errors": True})
        collected = ", ".join("'%s': r_%s" % (f.name, f.name) for f in self.faults)
        tasks.append({"name": "Save the results", "ansible.builtin.copy": {
            "content": "{{ {%s} | to_nice_json }}" % collected, "dest": results_file, "mode": "0600"}})
        play = [{"name": "Fault matrix", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
        playbook = self.bed.write("faults-matrix.yml", json.dumps(play, indent=1))
        vars_file = self.write_vars()
        prechecks = {fault.name: fault.precheck() for fault in self.faults if fault.precheck}
        run = self.bed.playbook(playbook, "-e", "@" + vars_file, label="faults-matrix")
        self.bed.keep(results_file)
        try:
            with open(results_file) as handle:
                results = json.load(handle)
        except (OSError, ValueError) as exc:
            self.report.add(PART, "fault matrix playbook", "results file written",
                            "rc %d, no results (%s); see %s" % (run.rc, type(exc).__name__, run.log), False)
            return
        _unseal(self.sealed, self.sealed_key)
        for fault in self.faults:
            self.check(fault, results.get(fault.name), prechecks.get(fault.name))
        self.report.add(PART, "fault matrix playbook", "ran to the end (rc 0, failed tasks ignored), one result per fault",
                        "rc %d in %.0f s, %d results" % (run.rc, run.seconds, len(results)),
                        run.rc == 0 and len(results) == len(self.faults))

    def _secret_values(self, fault):
        return [fault.old[name] for name in SECRET_FIELDS] + [fault.new[name] for name in SECRET_FIELDS]

    def check(self, fault, result, precheck):
        problems, notes = [], []
        if result is None:
            self.report.add(PART, fault.name, fault.expected, "no registered result", False)
            return
        text = json.dumps(result)
        if any(value in text for value in self._secret_values(fault)):
            problems.append("a credential value is in the result")
        if _traceback_in(result):
            problems.append("traceback/exception in the result")
        failed = bool(result.get("failed"))
        conn = result.get("connection") or {}
        vault = result.get("vault") or {}
        msg = result.get("msg") or ""
        notes.append("%s%s" % ("failed" if failed else "ok", ", changed" if result.get("changed") else ""))
        if result.get("vault_error"):
            notes.append("vault_error %s" % result["vault_error"])
        if conn.get("tested"):
            notes.append("connection %s/%s, %s attempt(s)" % (conn.get("error_code") or "ok", conn.get("status_code"),
                                                              conn.get("attempts")))
        requests_seen = fault.requests()
        notes.append("NetSuite requests %d" % requests_seen)
        if precheck:
            notes.append("precheck: %s" % precheck[1])
            if not precheck[0]:
                problems.append("the fault was not in place")
        if fault.extra:
            extra_ok, extra_note = fault.extra(result)
            notes.append(extra_note)
            if not extra_ok:
                problems.append("own check failed")
        if fault.succeed:
            if failed or not result.get("changed"):
                problems.append("expected success with a write")
        else:
            if not failed or result.get("changed"):
                problems.append("expected a clean failure, unchanged")
            if not result.get("hint") or not result.get("reason") or not result.get("failure_code"):
                problems.append("no reason, hint or failure_code")
        if fault.vault_error != result.get("vault_error"):
            problems.append("vault_error %r, expected %r" % (result.get("vault_error"), fault.vault_error))
        for part in fault.msg_has:
            if part not in msg:
                problems.append("msg lacks %r" % part)
        if fault.error_code and conn.get("error_code") != fault.error_code:
            problems.append("error_code %r, expected %r" % (conn.get("error_code"), fault.error_code))
        if fault.status_code is not None and conn.get("status_code") != fault.status_code:
            problems.append("status %r, expected %r" % (conn.get("status_code"), fault.status_code))
        expected_requests = getattr(fault, "expected_requests", None)
        if fault.attempts is not None:
            if conn.get("attempts") != fault.attempts:
                problems.append("attempts %r, expected %r" % (conn.get("attempts"), fault.attempts))
            if expected_requests is None and requests_seen != fault.attempts:
                problems.append("server saw %d requests, expected %d" % (requests_seen, fault.attempts))
        if expected_requests is not None and requests_seen != expected_requests:
            problems.append("server saw %d requests, expected %d" % (requests_seen, expected_requests))
        if fault.hint_has and fault.hint_has not in (result.get("hint") or ""):
            problems.append("hint lacks %r" % fault.hint_has)
        if result.get("hint") and (result["hint"] in msg or "hint" in conn):
            problems.append("the hint is said more than once")
        if fault.name.startswith("netsuite_skew_") and fault.name.endswith("_10min"):
            if not (result.get("hint") or "").startswith("InvalidTimestamp likely"):
                problems.append("InvalidTimestamp is not first in the hint")
        if fault.warning_has:
            warnings = " ".join(conn.get("warnings") or []) + " " + " ".join(result.get("warnings") or [])
            skew = conn.get("clock_skew_seconds")
            notes.append("skew %s s" % skew)
            if fault.warning_has not in warnings or "sync NTP" not in warnings:
                problems.append("no clock-skew warning saying %r" % fault.warning_has)
            if skew is None or abs(abs(skew) - 120) > 10:
                problems.append("clock_skew_seconds %r, expected about +-120" % skew)
        after = fault.snapshot()
        if fault.either and after != fault.before:
            problems += self._check_written(fault, after, None, notes)
        elif fault.succeed:
            problems += self._check_written(fault, after, vault, notes)
        else:
            same = after == fault.before
            notes.append("stored secret %s, version %s -> %s"
                         % ("byte-identical" if same else "CHANGED", _version_of(fault.before), _version_of(after)))
            if not same:
                problems.append("the stored secret changed")
        notes.append("msg: %s" % _excerpt(msg))
        observed = "; ".join(notes)
        if problems:
            observed = "PROBLEMS: %s. %s" % (", ".join(problems), observed)
        self.report.add(PART, fault.name, fault.expected, observed, not problems)
        self.report.count("faults")

    def _check_written(self, fault, after, vault_result, notes):
        problems = []
        server, mount, path = fault.store
        old_version = _version(fault.before)
        new_version = _version(after)
        current = (json.loads(after)["current"] or {}).get("data")
        previous = ((server.kv2_read_raw(mount, path, version=old_version) or {}).get("data") or {}).get("data")
        old_previous = (json.loads(fault.before)["current"] or {}).get("data")
        if vault_result is None:  # the module could not know
            notes.append("version %s -> %s" % (old_version, new_version))
            if new_version != old_version + 1:
                problems.append("expected exactly one new version")
        else:
            notes.append("version %s -> %s (module says %s)" % (old_version, new_version, vault_result.get("version")))
            if new_version != old_version + 1 or vault_result.get("version") != new_version:
                problems.append("expected exactly one new version")
        if current != _stored_form(fault.new):
            problems.append("the new version does not hold exactly the new credentials")
        if previous != old_previous:
            problems.append("the old version changed")
        meta = json.loads(after)["metadata"]["custom_metadata"] or {}
        if (meta.get("owner") != "faults-suite"
                or meta.get("managed_by") != "netsuite_ops.credentials"):
            problems.append("another tool's custom metadata key was lost")
        notes.append("new data exact: %s, old version intact: %s" % (current == _stored_form(fault.new),
                                                                     previous == old_previous))
        return problems

    # -- run C: sealed in the middle of a run --

    def run_sealed_mid_run(self):
        started = time.monotonic()
        server = self.aux
        key = _unseal_key(server)
        self.bed.add_secret("faults.aux.unseal_key", key)
        accounts = []
        for index in range(MID_RUN_ACCOUNTS):
            realm = str(4200001 + index)
            old, new = _credentials(realm), _credentials(realm)
            _register(self.bed, "faults.mid.%d.old" % index, old)
            _register(self.bed, "faults.mid.%d.new" % index, new)
            # The account under way at the seal answers slowly, so the seal lands between its
            # Vault read and its Vault write.
            slow = {"slow_seconds": 2} if index == SEAL_DURING_INDEX else {}
            self.bed.emulator.add_account(dict(new, scenario=slow))
            path = "faults/mid/%d" % index
            server.kv2_write_raw("secret", path, _stored_form(old))
            accounts.append({"old": old, "new": new, "path": path, "before": _kv2_snapshot(server, "secret", path)})
            self.fx["mid"].append(new)
        results_file = os.path.join(self.bed.work, "faults-mid-results.json")
        play = [{"name": "Ten accounts while Vault gets sealed", "hosts": "localhost", "gather_facts": False,
                 "tasks": [
                     {"name": "Store one account", "netsuite_ops.credentials.tba_credential": {
                         "account_id": "{{ fx.mid[index].account_id }}",
                         "consumer_key": "{{ fx.mid[index].consumer_key }}",
                         "consumer_secret": "{{ fx.mid[index].consumer_secret }}",
                         "token_id": "{{ fx.mid[index].token_id }}",
                         "token_secret": "{{ fx.mid[index].token_secret }}",
                         "path": "faults/mid/{{ index }}", "netsuite_url": "{{ netsuite_url }}",
                         "vault": {"url": server.url, "token": "{{ fx.tokens.aux }}", "timeout": 5}},
                      "loop": "{{ range(%d) | list }}" % MID_RUN_ACCOUNTS,
                      "loop_control": {"loop_var": "index", "label": "{{ index }}"},
                      "register": "mid", "ignore_errors": True},
                     {"name": "Save the results", "ansible.builtin.copy": {
                         "content": "{{ mid.results | to_nice_json }}", "dest": results_file, "mode": "0600"}}]}]
        playbook = self.bed.write("faults-sealed-mid-run.yml", json.dumps(play, indent=1))
        vars_file = self.write_vars()
        mid_realm = accounts[SEAL_DURING_INDEX]["new"]["account_id"]
        watcher = _SealWatcher(server, [account["path"] for account in accounts],
                               lambda: self.bed.netsuite_requests(mid_realm) > 0)
        watcher.start()
        run = self.bed.playbook(playbook, "-e", "@" + vars_file, label="faults-sealed-mid-run")
        watcher.stop()
        self.bed.keep(results_file)
        try:
            with open(results_file) as handle:
                results = json.load(handle)
        except (OSError, ValueError):
            results = []
        if watcher.sealed_at is not None:
            _unseal(server, key)
        stored = failed_clean = 0
        problems, lines = [], []
        for index, account in enumerate(accounts):
            result = results[index] if index < len(results) else {}
            after = _kv2_snapshot(server, "secret", account["path"])
            data = ((json.loads(after)["current"] or {}).get("data"))
            version = _version(after)
            text = json.dumps(result)
            if any(account[kind][name] in text for kind in ("old", "new") for name in SECRET_FIELDS):
                problems.append("#%d: a credential value is in the result" % index)
            if _traceback_in(result):
                problems.append("#%d: traceback" % index)
            if data == _stored_form(account["new"]) and version == 2:
                old_kept = ((server.kv2_read_raw("secret", account["path"], version=1) or {}).get("data") or {}
                            ).get("data") == _stored_form(account["old"])
                stored += 1
                state = "stored v2"
                if not old_kept:
                    problems.append("#%d: version 1 changed" % index)
                if result.get("failed") and result.get("vault_error") != "sealed":
                    problems.append("#%d: written but failed without vault_error sealed" % index)
                if result.get("failed"):
                    state += " (task failed: %s, data whole)" % result.get("vault_error")
            elif after == account["before"]:
                state = "unchanged v1"
                if not result.get("failed"):
                    problems.append("#%d: reported ok but nothing stored" % index)
                elif result.get("vault_error") != "sealed" or not result.get("hint"):
                    problems.append("#%d: failure is not a clean 'sealed' (%s)" % (index, result.get("vault_error")))
                else:
                    failed_clean += 1
            else:
                state = "HALF-WRITTEN or wrong (version %s)" % version
                problems.append("#%d: neither stored nor unchanged" % index)
            if index == SEAL_DURING_INDEX:
                conn = result.get("connection") or {}
                state += " [sealed during its NetSuite test: test ok %s, then %s]" % (
                    conn.get("ok"), result.get("vault_error"))
                if not (conn.get("ok") and result.get("failed") and result.get("vault_error") == "sealed"):
                    problems.append("#%d: expected a passed NetSuite test, then a clean 'sealed' failure" % index)
            lines.append("#%d %s" % (index, state))
        if watcher.sealed_at is None:
            problems.append("the server was never sealed (fewer than %d writes seen)" % SEAL_AFTER_WRITES)
        if not stored or not failed_clean:
            problems.append("the seal did not land in the middle (stored %d, cleanly failed %d)" % (stored, failed_clean))
        observed = ("rc %d; sealed after %s writes seen; %d stored, %d cleanly failed (sealed); %s"
                    % (run.rc, watcher.writes_at_seal, stored, failed_clean, ", ".join(lines)))
        if problems:
            observed = "PROBLEMS: %s. %s" % ("; ".join(problems), observed)
        self.report.add(PART, "vault_sealed_mid_run",
                        "%d-account run, Vault sealed by the suite after %d writes while the next account's NetSuite "
                        "test is under way (so between its read and its write): each account either stored "
                        "(v2 = exactly its new credentials, v1 intact) or cleanly failed with vault_error sealed "
                        "and its secret byte-identical; nothing half-written" % (MID_RUN_ACCOUNTS, SEAL_AFTER_WRITES),
                        observed, not problems, seconds=time.monotonic() - started)
        self.report.count("faults")


def _version_of(snapshot):
    try:
        return _version(snapshot)
    except (ValueError, KeyError, TypeError):
        return "n/a"


class _SealWatcher:
    """Polls the KV versions (root token) and seals the server once enough accounts are written
    and ``trigger()`` says the next one is under way (its NetSuite test was received)."""

    def __init__(self, server, paths, trigger, after=SEAL_AFTER_WRITES, limit_seconds=300):
        self.server, self.paths, self.after, self.limit = server, paths, after, limit_seconds
        self.trigger = trigger
        self.sealed_at = self.writes_at_seal = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(10)

    def _watch(self):
        deadline = time.monotonic() + self.limit
        while not self._stop.is_set() and time.monotonic() < deadline:
            written = 0
            for path in self.paths:
                meta = self.server.kv2_metadata_raw("secret", path)
                if meta and meta["data"]["current_version"] >= 2:
                    written += 1
            if written >= self.after and self.trigger():
                self.server.seal()
                self.sealed_at, self.writes_at_seal = time.monotonic(), written
                return
            self._stop.wait(0.05)


def run(bed, report):
    with contextlib.ExitStack() as stack:
        matrix = FaultMatrix(bed, report, stack)
        matrix.start_servers()
        matrix.define()
        matrix.prepare()
        matrix.run_matrix()
        matrix.run_sealed_mid_run()


def _snapshot_of(fault):
    """Reads the fault's path when called: its server and path are set later."""
    return lambda: _kv2_snapshot(fault.server, "secret", fault.path)


def _request_count_of(bed, fault):
    """Counts NetSuite requests for the fault's old account when called (set later)."""
    return lambda: bed.netsuite_requests(fault.old["account_id"])
