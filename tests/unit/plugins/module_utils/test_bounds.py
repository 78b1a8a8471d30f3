"""Bounds before work (issue 15, rules 5 to 7), against a real OpenBao and the NetSuite emulator:
an oversized stored value is refused from the raw answer, before anything registers or parses it;
a secret shorter than 8 characters never changes a result's keys or words, on either execution
path and in the fleet check; a stalled Vault login delays only the hosts that need it.

A cross-unit suite on purpose (stored check, fleet check, short secrets, both execution paths):
it is named after the issue's rules, not one unit. No timing is asserted: ordering is proved with
events and a login that stays blocked until the test releases it."""
import json
import queue
import secrets
import threading

import pytest
import requests

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import (
    check_stored,
    load_stored,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_check import (
    AccountSettings,
    FleetChecker,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._short_secrets import (
    WHOLE_VALUE_MASK,
    mask_whole,
    set_aside,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_layout import (
    STORED_DATA_MAX,
    stored_size_problem,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import VALUE_MAX, CredentialInputError
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import bounded_session
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_tasks import TBA_CREDENTIAL
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.modules import credential_check, tba_credential
from ansible_collections.netsuite_ops.credentials.plugins.plugin_utils._controller_module import run_in_controller
from support.accounts import fake_account, stored_values
from support.http_stub import StubServer

HUGE = 2 * 1024 * 1024


# --- rule 5: stored values are bounded before any work -------------------------------------------

def test_size_problems_name_the_key_and_the_limit_never_the_value():
    value = secrets.token_hex(VALUE_MAX)  # 2048 characters
    problem = stored_size_problem(dict(stored_values(fake_account()), consumer_secret=value))
    assert problem == "stored key 'consumer_secret' holds %d characters, more than the %d a value may have" % (
        len(value), VALUE_MAX)
    assert "more than the 16384" in stored_size_problem({"private_key": "k" * 16385})
    assert stored_size_problem({"private_key": "k" * 16384, "certificate": "c" * 16384}) is None
    many = {"extra_%d" % n: "v" * 1000 for n in range(STORED_DATA_MAX // 1000 + 1)}
    assert "in all, more than the %d" % STORED_DATA_MAX in stored_size_problem(many)
    assert "more than the 1024" in stored_size_problem({"nested": ["x" * 1100]})
    assert stored_size_problem(stored_values(fake_account())) is None


def test_load_stored_refuses_before_it_registers_anything():
    hidden = []
    with pytest.raises(CredentialInputError, match="stored key 'token_secret'"):
        load_stored(dict(stored_values(fake_account()), token_secret="x" * HUGE), "tba", hidden.extend)
    assert hidden == []


def test_an_oversized_stored_value_is_refused_from_the_raw_answer(openbao, root_client, path):
    account = stored_values(fake_account())
    huge = secrets.token_hex(HUGE // 2)
    openbao.kv2_write_raw("secret", path, dict(account, consumer_secret=huge))
    store = Kv2Secret(root_client, "secret", path)
    state = store.read()
    assert state.exists and state.current_version == 1 and state.data == {}
    assert "'consumer_secret'" in state.oversized and str(VALUE_MAX) in state.oversized

    def never(*_args):
        raise AssertionError("nothing may validate, register or test an oversized secret")

    outcome = check_stored(store, never, never)
    assert not outcome.ok and outcome.failure.code == "stored:malformed"
    assert "consumer_secret" in outcome.reason and "at most" not in outcome.reason
    assert "more than the %d" % VALUE_MAX in outcome.reason and huge[:16] not in outcome.reason + outcome.hint


def test_a_write_replaces_an_oversized_stored_value(openbao, emulator, path):
    """Nothing is parsed of it, and tba_credential can still repair the path (version 2)."""
    openbao.kv2_write_raw("secret", path, dict(stored_values(fake_account()), token_secret="x" * HUGE))
    account = stored_values(fake_account())
    args = dict(account, path=path, netsuite_url=emulator.url, test_connection=False,
                vault={"url": openbao.url, "token": openbao.root_token})
    result = run_in_controller(TBA_CREDENTIAL, args, check_mode=False, diff=False, inject_invocation=False)
    assert result["changed"] is True and result["vault"]["version"] == 2, result
    assert openbao.kv2_read_raw("secret", path)["data"]["data"] == account


def test_the_module_path_never_registers_an_oversized_stored_value(openbao, emulator, path, run_module, monkeypatch):
    """Repro 8 on the module (AnsiballZ) path: the 2 MiB value reaches neither the module's
    no_log values (Ansible's remove_values walks every result string against each of them) nor
    any scrub's index (every 16-character slice of a secret); the result holds none of it."""
    from ansible.module_utils import basic

    huge = secrets.token_hex(HUGE // 2)
    openbao.kv2_write_raw("secret", path, dict(stored_values(fake_account()), consumer_secret=huge))
    indexed, masked = [], []
    add, remove_values = Scrubber.add, basic.remove_values

    def recorded_add(scrubber, secret):
        indexed.append(secret)
        return add(scrubber, secret)

    def recorded_remove_values(value, no_log_values):
        masked.extend(no_log_values)
        return remove_values(value, no_log_values)

    monkeypatch.setattr(Scrubber, "add", recorded_add)
    monkeypatch.setattr(basic, "remove_values", recorded_remove_values)
    result, printed = run_module(credential_check.main, {
        "path": path, "netsuite_url": emulator.url, "vault": {"url": openbao.url, "token": openbao.root_token},
        "_ansible_module_name": "netsuite_ops.credentials.credential_check"})
    assert result["failure_code"] == "stored:malformed" and "consumer_secret" in result["msg"], result
    assert indexed and masked, "the scrub and Ansible's masking both ran"
    # Sizes, not values, in a failure's message: pytest would print 2 MiB.
    registered = [len(str(secret)) for secret in indexed + masked if huge in str(secret)]
    assert registered == [] and max(len(str(secret)) for secret in indexed + masked) <= VALUE_MAX
    assert huge[:16] not in printed


# --- rule 6: short secrets never change a result's shape ------------------------------------------

def test_mask_whole_leaves_keys_and_words_alone():
    value = {"changed": True, "host": "host", "msg": "nothing changed", "items": ["change", ("change",)]}
    assert mask_whole(value, {"change", "s"}) == {
        "changed": True, "host": "host", "msg": "nothing changed", "items": [WHOLE_VALUE_MASK, (WHOLE_VALUE_MASK,)]}


def test_set_aside_names_options_and_never_values():
    spec = {"token_secret": {"no_log": True}, "vault": {"options": {"password": {"no_log": True}, "url": {}}}}
    no_log = {"change", "qzx9", "a" * 64, "tiny"}
    short, warnings = set_aside(no_log, spec, {"token_secret": "a" * 64, "vault": {"password": "qzx9", "url": "x"}})
    assert short == {"change", "qzx9", "tiny"} and no_log == {"a" * 64}
    assert warnings[0].startswith("vault.password is shorter than 8 characters: such a value cannot be hidden")
    assert "use a longer secret" in warnings[0]
    assert warnings[1].startswith("a secret the task read (from Vault, a file or a login) is shorter")
    assert not [word for word in ("change", "qzx9", "tiny") if word in " ".join(warnings)]


@pytest.fixture
def short_token(openbao):
    """A root-policy Vault token of 6 characters that occur in the key 'changed'."""
    openbao.api("POST", "auth/token/create", {"id": "change", "policies": ["root"], "ttl": "10m"})
    yield "change"
    openbao.request("POST", "auth/token/revoke", {"token": "change"})


@pytest.mark.parametrize("execution", ["controller", "module"])
def test_a_short_vault_token_keeps_changed_true(openbao, emulator, path, short_token, execution, run_module):
    """Repro 6: a task that wrote version 1 says changed, on both execution paths."""
    account = stored_values(fake_account())
    args = dict(account, path=path, netsuite_url=emulator.url, test_connection=False,
                vault={"url": openbao.url, "token": short_token})
    if execution == "controller":
        result = run_in_controller(TBA_CREDENTIAL, args, check_mode=False, diff=False, inject_invocation=True)
        printed = json.dumps(result)
        warnings = result["warnings"]
    else:
        result, printed = run_module(tba_credential.main, dict(
            args, _ansible_inject_invocation=True, _ansible_module_name="netsuite_ops.credentials.tba_credential"))
        warnings = [item["event"]["msg"] if isinstance(item, dict) else item for item in result["warnings"]]
    assert result["changed"] is True and result["vault"]["version"] == 1, result
    assert openbao.kv2_read_raw("secret", path)["data"]["metadata"]["version"] == 1
    assert "********d" not in printed and "failed" not in result
    assert result["invocation"]["module_args"]["vault"]["token"] == WHOLE_VALUE_MASK
    assert result["invocation"]["module_args"]["consumer_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert [w for w in warnings if w.startswith("vault.token is shorter than 8 characters")]
    assert account["token_secret"] not in printed


def test_a_short_secret_in_a_failed_task_keeps_the_failure_shape():
    args = dict(stored_values(fake_account()), token_secret="failed", path="netsuite/x",
                vault={"url": "http://127.0.0.1:9", "token": "hvs." + secrets.token_hex(20)})
    result = run_in_controller(TBA_CREDENTIAL, args, check_mode=False, diff=False, inject_invocation=False)
    assert result["failed"] is True and result["changed"] is False and result["failure_code"] == "input:invalid"
    assert "********" not in result["msg"] and "token_secret" in result["msg"]
    assert any(w.startswith("token_secret is shorter than 8 characters") for w in result["warnings"])


# --- rule 6 in the fleet check, rule 7: a stalled login delays only its own hosts ---------------

class StallingVault:
    """A Vault stand-in whose every request (the AppRole login) waits until ``release`` is set,
    then refuses it. Never waits longer than ``limit`` seconds by itself."""

    def __init__(self, limit=30):
        self.release = threading.Event()
        self.logins = 0
        self._limit = limit
        self._server = StubServer(self._answer)

    def _answer(self, handler):
        self.logins += 1
        self.release.wait(self._limit)
        return 400, {"Content-Type": "application/json"}, json.dumps({"errors": ["invalid role or secret ID"]})

    def __enter__(self):
        self._server.start()
        self.url = self._server.url
        return self

    def __exit__(self, *exc_info):
        self.release.set()
        self._server.stop()


def approle(url, role_id):
    return {"url": url, "auth_method": "approle", "role_id": role_id, "secret_id": secrets.token_hex(18),
            "retries": 0}


def test_a_stalled_login_delays_only_the_hosts_that_need_it(openbao, emulator):
    healthy = []
    for number in range(3):
        account = fake_account("47000%02d" % number)
        emulator.add_account(account)
        openbao.kv2_write_raw("secret", "bounds/lock/%d" % number, stored_values(account))
        healthy.append(AccountSettings("healthy%d" % number, "bounds/lock/%d" % number, netsuite_url=emulator.url,
                                       vault={"url": openbao.url, "token": openbao.root_token}))
    done = queue.Queue()
    with StallingVault() as stalling:
        stalled = approle(stalling.url, secrets.token_hex(18))
        accounts = [AccountSettings("stalled%d" % n, "bounds/lock/0", vault=stalled) for n in range(2)] + healthy
        checker = FleetChecker(concurrency=8)
        check_one = checker.check_one

        def recorded(settings):
            row = check_one(settings)
            done.put(row["host"])
            return row

        checker.check_one = recorded
        runner = threading.Thread(target=lambda: done.put(checker.check(accounts)), daemon=True)
        runner.start()
        finished = {done.get(timeout=20) for _host in healthy}  # the stall lasts up to 30 s
        # Every healthy host finished while the login the stalled hosts wait for is still blocked.
        assert finished == {settings.host for settings in healthy}
        assert not stalling.release.is_set() and runner.is_alive()
        stalling.release.set()
        runner.join(60)
    assert not runner.is_alive()
    rows = [item for item in list(done.queue) if isinstance(item, list)][0]
    assert [row["ok"] for row in rows] == [False, False, True, True, True], rows
    assert {row["failure_code"] for row in rows[:2]} == {"vault:auth_failed"}, rows
    assert stalling.logins == 1  # hosts of one connection share its one login


def test_a_bounded_session_takes_proxies_from_the_environment_once_and_never_reads_netrc(monkeypatch, tmp_path):
    """requests read the environment for every request (7% of a fleet's CPU); the session reads
    it once per origin, honours HTTP_PROXY and NO_PROXY as requests does, and never sends the
    credentials of a ~/.netrc entry."""
    seen = []
    with StubServer(lambda handler: seen.append((handler.path, handler.headers.get("Authorization"))) or
                    (200, {}, "{}")) as proxy:
        (tmp_path / ".netrc").write_text("machine netsuite.invalid login user password netrc-secret\n")
        (tmp_path / ".netrc").chmod(0o600)
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
        for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        session = bounded_session(5, 1024)
        for unused in range(3):
            assert session.get("http://netsuite.invalid/services/rest/x", timeout=5).status_code == 200
        assert seen == [("http://netsuite.invalid/services/rest/x", None)] * 3
        monkeypatch.setenv("NO_PROXY", "vault.invalid")
        fresh = bounded_session(5, 1024)
        with pytest.raises(requests.exceptions.ConnectionError):
            fresh.get("http://vault.invalid/v1/x", timeout=5)
        assert len(seen) == 3
