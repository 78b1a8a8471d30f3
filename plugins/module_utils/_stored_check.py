# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The options and limits of a stored-credentials check, defined once.

credential_check (the module and its action plugin) and credential_fleet_check (one check per
inventory host, from its netsuite_verify_* variables) take the same options with the same
limits: both read them from here.
"""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import NETSUITE_ARGSPEC
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._transport_errors import timeout_problem

STORED_CHECK_ARGSPEC = dict(
    NETSUITE_ARGSPEC,
    path=dict(type="str"),
    engine_mount_point=dict(type="str", default="secret"),
    version=dict(type="int"),
    max_age_days=dict(type="int"),
    min_certificate_days=dict(type="int"),
    # Capability probes (_capability_probes.parse_probes checks each item, before any request).
    probes=dict(type="list", elements="dict"),
)

# Numbers Ansible's type checks let through but that make no sense (version 0, a timeout of 0).
STORED_CHECK_MINIMUMS = dict(version=1, max_age_days=0, min_certificate_days=0, netsuite_timeout=1)


def check_minimums(values, minimums=None):
    """The problems of ``values`` (a dict of options) against ``minimums``, one line each, naming
    the option and the rule, never the value. A timeout is also bounded above (a timeout of 10^10
    overflows the socket layer)."""
    problems = []
    for name, minimum in (STORED_CHECK_MINIMUMS if minimums is None else minimums).items():
        value = values.get(name)
        if value is not None and value < minimum:
            problems.append("%s: must be at least %d" % (name, minimum))
        elif name.endswith("timeout") and timeout_problem(name, value):
            problems.append(timeout_problem(name, value))
    return problems
