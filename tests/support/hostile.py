"""Hostile stand-ins for NetSuite: loopback HTTP servers that echo the signed request back.

A misconfigured proxy, a captive portal or a debug endpoint can answer with the request's own
``Authorization`` header (consumer key and token ID inside, percent-encoded). The collection
must show none of it. Each mode is one way such an answer looks:

- ``text``: 401 text/plain, the header as the body;
- ``netsuite_json``: 401 in NetSuite's error shape, the header inside ``detail``;
- ``redirect``: 302 whose Location's query holds the header;
- ``html``: 500 HTML error page quoting the header, HTML-escaped;
- ``cut``: 400 NetSuite-shaped, the header cut 50 characters into the consumer key.

``echoing_probes(mode)`` answers serverTime (so the login passes) and echoes the header in every
capability probe's answer instead.
"""
import html
import json
import secrets
import time
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


def echoing_probes(mode):
    """A NetSuite stand-in: serverTime passes (the login), every probe's answer echoes the signed
    Authorization header (in NetSuite's error shape, as text, or cut inside the consumer key)."""
    def answer(handler):
        if handler.path.startswith("/services/rest/system/v1/serverTime"):
            now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            return 200, {"Content-Type": "application/json"}, json.dumps({"serverTime": now})
        header = handler.headers.get("Authorization", "")
        if mode == "text":
            return 403, {"Content-Type": "text/plain"}, header
        if mode == "cut":
            header = header[:header.find("oauth_consumer_key") + len('oauth_consumer_key="') + 40]
        return 403, {"Content-Type": "application/vnd.oracle.resource+json; type=error"}, json.dumps(
            {"status": 403, "o:errorDetails": [{"detail": "Denied: " + header, "o:errorCode": "INSUFFICIENT_PERMISSION"}]})
    return answer


class EchoServer(StubServer):
    """One hostile server on 127.0.0.1 answering every request in ``mode``."""

    def __init__(self, mode):
        self.mode = mode
        super().__init__(lambda handler: _answer(mode, handler.headers.get("Authorization", "")))


def _echoing_netsuite(handler):
    """A "NetSuite" that takes any login and echoes the request's Authorization header: M2M gets a
    token from it; a path holding ``error`` answers 400 in NetSuite's error shape with the header
    as the detail; any other request 200 JSON with the header inside; a POST also a Location on
    its own host whose last segment is the header."""
    authorization = handler.headers.get("Authorization", "")
    if handler.path.startswith("/services/rest/auth/oauth2/v1/token"):
        token = secrets.token_urlsafe(64)
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"access_token": token, "token_type": "bearer", "expires_in": "3600"})
    if "error" in handler.path:
        details = [{"detail": "Echo: " + authorization, "o:errorCode": "INVALID_REQUEST"}]
        return 400, {"Content-Type": "application/json"}, json.dumps({"status": 400, "o:errorDetails": details})
    headers = {"Content-Type": "application/json"}
    if handler.command == "POST":
        headers["Location"] = "http://%s/services/rest/record/v1/customer/%s" % (
            handler.headers.get("Host", ""), quote(authorization, safe=""))
    return 200, headers, json.dumps({"id": "1", "seen": {"authorization": authorization}})


class EchoingNetSuite(StubServer):
    """Answers 2xx (and NetSuite-shaped errors) that echo the credentials: for netsuite_request,
    whose 2xx bodies are the user's data and shown."""

    def __init__(self):
        self.mode = "echo_json"
        super().__init__(_echoing_netsuite)
