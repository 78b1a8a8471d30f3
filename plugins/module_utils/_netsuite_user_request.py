# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""netsuite_request's input and SuiteQL pagination, on top of _netsuite_requests' targets.

``parse_user_request`` validates the module's options (exactly one of url, suiteql, restlet; a
method; a JSON body; query params; max_rows) into an immutable UserRequest before anything is
sent; ``build_user_request`` makes its Request; ``suiteql_pages`` drives SuiteQL's offset paging
through a caller's ``send``. Standard library only.
"""

import json
import math
from dataclasses import dataclass
from typing import Optional, Tuple

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_requests import (
    METHODS,
    RESTLET_METHODS,
    SUITEQL_PAGE_MAX,
    Request,
    RequestInputError,
    SuiteQL,
    _scalar_params,
    build_request,
    parse_restlet,
    parse_suiteql,
    parse_target_url,
    suiteql_request,
)

BODY_MAX = 10 * 1024 * 1024  # characters of JSON: a bound, so a mistaken variable cannot be megabytes of upload
MAX_ROWS_MAX = 100000  # the most SuiteQL rows one task returns: a bound on memory and on NetSuite's time


# ---------------------------------------------------------------------------------------------
# netsuite_request's input
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UserRequest:
    method: str
    target: object  # SuiteQL, Restlet or RestPath
    body_text: Optional[str] = None
    params: Tuple[Tuple[str, str], ...] = ()
    max_rows: int = SUITEQL_PAGE_MAX


def _body_text(body, name, problems):
    try:
        text = json.dumps(body, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        problems.append("%s: must be JSON (mappings, lists, text, numbers, booleans, null)" % name)
        return None
    if len(text) > BODY_MAX:
        problems.append("%s: must be at most %d characters as JSON" % (name, BODY_MAX))
        return None
    return text


def _max_rows(value, problems):
    if value is None:
        return SUITEQL_PAGE_MAX
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROWS_MAX:
        problems.append("max_rows: must be an integer from 1 to %d" % MAX_ROWS_MAX)
        return None
    return value


def _request_kind(values, problems):
    """The one target option given, else None with the problem noted (the other options are still
    checked, so one run names every problem)."""
    given = [key for key in ("url", "suiteql", "restlet") if values.get(key) is not None]
    if len(given) != 1:
        problems.append("url, suiteql, restlet: exactly one is required (got %s)" % (" and ".join(given) or "none"))
        return None
    return given[0]


def _method(value, problems):
    if value is None:
        return None
    if not isinstance(value, str) or value.upper() not in METHODS:
        problems.append("method: must be one of %s" % ", ".join(METHODS))
        return None
    return value.upper()


def _suiteql_target(values, hosts, method, problems):
    target = parse_suiteql(values["suiteql"], "suiteql", problems)
    if method not in (None, "POST"):
        problems.append("method: SuiteQL is always sent as POST (it only reads); leave method unset")
    for key in ("body", "params"):
        if values.get(key) is not None:
            problems.append("%s: not used with suiteql (the query is the body; the pages are limit/offset)" % key)
    return target, "POST"


def _restlet_target(values, hosts, method, problems):
    target = parse_restlet(values["restlet"], "restlet", problems)
    method = method or "GET"
    if method not in RESTLET_METHODS:
        problems.append("method: a RESTlet takes %s" % ", ".join(RESTLET_METHODS))
    return target, method


def _url_target(values, hosts, method, problems):
    return parse_target_url(values["url"], hosts, "url", problems), method or "GET"


# Each returns (target, method): the kind's own checks and its default (or only) method.
_TARGET_PARSERS = {"suiteql": _suiteql_target, "restlet": _restlet_target, "url": _url_target}


def _check_combination(values, kind, method, target, params, problems):
    """Rules across options, checked once each option is parsed on its own."""
    if values.get("max_rows") is not None and kind != "suiteql":
        problems.append("max_rows: used only with suiteql")
    if values.get("body") is not None and method in ("GET", "DELETE"):
        problems.append("body: a %s sends no body" % method)
    if target is not None and params:
        own = {pair[0] for pair in getattr(target, "params", ())}
        if own & {pair[0] for pair in params}:
            problems.append("params: a parameter is also in the url's query string; give it once")


def parse_user_request(values, hosts):
    """A UserRequest from netsuite_request's options (method, url, suiteql, restlet, body, params,
    max_rows), or RequestInputError listing every problem."""
    problems = []
    kind = _request_kind(values, problems)
    method = _method(values.get("method"), problems)
    body = values.get("body")
    body_text = None if body is None else _body_text(body, "body", problems)
    params = _scalar_params(values.get("params"), "params", problems,
                            reserved=("script", "deploy") if kind == "restlet" else ())
    max_rows = _max_rows(values.get("max_rows"), problems)
    if kind is not None:
        target, method = _TARGET_PARSERS[kind](values, hosts, method, problems)
        _check_combination(values, kind, method, target, params, problems)
    if problems:
        raise RequestInputError(problems)
    return UserRequest(method, target, body_text, params or (), max_rows)


def build_user_request(user_request, hosts, limit=None, offset=0):
    """The Request for a UserRequest; SuiteQL pages take ``limit``/``offset`` (suiteql_pages does)."""
    target = user_request.target
    if isinstance(target, SuiteQL):
        return suiteql_request(target, hosts, limit or min(SUITEQL_PAGE_MAX, user_request.max_rows), offset)
    request = build_request(target, hosts, user_request.method, user_request.body_text)
    return Request(request.kind, request.method, request.url, request.params + user_request.params,
                   request.body_text, request.headers)


# ---------------------------------------------------------------------------------------------
# SuiteQL pagination
# ---------------------------------------------------------------------------------------------

class SuiteQLPageError(ValueError):
    """A page that is not NetSuite's collection shape (its content is not shown: outside text)."""


@dataclass(frozen=True)
class SuiteQLRows:
    items: tuple  # the rows, in order, without NetSuite's per-row "links"
    total_results: Optional[int]
    pages: int
    truncated: bool  # more rows were there than max_rows (or than the page cap allowed)


def _rows_of(page, number):
    items = page.get("items") if isinstance(page, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise SuiteQLPageError("SuiteQL page %d is not NetSuite's collection shape (items)" % number)
    return [{key: value for key, value in item.items() if not (key == "links" and isinstance(value, list))}
            for item in items]


def _total_of(page):
    """NetSuite's totalResults when it is an integer (outside text: anything else is ignored)."""
    total = page.get("totalResults")
    return total if isinstance(total, int) and not isinstance(total, bool) else None


def suiteql_pages(send, query, hosts, max_rows, page_size=SUITEQL_PAGE_MAX):
    """Every row of ``query`` up to ``max_rows``: pages of one constant ``limit`` (NetSuite's
    maximum unless max_rows is smaller), ``offset`` advancing by it while ``hasMore``.
    ``send(request)`` returns the parsed JSON page or raises. At most ceil(max_rows / limit)
    pages are fetched, so a server that claims hasMore forever (or sends short pages) still ends."""
    limit = max(1, min(page_size, SUITEQL_PAGE_MAX, max_rows))
    page_cap = math.ceil(max_rows / limit)
    rows, total, pages, more = [], None, 0, False
    while pages < page_cap:
        page = send(suiteql_request(query, hosts, limit, pages * limit))
        pages += 1
        found = _rows_of(page, pages)
        if pages == 1:
            total = _total_of(page)
        room = max_rows - len(rows)
        rows.extend(found[:room])
        more = page.get("hasMore") is True or len(found) > room
        if not more or not found or len(rows) >= max_rows:
            break
    return SuiteQLRows(tuple(rows), total, pages, more and (len(rows) >= max_rows or pages >= page_cap))
