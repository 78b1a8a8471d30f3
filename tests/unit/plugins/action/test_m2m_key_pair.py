# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""m2m_key_pair's certificate_file: one place for a relative path, refused before Vault is touched."""
import os
from types import SimpleNamespace

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.action import m2m_key_pair as action
from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _m2m_tasks
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import CredentialInputError


@pytest.mark.parametrize("given, expected", [
    ("cert.pem", "{cwd}/cert.pem"),
    ("sub/../cert.pem", "{cwd}/cert.pem"),
    ("/abs/cert.pem", "/abs/cert.pem"),
    ("~/cert.pem", "{home}/cert.pem"),
])
def test_a_relative_certificate_file_starts_where_ansible_playbook_started(tmp_path, monkeypatch, given, expected):
    """The action plugin runs in ansible-playbook's process on both paths and hands the module
    an absolute path, so the module's own working directory never matters."""
    monkeypatch.chdir(tmp_path)
    seen = {}
    monkeypatch.setattr(action.ControllerActionBase, "run",
                        lambda self, tmp=None, task_vars=None: seen.update(self._task.args) or {})
    plugin = object.__new__(action.ActionModule)
    plugin._task = SimpleNamespace(args={"certificate_file": given, "account_id": "1234567"})
    plugin.run(task_vars={})
    assert seen["certificate_file"] == expected.format(cwd=str(tmp_path), home=os.path.expanduser("~"))


class _Module:
    check_mode = False

    def __init__(self, **params):
        self.params = dict(dict(account_id="1234567", valid_days=365, rotate=False, key_type="ec-p256",
                                integration_name=None, organization=None), **params)

    def warn(self, _text):
        pass


@pytest.mark.parametrize("plant, rule", [
    (lambda p, victim: p.symlink_to(victim), "is a symbolic link"),
    (lambda p, victim: os.mkfifo(p), "is a FIFO (named pipe)"),
    (lambda p, victim: p.mkdir(), "is a directory"),
])
def test_a_bad_certificate_file_fails_before_vault_is_used(tmp_path, monkeypatch, plant, rule):
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    target = tmp_path / "cert.pem"
    plant(target, victim)

    def no_vault(*_args, **_kwargs):
        raise AssertionError("Vault was used before certificate_file was checked")
    monkeypatch.setattr(_m2m_tasks, "vault_secret", no_vault)
    with pytest.raises(CredentialInputError) as caught:
        _m2m_tasks._key_pair(_Module(certificate_file=str(target)))
    assert str(caught.value) == "certificate_file: %s %s" % (target, rule)
    assert victim.read_text() == "keep\n"


def test_the_same_certificate_is_not_written_again(tmp_path):
    target = tmp_path / "cert.pem"
    target.write_text("pem\n")
    before = target.stat().st_ino
    assert _m2m_tasks._write_certificate_file(_Module(), str(target), "pem\n") is False
    assert _m2m_tasks._write_certificate_file(_Module(), str(target), "other\n") is True
    assert target.read_text() == "other\n" and target.stat().st_ino != before
