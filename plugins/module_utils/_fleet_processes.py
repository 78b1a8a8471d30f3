# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Spread one fleet check over worker processes forked from the task's own process.

One interpreter checks about 100 accounts a second whatever the concurrency (its lock, the GIL,
serializes the signing, HTTP and scrubbing of every thread), so a fleet of 1000 on one process is
CPU-bound before NetSuite's latency matters. Workers are forked, not started anew: they inherit
the parsed settings, the Vault logins (one per connection, made here before the fork) and the
secrets registered so far, and cost no start-up.

Kept across processes:
- NetSuite's per-account limit: ``SharedSlots`` counts the requests in flight per account in
  memory shared by every worker (an account's hosts may land in different workers);
- the cross-account scrub: a worker sends back its rows with every secret it met, and the rows
  are scrubbed here, with every account's secrets, as a one-process check does;
- one row per account: a worker that ends without its rows (killed, out of memory) fails the rows
  of its accounts, and of every other worker's (they are stopped: it may have died holding an
  account's slot, which they would wait for forever), with a reason that says so.

Knows nothing of Ansible. POSIX only; the caller falls back to one process where fork is unsafe.
"""

import ctypes
import hashlib
import json
import mmap
import os
import selectors
import signal
import sys
import threading
import time

WORKER_LOST_REASON = ("the worker process checking this account ended without its result (%s); "
                      "nothing is known about this account's credentials")
WORKER_LOST_HINT = ("Run the check again; if it happens again, run with processes: 1 (netsuite_verify_processes) "
                    "and look for the cause in the controller's memory and system logs.")
_POLL_SECONDS = 0.005
_READ_SIZE = 1 << 16
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def can_fork():
    """Forking is safe only while this process runs a single thread: a lock held by another
    thread at the fork would stay held forever in the child (and Python 3.12+ warns)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def shares(total, parts):
    """``total`` split into ``parts`` whole numbers as even as possible (the first get more)."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


class SharedSlots:
    """Per-account slots of NetSuite's concurrency limit, shared with forked workers.

    A hash table in anonymous shared memory (no file): for each account, a 64-bit key and how
    many requests are in flight; one lock (a semaphore inherited over fork) guards it for a few
    operations, never across I/O. Entries are never removed: the table has room for twice as
    many accounts as the fleet has hosts, so it never fills."""

    def __init__(self, limit, accounts):
        import multiprocessing  # pylint: disable=import-outside-toplevel

        self.limit = limit
        self._size = 1 << max(6, (2 * max(1, accounts)).bit_length())
        self._memory = mmap.mmap(-1, self._size * 12)
        self._keys = (ctypes.c_uint64 * self._size).from_buffer(self._memory)
        self._used = (ctypes.c_int32 * self._size).from_buffer(self._memory, self._size * 8)
        self._lock = multiprocessing.get_context("fork").Lock()

    def slot(self, account):
        return SharedSlot(self, _key(account))

    def try_take(self, key):
        with self._lock:
            index = self._index(key)
            if self._used[index] >= self.limit:
                return False
            self._used[index] += 1
            return True

    def give_back(self, key):
        with self._lock:
            index = self._index(key)
            if self._used[index] > 0:
                self._used[index] -= 1

    def in_use(self, account):
        with self._lock:
            return self._used[self._index(_key(account))]

    def _index(self, key):
        mask = self._size - 1
        index = key & mask
        while self._keys[index] not in (0, key):
            index = (index + 1) & mask
        self._keys[index] = key
        return index


def _key(account):
    """A nonzero 64-bit key for an account ID, the same in every process (hash() is not)."""
    return int.from_bytes(hashlib.blake2b(str(account).encode("utf-8"), digest_size=8).digest(), "big") or 1


class SharedSlot:
    """One account's slots, used like a threading.BoundedSemaphore (``with``, ``acquire``,
    ``release``). Waiting polls every few milliseconds: a NetSuite request takes hundreds."""

    def __init__(self, table, key):
        self._table = table
        self._key = key

    def acquire(self, blocking=True):
        while not self._table.try_take(self._key):
            if not blocking:
                return False
            time.sleep(_POLL_SECONDS)
        return True

    def release(self):
        self._table.give_back(self._key)

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc_info):
        self.release()


def run_in_workers(accounts, processes, work, lost_row):
    """Rows for ``accounts``, from ``processes`` forked workers.

    ``work(shard, number)`` runs in each worker on every ``processes``-th account (starting at
    ``number``) and returns a JSON-serializable dict with ``rows`` (in shard order); it runs in a
    child that never returns to the caller. Returns ``(payloads, rows)``: the workers' dicts, and
    the rows in ``accounts`` order, where each account of a worker that ended without its result
    has ``lost_row(settings, why)``."""
    indexes = [list(range(number, len(accounts), processes)) for number in range(processes)]
    workers, open_fds = [], set()
    try:
        for number, shard in enumerate(indexes):
            workers.append(_fork(number, [accounts[index] for index in shard], work))
            open_fds.add(workers[-1][1])
        results, first_lost = _read_all(workers, open_fds)
    except BaseException:
        _stop([pid for pid, _fd in workers])  # interrupted: no worker outlives the task
        raise
    finally:
        ended = _reap(workers, open_fds)
    rows = [None] * len(accounts)
    payloads = []
    # The reason is the first lost worker's: the others were stopped (SIGKILL) because of it.
    lost = _why(ended.get(first_lost)) if first_lost is not None else None
    for (pid, _fd), shard in zip(workers, indexes):
        payload = _payload(results.get(pid), ended.get(pid), len(shard))
        if payload is None:
            lost = lost or _why(ended.get(pid))
            continue
        payloads.append(payload)
        for index, row in zip(shard, payload["rows"]):
            rows[index] = row
    for index, row in enumerate(rows):
        if row is None:
            rows[index] = lost_row(accounts[index], lost or "it was stopped")
    return payloads, rows


def _fork(number, shard, work):
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        raise
    if pid == 0:  # the worker: never returns
        status = 1
        try:
            _die_with(parent)
            os.close(read_fd)
            data = json.dumps(work(shard, number)).encode("utf-8")
            with os.fdopen(write_fd, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)  # pylint: disable=protected-access
    os.close(write_fd)
    return pid, read_fd


def _die_with(parent):
    """Linux: this worker is killed when the task's process ends, even by SIGKILL (the OOM killer,
    a cancelled job): an orphan would go on sending requests for output no one reads. The
    forking thread is the process's only one (can_fork), so its end is the process's."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it ended before the request above
        os._exit(1)  # pylint: disable=protected-access


def _read_all(workers, open_fds):
    """(every worker's result, parsed once: a dict or None; the pid of the first that ended without
    one, or None), read side by side (a full pipe must not stall a worker). When one ends without
    a result, the others are stopped (see the module's docstring)."""
    outputs = {pid: bytearray() for pid, _fd in workers}
    results = {}
    first_lost = None
    with selectors.DefaultSelector() as selector:
        for pid, read_fd in workers:
            selector.register(read_fd, selectors.EVENT_READ, pid)
        while selector.get_map():
            for key, _events in selector.select():
                chunk = os.read(key.fd, _READ_SIZE)
                if chunk:
                    outputs[key.data].extend(chunk)
                    continue
                selector.unregister(key.fd)
                os.close(key.fd)
                open_fds.discard(key.fd)
                results[key.data] = _parsed(outputs.pop(key.data))
                if results[key.data] is None and first_lost is None:
                    first_lost = key.data
                    _stop([pid for pid, _fd in workers if pid != key.data])
    return results, first_lost


def _parsed(output):
    try:
        result = json.loads(bytes(output))
    except ValueError:
        return None
    return result if isinstance(result, dict) else None


def _stop(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _reap(workers, open_fds):
    """{pid: wait status} of every worker (each has ended its output, or was stopped)."""
    for read_fd in open_fds:
        os.close(read_fd)
    ended = {}
    for pid, _read_fd in workers:
        try:
            ended[pid] = os.waitpid(pid, 0)[1]
        except ChildProcessError:
            ended[pid] = None
    return ended


def _payload(result, status, expected_rows):
    """A worker's result when it exited 0 with a row for each of its accounts, else None."""
    if result is None or status != 0 or len(result.get("rows") or []) != expected_rows:
        return None
    return result


def _why(status):
    if status is None:
        return "it could not be waited for"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return "killed by signal %d%s" % (number, ", perhaps out of memory" if number == signal.SIGKILL else "")
    if os.WIFEXITED(status):
        return "exit status %d" % os.WEXITSTATUS(status)
    return "wait status %d" % status
