"""Small misbehaving servers on loopback for the reliability suite's fault matrix.

- ``CannedHttpServer``: answers every request with one fixed status, headers and body (a
  malformed JSON body, an HTML error page...); counts the requests it got.
- ``ResetServer``: reads the request, then closes the socket with SO_LINGER 0, so the client
  gets a TCP reset instead of an answer; counts the connections.
- ``TcpForwarder``: forwards TCP connections from a loopback address to another, optionally
  holding each one for ``delay`` seconds first (a server slower than the client's timeout), or
  from another loopback address than the target's certificate names (TLS name mismatch).

Standard library only; every server binds to 127.0.0.x and stops on ``stop()``.
"""
import select
import socket
import struct
import threading
import time

from support.http_stub import StubServer, loopback

_IO_TIMEOUT = 10


class CannedHttpServer(StubServer):
    """Every GET/POST gets ``status`` with ``headers`` and ``body`` (bytes or text)."""

    def __init__(self, status, headers, body, host="127.0.0.1"):
        super().__init__(lambda handler: (status, headers, body), host)


class _Acceptor:
    """A listening socket served by one thread, each connection handled in its own thread."""

    def __init__(self, host):
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((loopback(host), 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self._stopping = threading.Event()
        self.host, self.port = self._listener.getsockname()[:2]
        self.connections = 0

    def start(self):
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def stop(self):
        self._stopping.set()
        self._listener.close()

    def _serve(self):
        while not self._stopping.is_set():
            try:
                conn, _peer = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._guarded, args=(conn,), daemon=True).start()

    def _guarded(self, conn):
        try:
            self.handle(conn)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def handle(self, conn):
        raise NotImplementedError


class ResetServer(_Acceptor):
    """Reads the request head, then resets the connection (RST, no answer)."""

    def __init__(self, host="127.0.0.1"):
        super().__init__(host)
        self.url = "http://%s:%d" % (self.host, self.port)

    def handle(self, conn):
        conn.settimeout(_IO_TIMEOUT)
        received = b""
        while b"\r\n\r\n" not in received and len(received) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            received += chunk
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class TcpForwarder(_Acceptor):
    """Listens on ``host`` and forwards each connection to ``target`` (host, port).

    With ``delay`` alone, each connection is held ``delay`` seconds before it is forwarded; a
    connection the client gave up on meanwhile is dropped, not forwarded (``dropped``): a late
    request must not reach the server after its client stopped waiting. With ``trigger`` (bytes)
    too, requests go through at once, but once the client sent data containing ``trigger`` the
    server's answer is held ``delay`` seconds (``held``): the server acts, the client times out.
    """

    def __init__(self, target, host="127.0.0.1", delay=0.0, trigger=None):
        super().__init__(host)
        self.target = (loopback(target[0]), target[1])
        self.delay = delay
        self.trigger = trigger
        self.dropped = 0
        self.held = 0

    def handle(self, conn):
        early = b""
        if self.delay and not self.trigger:
            time.sleep(self.delay)
            early, closed = _drain(conn)
            if closed:
                self.dropped += 1
                return
        with socket.create_connection(self.target, timeout=_IO_TIMEOUT) as upstream:
            if early:
                upstream.sendall(early)
            self._relay(conn, upstream)

    def _relay(self, client, upstream, idle_limit=60):
        triggered = False
        last = time.monotonic()
        while not self._stopping.is_set() and time.monotonic() - last < idle_limit:
            readable, _w, _x = select.select([client, upstream], [], [], 0.2)
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                if source is client:
                    triggered = triggered or bool(self.trigger and self.trigger in data)
                    upstream.sendall(data)
                else:
                    if triggered:
                        self.held += 1
                        time.sleep(self.delay)
                        triggered = False
                    client.sendall(data)
                last = time.monotonic()


def _drain(conn):
    """(bytes already sent by the peer, whether it has closed its side)."""
    received = b""
    conn.setblocking(False)
    try:
        while True:
            try:
                chunk = conn.recv(65536)
            except (BlockingIOError, InterruptedError):
                return received, False
            except OSError:
                return received, True
            if not chunk:
                return received, True
            received += chunk
    finally:
        conn.setblocking(True)
