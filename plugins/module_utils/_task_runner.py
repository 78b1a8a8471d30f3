# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""What each task does, once, for both ways of running it.

A ``TaskDefinition`` is a module's option spec, its extra validation rules and its body. The
module files run it with AnsibleModule (``run_task(TBA_CREDENTIAL)``); the action plugins of the
same names run it in the controller's process with a stand-in that has AnsibleModule's
interface (plugin_utils/_controller_module.py). Same units, same results, same masking.
"""

from dataclasses import dataclass, field
from typing import Callable

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import probe_connection
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_check import check_minimums
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_context import TaskContext
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import (
    fail_input,
    finish,
    leave,
    new_module,
    run_guarded,
)


@dataclass(frozen=True)
class TaskDefinition:
    name: str
    argument_spec: dict
    body: Callable  # body(ctx: TaskContext) -> the Finished of _task_module.finish
    rules: dict = field(default_factory=dict)  # required_if, mutually_exclusive, ... as AnsibleModule takes them
    minimums: dict = field(default_factory=dict)


def _ansible_module(**kwargs):
    # Every task supports check mode; without this AnsibleModule would skip the task in it.
    return AnsibleModule(supports_check_mode=True, **kwargs)


def run_task(definition, module_class=_ansible_module, params=None):
    """Validate the options, run the body, hand its result to the module's exit_json or fail_json
    (and return what that returns: the controller's stand-in returns the result)."""
    module, problems = new_module(definition.argument_spec, module_class=module_class, params=params,
                                  **definition.rules)
    ctx = TaskContext(module)
    problems = problems or check_minimums(ctx.params, definition.minimums)
    finished = fail_input(ctx, "; ".join(problems)) if problems else run_guarded(ctx, definition.body)
    return leave(module, finished)


def probe_with_options(ctx, credentials, base_url, probes=(), hosts=None):
    """The NetSuite test with the task's netsuite_timeout and netsuite_validate_certs, then the
    capability ``probes`` (parsed _capability_probes.Probes) on ``hosts`` (AccountHosts)."""
    return probe_connection(credentials, base_url, timeout=ctx.params["netsuite_timeout"],
                            validate_certs=ctx.params["netsuite_validate_certs"], hide=ctx.hide,
                            probes=probes, hosts=hosts)


def finish_sync(ctx, outcome, **present_only):
    ctx.warn(outcome.warnings)
    result = dict(changed=outcome.changed, msg=outcome.msg, vault=outcome.vault, **present_only)
    if ctx.diff and outcome.diff and outcome.changed:
        result["diff"] = outcome.diff
    if outcome.failure:
        result.update(outcome.failure.fields())
    return finish(ctx, failed=outcome.failed, **result)
