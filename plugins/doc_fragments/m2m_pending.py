# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):
    # Where a generated key pair waits for the operator's certificate ID.
    DOCUMENTATION = r"""
options:
  pending_path:
    description:
      - The KV path (under O(engine_mount_point)) of the pending key pair, made by
        M(netsuite_ops.credentials.m2m_key_pair) and taken by M(netsuite_ops.credentials.m2m_credential)
        with O(netsuite_ops.credentials.m2m_credential#module:use_pending_key=true).
      - Defaults to O(path) followed by C(/pending).
    type: str
"""
