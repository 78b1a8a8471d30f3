# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every exception of requests, urllib3, hvac, ssl and the socket layer is a transport failure in
the one failure shape: a vault: or netsuite: code, a reason naming the setting, a hint; never
internal:error, never the exception's text (it may quote a proxy's password)."""
import inspect
import socket
import ssl

import hvac.exceptions
import pytest
import requests
import requests.exceptions as rex
import urllib3.exceptions as uex

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import failure_of
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import probe_connection
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._transport_errors import (
    NETSUITE_SETTINGS,
    VAULT_SETTINGS,
    describe,
    environment_proxy,
    header_value_problem,
    timeout_problem,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VaultConnectionError,
    connect,
    translated_errors,
)
from support.accounts import new_credentials

PASSWORD = "Pr0xyPassw0rd-7a1c9e"
BAD_PROXY = "http://ops:%s@proxy.example:80800" % PASSWORD
LEAKY_TEXT = "Failed to parse: %s" % BAD_PROXY
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                   "NO_PROXY", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _request(url="https://127.0.0.1:9/x"):
    return requests.Request("GET", url).prepare()


# (exception, setting named in the reason, netsuite code, vault kind)
CASES = [
    (rex.InvalidURL(LEAKY_TEXT, request=_request("http://127.0.0.1:9/x")), "netsuite_url", "INVALID_URL", "config"),
    (rex.InvalidSchema(LEAKY_TEXT), "netsuite_url", "INVALID_URL", "config"),
    (rex.MissingSchema(LEAKY_TEXT), "netsuite_url", "INVALID_URL", "config"),
    (rex.URLRequired(LEAKY_TEXT), "netsuite_url", "INVALID_URL", "config"),
    (uex.LocationParseError(LEAKY_TEXT), "netsuite_url", "INVALID_URL", "config"),
    (uex.LocationValueError(LEAKY_TEXT), "netsuite_url", "INVALID_URL", "config"),
    (rex.InvalidProxyURL(LEAKY_TEXT), "HTTPS_PROXY", "PROXY_ERROR", "config"),
    (uex.ProxySchemeUnknown(LEAKY_TEXT), "HTTPS_PROXY", "PROXY_ERROR", "config"),
    (rex.ProxyError(LEAKY_TEXT), "HTTP proxy", "PROXY_ERROR", "unreachable"),
    (rex.InvalidHeader(LEAKY_TEXT), "headers", "INVALID_SETTING", "config"),
    (UnicodeEncodeError("latin-1", "ops\u2013team", 3, 4, "ordinal not in range(256)"), "headers",
     "INVALID_SETTING", "config"),
    (UnicodeError("label too long: " + LEAKY_TEXT), "netsuite_url", "INVALID_URL", "config"),
    (OverflowError("timestamp too large to convert to C PyTime_t"), "timeout", "INVALID_SETTING", "config"),
    (ValueError("Attempted to set connect timeout to -1, but the timeout cannot be set"), "timeout",
     "INVALID_SETTING", "config"),
    (rex.ConnectTimeout(LEAKY_TEXT), "timeout", "TIMEOUT", "unreachable"),
    (rex.ReadTimeout(LEAKY_TEXT), "timeout", "TIMEOUT", "unreachable"),
    (uex.ReadTimeoutError(None, LEAKY_TEXT, LEAKY_TEXT), "timeout", "TIMEOUT", "unreachable"),
    (rex.SSLError(LEAKY_TEXT), "validate_certs", "TLS_ERROR", "tls"),
    (ssl.SSLError(1, LEAKY_TEXT), "validate_certs", "TLS_ERROR", "tls"),
    (ssl.SSLCertVerificationError(1, LEAKY_TEXT), "validate_certs", "TLS_ERROR", "tls"),
    (OSError("Could not find a suitable TLS CA certificate bundle, invalid path: " + LEAKY_TEXT), "validate_certs",
     "TLS_ERROR", "config"),
    (IsADirectoryError(21, "Is a directory", LEAKY_TEXT), "validate_certs", "TLS_ERROR", "config"),
    (PermissionError(13, "Permission denied", LEAKY_TEXT), "validate_certs", "TLS_ERROR", "config"),
    (FileNotFoundError(2, "No such file", LEAKY_TEXT), "validate_certs", "TLS_ERROR", "config"),
    (rex.ConnectionError(LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (rex.ChunkedEncodingError(LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (rex.ContentDecodingError(LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (rex.TooManyRedirects(LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (rex.RetryError(LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (rex.RequestException(LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (uex.ProtocolError(LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (uex.MaxRetryError(None, LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (uex.DecodeError(LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (uex.HTTPError(LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (socket.gaierror(-2, LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
    (ConnectionResetError(104, LEAKY_TEXT), "netsuite_url", "CONNECTION_ERROR", "unreachable"),
]


@pytest.mark.parametrize("exc, setting, code, kind", CASES, ids=[type(case[0]).__name__ for case in CASES])
def test_every_transport_exception_names_its_setting_and_never_its_text(exc, setting, code, kind):
    problem = describe(exc, NETSUITE_SETTINGS, url="https://1234567.suitetalk.api.netsuite.com/x")
    assert (problem.code, problem.kind) == (code, kind)
    assert setting in problem.reason and setting in problem.setting + problem.reason
    for text in (problem.reason, problem.hint):
        assert PASSWORD not in text and "proxy.example" not in text and "Failed to parse" not in text
    if isinstance(exc, OSError) and type(exc).__module__ == "builtins":
        # Outside a request a bare OSError is about a file: only the request boundaries map it.
        with pytest.raises(VaultConnectionError) as raised:
            with translated_errors("read", "secret/data/x"):
                raise exc
        assert raised.value.kind == kind and PASSWORD not in str(raised.value)
        return
    failure = failure_of(exc, "input hint", NETSUITE_SETTINGS)
    assert failure.code == "netsuite:%s" % code and PASSWORD not in failure.reason


@pytest.mark.parametrize("exc", [rex.InvalidURL(LEAKY_TEXT), rex.InvalidProxyURL(LEAKY_TEXT), uex.LocationParseError(LEAKY_TEXT),
                                 uex.ProxySchemeUnknown(LEAKY_TEXT)], ids=lambda exc: type(exc).__name__)
def test_with_a_broken_environment_proxy_a_url_error_names_the_variable(exc, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", BAD_PROXY)
    problem = describe(exc, NETSUITE_SETTINGS, url="https://1234567.suitetalk.api.netsuite.com/x")
    assert problem.code == "PROXY_ERROR" and problem.reason.startswith("HTTPS_PROXY ")
    assert PASSWORD not in problem.reason + problem.hint and "proxy.example" not in problem.reason


def test_vault_settings_are_named_as_the_vault_option():
    exc = UnicodeEncodeError("latin-1", "ops\u2013team", 3, 4, "ordinal not in range(256)")
    assert "vault.namespace" in describe(exc, VAULT_SETTINGS).reason
    assert "vault.timeout" in describe(OverflowError("x"), VAULT_SETTINGS).reason
    assert "vault.ca_cert" in describe(IsADirectoryError(21, "Is a directory"), VAULT_SETTINGS).reason
    assert failure_of(OverflowError("x"), "hint").code == "vault:config"


def _hvac_classes():
    return [cls for _name, cls in inspect.getmembers(hvac.exceptions, inspect.isclass)
            if issubclass(cls, hvac.exceptions.VaultError)]


@pytest.mark.parametrize("cls", _hvac_classes(), ids=lambda cls: cls.__name__)
def test_every_hvac_exception_is_a_vault_failure(cls):
    exc = cls(LEAKY_TEXT, errors=["permission denied"], method="get", url="https://127.0.0.1:8200/v1/x")
    failure = failure_of(exc, "input hint")
    assert failure.code.startswith("vault:") and failure.code != "vault:internal"
    with pytest.raises(VaultConnectionError) as raised:
        with translated_errors("read", "secret/data/x"):
            raise exc
    assert raised.value.kind in failure.code and PASSWORD not in str(raised.value)


@pytest.mark.parametrize("exc", [OverflowError("x"), UnicodeEncodeError("latin-1", "\u2013", 0, 1, "r"),
                                 rex.InvalidURL(LEAKY_TEXT), IsADirectoryError(21, "x"), ssl.SSLError(1, "x")],
                         ids=lambda exc: type(exc).__name__)
def test_vault_client_calls_turn_every_transport_exception_into_a_vault_error(exc):
    with pytest.raises(VaultConnectionError) as raised:
        with translated_errors("read", "secret/data/x"):
            raise exc
    assert raised.value.kind in ("config", "tls", "unreachable") and PASSWORD not in str(raised.value)


def test_a_bug_stays_a_bug():
    assert failure_of(KeyError("k"), "hint").code == "internal:error"
    # A file the task writes, not a CA file: never blamed on vault.ca_cert.
    assert "ca_cert" not in failure_of(IsADirectoryError(21, "Is a directory"), "hint").reason
    assert failure_of(ValueError("not about a request"), "hint").code == "internal:error"


def test_the_environment_proxy_is_named_as_spelled(monkeypatch):
    monkeypatch.setenv("https_proxy", BAD_PROXY)
    assert environment_proxy("https://vault.example:8200")[0] == "https_proxy"
    assert environment_proxy("http://vault.example:8200") is None
    monkeypatch.setenv("NO_PROXY", "vault.example")
    assert environment_proxy("https://vault.example:8200") is None


def test_an_unparsable_https_proxy_fails_the_netsuite_test_offline(monkeypatch):
    """Reproduction 1: a port typo in HTTPS_PROXY; no request is sent, the password is not shown."""
    monkeypatch.setenv("HTTPS_PROXY", BAD_PROXY)
    result = probe_connection(new_credentials(), "https://127.0.0.1:9", timeout=1)
    assert not result.ok and result.error_code == "PROXY_ERROR" and result.attempts == 0
    failure = result.failure()
    assert failure.code == "netsuite:PROXY_ERROR" and "HTTPS_PROXY" in failure.reason
    assert "port" in failure.reason and PASSWORD not in repr(result)


def test_an_unparsable_proxy_raised_by_requests_is_still_named(monkeypatch):
    """The same typo met at request time (requests' own proxy choice) gives the same failure."""
    monkeypatch.setenv("HTTPS_PROXY", BAD_PROXY)
    with pytest.raises(rex.InvalidURL) as raised:
        requests.get("https://127.0.0.1:9/x", timeout=1)
    problem = describe(raised.value, NETSUITE_SETTINGS)
    assert problem.code == "PROXY_ERROR" and problem.setting == "HTTPS_PROXY" and PASSWORD not in problem.reason


def _vault_options(**extra):
    return dict({"url": "https://127.0.0.1:9", "token": "hvs." + "t" * 24, "timeout": 5}, **extra)


@pytest.mark.parametrize("extra, option, rule", [
    ({"timeout": 10 ** 10}, "vault.timeout", "at most 3600"),
    ({"timeout": 0}, "vault.timeout", "at least 1"),
    ({"namespace": "ops\u2013team"}, "vault.namespace", "only ASCII"),
    ({"namespace": "ops\tteam"}, "vault.namespace", "control characters"),
])
def test_vault_settings_the_network_layer_refuses_are_checked_offline(extra, option, rule):
    with pytest.raises(VaultConnectionError) as raised:
        connect(_vault_options(**extra))
    assert raised.value.kind == "config" and option in raised.value.cause and rule in raised.value.cause
    assert "\u2013" not in str(raised.value) and "10000000000" not in str(raised.value)


def test_vault_refuses_an_unparsable_environment_proxy_offline(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", BAD_PROXY)
    with pytest.raises(VaultConnectionError) as raised:
        connect(_vault_options())
    assert raised.value.kind == "config" and "HTTPS_PROXY" in raised.value.cause
    assert PASSWORD not in str(raised.value) and "proxy.example" not in str(raised.value)


def test_bounds_are_documented_numbers():
    assert timeout_problem("netsuite_timeout", 3600) is None
    assert "at most 3600" in timeout_problem("netsuite_timeout", 3601)
    assert header_value_problem("vault.namespace", "team-a/child_1.x") is None
