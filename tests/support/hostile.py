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
from urllib.parse import quote

from support.http_stub import StubServer

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


class EchoServer(StubServer):
    """One hostile server on 127.0.0.1 answering every request in ``mode``."""

    def __init__(self, mode):
        self.mode = mode
        super().__init__(lambda handler: _answer(mode, handler.headers.get("Authorization", "")))
