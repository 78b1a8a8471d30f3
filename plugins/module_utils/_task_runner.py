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
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import (
    check_minimums,
    finish,
    hide,
    new_module,
    run_guarded,
    warn,
)


@dataclass(frozen=True)
class TaskDefinition:
    name: str
    argument_spec: dict
    body: Callable
    rules: dict = field(default_factory=dict)  # required_if, mutually_exclusive, ... as AnsibleModule takes them
    minimums: dict = field(default_factory=dict)


def run_task(definition, module_class=AnsibleModule, params=None):
    """Validate the options, run the body, exit through the module's exit_json or fail_json."""
    module = new_module(definition.argument_spec, module_class=module_class, params=params,
                        supports_check_mode=True, **definition.rules)
    check_minimums(module, **definition.minimums)
    run_guarded(module, lambda: definition.body(module))


def probe_with_options(module, credentials, base_url):
    """The NetSuite test with the task's netsuite_timeout and netsuite_validate_certs."""
    return probe_connection(credentials, base_url, timeout=module.params["netsuite_timeout"],
                            validate_certs=module.params["netsuite_validate_certs"],
                            hide=lambda values: hide(module, values))


def finish_sync(module, outcome, **present_only):
    warn(module, outcome.warnings)
    result = dict(changed=outcome.changed, msg=outcome.msg, vault=outcome.vault, **present_only)
    if module._diff and outcome.diff and outcome.changed:  # pylint: disable=protected-access
        result["diff"] = outcome.diff
    if outcome.failure:
        result.update(outcome.failure.fields())
    finish(module, failed=outcome.failed, **result)
