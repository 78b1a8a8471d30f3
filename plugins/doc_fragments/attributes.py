# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):
    # Common attributes; check_mode and diff_mode are documented by each module.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: posix
    details:
      - Runs where Python, hvac and requests-oauthlib are installed, usually the controller or an
        execution environment (C(delegate_to=localhost) or C(connection=local)).
"""

    ACTION_GROUP = r"""
attributes:
  action_group:
    description: Use C(group/netsuite_ops.credentials.vault) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - netsuite_ops.credentials.vault
"""

    CONTROLLER = r"""
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - When the task runs on the controller (C(connection=local) or C(delegate_to=localhost)), as the
        same user, with the Python that runs Ansible and no task C(environment), the whole task runs in
        the controller's process, with the same validation, results and masking, and without building
        and starting a module. Elsewhere the module runs as usual.
      - Set the environment variable E(NETSUITE_OPS_CREDENTIALS_EXECUTION) to V(module) to always run
        the module, or to V(controller) to always run in the controller's process.
"""
