"""The emulator's role, SuiteQL, records and RESTlets, over real HTTP on 127.0.0.1, with TBA
(signed by oauthlib and by the collection's signer, never by the emulator's code) and M2M bearer
tokens; plus its observability: request kinds, the most requests in flight, the hold, scripted faults.
"""
import dataclasses
import json
import subprocess
import sys
import threading
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from requests_oauthlib import OAuth1

from emulator.netsuite_tba_emulator import TOKEN_PATH, NetSuiteEmulator, normalize_account
from support.accounts import fake_account, next_account_id
from support.m2m_accounts import make_m2m_account, token_request_form

SUITEQL = "/services/rest/query/v1/suiteql"
RECORDS = "/services/rest/record/v1/"
RESTLET = "/app/site/hosting/restlet.nl"
ERROR_TYPE = "application/vnd.oracle.resource+json; type=error"
TRANSIENT = {"Prefer": "transient"}
NO_CUSTOMERS = ("Permission Violation: You need the 'Lists -> Customers' permission to access this page. "
                "Please contact your account administrator.")
HIGHER_CUSTOMERS = ("Permission Violation: You need a higher level of the 'Lists -> Customers' permission to "
                    "access this page. Please contact your account administrator.")
SEARCH = "Invalid search query. Detailed unprocessed description follows. "
INVALID_SCRIPTLET = {"error": {"code": "SSS_INVALID_SCRIPTLET_ID",
                               "message": "That Suitelet is invalid, disabled, or no longer exists."}}
INVALID_LOGIN_ATTEMPT = {"error": {"code": "INVALID_LOGIN_ATTEMPT", "message": "Invalid login attempt."}}


# --- clients ----------------------------------------------------------------------------------------

class Tba:
    """Requests for one TBA account, signed by oauthlib (query parameters included)."""

    def __init__(self, emu, account):
        self.emu, self.account = emu, account

    def auth(self, **wrong):
        creds = dict(self.account, **wrong)
        return OAuth1(creds["consumer_key"], creds["consumer_secret"], creds["token_id"], creds["token_secret"],
                      signature_method="HMAC-SHA256", realm=self.account["account_id"])

    def request(self, method, path, params=None, json_body=None, headers=None, timeout=5, **wrong):
        return requests.request(method, self.emu.url + path, params=params, json=json_body, headers=headers,
                                auth=self.auth(**wrong), timeout=timeout)


class Bearer:
    """Requests for one M2M account with an access token from the emulator's token endpoint."""

    def __init__(self, emu, account):
        self.emu = emu
        form = token_request_form(account.assertion(emu.url))
        answer = requests.post(emu.url + TOKEN_PATH, data=form, timeout=5)
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["access_token"]

    def request(self, method, path, params=None, json_body=None, headers=None, timeout=5):
        headers = dict(headers or {}, Authorization="Bearer " + self.token)
        return requests.request(method, self.emu.url + path, params=params, json=json_body, headers=headers,
                                timeout=timeout)


def suiteql(client, q, limit=None, offset=None, headers="transient"):
    headers = TRANSIENT if headers == "transient" else headers
    params = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
    return client.request("POST", SUITEQL, params=params, json_body={"q": q}, headers=headers)


def restlet(client, method="GET", script=100, deploy=1, params=None, json_body=None):
    return client.request(method, RESTLET, params=dict({"script": script, "deploy": deploy}, **(params or {})),
                          json_body=json_body)


def error_of(response, status):
    """(o:errorCode, detail, the detail object) of a REST web services error answer."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == ERROR_TYPE
    body = response.json()
    assert body["status"] == status and set(body) == {"type", "title", "status", "o:errorDetails"}
    detail = body["o:errorDetails"][0]
    return detail["o:errorCode"], detail["detail"], detail


def query_of(href):
    return dict(parse_qsl(urlsplit(href).query))


# --- fixtures ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def m2m_key_account():
    """One EC key for the module (keys are the slow part); accounts are variants of it."""
    return make_m2m_account(key_type="ec-p256", scopes=("rest_webservices", "restlets"))


@pytest.fixture
def emu():
    with NetSuiteEmulator() as server:
        yield server


@pytest.fixture(params=["tba", "m2m"])
def make_client(request, emu, m2m_key_account):
    """client(role=None, scopes=...) -> a client for a fresh account with that role, TBA or M2M."""
    def make(role=None, scopes=("rest_webservices", "restlets")):
        if request.param == "tba":
            account = fake_account(role=role)
            emu.add_account(account)
            return Tba(emu, account)
        account = dataclasses.replace(m2m_key_account, account_id=next_account_id(), role=role,
                                      scopes=tuple(scopes), integration_scopes=tuple(scopes))
        emu.add_account(account.emulator_account())
        return Bearer(emu, account)
    return make


# --- the role's configuration -----------------------------------------------------------------------

@pytest.mark.parametrize("role, message", [
    ({"record": {}}, "unknown role fields: record"),
    ({"records": {"customer": "write"}}, "levels must be one of"),
    ({"records": {"opportunity": "view"}}, "role.records must map record types"),
    ({"rest_web_services": "yes"}, "role.rest_web_services must be true or false"),
    ({"id": "1001"}, "role.id must be an integer"),
    ({"restlets": [{"script": 1}]}, "role.restlets[].deploy must be an integer"),
    ({"restlets": [{"script": 1, "deploy": 1, "status": "Released"}]}, "status must be one of"),
    ({"restlets": [{"script": 1, "deploy": 1, "audience": "1001"}]}, 'audience must be "all" or a list'),
    ({"restlets": [{"script": 1, "deploy": 1, "owner": True}]}, "role.restlets items must be objects"),
])
def test_a_bad_role_is_refused_by_name(role, message):
    with pytest.raises(ValueError) as refused:
        normalize_account(fake_account(role=role))
    assert message in str(refused.value)


def test_unlisted_record_types_are_none_and_the_rest_defaults_to_full():
    role = normalize_account(fake_account(role={"records": {"customer": "edit"}}))["role"]
    assert role["records"]["customer"] == "edit" and role["records"]["vendor"] == "none"
    assert role["rest_web_services"] and role["suiteanalytics_workbook"]
    default = normalize_account(fake_account())["role"]
    assert set(default["records"].values()) == {"full"} and default["restlets"][0]["audience"] == "all"


# --- SuiteQL ----------------------------------------------------------------------------------------

def test_suiteql_pages_through_a_table(make_client):
    client = make_client()
    seen, offset = [], 0
    pages = []
    while True:
        response = suiteql(client, "SELECT id, companyname FROM customer ORDER BY id", limit=10, offset=offset)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        seen += [item["id"] for item in page["items"]]
        if not page["hasMore"]:
            break
        offset += 10
    assert [(p["count"], p["offset"], p["totalResults"]) for p in pages] == [(10, 0, 25), (10, 10, 25), (5, 20, 25)]
    assert seen == [str(n) for n in range(101, 126)]
    assert pages[0]["items"][0] == {"links": [], "id": "101", "companyname": "Customer 01"}
    rels = {link["rel"]: query_of(link["href"]) for link in pages[1]["links"]}
    assert rels == {"first": {"limit": "10", "offset": "0"}, "prev": {"limit": "10", "offset": "0"},
                    "next": {"limit": "10", "offset": "20"}, "last": {"limit": "10", "offset": "20"},
                    "self": {"limit": "10", "offset": "10"}}
    assert all(link["href"].startswith(client.emu.url + SUITEQL) for link in pages[1]["links"])
    assert "next" not in {link["rel"] for link in pages[2]["links"]}


def test_suiteql_where_order_and_star(make_client):
    client = make_client()
    page = suiteql(client, "select id, name from subsidiary where country = 'US' order by name desc").json()
    assert [item["name"] for item in page["items"]] == ["Parent Company", "Honeycomb Mfg."]
    assert page["totalResults"] == 2 and page["hasMore"] is False
    star = suiteql(client, "SELECT * FROM item WHERE id = 601").json()["items"]
    assert star == [{"links": [], "displayname": "Widget", "id": "601", "isinactive": "F", "itemid": "WIDGET-1"}]


def test_suiteql_default_page_is_netsuites_maximum(make_client):
    page = suiteql(make_client(), "SELECT id FROM customer").json()
    assert (page["count"], page["totalResults"], page["hasMore"]) == (25, 25, False)
    assert query_of(page["links"][-1]["href"]) == {"limit": "1000", "offset": "0"}


def test_suiteql_without_prefer_transient_is_refused(make_client):
    client = make_client()
    for headers in (None, {"Prefer": "respond-async"}):
        code, detail, extra = error_of(suiteql(client, "SELECT id FROM subsidiary", headers=headers), 400)
        assert (code, extra["o:errorHeader"]) == ("INVALID_HEADER", "Prefer") and "transient" in detail


@pytest.mark.parametrize("limit, offset, name", [
    (0, 0, "limit"), (1001, 0, "limit"), ("x", 0, "limit"), (10, -1, "offset")])
def test_suiteql_page_bounds(make_client, limit, offset, name):
    code, _detail, extra = error_of(suiteql(make_client(), "SELECT id FROM customer", limit, offset), 400)
    assert (code, extra["o:errorQueryParam"]) == ("INVALID_PARAMETER", name)


@pytest.mark.parametrize("q, detail", [
    ("SELECT id FROM opportunity", "Invalid search type: opportunity."),
    ("SELECT nope FROM customer", "Search error occurred: Unknown identifier 'nope'. "
                                  "Available identifiers are: {customer=customer}."),
    ("SELECT id FROM customer GROUP BY id", "Search error occurred: Invalid or unsupported search."),
    ("DELETE FROM customer", "Search error occurred: Invalid or unsupported search."),
])
def test_bad_suiteql_is_netsuites_invalid_search_query(make_client, q, detail):
    code, text, extra = error_of(suiteql(make_client(), q), 400)
    assert (code, text, extra["o:errorQueryParam"]) == ("INVALID_PARAMETER", SEARCH + detail, "q")


def test_suiteql_needs_suiteanalytics_workbook(make_client):
    client = make_client({"suiteanalytics_workbook": False})
    code, detail, _body = error_of(suiteql(client, "SELECT id FROM subsidiary"), 403)
    assert code == "INSUFFICIENT_PERMISSION"
    assert detail.startswith("Permission Violation: You need the 'Reports -> SuiteAnalytics Workbook' permission")


def test_suiteql_on_a_table_the_role_cannot_see(make_client):
    client = make_client({"records": {"subsidiary": "view"}})
    assert suiteql(client, "SELECT id FROM subsidiary").status_code == 200
    code, detail, _body = error_of(suiteql(client, "SELECT id FROM customer"), 400)
    assert (code, detail) == ("INVALID_PARAMETER", SEARCH + "Search error occurred: Record 'customer' was not found.")


def test_suiteql_is_a_post(make_client):
    code, _detail, _body = error_of(make_client().request("GET", SUITEQL, headers=TRANSIENT), 405)
    assert code == "METHOD_NOT_ALLOWED"


# --- REST Web Services permission -------------------------------------------------------------------

def test_a_role_without_rest_web_services_gets_user_error_everywhere_but_restlets(make_client):
    client = make_client({"rest_web_services": False})
    for response in (client.request("GET", "/services/rest/system/v1/serverTime"),
                     suiteql(client, "SELECT id FROM subsidiary"),
                     client.request("GET", RECORDS + "customer/101")):
        assert error_of(response, 400)[:2] == ("USER_ERROR", "Your current role does not have permission to "
                                                             "perform this action.")
    assert restlet(client).status_code == 200


# --- records ----------------------------------------------------------------------------------------

def test_record_list_pages_and_links(make_client):
    client = make_client()
    page = client.request("GET", RECORDS + "customer", params={"limit": 10, "offset": 20}).json()
    assert (page["count"], page["hasMore"], page["offset"], page["totalResults"]) == (5, False, 20, 25)
    assert page["items"][0] == {"links": [{"rel": "self", "href": client.emu.url + RECORDS + "customer/121"}],
                                "id": "121"}


def test_record_create_read_update_delete(make_client):
    client = make_client()
    created = client.request("POST", RECORDS + "customer", json_body={"companyname": "Acme", "id": "1"})
    assert created.status_code == 204 and created.content == b""
    location = created.headers["Location"]
    assert location.startswith(client.emu.url + RECORDS + "customer/")
    new_id = location.rsplit("/", 1)[1]
    assert new_id != "1"  # the id is NetSuite's, not the client's
    record = client.request("GET", RECORDS + "customer/" + new_id).json()
    assert (record["id"], record["companyname"]) == (new_id, "Acme")
    assert record["links"] == [{"rel": "self", "href": location}]

    updated = client.request("PATCH", RECORDS + "customer/" + new_id, json_body={"companyname": "Acme Ltd"})
    assert updated.status_code == 204
    assert client.request("GET", RECORDS + "customer/" + new_id).json()["companyname"] == "Acme Ltd"
    seen = suiteql(client, f"SELECT companyname FROM customer WHERE id = {new_id}").json()["items"]
    assert seen == [{"links": [], "companyname": "Acme Ltd"}]

    assert client.request("DELETE", RECORDS + "customer/" + new_id).status_code == 204
    code, detail, _body = error_of(client.request("GET", RECORDS + "customer/" + new_id), 404)
    assert (code, detail) == ("NONEXISTENT_ID", "The record instance does not exist. Provide a valid record "
                                                "instance ID.")


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_missing_record_is_nonexistent_id(make_client, method):
    body = {"companyname": "x"} if method == "PATCH" else None
    code, _detail, _body = error_of(make_client().request(method, RECORDS + "customer/999999", json_body=body), 404)
    assert code == "NONEXISTENT_ID"


def test_put_upserts_by_external_id(make_client):
    client = make_client()
    first = client.request("PUT", RECORDS + "vendor/eid:V-1", json_body={"companyname": "New"})
    again = client.request("PUT", RECORDS + "vendor/eid:V-1", json_body={"companyname": "Renamed"})
    assert first.status_code == again.status_code == 204
    assert first.headers["Location"] == again.headers["Location"]
    assert client.request("GET", urlsplit(first.headers["Location"]).path).json()["companyname"] == "Renamed"


@pytest.mark.parametrize("level, allowed", [
    ("none", set()), ("view", {"GET"}), ("create", {"GET", "POST"}), ("edit", {"GET", "POST", "PATCH"}),
    ("full", {"GET", "POST", "PATCH", "DELETE"}),
])
def test_each_method_needs_its_permission_level(make_client, level, allowed):
    client = make_client({"records": {"customer": level}})
    calls = {"GET": ("customer/101", None), "POST": ("customer", {"companyname": "x"}),
             "PATCH": ("customer/102", {"companyname": "y"}), "DELETE": ("customer/103", None)}
    for method, (path, body) in calls.items():
        response = client.request(method, RECORDS + path, json_body=body)
        if method in allowed:
            assert response.status_code in (200, 204), (method, response.text)
        else:
            code, detail, _body = error_of(response, 403)
            assert (code, detail) == ("INSUFFICIENT_PERMISSION", NO_CUSTOMERS if level == "none" else HIGHER_CUSTOMERS)


def test_unknown_record_type_and_wrong_method(make_client):
    client = make_client()
    assert error_of(client.request("GET", RECORDS + "opportunity"), 404)[0] == "NOT_FOUND"
    assert error_of(client.request("DELETE", RECORDS + "customer"), 405)[0] == "METHOD_NOT_ALLOWED"
    assert error_of(client.request("POST", RECORDS + "customer/101", json_body={}), 405)[0] == "METHOD_NOT_ALLOWED"
    assert error_of(client.request("POST", RECORDS + "customer", json_body=[1]), 400)[0] == "INVALID_CONTENT"


def test_each_account_has_its_own_records(emu):
    one, two = Tba(emu, fake_account()), Tba(emu, fake_account())
    emu.add_account(one.account)
    emu.add_account(two.account)
    assert one.request("DELETE", RECORDS + "customer/101").status_code == 204
    assert two.request("GET", RECORDS + "customer/101").status_code == 200
    emu.reset_log()  # restores the seed data
    assert one.request("GET", RECORDS + "customer/101").status_code == 200


def test_account_data_replaces_a_table(emu):
    account = dict(fake_account(), data={"subsidiary": [{"id": 9, "name": "Only One"}]})
    emu.add_account(account)
    page = suiteql(Tba(emu, account), "SELECT id, name FROM subsidiary").json()
    assert page["items"] == [{"links": [], "id": "9", "name": "Only One"}]


# --- RESTlets ---------------------------------------------------------------------------------------

def test_restlet_get_echoes_its_parameters(make_client):
    response = restlet(make_client(), params={"customer": "101", "note": "a b&c=d"})
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert response.json() == {"method": "GET", "script": "100", "deploy": "1",
                               "params": {"customer": "101", "note": "a b&c=d"}}


def test_restlet_post_echoes_its_body_and_takes_script_ids(make_client):
    response = restlet(make_client(), "POST", "customscript_echo", "customdeploy_echo", json_body={"a": [1, 2]})
    assert response.json() == {"method": "POST", "script": "customscript_echo", "deploy": "customdeploy_echo",
                               "params": {}, "body": {"a": [1, 2]}}


@pytest.mark.parametrize("deployment, cause", [
    (None, "no such script deployment"),
    ({"status": "testing"}, "deployment status testing: runs only for the script owner"),
    ({"status": "not_scheduled"}, "deployment status not_scheduled: runs only for the script owner"),
    ({"deployed": False}, "deployment not deployed"),
    ({"audience": [1002, 1003]}, "role 1001 not in the deployment audience"),
], ids=["unknown", "testing", "not-scheduled", "not-deployed", "audience"])
def test_a_restlet_that_does_not_run_for_the_role(make_client, emu, deployment, cause):
    restlets = [dict({"script": 200, "deploy": 2}, **deployment)] if deployment else []
    client = make_client({"id": 1001, "restlets": restlets})
    response = restlet(client, script=200, deploy=2)
    assert response.status_code == 400 and response.headers["Content-Type"] == "application/json"
    assert response.json() == INVALID_SCRIPTLET
    assert [entry["detail"] for entry in emu.audit_trail()] == [cause]


def test_a_restlet_whose_audience_has_the_role_runs(make_client):
    client = make_client({"id": 1001, "restlets": [{"script": 200, "deploy": 2, "audience": [1001]}]})
    assert restlet(client, script=200, deploy=2).status_code == 200


def test_restlet_signature_covers_the_query_parameters(emu):
    """Signed by oauthlib and by the collection's own signer; a query parameter changed after
    signing is a failed login, answered in the RESTlet shape."""
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import build_credentials
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_signer import authorization_header
    account = fake_account()
    emu.add_account(account)
    params = {"script": "100", "deploy": "1", "q": "needs encoding: ~!*'()"}
    assert Tba(emu, account).request("GET", RESTLET, params=params).status_code == 200

    credentials = build_credentials({k: v for k, v in account.items() if k != "scenario"})[0]
    url = emu.url + RESTLET
    header = authorization_header(credentials, "GET", url, params)
    assert requests.get(url, params=params, headers={"Authorization": header}, timeout=5).status_code == 200
    tampered = dict(params, q="something else")
    header = authorization_header(credentials, "GET", url, params)
    refused = requests.get(url, params=tampered, headers={"Authorization": header}, timeout=5)
    assert refused.status_code == 401 and refused.json() == INVALID_LOGIN_ATTEMPT
    assert [entry["detail"] for entry in emu.audit_trail()] == ["InvalidSignature"]


def test_restlet_login_failures_use_the_restlet_shape(emu):
    account = fake_account()
    emu.add_account(account)
    refused = Tba(emu, account).request("GET", RESTLET, params={"script": 100, "deploy": 1}, token_secret="0" * 64)
    assert refused.status_code == 401 and refused.json() == INVALID_LOGIN_ATTEMPT
    bad = requests.get(emu.url + RESTLET, params={"script": 100, "deploy": 1}, headers={"Authorization": "Bearer x"},
                       timeout=5)
    assert bad.status_code == 401 and bad.json() == INVALID_LOGIN_ATTEMPT


def test_an_m2m_token_needs_the_restlets_scope(emu, m2m_key_account):
    account = dataclasses.replace(m2m_key_account, account_id=next_account_id(), scopes=("rest_webservices",),
                                  integration_scopes=("rest_webservices",))
    emu.add_account(account.emulator_account())
    client = Bearer(emu, account)
    assert suiteql(client, "SELECT id FROM subsidiary").status_code == 200
    refused = restlet(client)
    assert refused.status_code == 401 and refused.json() == INVALID_LOGIN_ATTEMPT
    assert [entry["detail"] for entry in emu.audit_trail()] == ["access token scope lacks restlets"]


# --- observability: kinds, in flight, hold, faults ---------------------------------------------------

def test_requests_are_counted_by_kind(emu, m2m_key_account):
    account = dataclasses.replace(m2m_key_account, account_id=next_account_id())
    emu.add_account(account.emulator_account())
    client = Bearer(emu, account)
    client.request("GET", "/services/rest/system/v1/serverTime")
    suiteql(client, "SELECT id FROM subsidiary")
    suiteql(client, "SELECT id FROM subsidiary")
    client.request("GET", RECORDS + "customer/101")
    restlet(client)
    stats = requests.get(emu.url + "/__emulator/stats", params={"realm": account.account_id}, timeout=5).json()
    assert stats[account.account_id]["requests"] == {"token": 1, "server_time": 1, "metadata": 0, "suiteql": 2,
                                                     "record": 1, "restlet": 1, "other": 0}
    assert stats[account.account_id]["total"] == 6 and stats[account.account_id]["in_flight"] == 0
    assert list(stats) == [account.account_id]


def _wait_for(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_most_requests_in_flight_per_account_while_held(emu):
    """Three requests held at once on one account, one on another: the hold blocks neither the
    other requests nor the control API."""
    one, two = fake_account(), fake_account()
    emu.add_account(one)
    emu.add_account(two)
    emu.set_hold(30)
    calls = [(one, i) for i in range(3)] + [(two, 0)]
    results = []
    threads = [threading.Thread(target=lambda a=a: results.append(Tba(emu, a).request(
        "GET", "/services/rest/system/v1/serverTime", timeout=60).status_code)) for a, _call in calls]
    for thread in threads:
        thread.start()
    try:
        _wait_for(lambda: emu.stats(one["account_id"])[one["account_id"]]["in_flight"] == 3
                  and emu.stats(two["account_id"])[two["account_id"]]["in_flight"] == 1)
        held = requests.get(emu.url + "/__emulator/stats", timeout=5).json()  # the control API is not held
        assert held[one["account_id"]]["max_in_flight"] == 3 and held[two["account_id"]]["max_in_flight"] == 1
    finally:
        emu.set_hold(0)
    # The held answers still arrive; the ones sent after the hold was lifted are not held.
    for thread in threads:
        thread.join(60)
    assert results == [200] * 4
    assert emu.stats()[one["account_id"]] == {"requests": dict.fromkeys(
        ("token", "server_time", "metadata", "suiteql", "record", "restlet", "other"), 0) | {"server_time": 3},
        "total": 3, "max_in_flight": 3, "in_flight": 0}


def test_sequential_requests_are_never_two_in_flight(emu):
    account = fake_account()
    emu.add_account(account)
    client = Tba(emu, account)
    for _round in range(5):
        assert client.request("GET", "/services/rest/system/v1/serverTime").status_code == 200
    assert emu.stats(account["account_id"])[account["account_id"]]["max_in_flight"] == 1


def test_hold_applies_to_every_netsuite_answer_and_is_set_over_http(emu):
    account = fake_account()
    emu.add_account(account)
    assert requests.post(emu.url + "/__emulator/settings", json={"hold_seconds": 2}, timeout=5).json() == {
        "hold_seconds": 2.0}
    with pytest.raises(requests.exceptions.ReadTimeout):
        Tba(emu, account).request("GET", "/services/rest/system/v1/serverTime", timeout=0.2)
    with pytest.raises(requests.exceptions.ReadTimeout):  # failed logins are held too
        Tba(emu, account).request("GET", RESTLET, params={"script": 1}, timeout=0.2, token_secret="0" * 64)
    bad = requests.post(emu.url + "/__emulator/settings", json={"hold_seconds": -1}, timeout=5)
    assert bad.status_code == 400 and "hold_seconds" in bad.json()["error"]
    requests.post(emu.url + "/__emulator/settings", json={"hold_seconds": 0}, timeout=5)
    assert requests.get(emu.url + "/__emulator/settings", timeout=5).json() == {"hold_seconds": 0.0}


def test_a_scripted_fault_answers_the_next_matching_request_only(emu):
    account = fake_account()
    emu.add_account(account)
    client = Tba(emu, account)
    added = requests.post(emu.url + "/__emulator/faults", params={"realm": account["account_id"]},
                          json={"status": 503, "method": "POST", "path": RECORDS + "customer"}, timeout=5)
    assert added.status_code == 200
    assert client.request("GET", RECORDS + "customer").status_code == 200  # another method: not this fault
    failed = client.request("POST", RECORDS + "customer", json_body={"companyname": "once"})
    assert error_of(failed, 503)[0] == "UNEXPECTED_ERROR"
    assert client.request("POST", RECORDS + "customer", json_body={"companyname": "once"}).status_code == 204
    assert suiteql(client, "SELECT id FROM customer WHERE companyname = 'once'").json()["totalResults"] == 1
    posts = [r["status"] for r in emu.requests(account["account_id"]) if r["method"] == "POST"]
    assert posts == [503, 204, 200]


def test_faults_by_prefix_times_and_429_with_retry_after(emu):
    account = fake_account()
    emu.add_account(account)
    client = Tba(emu, account)
    emu.add_fault(429, path="/services/rest/*", times=2, retry_after="3")
    for _round in range(2):
        response = suiteql(client, "SELECT id FROM subsidiary")
        assert error_of(response, 429)[0] == "CONCURRENCY_LIMIT_EXCEEDED" and response.headers["Retry-After"] == "3"
    assert suiteql(client, "SELECT id FROM subsidiary").status_code == 200
    emu.add_fault(502, times=-1)
    busy = restlet(client)
    assert busy.status_code == 502 and busy.json()["error"]["code"] == "UNEXPECTED_ERROR"
    assert requests.delete(emu.url + "/__emulator/faults", timeout=5).json() == {"faults": 0}
    assert restlet(client).status_code == 200


def test_a_fault_for_another_account_leaves_this_one_alone(emu):
    mine, other = fake_account(), fake_account()
    emu.add_account(mine)
    emu.add_account(other)
    emu.add_fault(503, account_id=other["account_id"])
    assert Tba(emu, mine).request("GET", "/services/rest/system/v1/serverTime").status_code == 200
    assert Tba(emu, other).request("GET", "/services/rest/system/v1/serverTime").status_code == 503


@pytest.mark.parametrize("fault", [{"status": 404}, {"status": 503, "times": 0}, {"status": 503, "colour": "red"},
                                   []])
def test_a_bad_fault_is_refused(emu, fault):
    refused = requests.post(emu.url + "/__emulator/faults", json=fault, timeout=5)
    assert refused.status_code == 400 and refused.json()["error"]


def test_restlet_busy_answers_in_the_restlet_shape(emu):
    account = fake_account(busy_times=1)
    emu.add_account(account)
    busy = restlet(Tba(emu, account))
    assert busy.status_code == 429 and busy.headers["Retry-After"] == "1"
    assert busy.json()["error"]["code"] == "SSS_REQUEST_LIMIT_EXCEEDED"


def test_cli_takes_a_hold(tmp_path):
    """--hold-ms reaches the emulator (read back over the control API)."""
    from emulator import netsuite_tba_emulator
    accounts = tmp_path / "accounts.json"
    accounts.write_text(json.dumps([fake_account()]))
    url_file = tmp_path / "url"
    process = subprocess.Popen([sys.executable, netsuite_tba_emulator.__file__, "--accounts", str(accounts),
                                "--url-file", str(url_file), "--hold-ms", "250"], stdout=subprocess.DEVNULL)
    try:
        _wait_for(url_file.exists)
        url = url_file.read_text().strip()
        assert requests.get(url + "/__emulator/settings", timeout=5).json() == {"hold_seconds": 0.25}
    finally:
        process.terminate()
        process.wait(10)


def test_a_fault_on_the_token_endpoint(emu, m2m_key_account):
    account = dataclasses.replace(m2m_key_account, account_id=next_account_id())
    emu.add_account(account.emulator_account())
    emu.add_fault(503, method="POST", path=TOKEN_PATH)
    failed = requests.post(emu.url + TOKEN_PATH, data=token_request_form(account.assertion(emu.url)), timeout=5)
    assert error_of(failed, 503)[0] == "UNEXPECTED_ERROR"
    Bearer(emu, account)  # the next token request succeeds
    assert emu.stats(account.account_id)[account.account_id]["requests"]["token"] == 2
