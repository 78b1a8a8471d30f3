"""Hostile stand-ins for NetSuite: loopback HTTP servers that echo the signed request back.

A misconfigured proxy, a captive portal or a debug endpoint can answer with the request's own
``Authorization`` header (consumer key and token ID inside, percent-encoded). The collection
must show none of it. Each mode is one way such an answer looks:

- ``text``: 401 text/plain, the header as the body;
- ``netsuite_json``: 401 in NetSuite's error shape, the header inside ``detail``;
- ``redirect``: 302 whose Location's query holds the header;
- ``html``: 500 HTML error page quoting the header, HTML-escaped;
- ``cut``: 400 NetSuite-shaped, the header cut 50 characters into the consumer key.
"""
import html
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

MODES = ("text", "netsuite_json", "redirect", "html", "cut")


def _answer(mode, authorization):
    if mode == "text":
        return 401, {"Content-Type": "text/plain"}, authorization
    if mode == "netsuite_json":
        details = [{"detail": "Rejected: " + authorization, "o:errorCode": "INVALID_LOGIN"}]
        return 401, {"Content-Type": "application/json"}, json.dumps({"status": 401, "o:errorDetails": details})
    if mode == "redirect":
        return 302, {"Location": "https://portal.example/login?from=" + quote(authorization, safe="")}, ""
    if mode == "html":
        return 500, {"Content-Type": "text/html"}, "<html><pre>%s</pre></html>" % html.escape(authorization)
    if mode == "cut":
        end = authorization.find("oauth_consumer_key") + len('oauth_consumer_key="') + 50
        return 400, {"Content-Type": "application/json"}, json.dumps({
            "o:errorDetails": [{"detail": authorization[:end], "o:errorCode": "INVALID_REQUEST"}]})
    raise ValueError("unknown mode %r" % mode)


class EchoServer:
    """One hostile server on 127.0.0.1 answering every request in ``mode``."""

    def __init__(self, mode):
        self.mode = mode
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests += 1
                status, headers, body = _answer(server.mode, self.headers.get("Authorization", ""))
                payload = body.encode("utf-8")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self._httpd.server_address[1]

    def start(self):
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
