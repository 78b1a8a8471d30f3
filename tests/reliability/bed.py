"""What every part of the reliability suite uses: the running test bed, and ansible-playbook runs
whose whole output is kept for the leak hunt.

Checks of Vault state go through ``bed.vault`` (root token, straight HTTP), and NetSuite request
counts through ``bed.emulator``: never through the code under test.
"""
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, TESTS)

from support.testbed import TestBed  # noqa: E402


@dataclass
class Run:
    rc: int
    output: str
    log: str
    seconds: float

    def json_results(self):
        """Results registered by tasks named '… (result)', printed by the json callback."""
        start = self.output.find("{")
        return json.loads(self.output[start:]) if start >= 0 else None


class Bed:
    """A TestBed plus a work folder: playbooks written there, every run's output kept there."""

    def __init__(self, out_dir, audit=True):
        self.out = out_dir
        self.work = os.path.join(out_dir, "work")
        os.makedirs(self.work, exist_ok=True)
        self._testbed = TestBed(audit=audit)
        self.outputs = []  # every file a run wrote or printed, for the leak hunt
        self._runs = 0

    def __enter__(self):
        self._testbed.__enter__()
        self.state = self._testbed.state
        self.vault = self._testbed.vault
        self.emulator = self._testbed.emulator
        self.state_file = os.path.join(self.work, "testbed.json")
        fd = os.open(self.state_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(self.state, handle)
        return self

    def __exit__(self, *exc_info):
        self._testbed.__exit__(*exc_info)

    def add_secret(self, label, value):
        """Register a secret the suite made itself (a token, a generated value) for the leak hunt."""
        self.state.setdefault("extra_secrets", {})[label] = value
        with open(self.state_file, "w") as handle:
            json.dump(self.state, handle)

    def write(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, "w") as handle:
            handle.write(text)
        return path

    def keep(self, path):
        self.outputs.append(path)
        return path

    def env(self, **extra):
        env = dict(os.environ)
        for name in [name for name in env if name.startswith(("VAULT_", "BAO_", "NETSUITE_"))]:
            del env[name]
        env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_INJECT_INVOCATION="true", ANSIBLE_DIFF_ALWAYS="false",
                   ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
                   ANSIBLE_RETRY_FILES_ENABLED="false")
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def playbook(self, playbook, *args, env=None, verbosity="-vvvv", timeout=600, label=None, stdin=None):
        """Run ansible-playbook with the test bed's vars; the combined output is kept as a file."""
        self._runs += 1
        label = label or os.path.splitext(os.path.basename(playbook))[0]
        log = os.path.join(self.out, "run-%03d-%s.log" % (self._runs, label))
        command = ["ansible-playbook", "-e", "@" + self.state_file]
        if verbosity:
            command.append(verbosity)
        command += list(args) + [playbook]
        started = time.monotonic()
        try:
            done = subprocess.run(command, cwd=self.work, env=env or self.env(), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, stdin=stdin or subprocess.DEVNULL,
                                  timeout=timeout, check=False)
            rc, output = done.returncode, done.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as exc:
            rc, output = 124, (exc.stdout or b"").decode("utf-8", "replace") + "\n(timed out)"
        with open(log, "w") as handle:
            handle.write(output)
        self.keep(log)
        return Run(rc, output, log, time.monotonic() - started)

    def netsuite_requests(self, realm=None):
        return len(self.emulator.requests(realm))

    def stored(self, mount, path):
        """(current_version, latest data or None) read with the root token."""
        metadata = self.vault.kv2_metadata_raw(mount, path)
        raw = self.vault.kv2_read_raw(mount, path)
        version = metadata["data"]["current_version"] if metadata else None
        data = (raw or {}).get("data", {}).get("data") if raw else None
        return version, data

    def clear(self, mount, path):
        self.vault.request("DELETE", "%s/metadata/%s" % (mount, path))
