# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The stored check's limits, defined once: the module and the fleet refuse the same values with
the same words."""
import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._check_tasks import CREDENTIAL_CHECK
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_check import (
    AccountSettings,
    FleetChecker,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_check import (
    STORED_CHECK_MINIMUMS,
    check_minimums,
)


def test_the_module_uses_the_one_definition():
    assert CREDENTIAL_CHECK.minimums is STORED_CHECK_MINIMUMS


@pytest.mark.parametrize("values, problems", [
    (dict(version=1, max_age_days=0, min_certificate_days=0, netsuite_timeout=1), []),
    (dict(version=None, max_age_days=None), []),
    (dict(version=0), ["version: must be at least 1"]),
    (dict(max_age_days=-1, min_certificate_days=-5), ["max_age_days: must be at least 0",
                                                      "min_certificate_days: must be at least 0"]),
    (dict(netsuite_timeout=0), ["netsuite_timeout: must be at least 1"]),
    (dict(netsuite_timeout=10 ** 10), ["netsuite_timeout: must be a whole number of seconds, at most 3600"]),
])
def test_check_minimums(values, problems):
    assert check_minimums(values) == problems


@pytest.mark.parametrize("field, value, problem", [
    ("version", 0, "version: must be at least 1"),
    ("max_age_days", -1, "max_age_days: must be at least 0"),
    ("netsuite_timeout", 10 ** 10, "netsuite_timeout: must be a whole number of seconds, at most 3600"),
])
def test_the_fleet_refuses_what_the_module_refuses_without_a_request(field, value, problem):
    settings = AccountSettings("h", "netsuite/1234567/tba", vault={"url": "http://127.0.0.1:9"}, **{field: value})
    row = FleetChecker().check([settings])[0]
    assert (row["ok"], row["failure_code"], row["reason"]) == (False, "input:invalid", "Invalid input: " + problem)
    assert row["error_code"] is None


@pytest.mark.parametrize("params, problems", [
    ({"netsuite_timeout": 30, "version": 1}, []),
    ({"netsuite_timeout": 0, "version": 0}, ["netsuite_timeout: must be at least 1", "version: must be at least 1"]),
    ({"netsuite_timeout": None, "version": None}, []),
])
def test_minimums_name_every_option_that_breaks_one(params, problems):
    """The one minimum check, for the modules (run_task) and the fleet alike."""
    assert sorted(check_minimums(params, {"netsuite_timeout": 1, "version": 1})) == problems


def test_a_huge_timeout_is_refused_too():
    problems = check_minimums({"netsuite_timeout": 10 ** 10}, {"netsuite_timeout": 1})
    assert len(problems) == 1 and problems[0].startswith("netsuite_timeout:")
