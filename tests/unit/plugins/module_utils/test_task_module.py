"""The Ansible-side helpers: what they register as secret for Ansible's output masking."""
from types import SimpleNamespace

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import hide


def test_hide_registers_values_as_text_and_skips_empty_ones():
    module = SimpleNamespace(no_log_values=set())
    hide(module, ["a" * 64, 1234567890123, None, "", 0])
    # Masking compares strings: a number read from a malformed stored secret must be text too.
    assert module.no_log_values == {"a" * 64, "1234567890123", "0"}


def test_list_options_are_checked_entry_by_entry():
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import option_problem
    spec = dict(type="list", elements="str", choices=["rest_webservices", "restlets"])
    assert option_problem("scope", spec, ["rest_webservices"]) is None
    assert option_problem("scope", spec, ["restlets", "rest_webservices"]) is None
    assert option_problem("scope", spec, "restlets,rest_webservices") is None
    assert option_problem("scope", spec, ["suite_analytics"]) == \
        "scope: each entry must be one of rest_webservices, restlets"
