"""Run a command on a real pseudo-terminal and answer its prompts like an operator would.

    python pty_driver.py CONFIG[,CONFIG...] STEPS TRANSCRIPT -- COMMAND [ARG ...]

CONFIG is the test bed's integration_config.yml (JSON), or several JSON files separated by
commas whose "netsuite_accounts" and "m2m_accounts" are merged. STEPS is a JSON list; each step
waits for a regular expression in what the terminal shows, then types an answer and Enter:

    {"expect": "type yes", "send": "yes"}
    {"expect": "Consumer Key", "secret": ["good_production", "consumer_key"], "hidden": true}
    {"expect": "Token Secret", "send": ""}
    {"expect": "Certificate ID", "secret": ["m2m_tty", "certificate_ids", 0]}
    {"expect": "type yes", "run": ["python", "m2m_bed.py", "upload", "..."], "send": "yes"}

"secret" names a value of the test bed (account, field[, index]), so no secret is on a command
line or in a file of this test. With "hidden": true the driver first waits until the terminal is
in raw mode with echo off (Ansible's hidden prompt is ready), and fails if echo is still on.
"run" is a command run (and required to succeed) before the answer is typed: what the operator
does elsewhere meanwhile, such as uploading a certificate to NetSuite.

The command runs in a new session whose controlling terminal is the pseudo-terminal, in the
foreground, exactly like a person's shell. Everything the terminal shows (including any echo of
typed characters) is written to TRANSCRIPT. Exit status: the command's, or 90 + n when step n
was never reached or echo was on, or 124 on timeout.
"""
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import time

STEP_TIMEOUT = 90
TOTAL_TIMEOUT = 300


def _read(fd, buffer, transcript, wait):
    readable = select.select([fd], [], [], wait)[0]
    if not readable:
        return True
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        return False
    if not chunk:
        return False
    buffer.extend(chunk)
    transcript.write(chunk)
    transcript.flush()
    return True


def _terminal_ready(fd, hidden):
    """Raw mode (Ansible's prompt set-up done); for hidden prompts also echo off."""
    lflag = termios.tcgetattr(fd)[3]
    raw = not lflag & termios.ICANON
    echo = bool(lflag & termios.ECHO)
    return raw and not (hidden and echo), echo


def _kill(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def main(config_path, steps_path, transcript_path, *command):
    accounts = {}
    for path in config_path.split(","):
        with open(path) as handle:
            loaded = json.load(handle)
        accounts.update(loaded.get("netsuite_accounts", {}))
        accounts.update(loaded.get("m2m_accounts", {}))
    with open(steps_path) as handle:
        steps = json.load(handle)

    pid, fd = pty.fork()
    if pid == 0:  # child: the pty is stdin, stdout, stderr and the controlling terminal
        os.execvp(command[0], list(command))

    status = None
    buffer = bytearray()
    position = 0
    started = time.time()
    with open(transcript_path, "wb") as transcript:
        alive = True
        for number, step in enumerate(steps, 1):
            pattern = re.compile(step["expect"].encode(), re.IGNORECASE)
            deadline = time.time() + STEP_TIMEOUT
            match = None
            while alive and time.time() < deadline:
                match = pattern.search(bytes(buffer), position)
                if match:
                    break
                alive = _read(fd, buffer, transcript, 0.2)
            match = match or pattern.search(bytes(buffer), position)
            if not match:
                print("pty_driver: step %d never saw %r" % (number, step["expect"]))
                status = 90 + number
                break
            position = match.end()
            # Wait for Ansible to switch the terminal to raw mode (and echo off when hidden).
            hidden = step.get("hidden", False)
            ready_by = time.time() + 20
            ready, echo = _terminal_ready(fd, hidden)
            while not ready and time.time() < ready_by:
                _read(fd, buffer, transcript, 0.05)
                ready, echo = _terminal_ready(fd, hidden)
            if not ready:
                print("pty_driver: step %d: terminal not ready (echo %s)" % (number, "on" if echo else "off"))
                status = 90 + number
                break
            time.sleep(0.5)  # Ansible flushes pending input right after the set-up
            if "run" in step:
                done = subprocess.run(step["run"], stdin=subprocess.DEVNULL, check=False)
                if done.returncode != 0:
                    print("pty_driver: step %d: %s failed (exit %d)" % (number, step["run"][:3], done.returncode))
                    status = 90 + number
                    break
            if "secret" in step:
                account, field = step["secret"][:2]
                answer = accounts[account][field]
                if len(step["secret"]) > 2:
                    answer = answer[step["secret"][2]]
                label = "secret %s" % ".".join(str(part) for part in step["secret"])
            else:
                answer = step.get("send", "")
                label = "%r" % answer
            os.write(fd, answer.encode() + b"\r")
            print("pty_driver: step %d: saw %r, typed %s%s" % (
                number, step["expect"], label, " (echo off)" if hidden else ""))

        if status is None:
            while time.time() - started < TOTAL_TIMEOUT:
                if alive:
                    alive = _read(fd, buffer, transcript, 0.2)
                else:
                    time.sleep(0.1)
                done, wait_status = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = os.waitstatus_to_exitcode(wait_status)
                    drain_until = time.time() + 3
                    while alive and time.time() < drain_until:
                        alive = _read(fd, buffer, transcript, 0.2)
                    break
            else:
                print("pty_driver: timed out")
                status = 124
                _kill(pid)
        else:
            _kill(pid)
    os.close(fd)
    print("pty_driver: exit status %s" % status)
    return status


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 5 or args[3] != "--":
        sys.exit(__doc__)
    sys.exit(main(args[0], args[1], args[2], *args[4:]))
