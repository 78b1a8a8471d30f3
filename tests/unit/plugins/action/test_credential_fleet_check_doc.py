# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What `ansible-doc credential_fleet_check` tells a user: every host variable the action reads,
and no "one NetSuite request per account" (an M2M account takes a token request too)."""
import yaml

from ansible_collections.netsuite_ops.credentials.plugins.action.credential_fleet_check import HOST_VARIABLES
from ansible_collections.netsuite_ops.credentials.plugins.modules import credential_fleet_check


def test_every_host_variable_is_documented():
    text = " ".join(yaml.safe_load(credential_fleet_check.DOCUMENTATION)["description"])
    assert [name for name in HOST_VARIABLES if "C(%s)" % name not in text] == []


def test_the_request_count_is_true_for_m2m():
    text = " ".join(" ".join(yaml.safe_load(credential_fleet_check.DOCUMENTATION)["description"]).split())
    assert "one signed, read-only NetSuite request per account" not in text
    assert "M2M a token request and then one request with the token" in text
    returned = yaml.safe_load(credential_fleet_check.RETURN)
    assert "retries" in str(returned)
