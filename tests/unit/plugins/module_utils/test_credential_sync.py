"""The store flow's promises, checked against a real OpenBao (its audit log) and the emulator.

- an unchanged path costs one Vault read and one NetSuite request, and writes nothing;
- a token that cannot write, or a failing test, never reaches the write (nor, for the token,
  NetSuite);
- a concurrent writer is never silently overwritten;
- custom metadata written by others survives, and a token without metadata rights only warns.
"""
import secrets
import uuid

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_sync import (
    ensure_absent,
    ensure_present,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import probe_connection
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import build_credentials
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VaultConnectionError,
    connect,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret
from emulator.netsuite_tba_emulator import NetSuiteEmulator
from support.accounts import token_values
from support.openbao import OpenBaoServer

ACCOUNT_ID = "5550001_SB2"
WRITER = 'path "secret/data/*" { capabilities = ["create", "update", "read"] }\n' \
         'path "secret/metadata/*" { capabilities = ["read", "update", "delete"] }'
DATA_ONLY = 'path "secret/data/*" { capabilities = ["create", "update", "read"] }'
READ_ONLY = 'path "secret/data/*" { capabilities = ["read"] }'


@pytest.fixture(scope="module")
def vault():
    with OpenBaoServer(audit=True) as server:
        yield server


@pytest.fixture(scope="module")
def account():
    return dict(token_values(), account_id=ACCOUNT_ID)


@pytest.fixture(scope="module")
def netsuite(account):
    with NetSuiteEmulator(accounts=[account]) as emulator:
        yield emulator


@pytest.fixture
def path():
    return "sync/%s" % uuid.uuid4().hex[:12]


def token_with(vault, hcl):
    name = "p-%s" % uuid.uuid4().hex[:8]
    vault.put_policy(name, hcl)
    return vault.create_token([name])


def store_for(vault, path, token=None, store_class=Kv2Secret):
    return store_class(connect({"url": vault.url, "token": token or token_with(vault, WRITER)}), "secret", path)


def credentials_of(values):
    return build_credentials(values)[0]


def probe_for(netsuite, credentials):
    return lambda: probe_connection(credentials, netsuite.url, timeout=5, sleep=lambda seconds: None)


def vault_calls_during(vault, path, action):
    """Run action(); return the (operation, path) requests the server saw for this secret."""
    before = len(vault.audited_requests())
    result = action()
    seen = vault.audited_requests()[before:]
    return result, [call for call in seen if call[1].endswith(path)]


def test_unchanged_path_costs_one_vault_read_and_one_netsuite_request(vault, netsuite, account, path):
    credentials = credentials_of(account)
    first = ensure_present(credentials, store_for(vault, path), probe_for(netsuite, credentials))
    assert first.changed and first.vault["version"] == 1 and not first.failed

    netsuite.reset_log()
    store = store_for(vault, path)
    rerun, calls = vault_calls_during(
        vault, path, lambda: ensure_present(credentials, store, probe_for(netsuite, credentials)))
    assert not rerun.changed and not rerun.failed
    assert calls == [("read", "secret/data/" + path)]
    assert len(netsuite.requests(realm=ACCOUNT_ID)) == 1
    assert vault.kv2_metadata_raw("secret", path)["data"]["current_version"] == 1


def test_a_read_only_token_fails_before_netsuite_is_called(vault, netsuite, account, path):
    credentials = credentials_of(account)
    netsuite.reset_log()
    with pytest.raises(VaultConnectionError) as caught:
        ensure_present(credentials, store_for(vault, path, token_with(vault, READ_ONLY)),
                       probe_for(netsuite, credentials))
    assert caught.value.kind == "permission_denied"
    assert netsuite.requests(realm=ACCOUNT_ID) == []
    assert vault.kv2_read_raw("secret", path) is None


def test_a_failing_test_never_replaces_working_credentials(vault, netsuite, account, path):
    good = credentials_of(account)
    ensure_present(good, store_for(vault, path), probe_for(netsuite, good))
    refused = credentials_of(dict(account, token_secret=secrets.token_hex(32)))

    store = store_for(vault, path)
    outcome, calls = vault_calls_during(vault, path, lambda: ensure_present(refused, store, probe_for(netsuite, refused)))
    assert outcome.failed and not outcome.changed
    assert outcome.connection["error_code"] == "INVALID_LOGIN"
    assert all(operation == "read" for operation, _path in calls)
    assert vault.kv2_read_raw("secret", path)["data"]["data"] == good.as_vault_data()


def test_check_mode_reports_the_write_and_writes_nothing(vault, netsuite, account, path):
    credentials = credentials_of(account)
    outcome = ensure_present(credentials, store_for(vault, path), probe_for(netsuite, credentials), check_mode=True)
    assert outcome.changed and outcome.vault == {"mount": "secret", "path": path, "version": None,
                                                 "previous_version": None}
    assert vault.kv2_read_raw("secret", path) is None


class ConcurrentWriter(Kv2Secret):
    """Another writer wins the race: it writes right between our read and our write."""

    winner_data = None
    server = None

    def write(self, data, cas):
        self.server.kv2_write_raw(self.mount_point, self.path, self.winner_data)
        return super(ConcurrentWriter, self).write(data, cas)


def racing_store(vault, path, winner_data):
    store = store_for(vault, path, store_class=ConcurrentWriter)
    store.server, store.winner_data = vault, winner_data
    return store


def test_a_concurrent_writer_is_never_silently_overwritten(vault, netsuite, account, path):
    credentials = credentials_of(account)
    other = dict(credentials.as_vault_data(), token_secret=secrets.token_hex(32))
    outcome = ensure_present(credentials, racing_store(vault, path, other), probe_for(netsuite, credentials))
    assert outcome.failed and not outcome.changed
    assert "Another writer changed" in outcome.msg
    assert vault.kv2_read_raw("secret", path)["data"]["data"] == other
    assert other["token_secret"] not in outcome.msg


def test_a_concurrent_writer_with_the_same_data_means_no_second_version(vault, netsuite, account, path):
    credentials = credentials_of(account)
    outcome = ensure_present(credentials, racing_store(vault, path, credentials.as_vault_data()),
                             probe_for(netsuite, credentials))
    assert not outcome.failed and outcome.vault["version"] == 1
    assert vault.kv2_metadata_raw("secret", path)["data"]["current_version"] == 1
    # Only our custom metadata was left to write, and that is what the result says.
    assert outcome.changed and outcome.msg.startswith("Updated custom metadata")


def test_a_concurrent_writer_with_the_same_data_and_metadata_means_no_change(vault, netsuite, account, path):
    credentials = credentials_of(account)
    vault.kv2_write_raw("secret", path, {"placeholder": "x"})
    vault.kv2_write_metadata_raw("secret", path, custom_metadata={
        "environment": "sandbox", "managed_by": "netsuite_ops.credentials", "auth_type": "tba"})
    outcome = ensure_present(credentials, racing_store(vault, path, credentials.as_vault_data()),
                             probe_for(netsuite, credentials))
    assert not outcome.failed and not outcome.changed
    assert outcome.vault == {"mount": "secret", "path": path, "version": 2, "previous_version": 1}
    assert vault.kv2_metadata_raw("secret", path)["data"]["current_version"] == 2


class WinnerWithMetadata(Kv2Secret):
    """The winner of the race stores the same data and its metadata before our write lands."""

    def write(self, data, cas):
        self.server.kv2_write_raw(self.mount_point, self.path, data)
        self.server.kv2_write_metadata_raw(self.mount_point, self.path, custom_metadata=self.winner_meta)
        return super(WinnerWithMetadata, self).write(data, cas)


def test_a_loser_reports_no_change_for_metadata_the_winner_already_wrote(vault, netsuite, account, path):
    credentials = credentials_of(account)
    store = store_for(vault, path, store_class=WinnerWithMetadata)
    store.server = vault
    store.winner_meta = {"environment": "sandbox", "managed_by": "netsuite_ops.credentials", "token_name": "t",
                         "auth_type": "tba"}
    outcome = ensure_present(credentials, store, probe_for(netsuite, credentials), token_name="t")
    assert not outcome.failed and not outcome.changed, outcome.msg
    assert outcome.msg == "Credentials already stored at %s (mount secret), version 1" % path


class NewerWriterDuringMetadata(Kv2Secret):
    """Another writer stores a newer version between our data write and our metadata write."""

    def update_custom_metadata(self, custom_metadata):
        self.server.kv2_write_raw(self.mount_point, self.path, self.newer_data)
        return super(NewerWriterDuringMetadata, self).update_custom_metadata(custom_metadata)


def test_metadata_written_over_a_newer_writer_is_reported_not_claimed(vault, netsuite, account, path):
    credentials = credentials_of(account)
    store = store_for(vault, path, store_class=NewerWriterDuringMetadata)
    store.server = vault
    store.newer_data = dict(credentials.as_vault_data(), token_secret=secrets.token_hex(32))
    outcome = ensure_present(credentials, store, probe_for(netsuite, credentials), token_name="ours")
    assert outcome.failed and outcome.changed
    assert outcome.msg.startswith("Another writer stored version 2 of %s (mount secret) while this task wrote "
                                  "version 1" % path)
    assert outcome.vault["version"] == 2
    # Our data is kept as version 1: nothing is lost.
    assert vault.kv2_read_raw("secret", path, version=1)["data"]["data"] == credentials.as_vault_data()
    assert store.newer_data["token_secret"] not in outcome.msg


def test_custom_metadata_of_other_tools_is_kept(vault, netsuite, account, path):
    vault.kv2_write_raw("secret", path, {"placeholder": "x"})
    vault.kv2_write_metadata_raw("secret", path, custom_metadata={"owner": "team-erp"}, max_versions=7)
    credentials = credentials_of(account)
    outcome = ensure_present(credentials, store_for(vault, path), probe_for(netsuite, credentials),
                             token_name="erp sync")
    metadata = vault.kv2_metadata_raw("secret", path)["data"]
    assert outcome.changed and outcome.vault == {"mount": "secret", "path": path, "version": 2,
                                                 "previous_version": 1}
    assert metadata["custom_metadata"] == {"owner": "team-erp", "environment": "sandbox", "auth_type": "tba",
                                           "managed_by": "netsuite_ops.credentials", "token_name": "erp sync"}
    assert metadata["max_versions"] == 7
    assert vault.kv2_read_raw("secret", path, version=1)["data"]["data"] == {"placeholder": "x"}


def test_a_token_without_metadata_rights_stores_data_and_warns(vault, netsuite, account, path):
    credentials = credentials_of(account)
    outcome = ensure_present(credentials, store_for(vault, path, token_with(vault, DATA_ONLY)),
                             probe_for(netsuite, credentials))
    assert outcome.changed and not outcome.failed
    assert [w for w in outcome.warnings if "custom metadata" in w.lower()]
    assert vault.kv2_read_raw("secret", path)["data"]["data"] == credentials.as_vault_data()


def test_the_diff_names_keys_and_hides_values(vault, netsuite, account, path):
    old = credentials_of(dict(token_values(), account_id=ACCOUNT_ID))
    vault.kv2_write_raw("secret", path, old.as_vault_data())
    credentials = credentials_of(account)
    outcome = ensure_present(credentials, store_for(vault, path), probe_for(netsuite, credentials), check_mode=True)
    assert outcome.diff["before"]["data"] == dict.fromkeys(credentials.as_vault_data(), "<stored>")
    assert outcome.diff["after"]["data"] == {"account_id": "<stored>", "consumer_key": "<changed>",
                                             "consumer_secret": "<changed>", "token_id": "<changed>",
                                             "token_secret": "<changed>"}
    assert outcome.diff["after"]["custom_metadata"] == {"environment": "<added>", "managed_by": "<added>",
                                                        "auth_type": "<added>"}
    rendered = repr(outcome)
    for value in old.secret_values() + credentials.secret_values():
        assert value not in rendered


def test_absent_removes_every_version_once(vault, path):
    vault.kv2_write_raw("secret", path, {"a": "1"})
    vault.kv2_write_raw("secret", path, {"a": "2"})
    checked = ensure_absent(store_for(vault, path), check_mode=True)
    assert checked.changed and vault.kv2_metadata_raw("secret", path) is not None
    removed = ensure_absent(store_for(vault, path))
    assert removed.changed and removed.vault["previous_version"] == 2 and removed.vault["version"] is None
    assert vault.kv2_metadata_raw("secret", path) is None
    assert not ensure_absent(store_for(vault, path)).changed


def test_absent_costs_one_metadata_read_and_one_delete(vault, path):
    vault.kv2_write_raw("secret", path, {"a": "1"})
    store = store_for(vault, path)
    outcome, calls = vault_calls_during(vault, path, lambda: ensure_absent(store))
    assert outcome.changed
    assert calls == [("read", "secret/metadata/" + path), ("delete", "secret/metadata/" + path)]


class LaggingStandby(Kv2Secret):
    """A read-enabled standby that has not yet seen our own write: its first metadata read is
    stale, and it takes the first metadata update of a new path for a 'create' and denies it."""

    stale_reads = 1
    denials = 1

    def read_metadata(self):
        if self.stale_reads:
            self.stale_reads -= 1
            return None
        return super(LaggingStandby, self).read_metadata()

    def update_custom_metadata(self, custom_metadata):
        if self.denials:
            self.denials -= 1
            raise VaultConnectionError("permission_denied", "Permission denied", "stale existence check")
        return super(LaggingStandby, self).update_custom_metadata(custom_metadata)


def test_a_lagging_standby_gets_the_metadata_once_it_caught_up(vault, netsuite, account, path, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    credentials = credentials_of(account)
    store = store_for(vault, path, store_class=LaggingStandby)
    outcome = ensure_present(credentials, store, probe_for(netsuite, credentials))
    assert outcome.changed and not outcome.failed and not outcome.warnings, outcome.msg
    assert store.stale_reads == 0 and store.denials == 0
    metadata = vault.kv2_metadata_raw("secret", path)["data"]
    assert metadata["custom_metadata"]["managed_by"] == "netsuite_ops.credentials"


def test_a_stale_read_after_the_metadata_write_is_not_another_writer(vault, netsuite, account, path, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    credentials = credentials_of(account)
    store = store_for(vault, path, store_class=LaggingStandby)
    store.denials = 0
    outcome = ensure_present(credentials, store, probe_for(netsuite, credentials))
    assert outcome.changed and not outcome.failed, outcome.msg
    assert outcome.vault["version"] == 1 and store.stale_reads == 0


def test_check_mode_never_promises_a_removal_the_token_cannot_do(vault, path):
    vault.kv2_write_raw("secret", path, {"placeholder": "x"})
    reader = token_with(vault, 'path "secret/metadata/*" { capabilities = ["read"] }')
    with pytest.raises(VaultConnectionError) as caught:
        ensure_absent(store_for(vault, path, reader), check_mode=True)
    assert caught.value.kind == "permission_denied" and "'delete'" in str(caught.value)
    outcome = ensure_absent(store_for(vault, path), check_mode=True)
    assert outcome.changed and "Would remove" in outcome.msg
    assert vault.kv2_metadata_raw("secret", path) is not None


class MetadataRefused(Kv2Secret):
    """Vault refuses the metadata (not a permission problem) after the data was written."""

    def update_custom_metadata(self, custom_metadata):
        raise VaultConnectionError("invalid_request", "Vault rejected the metadata", "check it")


def test_a_failure_after_the_data_write_still_reports_the_change(vault, netsuite, account, path):
    credentials = credentials_of(account)
    with pytest.raises(VaultConnectionError) as caught:
        ensure_present(credentials, store_for(vault, path, store_class=MetadataRefused), probe_for(netsuite, credentials))
    assert caught.value.outcome.written is True and caught.value.outcome.vault["version"] == 1
    assert vault.kv2_read_raw("secret", path)["data"]["data"] == credentials.as_vault_data()
