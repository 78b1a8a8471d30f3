# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""netsuite_request in the controller's process when the task runs there; the module elsewhere."""

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._request_tasks import NETSUITE_REQUEST
from ansible_collections.netsuite_ops.credentials.plugins.plugin_utils._controller_action import (
    ControllerActionBase,
)


class ActionModule(ControllerActionBase):
    DEFINITION = NETSUITE_REQUEST
