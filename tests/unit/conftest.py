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
"""


def pytest_configure(config):
    forked = config.pluginmanager.get_plugin("ansible_forked")
    if forked is not None:
        config.pluginmanager.unregister(forked)
