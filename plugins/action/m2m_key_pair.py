# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""m2m_key_pair in the controller's process when the task runs there; the module elsewhere."""

from ansible_collections.netsuite_ops.credentials.plugins.filter.controller_path import controller_path
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._m2m_tasks import M2M_KEY_PAIR
from ansible_collections.netsuite_ops.credentials.plugins.plugin_utils._controller_action import (
    ControllerActionBase,
)


class ActionModule(ControllerActionBase):
    DEFINITION = M2M_KEY_PAIR

    def run(self, tmp=None, task_vars=None):
        # One rule on both paths: a relative certificate_file starts where ansible-playbook was
        # started (as every path of this collection), not in the directory a module runs in.
        path = self._task.args.get("certificate_file")
        if isinstance(path, str) and path:
            self._task.args["certificate_file"] = controller_path(path)
        return super().run(tmp, task_vars)
