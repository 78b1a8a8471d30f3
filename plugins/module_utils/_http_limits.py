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
"""

import os
import threading
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

        def send(self, request, stream=False, timeout=None, **kwargs):  # pylint: disable=arguments-differ
            outcome = {}

            def exchange():
                try:
                    response = HTTPAdapter.send(self, request, stream=True, timeout=timeout, **kwargs)
                    outcome["response"] = _read_capped(response, self.max_bytes, ResponseTooLarge)
                except BaseException as exc:  # pylint: disable=broad-exception-caught
                    outcome["error"] = exc

            worker = threading.Thread(target=exchange, name="bounded-http", daemon=True)
            worker.start()
            worker.join(self.total_timeout)
            if worker.is_alive():
                # The worker stops by itself at the size cap or when the server gives up; a
                # daemon thread never keeps the process alive.
                raise requests.exceptions.ReadTimeout(
                    "no complete answer within %s s" % self.total_timeout, request=request)
            if "error" in outcome:
                raise outcome["error"]
            return outcome["response"]

    _CLASSES["adapter"] = BoundedAdapter
    return BoundedAdapter


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
