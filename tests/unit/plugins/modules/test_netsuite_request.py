# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""netsuite_request end to end, in-process, on both paths (the module's main() and the controller's
run_in_controller): bad options refused by name before Vault or NetSuite hear anything; every
method on a record, SuiteQL pages, a RESTlet, check mode and a POST meeting a 503, counted at the
emulator; an echoing server shows no secret. Against a real OpenBao and the NetSuite emulator."""
import itertools
import json

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._request_tasks import NETSUITE_REQUEST
from ansible_collections.netsuite_ops.credentials.plugins.modules import netsuite_request
from ansible_collections.netsuite_ops.credentials.plugins.plugin_utils._controller_module import run_in_controller
from support.accounts import SECRET_FIELDS, fake_account, stored_values
from support.hostile import EchoingNetSuite
from support.http_stub import StubServer

_paths = itertools.count(1)
PATHS = ("module", "controller")


@pytest.fixture
def server():
    """Stands in for Vault and NetSuite at once: any request it gets is a defect of the test."""
    with StubServer(lambda handler: (500, {}, "")) as stub:
        yield stub


@pytest.fixture
def account(openbao, emulator):
    values = fake_account()
    emulator.add_account(values)
    path = "request/%d/tba" % next(_paths)
    openbao.kv2_write_raw("secret", path, stored_values(values))
    return dict(values, path=path)


@pytest.fixture
def run(run_module):
    def run_on(execution, args, check_mode=False, diff=False):
        if execution == "controller":
            result = run_in_controller(NETSUITE_REQUEST, dict(args), check_mode=check_mode, diff=diff,
                                       inject_invocation=True)
            return result, json.dumps(result)
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        return run_module(netsuite_request.main, args)
    return run_on


def options(account, openbao, emulator, **extra):
    return dict(path=account["path"], netsuite_url=emulator.url,
                vault={"url": openbao.url, "token": openbao.root_token}, **extra)


def assert_no_secret(printed, account, openbao):
    for value in [account[name] for name in SECRET_FIELDS] + [openbao.root_token]:
        assert value not in printed


# ---------------------------------------------------------------------------------------------
# Bad options: named, with the rule, before anything is asked of Vault or NetSuite
# ---------------------------------------------------------------------------------------------

OFFLINE_CASES = [
    (dict(url="/services/rest/record/v1/customer", method="FETCH"), "method: must be one of"),
    (dict(url="/services/rest/record/v1/customer", suiteql="SELECT id FROM customer"),
     "url, suiteql, restlet: exactly one is required (got url and suiteql)"),
    (dict(), "url, suiteql, restlet: exactly one is required (got none)"),
    (dict(url="/services/rest/record/v1/customer", body={"a": 1}), "body: a GET sends no body"),
    (dict(url="/services/rest/record/v1/customer/1", method="DELETE", body={"a": 1}), "body: a DELETE sends no body"),
    (dict(url="/services/rest/record/v1/customer", max_rows=5), "max_rows: used only with suiteql"),
    (dict(suiteql="SELECT id FROM customer", method="GET"), "method: SuiteQL is always sent as POST"),
    (dict(suiteql="SELECT id FROM customer", max_rows=0), "max_rows: must be an integer from 1 to"),
    (dict(url="/services/rest/../../app/x"), "url: must not contain dot segments"),
    (dict(url="/app/center/card.nl"), "url: must be a path under /services/rest/"),
    (dict(restlet={"script": 100}), "restlet.deploy: is required"),
    (dict(restlet={"script": 100, "deploy": 1}, method="PATCH"), "method: a RESTlet takes"),
    (dict(url="/services/rest/record/v1/customer", params={"q": {"nested": 1}}), "params.q: must be text"),
    (dict(url="/services/rest/record/v1/customer", version=0), "version: must be at least 1"),
]


@pytest.mark.parametrize("execution", PATHS)
@pytest.mark.parametrize("extra, problem", OFFLINE_CASES)
def test_bad_options_are_refused_by_name_before_any_request(execution, extra, problem, server, run):
    args = dict(path="netsuite/x", netsuite_url=server.url, vault={"url": server.url, "token": "s." + "x" * 24},
                **extra)
    result, _printed = run(execution, args)
    assert result["failed"] is True and result["changed"] is False, result
    assert result["failure_code"] == "input:invalid"
    assert problem in result["msg"], result["msg"]
    assert server.requests == 0


@pytest.mark.parametrize("execution", PATHS)
def test_a_url_on_another_host_is_refused_after_the_read_before_netsuite(execution, account, openbao, emulator, run):
    for url in ("https://evil.example/services/rest/record/v1/customer",
                "http://127.0.0.2:1/services/rest/record/v1/customer",
                emulator.url + "@evil.example/services/rest/record/v1/customer"):
        result, printed = run(execution, options(account, openbao, emulator, url=url))
        assert result["failed"] is True and result["failure_code"] == "input:invalid", result
        assert "url: must be a path such as /services/rest/" in result["msg"]
        assert "evil.example" not in result["msg"]
        assert_no_secret(printed, account, openbao)
    assert emulator.requests(account["account_id"]) == []


# ---------------------------------------------------------------------------------------------
# Requests, counted at the emulator
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("execution", PATHS)
def test_every_method_on_a_record(execution, account, openbao, emulator, run):
    realm = account["account_id"]
    record = "/services/rest/record/v1/customer"
    created, printed = run(execution, options(account, openbao, emulator, method="post", url=record,
                                              body={"companyname": "Request Co"}))
    assert created["changed"] is True and not created.get("failed"), created
    assert created["status"] == 204 and created["json"] is None
    assert created["location"] == emulator.url + record + "/" + created["record_id"]
    new = record + "/" + created["record_id"]

    read, _printed = run(execution, options(account, openbao, emulator, url=new))
    assert read["changed"] is False and read["status"] == 200
    assert read["json"]["companyname"] == "Request Co" and read["attempts"] == 1

    patched, _printed = run(execution, options(account, openbao, emulator, method="PATCH", url=new, body={"comments": "x"}))
    assert patched["changed"] is True and patched["status"] == 204
    upserted, _printed = run(execution, options(account, openbao, emulator, method="PUT", url=record + "/eid:req-1",
                                                body={"companyname": "Upserted"}))
    assert upserted["changed"] is True and upserted["record_id"].isdigit(), upserted
    deleted, _printed = run(execution, options(account, openbao, emulator, method="DELETE", url=new))
    assert deleted["changed"] is True and deleted["status"] == 204

    gone, printed = run(execution, options(account, openbao, emulator, url=new))
    assert gone["failed"] is True and gone["failure_code"] == "netsuite:NONEXISTENT_ID", gone
    assert "record ID" in gone["hint"] and gone["status"] == 404
    methods = [entry["method"] for entry in emulator.requests(realm)]
    assert methods == ["POST", "GET", "PATCH", "PUT", "DELETE", "GET"]
    assert_no_secret(printed + json.dumps([created, read, patched, deleted]), account, openbao)


@pytest.mark.parametrize("execution", PATHS)
def test_suiteql_pages_until_max_rows(execution, account, openbao, emulator, run):
    realm = account["account_id"]
    result, _printed = run(execution, options(account, openbao, emulator, suiteql="SELECT id FROM customer ORDER BY id",
                                              max_rows=12))
    assert not result.get("failed") and result["changed"] is False, result
    assert [row["id"] for row in result["rows"]] == [str(n) for n in range(101, 113)]
    assert result["pages"] == 1 and result["truncated"] is True and result["total_results"] == 25
    emulator.reset_log()
    result, _printed = run(execution, options(account, openbao, emulator, suiteql="SELECT id FROM customer",
                                              max_rows=12, params=None))
    assert len(result["rows"]) == 12
    everything, _printed = run(execution, options(account, openbao, emulator, suiteql="SELECT id FROM customer"))
    assert len(everything["rows"]) == 25 and everything["truncated"] is False and everything["pages"] == 1
    queries = [entry["query"] for entry in emulator.requests(realm)]
    assert queries == ["limit=12&offset=0", "limit=1000&offset=0"], queries


def test_small_pages_are_counted_at_the_emulator(account, openbao, emulator, run):
    realm = account["account_id"]
    result, _printed = run("controller", options(account, openbao, emulator, suiteql="SELECT id FROM customer", max_rows=10))
    assert result["pages"] == 1
    emulator.reset_log()
    # max_rows 24 pages by 24: one page; the table has 25 rows, so more were left.
    result, _printed = run("controller", options(account, openbao, emulator, suiteql="SELECT id FROM customer", max_rows=24))
    assert result["pages"] == 1 and result["truncated"] is True
    assert len(emulator.requests(realm)) == 1


@pytest.mark.parametrize("execution", PATHS)
def test_a_restlet(execution, account, openbao, emulator, run):
    result, _printed = run(execution, options(account, openbao, emulator, method="POST", body={"since": "2026"},
                                              restlet={"script": 100, "deploy": 1, "params": {"mode": "full"}}))
    assert not result.get("failed") and result["changed"] is True, result
    assert result["json"]["body"] == {"since": "2026"} and result["json"]["params"] == {"mode": "full"}


@pytest.mark.parametrize("execution", PATHS)
def test_check_mode_sends_only_reads(execution, account, openbao, emulator, run):
    realm = account["account_id"]
    record = "/services/rest/record/v1/customer"
    for method in ("POST", "PATCH", "PUT", "DELETE"):
        url = record + ("/eid:x" if method == "PUT" else "/101" if method != "POST" else "")
        body = None if method == "DELETE" else {"companyname": "Never"}
        result, printed = run(execution, options(account, openbao, emulator, method=method, url=url, body=body),
                              check_mode=True, diff=True)
        assert result["changed"] is True and result["sent"] is False, result
        assert result["diff"]["after"].startswith("%s %s%s" % (method, emulator.url, url))
        assert "Never" not in json.dumps(result["diff"])
    assert emulator.requests(realm) == []
    read, _printed = run(execution, options(account, openbao, emulator, url=record + "/101"), check_mode=True)
    query, _printed = run(execution, options(account, openbao, emulator, suiteql="SELECT id FROM customer"), check_mode=True)
    assert read["changed"] is False and read["sent"] is True and query["changed"] is False
    assert [entry["method"] for entry in emulator.requests(realm)] == ["GET", "POST"]


@pytest.mark.parametrize("execution", PATHS)
def test_a_post_meeting_a_503_is_not_retried(execution, account, openbao, emulator, run):
    realm = account["account_id"]
    record = "/services/rest/record/v1/customer"
    emulator.add_fault(503, method="POST", path=record, times=1, account_id=realm)
    result, _printed = run(execution, options(account, openbao, emulator, method="POST", url=record, body={"companyname": "A"}))
    assert result["failed"] is True and result["failure_code"] == "netsuite:UNEXPECTED_ERROR", result
    assert result["attempts"] == 1 and result["changed"] is False
    assert len(emulator.requests(realm)) == 1
    emulator.clear_faults()


def test_a_get_meeting_a_503_is_retried(account, openbao, emulator, run):
    realm = account["account_id"]
    emulator.add_fault(503, method="GET", path="/services/rest/record/v1/customer/101", times=1, account_id=realm)
    result, _printed = run("controller", options(account, openbao, emulator, url="/services/rest/record/v1/customer/101"))
    assert result["status"] == 200 and result["attempts"] == 2, result
    emulator.clear_faults()


def test_a_denied_record_names_the_permission(openbao, emulator, run):
    values = fake_account(role={"records": {"subsidiary": "view"}})
    emulator.add_account(values)
    path = "request/%d/tba" % next(_paths)
    openbao.kv2_write_raw("secret", path, stored_values(values))
    account = dict(values, path=path)
    result, _printed = run("controller", options(account, openbao, emulator, url="/services/rest/record/v1/customer/101"))
    assert result["failure_code"] == "netsuite:INSUFFICIENT_PERMISSION", result
    assert "Lists -> Customers at View" in result["hint"]


def test_nothing_stored_fails_without_netsuite(openbao, emulator, run):
    args = dict(path="request/none/tba", netsuite_url=emulator.url, url="/services/rest/record/v1/customer",
                vault={"url": openbao.url, "token": openbao.root_token})
    result, _printed = run("controller", args)
    assert result["failure_code"] == "stored:missing" and "attempts" not in result, result


# ---------------------------------------------------------------------------------------------
# A server that echoes the credentials
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("execution", PATHS)
def test_an_echoing_server_shows_no_secret(execution, account, openbao, run):
    with EchoingNetSuite() as echo:
        ok, printed_ok = run(execution, dict(path=account["path"], netsuite_url=echo.url,
                                             url="/services/rest/record/v1/customer/1",
                                             vault={"url": openbao.url, "token": openbao.root_token}))
        posted, printed_post = run(execution, dict(path=account["path"], netsuite_url=echo.url, method="POST",
                                                   url="/services/rest/record/v1/customer", body={"a": 1},
                                                   vault={"url": openbao.url, "token": openbao.root_token}))
        error, printed_error = run(execution, dict(path=account["path"], netsuite_url=echo.url,
                                                   url="/services/rest/record/v1/echo-error",
                                                   vault={"url": openbao.url, "token": openbao.root_token}))
    assert ok["status"] == 200 and ok["json"].startswith("(withheld") and ok["withheld"] is True, ok
    assert "withheld whole" in str(ok["warnings"]), ok
    assert error["failed"] is True and error["failure_code"] == "netsuite:INVALID_REQUEST", error
    assert posted["status"] == 200 and "location" not in posted and "record_id" not in posted, posted
    printed = printed_ok + printed_post + printed_error
    assert "oauth_" not in printed
    assert_no_secret(printed, account, openbao)


# ---------------------------------------------------------------------------------------------
# M2M: one access token for every page
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def m2m_key():
    from support.m2m_accounts import make_m2m_account
    return make_m2m_account(key_type="ec-p256", scopes=("rest_webservices", "restlets"))


@pytest.fixture
def m2m_account(m2m_key, openbao, emulator):
    """An M2M account with 2500 customers, so SuiteQL has pages of 1000."""
    entry = m2m_key.emulator_account()
    entry["data"] = {"customer": [{"id": 5000 + n, "companyname": "C%d" % n} for n in range(2500)]}
    emulator.add_account(entry)
    path = "request/%d/m2m" % next(_paths)
    openbao.kv2_write_raw("secret", path, m2m_key.module_values())
    metadata = {"auth_type": "m2m", "scope": "rest_webservices,restlets"}
    openbao.kv2_write_metadata_raw("secret", path, custom_metadata=metadata)
    return dict(account_id=m2m_key.account_id, path=path)


@pytest.mark.parametrize("execution", PATHS)
def test_m2m_pages_share_one_token(execution, m2m_key, m2m_account, openbao, emulator, run):
    emulator.reset_log()
    realm = m2m_account["account_id"]
    result, printed = run(execution, options(m2m_account, openbao, emulator, suiteql="SELECT id FROM customer",
                                             max_rows=2100))
    assert not result.get("failed") and result["auth_type"] == "m2m", result
    assert len(result["rows"]) == 2100 and result["pages"] == 3 and result["truncated"] is True
    assert result["total_results"] == 2500 and result["attempts"] == 4
    log = emulator.requests(realm)
    assert [entry["path"].rsplit("/", 1)[-1] for entry in log] == ["token", "suiteql", "suiteql", "suiteql"]
    assert [entry["query"] for entry in log[1:]] == ["limit=1000&offset=%d" % n for n in (0, 1000, 2000)]
    restlet, printed_restlet = run(execution, options(m2m_account, openbao, emulator,
                                                      restlet={"script": 100, "deploy": 1}))
    assert restlet["status"] == 200 and restlet["json"]["method"] == "GET", restlet
    for value in m2m_key.secret_values() + [openbao.root_token]:
        assert value not in printed + printed_restlet


@pytest.mark.parametrize("execution", PATHS)
def test_m2m_echoed_access_token_is_withheld(execution, m2m_key, m2m_account, openbao, run):
    with EchoingNetSuite() as echo:
        result, printed = run(execution, options(m2m_account, openbao, echo, url="/services/rest/record/v1/customer/1"))
    assert result["status"] == 200 and result["json"].startswith("(withheld"), result
    assert "Bearer" not in printed and result["attempts"] == 2


def test_an_echoed_suiteql_page_leaves_no_rows(account, openbao, run):
    with EchoingNetSuite() as echo:
        result, printed = run("controller", options(account, openbao, echo, suiteql="SELECT id FROM customer"))
    assert result["rows"] == [] and result["withheld"] is True and result["pages"] == 1, result
    assert "oauth_" not in printed


@pytest.mark.parametrize("execution", PATHS)
def test_a_write_whose_answer_is_lost_is_a_change_that_is_never_retried(execution, account, openbao, emulator, run):
    """NetSuite holds the answer past netsuite_timeout: the record may exist, so the task says
    changed and tells to check before sending again."""
    realm = account["account_id"]
    record = "/services/rest/record/v1/customer"
    emulator.set_hold(2)
    try:
        result, _printed = run(execution, options(account, openbao, emulator, method="POST", url=record,
                                                  body={"companyname": "Late"}, netsuite_timeout=1))
    finally:
        emulator.set_hold(0)
    assert result["failed"] is True and result["failure_code"] == "netsuite:TIMEOUT", result
    assert result["changed"] is True and result["attempts"] == 1
    assert "may have applied the POST" in result["hint"]
    assert [entry["method"] for entry in emulator.requests(realm)] == ["POST"]
