# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a task refuses before AnsibleModule exists: named option and rule, never the value, and
the refused option handed to the module raw and masked."""
import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._option_checks import (
    option_problem,
    precheck,
    unknown_vault_keys,
    unmask_whole_values,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import VAULT_CONNECTION_ARGSPEC

SPEC = dict(
    VAULT_CONNECTION_ARGSPEC,
    account_id=dict(type="str"),
    token_secret=dict(type="str", no_log=True),
    netsuite_url=dict(type="str"),
    netsuite_timeout=dict(type="int", default=30),
    strict_format=dict(type="bool", default=True),
    environment=dict(type="str", choices=["production", "sandbox"]),
    certificate=dict(type="str"),
)
SECRET = "Zq8" + "x" * 40


@pytest.fixture(autouse=True)
def no_vault_environment(monkeypatch):
    for name in ("VAULT_ADDR", "BAO_ADDR"):
        monkeypatch.delenv(name, raising=False)


def test_list_options_are_checked_entry_by_entry():
    spec = dict(type="list", elements="str", choices=["rest_webservices", "restlets"])
    assert option_problem("scope", spec, ["rest_webservices"]) is None
    assert option_problem("scope", spec, ["restlets", "rest_webservices"]) is None
    assert option_problem("scope", spec, "restlets,rest_webservices") is None
    assert option_problem("scope", spec, ["suite_analytics"]) == \
        "scope: each entry must be one of rest_webservices, restlets"


def test_a_list_of_dictionaries_is_refused_as_anything_else():
    spec = dict(type="list", elements="dict")
    assert option_problem("probes", spec, [{"name": "a", "record": "customer"}]) is None
    assert option_problem("probes", spec, []) is None
    # ansible-core would split the text on commas and parse key=value pairs out of each part.
    assert option_problem("probes", spec, "name=a,record=customer") == "probes: must be a list of dictionaries"
    assert option_problem("probes", spec, {"name": "a"}) == "probes: must be a list of dictionaries"
    assert option_problem("probes", spec, [{"name": "a"}, "record=customer"]) == "probes[1]: must be a dictionary"


@pytest.mark.parametrize("name, value, problem", [
    ("account_id", {"a": 1}, "account_id: must be a single text value, not a dictionary"),
    ("account_id", ["a"], "account_id: must be a single text value, not a list"),
    ("account_id", "12\x0034", "account_id: must not contain control characters"),
    ("netsuite_timeout", "ten", "netsuite_timeout: must be a whole number"),
    ("netsuite_timeout", True, "netsuite_timeout: must be a whole number"),
    ("strict_format", "perhaps", "strict_format: must be true or false"),
    ("environment", SECRET, "environment: must be one of production, sandbox"),
])
def test_one_option_problem_names_the_option_and_the_rule(name, value, problem):
    assert option_problem(name, SPEC[name], value) == problem


@pytest.mark.parametrize("name, value", [
    ("netsuite_timeout", "30"), ("netsuite_timeout", 30.0), ("strict_format", "yes"), ("environment", "sandbox"),
    ("account_id", None),
])
def test_values_ansible_core_converts_cleanly_pass(name, value):
    assert option_problem(name, SPEC[name], value) is None


def test_nothing_refused_leaves_the_spec_as_it_is():
    checked = precheck(SPEC, {"account_id": "1234567", "vault": {"url": "http://127.0.0.1:8200"}})
    assert checked.problems == [] and checked.spec == SPEC


def test_a_refused_value_is_handed_over_raw_and_masked_when_it_may_be_secret():
    checked = precheck(SPEC, {"environment": SECRET, "netsuite_timeout": "soon"})
    assert checked.problems == ["netsuite_timeout: must be a whole number",
                                "environment: must be one of production, sandbox"]
    assert checked.spec["environment"] == dict(type="raw", no_log=True)
    # "soon": short, Ansible would mask it inside our own message.
    assert checked.spec["netsuite_timeout"] == dict(type="raw", no_log=False)
    assert SECRET not in " ".join(checked.problems)


def test_vault_must_be_a_mapping():
    checked = precheck(SPEC, {"vault": ["http://127.0.0.1:8200"]})
    assert checked.problems == ["vault must be a dictionary of connection options (url, token, ...), not a list"]
    assert checked.spec["vault"] == dict(type="raw", no_log=True)


def test_vault_text_is_checked_as_the_dict_ansible_core_makes_of_it():
    checked = precheck(SPEC, {"vault": "url=http://127.0.0.1:8200 token=%s" % SECRET})
    assert checked.problems == [] and checked.params["vault"]["token"] == SECRET
    no_log = {checked.vault_text, "other"}
    unmask_whole_values(no_log, checked)
    # From here on its values that may be secret, not the whole text (option names would be hidden).
    assert no_log == {SECRET, "http://127.0.0.1:8200", "other"}


def test_an_unknown_vault_key_is_refused_with_the_closest_name_and_masked():
    checked = precheck(SPEC, {"vault": {"url": "http://127.0.0.1:8200", "tokn": SECRET}})
    assert checked.problems == ["vault.tokn: is not a Vault connection option; did you mean vault.token?"]
    assert checked.spec["vault"]["options"]["tokn"] == dict(type="raw", no_log=True)
    assert [key for key, _problem, _masked in unknown_vault_keys(SPEC["vault"], {"aaaaaaaa": 1})] == ["aaaaaaaa"]


def test_a_private_key_in_an_option_that_is_not_secret_is_refused_masked():
    checked = precheck(SPEC, {"certificate": "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n"})
    assert checked.problems == ["certificate: holds a private key; a private key goes only in private_key "
                                "(which is never shown)"]
    assert checked.spec["certificate"] == dict(type="raw", no_log=True)


def test_user_information_in_a_url_is_refused_and_later_masked_in_its_secret_part_only():
    url = "https://admin:%s@acme.example.com" % SECRET
    checked = precheck(SPEC, {"netsuite_url": url})
    assert checked.problems == ["netsuite_url: must not contain user information (user:password@)"]
    assert checked.spec["netsuite_url"] == dict(type="raw", no_log=True)
    no_log = {url}
    unmask_whole_values(no_log, checked)
    assert url not in no_log and SECRET in no_log
