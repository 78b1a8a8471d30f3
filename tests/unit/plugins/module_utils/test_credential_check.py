"""Vault timestamps and the rotation age: nanoseconds, offsets, and no rounding in the comparison."""
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import age_in_days, check_stored
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import ProbeResult
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._rfc3339 import parse_time
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_layout import stored_keys

NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-29T11:59:30.123456789Z", datetime(2026, 11, 29, 11, 59, 30, 123456, tzinfo=timezone.utc)),
    ("2026-11-29T11:59:30Z", datetime(2026, 11, 29, 11, 59, 30, tzinfo=timezone.utc)),
    ("2026-11-29T13:59:30.5+02:00", datetime(2026, 11, 29, 11, 59, 30, 500000, tzinfo=timezone.utc)),
    ("2026-11-29T06:29:30-05:30", datetime(2026, 11, 29, 11, 59, 30, tzinfo=timezone.utc)),
    ("2026-11-29T11:59:30.123z", datetime(2026, 11, 29, 11, 59, 30, 123000, tzinfo=timezone.utc)),
    ("2026-11-29T11:59:30", datetime(2026, 11, 29, 11, 59, 30, tzinfo=timezone.utc)),
])
def test_vault_and_netsuite_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", [None, "", "yesterday", "2026-11-29 11:59:30", 5, "2026-02-30T00:00:00Z",
                                  "9999-12-31T23:59:59-01:00"])
def test_unparseable_times_give_no_age(text):
    assert parse_time(text) is None and age_in_days(text, NOW) is None


def test_a_version_written_seconds_ago_is_older_than_zero_days():
    age = age_in_days("2026-11-29T11:59:30Z", NOW)
    assert 0 < age < 0.001
    assert age > 0, "max_age_days: 0 must fail any existing version"


def test_age_in_days():
    assert age_in_days("2026-10-30T12:00:00Z", NOW) == pytest.approx(30.0)


class _Account:  # pylint: disable=too-few-public-methods
    def to_dict(self):
        return {"realm": "1234567"}


class _Store:
    """One stored version, written 30 days before NOW; no server needed."""
    mount_point, path = "secret", "netsuite/1234567/x"
    location = "netsuite/1234567/x (mount secret)"

    def __init__(self, data):
        self.state = SimpleNamespace(exists=True, data=data, custom_metadata={}, current_version=1, oversized=None,
                                     created_time="2026-10-30T12:00:00Z")

    def read(self, version=None):
        return self.state


@pytest.mark.parametrize("auth_type, says, never", [
    ("tba", "create a new access token", "certificate"),
    ("m2m", "m2m_key_pair with rotate: true", "access token"),
])
def test_too_old_tells_each_kind_how_to_rotate(auth_type, says, never):
    """A stored M2M secret's owner was told to create a TBA access token."""
    data = dict.fromkeys(stored_keys(auth_type), "x")
    data["account_id"] = "1234567"
    credentials = SimpleNamespace(account=_Account(), auth_type=auth_type, certificate=None)
    outcome = check_stored(_Store(data), lambda *_: credentials, lambda _: ProbeResult(ok=True), max_age_days=7, now=NOW)
    assert outcome.auth_type == auth_type and outcome.failure.code == "stored:too_old"
    assert says in outcome.failure.hint and never not in outcome.failure.hint
