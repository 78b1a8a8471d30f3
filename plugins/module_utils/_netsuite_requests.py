# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""What a request to the account's own NetSuite may be, as immutable values, before anything is sent.

Four targets (``Target`` specs): a SuiteQL query, a record (type and optional ID), a RESTlet
deployment (script, deploy, params) and a REST path. ``build_request`` turns one into a Request
for the account's hosts (``account_hosts``); ``parse_user_request`` validates what the future
``netsuite_request`` module is given. A signed request carries the consumer key and token ID (or
an access token), so the one rule that matters most: a request only ever goes to the account's
own REST web services or RESTlet domain, whatever the input says.

Bad input raises RequestInputError naming the field and the rule, never the value. Standard
library only; no network, Vault or Ansible here (the probes: _netsuite_probes).
"""

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional, Tuple
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    is_loopback,
    resolve_netsuite_url,
)

REST_PREFIX = "/services/rest/"
SUITEQL_PATH = "/services/rest/query/v1/suiteql"
RECORD_PREFIX = "/services/rest/record/v1/"
RESTLET_PATH = "/app/site/hosting/restlet.nl"
SUITEQL_PAGE_MAX = 1000  # NetSuite's largest page (limit) for collections and SuiteQL
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
RESTLET_METHODS = ("GET", "POST", "PUT", "DELETE")  # the four entry points a RESTlet script has

QUERY_MAX = 100000  # characters of SuiteQL text; well past any hand-written query
URL_MAX = 2048
PARAMS_MAX = 50
PARAM_NAME_MAX = 64
PARAM_VALUE_MAX = 1024

_RECORD_TYPE = re.compile(r"[a-z][a-z0-9_]{0,99}\Z")
_INTERNAL_ID = re.compile(r"[0-9]{1,20}\Z")
_EXTERNAL_ID_MAX = 255
_SCRIPT_ID = {"script": re.compile(r"customscript[a-z0-9_]{1,60}\Z"),
              "deploy": re.compile(r"customdeploy[a-z0-9_]{1,60}\Z")}
_PARAM_NAME = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,%d}\Z" % PARAM_NAME_MAX)
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}\Z")
# Characters a path segment may hold as written: RFC 3986 unreserved, ':' (eid:...), ',', '=',
# and '%' escapes. No '@', '\\', '?', '#', whitespace: nothing a parser could read as a host.
_PATH_CHARS = re.compile(r"[A-Za-z0-9._~:,=%!*'()$+;/-]*\Z")


class RequestInputError(ValueError):
    """One or more request or probe values break a rule. ``problems`` holds one line per field."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        super(RequestInputError, self).__init__("; ".join(self.problems))


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SuiteQL:
    query: str
    kind = "suiteql"


@dataclass(frozen=True)
class RecordRef:
    record_type: str
    record_id: Optional[str] = None  # digits, or "eid:<external id>"
    kind = "record"


@dataclass(frozen=True)
class Restlet:
    script: str  # an internal ID (digits) or a customscript... ID
    deploy: str
    params: Tuple[Tuple[str, str], ...] = ()
    kind = "restlet"


@dataclass(frozen=True)
class RestPath:
    path: str  # under /services/rest/ (or the RESTlet path, for netsuite_request's url), no query
    params: Tuple[Tuple[str, str], ...] = ()  # the url's own query string, in order
    kind = "path"


@dataclass(frozen=True)
class AccountHosts:
    """Scheme and host (and port) of the account's REST web services and RESTlet domains."""
    rest_base: str
    restlet_base: str

    def bases(self):
        return tuple(dict.fromkeys((self.rest_base, self.restlet_base)))


@dataclass(frozen=True)
class Request:
    """One request as it will be sent: ``url`` has no query; ``params`` (ordered pairs, names
    unique) are the query, signed by TBA like the rest. ``body_text`` is the JSON body, if any."""
    kind: str
    method: str
    url: str
    params: Tuple[Tuple[str, str], ...] = ()
    body_text: Optional[str] = None
    headers: Tuple[Tuple[str, str], ...] = ()

    @property
    def json_body(self):
        return None if self.body_text is None else json.loads(self.body_text)

    def params_dict(self):
        return dict(self.params)

    def headers_dict(self):
        return dict(self.headers)


def account_hosts(account, netsuite_url=None):
    """The REST and RESTlet bases of ``account`` (a NetSuiteAccount). A loopback ``netsuite_url``
    (the emulator, which serves every host on one port and tells RESTlets by their path) is both;
    otherwise the RESTlet domain is the REST one with ``restlets.api`` for ``suitetalk.api``."""
    rest = resolve_netsuite_url(account, netsuite_url)
    parts = urlsplit(rest)
    if is_loopback(parts.hostname or ""):
        return AccountHosts(rest, rest)
    port = "" if parts.port is None else ":%d" % parts.port
    return AccountHosts(rest, "%s://%s.restlets.api.netsuite.com%s" % (parts.scheme, account.host_label, port))


# ---------------------------------------------------------------------------------------------
# Parsing one target
# ---------------------------------------------------------------------------------------------

def _printable(text, allow_newlines=False):
    for char in text:
        if allow_newlines and char in "\r\n\t":
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
            return False
    return True


def _text(value, name, maximum, problems, allow_newlines=False):
    if isinstance(value, bool) or not isinstance(value, str):
        problems.append("%s: must be text" % name)
        return None
    if not value.strip():
        problems.append("%s: must not be empty" % name)
        return None
    if len(value) > maximum:
        problems.append("%s: must be at most %d characters (got %d)" % (name, maximum, len(value)))
        return None
    if not _printable(value, allow_newlines):
        problems.append("%s: must not contain control or invisible characters" % name)
        return None
    return value


def parse_suiteql(value, name, problems):
    query = _text(value, name, QUERY_MAX, problems, allow_newlines=True)
    return None if query is None else SuiteQL(query.strip())


def _record_id(value, name, problems):
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    text = _text(value, name, _EXTERNAL_ID_MAX + 4, problems)
    if text is None:
        return None
    if _INTERNAL_ID.match(text):
        return text
    # An external ID goes into the path: no '/', '%' or '\\' a proxy or server could decode into
    # another path, and no '..' segment.
    if (text.startswith("eid:") and len(text) > 4 and not any(c.isspace() or c in "/%\\?#" for c in text)
            and ".." not in text):
        return text
    problems.append("%s: must be an internal ID (digits) or eid:<external ID> without spaces, '/', '%%', "
                    "'\\', '?', '#' or '..'" % name)
    return None


def parse_record(record_type, record_id, name, problems, id_name=None):
    text = _text(record_type, name, 100, problems)
    if text is not None and not _RECORD_TYPE.match(text):
        problems.append("%s: must be a record type name: lower-case letters, digits and _, "
                        "starting with a letter (e.g. customer, customrecord_sync)" % name)
        text = None
    rid = None if record_id is None else _record_id(record_id, id_name or name + ".id", problems)
    if text is None or (record_id is not None and rid is None):
        return None
    return RecordRef(text, rid)


def _param_text(item):
    """A parameter value as text, or None when it is not a finite number, a boolean or short printable text."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (int, float)) and not (isinstance(item, float) and not math.isfinite(item)):
        return str(item)
    if isinstance(item, str) and len(item) <= PARAM_VALUE_MAX and _printable(item):
        return item
    return None


def _param_pair(key, item, name, reserved, problems):
    if not isinstance(key, str) or not _PARAM_NAME.match(key):
        problems.append("%s: parameter names must be 1 to %d letters, digits or _.-[]" % (name, PARAM_NAME_MAX))
        return None
    if key in reserved:
        problems.append("%s.%s: is set by the collection; remove it" % (name, key))
        return None
    text = _param_text(item)
    if text is None:
        problems.append("%s.%s: must be text (at most %d printable characters), a number or a boolean"
                        % (name, key, PARAM_VALUE_MAX))
        return None
    return (key, text)


def _scalar_params(value, name, problems, reserved=()):
    """A mapping of parameter names to scalars, as ordered (name, text) pairs."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        problems.append("%s: must be a mapping of parameter names to values" % name)
        return None
    if len(value) > PARAMS_MAX:
        problems.append("%s: must have at most %d parameters" % (name, PARAMS_MAX))
        return None
    # Every pair is checked (not stopping at the first bad one) so all problems are listed.
    pairs = [_param_pair(key, item, name, reserved, problems) for key, item in value.items()]
    return None if None in pairs else tuple(pairs)


def _deployment_id(value, field_name, name, problems):
    where = "%s.%s" % (name, field_name)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    if isinstance(value, str) and _INTERNAL_ID.match(value) and int(value) > 0:
        return str(int(value))
    if isinstance(value, str) and _SCRIPT_ID[field_name].match(value):
        return value
    problems.append("%s: must be an internal ID (a positive integer) or a custom%s... ID" % (where, field_name))
    return None


def _restlet_keys_ok(value, name, problems):
    if not isinstance(value, dict):
        problems.append("%s: must be a mapping with script, deploy and optional params" % name)
        return False
    if any(key not in ("script", "deploy", "params") for key in value):
        problems.append("%s: takes only script, deploy and params" % name)
        return False
    return True


def _restlet_ids(value, name, problems):
    """(script, deploy): every missing one is named before any malformed one."""
    missing = [key for key in ("script", "deploy") if value.get(key) is None]
    for key in missing:
        problems.append("%s.%s: is required" % (name, key))
    return tuple(None if key in missing else _deployment_id(value[key], key, name, problems)
                 for key in ("script", "deploy"))


def parse_restlet(value, name, problems):
    if not _restlet_keys_ok(value, name, problems):
        return None
    script, deploy = _restlet_ids(value, name, problems)
    params = _scalar_params(value.get("params"), name + ".params", problems, reserved=("script", "deploy"))
    if script is None or deploy is None or params is None:
        return None
    return Restlet(script, deploy, params)


def _query_pairs(query, name, problems):
    pairs = parse_qsl(query, keep_blank_values=True)
    names = [pair[0] for pair in pairs]
    if len(pairs) > PARAMS_MAX or len(set(names)) != len(names):
        problems.append("%s: the query string must have at most %d parameters, each once" % (name, PARAMS_MAX))
        return None
    if not all(_PARAM_NAME.match(key) and _printable(item) for key, item in pairs):
        problems.append("%s: query parameter names must be letters, digits or _.-[] and values printable" % name)
        return None
    return tuple(pairs)


def _clean_path(path, name, problems):
    """The path if every segment is plain: no dot segments, no encoded '/', '\\', '.' or NUL
    that a server or proxy might decode into a different path."""
    if not path.startswith("/") or path.startswith("//") or not _PATH_CHARS.match(path):
        problems.append("%s: must be a path starting with a single / and holding only letters, digits, "
                        "%%-escapes and -._~:,=!*'()$+;" % name)
        return None
    for segment in path.split("/")[1:]:
        decoded = unquote(segment, errors="strict") if "%" in segment else segment
        if decoded in (".", "..") or any(c in decoded for c in "/\\%\x00") or not _printable(decoded):
            problems.append("%s: must not contain dot segments (. or ..), or escaped /, \\, %% or control "
                            "characters" % name)
            return None
    return path


def _plain_path(text, path, name, problems):
    """``path`` (the part of ``text`` before any ?) if it is plain, else None with the problem."""
    if any(c.isspace() or c == "\\" for c in path):
        problems.append("%s: the path must not contain whitespace or backslashes" % name)
        return None
    if "#" in text:
        problems.append("%s: must not contain a fragment (#)" % name)
        return None
    try:
        return _clean_path(path, name, problems)
    except UnicodeDecodeError:
        problems.append("%s: has a %%-escape that is not UTF-8" % name)
        return None


def _under_rest(path, name, problems, allow_restlet):
    if path.startswith(REST_PREFIX) and len(path) > len(REST_PREFIX) or allow_restlet and path == RESTLET_PATH:
        return True
    problems.append("%s: must be a path under %s%s" % (
        name, REST_PREFIX, " or %s" % RESTLET_PATH if allow_restlet else ""))
    return False


def parse_rest_path(value, name, problems, allow_restlet=False):
    """A path under /services/rest/ (with ``allow_restlet``, or the RESTlet path); not a URL:
    ``parse_target_url`` handles those. A query string is allowed: the host comes from the
    account's bases, never from this text, so it cannot move the request; NetSuite's collection
    filters live there (q, limit, offset, fields); and it becomes ``params``, signed like any."""
    text = _text(value, name, URL_MAX, problems)
    if text is None:
        return None
    path, query = (text.split("?", 1) + [""])[:2]
    path = _plain_path(text, path, name, problems)
    if path is None or not _under_rest(path, name, problems, allow_restlet):
        return None
    params = _query_pairs(query, name, problems)
    return None if params is None else RestPath(path, params)


def _plain_url_text(text):
    """Short enough, and no whitespace, backslash or unprintable character before any query."""
    return len(text) <= URL_MAX and not any(c.isspace() or c == "\\" or not c.isprintable() for c in text.split("?")[0])


def _split_url(text, refused, problems):
    """(origin, path and query) of ``text`` if it is a printable absolute http(s) URL without
    user information, else None with the problem."""
    if not _plain_url_text(text):
        problems.append(refused)
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        problems.append(refused)
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        problems.append(refused + "; user information, other schemes and relative URLs are refused")
        return None
    rest = text[len("%s://%s" % (parts.scheme, parts.netloc)):] or "/"
    return _origin(parts.scheme, parts.hostname or "", port), rest


def _origin(scheme, host, port):
    """scheme://host[:port] as the account's bases spell it (default port omitted)."""
    netloc = ("[%s]" % host if ":" in host else host) + (
        "" if port in (None, {"http": 80, "https": 443}[scheme]) else ":%d" % port)
    return "%s://%s" % (scheme, netloc)


def _served_on(target, base, hosts, name, problems):
    """True if ``base`` is the domain that serves ``target`` (RESTlet or REST web services)."""
    family_base = hosts.restlet_base if target.path == RESTLET_PATH else hosts.rest_base
    if base == family_base:
        return True
    problems.append("%s: %s is served on %s" % (
        name, "the RESTlet path" if target.path == RESTLET_PATH else "REST web services", family_base))
    return False


def parse_target_url(value, hosts, name, problems):
    """A REST path, or a full URL whose scheme, host and port are exactly one of the account's
    bases (REST paths on the REST domain, the RESTlet path on the RESTlet domain)."""
    if not isinstance(value, str) or value.startswith("/"):
        return parse_rest_path(value, name, problems, allow_restlet=True)
    refused = ("%s: must be a path such as %s... or a URL on the account's own NetSuite domains (%s)"
               % (name, REST_PREFIX, " or ".join(hosts.bases())))
    split = _split_url(value, refused, problems)
    if split is None:
        return None
    base, rest = split
    if base not in hosts.bases():
        problems.append(refused + "; this URL names another host")
        return None
    target = parse_rest_path(rest, name, problems, allow_restlet=True)
    if target is None or not _served_on(target, base, hosts, name, problems):
        return None
    return target


# ---------------------------------------------------------------------------------------------
# Building requests
# ---------------------------------------------------------------------------------------------

_JSON = (("Content-Type", "application/json"),)


def suiteql_request(query, hosts, limit=1, offset=0):
    """NetSuite's SuiteQL: a POST that reads (Prefer: transient), paged by limit/offset."""
    body = json.dumps({"q": query.query if isinstance(query, SuiteQL) else query})
    return Request("suiteql", "POST", hosts.rest_base + SUITEQL_PATH,
                   (("limit", str(limit)), ("offset", str(offset))), body,
                   (("Prefer", "transient"),) + _JSON)


def build_request(target, hosts, method="GET", body_text=None):
    """The Request for ``target``; with the defaults (what probes use) always read-only: a GET,
    or SuiteQL's POST whose only body is ``{"q": ...}``."""
    headers = _JSON if body_text is not None else ()
    if isinstance(target, SuiteQL):
        return suiteql_request(target, hosts)
    if isinstance(target, RecordRef):
        if target.record_id is None:
            return Request("record", method, hosts.rest_base + RECORD_PREFIX + target.record_type,
                           (("limit", "1"),) if method == "GET" else (), body_text, headers)
        url = "%s%s%s/%s" % (hosts.rest_base, RECORD_PREFIX, target.record_type, quote(target.record_id, safe=":"))
        return Request("record", method, url, (), body_text, headers)
    if isinstance(target, Restlet):
        params = (("script", target.script), ("deploy", target.deploy)) + target.params
        return Request("restlet", method, hosts.restlet_base + RESTLET_PATH, params, body_text, headers)
    if isinstance(target, RestPath):
        base = hosts.restlet_base if target.path == RESTLET_PATH else hosts.rest_base
        kind = "restlet" if target.path == RESTLET_PATH else "path"
        return Request(kind, method, base + target.path, target.params, body_text, headers)
    raise TypeError("not a request target: %s" % type(target).__name__)


def is_idempotent(request):
    """May be sent again after a 429, 5xx or timeout: GET, PUT, DELETE, and SuiteQL's POST (it
    reads). Never a plain POST (it may have created a record) nor PATCH."""
    return request.kind == "suiteql" or request.method in ("GET", "PUT", "DELETE")


def sent_in_check_mode(request):
    """Check mode sends only what reads: GET and SuiteQL. Everything else is reported as a change."""
    return request.kind == "suiteql" or request.method == "GET"


def changes_something(request):
    """``changed`` for the task: false for GET and SuiteQL, true for every write."""
    return not sent_in_check_mode(request)
