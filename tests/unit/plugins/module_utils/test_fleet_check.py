"""The fleet check against a real OpenBao and the NetSuite emulator: one row per account whatever
fails, mixed mounts and Vault connections, the global and per-account concurrency bounds
(measured in the emulator), the summary text, the JSON report, the JUnit XML (parsed back, with
hostile host names) and no secret in any output."""
import json
import secrets
import threading
import uuid
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_check import (
    NO_PATH_REASON,
    AccountSettings,
    FleetChecker,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_report import (
    failure_message,
    junit_xml,
    report,
    report_json,
    summary_lines,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import WITHHELD
from support.accounts import fake_account as new_account

PLAY = "Verify the NetSuite TBA credentials stored in Vault"


def stored(account):
    return {key: value for key, value in account.items() if key != "scenario"}


def all_secrets(accounts, *tokens):
    values = [account[name] for account in accounts
              for name in ("consumer_key", "consumer_secret", "token_id", "token_secret")]
    return values + [token for token in tokens if token]


def assert_no_secret(texts, values):
    """Neither a whole secret nor any 16-character slice of one is in any of `texts`."""
    blob = "\n".join(texts).lower()
    for value in values:
        assert value
        slices = {value[i:i + 16].lower() for i in range(len(value) - 15)}
        assert not [piece for piece in slices if piece in blob], "a secret leaked"


def outputs(rows):
    return [json.dumps(rows), "\n".join(summary_lines(rows)), report_json(rows), junit_xml(rows, PLAY)]


def test_mixed_mounts_connections_and_failures(openbao, emulator, mount, path, token_for):
    good, revoked, sandbox = new_account("4100001"), new_account("4100002", revoked=True), new_account("4100003_SB1")
    for account in (good, revoked, sandbox):
        emulator.add_account(account)
    openbao.kv2_write_raw("secret", path + "/good", stored(good))
    openbao.kv2_write_raw("secret", path + "/revoked", stored(revoked))
    openbao.kv2_write_raw(mount, path + "/sandbox", stored(sandbox))
    openbao.kv2_write_raw(mount, path + "/missing", {k: v for k, v in stored(good).items() if k != "token_secret"})
    reader = token_for('path "%s/data/*" { capabilities = ["read"] }' % mount)
    root = {"url": openbao.url, "token": openbao.root_token}
    limited = {"url": openbao.url, "token": reader}
    bogus = {"url": openbao.url, "token": secrets.token_hex(20)}
    before = len(emulator.requests())
    accounts = [
        AccountSettings("good", path + "/good", vault=root, netsuite_url=emulator.url),
        AccountSettings("revoked", path + "/revoked", vault=root, netsuite_url=emulator.url),
        AccountSettings("sandbox", path + "/sandbox", engine_mount_point=mount, vault=limited,
                        netsuite_url=emulator.url, max_age_days=365),
        AccountSettings("missing_key", path + "/missing", engine_mount_point=mount, vault=limited,
                        netsuite_url=emulator.url),
        AccountSettings("denied", path + "/good", vault=limited, netsuite_url=emulator.url),
        AccountSettings("bad_token", path + "/good", vault=bogus, netsuite_url=emulator.url),
        AccountSettings("no_secret", path + "/nothing", vault=root, netsuite_url=emulator.url),
        AccountSettings("no_path", None, vault=root),
        AccountSettings("too_old", path + "/good", vault=root, netsuite_url=emulator.url, max_age_days=0),
        AccountSettings("bad_url", path + "/good", vault=root, netsuite_url="https://example.com"),
        AccountSettings("no_vault", path + "/good", vault={}),
    ]
    rows = FleetChecker(concurrency=4).check(accounts)
    by_host = {row["host"]: row for row in rows}
    assert [row["host"] for row in rows] == [a.host for a in accounts]
    assert by_host["good"]["ok"] and by_host["good"]["account"] == "4100001"
    assert by_host["good"]["version"] == 1 and by_host["good"]["attempts"] == 1
    assert by_host["sandbox"]["ok"] and by_host["sandbox"]["environment"] == "sandbox"
    assert by_host["sandbox"]["mount"] == mount
    expected = {
        "revoked": ("NetSuite refused", "INVALID_LOGIN"),
        "missing_key": ("missing key(s): token_secret", None),
        "denied": ("Vault: Permission denied", "permission_denied"),
        "bad_token": ("Vault: Vault rejected the token", "auth_failed"),
        "no_secret": ("No credentials stored", None),
        "no_path": (NO_PATH_REASON, None),
        "too_old": ("max_age_days=0", None),
        "bad_url": ("Invalid input: netsuite_url", None),
        "no_vault": ("Vault: vault.url is not set", "config"),
    }
    for host, (words, code) in expected.items():
        row = by_host[host]
        assert not row["ok"] and row["result"] == "FAILED", row
        assert words in row["reason"] and row["hint"], row
        assert row["error_code"] == code, row
    failure_codes = {
        "revoked": "netsuite:INVALID_LOGIN", "missing_key": "stored:malformed", "denied": "vault:permission_denied",
        "bad_token": "vault:auth_failed", "no_secret": "stored:missing", "no_path": "input:invalid",
        "too_old": "stored:too_old", "bad_url": "input:invalid", "no_vault": "vault:config",
    }
    assert {host: by_host[host]["failure_code"] for host in failure_codes} == failure_codes
    assert by_host["good"]["failure_code"] is None
    # One request per account NetSuite was asked about: good, revoked, sandbox, too_old.
    assert len(emulator.requests()) - before == 4
    assert_no_secret(outputs(rows), all_secrets([good, revoked, sandbox], openbao.root_token, reader,
                                                bogus["token"]))


def test_concurrency_is_bounded_globally(openbao, emulator, path, inflight):
    accounts = [new_account("42000%02d" % n) for n in range(8)]
    settings = []
    for number, account in enumerate(accounts):
        emulator.add_account(account)
        openbao.kv2_write_raw("secret", "%s/%d" % (path, number), stored(account))
        settings.append(AccountSettings("h%d" % number, "%s/%d" % (path, number), netsuite_url=emulator.url,
                                        vault={"url": openbao.url, "token": openbao.root_token}))
    rows = FleetChecker(concurrency=4, per_account_concurrency=2).check(settings)
    assert all(row["ok"] for row in rows), rows
    # Seen at the emulator: exactly 4 requests in flight at the peak, never more. (How fast that
    # makes a fleet is the benchmark's business, not a timed test's.)
    assert inflight["max"] == 4, inflight["max"]


def test_concurrency_is_bounded_per_netsuite_account(openbao, emulator, path, inflight):
    shared = new_account("4300001")
    emulator.add_account(shared)
    settings = []
    for number in range(6):
        openbao.kv2_write_raw("secret", "%s/%d" % (path, number), stored(shared))
        settings.append(AccountSettings("h%d" % number, "%s/%d" % (path, number), netsuite_url=emulator.url,
                                        vault={"url": openbao.url, "token": openbao.root_token}))
    other = new_account("4300002")
    emulator.add_account(other)
    openbao.kv2_write_raw("secret", path + "/other", stored(other))
    settings.append(AccountSettings("other", path + "/other", netsuite_url=emulator.url,
                                    vault={"url": openbao.url, "token": openbao.root_token}))
    rows = FleetChecker(concurrency=7, per_account_concurrency=2).check(settings)
    assert all(row["ok"] for row in rows), rows
    assert inflight["realm_max"]["4300001"] == 2, inflight["realm_max"]
    assert inflight["realm_max"]["4300002"] == 1
    assert inflight["max"] == 3, inflight["max"]


def test_summary_report_and_junit_from_rows():
    rows = [
        {"host": "acme_production", "account": "1234567", "environment": "production", "mount": "secret",
         "path": "netsuite/1234567/tba", "version": 3, "age_days": 41.234, "ok": True, "result": "ok",
         "reason": "", "hint": "", "error_code": None, "attempts": 1,
         "warnings": ["The local clock is 120 s behind"], "seconds": 0.2},
        {"host": "acme_subsidiary", "account": None, "environment": None, "mount": "kv-erp", "path": "x",
         "version": None, "age_days": None, "ok": False, "result": "FAILED",
         "reason": "Vault: Permission denied: the token may not read 'kv-erp/data/x'",
         "hint": "Grant 'read' on 'kv-erp/data/x'", "error_code": "permission_denied", "attempts": None,
         "warnings": [], "seconds": 0.1},
        {"host": "acme_m2m", "account": "7654321", "environment": "production", "mount": "secret",
         "path": "netsuite/7654321/m2m", "version": 1, "age_days": 2.0, "ok": True, "result": "ok",
         "auth_type": "m2m", "certificate_days_left": 10, "certificate_not_after": "2026-12-11T10:00:00Z",
         "reason": "", "hint": "", "error_code": None, "attempts": 2, "warnings": [], "seconds": 0.3},
    ]
    assert summary_lines(rows) == [
        "NetSuite credentials in Vault: 3 accounts, 2 ok, 1 FAILED",
        "HOST             ACCOUNT            ENVIRONMENT      TYPE  VERSION  AGE (d)  CERT (d)  RESULT",
        "acme_production  1234567            production       -     3        41.2     -         ok",
        "    warning: The local clock is 120 s behind",
        "acme_subsidiary  -                  -                -     -        -        -         FAILED",
        "    reason: Vault: Permission denied: the token may not read 'kv-erp/data/x'",
        "    hint:   Grant 'read' on 'kv-erp/data/x'",
        "acme_m2m         7654321            production       M2M   1        2.0      10        ok",
        "FAILED (1 of 3): acme_subsidiary",
    ]
    assert summary_lines(rows[:1])[-1] == "All 1 accounts passed."
    data = json.loads(report_json(rows))
    assert data["ok"] is False and data["failed"] == ["acme_subsidiary"]
    assert data["accounts"][0]["age_days"] == 41.234 and "seconds" not in data["accounts"][0]
    assert data["accounts"][2]["certificate_days_left"] == 10 and data["accounts"][2]["auth_type"] == "m2m"
    assert report(rows[:1])["ok"] is True

    root = ET.fromstring(junit_xml(rows, PLAY, suite_name="verify", classname="playbooks/verify.yml"))
    cases = list(root.iter("testcase"))
    assert [case.get("name") for case in cases] == [
        "[acme_production] %s: TBA credential check" % PLAY, "[acme_subsidiary] %s: TBA credential check" % PLAY,
        "[acme_m2m] %s: TBA credential check" % PLAY]
    assert "certificate: 10 days left (not after 2026-12-11T10:00:00Z)" in cases[2].find("system-out").text
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure.get("message") == failure_message(rows[1]) == (
        "Vault: Permission denied: the token may not read 'kv-erp/data/x'. Hint: Grant 'read' on 'kv-erp/data/x'")
    assert failure.text.startswith(failure.get("message"))
    assert root.find("testsuite").get("failures") == "1" and root.find("testsuite").get("tests") == "3"


def test_junit_with_hostile_host_names():
    hostile = ['a&b<c>"d\'e', "bell\x07and\x1bescape", "line\nbreak]", "\ud800lone", "ünïcødé ✓"]
    rows = [{"host": name, "account": None, "environment": None, "mount": "secret", "path": "p",
             "version": None, "age_days": None, "ok": False, "result": "FAILED",
             "reason": "reason with <tags> & \"quotes\" and \x00 nul", "hint": "hint ]]> cdata end",
             "error_code": None, "attempts": None, "warnings": ["w\x0c"]} for name in hostile]
    text = junit_xml(rows, "Play & <co>")
    root = ET.fromstring(text.encode("utf-8"))
    names = [case.get("name") for case in root.iter("testcase")]
    assert names[0] == "[a&b<c>\"d'e] Play & <co>: TBA credential check"
    assert names[1] == "[bell\\x07and\\x1bescape] Play & <co>: TBA credential check"
    assert names[2] == "[line\nbreak]] Play & <co>: TBA credential check"
    assert names[3] == "[\\ud800lone] Play & <co>: TBA credential check"
    assert names[4] == "[ünïcødé ✓] Play & <co>: TBA credential check"
    failure = next(root.iter("failure"))
    assert failure.get("message") == 'reason with <tags> & "quotes" and \\x00 nul. Hint: hint ]]> cdata end'


def test_no_secret_in_any_output_even_when_echoed(openbao, emulator, path):
    """A host name that is a stored secret, a token in the vault URL's place: all hidden."""
    account = new_account("4400001")
    emulator.add_account(account)
    openbao.kv2_write_raw("secret", path, stored(account))
    token = openbao.create_token(["default"])
    settings = [
        AccountSettings(account["token_secret"], path, netsuite_url=emulator.url,
                        vault={"url": openbao.url, "token": openbao.root_token}),
        AccountSettings("denied-" + token, path, netsuite_url=emulator.url, vault={"url": openbao.url, "token": token}),
    ]
    rows = FleetChecker().check(settings)
    assert rows[0]["ok"] and not rows[1]["ok"]
    assert rows[0]["host"] == WITHHELD and "permission_denied" == rows[1]["error_code"]
    assert_no_secret(outputs(rows), all_secrets([account], openbao.root_token, token))


def test_settings_problem_and_bad_numbers_give_rows_without_requests(openbao, emulator, path):
    before = len(emulator.requests())
    vault = {"url": openbao.url, "token": openbao.root_token}
    rows = FleetChecker().check([
        AccountSettings("problem", path, vault=vault, problem=("Invalid netsuite_verify_* settings: x", "Fix it")),
        AccountSettings("version0", path, vault=vault, version=0),
        AccountSettings("timeout0", path, vault=vault, netsuite_timeout=0),
        AccountSettings("blank_path", "  ", vault=vault),
    ])
    assert [(row["reason"], row["hint"] != "") for row in rows] == [
        ("Invalid netsuite_verify_* settings: x", True),
        ("Invalid input: version: must be at least 1", True),
        ("Invalid input: netsuite_timeout: must be at least 1", True),
        (NO_PATH_REASON, True),
    ]
    assert len(emulator.requests()) == before


def test_bounds_of_the_options():
    for bad in (0, -1, 257, True, "4"):
        with pytest.raises(ValueError):
            FleetChecker(concurrency=bad)
        with pytest.raises(ValueError):
            FleetChecker(per_account_concurrency=bad)
    assert FleetChecker().check([]) == []


def test_an_unexpected_error_is_a_row_not_an_exception(openbao, path):
    class Broken(dict):
        def get(self, *args):
            raise RuntimeError("boom " + uuid.uuid4().hex)

    rows = FleetChecker().check([AccountSettings("broken", path, vault=Broken(url=openbao.url))])
    assert rows[0]["reason"].startswith("Unexpected RuntimeError: boom") and not rows[0]["ok"]


@pytest.fixture
def huge_server():
    """A loopback 'NetSuite' answering every GET with 2 MiB of JSON."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # pylint: disable=invalid-name
            body = b'{"serverTime": "' + b"x" * (2 * 1024 * 1024) + b'"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_shared_sessions_keep_the_answer_size_limit(openbao, path, huge_server):
    account = new_account("4500001")
    openbao.kv2_write_raw("secret", path, stored(account))
    vault = {"url": openbao.url, "token": openbao.root_token}
    rows = FleetChecker().check([AccountSettings("h%d" % n, path, netsuite_url=huge_server, vault=vault)
                                 for n in range(2)])
    assert [row["error_code"] for row in rows] == ["RESPONSE_TOO_LARGE"] * 2, rows


@pytest.mark.parametrize("mode", ["text", "html", "cut"])
def test_an_echoing_server_leaks_nothing(openbao, path, mode):
    from support.hostile import EchoServer

    account = new_account("4600001")
    openbao.kv2_write_raw("secret", path, stored(account))
    with EchoServer(mode) as echo:
        rows = FleetChecker().check([AccountSettings("echo", path, netsuite_url=echo.url,
                                                     vault={"url": openbao.url, "token": openbao.root_token})])
    assert not rows[0]["ok"] and rows[0]["reason"]
    assert_no_secret(outputs(rows), all_secrets([account], openbao.root_token))
