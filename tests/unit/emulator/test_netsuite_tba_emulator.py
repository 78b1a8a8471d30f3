"""Tests of the NetSuite TBA emulator over real HTTP on 127.0.0.1.

Requests are signed by oauthlib (through requests_oauthlib), never by the emulator's code, so the
emulator's own RFC 5849 implementation is cross-checked against an independent one. The
known-answer tests pin it to published / hand-derived vectors.
"""
import base64
import email.utils
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime

import pytest
import requests
from requests_oauthlib import OAuth1

from emulator.netsuite_tba_emulator import (
    METADATA_CATALOG_PATH,
    SERVER_TIME_PATH,
    NetSuiteEmulator,
    base_string_uri,
    hmac_sha256_signature,
    percent_encode,
    signature_base_string,
    signed_parameters,
)

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
                      "emulator", "netsuite_tba_emulator.py")
SANDBOX = "1234567_SB1"
INVALID_LOGIN_BODY = {
    "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2",
    "title": "Unauthorized",
    "status": 401,
    "o:errorDetails": [{
        "detail": "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI "
                  "at Setup > Users/Roles > User Management > View Login Audit Trail.",
        "o:errorCode": "INVALID_LOGIN",
    }],
}
ERROR_CONTENT_TYPE = "application/vnd.oracle.resource+json; type=error"


def _hex64(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def make_account(account_id=SANDBOX, **scenario):
    """Account with distinct, deterministic 64-hex credentials (the shape NetSuite issues)."""
    return {
        "account_id": account_id,
        "consumer_key": _hex64(account_id + "/consumer_key"),
        "consumer_secret": _hex64(account_id + "/consumer_secret"),
        "token_id": _hex64(account_id + "/token_id"),
        "token_secret": _hex64(account_id + "/token_secret"),
        "scenario": scenario,
    }


def oauth(account, realm=None, signature_method="HMAC-SHA256", nonce=None, timestamp=None, **wrong_credentials):
    """An independent signer: oauthlib, configured the way NetSuite wants it."""
    creds = {**account, **wrong_credentials}
    return OAuth1(creds["consumer_key"], creds["consumer_secret"], creds["token_id"], creds["token_secret"],
                  signature_method=signature_method, realm=realm or account["account_id"],
                  nonce=nonce, timestamp=timestamp)


def call(emu, account, path=SERVER_TIME_PATH, params=None, timeout=5, **auth_kwargs):
    return requests.get(emu.url + path, params=params, auth=oauth(account, **auth_kwargs), timeout=timeout)


def signed_header(emu, account, path=SERVER_TIME_PATH):
    """A valid Authorization header, to be damaged by the malformed-header tests."""
    prepared = requests.Request("GET", emu.url + path, auth=oauth(account)).prepare()
    return prepared.headers["Authorization"].decode()  # oauthlib hands back bytes


def details(emu, realm=None):
    return [entry["detail"] for entry in emu.audit_trail(realm)]


def assert_invalid_login(response):
    assert response.status_code == 401
    assert response.headers["Content-Type"] == ERROR_CONTENT_TYPE
    assert response.json() == INVALID_LOGIN_BODY


def assert_error(response, status, title, code):
    assert response.status_code == status
    assert response.headers["Content-Type"] == ERROR_CONTENT_TYPE
    body = response.json()
    assert (body["status"], body["title"], body["o:errorDetails"][0]["o:errorCode"]) == (status, title, code)
    return body["o:errorDetails"][0]["detail"]


def parse_iso_z(value):
    assert value.endswith("Z")
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


@pytest.fixture
def good():
    return make_account()


@pytest.fixture
def emu(good):
    with NetSuiteEmulator(accounts=[good]) as server:
        yield server


def with_account(emu, **scenario):
    account = make_account("7654321", **scenario)
    emu.add_account(account)
    return account


# --- known answers (no server) ----------------------------------------------------------------

def test_percent_encoding_follows_rfc3986():
    # Examples from RFC 5849 §3.6 practice: unreserved kept, everything else %XX uppercase, UTF-8.
    assert percent_encode("Ladies + Gentlemen") == "Ladies%20%2B%20Gentlemen"
    assert percent_encode("An encoded string!") == "An%20encoded%20string%21"
    assert percent_encode("Dogs, Cats & Mice") == "Dogs%2C%20Cats%20%26%20Mice"
    assert percent_encode("\u2603") == "%E2%98%83"
    assert percent_encode("AZaz09-._~*'()/") == "AZaz09-._~%2A%27%28%29%2F"


def test_base_string_uri_rfc5849_examples():
    # RFC 5849 §3.4.1.2: "HTTP://EXAMPLE.COM:80/r%20v/X?id=123" -> "http://example.com/r%20v/X"
    assert base_string_uri("HTTP", "EXAMPLE.COM:80", "/r%20v/X") == "http://example.com/r%20v/X"
    assert base_string_uri("https", "www.example.net:8080", "/") == "https://www.example.net:8080/"
    assert base_string_uri("http", "127.0.0.1:8080", "/a") == "http://127.0.0.1:8080/a"


def test_base_string_matches_published_oauth_core_vector():
    """OAuth Core 1.0 Appendix A.5.1/A.5.2 (same algorithm as RFC 5849), published base string."""
    oauth_params = {
        "realm": "http://photos.example.net/", "oauth_consumer_key": "dpf43f3p2l4k3l03",
        "oauth_token": "nnch734d00sl2jdk", "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "1191242096", "oauth_nonce": "kllo9940pd9333jh", "oauth_version": "1.0",
        "oauth_signature": "ignored",
    }
    published = ("GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3D"
                 "dpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1"
                 "%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0"
                 "%26size%3Doriginal")
    params = signed_parameters(oauth_params, "file=vacation.jpg&size=original")
    assert signature_base_string("GET", base_string_uri("http", "photos.example.net", "/photos"), params) == published
    # Sanity check of the transcription: the published HMAC-SHA1 signature of that string.
    digest = hmac.new(b"kd94hf93k423kf44&pfkkdhi9sl3r4s00", published.encode(), hashlib.sha1).digest()
    assert base64.b64encode(digest) == b"tR3+Ty81lMeYAr/Fid0kMTYa/WM="


def test_hmac_sha256_signature_hand_worked_vector():
    """RFC 5849 §3.4.1.1's example, adapted: GET (so no form body params) and HMAC-SHA256."""
    query = "b5=%3D%253D&a3=a&c%40=&a2=r%20b"
    oauth_params = {
        "realm": "Example", "oauth_consumer_key": "9djdj82h48djs9d2", "oauth_token": "kkk9d7dh3k39sjv7",
        "oauth_signature_method": "HMAC-SHA256", "oauth_timestamp": "137131201", "oauth_nonce": "7d8f3e4a",
        "oauth_signature": "ignored",
    }
    # Step 1 (§3.4.1.3.1): decoded pairs - query b5="=%3D", a3="a", c@="", a2="r b"; header minus
    #   realm and oauth_signature. Step 2 (§3.4.1.3.2): encode each name/value, sort by name then value:
    normalized = ("a2=r%20b&a3=a&b5=%3D%253D&c%40=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a"
                  "&oauth_signature_method=HMAC-SHA256&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7")
    # Step 3 (§3.4.1.1): METHOD & enc(base URI) & enc(normalized) - "=" -> %3D, "&" -> %26, "%" -> %25.
    expected_base = ("GET&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D"
                     "%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method"
                     "%3DHMAC-SHA256%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7")
    assert expected_base == "GET&http%3A%2F%2Fexample.com%2Frequest&" + normalized.replace(
        "%", "%25").replace("=", "%3D").replace("&", "%26")
    # Step 4 (§3.4.2): key = consumer secret & token secret (RFC example secrets), Base64(HMAC-SHA256).
    expected_signature = "bZQQR5x/JghIUPvOz7kuoLG3+idmWclAJcY+CDzLQTg="
    digest = hmac.new(b"j49sk3j29djd&dh893hdasih9", expected_base.encode(), hashlib.sha256).digest()
    assert base64.b64encode(digest).decode() == expected_signature

    base = signature_base_string("GET", base_string_uri("http", "EXAMPLE.COM", "/request"),
                                 signed_parameters(oauth_params, query))
    assert base == expected_base
    assert hmac_sha256_signature(base, "j49sk3j29djd", "dh893hdasih9") == expected_signature


def test_refuses_non_loopback_bind():
    with pytest.raises(ValueError):
        NetSuiteEmulator(host="0.0.0.0")


def test_rejects_unknown_scenario_keys():
    with pytest.raises(ValueError, match="scenario.busy"):
        NetSuiteEmulator(accounts=[make_account(busy=2)])


# --- successful requests ----------------------------------------------------------------------

def frozen_emulator(*accounts):
    """An emulator whose clock stands still at a whole second near now (inside the signature
    window of a client signing with the real clock): its times are known exactly."""
    now = int(time.time())
    return now, NetSuiteEmulator(accounts=list(accounts), clock=lambda: now)


def test_good_request_returns_server_time(good):
    now, frozen = frozen_emulator(good)
    with frozen as emu:
        response = call(emu, good)
        entry = emu.requests()[-1]
    assert response.status_code == 200
    assert parse_iso_z(response.json()["serverTime"]) == now
    assert email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp() == now
    assert len(entry["nonce"]) >= 6
    assert entry | {"time": None, "nonce": None} == {
        "time": None, "method": "GET", "path": SERVER_TIME_PATH, "query": "", "realm": SANDBOX,
        "account_id": SANDBOX, "status": 200, "audit_detail": None, "nonce": None}
    assert emu.audit_trail() == []


def test_query_params_are_signed(emu, good):
    response = call(emu, good, METADATA_CATALOG_PATH, params={"select": "customer", "q": "a b+c/é*"})
    assert response.status_code == 200
    assert response.json() == {"items": [{"name": "customer", "links": []}]}

    # Same request signed without its query string: NetSuite's classic InvalidSignature.
    prepared = requests.Request("GET", emu.url + METADATA_CATALOG_PATH, auth=oauth(good)).prepare()
    prepared.url += "?select=customer"
    assert_invalid_login(requests.Session().send(prepared, timeout=5))
    assert details(emu) == ["InvalidSignature"]


def test_six_character_nonce_is_enough(emu, good):
    assert call(emu, good, nonce="abc123").status_code == 200


# --- login failures: same body, cause only in the audit trail ---------------------------------

@pytest.mark.parametrize("overrides, detail", [
    ({"consumer_secret": "0" * 64}, "InvalidSignature"),
    ({"token_secret": "0" * 64}, "InvalidSignature"),
    ({"consumer_key": "0" * 64}, "consumer_key_unknown"),
    ({"token_id": "0" * 64}, "InvalidToken"),
    ({"signature_method": "HMAC-SHA1"}, "UnsupportedSignatureMethod"),
    ({"nonce": "abc12"}, "nonce_rejected"),
], ids=["consumer-secret", "token-secret", "consumer-key", "token-id", "hmac-sha1", "short-nonce"])
def test_bad_credentials_are_an_opaque_401(emu, good, overrides, detail):
    assert_invalid_login(call(emu, good, **overrides))
    assert details(emu, SANDBOX) == [detail]
    assert emu.requests()[-1]["audit_detail"] == detail


@pytest.mark.parametrize("realm", ["1234567_sb1", "1234567_Sb1", "1234567-SB1", "1234567"])
def test_realm_must_match_account_id_exactly(emu, good, realm):
    assert_invalid_login(call(emu, good, realm=realm))
    assert details(emu) == ["InvalidSignature"]


def test_lowercase_tstdrv_realm_is_rejected():
    account = make_account("TSTDRV1234567")
    with NetSuiteEmulator(accounts=[account]) as emu:
        assert_invalid_login(call(emu, account, realm="tstdrv1234567"))
        assert call(emu, account).status_code == 200
        assert emu.audit_trail("TSTDRV1234567")[0] | {"time": None} == {
            "time": None, "realm": "tstdrv1234567", "account_id": "TSTDRV1234567", "detail": "InvalidSignature"}


def test_realm_of_another_account_is_an_invalid_signature(emu, good):
    with_account(emu)
    assert_invalid_login(call(emu, good, realm="7654321"))
    assert details(emu, SANDBOX) == ["InvalidSignature"]


def test_replayed_nonce_is_rejected(emu, good):
    fixed = {"nonce": "n0nce-fixed-1234", "timestamp": str(int(time.time()))}
    assert call(emu, good, **fixed).status_code == 200
    assert_invalid_login(call(emu, good, **fixed))
    assert details(emu) == ["nonce_used"]


@pytest.mark.parametrize("skew, status", [(-301, 401), (301, 401), (-300, 200), (300, 200)])
def test_timestamp_window_is_300_seconds(good, skew, status):
    now = 1_800_000_000
    with NetSuiteEmulator(accounts=[good], clock=lambda: now) as emu:
        assert call(emu, good, timestamp=str(now + skew)).status_code == status
        assert details(emu) == (["InvalidTimestamp"] if status == 401 else [])


def test_clock_offset_beyond_window_rejects_a_correct_client():
    account = make_account("7654321", clock_offset_seconds=600)
    now, frozen = frozen_emulator(account)
    with frozen as emu:
        response = call(emu, account)
        assert_invalid_login(response)
        assert details(emu) == ["InvalidTimestamp"]
    # The Date header still tells the client NetSuite's time (the skew hint of brief §7.2).
    assert email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp() == now + 600


def test_clock_offset_within_window_shows_in_server_time():
    account = make_account("7654321", clock_offset_seconds=120)
    now, frozen = frozen_emulator(account)
    with frozen as emu:
        response = call(emu, account)
    assert response.status_code == 200
    assert parse_iso_z(response.json()["serverTime"]) == now + 120


@pytest.mark.parametrize("scenario, detail", [
    ({"revoked": True}, "TokenRevoked"),
    ({"integration_blocked": True}, "consumer_key_refused"),
    ({"feature_disabled": True}, "FeatureDisabled"),
])
def test_account_state_failures(emu, scenario, detail):
    account = with_account(emu, **scenario)
    assert_invalid_login(call(emu, account))
    assert details(emu, "7654321") == [detail]


def test_missing_header_and_missing_params(emu, good):
    assert_invalid_login(requests.get(emu.url + SERVER_TIME_PATH, timeout=5))
    header = signed_header(emu, good)
    without_nonce = ", ".join(p for p in header.split(", ") if not p.startswith("oauth_nonce="))
    response = requests.get(emu.url + SERVER_TIME_PATH, headers={"Authorization": without_nonce}, timeout=5)
    assert_invalid_login(response)
    assert details(emu) == ["MissingTokenPassportRequiredFields"] * 2
    assert emu.audit_trail()[1]["account_id"] == SANDBOX


@pytest.mark.parametrize("damage", [
    lambda h: h.replace('"', ""),                                           # unquoted values
    lambda h: h + ', oauth_nonce="another-nonce-123"',                      # duplicated parameter
    lambda h: h.replace('oauth_version="1.0"', 'oauth_version="2.0"'),     # unsupported version
], ids=["unquoted", "duplicated", "version"])
def test_malformed_header_is_a_400(emu, good, damage):
    response = requests.get(emu.url + SERVER_TIME_PATH, headers={"Authorization": damage(signed_header(emu, good))},
                            timeout=5)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == ERROR_CONTENT_TYPE
    assert response.json()["o:errorDetails"] == [{
        "detail": "The request could not be understood by the server due to malformed syntax.",
        "o:errorCode": "INVALID_REQUEST"}]
    assert emu.audit_trail() == []
    assert emu.requests()[-1]["status"] == 400


# --- post-authentication scenarios --------------------------------------------------------------

def test_missing_permission_user_error(emu, good):
    account = with_account(emu, missing_permission="user_error")
    assert_invalid_login(call(emu, account, consumer_secret="0" * 64))  # signature checks come first
    detail = assert_error(call(emu, account), 400, "Bad Request", "USER_ERROR")
    assert detail == "Your current role does not have permission to perform this action."


def test_missing_permission_forbidden(emu):
    account = with_account(emu, missing_permission="forbidden")
    detail = assert_error(call(emu, account), 403, "Forbidden", "INSUFFICIENT_PERMISSION")
    assert detail.startswith("Permission Violation: ")


def test_busy_twice_then_ok(emu):
    account = with_account(emu, busy_times=2)
    assert_invalid_login(call(emu, account, token_secret="0" * 64))  # does not use up a busy answer
    for _attempt in range(2):
        response = call(emu, account)
        assert_error(response, 429, "Too Many Requests", "CONCURRENCY_LIMIT_EXCEEDED")
        assert response.headers["Retry-After"] == "1"
    assert call(emu, account).status_code == 200
    assert [r["status"] for r in emu.requests("7654321")] == [401, 429, 429, 200]


def test_server_errors_forever(emu):
    account = with_account(emu, server_error_times=-1)
    for _attempt in range(4):
        assert_error(call(emu, account), 503, "Service Unavailable", "UNEXPECTED_ERROR")


def test_no_server_time_falls_back_to_metadata_catalog(emu):
    account = with_account(emu, no_server_time=True)
    assert_error(call(emu, account), 404, "Not Found", "NOT_FOUND")
    assert call(emu, account, METADATA_CATALOG_PATH, params={"select": "customer"}).status_code == 200


def test_unknown_path_is_a_netsuite_404(emu, good):
    assert_error(call(emu, good, "/services/rest/record/v1/nope"), 404, "Not Found", "NOT_FOUND")


def test_slow_account_makes_clients_time_out(emu):
    account = with_account(emu, slow_seconds=0.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        call(emu, account, timeout=0.1)


# --- control API and logs -----------------------------------------------------------------------

def test_control_api(emu, good):
    account = make_account("555_RP", busy_times=1)
    added = requests.post(emu.url + "/__emulator/accounts", json=account, timeout=5)
    assert added.json() == {"account_id": "555_RP"}
    assert call(emu, account).status_code == 429
    assert call(emu, account).status_code == 200
    assert_invalid_login(call(emu, good, nonce="short"))

    logged = requests.get(emu.url + "/__emulator/requests", params={"realm": "555_RP"}, timeout=5).json()
    assert [r["status"] for r in logged] == [429, 200]
    audit = requests.get(emu.url + "/__emulator/audit", params={"realm": SANDBOX}, timeout=5).json()
    assert [a["detail"] for a in audit] == ["nonce_rejected"]

    assert requests.post(emu.url + "/__emulator/reset", timeout=5).status_code == 200
    assert requests.get(emu.url + "/__emulator/requests", timeout=5).json() == []
    assert call(emu, account).status_code == 429  # busy counter re-armed

    bad = requests.post(emu.url + "/__emulator/accounts", json={"account_id": "x"}, timeout=5)
    assert bad.status_code == 400 and "consumer_key" in bad.json()["error"]


def test_logs_never_contain_credentials(emu, good, capfd):
    fixed = {"nonce": "replayed-nonce-1", "timestamp": str(int(time.time()))}
    call(emu, good, **fixed)
    call(emu, good, **fixed)
    call(emu, good, consumer_secret="f" * 64)
    call(emu, good, METADATA_CATALOG_PATH, params={"select": "customer"})
    exposed = json.dumps([emu.requests(), emu.audit_trail(),
                          requests.get(emu.url + "/__emulator/requests", timeout=5).text,
                          requests.get(emu.url + "/__emulator/audit", timeout=5).text])
    exposed += "".join(capfd.readouterr())
    for key in ("consumer_key", "consumer_secret", "token_id", "token_secret"):
        assert good[key] not in exposed
    assert "oauth_signature" not in exposed


# --- CLI ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("signum, wrap", [(signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["sigterm-list-file", "sigint-object-file"])
def test_cli_serves_until_signalled(tmp_path, good, signum, wrap):
    accounts_file = tmp_path / "accounts.json"
    accounts_file.write_text(json.dumps({"accounts": [good]} if wrap else [good]))
    url_file = tmp_path / "url"
    proc = subprocess.Popen([sys.executable, SCRIPT, "--accounts", str(accounts_file), "--port", "0",
                             "--url-file", str(url_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        url = url_file.read_text().strip()
        assert line == f"NetSuite TBA emulator listening on {url}"
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(url + SERVER_TIME_PATH, auth=oauth(good), timeout=5).status_code == 200
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=5)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr
    assert stderr == ""
