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
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import CredentialInputError
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_context import TaskContext


@pytest.mark.parametrize("given, expected", [
    ("cert.pem", "{cwd}/cert.pem"),
    ("sub/../cert.pem", "{cwd}/sub/../cert.pem"),  # the file system resolves '..', after a link too
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
        self.no_log_values = set()

    def warn(self, _text):
        pass


def _context(**params):
    return TaskContext(_Module(**params))


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
    ctx = _context(certificate_file=str(target))
    monkeypatch.setattr(ctx, "vault_secret", no_vault)
    with pytest.raises(CredentialInputError) as caught:
        _m2m_tasks._key_pair(ctx)
    assert str(caught.value) == "certificate_file: %s %s" % (target, rule)
    assert victim.read_text() == "keep\n"


def test_the_same_certificate_is_not_written_again(tmp_path):
    target = tmp_path / "cert.pem"
    target.write_text("pem\n")
    before = target.stat().st_ino
    assert _m2m_tasks._write_certificate_file(_context(), str(target), "pem\n") is False
    assert _m2m_tasks._write_certificate_file(_context(), str(target), "other\n") is True
    assert target.read_text() == "other\n" and target.stat().st_ino != before


class _Stored:
    """Vault's side, in memory: an empty path that accepts one write."""

    def __init__(self):
        self.written = []
        self.mount_point, self.path, self.data_path = "secret", "x/pending", "secret/data/x/pending"
        self.metadata_path = "secret/metadata/x/pending"
        self.location = "x/pending (mount secret)"

    def read(self):
        return SimpleNamespace(exists=False, data={}, custom_metadata=None, current_version=None)

    def ensure_writable(self, _state):
        pass

    def write(self, data, cas):
        self.written.append(data)
        return 1

    def update_custom_metadata(self, _metadata):
        pass


def test_a_write_that_fails_after_the_pair_is_stored_says_changed_and_where(tmp_path, monkeypatch):
    """The check passed, then the directory went away: the pending pair is in Vault, so the
    failure must not say changed: false (it did, and the operator re-ran into a stale pair)."""
    target = tmp_path / "gone" / "cert.pem"
    target.parent.mkdir()
    stored = _Stored()
    real_write = _m2m_tasks.write_file

    def vanishing_directory(path, *args, **kwargs):
        target.parent.rmdir()
        return real_write(path, *args, **kwargs)
    monkeypatch.setattr(_m2m_tasks, "write_file", vanishing_directory)
    ctx = _context(certificate_file=str(target), path="x", engine_mount_point="secret")
    monkeypatch.setattr(ctx, "vault_secret", lambda _path=None: stored)
    finished = _m2m_tasks._key_pair(ctx)
    result = finished.result
    assert len(stored.written) == 1 and finished.failed
    assert result["changed"] is True and result["generated"] is True and result["failure_code"] == "input:invalid"
    assert result["msg"] == ("certificate_file: %s cannot be written: its directory does not exist; Generated a "
                             "ec-p256 key pair; the private key is stored only at x/pending (mount secret)" % target)
    assert stored.written[0]["private_key"] not in str(result)
