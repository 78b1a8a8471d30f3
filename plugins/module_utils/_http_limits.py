# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""HTTP with limits a hostile or broken server cannot stretch: a total deadline per request,
a cap on the answer's size, and no redirects followed.

requests' timeout applies to each socket operation, so a server that trickles one byte a
second, or sends an endless chunked body or a gzip bomb, held a task forever and filled memory.
A redirect would carry custom headers (X-Vault-Token) and a body holding secrets to wherever it
points. Used by the Vault and the NetSuite sides alike; imports requests on first use.

The deadline is kept in the calling thread, with no thread of its own: the adapter's pools make
connections whose socket sets, before every read and write, a timeout no longer than the time
left until the deadline of the request now running in that thread. A thread per request cost a
fleet check of thousands of requests CPU, and one left running after its deadline would keep a
process from forking workers safely.
"""

import os
import socket
import threading
import time
from urllib.parse import urlsplit

MIB = 1024 * 1024
_CHUNK = 16384


def bounded_session(total_timeout, max_bytes, refuse_redirects=False):
    """A requests.Session whose every request ends within ``total_timeout`` seconds and reads at
    most ``max_bytes`` of (decoded) answer. With ``refuse_redirects`` a redirect is never
    followed but raised as TooManyRedirects (for clients such as hvac that ask to follow them;
    a caller that passes allow_redirects=False itself must leave this off, as requests then
    still computes the next hop)."""
    session = _session_class()()
    adapter = _bounded_adapter_class()(total_timeout=total_timeout, max_bytes=max_bytes)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    if refuse_redirects:
        session.max_redirects = 0
    return session


def response_too_large_error():
    """The exception class raised for an answer over the cap (a requests RequestException)."""
    return _bounded_adapter_class().too_large


_CLASSES = {}


def _session_class():
    """A requests.Session that reads the environment (proxies, no_proxy, the CA bundle of
    REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE) once per origin, not for every request (a fleet's
    thousands of requests spent 7% of their CPU there), and never ~/.netrc: a request carries
    only the credentials the collection puts in it."""
    if "session" in _CLASSES:
        return _CLASSES["session"]
    import requests
    from requests.utils import get_environ_proxies

    class EnvironmentOnceSession(requests.Session):
        def __init__(self):
            super().__init__()
            self.trust_env = False  # read by hand below, once per origin; netrc never
            self._environment = {}

        def merge_environment_settings(self, url, proxies, stream, verify, cert):
            parts = urlsplit(url)
            origin = (parts.scheme, parts.netloc)
            found = self._environment.get(origin)
            if found is None:
                found = self._environment[origin] = (
                    get_environ_proxies(url), os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE"))
            environment_proxies, ca_bundle = found
            proxies = dict(environment_proxies, **(proxies or {}))  # given proxies win, as in requests
            if (verify is True or verify is None) and ca_bundle:
                verify = ca_bundle
            return super().merge_environment_settings(url, proxies, stream, verify, cert)

    _CLASSES["session"] = EnvironmentOnceSession
    return EnvironmentOnceSession


def _bounded_adapter_class():
    if "adapter" in _CLASSES:
        return _CLASSES["adapter"]
    import requests
    from requests.adapters import HTTPAdapter

    class ResponseTooLarge(requests.exceptions.RequestException):
        """The server's answer was larger than the collection reads."""

    class BoundedAdapter(HTTPAdapter):
        too_large = ResponseTooLarge

        def __init__(self, total_timeout, max_bytes, **kwargs):
            self.total_timeout = total_timeout
            self.max_bytes = max_bytes
            super().__init__(**kwargs)

        def init_poolmanager(self, *args, **kwargs):  # pylint: disable=arguments-differ
            super().init_poolmanager(*args, **kwargs)
            _bound_pools(self.poolmanager)

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            return _bound_pools(super().proxy_manager_for(proxy, **proxy_kwargs))

        def send(self, request, stream=False, timeout=None, **kwargs):  # pylint: disable=arguments-differ
            deadline = time.monotonic() + self.total_timeout
            outer, _DEADLINE.at = getattr(_DEADLINE, "at", None), deadline
            try:
                response = HTTPAdapter.send(self, request, stream=True, timeout=timeout, **kwargs)
                return _read_capped(response, self.max_bytes, ResponseTooLarge)
            except requests.exceptions.RequestException as exc:
                # Whatever the deadline cut (the head, the body, a proxy's answer) is a read
                # timeout, as callers map it; a connect it cut stays a ConnectTimeout (never sent).
                if isinstance(exc, (requests.exceptions.ConnectTimeout, ResponseTooLarge)) or (
                        time.monotonic() < deadline):
                    raise
                raise requests.exceptions.ReadTimeout(
                    "no complete answer within %s s" % self.total_timeout, request=request) from None
            finally:
                _DEADLINE.at = outer

    _CLASSES["adapter"] = BoundedAdapter
    return BoundedAdapter


# The deadline of the request the current thread is sending (monotonic seconds), or None.
_DEADLINE = threading.local()


def _time_left():
    """Seconds left until the running request's deadline (at most 0), or None outside a request."""
    deadline = getattr(_DEADLINE, "at", None)
    return None if deadline is None else deadline - time.monotonic()


def _bounded(timeout):
    """``timeout`` (None: none) shortened to the time left, raising socket.timeout once none is."""
    left = _time_left()
    if left is None:
        return timeout
    if left <= 0:
        raise socket.timeout("the request's total deadline passed")
    if not isinstance(timeout, (int, float)):  # None, or urllib3's "the global default" marker
        return left
    return min(timeout, left)


class _DeadlineSocket:
    """A connected socket (plain or TLS) whose every read and write waits at most until the
    running request's deadline. Everything else (fileno for urllib3's liveness check, close,
    getpeercert, version) is the socket's own; http.client's makefile reads through this."""

    def __init__(self, sock):
        self._sock = sock
        self._timeout = sock.gettimeout()

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def settimeout(self, timeout):
        self._timeout = timeout
        self._sock.settimeout(timeout)

    def gettimeout(self):
        # What the next operation gets; ssl copies it when it wraps this socket, so a TLS
        # handshake (one deadline for all its reads in CPython) ends by the request's deadline.
        return _bounded(self._timeout)

    def _ready(self):
        self._sock.settimeout(_bounded(self._timeout))
        return self._sock

    def recv(self, *args):
        return self._ready().recv(*args)

    def recv_into(self, *args):
        return self._ready().recv_into(*args)

    def send(self, *args):
        return self._ready().send(*args)

    def sendall(self, *args):
        return self._ready().sendall(*args)  # CPython's sendall keeps one deadline for all of it

    # socket.makefile's SocketIO reads through recv_into above; its reference count is the socket's.
    makefile = socket.socket.makefile

    @property
    def _io_refs(self):
        return self._sock._io_refs  # pylint: disable=protected-access

    @_io_refs.setter
    def _io_refs(self, value):
        self._sock._io_refs = value  # pylint: disable=protected-access


def _deadline_connection_class(base):
    """``base`` (a urllib3 connection class) whose sockets keep the running request's deadline:
    the TCP connect, a proxy's CONNECT answer, the TLS handshakes (to a proxy, and through it)."""
    from urllib3.exceptions import ConnectTimeoutError

    class DeadlineConnection(base):
        def _new_conn(self):
            try:
                self.timeout = _bounded(self.timeout)
            except socket.timeout:
                raise ConnectTimeoutError(self, "the request's total deadline passed before connecting") from None
            return _DeadlineSocket(super()._new_conn())

        def _connect_tls_proxy(self, hostname, sock):
            # TLS to the destination then runs in Python (urllib3's SSLTransport) over this socket.
            return _DeadlineSocket(super()._connect_tls_proxy(hostname, sock))  # pylint: disable=no-member

        def connect(self):
            super().connect()
            if isinstance(self.sock, socket.socket):  # ssl made a new socket of the bounded one
                self.sock = _DeadlineSocket(self.sock)

    DeadlineConnection.__name__ = DeadlineConnection.__qualname__ = "Deadline" + base.__name__
    return DeadlineConnection


def _bound_pools(manager):
    """Make ``manager`` (a urllib3 PoolManager or ProxyManager) build pools of deadline-keeping
    connections, for each scheme it serves; returns it."""
    bounded = {}
    for scheme, pool in manager.pool_classes_by_scheme.items():
        key = ("pool", pool)
        if key not in _CLASSES:
            if getattr(pool, "keeps_deadline", False):
                _CLASSES[key] = pool
            else:
                _CLASSES[key] = type("Deadline" + pool.__name__, (pool,), {
                    "ConnectionCls": _deadline_connection_class(pool.ConnectionCls), "keeps_deadline": True})
        bounded[scheme] = _CLASSES[key]
    manager.pool_classes_by_scheme = bounded  # the instance's own: urllib3's module-level map stays
    return manager


def _read_capped(response, max_bytes, too_large):
    """Read the decoded body into the response, or close it and raise past ``max_bytes``."""
    body = bytearray()
    try:
        for chunk in response.iter_content(chunk_size=_CHUNK):
            body.extend(chunk)
            if len(body) > max_bytes:
                raise too_large("the answer is larger than %d bytes" % max_bytes, response=response,
                                request=response.request)
    except BaseException:
        response.close()
        raise
    # What requests itself keeps after reading a body: .content and .text then serve it.
    response._content = bytes(body)  # pylint: disable=protected-access
    response._content_consumed = True  # pylint: disable=protected-access
    return response
