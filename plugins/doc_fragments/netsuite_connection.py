# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):
    # How the NetSuite connection test reaches the account.
    DOCUMENTATION = r"""
options:
  netsuite_url:
    description:
      - Base URL of the account's REST web services. Defaults to
        C(https://<host label>.suitetalk.api.netsuite.com).
      - Oracle recommends copying it from Setup > Company > Company Information > Company URLs
        (SuiteTalk). A pasted URL with a path is cut back to scheme and host.
      - C(https) is required; plain C(http) is accepted only for loopback hosts (test beds).
        The host must be the SuiteTalk host of the account (given or stored) under C(netsuite.com), or a loopback
        host (test beds), because the test request carries the credentials (for TBA the consumer key and
        token ID, for M2M the signed client assertion).
    type: str
  netsuite_timeout:
    description:
      - Seconds to wait for each NetSuite response, from 1 to 3600.
    type: int
    default: 30
  netsuite_validate_certs:
    description:
      - Verify NetSuite's TLS certificate. Turn off only for test beds.
    type: bool
    default: true
"""
