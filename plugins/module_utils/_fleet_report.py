# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""What a fleet check reports, built from its rows only (``_fleet_check``), so each rule lives
here once: the summary lines, the JSON report and the JUnit XML."""

import json
import re
import time
import xml.etree.ElementTree as ET

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import outcome_line

JUNIT_TEST_CASE_NAME = "TBA credential check"  # kept: CI jobs filter on it (M2M rows are cases too)

# XML 1.0 allows tab, newline, carriage return and these ranges; anything else (control
# characters, lone surrogates, U+FFFE/U+FFFF) makes the whole file unreadable.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def failed_hosts(rows):
    return [row["host"] for row in rows if not row["ok"]]


def summary_lines(rows):
    """The summary printed once per run: a header, one table row per account (with its reason,
    hint and warnings underneath) and a last line naming the failed accounts."""
    failed = failed_hosts(rows)
    width = max([4] + [len(str(row["host"])) for row in rows])
    fmt = "%-" + str(width) + "s  %-17s  %-15s  %-4s  %-7s  %-7s  %-8s  %s"
    lines = ["NetSuite credentials in Vault: %d accounts, %d ok, %d FAILED"
             % (len(rows), len(rows) - len(failed), len(failed)),
             fmt % ("HOST", "ACCOUNT", "ENVIRONMENT", "TYPE", "VERSION", "AGE (d)", "CERT (d)", "RESULT")]
    for row in rows:
        lines.append(fmt % _table_cells(row))
        lines.extend(_row_notes(row))
    if failed:
        lines.append("FAILED (%d of %d): %s" % (len(failed), len(rows), ", ".join(failed)))
    else:
        lines.append("All %d accounts passed." % len(rows))
    return lines


def _table_cells(row):
    return (row["host"], row["account"] or "-", row["environment"] or "-", (row.get("auth_type") or "-").upper(),
            "-" if row["version"] is None else row["version"],
            "-" if row["age_days"] is None else "%.1f" % float(row["age_days"]),
            "-" if row.get("certificate_days_left") is None else row["certificate_days_left"],
            row["result"])


def _row_notes(row):
    """The lines under a row: its probes, its reason and hint when it failed, then its warnings."""
    notes = ["    probe " + outcome_line(probe) for probe in row.get("probes") or []]
    if not row["ok"]:
        notes.append("    reason: " + row["reason"])
        if row["hint"]:
            notes.append("    hint:   " + row["hint"])
    return notes + ["    warning: " + warning for warning in row["warnings"]]


_REPORT_KEYS = ("host", "account", "environment", "auth_type", "mount", "path", "version", "age_days",
                "certificate_days_left", "certificate_not_after", "ok", "result",
                "reason", "hint", "error_code", "failure_code", "attempts", "retries", "probes", "warnings")


def report(rows):
    """The JSON report: ok, the failed hosts, and the rows (no secret is in them)."""
    failed = failed_hosts(rows)
    return {"ok": not failed, "failed": failed,
            "accounts": [{key: row.get(key) for key in _REPORT_KEYS} for row in rows]}


def report_json(rows):
    return json.dumps(report(rows), indent=4, sort_keys=True) + "\n"


def failure_message(row):
    """What a JUnit failure says: the reason, then the hint (the modules' msg format)."""
    reason = row["reason"].rstrip(".")
    return "%s. Hint: %s" % (reason, row["hint"]) if row["hint"] else reason


def _xml_text(value):
    """Text XML 1.0 can hold: invalid characters are shown as \\xNN / \\uNNNN escapes."""
    def escape(match):
        code = ord(match.group())
        return "\\x%02x" % code if code < 0x100 else "\\u%04x" % code
    return _XML_INVALID.sub(escape, str(value))


def _case_details(row):
    """What a test case says about its account, one line each."""
    version = "-" if row["version"] is None else row["version"]
    details = ["host: %s" % row["host"], "account: %s" % (row["account"] or "-"),
               "vault: %s (mount %s) version %s" % (row["path"] or "-", row["mount"], version)]
    if row.get("auth_type"):
        details.append("auth_type: %s" % row["auth_type"])
    if row.get("certificate_days_left") is not None:
        details.append("certificate: %s days left (not after %s)"
                       % (row["certificate_days_left"], row.get("certificate_not_after")))
    details += ["probe " + outcome_line(probe) for probe in row.get("probes") or []]
    return details + ["warning: %s" % warning for warning in row["warnings"]]


def junit_xml(rows, play_name, suite_name="verify", classname="", case_name=JUNIT_TEST_CASE_NAME):
    """One testsuite, one testcase per account, named as ansible-core's junit callback names a
    per-host task: "[<host>] <play name>: <case name>". A failed account's case holds a
    <failure> whose message and text are the reason and the hint. A probe is a line of its account's
    case, not a case: the host is what AWX slices and owners fix (docs/verify.md)."""
    failed = failed_hosts(rows)
    total = sum(float(row.get("seconds") or 0) for row in rows)
    suites = ET.Element("testsuites", {
        "name": _xml_text(suite_name), "tests": str(len(rows)), "failures": str(len(failed)),
        "errors": "0", "disabled": "0", "time": "%.3f" % total})
    suite = ET.SubElement(suites, "testsuite", {
        "name": _xml_text(suite_name), "tests": str(len(rows)), "failures": str(len(failed)), "errors": "0",
        "skipped": "0", "disabled": "0", "time": "%.3f" % total,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())})
    for row in rows:
        case = ET.SubElement(suite, "testcase", {
            "name": _xml_text("[%s] %s: %s" % (row["host"], play_name, case_name)),
            "classname": _xml_text(classname), "time": "%.3f" % float(row.get("seconds") or 0)})
        details = _case_details(row)
        if row["ok"]:
            ET.SubElement(case, "system-out").text = _xml_text("\n".join(details))
        else:
            message = failure_message(row)
            failure = ET.SubElement(case, "failure", {"message": _xml_text(message), "type": "failure"})
            failure.text = _xml_text("\n".join([message] + details))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
