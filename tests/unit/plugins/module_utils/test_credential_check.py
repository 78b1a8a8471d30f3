"""_credential_check: Vault timestamps and the rotation age (nanoseconds, offsets, no rounding in
the comparison), and check_stored against a real OpenBao: a pinned version, max_age_days,
min_certificate_days, a deleted latest version, a wrong layout and an oversized value."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import VALUE_MAX
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import (
    age_in_days,
    check_stored,
    load_stored,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import ProbeResult
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._rfc3339 import parse_time
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_layout import stored_keys
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret
from support.accounts import fake_account, stored_values
from support.m2m_accounts import expiring_account

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


# --- check_stored against a real OpenBao: what it reads, what it refuses, what it reports ------
# The probe is a stand-in that records what it was asked to test: check_stored takes the probe
# as an argument, and the NetSuite side has its own tests (test_netsuite_probe*).

def _probe(seen):
    def probe_for(credentials):
        seen.append(credentials)
        return ProbeResult(ok=True)
    return probe_for


def _validate(data, auth_type, custom_metadata):
    return load_stored(data, auth_type, lambda _values: None, custom_metadata)[0]


def _check(root_client, path, **options):
    seen = []
    outcome = check_stored(Kv2Secret(root_client, "secret", path), _validate, _probe(seen), **options)
    return outcome, seen


def _created(openbao, path, version):
    return openbao.kv2_metadata_raw("secret", path)["data"]["versions"][str(version)]["created_time"]


def test_a_pinned_version_is_the_one_read_and_tested(openbao, root_client, path):
    first, second = stored_values(fake_account()), stored_values(fake_account())
    openbao.kv2_write_raw("secret", path, first)
    openbao.kv2_write_raw("secret", path, second)
    pinned, seen = _check(root_client, path, version=1)
    assert pinned.ok, pinned.failure
    assert [credentials.token_id for credentials in seen] == [first["token_id"]]
    assert pinned.vault["created_time"] == _created(openbao, path, 1)
    latest, seen = _check(root_client, path)
    assert latest.ok and [credentials.token_id for credentials in seen] == [second["token_id"]]
    assert latest.vault["version"] == 2


def test_max_age_days_compares_the_unrounded_age_of_the_version_read(openbao, root_client, path):
    openbao.kv2_write_raw("secret", path, stored_values(fake_account()))
    ten_days_later = parse_time(_created(openbao, path, 1)) + timedelta(days=10)
    young, _seen = _check(root_client, path, max_age_days=10, now=ten_days_later - timedelta(seconds=1))
    assert young.ok, young.failure
    old, seen = _check(root_client, path, max_age_days=10, now=ten_days_later + timedelta(seconds=1))
    assert not old.ok and old.failure.code == "stored:too_old"
    assert "more than max_age_days=10" in old.failure.reason
    assert len(seen) == 1, "the age is judged after a successful test, not instead of it"


def test_min_certificate_days_fails_a_certificate_ending_sooner(openbao, root_client, path):
    account = expiring_account(20, key_type="ec-p256")
    openbao.kv2_write_raw("secret", path, account.module_values())
    enough, _seen = _check(root_client, path, min_certificate_days=10)
    assert enough.ok, enough.failure
    assert 18 <= enough.certificate["days_left"] <= 20
    short, seen = _check(root_client, path, min_certificate_days=30)
    assert not short.ok and short.failure.code == "stored:certificate_expiring"
    assert "fewer than min_certificate_days=30" in short.failure.reason
    assert len(seen) == 1
    assert account.private_key_pem not in repr(short) and account.client_id not in repr(short)


def test_a_deleted_latest_version_is_missing_though_an_older_one_is_readable(openbao, root_client, path):
    openbao.kv2_write_raw("secret", path, stored_values(fake_account()))
    openbao.kv2_write_raw("secret", path, stored_values(fake_account()))
    openbao.kv2_delete_latest("secret", path)
    outcome, seen = _check(root_client, path)
    assert not outcome.ok and outcome.failure.code == "stored:missing" and seen == []
    assert outcome.vault["version"] == 2
    older, seen = _check(root_client, path, version=1)  # still there, when asked for
    assert older.ok and len(seen) == 1


@pytest.mark.parametrize("layout, says", [
    ({"account_id": "1234567", "consumer_key": "k" * 64}, "missing key(s): consumer_secret, token_id, token_secret"),
    ({"account_id": "1234567", "client_id": "c" * 64}, "missing key(s): certificate_id, private_key, certificate"),
])
def test_a_wrong_layout_is_malformed_naming_the_missing_keys(openbao, root_client, path, layout, says):
    openbao.kv2_write_raw("secret", path, layout)
    outcome, seen = _check(root_client, path)
    assert not outcome.ok and outcome.failure.code == "stored:malformed" and seen == []
    assert says in outcome.failure.reason
    assert all(value not in outcome.failure.reason for value in layout.values() if len(value) > 8)


def test_an_oversized_value_is_refused_before_it_is_validated(openbao, root_client, path):
    data = stored_values(fake_account())
    data["token_secret"] = "s" * (VALUE_MAX + 1)
    openbao.kv2_write_raw("secret", path, data)
    validated = []
    outcome = check_stored(Kv2Secret(root_client, "secret", path),
                           lambda *args: validated.append(args), _probe([]))
    assert not outcome.ok and outcome.failure.code == "stored:malformed"
    assert "too large" in outcome.failure.reason and "token_secret" in outcome.failure.reason
    assert validated == [] and data["token_secret"] not in repr(outcome)
