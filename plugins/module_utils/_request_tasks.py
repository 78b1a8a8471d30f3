# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""netsuite_request: one request (or one SuiteQL query's pages) to the account's own NetSuite,
signed with credentials read from Vault, so a playbook uses them without ever holding them.

Order: the options (every rule that needs no account, before Vault is asked anything); the
stored credentials (check_stored: missing, malformed or an expired M2M certificate fail without
a NetSuite request); an absolute ``url`` against the account's hosts; check mode (only GET and
SuiteQL are sent); then the login (M2M: one token for every page) and the request or the pages.
The answer is the user's data: shown as NetSuite sent it, except a body that holds any secret of
the task (a credential, an M2M assertion, the access token), which is withheld whole.
"""

import json
import math
import re

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._capability_probes import hint_for
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import check_stored
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure, netsuite_failure
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import MIB
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import NetSuiteClient
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import (
    RECORD_PREFIX,
    REST_PREFIX,
    AccountHosts,
    RecordRef,
    RequestInputError,
    RestPath,
    SuiteQL,
    account_hosts,
    changes_something,
    sent_in_check_mode,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_session import answer_error
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_user_request import (
    SuiteQLPageError,
    build_user_request,
    parse_user_request,
    suiteql_pages,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import WITHHELD, Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_check import STORED_CHECK_MINIMUMS
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_module import (
    KV_ARGSPEC,
    NETSUITE_ARGSPEC,
    argument_spec,
    fail_input,
    finish,
    validated_stored,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_runner import TaskDefinition

# The most one answer may hold: 1000 SuiteQL rows of a wide table are a few MiB; a bound, so a
# wrong path (a file cabinet download) cannot fill the controller's memory.
REQUEST_ANSWER_MAX_BYTES = 16 * MIB
# All SuiteQL pages of one task together: a bound on memory and on the time the scrub takes.
REQUEST_PAGES_MAX_BYTES = 64 * MIB

REQUEST_OPTIONS = dict(
    method=dict(type="str"),
    url=dict(type="str"),
    suiteql=dict(type="str"),
    restlet=dict(type="dict"),
    body=dict(type="raw"),
    params=dict(type="dict"),
    max_rows=dict(type="int"),
)

# Before the account is known, an absolute url stands in as a path: every other rule is checked.
_NO_HOSTS = AccountHosts("https://account.invalid", "https://account.invalid")
_URL_STAND_IN = REST_PREFIX + "stand-in"
_WITHHELD_WARNING = ("NetSuite's answer held a credential, assertion or token of this task, so it is "
                     "withheld whole; check what echoes requests between the controller and NetSuite")


def check_offline(values):
    """Every rule of the request options that needs no account (RequestInputError otherwise)."""
    url = values.get("url")
    if isinstance(url, str) and not url.startswith("/"):
        values = dict(values, url=_URL_STAND_IN)
    parse_user_request(values, _NO_HOSTS)


# ---------------------------------------------------------------------------------------------
# Reading the answer
# ---------------------------------------------------------------------------------------------

class _NotJson(Exception):
    """NetSuite answered 2xx with a body that is not JSON."""


_NOT_JSON_WARNING = ("NetSuite's answer was not JSON (a RESTlet returning text, or not NetSuite at netsuite_url): "
                     "json is null and the body is not returned")


class _Withheld(Exception):
    """An answer held a secret of the task: nothing of it is kept."""


def _answer_json(response, scrubber):
    """The parsed body (None when empty or not JSON); _Withheld when it holds a secret."""
    text = response.text
    if not text.strip():
        return None
    if scrubber.holds_secret(text):
        raise _Withheld()
    parsed = _strict_json(text)
    # A secret cut into pieces under separate keys is whole again in the values, in order.
    if parsed is not None and scrubber.holds_secret("".join(leaf for leaf in _leaves(parsed) if isinstance(leaf, str))):
        raise _Withheld()
    return parsed


def _refuse_constant(name):
    raise ValueError("%s is not JSON" % name)


def _strict_json(text):
    """The parsed body, or _NotJson: a body that is not JSON (a RESTlet's text, a proxy's page)
    or holds what JSON cannot (NaN, Infinity, a number too long to read)."""
    try:
        parsed = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise _NotJson() from None
    if any(isinstance(number, float) and not math.isfinite(number) for number in _leaves(parsed)):
        raise _NotJson()  # 1e99999 reads as infinity
    return parsed


def _leaves(value):
    """Every value inside a parsed JSON body that is not a list or an object, in order."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def created_record(location, hosts, scrubber):
    """{location, record_id} of a created record's Location header, only when it is the
    account's own REST record service naming a record type and an internal ID, as NetSuite's
    is, and echoes no secret; anything else is outside text and not shown."""
    prefix = hosts.rest_base + RECORD_PREFIX
    if not isinstance(location, str) or not location.startswith(prefix) or len(location) > 2048:
        return {}
    found = _CREATED.fullmatch(location[len(prefix):])
    if found is None or scrubber.holds_secret(location):
        return {}
    return {"location": location, "record_id": found.group(1)}


_CREATED = re.compile(r"[a-z][a-z0-9_]{0,99}/([0-9]{1,20})/?")


def _hint_target(request, target):
    """(kind, target) for hint_for: a url under the record service is read as that record."""
    if isinstance(target, RestPath) and target.path.startswith(RECORD_PREFIX):
        parts = target.path[len(RECORD_PREFIX):].split("/")
        return "record", RecordRef(parts[0], parts[1] if len(parts) > 1 and parts[1] else None)
    return request.kind, target


def request_failure(request, target, attempt, error):
    """The one failure shape of a non-2xx answer (or no answer) to ``request``."""
    status, code, detail = error
    kind, hint_target = _hint_target(request, target)
    hint = (attempt.hint if status is None else None) or hint_for(kind, status, code, hint_target, request.method)
    if status is None and changes_something(request):
        hint = ("NetSuite may have applied the %s before the answer was lost: check the record before "
                "sending it again (a write that may have been applied is never retried). %s" % (request.method, hint))
    return netsuite_failure(status, code, detail, hint, subject="the request", request="the request")


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------

class _Outcome:
    """What check_credentials reads of a test (ok, warnings, to_dict, failure), for the request."""

    probes = ()  # a request runs no capability probe

    def __init__(self, fields=None, failure=None, warnings=()):
        self.fields = fields or {}
        self.ok = failure is None
        self.warnings = tuple(warnings)
        self._failure = failure

    def to_dict(self):
        return {"tested": True, "ok": self.ok}

    def failure(self):
        return self._failure


def send_one(client, request, target, hosts):
    attempt = client.send(request)
    error = answer_error(attempt)
    if error is not None:
        return _Outcome({"status": error[0]}, request_failure(request, target, attempt, error))
    response = attempt.response
    scrubber = Scrubber(client.secrets)
    fields = {"status": response.status_code}
    fields.update(created_record(response.headers.get("Location"), hosts, scrubber))
    try:
        fields["json"] = _answer_json(response, scrubber)
    except _Withheld:
        fields = {"status": response.status_code, "json": WITHHELD, "withheld": True}
        return _Outcome(fields, warnings=[_WITHHELD_WARNING])
    except _NotJson:
        return _Outcome(dict(fields, json=None), warnings=[_NOT_JSON_WARNING])
    return _Outcome(fields)


class _PageFailed(Exception):
    def __init__(self, outcome):
        super().__init__("a SuiteQL page failed")
        self.outcome = outcome


def send_pages(client, user_request, hosts):
    """Every page of the query up to max_rows (suiteql_pages), as ``rows``."""
    scrubber = Scrubber(client.secrets)
    seen = {"pages": 0}

    def send(request):
        attempt = client.send(request)
        seen["pages"] += 1
        seen["bytes"] = seen.get("bytes", 0) + (len(attempt.response.content) if attempt.response is not None else 0)
        if seen["bytes"] > REQUEST_PAGES_MAX_BYTES:
            raise _PageFailed(_Outcome({"status": attempt.response.status_code, "pages": seen["pages"]}, Failure(
                "netsuite:RESPONSE_TOO_LARGE", "NetSuite's SuiteQL pages together exceed %d MiB" % (
                    REQUEST_PAGES_MAX_BYTES // MIB),
                "lower max_rows, or select fewer columns")))
        error = answer_error(attempt)
        if error is not None:
            raise _PageFailed(_Outcome({"status": error[0], "pages": seen["pages"]},
                                       request_failure(request, user_request.target, attempt, error)))
        try:
            return _answer_json(attempt.response, scrubber)
        except _NotJson:
            raise SuiteQLPageError("SuiteQL page %d is not JSON" % seen["pages"]) from None

    try:
        rows = suiteql_pages(send, user_request.target, hosts, user_request.max_rows)
    except _PageFailed as failed:
        return failed.outcome
    except _Withheld:
        # rows stays a list (playbooks loop over it); withheld says why it is empty.
        return _Outcome({"status": 200, "rows": [], "withheld": True, "pages": seen["pages"]},
                        warnings=[_WITHHELD_WARNING])
    except SuiteQLPageError as exc:
        return _Outcome({"status": 200, "pages": seen["pages"]}, Failure(
            "netsuite:UNEXPECTED_RESPONSE", "NetSuite gave no usable answer to the request: %s" % exc,
            "check netsuite_url: a SuiteQL answer is NetSuite's collection shape (items, hasMore)"))
    return _Outcome({"status": 200, "rows": list(rows.items), "total_results": rows.total_results,
                     "pages": rows.pages, "truncated": rows.truncated})


class RequestRun:
    """The part of the task that needs the stored credentials: check_stored's ``probe_for``."""

    def __init__(self, ctx, values):
        self._ctx = ctx
        self._values = values
        self.account = None
        self.request = None
        self.fields = {}

    def __call__(self, credentials):
        params = self._ctx.params
        hosts = account_hosts(credentials.account, params["netsuite_url"])
        self.account = dict(credentials.account.to_dict(), netsuite_url=hosts.rest_base)
        user_request = parse_user_request(self._values, hosts)  # an absolute url, now checkable
        self.request = request = build_user_request(user_request, hosts)
        if self._ctx.check_mode and not sent_in_check_mode(request):
            self.fields = {"sent": False, "attempts": 0}
            return _Outcome()
        with NetSuiteClient(credentials, hosts.rest_base, params["netsuite_timeout"], params["netsuite_validate_certs"],
                            hide=self._ctx.hide, max_bytes=REQUEST_ANSWER_MAX_BYTES) as client:
            refused = client.login()
            if refused is not None:
                self.fields = {"sent": False, "attempts": refused.attempts}
                return refused
            if isinstance(user_request.target, SuiteQL):
                outcome = send_pages(client, user_request, hosts)
            else:
                outcome = send_one(client, request, user_request.target, hosts)
            self.fields = dict(outcome.fields, sent=True, attempts=client.attempts)
        return outcome


# ---------------------------------------------------------------------------------------------
# The task
# ---------------------------------------------------------------------------------------------

def request_diff(request, body):
    """A write as --diff shows it: the method, the URL and the body's top-level keys, never
    values (the body may hold the user's own secrets) nor headers."""
    if isinstance(body, dict):
        shape = "body keys: %s" % (", ".join(sorted(str(key) for key in body)) or "(none)")
    elif isinstance(body, list):
        shape = "body: a list of %d item(s)" % len(body)
    else:
        shape = "body: %s" % ("none" if body is None else "a JSON value")
    return {"before": "", "after": "%s %s\n%s\n" % (request.method, request.url, shape),
            "before_header": "NetSuite", "after_header": "%s %s" % (request.method, request.url)}


def _changed(run, outcome):
    """Writes change something when NetSuite accepted them, or would have (check mode), or may
    have: a write sent whose answer never came (a timeout) is reported as a change."""
    if run.request is None or not changes_something(run.request):
        return False
    answer_lost = run.fields.get("sent") and run.fields.get("status") is None and run.fields.get("attempts")
    return bool(outcome.ok or answer_lost)


def _request(ctx):
    values = {name: ctx.params[name] for name in REQUEST_OPTIONS}
    run = RequestRun(ctx, values)
    try:
        check_offline(values)
        outcome = check_stored(
            ctx.vault_secret(), lambda data, auth_type, metadata: validated_stored(ctx, data, auth_type, metadata),
            run, version=ctx.params["version"])
    except RequestInputError as exc:
        return fail_input(ctx, "; ".join(exc.problems))
    ctx.warn(outcome.warnings)
    result = dict(run.fields, changed=_changed(run, outcome))
    if run.account or outcome.account:
        result["account"] = run.account or outcome.account
    if outcome.vault is not None:
        result["vault"] = outcome.vault
    if outcome.auth_type:
        result["auth_type"] = outcome.auth_type
    if ctx.diff and result["changed"]:
        result["diff"] = request_diff(run.request, values["body"])
    if outcome.ok:
        return finish(ctx, msg=_done_message(run), **result)
    result.update(outcome.failure.fields())
    return finish(ctx, failed=True, msg=outcome.failure.message(), **result)


def _done_message(run):
    if not run.fields.get("sent"):
        return "Not sent in check mode: %s would change NetSuite" % run.request.method
    return "NetSuite answered %s" % run.fields.get("status")


NETSUITE_REQUEST = TaskDefinition(
    name="netsuite_ops.credentials.netsuite_request",
    argument_spec=argument_spec(
        KV_ARGSPEC, NETSUITE_ARGSPEC, REQUEST_OPTIONS,
        version=dict(type="int"),
    ),
    # Exactly one of url, suiteql and restlet, and every other rule: parse_user_request, one message.
    body=_request,
    minimums={name: STORED_CHECK_MINIMUMS[name] for name in ("version", "netsuite_timeout")},
)
