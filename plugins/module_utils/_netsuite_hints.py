# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Advice for a person from what a NetSuite connection test saw: the error taxonomy (NetSuite's,
OAuth 2.0's and the collection's own codes), the TBA and M2M checklists, and the clock-skew
warnings. Text only: nothing here sends or reads a request."""

AUTH_TBA = "tba"
AUTH_M2M = "m2m"

# The request a result is about.
SERVER_TIME_PROBE = "serverTime"
CATALOG_PROBE = "metadata-catalog"
TOKEN_PROBE = "token"

SKEW_WARNING_SECONDS = 60
# NetSuite refuses TBA timestamps more than 5 minutes away from its clock (InvalidTimestamp).
SKEW_REFUSED_SECONDS = 300
# An M2M client assertion is dated by iat and exp; NetSuite's leeway is not documented, so beyond
# a minute of measured skew a refused assertion names the clock first.
M2M_SKEW_SUSPECT_SECONDS = 60

# Every package the modules need, by name (meta/ee-requirements.txt).
INSTALL_COMMAND = "pip install hvac requests-oauthlib cryptography PyJWT"

_LOGIN_CODES = frozenset({"INVALID_LOGIN", "INVALID_LOGIN_ATTEMPT"})
# RESTlet and SOAP spellings of "account concurrency limit reached" (REST web services use 429).
_CONCURRENCY_CODES = frozenset({"SSS_REQUEST_LIMIT_EXCEEDED", "WS_REQUEST_BLOCKED"})
_COMPANY_URLS = "Setup > Company > Company Information > Company URLs"
_AUDIT_TRAIL = "Setup > Users/Roles > User Management > View Login Audit Trail (Detail column)"
_M2M_SETUP = "Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup"
_INTEGRATIONS = "Setup > Integration > Manage Integrations"
_SUITECLOUD_FEATURES = "Setup > Company > Enable Features > SuiteCloud"

# ---------------------------------------------------------------------------------------------
# Hints: the one place that maps an observation to advice for a person.
# ---------------------------------------------------------------------------------------------


def _login_checklist(realm, host):
    return (
        "NetSuite refused the token-based login and never says why in the response. Check: "
        "(1) realm %s is the Account ID exactly as Setup > Company > Company Information shows it "
        "(letters upper-case, _SB1 style suffix for sandboxes) and host %s belongs to that same "
        "account (sandbox vs production); "
        "(2) no values are swapped between consumer_key, consumer_secret, token_id and token_secret; "
        "(3) the access token is not revoked or inactive and was re-created after the last sandbox "
        "refresh (tokens are not copied to sandboxes); "
        "(4) the integration record is State Enabled with Token-Based Authentication checked; "
        "(5) the token's role has the \"Log in using Access Tokens\" and \"REST Web Services\" "
        "permissions; "
        "(6) this machine's clock is within 5 minutes of NetSuite's. "
        "The exact reason is in %s." % (realm or "(unknown)", host or "(unknown)", _AUDIT_TRAIL)
    )


_PERMISSION_HINT = (
    "The login worked but the token's role lacks permissions: give it \"REST Web Services\", "
    "\"Log in using Access Tokens\" and \"SuiteAnalytics Workbook\", and check that the REST Web "
    "Services and SuiteAnalytics Workbook features are enabled (Setup > Company > Enable Features "
    "> SuiteCloud)."
)
_INVALID_REQUEST_HINT = (
    "NetSuite could not understand the request's OAuth header: a signing or header bug in this "
    "collection, not something to fix in NetSuite. Please report it with error_code and detail."
)
_CONCURRENCY_HINT = (
    "The account's web services concurrency limit is used up by other integrations (all web "
    "services and RESTlet traffic share it): retry later, or raise the limit or allocate part of "
    "it to this integration record."
)
_SERVER_ERROR_HINT = (
    "NetSuite or the network to {host} failed: retry later, and check that netsuite_url is the "
    "SuiteTalk (REST web services) URL from " + _COMPANY_URLS + "."
)
_NOT_FOUND_HINT = (
    "The REST web services endpoint was not found on {host}: check that netsuite_url is the SuiteTalk "
    "(REST web services) URL from " + _COMPANY_URLS + " and that the REST Web Services feature is "
    "enabled."
)
_REDIRECT_HINT = (
    "{host} answered with a redirect, so it is not the account's REST web services host: set "
    "netsuite_url to the SuiteTalk URL from " + _COMPANY_URLS + "."
)
_CODE_HINTS = {
    "TIMEOUT": (
        "No answer from {host} within the timeout: NetSuite or the network is slow or down. Retry "
        "later, and check netsuite_url and any proxy in between."
    ),
    "CONNECTION_ERROR": (
        "Could not connect to {host}: check netsuite_url, firewall and proxy settings, and retry later."
    ),
    "DNS_FAILURE": (
        "The host name {host} does not resolve, so the account ID or host is wrong: copy the SuiteTalk "
        "URL from " + _COMPANY_URLS + " into netsuite_url, or check account_id."
    ),
    "TLS_ERROR": (
        "TLS verification with {host} failed: a TLS-intercepting proxy or a missing CA certificate is "
        "likely; add that CA to the trust store (or REQUESTS_CA_BUNDLE). Set "
        "netsuite_validate_certs to false only for test beds."
    ),
    "UNEXPECTED_RESPONSE": (
        "{host} did not answer like NetSuite REST web services: check netsuite_url (" + _COMPANY_URLS
        + ") and any proxy in between."
    ),
    "RESPONSE_TOO_LARGE": (
        "{host} sent an answer far larger than NetSuite's REST web services send for this request: "
        "check netsuite_url (" + _COMPANY_URLS + ") and any proxy in between."
    ),
    "TOKEN_TOO_LARGE": (
        "{host} issued an access token far larger than NetSuite's (a few KB): it was not used. Check "
        "netsuite_url (" + _COMPANY_URLS + ") and any proxy in between."
    ),
}
_DEFAULT_HINT = "NetSuite refused the request: see error_code and detail."


def _invalid_timestamp_hint(clock_skew_seconds):
    return (
        "InvalidTimestamp likely: the local clock is %d s off NetSuite's; sync NTP."
        % round(abs(clock_skew_seconds))
    )


def hint_for(status_code, error_code, *, realm=None, host=None, clock_skew_seconds=None,
             auth_type=AUTH_TBA, probe=None, environment=None):
    """Advice for a failed probe: NetSuite's or OAuth's error codes first, then the HTTP status,
    then our own transport codes (status_code None). ``probe`` and ``environment`` matter for
    M2M only: which request failed, and whether the account is a sandbox."""
    if auth_type == AUTH_M2M:
        return _m2m_hint(status_code, error_code, probe, realm, host, environment, clock_skew_seconds)
    hint = _base_hint(status_code, error_code, realm, host)
    if (
        status_code == 401
        and clock_skew_seconds is not None
        and abs(clock_skew_seconds) > SKEW_REFUSED_SECONDS
    ):
        # NetSuite's 401 body is the same for every cause; the skew is the one we can see.
        hint = _invalid_timestamp_hint(clock_skew_seconds) + " " + hint
    return hint


def _base_hint(status_code, error_code, realm, host):
    if error_code in _LOGIN_CODES or status_code == 401:
        return _login_checklist(realm, host)
    if error_code in _CONCURRENCY_CODES or status_code == 429:
        return _CONCURRENCY_HINT
    if error_code == "INVALID_REQUEST":
        return _INVALID_REQUEST_HINT
    if error_code == "USER_ERROR" or status_code == 403:
        return _PERMISSION_HINT
    return _transport_hint(status_code, error_code, host)


def _transport_hint(status_code, error_code, host, not_found=_NOT_FOUND_HINT):
    """What both logins share: redirects, missing endpoints, server and network failures."""
    if status_code is not None and 300 <= status_code < 400:
        template = _REDIRECT_HINT
    elif status_code == 404:
        template = not_found
    elif status_code is not None and status_code >= 500:
        template = _SERVER_ERROR_HINT
    else:
        template = _CODE_HINTS.get(error_code, _DEFAULT_HINT)
    return template.format(host=host or "the NetSuite host")


# --- OAuth 2.0 client credentials (M2M) --------------------------------------------------------

def _m2m_checklist(realm, host):
    return (
        "Check: (1) certificate_id is the Certificate ID that " + _M2M_SETUP + " lists for the "
        "uploaded certificate (it is sent as the assertion's kid); "
        "(2) that mapping joins this integration record to the intended entity and role, is not "
        "revoked, and its certificate has not expired (a revoked or expired certificate needs a new "
        "mapping, which gets a new Certificate ID); "
        "(3) client_id is the Client ID of that integration record, and the record's State is Enabled; "
        "(4) the integration record has Client Credentials (Machine to Machine) Grant checked and the "
        "scopes the test asks for (REST Web Services, RESTlets); "
        "(5) the mapping was made in account %s, the one host %s belongs to (mappings are per account); "
        "(6) this machine's clock is right (NetSuite checks the assertion's iat and exp against its "
        "own). The exact reason is in %s."
        % (realm or "(unknown)", host or "(unknown)", _AUDIT_TRAIL)
    )


_OAUTH_LEADS = {
    "invalid_client": (
        "NetSuite did not authenticate the client (invalid_client): client_id is not the Client ID "
        "of an Enabled integration record (a Blocked one is refused too), certificate_id (the kid) "
        "names no active mapping of it (a wrong certificate ID, or a certificate not mapped, revoked "
        "or expired), or the assertion's signature does not verify with that certificate (a "
        "private_key that does not belong to it)."
    ),
    "invalid_grant": (
        "NetSuite refused the client assertion (invalid_grant): its iat and exp do not fit NetSuite's "
        "clock, its aud is not this token endpoint (netsuite_url must be the account's own SuiteTalk "
        "URL), or certificate_id (the kid) names no active mapping for this integration record: the "
        "certificate is not mapped to it, entity and role in " + _M2M_SETUP + ", or the mapping was "
        "revoked, cleared, or its certificate expired."
    ),
    "invalid_scope": (
        "The integration record does not allow the scope the assertion asks for (invalid_scope): "
        "check the REST Web Services (and, if scope lists restlets, RESTlets) box under OAuth 2.0 on "
        "the integration record in " + _INTEGRATIONS + ", or ask only for what it allows with scope."
    ),
    "unsupported_grant_type": (
        "NetSuite does not offer this integration the client credentials grant "
        "(unsupported_grant_type): check Client Credentials (Machine to Machine) Grant under OAuth "
        "2.0 on the integration record in " + _INTEGRATIONS + ", and that OAuth 2.0 is enabled in "
        + _SUITECLOUD_FEATURES + " > Manage Authentication."
    ),
    "unauthorized_client": (
        "The integration record may not use the client credentials grant (unauthorized_client): "
        "check Client Credentials (Machine to Machine) Grant under OAuth 2.0 on the record in "
        + _INTEGRATIONS + ", and that its State is Enabled."
    ),
    "invalid_request": (
        "NetSuite found the token request malformed (invalid_request): usually the assertion's "
        "header or claims (a certificate ID NetSuite does not know, an algorithm the certificate "
        "does not fit); if everything below is right, report it with error_code and detail."
    ),
}
_OAUTH_DEFAULT_LEAD = "NetSuite refused the token request."
# Codes about the integration record itself: a cleared certificate mapping does not cause them.
_RECORD_CODES = frozenset({"invalid_scope", "unsupported_grant_type", "unauthorized_client"})
_MAPPING_NOT_COPIED = {
    "sandbox": (
        "%s is a sandbox: every sandbox refresh clears its OAuth 2.0 Client Credentials (M2M) "
        "mappings, so if it was refreshed after the certificate was mapped, map the certificate "
        "again in " + _M2M_SETUP + " and use the new Certificate ID as certificate_id."
    ),
    "release_preview": (
        "%s is a Release Preview account: M2M mappings are not copied to it, so map the certificate "
        "in its own " + _M2M_SETUP + " and use that Certificate ID as certificate_id."
    ),
}
_BEARER_REFUSED_HINT = (
    "NetSuite issued an access token but refused it for REST web services. Check: (1) the role "
    "mapped to this certificate in " + _M2M_SETUP + " has the \"Log in using OAuth 2.0 Access "
    "Tokens\" and \"REST Web Services\" permissions; (2) that entity and role are active "
    "(EntityOrRoleDisabled); (3) the integration record's REST Web Services scope is checked "
    "(ScopeMismatched). The exact reason is in " + _AUDIT_TRAIL + "."
)
_M2M_PERMISSION_HINT = (
    "The login worked but the role mapped to this certificate lacks permissions: give it \"REST "
    "Web Services\", \"Log in using OAuth 2.0 Access Tokens\" and \"SuiteAnalytics Workbook\", "
    "and check that the REST Web Services and SuiteAnalytics Workbook features are enabled ("
    + _SUITECLOUD_FEATURES + ")."
)
NO_REST_SCOPE_WARNING = (
    "scope does not include rest_webservices, so the test stopped once NetSuite issued the access "
    "token: REST web services (serverTime) refuse such a token, and the role's permissions were not tried."
)
_TOKEN_NOT_FOUND_HINT = (
    "The OAuth 2.0 token endpoint was not found on {host}: check that netsuite_url is the SuiteTalk "
    "(REST web services) URL from " + _COMPANY_URLS + " and that OAuth 2.0 is enabled in "
    + _SUITECLOUD_FEATURES + " > Manage Authentication."
)


def _m2m_hint(status_code, error_code, probe, realm, host, environment, clock_skew_seconds):
    if error_code in _CONCURRENCY_CODES or status_code == 429:
        return _CONCURRENCY_HINT
    if probe == TOKEN_PROBE:
        if _token_refused(status_code, error_code):
            return _token_refused_hint(error_code, realm, host, environment, clock_skew_seconds)
        return _transport_hint(status_code, error_code, host, not_found=_TOKEN_NOT_FOUND_HINT)
    # The bearer GETs: the token was issued, so the assertion and its mapping are fine.
    if error_code in _LOGIN_CODES or status_code == 401:
        return _BEARER_REFUSED_HINT
    if error_code == "USER_ERROR" or status_code == 403:
        return _M2M_PERMISSION_HINT
    return _transport_hint(status_code, error_code, host)


def _token_refused(status_code, error_code):
    """A 4xx in OAuth's or NetSuite's error shape (an answer of another shape may be a proxy's)."""
    return (
        status_code is not None and 400 <= status_code < 500 and status_code != 404
        and error_code != "UNEXPECTED_RESPONSE"
    )


def _token_refused_hint(error_code, realm, host, environment, clock_skew_seconds):
    parts = []
    if clock_skew_seconds is not None and abs(clock_skew_seconds) > M2M_SKEW_SUSPECT_SECONDS:
        # NetSuite does not say which claim it refused; a skew we measured is the one cause we see.
        parts.append(_m2m_clock_skew_hint(clock_skew_seconds))
    if environment in _MAPPING_NOT_COPIED and error_code not in _RECORD_CODES:
        parts.append(_MAPPING_NOT_COPIED[environment] % (realm or "This account"))
    parts.append(_OAUTH_LEADS.get(error_code, _OAUTH_DEFAULT_LEAD))
    parts.append(_m2m_checklist(realm, host))
    return " ".join(parts)


def _m2m_clock_skew_hint(clock_skew_seconds):
    return (
        "Clock skew likely: the local clock is %d s %s NetSuite's (measured from the token "
        "endpoint's Date header), and NetSuite refuses a client assertion whose iat or exp does not "
        "fit its own clock; sync NTP."
        % (round(abs(clock_skew_seconds)), _direction(clock_skew_seconds))
    )


def _direction(clock_skew_seconds):
    """Skew is NetSuite's time minus ours: positive means our clock is behind."""
    return "behind" if clock_skew_seconds > 0 else "ahead of"


def skew_warnings(clock_skew_seconds, auth_type):
    """The warning a measured clock skew deserves, as a tuple (empty when the clock is fine)."""
    if clock_skew_seconds is None or abs(clock_skew_seconds) <= SKEW_WARNING_SECONDS:
        return ()
    off = "The local clock is %d s %s NetSuite's" % (round(abs(clock_skew_seconds)), _direction(clock_skew_seconds))
    if auth_type == AUTH_M2M:
        return (off + "; NetSuite refuses a client assertion whose iat or exp does not fit its own "
                "clock: sync NTP.",)
    return (off + "; beyond %d s NetSuite refuses token-based requests (InvalidTimestamp): sync NTP."
            % SKEW_REFUSED_SECONDS,)
