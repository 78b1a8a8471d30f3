# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Check the stored credentials of many accounts at once, in one process, and report on them.

``FleetChecker.check`` runs one ``check_stored`` per account on a bounded thread pool; a per-account
semaphore, held only around the NetSuite request(s), keeps within NetSuite's per-account
concurrency limit (it answers 429 past it). HTTP connections are reused: one hvac client (and
its requests session) per distinct Vault connection, one requests session per NetSuite base
URL, each with a connection pool as large as the thread pool.

Every account gives exactly one row, whatever fails; no exception escapes. The summary lines,
the JSON report and the JUnit XML are built from the rows only (``_fleet_report``).
Every Vault token and every secret read from Vault is registered in a Scrubber, and everything
this unit returns is scrubbed of them (in every spelling, whole or in part).

Knows nothing of Ansible: the caller turns its inventory into ``AccountSettings``.
"""

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from typing import Optional

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import (
    check_stored,
    load_stored,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._short_secrets import is_short_secret, mask_whole
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    CredentialInputError,
    resolve_netsuite_url,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure, failure_of
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_processes import (
    WORKER_LOST_HINT,
    WORKER_LOST_REASON,
    SharedSlots,
    can_fork,
    run_in_workers,
    shares,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import bounded_session
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import NETSUITE_ANSWER_MAX_BYTES, probe_connection
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import account_hosts
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_session import free_slot
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_check import (
    STORED_CHECK_MINIMUMS,
    check_minimums,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VaultConnectionError,
    connect,
    revoke_login,
    url_secrets,
)

# 64, not 16: with NetSuite answering in 300 ms, 1000 accounts take at least 20 s at 16 and 5 s at
# 64 (docs/benchmark.md); the cost is up to 64 Vault reads in flight (and connections) at once.
DEFAULT_CONCURRENCY = 64
DEFAULT_PER_ACCOUNT_CONCURRENCY = 2
MAX_CONCURRENCY = 256
# One interpreter checks about 100 accounts a second (_fleet_processes): by default a fleet gets a
# worker process per 100 accounts, up to the controller's CPUs and at most MAX_AUTO_PROCESSES.
ACCOUNTS_PER_PROCESS = 100
MAX_AUTO_PROCESSES = 8
MAX_PROCESSES = 64

NO_PATH_REASON = "netsuite_verify_path is not set for this host"
NO_PATH_HINT = ("Set netsuite_verify_path in the inventory: the path of the secret under the KV v2 mount, "
                "e.g. netsuite/1234567/tba.")
_INPUT_HINT = "Fix this host's netsuite_verify_* settings in the inventory; nothing was tested."


@dataclass
class AccountSettings:
    """What to check for one inventory host (already type-checked by the caller).

    ``problem``: a (reason, hint) pair when the caller found the settings unusable; the host
    then gets a failed row without any request.
    """

    host: str
    path: Optional[str] = None
    engine_mount_point: str = "secret"
    version: Optional[int] = None
    max_age_days: Optional[int] = None
    min_certificate_days: Optional[int] = None
    netsuite_url: Optional[str] = None
    netsuite_timeout: int = 30
    netsuite_validate_certs: bool = True
    vault: dict = field(default_factory=dict, repr=False)
    probes: tuple = ()  # parsed by the caller (_capability_probes.parse_probes)
    problem: Optional[tuple] = None
    warnings: list = field(default_factory=list)  # the caller's, about these settings (a short secret)


def _text(value):
    return "" if value is None else str(value).strip()


def new_row(settings):
    """The row of an account before its check: nothing known yet."""
    return {
        "host": settings.host,
        "account": None,
        "environment": None,
        "mount": _text(settings.engine_mount_point) or "secret",
        "path": _text(settings.path),
        "version": None,
        "age_days": None,
        "auth_type": None,
        "certificate_days_left": None,
        "certificate_not_after": None,
        "ok": False,
        "result": "FAILED",
        "reason": "",
        "hint": "",
        "error_code": None,
        "failure_code": None,
        "attempts": None,
        "retries": None,
        "probes": [],
        "warnings": list(settings.warnings),
    }


def _failed(row, failure, error_code=None):
    row.update(ok=False, result="FAILED", reason=failure.reason, hint=failure.hint or "",
               failure_code=failure.code)
    if error_code is not None:
        row["error_code"] = error_code
    return row


class FleetChecker:
    """One fleet check: the shared connections, the per-account slots and the secrets seen."""

    def __init__(self, concurrency=DEFAULT_CONCURRENCY, per_account_concurrency=DEFAULT_PER_ACCOUNT_CONCURRENCY,
                 scrubber=None, short_secrets=None, processes=1):
        """``processes``: how many worker processes may share the fleet (1: this process alone),
        or None for one per ACCOUNTS_PER_PROCESS accounts, up to the CPUs (at most MAX_AUTO_PROCESSES)."""
        for name, value, most in (("concurrency", concurrency, MAX_CONCURRENCY),
                                  ("per_account_concurrency", per_account_concurrency, MAX_CONCURRENCY),
                                  ("processes", 1 if processes is None else processes, MAX_PROCESSES)):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
                raise ValueError("%s: must be a whole number from 1 to %d" % (name, most))
        self.concurrency = concurrency
        self.per_account_concurrency = per_account_concurrency
        self.processes = processes
        self.processes_used = 1  # how many processes checked the accounts, once check() ran
        self.scrubber = scrubber if scrubber is not None else Scrubber()
        # Secrets too short to search for inside text: masked as whole values only, so a
        # one-character role_id never turns the key or value 'host' into 'ho********t'.
        self.short_secrets = short_secrets if short_secrets is not None else set()
        self._lock = threading.Lock()
        self._secrets_lock = threading.Lock()
        self._vault_clients = {}
        self._netsuite_sessions = {}
        self._account_slots = {}
        self._shared_slots = None  # SharedSlots while worker processes share the fleet
        self._met = None  # in a worker process: every secret met, for the parent's scrub
        self._current = threading.local()  # the row this thread is checking (for retry warnings)
        self.warnings = []  # warnings that belong to no row (a failed token revocation)

    # -- secrets --------------------------------------------------------------------------

    def hide(self, values):
        # Its own lock, held for no I/O: logins of many connections call this at once.
        values = [str(value) for value in values if value not in (None, "")]
        with self._secrets_lock:
            if self._met is not None:
                self._met.extend(values)
            for value in values:
                if is_short_secret(value):
                    self.short_secrets.add(value)
                else:
                    self.scrubber.add(value)

    def _hide_settings(self, settings):
        vault = settings.vault if isinstance(settings.vault, dict) else {}
        self.hide([vault.get("token")] + url_secrets(vault.get("url")) + url_secrets(settings.netsuite_url))

    # -- shared connections ---------------------------------------------------------------

    def _pooled(self, session):
        """``session`` with connection pools as large as the thread pool. The adapters are kept
        (resized, not replaced): they may enforce limits (total deadline, answer size)."""
        for adapter in set(session.adapters.values()):
            if hasattr(adapter, "init_poolmanager"):
                adapter.init_poolmanager(4, self.concurrency, block=False)
        return session

    def _vault_client(self, options):
        """(client, warnings) for these connection options, built once; a configuration error is
        raised again for every account that uses the same options.

        No lock is held while logging in: the first account of a connection logs in, accounts of
        the same connection wait for that one login, every other connection goes on (a login
        that stalls delays only the accounts that need it)."""
        key = json.dumps(options, sort_keys=True, default=str)
        with self._lock:
            login = self._vault_clients.get(key)
            first = login is None
            if first:
                login = self._vault_clients[key] = _Once()
        if first:
            login.run(lambda: self._connect(options))
        return login.result()

    def _connect(self, options):
        warnings = _RowWarnings(self._current)
        # One login per distinct connection, shared by its accounts; revoked in close().
        client = connect(options, warnings, hide=self.hide)
        self._pooled(client.adapter.session)
        warnings.connected()
        return client, warnings.first

    def _netsuite_session(self, base_url, timeout):
        """One session per NetSuite host (and timeout), with the limits probe_connection gives
        its own sessions: a total deadline per request and a cap on the answer's size."""
        key = (base_url, timeout)
        with self._lock:
            session = self._netsuite_sessions.get(key)
            if session is None:
                session = self._pooled(bounded_session(timeout, NETSUITE_ANSWER_MAX_BYTES))
                # Shared by many accounts' threads: keep no state between requests.
                session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
                self._netsuite_sessions[key] = session
            return session

    def _account_slot(self, realm):
        if self._shared_slots is not None:
            return self._shared_slots.slot(realm)
        with self._lock:
            slot = self._account_slots.get(realm)
            if slot is None:
                slot = self._account_slots[realm] = threading.BoundedSemaphore(self.per_account_concurrency)
            return slot

    def close(self):
        """Revoke the tokens logins obtained (a fleet of 500 accounts leaves no live token
        behind), then close every connection. Returns the warnings of failed revocations."""
        with self._lock:
            sessions = list(self._netsuite_sessions.values())
            clients = [entry.value[0] for entry in self._vault_clients.values() if entry.value is not None]
            self._netsuite_sessions.clear()
            self._vault_clients.clear()
        warnings = []
        for client in clients:
            revoke_login(client, warnings)
            sessions.append(client.adapter.session)
        for session in sessions:
            session.close()
        return warnings

    # -- one account ------------------------------------------------------------------------

    def check_one(self, settings):
        """The row of one account; never raises."""
        started = time.monotonic()
        row = new_row(settings)
        self._current.row = row
        try:
            self._hide_settings(settings)
            self._check_into(row, settings)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # The modules' one mapping (run_guarded); every row is scrubbed before it leaves.
            _failed(row, failure_of(exc, _INPUT_HINT), exc.kind if isinstance(exc, VaultConnectionError) else None)
        self._current.row = None
        row["seconds"] = round(time.monotonic() - started, 3)
        return row

    def _check_into(self, row, settings):
        if settings.problem:
            _failed(row, Failure("input:invalid", *settings.problem))
            return
        if not row["path"]:
            _failed(row, Failure("input:invalid", NO_PATH_REASON, NO_PATH_HINT))
            return
        problems = check_minimums({name: getattr(settings, name) for name in STORED_CHECK_MINIMUMS})
        if problems:
            raise CredentialInputError(problems)

        client, vault_warnings = self._vault_client(settings.vault if isinstance(settings.vault, dict) else {})
        row["warnings"].extend(vault_warnings)
        store = Kv2Secret(client, row["mount"], row["path"])

        def validate(data, auth_type, custom_metadata):
            credentials, warnings = load_stored(data, auth_type, self.hide, custom_metadata)
            row["warnings"].extend(warnings)
            return credentials

        def probe_for(credentials):
            base_url = resolve_netsuite_url(credentials.account, settings.netsuite_url)
            session = self._netsuite_session(base_url, settings.netsuite_timeout)
            # The probes run after the login in this slot, and two at a time when a second is free.
            slot = self._account_slot(credentials.realm.upper())
            with slot:
                return probe_connection(credentials, base_url, timeout=settings.netsuite_timeout,
                                        validate_certs=settings.netsuite_validate_certs, session=session,
                                        hide=self.hide, probes=settings.probes, second_slot=free_slot(slot),
                                        hosts=account_hosts(credentials.account, settings.netsuite_url))

        outcome = check_stored(store, validate, probe_for, version=settings.version,
                               max_age_days=settings.max_age_days, min_certificate_days=settings.min_certificate_days)
        _fill(row, outcome)

    # -- many accounts ----------------------------------------------------------------------

    def check(self, accounts):
        """One scrubbed row per account, in the order given."""
        accounts = list(accounts)
        try:
            workers = self.workers_for(len(accounts))
            rows = self._check_in_workers(accounts, workers) if workers > 1 else self._check_here(accounts)
        finally:
            self.warnings.extend(self.close())
        # Scrubbed only now: a secret read for one account must be hidden in every row.
        self.warnings = self.scrubbed(self.warnings)
        return [{key: self.scrubbed(value) for key, value in row.items()} for row in rows]

    def _check_here(self, accounts):
        """Unscrubbed rows, checked by this process's threads."""
        if len(accounts) <= 1:
            return [self.check_one(settings) for settings in accounts]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(accounts)),
                                thread_name_prefix="fleet-check") as pool:
            return list(pool.map(self.check_one, accounts))

    def workers_for(self, count):
        """How many processes check ``count`` accounts (1: this one alone)."""
        if self.processes is None:
            wanted = min(-(-count // ACCOUNTS_PER_PROCESS), os.cpu_count() or 1, MAX_AUTO_PROCESSES)
        else:
            wanted = self.processes
        wanted = min(wanted, count, self.concurrency)
        return wanted if wanted > 1 and can_fork() else 1

    def _check_in_workers(self, accounts, workers):
        """Unscrubbed rows, checked by ``workers`` forked processes (_fleet_processes): the Vault
        logins first, here, once per connection, so a single-use secret ID is used once."""
        self._log_in_first(accounts)
        if not can_fork():  # a login left a thread behind (a request past its deadline)
            return self._check_here(accounts)
        self._shared_slots = SharedSlots(self.per_account_concurrency, len(accounts))
        threads = shares(self.concurrency, workers)

        def work(shard, number):
            self.concurrency, self._met = threads[number], []
            rows = self._check_here(shard)
            return {"rows": rows, "met": list(dict.fromkeys(self._met))}  # the Vault token once, not per account

        try:
            payloads, rows = run_in_workers(accounts, workers, work, self._lost_row)
        except OSError:  # no process could be forked (a limit): this process checks them all
            # With its own slots: a worker forked before the failure was killed, perhaps holding
            # an account's shared slot (or the table's lock), which would never be given back.
            self._shared_slots = None
            return self._check_here(accounts)
        self.processes_used = workers
        for payload in payloads:
            self.hide(payload["met"])
        return rows

    def _log_in_first(self, accounts):
        """Log in to every Vault connection the accounts use (threads that end before the fork),
        then empty the connection pools: no two processes may share a socket."""
        connections = {}
        for settings in accounts:
            if settings.problem is None and _text(settings.path) and not check_minimums(
                    {name: getattr(settings, name) for name in STORED_CHECK_MINIMUMS}):
                options = settings.vault if isinstance(settings.vault, dict) else {}
                connections.setdefault(json.dumps(options, sort_keys=True, default=str), options)
        with ThreadPoolExecutor(max_workers=max(1, min(self.concurrency, len(connections))),
                                thread_name_prefix="fleet-login") as pool:
            list(pool.map(self._logged_in, connections.values()))
        with self._lock:
            clients = [entry.value[0] for entry in self._vault_clients.values() if entry.value is not None]
        for client in clients:
            client.adapter.session.close()  # its pools only: the next request opens a connection

    def _logged_in(self, options):
        try:
            self._vault_client(options)
        except Exception:  # pylint: disable=broad-exception-caught
            pass  # kept by _Once: every account of this connection fails with it

    @staticmethod
    def _lost_row(settings, why):
        return _failed(new_row(settings), Failure("internal:worker_lost", WORKER_LOST_REASON % why, WORKER_LOST_HINT))

    def scrubbed(self, value):
        """``value`` scrubbed of every secret seen; a row's keys are never touched."""
        return mask_whole(self.scrubber.scrub_all(value), self.short_secrets)


def _fill(row, outcome):
    """The row of a check that ran (passed or failed), from its outcome."""
    account = outcome.account or {}
    certificate = outcome.certificate or {}
    vault = outcome.vault or {}
    connection = outcome.connection or {}
    row.update(
        account=account.get("realm"), environment=account.get("environment"),
        mount=vault.get("mount", row["mount"]), version=vault.get("version"), age_days=vault.get("age_days"),
        auth_type=outcome.auth_type, certificate_days_left=certificate.get("days_left"),
        certificate_not_after=certificate.get("not_after"),
        ok=outcome.ok, result="ok" if outcome.ok else "FAILED",
        reason="" if outcome.ok else outcome.reason, hint="" if outcome.ok else outcome.hint or "",
        error_code=connection.get("error_code"), attempts=connection.get("attempts"),
        retries=connection.get("retries"),
        failure_code=None if outcome.ok else outcome.failure.code, probes=list(outcome.probes))
    row["warnings"].extend(outcome.warnings)


class _Once:
    """One job's outcome for every thread that asks: the thread that calls ``run`` does it
    (holding no lock), the others wait in ``result`` for it. A VaultConnectionError is raised
    again for each; anything else is a bug and raised as well."""

    def __init__(self):
        self._done = threading.Event()
        self.value = None
        self._error = None

    def run(self, job):
        try:
            self.value = job()
        except BaseException as exc:  # pylint: disable=broad-exception-caught
            self._error = exc
        finally:
            self._done.set()

    def result(self):
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self.value


class _RowWarnings:
    """Where a shared client's warnings go: those of connecting (``first``) are given to every
    row that uses the client; a retry's goes to the row whose thread made the request."""

    def __init__(self, current):
        self._current = current
        self.first = []
        self._connected = False

    def append(self, warning):
        row = getattr(self._current, "row", None)
        if row is not None and self._connected:
            row["warnings"].append(warning)
        else:
            self.first.append(warning)

    def connected(self):
        self._connected = True
