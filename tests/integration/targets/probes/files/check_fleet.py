"""Check the verify run over the probes fleet: its JSON report, its JUnit file (one test case per
account, each probe a line), the summary in its log, and the emulator's per-account peak.

    python check_fleet.py INTEGRATION_CONFIG REPORT JUNIT_DIR VERIFY_LOG
"""
import glob
import json
import sys
import urllib.request
import xml.etree.ElementTree as ET

PASSED = [["subsidiaries", "suiteql", True], ["customers", "record", True]]
EXPECTED = {
    # host: (failure_code, reason prefix, [[name, kind, ok], ...])
    "p_tba_ok": (None, "", PASSED),
    "p_tba_ok_2": (None, "", PASSED),
    "p_tba_ok_3": (None, "", PASSED),
    "p_tba_customer_view": (None, "", PASSED),
    "p_m2m_ok": (None, "", PASSED),
    "p_former_name": (None, "", [["server time", "path", True]]),
    "p_tba_no_workbook": ("netsuite:INSUFFICIENT_PERMISSION", "probe subsidiaries (suiteql) failed",
                          [["subsidiaries", "suiteql", False], ["customers", "record", True]]),
    "p_tba_customer_none": ("netsuite:INSUFFICIENT_PERMISSION", "probe customers (record) failed",
                            [["subsidiaries", "suiteql", True], ["customers", "record", False]]),
    "p_m2m_limited": ("netsuite:INSUFFICIENT_PERMISSION", "probe subsidiaries (suiteql) failed",
                      [["subsidiaries", "suiteql", False], ["customers", "record", False]]),
    "p_bad_probes": ("input:invalid", "Invalid netsuite_verify_probes: netsuite_verify_probes[0].method: "
                     "probes are read-only", []),
}
PLAY = "Verify the NetSuite TBA credentials stored in Vault"


def check(config_path, report_path, junit_dir, log_path):
    problems = []
    with open(report_path, encoding="utf-8") as handle:
        report = json.load(handle)
    rows = {row["host"]: row for row in report["accounts"]}
    if sorted(rows) != sorted(EXPECTED):
        problems.append("report hosts %s" % sorted(rows))
    if sorted(report["failed"]) != sorted(host for host, (code, _r, _p) in EXPECTED.items() if code):
        problems.append("report failed %s" % report["failed"])
    for host, (code, reason, probes) in EXPECTED.items():
        row = rows.get(host, {})
        seen = [[probe["name"], probe["kind"], probe["ok"]] for probe in row.get("probes") or []]
        if row.get("failure_code") != code or not row.get("reason", "").startswith(reason) or seen != probes:
            problems.append("%s: %s %r %s" % (host, row.get("failure_code"), row.get("reason"), seen))
        if code and code.startswith("netsuite:") and "Lists -> Customers" not in row["hint"] \
                and "SuiteAnalytics Workbook" not in row["hint"]:
            problems.append("%s: hint %r" % (host, row["hint"]))

    files = glob.glob(junit_dir + "/verify-accounts-*.xml")
    if len(files) != 1:
        problems.append("JUnit files of the fleet: %s" % files)
    else:
        suite = ET.parse(files[0]).getroot().find("testsuite")
        cases = {case.get("name"): case for case in suite.findall("testcase")}
        if suite.get("tests") != str(len(EXPECTED)) or len(cases) != len(EXPECTED):
            problems.append("JUnit: %s cases, expected one per account (%d)" % (suite.get("tests"), len(EXPECTED)))
        denied = cases.get("[p_tba_customer_none] %s: TBA credential check" % PLAY)
        failure = denied.find("failure") if denied is not None else None
        if failure is None or "probe customers (record) failed" not in failure.get("message") \
                or "probe customers (record): FAILED netsuite:INSUFFICIENT_PERMISSION" not in failure.text \
                or "probe subsidiaries (suiteql): ok" not in failure.text:
            problems.append("JUnit: the denied account's case does not show its probes")
        good = cases.get("[p_m2m_ok] %s: TBA credential check" % PLAY)
        if good is None or "probe customers (record): ok" not in good.find("system-out").text:
            problems.append("JUnit: the passing M2M account's case does not show its probes")

    with open(log_path, encoding="utf-8") as handle:
        log = handle.read()
    for line in ("    probe customers (record): FAILED netsuite:INSUFFICIENT_PERMISSION",
                 "    probe subsidiaries (suiteql): ok", "    probe server time (path): ok"):
        if line not in log:
            problems.append("summary: no line %r" % line)

    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    with urllib.request.urlopen(config["netsuite_url"] + "/__emulator/stats") as answer:  # nosec - loopback test bed
        stats = json.load(answer)
    peaks = {account: entry["max_in_flight"] for account, entry in stats.items() if entry["total"]}
    if not peaks or max(peaks.values()) > 2:
        problems.append("per-account peak in flight %s (limit 2)" % peaks)
    print("check_fleet: %d accounts, %d failed as expected; peak requests in flight per NetSuite account: %s"
          % (len(rows), len(report["failed"]), sorted(peaks.values())))
    return problems


if __name__ == "__main__":
    found = check(*sys.argv[1:5])
    for problem in found:
        print("FAILED: " + problem)
    sys.exit(1 if found else 0)
