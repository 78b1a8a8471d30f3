# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""meta/ee-requirements.txt is the one list of runtime packages: every install line a user copies
from the README or a guide installs that file or exactly its packages, and the hint of a
missing-package failure says the same. (A new user's M2M rows all failed on a missing PyJWT
because three snippets listed only hvac and requests-oauthlib.)"""
import glob
import os
import re

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_hints import INSTALL_COMMAND

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DOCS = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
TOOLS = {"ansible-core", "ansible"}  # what a snippet may install besides the runtime packages


def runtime_packages():
    names = set()
    with open(os.path.join(ROOT, "meta", "ee-requirements.txt")) as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line:
                names.add(re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0].lower())
    return names


def install_lines():
    """(file:line, the packages named) for every `pip install` that installs a runtime package."""
    runtime = runtime_packages()
    for path in DOCS:
        with open(path) as handle:
            for number, line in enumerate(handle, 1):
                match = re.search(r"pip install ([^`#]*)", line)  # up to the end of an inline snippet
                if not match or "-r meta/ee-requirements.txt" in line:
                    continue
                words = [w for w in match.group(1).split() if not w.startswith("-")]
                named = {re.split(r"[<>=!~\[]", w, maxsplit=1)[0].lower() for w in words}
                if named & runtime:
                    yield "%s:%d" % (os.path.relpath(path, ROOT), number), named - TOOLS


def test_the_list_holds_what_the_m2m_test_imports():
    assert runtime_packages() == {"hvac", "requests-oauthlib", "cryptography", "pyjwt"}


@pytest.mark.parametrize("where, named", list(install_lines()))
def test_every_install_snippet_installs_the_whole_list(where, named):
    assert named == runtime_packages(), where


def test_the_snippets_were_found():
    """The README's git route, verify.md's CI examples and vault_auth.md's: a parser that finds
    nothing would pass every snippet."""
    assert len(list(install_lines())) >= 5


def test_the_missing_package_hint_installs_the_whole_list():
    assert INSTALL_COMMAND.startswith("pip install ")
    assert {w.lower() for w in INSTALL_COMMAND.split()[2:]} == runtime_packages()


def test_the_execution_environment_reads_the_list():
    with open(os.path.join(ROOT, "meta", "execution-environment.yml")) as handle:
        assert "python: meta/ee-requirements.txt" in handle.read()
