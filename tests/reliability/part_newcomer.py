"""The newcomer's first command: the README's demo, run from a directory that is not the repo.

Issue 11 found the demo opening with inventory warnings, showing 'ok' for the task that refused
a revoked token, truncating its own hint and leaving the test bed's secrets behind in the cache.
Each is checked here from the demo's own output and from what it leaves on disk.
"""
import os
import re
import subprocess
import tempfile
import time

# Every warning a user would see: Ansible's "[WARNING]" and "[DEPRECATION WARNING]", Python's
# warnings ("file.py:18: CryptographyDeprecationWarning: ..."), and any tool's "warning:" or
# "Warning:" line. Matching only "[WARNING]" and "DEPRECATION" missed a CryptographyDeprecationWarning.
WARNING_LINE = re.compile(r"\[WARNING\]|DEPRECATION|\w*warning: ", re.IGNORECASE)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def run(bed, report):
    started = time.monotonic()
    cache = os.environ.get("NSO_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "netsuite_ops.credentials")
    elsewhere = tempfile.mkdtemp(prefix="nso-newcomer-")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("ANSIBLE_", "VAULT_", "BAO_"))}
    env["ANSIBLE_NOCOLOR"] = "1"
    done = subprocess.run([os.path.join(REPO, "scripts", "demo")], cwd=elsewhere, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600, check=False)
    output = done.stdout.decode("utf-8", "replace")
    log = bed.keep(os.path.join(bed.out, "newcomer-demo.log"))
    with open(log, "w") as handle:
        handle.write(output)
    seconds = time.monotonic() - started
    lines = output.splitlines()
    warnings = [line for line in lines if WARNING_LINE.search(line)]
    refused_at = next((i for i, line in enumerate(lines) if "Try to store a revoked token" in line), None)
    refusal = lines[refused_at:refused_at + 40] if refused_at is not None else []
    hint_lines = [line for line in lines if line.strip().startswith('"Hint: ')]
    checks = [
        ("the demo exits 0 from another directory", "exit 0", "exit %d" % done.returncode, done.returncode == 0),
        ("no warnings", "no [WARNING], deprecation, Python warning or 'warning:' line",
         "%d: %s" % (len(warnings), warnings[:2]), not warnings),
        ("the refused token shows as a failure", "fatal ... then ...ignoring under the refusal task",
         "fatal %s, ignoring %s" % (any(line.startswith("fatal:") for line in refusal),
                                    any("...ignoring" in line for line in refusal)),
         any(line.startswith("fatal:") for line in refusal) and any("...ignoring" in line for line in refusal)),
        ("the whole hint is printed", "one Hint line ending with the Login Audit Trail pointer",
         "%d hint line(s)%s" % (len(hint_lines), ", ends %r" % hint_lines[0][-40:] if hint_lines else ""),
         len(hint_lines) == 1 and "(Detail column)" in hint_lines[0] and not hint_lines[0].rstrip('",').endswith("...")),
        ("the CI check passes", "All 2 accounts passed.", "found" if "All 2 accounts passed." in output else "missing",
         "All 2 accounts passed." in output),
        ("no state left behind", "no %s/demo" % cache, "exists" if os.path.exists(os.path.join(cache, "demo")) else "gone",
         not os.path.exists(os.path.join(cache, "demo"))),
        ("nothing written where it ran", "an empty directory", str(os.listdir(elsewhere)), os.listdir(elsewhere) == []),
    ]
    for name, expected, observed, ok in checks:
        report.add("newcomer", name, expected, observed, ok, seconds)
