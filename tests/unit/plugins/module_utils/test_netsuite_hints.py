# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The advice a person reads for each failed connection test (_netsuite_hints): TBA and M2M."""
import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_hints import (
    CATALOG_PROBE,
    SERVER_TIME_PROBE,
    TOKEN_PROBE,
    hint_for,
)

AUDIT_TRAIL = "Setup > Users/Roles > User Management > View Login Audit Trail (Detail column)"


@pytest.mark.parametrize("status, code, expected", [
    (401, "INVALID_LOGIN", AUDIT_TRAIL),
    (401, "INVALID_LOGIN_ATTEMPT", "Log in using Access Tokens"),
    (401, "UNEXPECTED_RESPONSE", "swapped"),
    (400, "USER_ERROR", "SuiteAnalytics Workbook"),
    (403, "INSUFFICIENT_PERMISSION", "REST Web Services"),
    (400, "INVALID_REQUEST", "not something to fix in NetSuite"),
    (429, "CONCURRENCY_LIMIT_EXCEEDED", "concurrency limit"),
    (400, "SSS_REQUEST_LIMIT_EXCEEDED", "concurrency limit"),
    (503, "UNEXPECTED_ERROR", "retry later"),
    (502, "UNEXPECTED_RESPONSE", "retry later"),
    (404, "NOT_FOUND", "REST Web Services feature"),
    (301, "REDIRECTED", "not the account's REST web services host"),
    (None, "TIMEOUT", "No answer from h.example"),
    (None, "CONNECTION_ERROR", "Could not connect to h.example"),
    (None, "DNS_FAILURE", "Company Information > Company URLs"),
    (None, "TLS_ERROR", "netsuite_validate_certs to false only for test beds"),
    (200, "UNEXPECTED_RESPONSE", "did not answer like NetSuite"),
    (400, "SOMETHING_NEW", "see error_code and detail"),
])
def test_hint_for_table(status, code, expected):
    assert expected in hint_for(status, code, realm="1234567_SB1", host="h.example")


def test_login_hint_names_realm_and_host():
    hint = hint_for(401, "INVALID_LOGIN", realm="1234567_SB1", host="1234567-sb1.suitetalk.api.netsuite.com")
    assert "realm 1234567_SB1" in hint and "host 1234567-sb1.suitetalk.api.netsuite.com" in hint


@pytest.mark.parametrize("skew", [400.4, -400.4])
def test_hint_for_large_skew_on_401_leads_with_invalid_timestamp(skew):
    hint = hint_for(401, "INVALID_LOGIN", realm="1", host="h", clock_skew_seconds=skew)
    assert hint.startswith("InvalidTimestamp likely: the local clock is 400 s off NetSuite's; sync NTP. ")
    assert AUDIT_TRAIL in hint


@pytest.mark.parametrize("status, skew", [(401, 299.0), (401, None), (400, 900.0)])
def test_hint_for_without_refused_skew_has_no_timestamp_lead(status, skew):
    assert "InvalidTimestamp" not in hint_for(status, "INVALID_LOGIN", clock_skew_seconds=skew)


@pytest.mark.parametrize("status, code, probe_name, expected", [
    (400, "invalid_grant", TOKEN_PROBE, "certificate_id (the kid)"),
    (401, "invalid_client", TOKEN_PROBE, "client_id is not the Client ID"),
    (429, "UNEXPECTED_RESPONSE", TOKEN_PROBE, "concurrency limit"),
    (503, "UNEXPECTED_RESPONSE", TOKEN_PROBE, "retry later"),
    (302, "REDIRECTED", TOKEN_PROBE, "not the account's REST web services host"),
    (404, "NOT_FOUND", TOKEN_PROBE, "OAuth 2.0 token endpoint was not found"),
    (401, "UNEXPECTED_RESPONSE", TOKEN_PROBE, "did not answer like NetSuite"),
    (None, "TIMEOUT", TOKEN_PROBE, "No answer from h.example"),
    (None, "TLS_ERROR", TOKEN_PROBE, "netsuite_validate_certs"),
    (401, "INVALID_LOGIN", SERVER_TIME_PROBE, "Log in using OAuth 2.0 Access Tokens"),
    (400, "USER_ERROR", SERVER_TIME_PROBE, "SuiteAnalytics Workbook"),
    (404, "NOT_FOUND", CATALOG_PROBE, "REST Web Services feature"),
])
def test_m2m_hint_table(status, code, probe_name, expected):
    hint = hint_for(status, code, realm="4200001", host="h.example", auth_type="m2m", probe=probe_name,
                    environment="production")
    assert expected in hint


def test_the_tba_hints_are_the_default():
    assert "Log in using Access Tokens" in hint_for(401, "INVALID_LOGIN", realm="1", host="h")
    assert "OAuth 2.0" not in hint_for(401, "INVALID_LOGIN", realm="1", host="h")
