"""The reliability newcomer part's "no warnings" check must see every warning a user would see:
it matched only "[WARNING]" and upper-case "DEPRECATION", and missed the demo's
CryptographyDeprecationWarning."""
import importlib.util
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PART = os.path.join(HERE, "..", "..", "reliability", "part_newcomer.py")


@pytest.fixture(scope="module")
def warning_line():
    spec = importlib.util.spec_from_file_location("part_newcomer", PART)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WARNING_LINE


@pytest.mark.parametrize("line", [
    "/venv/lib/python3.13/site-packages/ansible/_internal/_ssh/_ssh_agent.py:18: CryptographyDeprecationWarning: "
    "DSA is deprecated and support will be removed in a future release.",
    "[WARNING]: No inventory was parsed, only implicit localhost is available",
    "[DEPRECATION WARNING]: The 'foo' option is deprecated.",
    "/x.py:3: UserWarning: something",
    "    warning: The M2M certificate expires in 12 day(s)",
    "Warning: the default host key will change",
])
def test_a_warning_is_seen(warning_line, line):
    assert warning_line.search(line)


@pytest.mark.parametrize("line", [
    'ok: [localhost] => {"changed": false, "warnings": []}',
    "TASK [Store the sandbox credentials] ****",
    "All 2 accounts passed.",
])
def test_an_ordinary_line_is_not(warning_line, line):
    assert not warning_line.search(line)
