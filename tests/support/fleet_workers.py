# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a fleet check with worker processes in a fresh interpreter, as the task's process is
when Ansible forks it: one thread (a test process runs servers in threads, and the fleet never
forks a process with more than one). Reads a JSON job on stdin, prints a JSON answer.

    {"mode": "fleet", "accounts": [AccountSettings fields...], "checker": {FleetChecker kwargs}}
        -> {"rows": [...], "forks": <processes forked>, "children_left": bool}
        ("kill_at_host": H: the worker that meets host H is killed there;
         "fork_fails_at": N: fork number N fails as at RLIMIT_NPROC, once a request is in flight
         at the emulator "emulator_url", so the workers already forked die holding a slot)
    {"mode": "die", "accounts": N, "processes": K, "dies": <worker number>, "dies_after": s, "others_take": s,
     "signal": "SIGKILL" (or another signal's name: what that worker dies of)}
        -> run_in_workers where that worker kills itself: {"rows": [...], "children_left": bool}
    {"mode": "orphans", "processes": K, "pid_dir": D}
        -> never: K workers write their pid into D and wait; the test kills this process
    {"mode": "variables", "hostvars": {host: {variable: value}}, "processes": K}
        -> the fleet action's reading of host variables by K processes: {"read": [...], ...}
"""
import errno
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request


def run_fresh(job, timeout=300):
    """The answer to ``job`` from this script in a fresh interpreter (the caller's import path);
    fails on any exit status but 0 and on anything written to stderr (a warning about forking
    with threads, say)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    done = subprocess.run([sys.executable, os.path.abspath(__file__)], input=json.dumps(job), capture_output=True,
                          text=True, env=env, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr == "", done.stderr[-3000:]
    return json.loads(done.stdout)


def _children_left():
    try:
        os.waitpid(-1, os.WNOHANG)
        return True
    except ChildProcessError:
        return False


def fleet(job):
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_check import (
        AccountSettings,
        FleetChecker,
    )

    forks = []
    real_fork = os.fork

    def counted_fork():
        if len(forks) + 1 == job.get("fork_fails_at"):
            _wait_for_a_request_in_flight(job["emulator_url"])
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    os.fork = counted_fork
    if job.get("kill_at_host"):  # the worker that meets this host dies at once, as by the OOM killer
        check_one = FleetChecker.check_one

        def dying_check_one(self, settings):
            if settings.host == job["kill_at_host"]:
                os.kill(os.getpid(), signal.SIGKILL)
            return check_one(self, settings)

        FleetChecker.check_one = dying_check_one
    accounts = [AccountSettings(**fields) for fields in job["accounts"]]
    rows = FleetChecker(**job["checker"]).check(accounts)
    return {"rows": rows, "forks": len(forks), "children_left": _children_left()}


def _wait_for_a_request_in_flight(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url + "/__emulator/stats") as answer:
            if any(account["in_flight"] for account in json.load(answer).values()):
                return
        time.sleep(0.01)
    raise AssertionError("no request in flight at the emulator")


def die(job):
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_processes import run_in_workers

    def work(shard, number):
        if number == job["dies"]:
            time.sleep(job.get("dies_after", 0))
            os.kill(os.getpid(), getattr(signal, job.get("signal", "SIGKILL")))
        time.sleep(job.get("others_take", 0))
        return {"rows": [{"host": host, "by": number} for host in shard]}

    hosts = ["h%d" % index for index in range(job["accounts"])]
    _payloads, rows = run_in_workers(hosts, job["processes"], work, lambda host, why: {"host": host, "lost": why})
    return {"rows": rows, "children_left": _children_left()}


def orphans(job):
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_processes import run_in_workers

    def work(shard, number):
        with open(os.path.join(job["pid_dir"], "%d.pid" % number), "w") as out:
            out.write(str(os.getpid()))
        time.sleep(120)
        return {"rows": shard}

    run_in_workers(["h%d" % index for index in range(job["processes"])], job["processes"], work, None)
    return {}


def variables(job):
    """The action's reading of host variables over job["processes"] processes; host "broken"
    fails as a template with an undefined variable does."""
    from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import _variables_of_all

    from ansible.utils.display import Display

    class HostVars(dict):
        def __getitem__(self, host):
            if host == "broken":
                raise ValueError("'undefined_thing' is\nundefined")
            if job.get("warn"):  # as a template's lookup with errors='warn' does
                Display().warning("could not read a file for %s" % host)
            return dict.__getitem__(self, host)

    hostvars = HostVars(job["hostvars"])
    hosts = list(job["hostvars"]) + ["broken"]
    try:
        from ansible._internal._display_utils import DeferredWarningContext
    except ImportError:  # ansible-core before 2.19: warnings go to Ansible's main process at once
        return {"read": _variables_of_all(hosts, hostvars, job["processes"]), "children_left": _children_left()}
    with DeferredWarningContext(variables={}) as context:  # what a task runs in
        read = _variables_of_all(hosts, hostvars, job["processes"])
        warnings = [warning.event.msg for warning in context.get_warnings()]
    return {"read": read, "warnings": warnings, "children_left": _children_left()}


if __name__ == "__main__":
    request = json.load(sys.stdin)
    answer = {"fleet": fleet, "die": die, "orphans": orphans, "variables": variables}[request["mode"]](request)
    sys.stdout.write(json.dumps(answer))
