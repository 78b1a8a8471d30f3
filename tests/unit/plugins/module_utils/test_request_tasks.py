# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""netsuite_request's own units, offline: the checks before Vault, the created record's Location,
the --diff of a write and the hint of a failed record request."""
import base64
import json

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_http import Attempt
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import (
    AccountHosts,
    RequestInputError,
    Request,
    RestPath,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._request_tasks import (
    check_offline,
    created_record,
    request_diff,
    request_failure,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber

HOSTS = AccountHosts("https://1234567.suitetalk.api.netsuite.com", "https://1234567.restlets.api.netsuite.com")
SECRET = "a" * 20 + "0123456789abcdef" * 3


def values(**given):
    base = dict.fromkeys(("method", "url", "suiteql", "restlet", "body", "params", "max_rows"))
    base.update(given)
    return base


def test_an_absolute_url_waits_for_the_account_but_its_other_rules_do_not():
    check_offline(values(url="https://evil.example/services/rest/record/v1/customer"))  # host: later
    with pytest.raises(RequestInputError) as raised:
        check_offline(values(url="https://evil.example/services/rest/record/v1/customer", body={"a": 1}))
    assert raised.value.problems == ("body: a GET sends no body",)


@pytest.mark.parametrize("given, problem", [
    (dict(url="/services/rest/record/v1/customer", restlet={"script": 1, "deploy": 1}),
     "url, suiteql, restlet: exactly one is required (got url and restlet)"),
    (dict(url="/services/rest/record/v1/customer", method="TRACE"), "method: must be one of GET, POST, PUT, PATCH, DELETE"),
    (dict(suiteql="SELECT 1", params={"limit": 5}), "params: not used with suiteql"),
    (dict(url="/services/rest/record/v1/customer", body=float("nan"), method="POST"), "body: must be JSON"),
])
def test_bad_options_name_the_field_and_the_rule(given, problem):
    with pytest.raises(RequestInputError) as raised:
        check_offline(values(**given))
    assert any(line.startswith(problem) for line in raised.value.problems), raised.value.problems


def test_a_location_on_the_account_gives_the_record_id():
    location = HOSTS.rest_base + "/services/rest/record/v1/customer/10001"
    assert created_record(location, HOSTS, Scrubber()) == {"location": location, "record_id": "10001"}


@pytest.mark.parametrize("location", [
    "https://evil.example/services/rest/record/v1/customer/10001",
    HOSTS.rest_base + ".evil.example/services/rest/record/v1/customer/10001",
    HOSTS.restlet_base + "/services/rest/record/v1/customer/10001",
    HOSTS.rest_base + "/services/rest/record/v1/customer/10001?next=elsewhere",
    HOSTS.rest_base + "/services/rest/record/v1/customer/" + SECRET,
    None,
])
def test_any_other_location_is_not_shown(location):
    assert created_record(location, HOSTS, Scrubber([SECRET])) == {}


def test_a_diff_shows_method_url_and_body_keys_only():
    request = Request("record", "PATCH", HOSTS.rest_base + "/services/rest/record/v1/customer/7")
    diff = request_diff(request, {"comments": "private words", "email": "x@example.com"})
    assert diff["after"] == "PATCH %s/services/rest/record/v1/customer/7\nbody keys: comments, email\n" % HOSTS.rest_base
    assert "private" not in str(diff)
    assert "a list of 2 item(s)" in request_diff(request, [1, 2])["after"]


class _Answer:
    status_code = 403


def test_a_denied_record_url_is_hinted_as_that_record_at_the_method_level():
    target = RestPath("/services/rest/record/v1/salesorder/5")
    request = Request("path", "DELETE", HOSTS.rest_base + target.path)
    failure = request_failure(request, target, Attempt(response=_Answer()),
                              (403, "INSUFFICIENT_PERMISSION", "Permission Violation"))
    assert failure.code == "netsuite:INSUFFICIENT_PERMISSION"
    assert "Transactions -> Sales Order at Full" in failure.hint
    assert failure.reason.startswith("NetSuite refused the request (INSUFFICIENT_PERMISSION)")


@pytest.mark.parametrize("location", [
    "{rest}/services/rest/record/v1/customer/{echo}",
    "{rest}/services/rest/record/v1/customer/12/{echo}",
    "{rest}/services/rest/record/v1/customer/eid:{echo}",
], ids=["echo as the ID", "echo after the ID", "echo as an external ID"])
def test_a_location_that_is_not_a_record_and_an_internal_id_is_not_shown(location):
    hosts = AccountHosts("https://1234567.suitetalk.api.netsuite.com", "https://1234567.restlets.api.netsuite.com")
    echo = base64.b64encode(base64.b64encode(b"consumer-key-0123456789abcdef")).decode()
    assert created_record(location.format(rest=hosts.rest_base, echo=echo), hosts, Scrubber([])) == {}
    assert created_record(hosts.rest_base + "/services/rest/record/v1/customer/4711", hosts, Scrubber([])) == {
        "location": hosts.rest_base + "/services/rest/record/v1/customer/4711", "record_id": "4711"}


class _TextAnswer:
    def __init__(self, text):
        self.text = text


def test_a_secret_split_across_keys_is_withheld_and_ordinary_data_is_not():
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _request_tasks  # pylint: disable=import-outside-toplevel
    scrubber = Scrubber([SECRET])
    pieces = {"k%d" % start: SECRET[start:start + 15] for start in range(0, len(SECRET), 15)}
    with pytest.raises(_request_tasks._Withheld):  # pylint: disable=protected-access
        _request_tasks._answer_json(_TextAnswer(json.dumps(pieces)), scrubber)  # pylint: disable=protected-access
    data = {"items": [{"id": "1", "companyname": "Acme"}], "hasMore": False}
    assert _request_tasks._answer_json(_TextAnswer(json.dumps(data)), scrubber) == data  # pylint: disable=protected-access


@pytest.mark.parametrize("body", ["plain text from a RESTlet", '{"v": NaN}', '{"v": 1e99999}', "[" * 100000])
def test_a_body_that_is_not_json_is_said_so(body):
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _request_tasks  # pylint: disable=import-outside-toplevel
    with pytest.raises(_request_tasks._NotJson):  # pylint: disable=protected-access
        _request_tasks._answer_json(_TextAnswer(body), Scrubber([SECRET]))  # pylint: disable=protected-access
