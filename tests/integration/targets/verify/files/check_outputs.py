"""Check what a verify run printed and the JUnit files it wrote.

    python check_outputs.py EXPECT_JSON RUN LOG JUNIT_DIR [HOST,HOST...]

EXPECT_JSON is setup.yml's expect.json ({"ok": [hosts], "failed": [hosts]}). For RUN=good only
the "ok" hosts take part; with a host list (a --limit run) only those hosts. Checks:
- JUnit: exactly one file of account test cases (verify-accounts-*.xml, written by the
  collection's credential_fleet_check) with exactly one test case per account host, named as the
  junit callback names a per-host task, and nothing else; a failure exactly for the failing
  hosts, whose message carries the reason and the hint. The junit callback's own file
  (verify-<time>.xml) is there too and holds no test case at all (JUNIT_TEST_CASE_PREFIX matches
  no task, and the task failing the run is an EXPECTED FAILURE).
- Log: the summary is printed exactly once, with one row per host ending in ok/FAILED as
  expected, a "reason:" line under every FAILED row, and the final line naming exactly the
  failed hosts.
"""
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

CASE_NAME = re.compile(r"\[(?P<host>[^\]]+)\] (?P<play>[^:]+): (?P<task>.*)\Z", re.S)
HEADER = "NetSuite credentials in Vault: "


PLAY = "Verify the NetSuite TBA credentials stored in Vault"
TASK = "TBA credential check"


def check_callback_junit(junit_dir):
    files = [name for name in glob.glob(junit_dir + "/verify-*.xml") if "/verify-accounts-" not in name]
    if len(files) != 1:
        return ["expected exactly one junit callback file in %s, found %d" % (junit_dir, len(files))]
    cases = list(ET.parse(files[0]).getroot().iter("testcase"))
    print("junit callback: %s: %d test cases" % (files[0], len(cases)))
    return ["the junit callback's file has a test case: %r" % case.get("name") for case in cases]


def check_junit(junit_dir, hosts_ok, hosts_failed, rows):
    problems = []
    files = glob.glob(junit_dir + "/verify-accounts-*.xml")
    if len(files) != 1:
        return ["expected exactly one JUnit file of accounts in %s, found %d" % (junit_dir, len(files))]
    cases = list(ET.parse(files[0]).getroot().iter("testcase"))
    seen = {}
    for case in cases:
        match = CASE_NAME.match(case.get("name", ""))
        if not match:
            problems.append("test case with an unexpected name: %r" % case.get("name"))
            continue
        host = match.group("host")
        if (match.group("play"), match.group("task")) != (PLAY, TASK):
            problems.append("test case with an unexpected play or task: %r" % case.get("name"))
        seen.setdefault(host, []).append(case)
    expected = set(hosts_ok) | set(hosts_failed)
    for host in sorted(set(seen) | expected):
        found = seen.get(host, [])
        if host not in expected:
            problems.append("test case for a host that is not an account: %s" % host)
            continue
        if len(found) != 1:
            problems.append("%s: %d test cases, expected exactly 1" % (host, len(found)))
            continue
        bad = [child for child in found[0] if child.tag in ("failure", "error")]
        if host in hosts_failed and not bad:
            problems.append("%s: the test case passed, expected a failure" % host)
        if host in hosts_ok and bad:
            problems.append("%s: the test case failed: %s" % (host, bad[0].get("message")))
        row = rows.get(host, {})
        expected_message = "%s. Hint: %s" % (row.get("reason", "").rstrip("."), row.get("hint"))
        if bad and bad[0].get("message") != expected_message:
            problems.append("%s: the failure message is not the report's reason and hint: %r" % (
                host, bad[0].get("message")))
    print("junit: %s: %d test cases, %d failed" % (files[0], len(cases), sum(
        1 for case in cases if any(child.tag in ("failure", "error") for child in case))))
    return problems


def summary_lines(log_path):
    """The summary as printed by the debug task: one JSON string per line of the msg list."""
    with open(log_path, errors="replace") as handle:
        text = handle.read()
    starts = [m.start() for m in re.finditer(r'"msg": \[\s*"' + re.escape(HEADER), text)]
    if len(starts) != 1:
        return None, ["expected the summary exactly once in %s, found it %d times" % (log_path, len(starts))]
    block = text[text.index("[", starts[0]):]
    depth, end = 0, None
    for pos, char in enumerate(block):
        depth += char == "["
        depth -= char == "]"
        if depth == 0 and char == "]":
            end = pos + 1
            break
    try:
        return json.loads(block[:end]), []
    except (TypeError, ValueError) as exc:
        return None, ["cannot read the summary: %s" % exc]


def check_summary(log_path, hosts_ok, hosts_failed):
    lines, problems = summary_lines(log_path)
    if lines is None:
        return problems
    rows = {}
    for number, line in enumerate(lines):
        words = line.split()
        if words and words[0] in set(hosts_ok) | set(hosts_failed):
            rows[words[0]] = (words[-1], lines[number + 1] if number + 1 < len(lines) else "")
    for host in hosts_ok:
        if rows.get(host, ("missing",))[0] != "ok":
            problems.append("summary row of %s: expected ok, got %s" % (host, rows.get(host)))
    for host in hosts_failed:
        result, following = rows.get(host, ("missing", ""))
        if result != "FAILED" or not following.startswith("    reason: "):
            problems.append("summary row of %s: expected FAILED with a reason, got %s" % (host, rows.get(host)))
    total = len(hosts_ok) + len(hosts_failed)
    prefix = "FAILED (%d of %d): " % (len(hosts_failed), total)
    if hosts_failed:
        named = lines[-1][len(prefix):].split(", ") if lines[-1].startswith(prefix) else []
        if sorted(named) != sorted(hosts_failed):
            problems.append("last summary line: %r, expected %r and the failed hosts" % (lines[-1], prefix))
    elif lines[-1] != "All %d accounts passed." % total:
        problems.append("last summary line: %r, expected all %d passed" % (lines[-1], total))
    print("summary: %d lines, %d rows; last line: %s" % (len(lines), len(rows), lines[-1]))
    return problems


def main(expect_path, run, log_path, junit_dir, limit=None):
    with open(expect_path) as handle:
        expect = json.load(handle)
    hosts_ok = expect["ok"]
    hosts_failed = expect["failed"] if run != "good" else []
    if limit:
        hosts_ok = [host for host in hosts_ok if host in limit.split(",")]
        hosts_failed = [host for host in hosts_failed if host in limit.split(",")]
    # The run's JSON report, next to the JUnit directory: the JUnit file must agree with it.
    with open(os.path.join(os.path.dirname(junit_dir), "report_%s.json" % run)) as handle:
        rows = {row["host"]: row for row in json.load(handle)["accounts"]}
    problems = (check_junit(junit_dir, hosts_ok, hosts_failed, rows) + check_callback_junit(junit_dir)
                + check_summary(log_path, hosts_ok, hosts_failed))
    for problem in problems:
        print("PROBLEM: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
