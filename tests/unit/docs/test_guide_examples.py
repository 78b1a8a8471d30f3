# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The YAML examples of the guides a user copies (docs/using.md, docs/verify.md) stay valid: every
block parses, every collection task names a module that exists with options it documents, every
probe list passes the probes' own validation, and every netsuite_request example passes the
module's request validation. (The examples were run by hand against OpenBao and the emulator from
an installed tarball; this keeps them from drifting from the code without a run.)"""
import importlib
import os
import re

import pytest
import yaml

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import parse_account_id
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import parse_probes
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import account_hosts
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_user_request import (
    parse_user_request,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
GUIDES = ("docs/using.md", "docs/verify.md")
PREFIX = "netsuite_ops.credentials."
PLUGINS = "ansible_collections.netsuite_ops.credentials.plugins"
TASK_KEYWORDS = {"name", "register", "when", "loop", "vars", "delegate_to", "no_log", "tags", "environment"}
REQUEST_KEYS = ("method", "url", "suiteql", "restlet", "body", "params", "max_rows")


def yaml_blocks():
    for guide in GUIDES:
        with open(os.path.join(ROOT, guide)) as handle:
            text = handle.read()
        for match in re.finditer(r"```yaml\n(.*?)```", text, re.S):
            yield "%s:%d" % (guide, text.count("\n", 0, match.start()) + 2), match.group(1)


BLOCKS = list(yaml_blocks())
DATA = {where: yaml.safe_load(block) for where, block in BLOCKS}


def walk(value):
    yield value
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        yield from walk(child)


def collection_tasks():
    for where, data in DATA.items():
        for node in walk(data):
            if isinstance(node, dict):
                for key in node:
                    if isinstance(key, str) and key.startswith(PREFIX):
                        yield where, key[len(PREFIX):], node[key]


def probe_lists():
    for where, data in DATA.items():
        for node in walk(data):
            if isinstance(node, dict):
                for key in ("netsuite_verify_probes", "probes"):
                    if isinstance(node.get(key), list):
                        yield where, key, node[key]


def documented_options(module):
    doc = yaml.safe_load(importlib.import_module("%s.modules.%s" % (PLUGINS, module)).DOCUMENTATION)
    options = set(doc.get("options", {}))
    for fragment in doc.get("extends_documentation_fragment", []):
        name, dummy, part = fragment[len(PREFIX):].partition(".")
        source = importlib.import_module("%s.doc_fragments.%s" % (PLUGINS, name)).ModuleDocFragment
        options |= set(yaml.safe_load(getattr(source, part.upper() or "DOCUMENTATION")).get("options") or {})
    return options


def test_the_examples_were_found():
    """A parser that finds nothing would pass every example."""
    assert len(BLOCKS) >= 10
    assert {task[1] for task in collection_tasks()} >= {"credential_check", "netsuite_request"}
    assert len(list(probe_lists())) >= 5


@pytest.mark.parametrize("where, block", BLOCKS)
def test_every_block_parses(where, block):
    assert yaml.safe_load(block) is not None, where


@pytest.mark.parametrize("where, module, options", list(collection_tasks()))
def test_every_task_uses_documented_options(where, module, options):
    unknown = set(options) - documented_options(module) - TASK_KEYWORDS
    assert not unknown, "%s: %s has no option %s" % (where, module, sorted(unknown))


@pytest.mark.parametrize("where, key, probes", list(probe_lists()))
def test_every_probe_list_is_valid(where, key, probes):
    assert len(parse_probes(probes, name=key)) == len(probes), where


@pytest.mark.parametrize("where, options", [(where, options) for where, module, options in collection_tasks()
                                            if module == "netsuite_request"])
def test_every_request_is_valid(where, options):
    hosts = account_hosts(parse_account_id("1234567")[0])
    parse_user_request({key: options.get(key) for key in REQUEST_KEYS}, hosts)
