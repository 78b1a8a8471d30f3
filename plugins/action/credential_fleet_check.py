# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller side of netsuite_ops.credentials.credential_fleet_check (documented in
plugins/modules/credential_fleet_check.py): check every selected account in this process.

Each host's settings come from its variables (netsuite_verify_*, or their former names
tba_verify_* as a fallback), validated with the same argument
spec machinery and the same ``vault`` option spec (environment fallbacks, defaults, no_log) as
the modules; the checking, the summary, the report and the JUnit XML are
module_utils/_fleet_check.py's.
"""

import json
import os
import re
import time

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import parse_probes
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_check import (
    DEFAULT_CONCURRENCY,
    DEFAULT_PER_ACCOUNT_CONCURRENCY,
    AccountSettings,
    FleetChecker,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_processes import run_in_workers
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_report import (
    JUNIT_TEST_CASE_NAME,
    failed_hosts,
    junit_xml,
    report_json,
    summary_lines,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import RequestInputError
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._safe_file import (
    FileTargetError,
    check_target,
    write_file,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._short_secrets import (
    is_short_secret,
    short_secret_options,
    short_secret_warning,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_check import STORED_CHECK_ARGSPEC
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._option_checks import (
    option_problem,
    unknown_vault_keys,
    vault_option_problems,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_auth import SECRET_ENV_VARS
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VAULT_CONNECTION_ARGSPEC,
    connection_secrets,
)

display = Display()

# The per-host options (credential_check's options for a stored secret, from the same specs),
# each read from the host variable netsuite_verify_<option>. The former names tba_verify_<option>
# keep working as a fallback (a variable cannot be redirected): the new name wins.
HOST_ARGSPEC = dict(VAULT_CONNECTION_ARGSPEC, **STORED_CHECK_ARGSPEC)
VARIABLE_PREFIX = "netsuite_verify_"
FORMER_VARIABLE_PREFIX = "tba_verify_"
HOST_VARIABLES = {VARIABLE_PREFIX + option: option for option in HOST_ARGSPEC}
FORMER_HOST_VARIABLES = {FORMER_VARIABLE_PREFIX + option: option for option in HOST_ARGSPEC}
# The verify playbook's own variables (extra vars), renamed the same way; the playbook reads the
# new name first. The plugin sees them in its task variables and warns when both differ.
PLAYBOOK_VARIABLES = ("hosts", "concurrency", "per_account_concurrency", "processes", "report_path")

PLUGIN_ARGSPEC = dict(
    VAULT_CONNECTION_ARGSPEC,
    hosts=dict(type="list", elements="str"),
    concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
    per_account_concurrency=dict(type="int", default=DEFAULT_PER_ACCOUNT_CONCURRENCY),
    processes=dict(type="int"),
    report_path=dict(type="path"),
    junit_dir=dict(type="path"),
    junit_test_case_name=dict(type="str", default=JUNIT_TEST_CASE_NAME),
    fail_on_error=dict(type="bool", default=True),
)

_SETTINGS_HINT = "Fix this host's netsuite_verify_* variables in the inventory; nothing was tested."


def _plain(value):
    """Plain Python data (templated values may be str subclasses or lazy containers)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _hide(scrubber, short_secrets, value):
    """Register a secret: a short one (_short_secrets) is masked as a whole value only."""
    if value in (None, ""):
        return
    if is_short_secret(str(value)) and short_secrets is not None:
        short_secrets.add(str(value))
    else:
        scrubber.add(value)


def _short_secret_warnings(params, vault_variable):
    """One warning per setting that holds a secret too short to hide reliably (never the value)."""
    prefix = vault_variable[:-len("vault")] if vault_variable else "the task's "
    return [short_secret_warning(prefix + name)
            for name in sorted({name for name, _value in short_secret_options(HOST_ARGSPEC, params)})]


def _renamed_differs(variables, suffix):
    """A warning (naming both variables, never a value) when netsuite_verify_<suffix> and its
    former name tba_verify_<suffix> are both set to different values, else None."""
    name, former = VARIABLE_PREFIX + suffix, FORMER_VARIABLE_PREFIX + suffix
    if name in variables and former in variables and _plain(variables[name]) != _plain(variables[former]):
        return "%s and %s (its former name) are both set, to different values: %s is used" % (name, former, name)
    return None


def _playbook_warnings(task_vars):
    return [warning for warning in (_renamed_differs(task_vars, suffix) for suffix in PLAYBOOK_VARIABLES) if warning]


def _read_variables(variables):
    """(raw options, the variable each was read from, warnings) from a host's variables: the new
    name wins over the former one; both set to different values is worth a warning naming both
    (never a value: it may be a secret)."""
    raw, names, warnings = {}, {}, []
    for option in HOST_ARGSPEC:
        name, former = VARIABLE_PREFIX + option, FORMER_VARIABLE_PREFIX + option
        if name in variables:
            raw[option], names[option] = _plain(variables[name]), name
            warnings += [warning for warning in [_renamed_differs(variables, option)] if warning]
        elif former in variables:
            raw[option], names[option] = _plain(variables[former]), former
    return raw, names, warnings


def _validated(raw, known):
    """(parameters, no_log values, error messages) of ``raw`` validated against HOST_ARGSPEC.
    Computed once per distinct settings but the path, kept in ``known``: a fleet's hosts mostly
    differ in their path alone, and each validation cost about 0.7 ms (0.7 s of 1000 hosts)."""
    path = raw.get("path")
    if not isinstance(path, str):
        result = ArgumentSpecValidator(HOST_ARGSPEC).validate(raw)
        return result.validated_parameters, result._no_log_values, result.error_messages  # pylint: disable=protected-access
    key = json.dumps(dict(raw, path=""), sort_keys=True)
    if key not in known:
        result = ArgumentSpecValidator(HOST_ARGSPEC).validate(dict(raw, path=""))
        known[key] = (result.validated_parameters, frozenset(result._no_log_values),  # pylint: disable=protected-access
                      tuple(result.error_messages))
    parameters, no_log_values, errors = known[key]
    return dict(parameters, path=path), no_log_values, errors


def _variables_of(host, hostvars):
    """{raw, names, warnings} of a host's settings (_read_variables), or {problem} when its
    variables cannot be read; plain data, so a worker process can send it back as JSON."""
    try:
        raw, names, warnings = _read_variables(hostvars[host])
        return {"raw": raw, "names": names, "warnings": warnings}
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # An undefined variable in a template, a vault-encrypted value that cannot be decrypted...
        return {"problem": "Cannot read this host's variables: %s" % " ".join(str(exc).split())[:500]}


def _variables_of_all(hosts, hostvars, workers):
    """[_variables_of(host)] for ``hosts``, read by ``workers`` forked processes when more than one:
    Ansible builds each host's variables anew (about 1 ms a host: all its variable sources, its
    facts), which took a second of a 1000-host fleet before any account was checked."""
    if workers <= 1:
        return [_variables_of(host, hostvars) for host in hosts]

    def work(shard, _number):
        context = _task_warnings()
        before = [len(found) for found in _captured(context)]
        rows = [_variables_of(host, hostvars) for host in shard]
        new = [warning for found, count in zip(_captured(context), before) for warning in found[count:]]
        return {"rows": rows, "warnings": [_warning_text(warning) for warning in new]}

    def lost(_host, why):
        return {"problem": "Cannot read this host's variables: the process reading them ended (%s)" % why}

    try:
        payloads, rows = run_in_workers(hosts, workers, work, lost)
    except OSError:  # no process could be forked (a limit)
        return [_variables_of(host, hostvars) for host in hosts]
    for payload in payloads:
        for text in payload.get("warnings") or ():
            display.warning(text)
    return rows


def _task_warnings():
    """The task's warning collector (ansible-core 2.19+), or None. A reader process's warnings
    (a template's lookup that warns) are collected there, in its own copy, and would be lost with
    it: the reader sends them back, to be shown as they would be in one process. Before 2.19 a
    warning goes to Ansible's main process at once, from any process."""
    try:
        from ansible._internal._display_utils import DeferredWarningContext  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return DeferredWarningContext.current(optional=True)


def _captured(context):
    """The warnings and the deprecations collected so far (two lists), none without a collector."""
    if context is None:
        return [[], []]
    return [list(context.get_warnings()), list(context.get_deprecation_warnings())]


def _warning_text(warning):
    try:
        from ansible._internal._display_utils import format_message  # pylint: disable=import-outside-toplevel
        return format_message(warning, False).strip()
    except Exception:  # pylint: disable=broad-exception-caught
        return str(getattr(getattr(warning, "event", None), "msg", warning))


def _host_settings(host, hostvars, scrubber, default_vault=None, short_secrets=None, known=None, read=None):
    """AccountSettings for one host, from its variables; a problem with them becomes its row.
    ``default_vault``: the task's own O(vault) (from module_defaults, say), for hosts without
    netsuite_verify_vault; like module_defaults, a host's dict replaces it whole. ``short_secrets``
    collects secrets too short to be searched for inside text; ``known``: validations already
    made in this run (see _validated); ``read``: the host's variables already read (_variables_of)."""
    read = _variables_of(host, hostvars) if read is None else read
    if "problem" in read:
        return AccountSettings(host=host, problem=(read["problem"], _SETTINGS_HINT))
    raw, names, warnings = read["raw"], read["names"], read["warnings"]
    if "vault" not in raw and default_vault:
        raw["vault"] = _plain(default_vault)
    vault = raw.get("vault")
    if isinstance(vault, dict):
        for value in connection_secrets(vault):
            _hide(scrubber, short_secrets, value)
    elif vault is not None:
        return AccountSettings(host=host, problem=(
            "%s must be a dictionary of connection options (url, token, ...), not a %s"
            % (names.get("vault", VARIABLE_PREFIX + "vault"), type(vault).__name__), _SETTINGS_HINT))
    params, no_log_values, errors = _validated(raw, {} if known is None else known)
    for value in no_log_values:
        _hide(scrubber, short_secrets, value)
    if errors:
        # ansible-core's messages quote the refused value (a token pasted into the wrong
        # variable, say): say which settings and which rule, never the value.
        return AccountSettings(host=host, path=raw.get("path"), problem=(
            "Invalid netsuite_verify_* settings: %s" % "; ".join(_problems_without_values(raw)), _SETTINGS_HINT))
    variable = names.get("probes", VARIABLE_PREFIX + "probes")
    try:
        probes = parse_probes(params.get("probes"), variable)
    except RequestInputError as exc:
        # Each problem names <variable>[i].<field> and the rule, never the value.
        return AccountSettings(host=host, path=raw.get("path"), problem=(
            "Invalid %s: %s" % (variable, exc), _SETTINGS_HINT))
    return _settings(host, params, warnings + _short_secret_warnings(params, names.get("vault")), probes)


def _settings(host, params, warnings, probes=()):
    """AccountSettings from validated options (``probes`` parsed)."""
    return AccountSettings(
        host=host, path=params.get("path"), engine_mount_point=params.get("engine_mount_point") or "secret",
        version=params.get("version"), max_age_days=params.get("max_age_days"),
        min_certificate_days=params.get("min_certificate_days"), netsuite_url=params.get("netsuite_url"),
        netsuite_timeout=params.get("netsuite_timeout"),
        netsuite_validate_certs=params.get("netsuite_validate_certs"), vault=params.get("vault") or {},
        warnings=warnings, probes=probes)


def _problems_without_values(raw):
    problems = []
    for name, spec in HOST_ARGSPEC.items():
        value = raw.get(name)
        if name == "vault" and isinstance(value, dict):
            problems += vault_option_problems(spec, value)
            problems += [problem for _key, problem, _masked in unknown_vault_keys(spec, value)]
        else:
            problems.append(option_problem(name, spec, value))
    return [problem for problem in problems if problem] or ["a value of the wrong type (not shown)"]


def _resolved(path):
    """A user's relative path is relative to where ansible-playbook was started (this process's
    working directory), not to the playbook."""
    return os.path.abspath(os.path.expanduser(path)) if path else None


def _junit_dir(option):
    if option:
        return _resolved(option)
    if os.environ.get("JUNIT_OUTPUT_DIR"):
        return _resolved(os.environ["JUNIT_OUTPUT_DIR"])
    enabled = [name.strip() for name in (C.CALLBACKS_ENABLED or [])]
    if "junit" in enabled or "ansible.builtin.junit" in enabled:
        # Where the junit callback writes without JUNIT_OUTPUT_DIR.
        return _resolved("~/.ansible.log")
    return None


def _junit_classname(task_path):
    """The classname ansible-core's junit callback gives a task, with its JUNIT_* settings."""
    classname = task_path or ""
    relative_to = os.environ.get("JUNIT_TASK_RELATIVE_PATH", "")
    if relative_to and classname:
        classname = os.path.relpath(classname, relative_to)
    out_of_tree = os.environ.get("JUNIT_REPLACE_OUT_OF_TREE_PATH")
    if out_of_tree is not None and classname.startswith("../"):
        classname = out_of_tree + os.path.basename(classname)
    if os.environ.get("JUNIT_TASK_CLASS", "False").lower() == "true":
        classname = re.sub(r"\.yml:[0-9]+$", "", classname)
    return classname


def _prepare(option, path):
    """Before any account is checked: the report's directory is made (as the junit callback
    makes its own) and the file checked, so a link, a directory or a FIFO there fails at once."""
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    except OSError:
        pass  # check_target names what is wrong with the directory
    return check_target(path, option)


def _write(out, option, path, text):
    """Write a report file; a file that cannot be written fails the check (CI would miss its
    artifact) but keeps every account's result and the summary."""
    try:
        return write_file(_prepare(option, path), text, option)
    except FileTargetError as exc:
        reason = exc.failure.reason
        out.update(ok=False, msg="%s; %s" % (out["msg"], reason))
        out.setdefault("file_errors", []).append(reason)
        out.update(exc.failure.fields())
        return None


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(PLUGIN_ARGSPEC)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result["changed"] = False
        # Every secret a fleet may take from the environment (tokens, secret IDs, passwords, JWTs).
        scrubber, short_secrets = Scrubber(), set()
        for name in SECRET_ENV_VARS:
            _hide(scrubber, short_secrets, os.environ.get(name))
        try:
            result.update(self._run(task_vars or {}, scrubber, short_secrets))
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # Scrubbed before the cut: a cut first could leave a part the search no longer finds.
            result.update(failed=True, msg=scrubber.one_line("credential_fleet_check failed: %s%s" % (
                "" if isinstance(exc, (AnsibleError, OSError, ValueError)) else type(exc).__name__ + ": ", exc), 1000))
        return result

    def _run(self, task_vars, scrubber, short_secrets):
        started = time.monotonic()
        _validation, options = self.validate_argument_spec(argument_spec=PLUGIN_ARGSPEC)
        try:
            # The limits are the checker's (checked there once).
            checker = FleetChecker(options["concurrency"], options["per_account_concurrency"], scrubber, short_secrets,
                                   options["processes"])
        except ValueError as exc:
            return dict(failed=True, msg=str(exc))
        task_path = self._task.get_path() or ""
        suite = os.path.splitext(os.path.basename(re.sub(r":[0-9]+$", "", task_path)))[0] or "verify"
        files = _output_files(options, suite)
        try:
            for option, path in files.items():
                _prepare(option, path)
        except FileTargetError as exc:
            reason = "%s; no account was checked" % exc.failure.reason
            return dict(failed=True, ok=False, rows=[], summary=[reason], failed_hosts=[], msg=reason,
                        file_errors=[exc.failure.reason], **exc.failure.fields())
        rows = checker.check(self._accounts(options, task_vars, scrubber, short_secrets, checker.workers_for))
        for warning in checker.warnings:
            display.warning(warning)
        out = _outcome(rows, scrubber)
        _write_outputs(out, files, rows, scrubber, lambda: junit_xml(
            rows, str(task_vars.get("ansible_play_name") or ""), suite_name=suite,
            classname=_junit_classname(task_path), case_name=options["junit_test_case_name"]))
        out["seconds"] = round(time.monotonic() - started, 3)
        out["processes"] = checker.processes_used
        if out["failed_hosts"] and options["fail_on_error"]:
            out["failed"] = True
        return out

    def _accounts(self, options, task_vars, scrubber, short_secrets, workers_for=lambda count: 1):
        """The AccountSettings of every host to check (O(hosts), else the play's hosts), their
        variables read by as many processes as will check them (``workers_for(count)``)."""
        for warning in _playbook_warnings(task_vars):
            display.warning(warning)
        hosts = options["hosts"]
        if hosts is None:
            hosts = task_vars.get("ansible_play_hosts_all") or task_vars.get("ansible_play_hosts") or []
        hostvars = task_vars.get("hostvars") or {}
        task_vault = self._task.args.get("vault")
        if not isinstance(task_vault, dict):
            task_vault = None
        for value in connection_secrets(task_vault or {}):
            _hide(scrubber, short_secrets, value)
        hosts = [str(host) for host in hosts]
        known = {}
        return [_host_settings(host, hostvars, scrubber, task_vault, short_secrets, known, read)
                for host, read in zip(hosts, _variables_of_all(hosts, hostvars, workers_for(len(hosts))))]


def _output_files(options, suite):
    """{option: absolute path} of the report and the JUnit file to write."""
    files = {}
    if options["report_path"]:
        files["report_path"] = _resolved(options["report_path"])
    junit_dir = _junit_dir(options["junit_dir"])
    if junit_dir:
        files["junit_dir"] = os.path.join(junit_dir, "%s-accounts-%s.xml" % (suite, time.time()))
    return files


def _outcome(rows, scrubber):
    failed = failed_hosts(rows)
    summary = [scrubber.scrub(line) for line in summary_lines(rows)]
    return dict(ok=not failed, rows=rows, summary=summary, failed_hosts=failed,
                msg=summary[-1] if rows else "No account to check")


def _write_outputs(out, files, rows, scrubber, junit_text):
    if "report_path" in files:
        out["report_path"] = _write(out, "report_path", files["report_path"], scrubber.scrub(report_json(rows)))
    if "junit_dir" in files:
        out["junit_path"] = _write(out, "junit_dir", files["junit_dir"], scrubber.scrub(junit_text()))
