# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared by the plugin tests: the real servers (one OpenBao dev server per session, one NetSuite
emulator per test module) and running a module's main() in-process as Ansible would."""
import json

import pytest

from emulator.netsuite_tba_emulator import NetSuiteEmulator
from support.openbao import OpenBaoServer


@pytest.fixture(autouse=True)
def fresh_module_warnings():
    """AnsibleModule keeps warnings in a process-wide store that a real module run starts empty;
    running modules in-process, a test would otherwise see the warnings of the tests before it
    (a list before ansible-core 2.19, a dict after)."""
    from ansible.module_utils.common import warnings
    for store in (getattr(warnings, "_global_warnings", None), getattr(warnings, "_global_deprecations", None)):
        if store is not None:
            store.clear()
    yield


@pytest.fixture(scope="session")
def openbao():
    with OpenBaoServer() as server:
        yield server


@pytest.fixture(scope="module")
def emulator():
    with NetSuiteEmulator(port=0) as emu:
        yield emu


def _patched_args(args):
    try:
        from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19+
        return patch_module_args(args)
    except ImportError:  # older cores read the serialized arguments from a module global
        import contextlib
        from ansible.module_utils import basic
        from ansible.module_utils.common.text.converters import to_bytes

        @contextlib.contextmanager
        def patched():
            saved = basic._ANSIBLE_ARGS
            basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
            try:
                yield
            finally:
                basic._ANSIBLE_ARGS = saved
        return patched()


@pytest.fixture
def run_module(capsys, monkeypatch):
    """run_module(main, args) -> (the result JSON the module printed, the raw text)."""
    from ansible.module_utils import _internal

    def run(main, args):
        # A module's process is never the controller; in this one, a test that loaded controller
        # code would otherwise send the module's warnings to the display, not its result.
        monkeypatch.setattr(_internal, "is_controller", False)
        with _patched_args(args):
            with pytest.raises(SystemExit):
                main()
        printed = capsys.readouterr().out
        return json.loads(printed), printed
    return run
