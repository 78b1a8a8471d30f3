# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""User-given relative paths resolve against where ansible-playbook was started (issue 11)."""
import os

from ansible_collections.netsuite_ops.credentials.plugins.filter.controller_path import FilterModule, controller_path


def test_relative_paths_resolve_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert controller_path("runbooks/x.md") == str(tmp_path / "runbooks" / "x.md")
    assert controller_path("./a/../report.json") == str(tmp_path) + "/./a/../report.json"


def test_dot_dot_after_a_link_means_what_the_file_system_says(tmp_path, monkeypatch):
    """'link/../x' is x beside the link's target, not beside the link: never normalized as text."""
    (tmp_path / "b" / "sub").mkdir(parents=True)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "link").symlink_to(tmp_path / "b" / "sub")
    monkeypatch.chdir(tmp_path / "a")
    resolved = controller_path("link/../cert.pem")
    assert os.path.realpath(os.path.dirname(resolved)) == str(tmp_path / "b")


def test_absolute_home_and_empty_paths(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert controller_path("/srv/report.json") == "/srv/report.json"
    assert controller_path("~/r.json") == os.path.join(str(tmp_path), "r.json")
    assert controller_path("") == "" and controller_path(None) is None


def test_registered_as_a_filter():
    assert FilterModule().filters()["controller_path"] is controller_path
