# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Starts bench.py's timed commands one at a time and reports each one's wall time and peak RSS.

Why a separate, tiny process (run as ``python -S -E spawn.py``, built-in modules only): on Linux
a child's ru_maxrss is never below its parent's peak RSS at the moment of exec (exec records the
old address space's high-water mark), so the process that starts the measured commands must be
smaller than any of them. This one stays near 8 MB; bench.py itself is about 20 MB.

Protocol on stdin/stdout, one request at a time: 8 hex digits of length, then NUL-separated
fields cwd, stdout path, stderr path, argc, argv..., NAME=value... The answer is one line:
``<wall ns> <child ru_maxrss KiB> <exit code> <own VmHWM KiB> <child CPU ns>``. The child's
rusage from wait4 covers the child and every descendant it waited for (Linux RUSAGE_BOTH): the
CPU is user + system time of the whole process tree, ru_maxrss the largest single process.
"""

import os
import time


def _read_exact(size):
    chunks = []
    while size:
        chunk = os.read(0, size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _own_peak_kib():
    with open("/proc/self/status", "rb") as handle:
        for line in handle:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1])
    return -1


def _child(cwd, out, err, argv, env):
    try:
        os.chdir(cwd)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        os.dup2(os.open(out, flags, 0o600), 1)
        os.dup2(os.open(err, flags, 0o600), 2)
        os.execve(argv[0], argv, env)
    finally:
        os._exit(127)  # only reached when exec failed


def serve():
    while True:
        header = _read_exact(8)
        if header is None:
            return
        fields = _read_exact(int(header, 16)).split(b"\0")
        cwd, out, err, argc = fields[0], fields[1], fields[2], int(fields[3])
        argv = fields[4:4 + argc]
        env = dict(item.split(b"=", 1) for item in fields[4 + argc:])
        start = time.perf_counter_ns()
        pid = os.fork()
        if pid == 0:
            _child(cwd, out, err, argv, env)
        status, usage = os.wait4(pid, 0)[1:]
        wall = time.perf_counter_ns() - start
        cpu = int(round((usage.ru_utime + usage.ru_stime) * 1e9))
        answer = "%d %d %d %d %d\n" % (
            wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status), _own_peak_kib(), cpu)
        os.write(1, answer.encode())


if __name__ == "__main__":
    serve()
