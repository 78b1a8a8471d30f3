"""A fleet check spread over forked worker processes, against a real OpenBao and the NetSuite
emulator: every account checked once, rows in the inventory's order, NetSuite's per-account limit
kept across processes (counted at the emulator), one Vault login per connection for all workers
(a single-use secret ID), the cross-account scrub, and a worker that dies. The fleet runs in a
fresh interpreter (tests/support/fleet_workers.py): this test process runs the emulator in
threads, and the fleet never forks a process that has more than one."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_check import (
    AccountSettings,
    FleetChecker,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_processes import (
    SharedSlots,
    shares,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_report import (
    junit_xml,
    report_json,
    summary_lines,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import WITHHELD
from support.accounts import fake_account as new_account
from support.fleet_workers import run_fresh

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "support", "fleet_workers.py")
KEYS = ("consumer_key", "consumer_secret", "token_id", "token_secret")


def stored(account):
    return {key: account[key] for key in KEYS + ("account_id",)}


def stored_fleet(openbao, emulator, path, vault, first_id, count):
    """Settings of ``count`` hosts h0, h1... each with an account of its own (IDs from
    ``first_id``00), in the emulator and stored at <path>/<n>."""
    accounts = []
    for number in range(count):
        account = new_account("%s%02d" % (first_id, number))
        emulator.add_account(account)
        openbao.kv2_write_raw("secret", "%s/%d" % (path, number), stored(account))
        accounts.append(settings("h%d" % number, "%s/%d" % (path, number), emulator, vault))
    return accounts


def settings(host, path, emulator, vault):
    return {"host": host, "path": path, "netsuite_url": emulator.url, "vault": vault}


def test_workers_check_each_account_once_in_order_within_the_per_account_limit(openbao, emulator, path, inflight):
    shared, revoked = new_account("4700001"), new_account("4700002", revoked=True)
    others = [new_account("47001%02d" % number) for number in range(5)]
    root = {"url": openbao.url, "token": openbao.root_token}
    accounts = []
    # Host 0 is named after a secret of an account another worker reads (round robin: host i goes
    # to worker i % 3): only the merged scrub, with every worker's secrets, can withhold it.
    for account in [shared, revoked] + others:
        emulator.add_account(account)
    openbao.kv2_write_raw("secret", path + "/other0", stored(others[0]))
    accounts.append(settings(others[0]["token_secret"], path + "/other0", emulator, root))
    for number in range(6):  # one NetSuite account, six integrations: spread over every worker
        openbao.kv2_write_raw("secret", "%s/shared%d" % (path, number), stored(shared))
        accounts.append(settings("shared%d" % number, "%s/shared%d" % (path, number), emulator, root))
    openbao.kv2_write_raw("secret", path + "/revoked", stored(revoked))
    accounts.append(settings("revoked", path + "/revoked", emulator, root))
    for number, account in enumerate(others[1:], 1):
        openbao.kv2_write_raw("secret", "%s/other%d" % (path, number), stored(account))
        accounts.append(settings("other%d" % number, "%s/other%d" % (path, number), emulator, root))
    accounts.append({"host": "no_path", "vault": root})
    before = len(emulator.requests())

    answer = run_fresh({"mode": "fleet", "accounts": accounts,
                        "checker": {"concurrency": 9, "per_account_concurrency": 2, "processes": 3}})

    rows = answer["rows"]
    assert answer["forks"] == 3 and not answer["children_left"]
    assert [row["host"] for row in rows] == [WITHHELD] + [account["host"] for account in accounts[1:]]
    failed = {row["host"]: row["failure_code"] for row in rows if not row["ok"]}
    assert failed == {"revoked": "netsuite:INVALID_LOGIN", "no_path": "input:invalid"}, failed
    # Seen at the emulator: one request per checked account, and never more than 2 in flight to
    # the shared account although its six hosts were checked by three processes at once.
    assert len(emulator.requests()) - before == len(accounts) - 1
    assert inflight["realm_max"]["4700001"] == 2, inflight["realm_max"]
    blob = "\n".join([json.dumps(rows), "\n".join(summary_lines(rows)), report_json(rows), junit_xml(rows, "p")])
    for account in [shared, revoked] + others:
        for key in KEYS:
            assert account[key] not in blob
    assert openbao.root_token not in blob


def test_workers_share_one_vault_login_per_connection(openbao, emulator, path):
    """A single-use secret ID (secret_id_num_uses 1): a login in each worker would fail."""
    mount = "approle-fleet-%s" % uuid.uuid4().hex[:8]
    openbao.api("POST", "sys/auth/%s" % mount, {"type": "approle"})
    openbao.put_policy("fleet-reader", 'path "secret/data/*" { capabilities = ["read"] }')
    openbao.api("POST", "auth/%s/role/fleet" % mount, {"token_policies": ["fleet-reader"], "secret_id_num_uses": 1})
    role_id = openbao.api("GET", "auth/%s/role/fleet/role-id" % mount)["data"]["role_id"]
    secret_id = openbao.api("POST", "auth/%s/role/fleet/secret-id" % mount)["data"]["secret_id"]
    vault = {"url": openbao.url, "auth_method": "approle", "mount_point": mount, "role_id": role_id,
             "secret_id": secret_id}
    accounts = stored_fleet(openbao, emulator, path, vault, "48000", 6)

    answer = run_fresh({"mode": "fleet", "accounts": accounts, "checker": {"concurrency": 6, "processes": 3}})

    assert answer["forks"] == 3
    assert [row["ok"] for row in answer["rows"]] == [True] * 6, answer["rows"]
    assert secret_id not in json.dumps(answer)


def test_a_killed_worker_fails_its_rows_with_a_reason_and_no_account_is_missing(openbao, emulator, path):
    vault = {"url": openbao.url, "token": openbao.root_token}
    accounts = stored_fleet(openbao, emulator, path, vault, "49100", 6)

    answer = run_fresh({"mode": "fleet", "accounts": accounts, "kill_at_host": "h1",
                        "checker": {"concurrency": 2, "processes": 2}})

    rows = answer["rows"]
    assert [row["host"] for row in rows] == ["h%d" % number for number in range(6)]
    lost = [row for row in rows if row["failure_code"] == "internal:worker_lost"]
    assert {"h1", "h3", "h5"} <= {row["host"] for row in lost}, rows  # the killed worker's accounts
    assert all(row["ok"] or row in lost for row in rows)
    assert "killed by signal 9" in lost[0]["reason"] and "processes: 1" in lost[0]["hint"]
    assert summary_lines(rows)[-1].startswith("FAILED (%d of 6)" % len(lost))
    assert not answer["children_left"]


def test_when_a_fork_fails_this_process_checks_every_account_without_the_slots_of_killed_workers(
        openbao, emulator, path):
    """RLIMIT_NPROC reached at the second fork: the first worker, already holding the account's
    only slot (a request held at the emulator), is killed; the fallback must not wait for that
    slot forever."""
    vault = {"url": openbao.url, "token": openbao.root_token}
    account = new_account("4920001")
    emulator.add_account(account)
    openbao.kv2_write_raw("secret", path + "/one", stored(account))
    accounts = [settings("h%d" % number, path + "/one", emulator, vault) for number in range(4)]
    emulator.set_hold(2)
    try:
        answer = run_fresh({"mode": "fleet", "accounts": accounts, "fork_fails_at": 2, "emulator_url": emulator.url,
                            "checker": {"concurrency": 4, "per_account_concurrency": 1, "processes": 2}},
                           timeout=120)
    finally:
        emulator.set_hold(0)

    assert answer["forks"] == 1 and not answer["children_left"]
    assert [row["ok"] for row in answer["rows"]] == [True] * 4, answer["rows"]


def test_a_worker_that_dies_fails_every_row_not_returned_and_leaves_no_process():
    answer = run_fresh({"mode": "die", "accounts": 9, "processes": 3, "dies": 1, "others_take": 60})
    rows = answer["rows"]
    assert [row["host"] for row in rows] == ["h%d" % index for index in range(9)]
    # The dead worker's accounts and those of the workers stopped because of it: none pretends
    # to have been checked, each says why.
    assert all("killed by signal 9" in row["lost"] for row in rows), rows
    assert not answer["children_left"]


def test_the_reason_is_the_lost_workers_not_that_of_the_workers_stopped_because_of_it():
    """The last worker dies of SIGTERM: the first two, stopped with SIGKILL because of it, are
    waited for first; every row must still name SIGTERM, not 'signal 9, perhaps out of memory'."""
    answer = run_fresh({"mode": "die", "accounts": 6, "processes": 3, "dies": 2, "signal": "SIGTERM",
                        "others_take": 60})
    reasons = {row["lost"] for row in answer["rows"]}
    assert reasons == {"killed by signal %d" % signal.SIGTERM}, answer["rows"]
    assert not answer["children_left"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_no_worker_outlives_a_task_process_killed_with_sigkill(tmp_path):
    """The OOM killer or a cancelled job kills the task's process: no handler runs there, and
    its workers must not go on checking accounts as orphans."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    task = subprocess.Popen([sys.executable, SCRIPT], stdin=subprocess.PIPE, text=True, env=env)
    task.stdin.write(json.dumps({"mode": "orphans", "processes": 2, "pid_dir": str(tmp_path)}))
    task.stdin.close()
    pid_files = [tmp_path / "0.pid", tmp_path / "1.pid"]
    deadline = time.monotonic() + 60
    while not all(pid_file.exists() and pid_file.read_text() for pid_file in pid_files):
        assert time.monotonic() < deadline and task.poll() is None, "the workers did not start"
        time.sleep(0.05)
    workers = [int(pid_file.read_text()) for pid_file in pid_files]

    task.kill()
    task.wait()

    deadline = time.monotonic() + 30
    while [pid for pid in workers if _alive(pid)]:
        assert time.monotonic() < deadline, "workers left running: %s" % workers
        time.sleep(0.05)


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def test_a_worker_that_dies_after_the_others_finished_costs_only_its_rows():
    answer = run_fresh({"mode": "die", "accounts": 7, "processes": 3, "dies": 2, "dies_after": 3})
    by_host = {row["host"]: row for row in answer["rows"]}
    assert {host for host, row in by_host.items() if "lost" in row} == {"h2", "h5"}, answer["rows"]
    assert [by_host[host]["by"] for host in ("h0", "h3", "h6", "h1", "h4")] == [0, 0, 0, 1, 1]
    assert not answer["children_left"]


def test_in_a_process_with_threads_the_fleet_stays_in_it(openbao, emulator, path, monkeypatch):
    """Here (the emulator's threads run in this process) forking is unsafe: the same rows come
    from this process alone."""
    assert threading.active_count() > 1
    forks = []
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or -1)
    account = new_account("4900001")
    emulator.add_account(account)
    openbao.kv2_write_raw("secret", path, stored(account))
    vault = {"url": openbao.url, "token": openbao.root_token}
    rows = FleetChecker(concurrency=4, processes=4).check(
        [AccountSettings("h%d" % number, path, netsuite_url=emulator.url, vault=vault) for number in range(4)])
    assert [row["ok"] for row in rows] == [True] * 4 and forks == []


def test_shared_slots_count_per_account():
    slots = SharedSlots(2, 10)
    first, again, other = slots.slot("123"), slots.slot("123"), slots.slot("456")
    assert first.acquire(blocking=False) and again.acquire(blocking=False)
    assert not first.acquire(blocking=False)
    assert other.acquire(blocking=False)
    assert slots.in_use("123") == 2 and slots.in_use("456") == 1
    again.release()
    with first:
        assert slots.in_use("123") == 2
    assert slots.in_use("123") == 1


def test_shares_split_the_concurrency_evenly():
    assert shares(64, 3) == [22, 21, 21] and sum(shares(7, 7)) == 7 and shares(5, 2) == [3, 2]


@pytest.mark.parametrize("bad", [0, -1, 65, True, "2"])
def test_processes_bounds(bad):
    with pytest.raises(ValueError, match="processes"):
        FleetChecker(processes=bad)
