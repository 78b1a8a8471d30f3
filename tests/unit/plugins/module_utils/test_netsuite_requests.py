# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pure core of capability probes and netsuite_request: probe and request input, the hosts a
request may reach, the requests built, idempotency and check mode, SuiteQL pagination, hints; and
end to end against the NetSuite emulator, signing the built requests with the collection's signer."""
import dataclasses
import json

import pytest
import requests

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import (
    ProbeOutcome,
    first_failure,
    hint_for,
    parse_probes,
    probe_outcome,
    probe_request,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import (
    AccountHosts,
    RecordRef,
    RequestInputError,
    RestPath,
    Restlet,
    SuiteQL,
    account_hosts,
    build_request,
    is_idempotent,
    parse_target_url,
    sent_in_check_mode,
    changes_something,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_user_request import (
    SuiteQLPageError,
    build_user_request,
    parse_user_request,
    suiteql_pages,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    CredentialInputError,
    parse_account_id,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import build_credentials
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_signer import authorization_header
from emulator.netsuite_tba_emulator import TOKEN_PATH
from support.accounts import fake_account, next_account_id, stored_values
from support.m2m_accounts import make_m2m_account, token_request_form

PROD = parse_account_id("1234567")[0]
SANDBOX = parse_account_id("1234567_SB1")[0]
HOSTS = account_hosts(SANDBOX)
REST = "https://1234567-sb1.suitetalk.api.netsuite.com"
RESTLETS = "https://1234567-sb1.restlets.api.netsuite.com"
MARK = "Zq9SECRETISH"  # put into bad values: no message may repeat it


def problems_of(call, *args):
    with pytest.raises(RequestInputError) as caught:
        call(*args)
    assert MARK not in str(caught.value)
    return caught.value.problems


# --- hosts ---------------------------------------------------------------------------------------

def test_hosts_of_production_and_sandbox_accounts():
    assert account_hosts(PROD) == AccountHosts("https://1234567.suitetalk.api.netsuite.com",
                                               "https://1234567.restlets.api.netsuite.com")
    assert HOSTS == AccountHosts(REST, RESTLETS)


def test_hosts_of_a_loopback_test_bed_are_one_base():
    hosts = account_hosts(SANDBOX, "http://127.0.0.1:8080/ignored/path")
    assert hosts == AccountHosts("http://127.0.0.1:8080", "http://127.0.0.1:8080")
    assert hosts.bases() == ("http://127.0.0.1:8080",)


def test_hosts_from_a_netsuite_url_keep_the_account_and_scheme():
    assert account_hosts(SANDBOX, REST + "/services/rest/") == HOSTS


def test_hosts_refuse_another_accounts_or_a_foreign_netsuite_url():
    with pytest.raises(CredentialInputError):
        account_hosts(SANDBOX, "https://7654321.suitetalk.api.netsuite.com")
    with pytest.raises(CredentialInputError):
        account_hosts(SANDBOX, "https://evil.example")


# --- probes: every kind, read-only ---------------------------------------------------------------

PROBES = [
    {"name": "subsidiaries", "suiteql": "SELECT id FROM subsidiary"},
    {"name": "customers", "record": "customer"},
    {"name": "one customer", "record": "customer", "id": 107},
    {"name": "by external id", "record": "customrecord_sync", "id": "eid:ABC-1"},
    {"name": "sync restlet", "restlet": {"script": "customscript_sync", "deploy": 2, "params": {"since": "2026-01-01"}}},
    {"name": "server time", "path": "/services/rest/system/v1/serverTime"},
    {"name": "filtered", "path": "/services/rest/record/v1/customer?limit=5&q=email START_WITH x"},
]


def test_every_probe_kind_builds_its_read_only_request():
    probes = parse_probes(PROBES)
    assert [p.kind for p in probes] == ["suiteql", "record", "record", "record", "restlet", "path", "path"]
    built = [probe_request(p, HOSTS) for p in probes]
    suiteql = built[0]
    assert (suiteql.method, suiteql.url, suiteql.params) == (
        "POST", REST + "/services/rest/query/v1/suiteql", (("limit", "1"), ("offset", "0")))
    assert suiteql.json_body == {"q": "SELECT id FROM subsidiary"}
    assert suiteql.headers_dict()["Prefer"] == "transient"
    assert (built[1].url, built[1].params) == (REST + "/services/rest/record/v1/customer", (("limit", "1"),))
    assert built[2].url == REST + "/services/rest/record/v1/customer/107"
    assert built[3].url == REST + "/services/rest/record/v1/customrecord_sync/eid:ABC-1"
    assert built[4].url == RESTLETS + "/app/site/hosting/restlet.nl"
    assert built[4].params == (("script", "customscript_sync"), ("deploy", "2"), ("since", "2026-01-01"))
    assert built[5].url == REST + "/services/rest/system/v1/serverTime" and built[5].params == ()
    assert built[6].url == REST + "/services/rest/record/v1/customer"
    assert built[6].params == (("limit", "5"), ("q", "email START_WITH x"))
    for request in built[1:]:
        assert request.method == "GET" and request.body_text is None and request.json_body is None
        assert sent_in_check_mode(request) and is_idempotent(request) and not changes_something(request)
    assert sent_in_check_mode(suiteql) and is_idempotent(suiteql) and not changes_something(suiteql)


def test_probes_are_immutable_and_none_is_no_probes():
    probe = parse_probes(PROBES[:1])[0]
    with pytest.raises(AttributeError):
        probe.name = "x"
    assert parse_probes(None) == () and parse_probes([]) == ()


def test_restlet_params_follow_script_and_deploy_in_declared_order():
    restlet = {"script": 100, "deploy": "customdeploy_echo", "params": {"z": 1, "a": True, "m": 2.5, "b": "x y"}}
    request = build_request(parse_probes([{"name": "r", "restlet": restlet}])[0].target, HOSTS)
    assert request.params == (("script", "100"), ("deploy", "customdeploy_echo"), ("z", "1"), ("a", "true"),
                              ("m", "2.5"), ("b", "x y"))


@pytest.mark.parametrize("probes, expected", [
    ("SELECT 1", "probes: must be a list"),
    ([{"name": "a", "saved_search": "x"}], "probes[0].saved_search: unknown kind or key"),
    ([{"name": "a"}], "probes[0]: must have exactly one of suiteql, record, restlet, path (got none)"),
    ([{"name": "a", "suiteql": "SELECT id FROM customer", "record": "customer"}],
     "probes[0]: must have exactly one of suiteql, record, restlet, path (got suiteql and record)"),
    ([{"suiteql": "SELECT 1"}], "probes[0].name: is required"),
    ([{"name": "a", "path": "/services/rest/x"}, {"name": "a", "path": "/services/rest/y"}],
     "probes[1].name: is used by an earlier probe"),
    ([{"name": "x" * 65, "path": "/services/rest/x"}], "probes[0].name: must be at most 64 characters"),
    ([{"name": "a\x1b[2J", "path": "/services/rest/x"}], "probes[0].name: must be printable"),
    ([{"name": "a", "record": "customer", "method": "DELETE"}], "probes[0].method: probes are read-only"),
    ([{"name": "a", "path": "/services/rest/record/v1/customer", "body": {"x": 1}}],
     "probes[0].body: probes are read-only"),
    ([{"name": "a", "suiteql": ""}], "probes[0].suiteql: must not be empty"),
    ([{"name": "a", "suiteql": "x" * 100001}], "probes[0].suiteql: must be at most 100000 characters"),
    ([{"name": "a", "record": "Customer" + MARK}], "probes[0].record: must be a record type name"),
    ([{"name": "a", "record": "customer", "id": "12 OR 1=1" + MARK}], "probes[0].id: must be an internal ID"),
    ([{"name": "a", "suiteql": "SELECT 1", "id": 5}], "probes[0].id: only a record probe takes an id"),
    ([{"name": "a", "restlet": {"script": 1}}], "probes[0].restlet.deploy: is required"),
    ([{"name": "a", "restlet": {"script": True, "deploy": 1}}], "probes[0].restlet.script: must be an internal ID"),
    ([{"name": "a", "restlet": {"script": "customscript_x/../" + MARK, "deploy": 1}}],
     "probes[0].restlet.script: must be an internal ID"),
    ([{"name": "a", "restlet": {"script": 1, "deploy": 0}}], "probes[0].restlet.deploy: must be an internal ID"),
    ([{"name": "a", "restlet": {"script": 1, "deploy": 1, "params": {"script": 2}}}],
     "probes[0].restlet.params.script: is set by the collection"),
    ([{"name": "a", "restlet": {"script": 1, "deploy": 1, "params": {"x": [MARK]}}}],
     "probes[0].restlet.params.x: must be text"),
    ([{"name": "a", "restlet": {"script": 1, "deploy": 1, "url": MARK}}], "probes[0].restlet: takes only"),
    ([{"name": "a", "path": "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/x"}],
     "probes[0].path: must be a path under /services/rest/, not a URL"),
    ([{"name": "a", "path": "//evil.example/services/rest/" + MARK}], "probes[0].path: must be a path starting"),
    ([{"name": "a", "path": "/services/rest/../../x" + MARK}], "probes[0].path: must not contain dot segments"),
    ([{"name": "a", "path": "/services/rest/%2e%2e/%2E%2e/x" + MARK}], "probes[0].path: must not contain dot"),
    ([{"name": "a", "path": "/services/rest/a%2fb" + MARK}], "probes[0].path: must not contain dot"),
    ([{"name": "a", "path": "/services/rest/a%5c..%5cb"}], "probes[0].path: must not contain dot"),
    ([{"name": "a", "path": "/services/rest/%252e%252e/x"}], "probes[0].path: must not contain dot"),
    ([{"name": "a", "path": "/services/rest\\..\\x"}], "probes[0].path: the path must not contain whitespace or backslashes"),
    ([{"name": "a", "path": "/services/rest/@evil.example/" + MARK}], "probes[0].path: must be a path starting"),
    ([{"name": "a", "path": "/app/site/hosting/restlet.nl?script=1"}], "probes[0].path: must be a path under"),
    ([{"name": "a", "path": "/services/rest/x#" + MARK}], "probes[0].path: must not contain a fragment"),
    ([{"name": "a", "path": "/services/rest/x?a=1&a=2"}], "each once"),
    (["customer"], "probes[0]: must be a mapping"),
    ([{"name": "p%d" % i, "path": "/services/rest/x"} for i in range(21)], "probes: must have at most 20"),
])
def test_bad_probes_are_refused_by_name_without_the_value(probes, expected):
    problems = problems_of(parse_probes, probes)
    assert any(expected in problem for problem in problems), problems


def test_every_bad_probe_is_reported_at_once():
    problems = problems_of(parse_probes, [{"name": "a", "saved_search": 1}, {"record": "customer"},
                                          {"name": "c", "suiteql": "x", "path": "/services/rest/x"}])
    assert [p.split(":")[0] for p in problems] == ["probes[0].saved_search", "probes[0]", "probes[1].name",
                                                   "probes[2]"]


def test_an_unprintable_key_is_not_echoed():
    problems = problems_of(parse_probes, [{"name": "a", "record": "customer", "\x1b]x " + MARK: 1}])
    assert problems == ("probes[0].(a key): unknown kind or key; a probe takes name and one of suiteql, record, "
                        "restlet, path",)


# --- netsuite_request's url: only the account's own domains --------------------------------------

@pytest.mark.parametrize("url", [
    "https://1234567-sb1.suitetalk.api.netsuite.com.evil.example/services/rest/record/v1/customer",
    "https://evil.example/services/rest/record/v1/customer",
    "https://1234567-sb1.suitetalk.api.netsuite.com@evil.example/services/rest/x",
    "https://user:pw@1234567-sb1.suitetalk.api.netsuite.com/services/rest/x",
    "https://7654321.suitetalk.api.netsuite.com/services/rest/x",
    "http://1234567-sb1.suitetalk.api.netsuite.com/services/rest/x",
    "https://1234567-sb1.suitetalk.api.netsuite.com:8443/services/rest/x",
    "https:\\\\evil.example\\services\\rest",
    "//evil.example/services/rest/x",
    "///evil.example/x",
    "ftp://1234567-sb1.suitetalk.api.netsuite.com/services/rest/x",
    "services/rest/x",
    "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/../../x",
    "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/%2e%2e/x",
    "https://1234567-sb1.restlets.api.netsuite.com/services/rest/record/v1/customer",
    "https://1234567-sb1.suitetalk.api.netsuite.com/app/site/hosting/restlet.nl",
    "https://1234567-sb1.suitetalk.api.netsuite.com/app/login/secure.nl",
    "https://1234567-sb1.suitetalk.api.netsuite.com /services/rest/x",
    "https://[::1]/services/rest/x",
])
def test_a_url_off_the_accounts_rest_or_restlet_domain_is_refused(url):
    problems = []
    assert parse_target_url(url + MARK, HOSTS, "url", problems) is None
    assert problems and all(p.startswith("url:") and MARK not in p for p in problems)


def test_the_refusal_names_the_allowed_domains():
    problems = []
    parse_target_url("https://evil.example/services/rest/x", HOSTS, "url", problems)
    assert problems == ["url: must be a path such as /services/rest/... or a URL on the account's own NetSuite "
                        "domains (%s or %s); this URL names another host" % (REST, RESTLETS)]


@pytest.mark.parametrize("url, expected_url, params", [
    ("/services/rest/record/v1/customer/107", REST + "/services/rest/record/v1/customer/107", ()),
    (REST + "/services/rest/record/v1/customer?limit=2", REST + "/services/rest/record/v1/customer",
     (("limit", "2"),)),
    ("HTTPS://1234567-SB1.SUITETALK.API.NETSUITE.COM:443/services/rest/x", REST + "/services/rest/x", ()),
    (RESTLETS + "/app/site/hosting/restlet.nl?script=1&deploy=2", RESTLETS + "/app/site/hosting/restlet.nl",
     (("script", "1"), ("deploy", "2"))),
    ("/app/site/hosting/restlet.nl?script=1&deploy=2", RESTLETS + "/app/site/hosting/restlet.nl",
     (("script", "1"), ("deploy", "2"))),
])
def test_paths_and_urls_on_the_accounts_domains_are_accepted(url, expected_url, params):
    problems = []
    target = parse_target_url(url, HOSTS, "url", problems)
    assert isinstance(target, RestPath) and problems == []
    request = build_request(target, HOSTS)
    assert (request.url, request.params) == (expected_url, params)


# --- netsuite_request's input, idempotency and check mode ----------------------------------------

def user(**values):
    return build_user_request(parse_user_request(values, HOSTS), HOSTS)


def test_user_requests_for_every_method_and_target():
    post = user(method="post", url="/services/rest/record/v1/customer", body={"companyname": "A"})
    assert (post.kind, post.method, post.url) == ("path", "POST", REST + "/services/rest/record/v1/customer")
    assert post.json_body == {"companyname": "A"} and post.headers_dict() == {"Content-Type": "application/json"}
    put = user(method="PUT", url="/services/rest/record/v1/customer/eid:X1", body={"companyname": "B"})
    patch = user(method="PATCH", url="/services/rest/record/v1/customer/107", body={"companyname": "C"})
    delete = user(method="DELETE", url="/services/rest/record/v1/customer/107")
    get = user(url="/services/rest/record/v1/customer", params={"limit": 3})
    assert get.params == (("limit", "3"),) and get.method == "GET"
    restlet = user(method="POST", restlet={"script": 100, "deploy": 1, "params": {"a": 1}}, body=[1, 2],
                   params={"b": "x"})
    assert restlet.url == RESTLETS + "/app/site/hosting/restlet.nl"
    assert restlet.params == (("script", "100"), ("deploy", "1"), ("a", "1"), ("b", "x"))
    suiteql = user(suiteql="SELECT id FROM customer", max_rows=10)
    assert (suiteql.method, suiteql.params, suiteql.json_body) == (
        "POST", (("limit", "10"), ("offset", "0")), {"q": "SELECT id FROM customer"})
    rules = {name: (is_idempotent(r), sent_in_check_mode(r), changes_something(r)) for name, r in [
        ("GET", get), ("SuiteQL", suiteql), ("PUT", put), ("DELETE", delete), ("POST", post), ("PATCH", patch),
        ("RESTlet POST", restlet)]}
    assert rules == {"GET": (True, True, False), "SuiteQL": (True, True, False), "PUT": (True, False, True),
                     "DELETE": (True, False, True), "POST": (False, False, True), "PATCH": (False, False, True),
                     "RESTlet POST": (False, False, True)}


@pytest.mark.parametrize("values, expected", [
    ({}, "url, suiteql, restlet: exactly one is required (got none)"),
    ({"url": "/services/rest/x", "suiteql": "SELECT 1"}, "exactly one is required (got url and suiteql)"),
    ({"url": "/services/rest/x", "method": "HEAD"}, "method: must be one of GET, POST, PUT, PATCH, DELETE"),
    ({"suiteql": "SELECT 1", "method": "GET"}, "method: SuiteQL is always sent as POST"),
    ({"suiteql": "SELECT 1", "body": {"q": "x"}}, "body: not used with suiteql"),
    ({"suiteql": "SELECT 1", "params": {"limit": 5}}, "params: not used with suiteql"),
    ({"suiteql": "SELECT 1", "max_rows": 0}, "max_rows: must be an integer from 1 to 100000"),
    ({"suiteql": "SELECT 1", "max_rows": True}, "max_rows: must be an integer"),
    ({"url": "/services/rest/x", "max_rows": 5}, "max_rows: used only with suiteql"),
    ({"url": "/services/rest/x", "body": {"a": 1}}, "body: a GET sends no body"),
    ({"url": "/services/rest/x", "method": "DELETE", "body": {"a": 1}}, "body: a DELETE sends no body"),
    ({"url": "/services/rest/x", "method": "POST", "body": {"a": float("nan")}}, "body: must be JSON"),
    ({"url": "/services/rest/x", "method": "POST", "body": {"a": {1, 2}}}, "body: must be JSON"),
    ({"url": "/services/rest/x?a=1", "params": {"a": 2}}, "params: a parameter is also in the url"),
    ({"restlet": {"script": 1, "deploy": 1}, "method": "PATCH"}, "method: a RESTlet takes GET, POST, PUT, DELETE"),
    ({"restlet": {"script": 1, "deploy": 1}, "params": {"deploy": 3}}, "params.deploy: is set by the collection"),
    ({"url": "https://evil.example/services/rest/x"}, "this URL names another host"),
])
def test_bad_user_requests_are_refused_by_name(values, expected):
    problems = problems_of(parse_user_request, values, HOSTS)
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize("values", [
    {"method": "F" + MARK},
    {"url": "/services/rest/x", "suiteql": "SELECT 1", "method": "F" + MARK},
])
def test_a_missing_target_and_a_bad_method_are_named_together(values):
    """Without one target the other options are still checked: one run names every problem."""
    problems = problems_of(parse_user_request, values, HOSTS)
    assert [p.split(":")[0] for p in problems] == ["url, suiteql, restlet", "method"], problems
    assert "exactly one is required" in problems[0]
    assert "must be one of GET, POST, PUT, PATCH, DELETE" in problems[1]


# --- SuiteQL pagination --------------------------------------------------------------------------

class FakeSuiteQL:
    """Pages over ``rows`` as NetSuite does; ``lie`` claims hasMore forever and ``short`` caps pages."""

    def __init__(self, rows, lie=False, short=None):
        self.rows, self.lie, self.short, self.sent = rows, lie, short, []

    def __call__(self, request):
        self.sent.append(request)
        assert request.kind == "suiteql" and request.json_body == {"q": "SELECT id FROM customer"}
        params = request.params_dict()
        limit, offset = int(params["limit"]), int(params["offset"])
        page = self.rows[offset:offset + min(limit, self.short or limit)]
        more = self.lie or offset + limit < len(self.rows)
        return {"count": len(page), "hasMore": more, "offset": offset, "totalResults": len(self.rows),
                "items": [dict(row, links=[]) for row in page], "links": []}


ROWS = [{"id": str(n)} for n in range(1, 26)]


def offsets(fake):
    return [(r.params_dict()["limit"], r.params_dict()["offset"]) for r in fake.sent]


def test_pages_follow_has_more_by_offset():
    fake = FakeSuiteQL(ROWS)
    result = suiteql_pages(fake, "SELECT id FROM customer", HOSTS, max_rows=1000, page_size=10)
    assert result.items == tuple(ROWS) and result.total_results == 25
    assert (result.pages, result.truncated) == (3, False)
    assert offsets(fake) == [("10", "0"), ("10", "10"), ("10", "20")]


def test_page_size_is_netsuites_maximum_unless_max_rows_is_smaller():
    fake = FakeSuiteQL(ROWS)
    assert suiteql_pages(fake, "SELECT id FROM customer", HOSTS, max_rows=5000).pages == 1
    assert offsets(fake) == [("1000", "0")]
    fake = FakeSuiteQL(ROWS)
    suiteql_pages(fake, "SELECT id FROM customer", HOSTS, max_rows=7)
    assert offsets(fake) == [("7", "0")]


def test_max_rows_cuts_mid_page():
    fake = FakeSuiteQL(ROWS)
    result = suiteql_pages(fake, "SELECT id FROM customer", HOSTS, max_rows=12, page_size=5)
    assert result.items == tuple(ROWS[:12]) and (result.pages, result.truncated) == (3, True)
    assert offsets(fake) == [("5", "0"), ("5", "5"), ("5", "10")]


def test_max_rows_exactly_the_total_is_not_truncated():
    result = suiteql_pages(FakeSuiteQL(ROWS), "SELECT id FROM customer", HOSTS, max_rows=25, page_size=5)
    assert len(result.items) == 25 and not result.truncated


def test_an_empty_result_is_one_page():
    result = suiteql_pages(FakeSuiteQL([]), "SELECT id FROM customer", HOSTS, max_rows=100)
    assert (result.items, result.total_results, result.pages, result.truncated) == ((), 0, 1, False)


def test_a_server_claiming_has_more_forever_is_bounded_by_max_rows():
    fake = FakeSuiteQL(ROWS, lie=True)
    result = suiteql_pages(fake, "SELECT id FROM customer", HOSTS, max_rows=10, page_size=5)
    assert len(result.items) == 10 and result.truncated and len(fake.sent) == 2
    fake = FakeSuiteQL(ROWS, lie=True)
    result = suiteql_pages(fake, "SELECT id FROM customer", HOSTS, max_rows=100, page_size=10)
    assert len(result.items) == 25 and len(fake.sent) == 4  # the page past the rows is empty: stop


def test_short_pages_with_has_more_stop_at_the_page_cap():
    fake = FakeSuiteQL(ROWS, lie=True, short=1)
    result = suiteql_pages(fake, "SELECT id FROM customer", HOSTS, max_rows=20, page_size=10)
    assert len(fake.sent) == 2 and len(result.items) == 2 and result.truncated


@pytest.mark.parametrize("page", [None, [], {"items": None}, {"items": [1, 2]}, {"items": "x"}])
def test_a_page_not_in_netsuites_shape_is_an_error_that_shows_nothing(page):
    with pytest.raises(SuiteQLPageError) as caught:
        suiteql_pages(lambda request: page, "SELECT id FROM customer", HOSTS, max_rows=5)
    assert str(caught.value) == "SuiteQL page 1 is not NetSuite's collection shape (items)"


# --- hints and outcomes --------------------------------------------------------------------------

SQL, CUSTOMER, CUSTOMER_107 = SuiteQL("SELECT id FROM customer"), RecordRef("customer"), RecordRef("customer", "107")
SYNC = Restlet("customscript_sync", "customdeploy_sync")


@pytest.mark.parametrize("kind, status, code, target, words", [
    ("suiteql", 403, "INSUFFICIENT_PERMISSION", SQL, ["Reports -> SuiteAnalytics Workbook", "View on the record"]),
    ("suiteql", 400, "INVALID_PARAMETER", SQL, ["table and column names", "View each table"]),
    ("suiteql", 400, "USER_ERROR", SQL, ["Setup -> REST Web Services"]),
    ("record", 403, "INSUFFICIENT_PERMISSION", CUSTOMER, ["Lists -> Customers at View"]),
    ("record", 403, "INSUFFICIENT_PERMISSION", RecordRef("salesorder"), ["Transactions -> Sales Order at View"]),
    ("record", 403, "INSUFFICIENT_PERMISSION", RecordRef("customrecord_x"), ["custom record type's permission"]),
    ("record", 403, "INSUFFICIENT_PERMISSION", RecordRef("opportunity"), ["opportunity record type at View"]),
    ("record", 404, "NONEXISTENT_ID", CUSTOMER_107, ["check the record ID", "customer"]),
    ("record", 404, "NOT_FOUND", CUSTOMER, ["record type name"]),
    ("record", 400, "USER_ERROR", CUSTOMER, ["Setup -> REST Web Services"]),
    ("path", 400, "USER_ERROR", None, ["Setup -> REST Web Services"]),
    ("path", 404, "NOT_FOUND", None, ["check the path"]),
    ("restlet", 400, "SSS_INVALID_SCRIPTLET_ID", SYNC, ["customscript_sync", "customdeploy_sync", "Released",
                                                        "Audience"]),
    ("restlet", 401, "INVALID_LOGIN_ATTEMPT", SYNC, ["RESTlets scope"]),
    ("record", 401, "INVALID_LOGIN", CUSTOMER, ["connection test"]),
    ("restlet", 429, "SSS_REQUEST_LIMIT_EXCEEDED", SYNC, ["concurrency limit"]),
    ("suiteql", 503, "UNEXPECTED_ERROR", SQL, ["retry later"]),
])
def test_hints_name_what_to_check(kind, status, code, target, words):
    hint = hint_for(kind, status, code, target)
    assert all(word in hint for word in words), hint


def test_the_record_level_follows_the_method():
    assert "Lists -> Customers at Full" in hint_for("record", 403, "INSUFFICIENT_PERMISSION", CUSTOMER, "DELETE")
    assert "Lists -> Customers at Create" in hint_for("record", 403, "INSUFFICIENT_PERMISSION", CUSTOMER, "POST")


def test_outcomes_and_the_accounts_failure():
    ok_probe, bad_probe, later = parse_probes([{"name": "subs", "suiteql": "SELECT id FROM subsidiary"},
                                               {"name": "customers", "record": "customer"},
                                               {"name": "sync", "restlet": {"script": 1, "deploy": 1}}])
    outcomes = [probe_outcome(ok_probe, 200),
                probe_outcome(bad_probe, 403, "INSUFFICIENT_PERMISSION", "Permission Violation: ..."),
                probe_outcome(later, None, "TIMEOUT", "no answer in 30 s")]
    assert outcomes[0].to_dict() == {"name": "subs", "kind": "suiteql", "ok": True, "status": 200,
                                     "failure_code": None, "reason": None}
    assert outcomes[1].to_dict() == {
        "name": "customers", "kind": "record", "ok": False, "status": 403,
        "failure_code": "netsuite:INSUFFICIENT_PERMISSION",
        "reason": "NetSuite refused the request (INSUFFICIENT_PERMISSION): Permission Violation: ..."}
    assert outcomes[2].failure_code == "netsuite:TIMEOUT" and outcomes[2].status is None
    failure = first_failure(outcomes)
    assert failure.code == "netsuite:INSUFFICIENT_PERMISSION"
    assert failure.reason.startswith("probe customers (record) failed: NetSuite refused the request")
    assert "Lists -> Customers at View" in failure.hint
    assert first_failure(outcomes[:1]) is None and first_failure([]) is None
    assert isinstance(outcomes[1], ProbeOutcome)


# --- end to end: the emulator accepts what the builder builds, signed by the collection ----------

ROLE = {"id": 1001, "rest_web_services": True, "suiteanalytics_workbook": True,
        "records": {"customer": "view", "subsidiary": "view"},
        "restlets": [{"script": 200, "deploy": 2, "script_id": "customscript_sync", "deploy_id": "customdeploy_sync",
                      "audience": [1001]},
                     {"script": 300, "deploy": 1, "audience": [1002]},
                     {"script": 400, "deploy": 1, "status": "testing"}]}


def send(credentials, request):
    headers = dict(request.headers, Authorization=authorization_header(
        credentials, request.method, request.url, request.params_dict()))
    return requests.request(request.method, request.url, params=list(request.params), headers=headers,
                            data=None if request.body_text is None else request.body_text.encode("utf-8"),
                            timeout=10, allow_redirects=False)


def error_of(response):
    body = response.json()
    if "o:errorDetails" in body:
        return body["o:errorDetails"][0]["o:errorCode"], body["o:errorDetails"][0]["detail"]
    return body["error"]["code"], body["error"]["message"]


def run_probes(emulator, account, probes):
    emulator.add_account(account)
    credentials = build_credentials(stored_values(account))[0]
    hosts = account_hosts(credentials.account, emulator.url)
    outcomes = []
    for probe in parse_probes(probes):
        response = send(credentials, probe_request(probe, hosts))
        code, detail = (None, None) if response.ok else error_of(response)
        outcomes.append(probe_outcome(probe, response.status_code, code, detail))
    return outcomes


def test_every_probe_kind_passes_on_a_role_that_allows_it(emulator):
    account = fake_account(role=ROLE)
    outcomes = run_probes(emulator, account, [
        {"name": "subs", "suiteql": "SELECT id FROM subsidiary WHERE id = 1"},
        {"name": "customers", "record": "customer"},
        {"name": "customer 101", "record": "customer", "id": "101"},
        {"name": "sync by script id", "restlet": {"script": "customscript_sync", "deploy": "customdeploy_sync",
                                                  "params": {"since": "2026-01-01 00:00", "full": False}}},
        {"name": "sync by internal id", "restlet": {"script": 200, "deploy": 2}},
        {"name": "time", "path": "/services/rest/system/v1/serverTime"},
        {"name": "two subsidiaries", "path": "/services/rest/record/v1/subsidiary?limit=2&offset=1"},
    ])
    assert [(o.name, o.ok, o.status) for o in outcomes if not o.ok] == []
    log = emulator.requests(realm=account["account_id"])
    assert [(entry["method"], entry["status"]) for entry in log] == [("POST", 200)] + [("GET", 200)] * 6


@pytest.mark.parametrize("role_change, probe, status, code, hint_words", [
    ({"suiteanalytics_workbook": False}, {"suiteql": "SELECT id FROM subsidiary"}, 403, "INSUFFICIENT_PERMISSION",
     ["SuiteAnalytics Workbook"]),
    ({}, {"suiteql": "SELECT id FROM contact"}, 400, "INVALID_PARAMETER", ["View each table"]),
    ({}, {"record": "contact"}, 403, "INSUFFICIENT_PERMISSION", ["Lists -> Contacts at View"]),
    ({}, {"record": "customer", "id": 999}, 404, "NONEXISTENT_ID", ["check the record ID"]),
    ({"rest_web_services": False}, {"record": "customer"}, 400, "USER_ERROR", ["Setup -> REST Web Services"]),
    ({"rest_web_services": False}, {"suiteql": "SELECT id FROM customer"}, 400, "USER_ERROR",
     ["Setup -> REST Web Services"]),
    ({"rest_web_services": False}, {"path": "/services/rest/system/v1/serverTime"}, 400, "USER_ERROR",
     ["Setup -> REST Web Services"]),
    ({}, {"restlet": {"script": 300, "deploy": 1}}, 400, "SSS_INVALID_SCRIPTLET_ID", ["Audience", "300"]),
    ({}, {"restlet": {"script": 400, "deploy": 1}}, 400, "SSS_INVALID_SCRIPTLET_ID", ["Released"]),
    ({}, {"restlet": {"script": 100, "deploy": 1}}, 400, "SSS_INVALID_SCRIPTLET_ID", ["Deployed"]),
])
def test_each_denial_maps_to_its_failure_code_and_hint(emulator, role_change, probe, status, code, hint_words):
    outcomes = run_probes(emulator, fake_account(role=dict(ROLE, **role_change)), [dict(probe, name="the probe")])
    outcome = outcomes[0]
    assert (outcome.ok, outcome.status, outcome.failure_code) == (False, status, "netsuite:" + code)
    assert all(word in outcome.hint for word in hint_words), outcome.hint


def test_restlets_do_not_need_rest_web_services(emulator):
    account = fake_account(role=dict(ROLE, rest_web_services=False))
    outcomes = run_probes(emulator, account, [{"name": "sync", "restlet": {"script": 200, "deploy": 2}}])
    assert outcomes[0].ok


def test_suiteql_pages_against_the_emulator(emulator):
    account = fake_account(role=ROLE)
    emulator.add_account(account)
    credentials = build_credentials(stored_values(account))[0]
    hosts = account_hosts(credentials.account, emulator.url)

    def page(request):
        response = send(credentials, request)
        assert response.status_code == 200, response.text
        return response.json()

    result = suiteql_pages(page, "SELECT id FROM customer ORDER BY id", hosts, max_rows=12, page_size=5)
    assert [row["id"] for row in result.items] == [str(n) for n in range(101, 113)]
    assert (result.total_results, result.pages, result.truncated) == (25, 3, True)
    everything = suiteql_pages(page, "SELECT id FROM customer", hosts, max_rows=1000)
    assert len(everything.items) == 25 and everything.pages == 1 and "links" not in everything.items[0]
    log = emulator.requests(realm=account["account_id"])
    assert [entry["query"] for entry in log] == ["limit=5&offset=0", "limit=5&offset=5", "limit=5&offset=10",
                                                 "limit=1000&offset=0"]


def test_a_user_write_and_read_back_through_the_builder(emulator):
    account = fake_account(role=dict(ROLE, records={"customer": "full"}))
    emulator.add_account(account)
    credentials = build_credentials(stored_values(account))[0]
    hosts = account_hosts(credentials.account, emulator.url)
    created = send(credentials, build_user_request(parse_user_request(
        {"method": "POST", "url": "/services/rest/record/v1/customer", "body": {"companyname": "New"}}, hosts), hosts))
    assert created.status_code == 204
    location = created.headers["Location"]
    read = send(credentials, build_user_request(parse_user_request({"url": location}, hosts), hosts))
    assert read.status_code == 200 and json.loads(read.text)["companyname"] == "New"


def test_an_unknown_record_type_with_an_id_points_at_the_type():
    assert "record type name" in hint_for("record", 404, "NOT_FOUND", RecordRef("opportunity", "5"))
    assert "check the record ID" in hint_for("record", 404, None, RecordRef("customer", "5"))


@pytest.mark.parametrize("scopes, restlet_ok", [(("rest_webservices", "restlets"), True), (("rest_webservices",), False)])
def test_m2m_bearer_probes_on_one_base_and_the_restlet_scope_hint(emulator, scopes, restlet_ok):
    account = dataclasses.replace(make_m2m_account(account_id=next_account_id(), key_type="ec-p256", scopes=scopes),
                                  role=ROLE)
    emulator.add_account(account.emulator_account())
    token = requests.post(emulator.url + TOKEN_PATH, data=token_request_form(account.assertion(emulator.url)),
                          timeout=10).json()["access_token"]
    hosts = account_hosts(parse_account_id(account.account_id)[0], emulator.url)
    outcomes = []
    for probe in parse_probes([{"name": "subs", "suiteql": "SELECT id FROM subsidiary"},
                               {"name": "customer", "record": "customer", "id": 101},
                               {"name": "sync", "restlet": {"script": 200, "deploy": 2, "params": {"a": "b c"}}}]):
        request = probe_request(probe, hosts)
        response = requests.request(request.method, request.url, params=list(request.params),
                                    headers=dict(request.headers, Authorization="Bearer " + token),
                                    data=request.body_text, timeout=10)
        code, detail = (None, None) if response.ok else error_of(response)
        outcomes.append(probe_outcome(probe, response.status_code, code, detail))
    assert [o.ok for o in outcomes] == [True, True, restlet_ok]
    if not restlet_ok:
        assert outcomes[2].failure_code == "netsuite:INVALID_LOGIN_ATTEMPT" and "RESTlets scope" in outcomes[2].hint


@pytest.mark.parametrize("record_id", ["eid:x/../../x", "eid:a%2f..%2fb", "eid:a\\b", "eid:a..b", "eid:a?b", "eid:a#b"])
def test_an_external_id_that_could_decode_into_another_path_is_refused(record_id):
    with pytest.raises(RequestInputError) as caught:
        parse_probes([{"name": "x", "record": "customer", "id": record_id}])
    assert "probes[0].id" in str(caught.value) and record_id not in str(caught.value)
