# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private plugin_utils: may change in any release.
"""Run a module's task in the controller's process instead of shipping it as an AnsiballZ payload.

For a task that runs on the controller anyway (``delegate_to: localhost``, ``connection:
local``), building a payload and starting a Python that imports ``ansible.module_utils.basic``,
hvac and requests costs far more than the task's two requests. ``ControllerModule`` has the part
of AnsibleModule's interface the collection's tasks use (params, check_mode, _diff,
no_log_values, warn, exit_json, fail_json), so the same TaskDefinition runs unchanged. It
validates with the same argument spec, registers the same no_log values, and masks and scrubs
the result the same way before Ansible sees it.
"""

import os
import sys

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import failure_of
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._short_secrets import (
    is_short_secret,
    mask_whole,
    set_aside,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import run_task

# auto: in the controller when the task runs there, else the module; module / controller force one.
EXECUTION_ENV_VAR = "NETSUITE_OPS_CREDENTIALS_EXECUTION"
_LOCAL_CONNECTIONS = ("local", "ansible.builtin.local", "ansible.legacy.local")


class OptionsRefused(Exception):
    """The argument spec validation refused the options: ``result`` is the masked failure. The
    one exception of the controller path: a constructor cannot return a result (AnsibleModule's
    exits the process there); every later end is returned by run_task."""

    def __init__(self, result):
        super().__init__("options refused")
        self.result = result


class ControllerModule:
    """The AnsibleModule interface the tasks use, for a run inside the controller's process."""

    def __init__(self, argument_spec, args, name, check_mode=False, diff=False, inject_invocation=False, **rules):
        self.argument_spec = argument_spec
        self.check_mode = check_mode
        self._diff = diff
        self._inject_invocation = inject_invocation
        self._warnings = []
        self.params = {}
        self.no_log_values = set()
        # The plain validator: the module flavour reports warnings through module_utils' global
        # list, which only AnsibleModule empties.
        validation = ArgumentSpecValidator(argument_spec, **rules).validate(args)
        self.no_log_values.update(validation._no_log_values)  # pylint: disable=protected-access
        self.params = validation.validated_parameters
        for alias in validation._warnings:  # pylint: disable=protected-access
            self.warn("Both option %s and its alias %s are set." % (alias["option"], alias["alias"]))
        if validation.error_messages:
            msg = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                msg = "Unsupported parameters for (%s) module: %s" % (name, msg)
            raise OptionsRefused(self.fail_json(msg=msg))

    def warn(self, warning):
        self._warnings.append(str(warning))

    def exit_json(self, **result):
        return self._finished(result)

    def fail_json(self, msg, **result):
        result.update(failed=True, msg=msg)
        return self._finished(result)

    def _finished(self, result):
        """As AnsibleModule returns it: warnings, invocation, no_log values masked. The task's
        finish has scrubbed the result already (TaskContext.scrubbed) and set short secrets
        aside; a refusal of the options, before any task, sets them aside here."""
        short, warnings = set_aside(self.no_log_values, self.argument_spec, self.params)
        for warning in warnings:
            self.warn(warning)
        if self._warnings:
            result["warnings"] = list(self._warnings)
        if self._inject_invocation:
            result.setdefault("invocation", {"module_args": mask_whole(self.params, short)})
        else:
            result.pop("invocation", None)
        return mask_whole(remove_values(result, self.no_log_values), short)


def run_in_controller(definition, args, check_mode, diff, inject_invocation):
    """The task's result dict; never raises (an unexpected error becomes a clean failure)."""
    module_holder = {}

    def module_class(**kwargs):
        module = ControllerModule(args=args, name=definition.name, check_mode=check_mode, diff=diff,
                                  inject_invocation=inject_invocation, **kwargs)
        module_holder["module"] = module
        return module

    try:
        return run_task(definition, module_class=module_class, params=args)
    except OptionsRefused as refused:
        return refused.result
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # A bug: say what it was, scrubbed of every secret registered so far, with no traceback.
        module = module_holder.get("module")
        secrets = module.no_log_values if module is not None else _secret_like_values(args)
        secrets = {secret for secret in secrets if not is_short_secret(secret)}
        failure = failure_of(exc, "Fix the option(s) named and run again.")
        message = "%s (in %s)" % (failure.reason, definition.name)
        result = dict(failure.fields(), reason=message, msg=message)
        return {"failed": True, "changed": False,
                **{key: Scrubber(secrets).scrub(remove_values(value, secrets)) for key, value in result.items()}}


def _secret_like_values(args):
    """Before validation registered anything: every string given, to be safe."""
    found = set()
    stack = [args]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, str) and len(value) >= 8:
            found.add(value)
    return found


def controller_can_run(connection_name, become, environment, async_val, interpreter):
    """Whether a task may run in this process: it runs on the controller, as this user, with this
    environment and this Python; otherwise the module runs, as Ansible would run it.

    Returns (bool, reason) so a -vvv run can say why.
    """
    module_only = _only_the_module_can(become, environment, async_val)
    if module_only:
        return False, module_only
    forced = os.environ.get(EXECUTION_ENV_VAR, "auto").strip().lower()
    if forced == "module":
        return False, "%s=module" % EXECUTION_ENV_VAR
    if forced == "controller":
        return True, "%s=controller" % EXECUTION_ENV_VAR
    if connection_name not in _LOCAL_CONNECTIONS:
        return False, "the task runs on another host (connection %s)" % connection_name
    if interpreter and not str(interpreter).startswith("auto") and not _same_python(str(interpreter)):
        return False, "ansible_python_interpreter is another Python"
    try:
        import hvac  # noqa: F401 pylint: disable=unused-import
    except ImportError:
        return False, "the controller's Python lacks hvac"
    return True, "the task runs on the controller"


def _only_the_module_can(become, environment, async_val):
    """What only the module can do, whatever is forced: run as another user, with the task's
    own environment, or as an async job that Ansible polls."""
    if become:
        return "the task uses become"
    # Ansible gives every task a list of environment layers, [{}] when none is set.
    if any(layer for layer in environment or ()):
        return "the task sets an environment"
    if async_val:
        return "the task is asynchronous"
    return None


def _same_python(interpreter):
    try:
        return os.path.realpath(interpreter) == os.path.realpath(sys.executable) or \
            os.path.samefile(interpreter, sys.executable)
    except OSError:
        return False
