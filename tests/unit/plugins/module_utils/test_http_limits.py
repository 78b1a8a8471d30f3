# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bounded session (_http_limits) against real servers on 127.0.0.1: a server that drips its
answer one byte at a time, well within the per-read timeout, is cut at the request's total
deadline (plain, TLS, through a CONNECT proxy and through a TLS proxy), a hanging connect too (as
a ConnectTimeout); a pooled connection gets the next request's deadline, and one a deadline cut
is never reused; no thread is started or left behind; the size cap holds.

Each drip would last about a minute, and the server records whether the client hung up before
its end: that, and the exception, prove the deadline ended the request. The one timing bound
(20 s for a 2 s deadline) is far from both, for a loaded machine."""
import gzip
import select
import socket
import ssl
import threading
import time

import pytest
import requests

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import (
    bounded_session,
    response_too_large_error,
)
from support.vault_auth_bed import _cert_pem, _issue, _make_ca, _private_pem
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

TICK = 0.05  # the drip's pace: one byte per tick, far inside any per-read timeout
DRIP_BYTES = 1200  # about 60 s of drip
DEADLINE = 2
BOUND = 20  # seconds: far above the deadline, far below the drip
PER_READ = 30  # requests' own timeout (each socket operation): never what ends a drip


def head(status="200 OK", length=None, pad=0, **headers):
    lines = ["HTTP/1.1 %s" % status] + ([] if length is None else ["Content-Length: %d" % length])
    lines += ["X-Pad-%d: %s" % (number, "p" * 40) for number in range(pad)]
    lines += ["%s: %s" % item for item in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def ok(body=b"{}"):
    return [head(length=len(body)) + body], False


def dripped_head():
    return [head(length=2, pad=DRIP_BYTES // 50) + b"{}"], True


def dripped_body():
    return [head(length=DRIP_BYTES) + b" " * DRIP_BYTES], True


class DripServer:
    """A keep-alive HTTP/1.1 server on 127.0.0.1 in ONE thread, started before a test counts
    threads. ``answer(number)`` gives the answer to the n-th request: (chunks, drip), sent as
    fast as the client takes them or one byte per TICK. Records the connections it accepted and
    the requests whose answer the client hung up on (cut) or read to the end (finished)."""

    def __init__(self, answer, tls=None):
        self.answer = answer
        self.tls = tls
        self.connections = 0
        self.requests = 0
        self.cut, self.finished = [], []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = "%s://127.0.0.1:%d" % ("https" if tls else "http", self._listener.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="drip-server", daemon=True)
        self._thread.start()

    def _accept(self):
        conn, _addr = self._listener.accept()
        self.connections += 1
        if self.tls:
            conn.settimeout(5)
            conn = self.tls.wrap_socket(conn, server_side=True)
        conn.setblocking(False)
        return conn

    def _serve(self):
        clients = {}
        while not self._stop.is_set():
            readable = select.select([self._listener] + list(clients), [], [], TICK)[0]
            for sock in readable:
                if sock is self._listener:
                    try:
                        clients[self._accept()] = {"inbox": b"", "outbox": b"", "chunks": iter(()), "drip": False}
                    except OSError:
                        pass
                    continue
                self._receive(clients, sock)
            for sock in list(clients):
                self._send(clients, sock)
        for sock in clients:
            sock.close()
        self._listener.close()

    def _receive(self, clients, sock):
        state = clients[sock]
        try:
            data = sock.recv(65536)
        except (BlockingIOError, ssl.SSLWantReadError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(clients, sock)
            return
        state["inbox"] += data
        self._start_answer(state)

    def _start_answer(self, state):
        if "number" not in state and b"\r\n\r\n" in state["inbox"]:
            _request, _sep, state["inbox"] = state["inbox"].partition(b"\r\n\r\n")
            state["number"], self.requests = self.requests, self.requests + 1
            chunks, state["drip"] = self.answer(state["number"])
            state["chunks"] = iter(chunks)

    def _send(self, clients, sock):
        state = clients[sock]
        if "number" not in state:
            return
        if not state["outbox"]:
            state["outbox"] = next(state["chunks"], b"")
            if not state["outbox"]:
                self.finished.append(state.pop("number"))
                self._start_answer(state)  # a next request may have come with the end of this one
                return
        try:
            sent = sock.send(state["outbox"][:1] if state["drip"] else state["outbox"][:65536])
        except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
            return
        except OSError:
            self._drop(clients, sock)
            return
        state["outbox"] = state["outbox"][sent:]

    def _drop(self, clients, sock):
        state = clients.pop(sock)
        if "number" in state:
            self.cut.append(state["number"])
        sock.close()

    def close(self):
        self._stop.set()
        self._thread.join(10)


class TunnelProxy:
    """A CONNECT proxy on 127.0.0.1 (plain, or TLS with ``tls``) that pipes each tunnel to where
    it asks; with ``drip`` it drips its own answer to CONNECT instead. Threads of its own (not
    for the thread-count test)."""

    def __init__(self, tls=None, drip=False):
        self.tls, self.drip = tls, drip
        self.tunnels = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.url = "%s://127.0.0.1:%d" % ("https" if tls else "http", self._listener.getsockname()[1])
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _addr = self._listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _tunnel(self, conn):
        try:
            conn.settimeout(5)
            if self.tls:
                conn = self.tls.wrap_socket(conn, server_side=True)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096) or b"\r\n\r\n"
            target = data.split(b" ")[1].decode()
            self.tunnels.append(target)
            if self.drip:
                for byte in head("200 Connection established", pad=DRIP_BYTES // 50):
                    conn.sendall(bytes([byte]))
                    time.sleep(TICK)
                return
            host, port = target.rsplit(":", 1)
            with socket.create_connection((host, int(port)), timeout=5) as upstream:
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self._pipe(conn, upstream)
        except OSError:
            pass
        finally:
            conn.close()

    def _pipe(self, conn, upstream):
        conn.settimeout(None)
        ends = {conn: upstream, upstream: conn}
        while not self._stop.is_set():
            for sock in select.select(list(ends), [], [], 0.2)[0]:
                data = sock.recv(65536)
                while isinstance(sock, ssl.SSLSocket) and sock.pending():
                    data += sock.recv(sock.pending())
                if not data:
                    return
                ends[sock].sendall(data)

    def close(self):
        self._stop.set()
        self._listener.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA file for the client, and a server TLS context with a certificate for 127.0.0.1."""
    ca_key, ca_cert = _make_ca("bounded-http test CA")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _issue(ca_key, ca_cert, "127.0.0.1", key, ExtendedKeyUsageOID.SERVER_AUTH, server_ip="127.0.0.1")
    folder = tmp_path_factory.mktemp("pki")
    (folder / "ca.pem").write_text(_cert_pem(ca_cert))
    (folder / "server.pem").write_text(_cert_pem(cert) + _private_pem(key))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(str(folder / "server.pem"))
    return str(folder / "ca.pem"), server


@pytest.fixture
def servers():
    started = []

    def start(kind, *args, **kwargs):
        started.append(kind(*args, **kwargs))
        return started[-1]
    yield start
    for running in started:
        running.close()


@pytest.fixture(autouse=True)
def no_proxy_from_the_environment(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def eventually(condition):
    """Whether ``condition()`` holds within a few seconds (a server notices a hang-up at its next
    byte, and records an answer finished once the client has it)."""
    for unused in range(100):
        if condition():
            return True
        time.sleep(TICK)
    return condition()


def timed_out(session, url, **kwargs):
    """The request's exception (it must time out) and how long it took."""
    started = time.monotonic()
    with pytest.raises(requests.exceptions.Timeout) as caught:
        session.get(url, timeout=PER_READ, **kwargs)
    return caught.value, time.monotonic() - started


@pytest.mark.parametrize("answer", [dripped_head, dripped_body], ids=["status line and headers", "body"])
def test_a_drip_under_the_per_read_timeout_is_cut_at_the_total_deadline(answer, servers):
    server = servers(DripServer, lambda number: answer())
    error, took = timed_out(bounded_session(DEADLINE, 1024), server.url + "/x")
    assert isinstance(error, requests.exceptions.ReadTimeout), repr(error)
    assert "no complete answer within 2 s" in str(error)
    assert took < BOUND
    assert eventually(lambda: server.cut == [0]) and server.finished == []


def test_a_timed_out_request_leaves_no_thread_behind_and_starts_none(servers, monkeypatch):
    server = servers(DripServer, lambda number: dripped_head() if number == 0 else ok())
    session = bounded_session(DEADLINE, 1024)
    before = threading.active_count()
    started, start, caller = [], threading.Thread.start, threading.current_thread()

    def recorded_start(thread):
        if threading.current_thread() is caller:  # not a test runner's own threads
            started.append(thread.name)
        return start(thread)
    monkeypatch.setattr(threading.Thread, "start", recorded_start)
    timed_out(session, server.url + "/x")
    assert session.get(server.url + "/y", timeout=PER_READ).json() == {}
    monkeypatch.undo()
    assert started == [] and threading.active_count() == before


def test_a_pooled_connection_gets_the_next_requests_deadline(servers):
    """Two answers on one connection, the second asked for after the first's deadline passed."""
    server = servers(DripServer, lambda number: ok(b'{"n": %d}' % number))
    session = bounded_session(1, 1024)
    assert session.get(server.url + "/a", timeout=PER_READ).json() == {"n": 0}
    time.sleep(1.5)
    assert session.get(server.url + "/b", timeout=PER_READ).json() == {"n": 1}
    assert server.connections == 1 and eventually(lambda: server.finished == [0, 1])


def test_a_connection_a_deadline_cut_is_never_reused(servers):
    server = servers(DripServer, lambda number: dripped_body() if number == 0 else ok(b'{"n": %d}' % number))
    session = bounded_session(DEADLINE, 4096)
    timed_out(session, server.url + "/a")
    assert session.get(server.url + "/b", timeout=PER_READ).json() == {"n": 1}
    assert server.connections == 2


def gzip_bomb():
    payload = gzip.compress(b"\0" * (16 * 1024 * 1024))
    return [head(length=len(payload), **{"Content-Encoding": "gzip"}), payload], False


def endless_chunked():
    block = b"x" * 65536
    chunks = (b"%x\r\n%s\r\n" % (len(block), block) for unused in range(2000))  # ~128 MiB, never read whole
    return (part for parts in ([head(**{"Transfer-Encoding": "chunked"})], chunks) for part in parts), False


@pytest.mark.parametrize("answer", [gzip_bomb, endless_chunked], ids=["gzip bomb", "endless chunked body"])
def test_the_size_cap_holds(answer, servers):
    chunks, drip = answer()
    server = servers(DripServer, lambda number: (chunks, drip))
    with pytest.raises(response_too_large_error()) as caught:
        bounded_session(120, 1024 * 1024).get(server.url + "/x", timeout=PER_READ)
    assert "larger than 1048576 bytes" in str(caught.value)


@pytest.mark.parametrize("answer", [dripped_head, dripped_body], ids=["status line and headers", "body"])
def test_a_tls_drip_is_cut_at_the_total_deadline(answer, servers, pki):
    ca_file, server_tls = pki
    server = servers(DripServer, lambda number: answer(), tls=server_tls)
    error, took = timed_out(bounded_session(DEADLINE, 4096), server.url + "/x", verify=ca_file)
    assert isinstance(error, requests.exceptions.ReadTimeout) and took < BOUND, repr(error)


def test_tls_connections_are_pooled_with_a_fresh_deadline(servers, pki):
    ca_file, server_tls = pki
    server = servers(DripServer, lambda number: ok(b'{"n": %d}' % number), tls=server_tls)
    session = bounded_session(1, 1024)
    assert session.get(server.url + "/a", timeout=PER_READ, verify=ca_file).json() == {"n": 0}
    time.sleep(1.5)
    assert session.get(server.url + "/b", timeout=PER_READ, verify=ca_file).json() == {"n": 1}
    assert server.connections == 1


@pytest.mark.parametrize("proxy_tls", [False, True], ids=["plain proxy", "TLS proxy (TLS in TLS)"])
def test_a_drip_through_a_connect_proxy_is_cut_at_the_total_deadline(proxy_tls, servers, pki):
    ca_file, server_tls = pki
    server = servers(DripServer, lambda number: ok() if number == 0 else dripped_body(), tls=server_tls)
    proxy = servers(TunnelProxy, tls=server_tls if proxy_tls else None)
    session = bounded_session(DEADLINE, 4096)
    session.proxies = {"https": proxy.url}  # a TLS proxy's certificate is checked against the same CA
    assert session.get(server.url + "/a", timeout=PER_READ, verify=ca_file).json() == {}
    error, took = timed_out(session, server.url + "/b", verify=ca_file)
    assert isinstance(error, requests.exceptions.ReadTimeout) and took < BOUND, repr(error)
    assert proxy.tunnels[0] == server.url.split("//")[1] and eventually(lambda: server.cut == [1])


def test_a_proxy_dripping_its_connect_answer_is_cut_at_the_total_deadline(servers, pki):
    ca_file, _server_tls = pki
    proxy = servers(TunnelProxy, drip=True)
    session = bounded_session(DEADLINE, 4096)
    session.proxies = {"https": proxy.url}
    error, took = timed_out(session, "https://127.0.0.1:9/x", verify=ca_file)
    assert isinstance(error, requests.exceptions.ReadTimeout) and took < BOUND, repr(error)


def test_a_connect_that_hangs_ends_at_the_total_deadline_as_a_connect_timeout():
    """A listener whose accept queue is full: Linux drops further SYNs, so a connect hangs. The
    deadline ends it as a ConnectTimeout, which callers know was never sent (and may retry)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        queued = [socket.socket() for unused in range(4)]
        for sock in queued:
            sock.setblocking(False)
            sock.connect_ex(address)
        try:
            with socket.socket() as probe:
                probe.settimeout(0.5)
                if probe.connect_ex(address) == 0:
                    pytest.skip("this system completes a connect beyond a full accept queue")
            error, took = timed_out(bounded_session(DEADLINE, 1024), "http://127.0.0.1:%d/x" % address[1])
        finally:
            for sock in queued:
                sock.close()
    assert isinstance(error, requests.exceptions.ConnectTimeout) and took < BOUND, repr(error)
