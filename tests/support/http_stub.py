"""One small HTTP server for tests: every request is answered by a function of the request.

The hostile echo servers (support/hostile.py), the fault matrix's canned answers
(support/faulty.py) and the probe tests' replayed answers all run on it. Standard library only;
binds to loopback addresses only.
"""
import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def loopback(host):
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError("refusing to bind to non-loopback address %s" % host)
    return host


class StubServer:
    """``answer(handler)`` returns (status, headers, body) for each GET or POST; ``requests``
    counts them and ``paths`` keeps their paths. Use with ``with`` or start()/stop()."""

    def __init__(self, answer, host="127.0.0.1"):
        self.answer = answer
        self.requests = 0
        self.paths = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests += 1
                server.paths.append(self.path)
                status, headers, body = server.answer(self)
                payload = body if isinstance(body, bytes) else body.encode("utf-8")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer((loopback(host), 0), Handler)
        self._httpd.daemon_threads = True
        self.url = "http://%s:%d" % self._httpd.server_address[:2]

    def start(self):
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
