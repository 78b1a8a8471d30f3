# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run under `ansible-test units` as under plain pytest: each test in its worker's process.

ansible-test loads its `ansible_forked` pytest plugin, which runs every test in a fork of the
worker. These tests share real servers (OpenBao dev servers, the NetSuite emulator, TLS and
hostile HTTP servers) through module- and session-scoped fixtures; in a fork such a fixture is
started again for every test and its teardown never runs, so each test pays a server start and
leaves the server's temporary folder behind. pytest-xdist still gives each worker its own process.

Tests that need a server are marked `server` here, in one place: `-m "not server"` runs the rest.
"""
import inspect
import re

import pytest


def pytest_configure(config):
    forked = config.pluginmanager.get_plugin("ansible_forked")
    if forked is not None:
        config.pluginmanager.unregister(forked)
    config.addinivalue_line(
        "markers", "server: the test needs a server on 127.0.0.1 (OpenBao, the NetSuite emulator, a stub HTTP server)")


# Fixtures that start a server; a test using any of them (directly or through another fixture,
# e.g. `mount` through `openbao`) is marked `server`.
SERVER_FIXTURES = frozenset((
    "openbao", "emulator",                         # tests/unit/plugins/conftest.py
    "tls_openbao",                                 # test_vault_connection
    "vault", "netsuite",                           # test_credential_sync, test_vault_auth_bed
    "emu",                                         # tests/unit/emulator
    "server",                                      # test_hostile_servers
    "html_server",                                 # test_vault_kv2
    "serve", "slow", "persistent_openbao",         # test_vault_retry
    "huge_server",                                 # test_fleet_check
    "capture",                                     # test_tba_signer
))

# Test files whose tests start their servers through helpers rather than a fixture.
SERVER_FILES = frozenset((
    "test_netsuite_m2m_emulator.py", "test_netsuite_tba_emulator.py", "test_netsuite_services_emulator.py",
    "test_vault_auth_bed.py", "test_vault_retry.py",
))


# What a test body that starts its own server calls: any *Server class (OpenBaoServer, StubServer
# and its subclasses, ThreadingHTTPServer, the suites' own), the emulator, a listening socket.
SERVER_CALLS = re.compile(r"\b(\w*Server|NetSuiteEmulator|StallingVault|AuthBed)\(|\.listen\(")


def _starts_a_server(item):
    function = getattr(item, "function", None)
    try:
        return bool(function and SERVER_CALLS.search(inspect.getsource(function)))
    except (OSError, TypeError):
        return False


def pytest_collection_modifyitems(config, items):
    """Mark the tests that need a server, so `-m "not server"` runs the offline ones only."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & SERVER_FIXTURES or item.path.name in SERVER_FILES or _starts_a_server(item):
            item.add_marker(pytest.mark.server)
