# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):
    # Where the credentials live in a KV version 2 secrets engine.
    DOCUMENTATION = r"""
options:
  engine_mount_point:
    description:
      - The mount point of the KV version 2 secrets engine.
    type: str
    default: secret
  path:
    description:
      - The secret's path under O(engine_mount_point), without C(data/) or C(metadata/).
    type: str
    required: true
"""
