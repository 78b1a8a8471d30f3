# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The declared M2M options (as m2m_credential and credential_check take them), apart from the
M2M units: credential_check's argument spec names them, and a TBA task must load no M2M unit."""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import ENVIRONMENTS

ALGORITHMS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
SCOPES = ("rest_webservices", "restlets")

M2M_DECLARED_ARGSPEC = dict(
    account_id=dict(type="str"),
    client_id=dict(type="str", no_log=True),
    certificate_id=dict(type="str", no_log=False),
    private_key=dict(type="str", no_log=True),
    private_key_passphrase=dict(type="str", no_log=True),
    certificate=dict(type="str"),
    algorithm=dict(type="str", choices=list(ALGORITHMS)),
    scope=dict(type="list", elements="str", choices=list(SCOPES), default=["rest_webservices"]),
    min_days_left=dict(type="int", default=30),
    fail_days_left=dict(type="int", default=0),
    environment=dict(type="str", choices=list(ENVIRONMENTS)),
)
