"""Known-answer tests of the signature the probe sends, computed independently.

The probe signs with the collection's own RFC 5849 code (_tba_signer). Here a plain HTTP server captures the exact
Authorization header it sends, and the signature is recomputed by a hand-written RFC 5849
computation (neither oauthlib nor the emulator), itself pinned to published vectors.
"""
import base64
import hashlib
import hmac
import json
import re
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import probe_connection

CREDENTIALS = SimpleNamespace(
    realm="1234567_SB1", host_label="1234567-sb1", environment="sandbox",
    consumer_key="ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcb38e20aae80c9c0",
    consumer_secret="d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9a8f5",
    token_id="2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5b12d5e1b6e38e5c9dd0",
    token_secret="c29a677df7d5439a458c063654187e3d6add3cd2e9abc10b2a4ce1cb4e9d2b63",
)


def enc(value):
    """RFC 3986 percent-encoding as RFC 5849 §3.6 demands: unreserved kept, uppercase hex."""
    return quote(value, safe="-._~")


def hand_signature(method, url, header_params, secret_pair, digest=hashlib.sha256):
    parts = urlsplit(url)
    base_uri = "%s://%s%s" % (parts.scheme.lower(), parts.netloc.lower(), parts.path)
    pairs = [(k, v) for k, v in header_params.items() if k not in ("realm", "oauth_signature")]
    pairs += parse_qsl(parts.query, keep_blank_values=True)
    normalized = "&".join("%s=%s" % pair for pair in sorted((enc(k), enc(v)) for k, v in pairs))
    base = "&".join((method.upper(), enc(base_uri), enc(normalized)))
    key = "%s&%s" % (enc(secret_pair[0]), enc(secret_pair[1]))
    return base64.b64encode(hmac.new(key.encode(), base.encode(), digest).digest()).decode()


def test_hand_computation_matches_the_published_oauth_core_vector():
    # OAuth Core 1.0 Appendix A.5 (same algorithm as RFC 5849), published HMAC-SHA1 signature.
    params = {"oauth_consumer_key": "dpf43f3p2l4k3l03", "oauth_token": "nnch734d00sl2jdk",
              "oauth_signature_method": "HMAC-SHA1", "oauth_timestamp": "1191242096",
              "oauth_nonce": "kllo9940pd9333jh", "oauth_version": "1.0"}
    signature = hand_signature("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original",
                               params, ("kd94hf93k423kf44", "pfkkdhi9sl3r4s00"), hashlib.sha1)
    assert signature == "tR3+Ty81lMeYAr/Fid0kMTYa/WM="


def test_hand_computation_matches_the_rfc_5849_example_with_hmac_sha256():
    params = {"realm": "Example", "oauth_consumer_key": "9djdj82h48djs9d2", "oauth_token": "kkk9d7dh3k39sjv7",
              "oauth_signature_method": "HMAC-SHA256", "oauth_timestamp": "137131201", "oauth_nonce": "7d8f3e4a"}
    signature = hand_signature("GET", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", params,
                               ("j49sk3j29djd", "dh893hdasih9"))
    assert signature == "bZQQR5x/JghIUPvOz7kuoLG3+idmWclAJcY+CDzLQTg="


class CapturingNetSuite(BaseHTTPRequestHandler):
    """Records every request; serverTime answers 404 when told to, to exercise the fallback."""

    captured = []
    server_time_missing = False

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.captured.append((self.path, self.headers.get("Authorization")))
        if self.path.startswith("/services/rest/system/v1/serverTime") and not self.server_time_missing:
            body = {"serverTime": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
            self._answer(200, body)
        elif self.path.startswith("/services/rest/record/v1/metadata-catalog"):
            self._answer(200, {"items": []})
        else:
            self._answer(404, {"status": 404, "o:errorDetails": [{"detail": "x", "o:errorCode": "NOT_FOUND"}]})

    def _answer(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def capture():
    CapturingNetSuite.captured = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CapturingNetSuite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def parse_header(header):
    assert header.startswith("OAuth ")
    items = re.findall(r'([a-z_]+)="([^"]*)"', header)
    assert len(items) == header.count("=\""), "every value is quoted"
    return items, {name: unquote(value) for name, value in items}


def check_request(base_url, path, header):
    items, params = parse_header(header)
    assert items[0] == ("realm", "1234567_SB1"), "realm first, in realm form"
    assert params["oauth_signature_method"] == "HMAC-SHA256" and params["oauth_version"] == "1.0"
    assert params["oauth_consumer_key"] == CREDENTIALS.consumer_key
    assert params["oauth_token"] == CREDENTIALS.token_id
    assert re.fullmatch(r"[A-Za-z0-9]{6,64}", params["oauth_nonce"])
    assert params["oauth_timestamp"].isdigit()
    expected = hand_signature("GET", base_url + path, params,
                              (CREDENTIALS.consumer_secret, CREDENTIALS.token_secret))
    assert params["oauth_signature"] == expected
    return params


def test_the_probe_sends_the_independently_computed_signature(capture):
    base_url = "http://127.0.0.1:%d" % capture.server_port
    result = probe_connection(CREDENTIALS, base_url, timeout=5)
    assert result.ok and result.attempts == 1
    [(path, header)] = CapturingNetSuite.captured
    assert path == "/services/rest/system/v1/serverTime"
    check_request(base_url, path, header)


def test_the_fallback_signs_its_query_parameter_with_a_new_nonce(capture):
    CapturingNetSuite.server_time_missing = True
    try:
        base_url = "http://127.0.0.1:%d" % capture.server_port
        result = probe_connection(CREDENTIALS, base_url, timeout=5)
    finally:
        CapturingNetSuite.server_time_missing = False
    assert result.ok and result.probe == "metadata-catalog" and result.attempts == 2
    (first_path, first_header), (second_path, second_header) = CapturingNetSuite.captured
    assert second_path == "/services/rest/record/v1/metadata-catalog?select=customer"
    first = check_request(base_url, first_path, first_header)
    second = check_request(base_url, second_path, second_header)
    assert first["oauth_nonce"] != second["oauth_nonce"]


@pytest.mark.parametrize("url, params", [
    ("https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/system/v1/serverTime", None),
    ("https://1234567-SB1.suitetalk.api.netsuite.com:443/services/rest/record/v1/metadata-catalog", {"select": "customer"}),
    ("http://127.0.0.1:8080/x?b5=%3D%253D&a3=a&c%40=&a2=r%20b", {"q": "a b+c/d"}),
])
def test_the_signer_matches_the_hand_computation(url, params):
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_signer import authorization_header

    header = authorization_header(CREDENTIALS, "GET", url, params, timestamp=1800000000, nonce="abcdef123456")
    fields = dict((key, unquote(value)) for key, value in re.findall(r'(\w+)="([^"]*)"', header))
    assert header.startswith('OAuth realm="1234567_SB1", ')
    assert (fields["oauth_timestamp"], fields["oauth_nonce"], fields["oauth_version"]) == ("1800000000", "abcdef123456", "1.0")
    signed_url = url + ("&" if "?" in url else "?") + "&".join("%s=%s" % (k, quote(v)) for k, v in (params or {}).items()) \
        if params else url
    expected = hand_signature("GET", signed_url.replace(":443/", "/"), fields,
                              (CREDENTIALS.consumer_secret, CREDENTIALS.token_secret))
    assert fields["oauth_signature"] == expected
