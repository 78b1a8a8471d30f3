# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""credential_check's former name, tba_connection_test, through meta/runtime.yml: a real
ansible-playbook run with the old name on both execution paths (the module redirect alone would
send the controller path to AnsiballZ), module_defaults through the action group, ansible-doc."""
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.modules import credential_check

# .../ansible_collections/netsuite_ops/credentials/plugins/modules/credential_check.py
COLLECTIONS_ROOT = Path(os.path.abspath(credential_check.__file__)).parents[5]


def _command(name):
    """The ansible-core command beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/netsuite_ops.credentials.vault:
      netsuite_timeout: 0
  tasks:
    - netsuite_ops.credentials.tba_connection_test:
        path: netsuite/1234567/tba
      register: checked
      ignore_errors: true
    - ansible.builtin.debug:
        msg: "result={{ checked.msg }}"
"""


def _environment(**extra):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANSIBLE_", "NETSUITE_OPS_", "VAULT_", "BAO_"))}
    env.update(ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT), ANSIBLE_DEPRECATION_WARNINGS="true",
               ANSIBLE_NOCOLOR="1", **extra)
    return env


def _collection_is_importable():
    return (COLLECTIONS_ROOT / "ansible_collections" / "netsuite_ops" / "credentials" / "meta" / "runtime.yml").is_file()


def _cli_is_importable():
    """ansible-test's module-side unit runs give a trimmed ansible without its CLI."""
    try:
        return importlib.util.find_spec("ansible.cli") is not None
    except ImportError:
        return False


pytestmark = pytest.mark.skipif(
    not _collection_is_importable() or not _command("ansible-playbook") or not _cli_is_importable(),
    reason="needs an ansible_collections tree, the ansible-playbook command and ansible's CLI")


# The controller path must not start a module process: its interpreter does not even exist, so
# only the action plugin (redirected too) can give the result in ansible-playbook's process.
@pytest.mark.parametrize("execution, interpreter", [("controller", "/nonexistent/python3"), ("module", sys.executable)])
def test_the_old_name_runs_credential_check_with_a_deprecation(tmp_path, execution, interpreter):
    playbook = tmp_path / "old_name.yml"
    playbook.write_text(PLAYBOOK)
    run = subprocess.run([_command("ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)],
                         env=_environment(NETSUITE_OPS_CREDENTIALS_EXECUTION=execution,
                                          ANSIBLE_PYTHON_INTERPRETER=interpreter), cwd=str(tmp_path),
                         capture_output=True, text=True, timeout=300, check=False)
    output = " ".join((run.stdout + run.stderr).split())
    assert run.returncode == 0, output
    # The group's module_defaults reached the task under its old name: its own rule refused them.
    assert "result=Invalid input: netsuite_timeout: must be at least 1" in output, output
    assert ("[DEPRECATION WARNING]: netsuite_ops.credentials.tba_connection_test has been deprecated. "
            "It checks TBA and OAuth 2.0 M2M credentials: use netsuite_ops.credentials.credential_check") in output
    assert "version 2.0.0" in output


@pytest.mark.parametrize("name", ["credential_check", "tba_connection_test"])
def test_ansible_doc_answers_for_both_names(name):
    run = subprocess.run([_command("ansible-doc"), "--json", "netsuite_ops.credentials." + name],
                         env=_environment(), capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert '"module": "credential_check"' in run.stdout
