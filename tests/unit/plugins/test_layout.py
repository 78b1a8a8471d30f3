# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shape of plugins/: no import cycle (function-level imports included, so no cycle can
hide in a function), no file over 500 lines, and a TBA task that never loads the M2M units."""
import ast
import os
import pathlib
import subprocess
import sys

PLUGINS = pathlib.Path(__file__).resolve().parents[3] / "plugins"
PACKAGE = "ansible_collections.netsuite_ops.credentials.plugins"
MAX_LINES = 500
# The units only M2M credentials need (cryptography, PyJWT, oauthlib's OAuth 2.0 half).
M2M_UNITS = ("_m2m_assertion", "_m2m_credentials", "_m2m_keygen", "_m2m_tasks", "_m2m_token", "_pem", "_probe_m2m")


def plugin_modules():
    """{dotted name: path} of every Python file under plugins/."""
    found = {}
    for path in sorted(PLUGINS.rglob("*.py")):
        parts = path.relative_to(PLUGINS).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((PACKAGE,) + parts)] = path
    return found


def imported_names(path):
    """Every module name an import anywhere in the file may refer to (``from a import b`` gives
    both ``a`` and ``a.b``: b may be a module)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update("%s.%s" % (node.module, alias.name) for alias in node.names)
    return names


def import_graph():
    modules = plugin_modules()
    return {name: sorted(imported_names(path) & set(modules) - {name}) for name, path in modules.items()}


def find_cycle(graph):
    """One import cycle as a list of module names (first == last), or None."""
    state = {}  # name -> "open" while on the DFS path, "done" after
    path = []

    def visit(name):
        state[name] = "open"
        path.append(name)
        for target in graph.get(name, ()):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state:
            cycle = visit(name)
            if cycle:
                return cycle
    return None


def test_find_cycle_sees_a_cycle_and_its_absence():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b", "c"], "b": ["c"], "c": []}) is None


def test_plugins_have_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 40 and any(graph.values())  # the scan found the units and their imports
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(name.rsplit(".", 1)[1] for name in cycle)


def test_no_file_in_plugins_is_over_500_lines():
    too_long = {
        str(path.relative_to(PLUGINS)): count
        for path in plugin_modules().values()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long, "over %d lines: %s" % (MAX_LINES, too_long)


TBA_PATH = """
import sys
from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _check_tasks, _tba_tasks
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import load_stored
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import probe_connection

hidden = []
data = {"account_id": "1234567_SB1", "consumer_key": "a" * 64, "consumer_secret": "b" * 64,
        "token_id": "c" * 64, "token_secret": "d" * 64}
credentials, _ = load_stored(data, "tba", hidden.extend)
# Port 9 on the loopback: refused at once, so the whole TBA test path runs without a server.
result = probe_connection(credentials, "http://127.0.0.1:9", max_attempts=1, timeout=5)
assert result.error_code == "CONNECTION_ERROR", result.error_code
print(" ".join(sorted(name for name in sys.modules if name.startswith(("jwt", "cryptography")) or
                      name.rsplit(".", 1)[-1] in %r)))
""" % (M2M_UNITS,)


def test_a_tba_task_loads_no_m2m_unit():
    """Importing the TBA and check tasks, reading a stored TBA secret and testing it load none of
    the M2M units (nor PyJWT or cryptography): TBA users need neither."""
    done = subprocess.run([sys.executable, "-c", TBA_PATH], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == ""


def test_the_m2m_path_does_load_them():
    """The check above can fail: the same scan sees the M2M units once M2M credentials are read."""
    code = TBA_PATH.split("hidden = []", maxsplit=1)[0] + (
        "from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _probe_m2m\n"
        "print(' '.join(sorted(n.rsplit('.', 1)[-1] for n in sys.modules if n.rsplit('.', 1)[-1] in %r)))\n"
        % (M2M_UNITS,))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert {"_probe_m2m", "_m2m_token", "_m2m_assertion"} <= set(done.stdout.split())
