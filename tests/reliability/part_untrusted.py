"""Untrusted text: servers that echo secrets in spellings a plain search misses, and a Vault
whose error text carries terminal control sequences (issue 15, reproductions 2 and 12; the
proxy credentials of reproduction 1 as far as the scrub goes).

Every case runs through ansible-playbook on both execution paths (the controller's process and
the AnsiballZ module). Hostile stand-ins on 127.0.0.1:

- NetSuite (TBA): a 401 in NetSuite's shape whose detail holds base64 of the request's
  Authorization header at each of the three alignments, or the header in 4-character groups;
- NetSuite (M2M): a token endpoint whose error_description holds base64 of the request body (the
  client assertion inside), or the client ID as hex; a token endpoint that issues a token and a
  REST answer that echoes it spaced out or in base64;
- Vault: a proxy in front of the test bed's OpenBao that forwards everything but answers a KV
  write with base64 of the written body (TBA values; m2m_key_pair's new private key), a userpass
  login with the password (a tab, two spaces) echoed, and a revoke-self with the login token in
  base64 and the secret_id in 6-character groups, or with a clear-screen, a title sequence and a
  fake green "ok:" line. Its AppRole login hands out a real token of the test bed.

A case passes when the task's registered result and the whole -vvvv console output hold no
secret in any spelling (tests/integration/targets/setup_testbed/files/leakcheck.py, written apart
from the collection's scrubber) and the result says the text was withheld (or, for the control
sequences, shows the text stripped and bounded). Every secret met is also handed to the leak hunt.
"""
import base64
import importlib.util
import json
import os
import re
import secrets
import threading
import urllib.error
import urllib.request
from urllib.parse import parse_qs

from support.http_stub import StubServer

PART = "untrusted"
HERE = os.path.dirname(os.path.abspath(__file__))
LEAKCHECK = os.path.join(HERE, "..", "integration", "targets", "setup_testbed", "files", "leakcheck.py")
WITHHELD = "(withheld: this text contained a secret)"
# The prose rule withholds a server text that is not plain prose before any search.
ENCODED_WITHHELD = "(withheld: the server's text was not plain prose and may echo a secret)"
FORGED_WITHHELD = "(withheld: the server's text imitated Ansible's output)"
TBA_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
# What a warning may grow to: Vault's text is cut to 200 characters, ours around it is short.
WARNING_BOUND = 600
FAKE_OK = "ok: [fake-host] => verified"
CONTROL_TEXT = "\x1b[2J\x1b[H\x1b]0;all good\x07\r\n\x1b[32m%s\x1b[0m\n" % FAKE_OK + "padding " * 400


def _leakcheck():
    spec = importlib.util.spec_from_file_location("leakcheck", LEAKCHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _b64(data, skip=0):
    data = data if isinstance(data, bytes) else data.encode("utf-8")
    return base64.b64encode(b"~" * skip + data).decode("ascii")


def _groups(text, size):
    return " ".join(text[i:i + size] for i in range(0, len(text), size))


def _body(handler):
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def _netsuite_error(status, detail):
    return status, {"Content-Type": "application/json"}, json.dumps(
        {"type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2", "title": "Unauthorized",
         "status": status, "o:errorDetails": [{"detail": detail, "o:errorCode": "INVALID_LOGIN"}]})


class Seen:
    """Secrets only the hostile servers see (assertions, access tokens, new private keys)."""

    def __init__(self):
        self.values = {}
        self._lock = threading.Lock()

    def add(self, label, value):
        if value:
            with self._lock:
                self.values.setdefault(label, value)


class NetSuiteTba(StubServer):
    """401 whose detail holds the Authorization header: base64 at an alignment, or 4-groups."""

    def __init__(self, mode):
        def answer(handler):
            header = handler.headers.get("Authorization", "")
            if mode == "groups4":
                return _netsuite_error(401, "Rejected header: " + _groups(header, 4))
            return _netsuite_error(401, "Rejected header (base64): " + _b64(header, int(mode[-1])))
        super().__init__(answer)


class NetSuiteM2m(StubServer):
    """A token endpoint that echoes the request, or issues a token the REST answer echoes."""

    def __init__(self, mode, seen, client_id):
        def answer(handler):
            if handler.command == "POST":
                body = _body(handler)
                assertion = (parse_qs(body.decode("utf-8", "replace")).get("client_assertion") or [""])[0]
                seen.add("untrusted.%s.client_assertion" % mode, assertion)
                if mode == "token_body_b64":
                    return 400, {"Content-Type": "application/json"}, json.dumps(
                        {"error": "invalid_request", "error_description": "Could not read " + _b64(body, 1)})
                if mode == "client_id_hex":
                    return 400, {"Content-Type": "application/json"}, json.dumps(
                        {"error": "invalid_client", "error_description": "Unknown client "
                         + client_id.encode("utf-8").hex().upper()})
                token = "eyJ" + secrets.token_urlsafe(600)
                seen.add("untrusted.%s.access_token" % mode, token)
                return 200, {"Content-Type": "application/json"}, json.dumps(
                    {"access_token": token, "token_type": "bearer", "expires_in": "3600"})
            bearer = handler.headers.get("Authorization", "")
            token = bearer.partition(" ")[2]
            if mode == "bearer_spaced":
                return _netsuite_error(401, "Invalid token " + _groups(token, 5))
            return _netsuite_error(401, "Invalid header " + _b64(bearer, 2))
        super().__init__(answer)


class HostileVault(StubServer):
    """Forwards to the real Vault; a few answers are replaced by hostile ones."""

    def __init__(self, upstream, seen, login_token):
        def answer(handler):
            body = _body(handler)
            path = handler.path
            if handler.command == "POST" and re.match(r"/v1/secret/data/untrusted/", path):
                return self._write_echo(path, body, seen)
            if handler.command in ("POST", "PUT") and path.startswith("/v1/auth/userpass/login/"):
                password = json.loads(body or b"{}").get("password", "")
                return 400, {"Content-Type": "application/json"}, json.dumps(
                    {"errors": ["invalid password %r for user: %s" % (password, password)]})
            if handler.command in ("POST", "PUT") and path.startswith("/v1/auth/approle/login"):
                sent = json.loads(body or b"{}")
                seen.add("untrusted.approle.secret_id_sent", sent.get("secret_id"))
                return 200, {"Content-Type": "application/json"}, json.dumps({"auth": {
                    "client_token": login_token, "accessor": "untrusted-accessor", "policies": ["tba-reader"],
                    "token_policies": ["tba-reader"], "lease_duration": 3600, "renewable": True}})
            if path.startswith("/v1/auth/token/revoke-self"):
                token = handler.headers.get("X-Vault-Token", "")
                if self.revoke_mode == "controls":
                    return 400, {"Content-Type": "application/json"}, json.dumps({"errors": [CONTROL_TEXT]})
                return 400, {"Content-Type": "application/json"}, json.dumps({"errors": [
                    "cannot revoke %s (secret_id %s)" % (_b64(token, 1), _groups(self.secret_id, 6))]})
            return self._forward(upstream, handler, body)
        self.revoke_mode = "echo"
        self.secret_id = ""
        super().__init__(answer)

    @staticmethod
    def _write_echo(path, body, seen):
        data = json.loads(body or b"{}").get("data") or {}
        for name, value in data.items():
            if name in ("private_key",) + TBA_FIELDS + ("client_id",):
                seen.add("untrusted.vault_write.%s.%s" % (path.rsplit("/", 1)[-1], name), value)
        text = body.decode("utf-8")
        start = max(text.find('"private_key"'), 0) if "private_key" in data else 0
        return 400, {"Content-Type": "application/json"}, json.dumps(
            {"errors": ["1 error occurred:\n\t* could not decode " + _b64(text[start:], 2)]})

    @staticmethod
    def _forward(upstream, handler, body):
        headers = {name: value for name, value in handler.headers.items()
                   if name.lower() in ("x-vault-token", "content-type", "x-vault-request", "x-vault-namespace")}
        request = urllib.request.Request(upstream + handler.path, data=body or None, headers=headers,
                                         method=handler.command)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # nosec: loopback test bed
                return answer.status, {"Content-Type": answer.headers.get("Content-Type", "application/json")}, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {"Content-Type": "application/json"}, exc.read()


class Untrusted:
    def __init__(self, bed, report):
        self.bed, self.report = bed, report
        self.seen = Seen()
        self.leakcheck = _leakcheck()
        self.servers = []
        self.declared = {}  # label -> value: secrets the playbook hands to the tasks

    def start(self, server):
        self.servers.append(server.start())
        return server

    def setup(self):
        bed = self.bed
        good = bed.state["netsuite_accounts"]["good_sandbox"]
        self.tba = dict({name: secrets.token_hex(32) for name in TBA_FIELDS}, account_id="4100001")
        m2m = bed.state["m2m_accounts"]["ec256"]
        self.password = "correct\thorse  battery-" + secrets.token_hex(12)
        self.secret_id = secrets.token_hex(18)
        self.role_id = "role-" + secrets.token_hex(16)
        # A real token of the test bed for the faked AppRole login: reads work, revoke-self is
        # intercepted, so it stays valid (as in the reproduction).
        self.login_token = bed.vault.create_token(["tba-reader"])
        bed.vault.kv2_write_raw("secret", "untrusted-stored", {
            name: good[name] for name in ("account_id",) + TBA_FIELDS})
        self.declared.update({"untrusted.tba.%s" % name: self.tba[name] for name in TBA_FIELDS})
        self.declared.update({"untrusted.userpass.password": self.password, "untrusted.approle.secret_id": self.secret_id,
                              "untrusted.approle.role_id": self.role_id, "untrusted.login_token": self.login_token})
        for label, value in self.declared.items():
            bed.add_secret(label, value)
        self.tba_servers = {mode: self.start(NetSuiteTba(mode)) for mode in ("b64_0", "b64_1", "b64_2", "groups4")}
        self.m2m_servers = {mode: self.start(NetSuiteM2m(mode, self.seen, m2m["client_id"]))
                            for mode in ("token_body_b64", "client_id_hex", "bearer_spaced", "bearer_b64")}
        self.vault = self.start(HostileVault(bed.vault.url, self.seen, self.login_token))
        self.vault.secret_id = self.secret_id
        self.fx = {"tba": self.tba, "good": good, "m2m": m2m, "password": self.password,
                   "secret_id": self.secret_id, "role_id": self.role_id,
                   "tba_urls": {mode: server.url for mode, server in self.tba_servers.items()},
                   "m2m_urls": {mode: server.url for mode, server in self.m2m_servers.items()},
                   "hostile_vault": self.vault.url}
        path = os.path.join(bed.work, "untrusted-vars.json")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"fx": self.fx}, handle)
        self.vars_file = path

    def stop(self):
        for server in self.servers:
            server.stop()

    # -- the playbook --

    def cases(self, mode):
        """(case name, module, args, what must show): one task each."""
        root = {"url": "{{ vault_url }}", "token": "{{ vault_root_token }}"}
        hostile_root = {"url": "{{ fx.hostile_vault }}", "token": "{{ vault_root_token }}"}
        tba = {name: "{{ fx.tba.%s }}" % name for name in ("account_id",) + TBA_FIELDS}
        good = {name: "{{ fx.good.%s }}" % name for name in ("account_id",) + TBA_FIELDS}
        m2m_fields = ("account_id", "client_id", "certificate_id", "private_key", "certificate")
        m2m = {name: "{{ fx.m2m.%s }}" % name for name in m2m_fields}
        found = []
        for server in ("b64_0", "b64_1", "b64_2", "groups4"):
            found.append(("netsuite 401: Authorization header as %s" % server, "credential_check",
                          dict(tba, netsuite_url="{{ fx.tba_urls.%s }}" % server, fail_on_error=False), "withheld"))
        for server, what in (("token_body_b64", "token endpoint: request body (client assertion) in base64"),
                             ("client_id_hex", "token endpoint: client ID as hex"),
                             ("bearer_spaced", "REST answer: access token spaced out"),
                             ("bearer_b64", "REST answer: bearer header in base64")):
            found.append((what, "m2m_credential",
                          dict(m2m, path="untrusted/%s/m2m-%s" % (mode, server), vault=root,
                               netsuite_url="{{ fx.m2m_urls.%s }}" % server), "withheld"))
        found.append(("vault 400 on write: base64 of the TBA body", "tba_credential",
                      dict(good, path="untrusted/%s/tba-write" % mode, vault=hostile_root,
                           netsuite_url="{{ netsuite_url }}"), "withheld"))
        found.append(("vault 400 on write: base64 of m2m_key_pair's new private key", "m2m_key_pair",
                      dict(account_id="{{ fx.m2m.account_id }}", integration_name="untrusted-%s" % mode,
                           path="untrusted/%s/key-pair" % mode, vault=hostile_root,
                           certificate_file="%s/untrusted-%s.pem" % (self.bed.out, mode)), "withheld"))
        found.append(("vault login 400 echoing a password with a tab and two spaces", "credential_check",
                      dict(path="untrusted-stored", netsuite_url="{{ netsuite_url }}",
                           vault={"url": "{{ fx.hostile_vault }}", "auth_method": "userpass",
                                  "username": "ops", "password": "{{ fx.password }}"}), "withheld"))
        approle = {"url": "{{ fx.hostile_vault }}", "auth_method": "approle", "role_id": "{{ fx.role_id }}",
                   "secret_id": "{{ fx.secret_id }}"}
        found.append(("failed revoke-self: login token in base64, secret_id in 6-groups", "credential_check",
                      dict(path="untrusted-stored", netsuite_url="{{ netsuite_url }}", vault=approle), "withheld"))
        return found

    def run_mode(self, mode, revoke_mode, cases):
        self.vault.revoke_mode = revoke_mode
        results_file = os.path.join(self.bed.out, "untrusted-results-%s-%s.json" % (mode, revoke_mode))
        tasks = []
        for number, (_name, module, args, _expect) in enumerate(cases):
            tasks.append({"name": "untrusted case %d" % number, "netsuite_ops.credentials.%s" % module: args,
                          "register": "r%d" % number, "ignore_errors": True})
        collected = ", ".join("'%d': r%d" % (number, number) for number in range(len(cases)))
        tasks.append({"name": "Save the results", "check_mode": False, "ansible.builtin.copy": {
            "content": "{{ {%s} | to_nice_json }}" % collected, "dest": results_file, "mode": "0644"}})
        play = [{"name": "Untrusted text", "hosts": "localhost", "connection": "local", "gather_facts": False,
                 "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}]
        playbook = self.bed.write("untrusted-%s-%s.yml" % (mode, revoke_mode), json.dumps(play, indent=1))
        run = self.bed.playbook(playbook, "-e", "@" + self.vars_file, label="untrusted-%s-%s" % (mode, revoke_mode),
                                env=self.bed.env(NETSUITE_OPS_CREDENTIALS_EXECUTION=mode))
        self.bed.keep(results_file)
        try:
            with open(results_file) as handle:
                results = json.load(handle)
        except (OSError, ValueError) as exc:
            self.report.add(PART, "%s: playbook" % mode, "results written",
                            "rc %d, none (%s); see %s" % (run.rc, type(exc).__name__, run.log), False)
            return None, run
        return results, run

    def secrets_index(self):
        known = dict(self.declared)
        known.update(self.seen.values)
        good = self.bed.state["netsuite_accounts"]["good_sandbox"]
        known.update({"good_sandbox.%s" % name: good[name] for name in TBA_FIELDS})
        known["m2m.ec256.client_id"] = self.bed.state["m2m_accounts"]["ec256"]["client_id"]
        known["m2m.ec256.private_key"] = self.bed.state["m2m_accounts"]["ec256"]["private_key"]
        known["vault root token"] = self.bed.state["vault_root_token"]
        index = self.leakcheck.fragment_index(known)
        return index, self.leakcheck.short_needles(index)

    def leaks(self, text, index, short):
        return sorted(self.leakcheck._hits_in_line(text, index, short))  # pylint: disable=protected-access

    def check_mode(self, mode):
        cases = self.cases(mode)
        results, run = self.run_mode(mode, "echo", cases)
        for label, value in self.seen.values.items():
            self.bed.add_secret(label, value)
        index, short = self.secrets_index()
        console = self.leaks(run.output, index, short)
        self.report.add(PART, "%s: console output at -vvvv holds no secret in any spelling" % mode, "0 hits",
                        "%d hits%s (rc %d)" % (len(console), ": %s" % console[:5] if console else "", run.rc),
                        not console and "untrusted case" in run.output)
        for number, (name, _module, _args, _expect) in enumerate(cases):
            result = (results or {}).get(str(number))
            if result is None:
                self.report.add(PART, "%s: %s" % (mode, name), "a result", "none", False)
                continue
            text = json.dumps(result)
            hits = self.leaks(text, index, short)
            withheld = any(note in text for note in (WITHHELD, ENCODED_WITHHELD))
            self.report.add(PART, "%s: %s" % (mode, name), "no secret in the result; the text shown as withheld",
                            "%d hits%s; %s" % (len(hits), " %s" % hits[:3] if hits else "",
                                               "withheld" if withheld else "NOT withheld: %s" % _short(result)),
                            not hits and withheld)
        self.check_controls(mode, index, short)

    def check_controls(self, mode, index, short):
        """Reproduction 12: Vault's revoke-self error with control sequences and a fake line."""
        cases = [case for case in self.cases(mode) if case[0].startswith("failed revoke-self")]
        results, run = self.run_mode(mode, "controls", cases)
        result = (results or {}).get("0") or {}
        warnings = [w for w in result.get("warnings") or [] if "did not revoke" in w]
        raw_controls = [c for c in ("\x1b", "\x07", "\x9b") if c in run.output or c in json.dumps(result, ensure_ascii=False)]
        forged = [line for line in run.output.splitlines() if line.lstrip().startswith(FAKE_OK[:14])]
        longest = max((len(w) for w in warnings), default=0)
        ok = (bool(warnings) and not raw_controls and not forged and longest <= WARNING_BOUND
              and not result.get("failed") and FORGED_WITHHELD in warnings[0] and "fake-host" not in warnings[0]
              and not self.leaks(run.output, index, short))
        self.report.add(PART, "%s: revoke-self error with clear-screen, title and a fake ok line" % mode,
                        "a warning, stripped of controls, at most %d characters, no forged line, the imitation "
                        "withheld" % WARNING_BOUND,
                        "%d warning(s), longest %d; controls %s; forged lines %d; failed %s; %r"
                        % (len(warnings), longest, [hex(ord(c)) for c in raw_controls], len(forged), result.get("failed"),
                           (warnings or [""])[0][:120]),
                        ok)

    def check_proxy_env(self, mode):
        """The scrub's part of reproduction 1: proxy credentials from the environment."""
        password = "Pr0xy-" + secrets.token_hex(12)
        self.bed.add_secret("untrusted.proxy.password", password)
        broken = "http://ops:%s@proxy.example:80800" % password
        tasks = [{"name": "untrusted proxy", "netsuite_ops.credentials.credential_check": {
            "path": "untrusted-stored", "netsuite_url": "{{ netsuite_url }}",
            "vault": {"url": "{{ vault_url }}", "token": "{{ vault_root_token }}"}},
            "register": "r", "ignore_errors": True},
            {"name": "Show the result", "ansible.builtin.debug": {"var": "r"}}]
        play = [{"name": "Proxy", "hosts": "localhost", "connection": "local", "gather_facts": False,
                 "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}]
        playbook = self.bed.write("untrusted-proxy-%s.yml" % mode, json.dumps(play, indent=1))
        env = self.bed.env(NETSUITE_OPS_CREDENTIALS_EXECUTION=mode, HTTPS_PROXY=broken, http_proxy=broken,
                           NO_PROXY="", no_proxy="")
        run = self.bed.playbook(playbook, "-e", "@" + self.vars_file, env=env, label="untrusted-proxy-%s" % mode)
        index = self.leakcheck.fragment_index({"proxy password": password})
        hits = self.leaks(run.output, index, self.leakcheck.short_needles(index))
        self.report.add(PART, "%s: HTTPS_PROXY/http_proxy with a password and a port typo" % mode,
                        "the password in no spelling in the output",
                        "%d hits (rc %d)" % (len(hits), run.rc), not hits and "untrusted proxy" in run.output)


def _short(result):
    return " ".join(str(result.get("msg") or (result.get("connection") or {}).get("detail") or "")[:160].split())


def run(bed, report):
    part = Untrusted(bed, report)
    part.setup()
    try:
        for mode in ("controller", "module"):
            part.check_mode(mode)
            part.check_proxy_env(mode)
    finally:
        part.stop()
