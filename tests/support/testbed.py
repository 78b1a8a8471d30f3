"""The local test bed: a real OpenBao dev server and the NetSuite TBA emulator on 127.0.0.1.

Used by scripts/test (ansible-test integration) and scripts/demo. Every run makes fresh random
secrets, so a leak check can search output for exact values.

    python tests/support/testbed.py serve --state-dir DIR [--integration-config PATH]

writes DIR/testbed.json (everything, secrets included, mode 0600), DIR/testbed.env (VAULT_ADDR,
VAULT_TOKEN, NETSUITE_URL), optionally an ansible-test integration_config.yml, then DIR/ready,
and serves until SIGTERM or SIGINT.
"""
import argparse
import dataclasses
import json
import os
import secrets
import signal
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from emulator.netsuite_tba_emulator import NetSuiteEmulator  # noqa: E402
from support.accounts import fake_account  # noqa: E402
from support.hostile import MODES as HOSTILE_MODES  # noqa: E402
from support.hostile import EchoingNetSuite, EchoServer  # noqa: E402
from support.m2m_accounts import expiring_account, key_pem, make_m2m_account, self_signed_certificate  # noqa: E402
from support.openbao import OpenBaoServer  # noqa: E402
from support.vault_auth_bed import AuthBed  # noqa: E402

# name -> (account ID, emulator scenario). The names are what integration tests refer to.
SCENARIOS = {
    "good_sandbox": ("1234567_SB1", {}),
    "good_production": ("1234567", {}),
    "good_release_preview": ("1234567_RP", {}),
    "good_test_drive": ("TSTDRV7654321", {}),
    "revoked": ("2000001", {"revoked": True}),
    "blocked": ("2000002", {"integration_blocked": True}),
    "missing_permission": ("2000003_SB1", {"missing_permission": "user_error"}),
    "forbidden": ("2000004", {"missing_permission": "forbidden"}),
    "busy_then_good": ("2000005", {"busy_times": 2}),
    "server_error": ("2000006", {"server_error_times": -1}),
    "no_server_time": ("2000007", {"no_server_time": True}),
    "skewed_near": ("2000008", {"clock_offset_seconds": 120}),
    "skewed_far": ("2000009", {"clock_offset_seconds": 420}),
    "slow": ("2000010", {"slow_seconds": 3}),
    "feature_disabled": ("2000011", {"feature_disabled": True}),
    "busy_forever": ("2000012", {"busy_times": -1}),
}

POLICIES = {
    # What the README recommends: data create/update/read, metadata read/update/delete.
    "tba-writer": """
path "secret/data/*" { capabilities = ["create", "update", "read"] }
path "secret/metadata/*" { capabilities = ["read", "update", "delete", "list"] }
""",
    # The least that works: custom metadata is then skipped with a warning.
    "tba-data-only": """
path "secret/data/*" { capabilities = ["create", "update", "read"] }
""",
    "tba-reader": """
path "secret/data/*" { capabilities = ["read"] }
path "secret/metadata/*" { capabilities = ["read", "list"] }
""",
}


# name -> (account ID, emulator role): TBA accounts whose role lacks one thing (tests/emulator/README.md,
# "The role"). Their testbed.json values carry no role; only the emulator's account does.
ROLE_SCENARIOS = {
    "role_no_rest_web_services": ("2000013", {"rest_web_services": False}),
    "role_no_workbook": ("2000014", {"suiteanalytics_workbook": False}),
    "role_customer_view": ("2000015", {"records": {"customer": "view", "subsidiary": "view"}}),
    "role_customer_none": ("2000016", {"records": {"subsidiary": "view"}}),
    "role_restlet_testing": ("2000017", {"restlets": [{"script": 100, "deploy": 1, "status": "testing"}]}),
    "role_restlet_audience": ("2000018", {"id": 1001, "restlets": [{"script": 100, "deploy": 1, "audience": [1002]}]}),
}


def build_accounts():
    accounts = {name: fake_account(account_id, **scenario) for name, (account_id, scenario) in SCENARIOS.items()}
    accounts.update((name, fake_account(account_id)) for name, (account_id, _role) in ROLE_SCENARIOS.items())
    return accounts


def emulator_accounts(accounts):
    """The emulator's accounts for build_accounts(): the role scenarios get their role."""
    return [dict(values, role=ROLE_SCENARIOS[name][1]) if name in ROLE_SCENARIOS else values
            for name, values in accounts.items()]


# OAuth 2.0 M2M accounts: name -> make_m2m_account/expiring_account options. EC keys where the key
# type does not matter (RSA keys are slow to make); "days_left" makes an expiring_account.
M2M_SCENARIOS = {
    "rsa": {"key_type": "rsa3072"},
    "ec256": {"key_type": "ec-p256"},
    "ec384": {"key_type": "ec-p384"},
    "key_pair": {"key_type": "ec-p256", "unmapped": True},  # an integration waiting for its certificate
    "unknown_certificate": {"key_type": "ec-p256", "mapped": False},
    "revoked": {"key_type": "ec-p256", "revoked": True},
    "scope_missing": {"key_type": "ec-p256", "integration_scopes": ("restlets",)},
    "grant_disabled": {"key_type": "ec-p256", "m2m_grant_disabled": True},
    "busy_then_good": {"key_type": "ec-p256", "busy_times": 2},
    "fleet_ok": {"key_type": "ec-p256"},
    # Half a day more, so whole days left stay 10 for the run.
    "expiring_10": {"key_type": "ec-p256", "days_left": 10.5},
    "expired": {"key_type": "ec-p256", "days_left": -3},
    # netsuite_request's M2M account: REST web services and RESTlets (stored with scope metadata).
    "request": {"key_type": "ec-p256", "scopes": ("rest_webservices", "restlets")},
    # Capability probes (the probes target): RESTlets in scope; one with a role that lacks the
    # SuiteAnalytics Workbook, Lists -> Customers, and whose RESTlet 100/1 is still in Testing.
    "probes_full": {"key_type": "ec-p256", "scopes": ("rest_webservices", "restlets")},
    "probes_limited": {"key_type": "ec-p256", "scopes": ("rest_webservices", "restlets"),
                       "role": {"suiteanalytics_workbook": False, "records": {"subsidiary": "view"},
                                "restlets": [{"script": 100, "deploy": 1, "status": "testing"}]}},
}


def build_m2m_accounts():
    """(state, emulator accounts, labelled secrets): the M2M accounts' values as playbooks use them
    (module_values() plus the key in other forms), their emulator accounts, and the client IDs and
    passphrases for the leak check. "rsa2048" is a key pair NetSuite refuses (not in the emulator)."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    state, emulator, labelled = {}, [], {}
    for name, options in M2M_SCENARIOS.items():
        options = dict(options)
        unmapped, days_left, role = options.pop("unmapped", False), options.pop("days_left", None), options.pop("role", None)
        account = expiring_account(days_left, **options) if days_left is not None else make_m2m_account(**options)
        if role is not None:
            account = dataclasses.replace(account, role=role)
        passphrase = secrets.token_urlsafe(24)
        state[name] = dict(account.module_values(), key_type=account.key_type, algorithm=account.algorithm,
                           private_key_traditional=account.pkcs1_private_key_pem(),
                           private_key_passphrase=passphrase,
                           private_key_encrypted=account.encrypted_private_key_pem(passphrase),
                           private_key_encrypted_traditional=account.encrypted_private_key_pem(passphrase, "traditional"))
        entry = account.emulator_account()
        if unmapped:
            entry["m2m"]["certificates"] = {}
        emulator.append(entry)
        labelled.update({"m2m.%s.client_id" % name: account.client_id, "m2m.%s.passphrase" % name: passphrase})
    weak = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    state["rsa2048"] = dict(state["ec256"], private_key=key_pem(weak), certificate=self_signed_certificate(weak))
    return state, emulator, labelled


def awkward_credentials():
    """Non-hex secrets (strict_format: false) with the characters percent-encoding changes, for the
    hostile servers: a leak of these shows up encoded, not raw."""
    def value(tag):
        return tag + "+/=&%" + secrets.token_urlsafe(40) + "%&=/+"
    return {"account_id": "3000001", "consumer_key": value("Ck"), "consumer_secret": value("Cs"),
            "token_id": value("Tk"), "token_secret": value("Ts")}


def _configure_vault(vault):
    vault.enable_kv("kv1", version=1)
    vault.enable_kv("cas", version=2, cas_required=True)
    tokens = {}
    for name, hcl in POLICIES.items():
        vault.put_policy(name, hcl)
        tokens[name] = vault.create_token([name])
    return tokens


def _write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _write_state(state_dir, state, integration_config):
    _write_private(os.path.join(state_dir, "testbed.json"), json.dumps(state, indent=2))
    env = (("VAULT_ADDR", state["vault_url"]), ("VAULT_TOKEN", state["vault_root_token"]),
           ("NETSUITE_URL", state["netsuite_url"]))
    _write_private(os.path.join(state_dir, "testbed.env"), "".join("%s=%s\n" % item for item in env))
    if integration_config:
        # JSON is YAML: ansible-test reads it as the integration vars file.
        _write_private(integration_config, json.dumps(state, indent=2))


class TestBed:
    """OpenBao (dev server, optionally with an audit log), the emulator and the hostile servers,
    configured as the integration tests expect. ``state`` is what testbed.json holds."""

    def __init__(self, audit=False):
        self.audit = audit
        self.vault = self.emulator = self.auth = self.echo = None
        self.hostile = []
        self.state = None

    def __enter__(self):
        accounts = build_accounts()
        awkward = awkward_credentials()
        m2m_accounts, m2m_emulator_accounts, m2m_secrets = build_m2m_accounts()
        try:
            self.hostile = [EchoServer(mode).start() for mode in HOSTILE_MODES]
            # Apart from hostile_netsuite_urls: it answers 2xx (the tba_credential target expects failures).
            self.echo = EchoingNetSuite().start()
            self.vault = OpenBaoServer(audit=self.audit).start()
            self.emulator = NetSuiteEmulator(accounts=emulator_accounts(accounts) + m2m_emulator_accounts).start()
            self.state = {
                "hostile_netsuite_urls": {server.mode: server.url for server in self.hostile},
                "echo_netsuite_url": self.echo.url,
                "awkward_credentials": awkward,
                "extra_secrets": {"awkward.%s" % name: awkward[name] for name in awkward if name != "account_id"},
                "vault_url": self.vault.url,
                "vault_root_token": self.vault.root_token,
                "vault_tokens": _configure_vault(self.vault),
                "netsuite_url": self.emulator.url,
                "netsuite_accounts": accounts,
                "m2m_accounts": m2m_accounts,
            }
            self.state["extra_secrets"].update(m2m_secrets)
            # Every Vault auth method, configured for real (tests/support/vault_auth_bed.py).
            self.auth = AuthBed(self.vault).start()
            self.state["vault_auth"] = self.auth.state()
            self.state["extra_secrets"].update(self.auth.labelled_secrets())
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info):
        for server in self.hostile + ([self.echo] if self.echo is not None else []):
            server.stop()
        if self.emulator is not None:
            self.emulator.stop()
        if self.auth is not None:
            self.auth.stop()
        if self.vault is not None:
            self.vault.stop()
        self.hostile, self.emulator, self.vault, self.auth, self.echo = [], None, None, None, None


def serve(state_dir, integration_config=None):
    os.makedirs(state_dir, exist_ok=True)
    ready = os.path.join(state_dir, "ready")
    if os.path.exists(ready):
        os.unlink(ready)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    with TestBed() as bed:
        _write_state(state_dir, bed.state, integration_config)
        open(ready, "w").close()
        print("Test bed ready: OpenBao %s, NetSuite emulator %s" % (bed.vault.url, bed.emulator.url), flush=True)
        stop.wait()
    if os.path.exists(ready):
        os.unlink(ready)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="start OpenBao and the emulator and serve until stopped")
    run.add_argument("--state-dir", required=True)
    run.add_argument("--integration-config")
    args = parser.parse_args(argv)
    serve(args.state_dir, args.integration_config)


if __name__ == "__main__":
    main()
