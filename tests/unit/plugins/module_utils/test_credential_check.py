"""Vault timestamps and the rotation age: nanoseconds, offsets, and no rounding in the comparison."""
from datetime import datetime, timezone

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import age_in_days
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._rfc3339 import parse_time

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
