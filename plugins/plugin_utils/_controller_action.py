# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private plugin_utils: may change in any release.
"""The action plugin shared by the collection's modules: in the controller when the task runs
there, the module (AnsiballZ) everywhere else."""

from ansible import constants as C
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.netsuite_ops.credentials.plugins.plugin_utils._controller_module import (
    controller_can_run,
    run_in_controller,
)

display = Display()

# Warm-up on purpose: the strategy loads action plugin classes in Ansible's main process before it
# forks a worker per task, so libraries imported here are inherited by every worker instead of
# being imported again for each task (about 100 ms each time for hvac and requests).
try:
    import hvac  # noqa: F401 pylint: disable=unused-import
except ImportError:  # the module fallback reports it where the task runs
    pass


class ControllerActionBase(ActionBase):
    """Subclasses set DEFINITION (a module_utils._task_runner.TaskDefinition)."""

    DEFINITION = None
    TRANSFERS_FILES = False
    _supports_async = True  # async tasks take the module path (controller_can_run)

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        can_run, reason = controller_can_run(
            self._connection_name(), self._play_context.become, self._task.environment,
            self._task.async_val, self._interpreter(task_vars))
        display.vvv("%s: %s in the controller: %s" % (self.DEFINITION.name, "runs" if can_run else "not", reason))
        if not can_run:
            # As ansible.builtin.normal runs a module, async included.
            wrap_async = self._task.async_val and not self._connection.has_native_async
            result.update(self._execute_module(module_name=self.DEFINITION.name, module_args=self._task.args,
                                               task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)  # pylint: disable=protected-access
            return result
        result.update(run_in_controller(
            self.DEFINITION, dict(self._task.args), check_mode=bool(self._play_context.check_mode),
            diff=bool(self._task.diff), inject_invocation=self._inject_invocation(task_vars)))
        return result

    def _connection_name(self):
        return getattr(self._connection, "_load_name", None) or getattr(self._connection, "transport", "")

    def _interpreter(self, task_vars):
        """The Python the module would run with (the delegated host's, when delegated)."""
        host_vars = task_vars
        if self._task.delegate_to:
            host_vars = task_vars.get("ansible_delegated_vars", {}).get(self._task.delegate_to, task_vars)
        value = host_vars.get("ansible_python_interpreter")
        return self._templar.template(value) if value else None

    @staticmethod
    def _inject_invocation(task_vars):
        try:
            return bool(C.config.get_config_value("INJECT_INVOCATION", variables=task_vars))
        except Exception:  # pylint: disable=broad-exception-caught
            return True  # before ansible-core 2.21, modules always returned their invocation
