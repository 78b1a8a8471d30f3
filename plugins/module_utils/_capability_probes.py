# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Capability probes: what an integration needs its role to allow, proved by read-only requests.

``parse_probes`` validates the ``probes`` option into immutable Probes (a name and one target:
suiteql, record, restlet or path); ``probe_request(probe, hosts)`` makes its request, which is read-only by construction: a GET, or SuiteQL's POST with only
``{"q": ...}``. ``probe_outcome`` turns NetSuite's answer into the outcome row the results and
reports show, with a hint naming what to check in the role; ``first_failure`` gives the account's
failure (the first failed probe, in declared order). A probe's query text, record type and IDs
are not secret and may be shown; NetSuite's detail must already have passed the untrusted-text
rules (the caller's error reader) before it reaches ``probe_outcome``. Standard library only.
"""

from dataclasses import dataclass
from typing import Optional

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure, netsuite_failure
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import (
    _FIELD_NAME,
    RequestInputError,
    build_request,
    parse_record,
    parse_rest_path,
    parse_restlet,
    parse_suiteql,
)

KINDS = ("suiteql", "record", "restlet", "path")
PROBES_MAX = 20  # each probe is a request on the account's concurrency budget
NAME_MAX = 64
# Keys that would make a probe write: refused by name rather than as merely unknown.
_WRITE_KEYS = ("method", "body", "data", "json")


@dataclass(frozen=True)
class Probe:
    name: str
    target: object  # SuiteQL, RecordRef, Restlet or RestPath (_netsuite_requests)

    @property
    def kind(self):
        return self.target.kind


def _probe_name(item, where, problems):
    name = item.get("name")
    if name is None:
        problems.append("%s.name: is required" % where)
    elif isinstance(name, bool) or not isinstance(name, str) or not name.strip():
        problems.append("%s.name: must be non-empty text" % where)
    elif len(name) > NAME_MAX:
        problems.append("%s.name: must be at most %d characters" % (where, NAME_MAX))
    elif not name.isprintable() or name != name.strip():
        problems.append("%s.name: must be printable, without leading or trailing spaces" % where)
    else:
        return name
    return None


def _target(item, where, kind, problems):
    field = "%s.%s" % (where, kind)
    if kind == "suiteql":
        return parse_suiteql(item[kind], field, problems)
    if kind == "record":
        return parse_record(item[kind], item.get("id"), field, problems, id_name=where + ".id")
    if kind == "restlet":
        return parse_restlet(item[kind], field, problems)
    if isinstance(item[kind], str) and not item[kind].startswith("/"):
        problems.append("%s: must be a path under /services/rest/, not a URL (a probe only reaches "
                        "the account's own REST web services)" % field)
        return None
    return parse_rest_path(item[kind], field, problems)


def _probe(item, where, problems):
    if not isinstance(item, dict):
        problems.append("%s: must be a mapping with a name and one of %s" % (where, ", ".join(KINDS)))
        return None
    before = len(problems)
    name = _probe_name(item, where, problems)
    for key in item:
        if key in _WRITE_KEYS:
            problems.append("%s.%s: probes are read-only (a GET, or SuiteQL); they take no %s"
                            % (where, key, key))
        elif key not in KINDS + ("name", "id"):
            label = key if isinstance(key, str) and _FIELD_NAME.match(key) else "(a key)"
            problems.append("%s.%s: unknown kind or key; a probe takes name and one of %s"
                            % (where, label, ", ".join(KINDS)))
    kinds = [kind for kind in KINDS if kind in item]
    if len(kinds) != 1:
        problems.append("%s: must have exactly one of %s (got %s)"
                        % (where, ", ".join(KINDS), " and ".join(kinds) or "none"))
    elif "id" in item and kinds != ["record"]:
        problems.append("%s.id: only a record probe takes an id" % where)
    if len(problems) > before:
        return None
    target = _target(item, where, kinds[0], problems)
    return None if target is None or name is None else Probe(name, target)


def parse_probes(value, name="probes"):
    """A tuple of Probes from the user's list (None or [] is no probes), or RequestInputError
    naming ``probes[<i>].<field>`` and the rule for every problem."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise RequestInputError(["%s: must be a list" % name])
    if len(value) > PROBES_MAX:
        raise RequestInputError(["%s: must have at most %d probes" % (name, PROBES_MAX)])
    problems, probes, seen = [], [], set()
    for index, item in enumerate(value):
        where = "%s[%d]" % (name, index)
        probe = _probe(item, where, problems)
        if probe is None:
            continue
        if probe.name in seen:
            problems.append("%s.name: is used by an earlier probe; names must be unique" % where)
        seen.add(probe.name)
        probes.append(probe)
    if problems:
        raise RequestInputError(problems)
    return tuple(probes)


def probe_request(probe, hosts):
    """The probe's Request: read-only by construction (no method or body can be given: a GET, or
    SuiteQL's POST with only ``{"q": ...}`` and ``Prefer: transient``, limit 1)."""
    return build_request(probe.target, hosts)


# ---------------------------------------------------------------------------------------------
# Outcomes and hints
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProbeOutcome:
    name: str
    kind: str
    ok: bool
    status: Optional[int] = None
    failure_code: Optional[str] = None
    reason: Optional[str] = None
    hint: str = ""  # said once for the account (first_failure), not in each row

    def to_dict(self):
        return {"name": self.name, "kind": self.kind, "ok": self.ok, "status": self.status,
                "failure_code": self.failure_code, "reason": self.reason}


def outcome_line(outcome):
    """An outcome row (``ProbeOutcome.to_dict()``) in one line for summaries and JUnit text:
    ``customers (record): ok`` or ``customers (record): FAILED netsuite:INSUFFICIENT_PERMISSION``."""
    result = "ok" if outcome.get("ok") else ("FAILED %s" % (outcome.get("failure_code") or "")).strip()
    return "%s (%s): %s" % (outcome.get("name"), outcome.get("kind"), result)


# The role permission behind each common record type (Setup > Users/Roles > Manage Roles).
RECORD_PERMISSIONS = {
    "customer": "Lists -> Customers", "contact": "Lists -> Contacts", "employee": "Lists -> Employees",
    "vendor": "Lists -> Vendors", "partner": "Lists -> Partners", "subsidiary": "Lists -> Subsidiaries",
    "inventoryitem": "Lists -> Items", "noninventoryitem": "Lists -> Items", "serviceitem": "Lists -> Items",
    "department": "Lists -> Departments", "location": "Lists -> Locations", "classification": "Lists -> Classes",
    "account": "Lists -> Accounts", "salesorder": "Transactions -> Sales Order",
    "invoice": "Transactions -> Invoice", "purchaseorder": "Transactions -> Purchase Order",
    "vendorbill": "Transactions -> Bills", "customerpayment": "Transactions -> Customer Payment",
    "journalentry": "Transactions -> Make Journal Entry",
}
LEVEL_FOR_METHOD = {"GET": "View", "POST": "Create", "PUT": "Edit", "PATCH": "Edit", "DELETE": "Full"}
_ROLE = "the role of the token (Setup > Users/Roles > Manage Roles)"
_REST_WS = ("%s needs Setup -> REST Web Services (Full); NetSuite answers USER_ERROR on every REST path "
            "without it" % _ROLE)
_WORKBOOK = ("%s needs Reports -> SuiteAnalytics Workbook, plus View on the record type behind each table "
             "the query reads (e.g. Lists -> Customers for customer)" % _ROLE)


def _record_permission(record_type, method="GET"):
    permission = RECORD_PERMISSIONS.get(record_type)
    level = LEVEL_FOR_METHOD.get(method, "View")
    if permission:
        return "%s at %s (or higher)" % (permission, level)
    if record_type.startswith("customrecord"):
        return "the custom record type's permission (Lists -> Custom Record Entries, or the record's own " \
               "access) at %s" % level
    return "the permission for the %s record type at %s" % (record_type, level)


def _restlet_hint(target):
    return ("check script %s, deployment %s (Customization > Scripting > Script Deployments): Deployed is "
            "checked, Status is Released (Testing runs only for the script owner), and its Audience "
            "includes %s" % (target.script, target.deploy, _ROLE)) if target else (
        "check the script and deploy IDs and the deployment's status (Released) and audience (the role)")


@dataclass(frozen=True)
class _Answer:
    """One failed probe answer, as the hint rules read it."""
    kind: str
    status: Optional[int]
    code: str
    target: object
    method: str

    @property
    def record(self):
        return getattr(self.target, "record_type", None)


_LOGIN_CODES = ("INVALID_LOGIN_ATTEMPT", "INVALID_LOGIN")
_THROTTLE_HINT = ("NetSuite's concurrency limit for the account was reached; retry later, or lower the "
                  "integrations' concurrent requests (Setup > Integration > Integration Governance)")
_RESTLET_LOGIN_HINT = ("the RESTlet refused a login that REST web services accept: an OAuth 2.0 (M2M) "
                       "integration and its token need the RESTlets scope; a TBA role must not be Web Services "
                       "Only (RESTlets run SuiteScript); check %s" % _ROLE)
_QUERY_NAMES_HINT = ("check the query's table and column names, and that %s may View each table's record type "
                     "(NetSuite reports a table the role cannot read as not found)" % _ROLE)


# Each rule returns its hint when the answer matches, else None; hint_for takes the first match,
# so the order below is the precedence (throttling and outages first; _fallback when none matches).
def _throttled(answer):
    if answer.code in ("CONCURRENCY_LIMIT_EXCEEDED", "SSS_REQUEST_LIMIT_EXCEEDED") or answer.status == 429:
        return _THROTTLE_HINT
    return None


def _server_failed(answer):
    if answer.status is not None and answer.status >= 500:
        return "NetSuite failed to answer; retry later (Oracle's status page shows incidents)"
    return None


def _rest_ws_missing(answer):
    return _REST_WS if answer.code == "USER_ERROR" and answer.kind != "restlet" else None


def _restlet_refused(answer):
    if answer.code == "SSS_INVALID_SCRIPTLET_ID" or (answer.kind == "restlet" and answer.status in (400, 403, 404)):
        return _restlet_hint(answer.target)
    return None


def _login_refused(answer):
    if answer.code in _LOGIN_CODES and answer.kind == "restlet":
        return _RESTLET_LOGIN_HINT
    if answer.code in _LOGIN_CODES or answer.status == 401:
        return "the credentials were refused; run the connection test for the login checklist"
    return None


def _permission_missing(answer):
    if answer.code != "INSUFFICIENT_PERMISSION" and answer.status != 403:
        return None
    if answer.kind == "suiteql":
        return _WORKBOOK
    if answer.kind == "record" and answer.record:
        return "%s needs %s" % (_ROLE, _record_permission(answer.record, answer.method))
    return "%s lacks the permission for this record or service (at the level the method needs)" % _ROLE


def _query_names(answer):
    return _QUERY_NAMES_HINT if answer.code == "INVALID_PARAMETER" and answer.kind == "suiteql" else None


def _record_id_missing(answer):
    if answer.code in ("NONEXISTENT_ID", "RCRD_DSNT_EXIST") or (
            answer.status == 404 and answer.code != "NOT_FOUND" and getattr(answer.target, "record_id", None)):
        return "check the record ID: no %s record with that ID exists in this account" % (answer.record or "such")
    return None


def _not_found(answer):
    if answer.status != 404 and answer.code != "NOT_FOUND":
        return None
    if answer.kind == "record":
        return "check the record type name (REST record service names, e.g. customer, salesorder)"
    return "check the path: NetSuite has no such REST resource for this account"


def _method_refused(answer):
    if answer.code == "METHOD_NOT_ALLOWED" or answer.status == 405:
        return "this path does not take that method (check the record ID and the method)"
    return None


def _fallback(answer):
    if answer.kind == "suiteql":
        return "check the query (SuiteQL syntax) and %s" % _WORKBOOK
    return "check the request against NetSuite's REST API for this path"


_HINT_RULES = (_throttled, _server_failed, _rest_ws_missing, _restlet_refused, _login_refused,
               _permission_missing, _query_names, _record_id_missing, _not_found, _method_refused)


def hint_for(kind, status, error_code, target=None, method="GET"):
    """What to check when a ``kind`` request (suiteql, record, restlet, path) got ``status`` and
    NetSuite's ``error_code``. ``target`` (the probe's target) lets the hint name the record
    type or deployment; ``method`` sets the record permission level (View for GET)."""
    answer = _Answer(kind, status, (error_code or "").upper(), target, method)
    for rule in _HINT_RULES:
        hint = rule(answer)
        if hint is not None:
            return hint
    return _fallback(answer)


def probe_outcome(probe, status, error_code=None, detail=None):
    """The outcome row of ``probe`` after NetSuite answered ``status`` (None: no answer, with
    the collection's transport code as ``error_code``); 2xx is a pass."""
    if status is not None and 200 <= status < 300:
        return ProbeOutcome(probe.name, probe.kind, True, status)
    failure = netsuite_failure(status, error_code, detail, hint_for(probe.kind, status, error_code, probe.target),
                               subject="the request", request="the probe")
    return ProbeOutcome(probe.name, probe.kind, False, status, failure.code, failure.reason, failure.hint)


def first_failure(outcomes):
    """The account's Failure: the first failed probe in declared order (its name in the reason),
    or None when every probe passed."""
    for outcome in outcomes:
        if not outcome.ok:
            reason = "probe %s (%s) failed: %s" % (outcome.name, outcome.kind, outcome.reason)
            return Failure(outcome.failure_code, reason, outcome.hint)
    return None
