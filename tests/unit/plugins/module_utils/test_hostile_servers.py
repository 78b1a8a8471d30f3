# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What an outside review threw at the collection, as NetSuite and as Vault: answers that never
end, grow without bound, redirect the token elsewhere, or hold JSON of the wrong shape. Each
must end in a clean, bounded failure (time and memory), with nothing sent where it should not go.

A cross-unit suite on purpose: it drives the NetSuite probe (_netsuite_probe) and the Vault client
(_vault_connection, _vault_kv2) through their entry points against the same hostile servers.
Each case asserts which limit ended it (the error code or kind), never how long that took.
"""
import functools
import gzip
import json
import secrets
import socket
import threading
import time

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._rfc3339 import parse_time
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import probe_connection
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import CredentialInputError
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import build_credentials
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VaultConnectionError,
    connect,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret
from support.accounts import new_credentials


class RawServer:
    """A loopback TCP server answering each connection with ``answer(socket, request_bytes)``;
    counts connections and keeps every request it saw."""

    def __init__(self, answer, host="127.0.0.1"):
        self.answer = answer
        self.requests = []
        self._sock = socket.socket()
        self._sock.bind((host, 0))
        self._sock.listen(16)
        self.url = "http://%s:%d" % (host, self._sock.getsockname()[1])
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _addr = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        with conn:
            conn.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _sep, rest = data.partition(b"\r\n\r\n")
                length = int(dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:] if b": " in line)
                             .get(b"Content-Length", b"0"))
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + rest)
                self.answer(conn, head)
            except OSError:
                pass

    def close(self):
        self._stop.set()
        self._sock.close()


def send_headers(conn, status, headers):
    # The stub serves one request per connection, and says so: a client may otherwise reuse the
    # connection before the close reaches it (a race that is not what these tests are about).
    headers = dict({"Connection": "close"}, **headers)
    lines = ["HTTP/1.1 %s" % status] + ["%s: %s" % item for item in headers.items()] + ["", ""]
    conn.sendall("\r\n".join(lines).encode("latin-1"))


def trickle(conn, _head):
    send_headers(conn, "200 OK", {"Content-Type": "application/json", "Content-Length": "100000"})
    for _second in range(60):
        conn.sendall(b" ")
        time.sleep(0.5)


def endless_chunked(conn, _head):
    send_headers(conn, "200 OK", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    block = b"x" * 65536
    for _block in range(2000):  # bounded: about 128 MiB at most, never read whole
        conn.sendall(b"%x\r\n%s\r\n" % (len(block), block))


@functools.lru_cache(maxsize=1)
def gzip_bomb_payload():
    """64 MiB of zeros, about 64 KiB compressed; made once, before the client's clock runs."""
    return gzip.compress(b"\0" * (64 * 1024 * 1024))


def gzip_bomb(conn, _head):
    payload = gzip_bomb_payload()
    send_headers(conn, "200 OK", {"Content-Type": "application/json", "Content-Encoding": "gzip",
                                  "Content-Length": str(len(payload))})
    conn.sendall(payload)


def json_answer(status, body, **headers):
    def answer(conn, _head):
        payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        send_headers(conn, status, dict({"Content-Type": "application/json", "Content-Length": str(len(payload))},
                                        **headers))
        conn.sendall(payload)
    return answer


@pytest.fixture
def server():
    started = []

    def start(answer, host="127.0.0.1"):
        started.append(RawServer(answer, host))
        return started[-1]
    yield start
    for running in started:
        running.close()


def tba():
    return new_credentials("1234567_SB1")


# --- as NetSuite ------------------------------------------------------------------------------

# The size cases get a timeout no loaded machine reaches, so only the size cap can end them; the
# trickle (a byte each 0.5 s of a 100000-byte body) can only end at the deadline.
@pytest.mark.parametrize("answer, timeout, code", [
    (trickle, 2, "TIMEOUT"), (endless_chunked, 120, "RESPONSE_TOO_LARGE"), (gzip_bomb, 120, "RESPONSE_TOO_LARGE"),
], ids=["one byte at a time", "endless chunked body", "gzip bomb"])
def test_a_netsuite_answer_is_bounded_in_time_and_size(answer, timeout, code, server):
    gzip_bomb_payload()
    result = probe_connection(tba(), server(answer).url, timeout=timeout, max_attempts=1)
    assert not result.ok and result.error_code == code, result


@pytest.mark.parametrize("headers, body", [
    ({"Retry-After": "\u00b2"}, {"o:errorDetails": [{"o:errorCode": "X", "detail": "busy"}]}),
    ({"Date": "Fri, 31 Dec 9999 23:59:59 -0100"}, {"o:errorDetails": [{"o:errorCode": "INVALID_LOGIN", "detail": "x"}]}),
    ({}, "[" * 200000),
], ids=["Retry-After not an ASCII number", "Date at the edge of the calendar", "absurdly nested JSON"])
def test_odd_netsuite_answers_are_results_not_crashes(headers, body, server):
    status = "429 Too Many Requests" if "Retry-After" in headers else "401 Unauthorized"
    result = probe_connection(tba(), server(json_answer(status, body, **headers)).url, timeout=2,
                              max_attempts=2, sleep=lambda seconds: None)
    assert not result.ok and result.error_code in ("X", "INVALID_LOGIN", "UNEXPECTED_RESPONSE")


# --- as Vault ---------------------------------------------------------------------------------

def vault_at(url, token=None, timeout=2):
    return Kv2Secret(connect({"url": url, "token": token or "hvs." + secrets.token_hex(24), "timeout": timeout}),
                     "secret", "hostile/x")


def test_a_vault_redirect_is_not_followed_and_carries_nothing_away(server):
    sink = server(json_answer("200 OK", {"data": {"version": 1}}), host="127.0.0.2")
    token = "hvs." + secrets.token_hex(24)

    def redirect(conn, head):
        path = head.split(b" ")[1].decode()
        send_headers(conn, "307 Temporary Redirect", {"Location": sink.url + path, "Content-Length": "0"})
    secret = vault_at(server(redirect).url, token)
    for operation in (secret.read, lambda: secret.write({"k": secrets.token_hex(32)}, cas=0)):
        with pytest.raises(VaultConnectionError) as caught:
            operation()
        assert "redirect to http://127.0.0.2" in caught.value.cause and "not followed" in caught.value.cause
    assert sink.requests == []


@pytest.mark.parametrize("answer, timeout, cause", [
    (trickle, 2, "did not answer in time"), (endless_chunked, 120, "with more than 16 MiB"),
], ids=["one byte at a time", "endless chunked body"])
def test_a_vault_answer_is_bounded_in_time_and_size(answer, timeout, cause, server):
    with pytest.raises(VaultConnectionError) as caught:
        vault_at(server(answer).url, timeout=timeout).read()
    assert cause in str(caught.value), str(caught.value)


@pytest.mark.parametrize("data, field", [
    ({"data": ["a"], "metadata": {"version": 1}}, "data.data is a list"),
    ({"data": "text", "metadata": {"version": 1}}, "data.data is a str"),
    ({"data": {}, "metadata": ["x"]}, "data.metadata is a list"),
    ({"data": {}, "metadata": {"version": 1, "custom_metadata": ["x"]}}, "custom_metadata is a list"),
    ({"data": {}, "metadata": {"version": 1, "created_time": 5}}, "created_time is a int"),
])
def test_vault_json_of_the_wrong_shape_is_named(data, field, server):
    with pytest.raises(VaultConnectionError) as caught:
        vault_at(server(json_answer("200 OK", {"data": data})).url).read()
    assert "did not answer like Vault" in caught.value.cause and field in caught.value.cause


def test_nested_json_from_vault_is_not_a_recursion_error(server):
    with pytest.raises(VaultConnectionError) as caught:
        vault_at(server(json_answer("200 OK", "[" * 200000)).url).read()
    assert "did not answer like Vault" in caught.value.cause


@pytest.mark.parametrize("url, accepted", [
    ("http://127.0.0.1:8200\n", True), ("  http://127.0.0.1:8200  ", True),
    ("http://127.0.0.1:8200/v1", False), ("http://127.0.0.1:8200/v1/", False),
    ("https://proxy.example/vault", True),
])
def test_vault_url_debris_and_api_path(url, accepted):
    options = {"url": url, "token": "hvs." + secrets.token_hex(24)}
    if accepted:
        assert connect(options).url.startswith(("http", "https"))
    else:
        with pytest.raises(VaultConnectionError) as caught:
            connect(options)
        assert "drop '/v1'" in str(caught.value)


def test_stored_values_that_are_not_text_are_named_as_such():
    with pytest.raises(CredentialInputError) as caught:
        build_credentials({"account_id": 1234567, "consumer_key": {"a": 1}, "consumer_secret": ["x"],
                           "token_id": True, "token_secret": secrets.token_hex(32)})
    problems = str(caught.value)
    assert "consumer_key: must be text, not a dictionary" in problems
    assert "consumer_secret: must be text, not a list" in problems
    assert "token_id: must be text, not a boolean" in problems
    assert "account_id" not in problems  # a number is a fine account ID


def test_vault_times_that_are_not_text():
    assert parse_time(5) is None and parse_time(None) is None


@pytest.mark.parametrize("body", [{"data": None}, {"data": {}}, {"data": {"data": {"k": "v"}}}],
                         ids=["data null", "data empty", "data without metadata"])
def test_a_successful_read_without_kv2_metadata_is_not_vault(body, server):
    """KV v2 answers a missing secret with 404: a 200 without the version's metadata is not KV v2,
    and must not read as "nothing stored" or "no secrets engine mounted"."""
    with pytest.raises(VaultConnectionError) as caught:
        vault_at(server(json_answer("200 OK", body)).url).read()
    assert "did not answer like Vault" in caught.value.cause and "mounted" not in caught.value.cause
