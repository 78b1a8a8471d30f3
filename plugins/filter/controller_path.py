# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The controller_path filter: a user-given path as the user meant it."""

import os

DOCUMENTATION = r"""
name: controller_path
short_description: Resolve a path against the directory ansible-playbook was started in
version_added: 1.1.0
description:
  - Returns an absolute path. A relative path is taken relative to the directory
    C(ansible-playbook) was started in (the controller's working directory), not the playbook's
    directory, which is where Ansible runs local modules, nor the installed collection's.
  - C(~) is expanded. An empty value is returned as it is.
  - The role and playbooks of this collection pass every user-given file path through it, so
    C(-e netsuite_verify_report_path=report.json) lands where the command ran.
positional: _input
options:
  _input:
    description: A path on the controller.
    type: path
    required: true
author:
  - netsuite_ops.credentials contributors (@netsuite-ops)
"""

EXAMPLES = r"""
- name: Write a file where the operator ran ansible-playbook
  ansible.builtin.copy:
    content: "..."
    dest: "{{ report_path | netsuite_ops.credentials.controller_path }}"
    mode: "0644"
  delegate_to: localhost
"""

RETURN = r"""
_value:
  description: The absolute path.
  type: path
"""


def controller_path(path):
    if path is None or str(path) == "":
        return path
    expanded = os.path.expanduser(str(path))
    # Joined, not normalized: 'link/../x' means what the file system says (the link's parent),
    # which dropping 'link/..' as text would change.
    return expanded if os.path.isabs(expanded) else os.path.join(os.getcwd(), expanded)


class FilterModule:
    def filters(self):
        return {"controller_path": controller_path}
