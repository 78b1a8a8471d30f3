"""What an authenticated request may do on the emulated NetSuite account: the role, a small record
store, a SuiteQL subset and RESTlet deployments (test code, standard library only).

The emulator authenticates first (netsuite_tba_emulator.py); this module then authorizes by the
account's role and answers. Errors are raised as ``NetSuiteError`` (REST web services body) or
``RestletError`` (RESTlet body); the emulator turns them into HTTP answers. See README.md next to
this file for the role model, the sources and where the emulator had to choose.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

SUITEQL_PATH = "/services/rest/query/v1/suiteql"
RECORD_PREFIX = "/services/rest/record/v1/"
RESTLET_PATH = "/app/site/hosting/restlet.nl"
MAX_PAGE = 1000  # Oracle: SuiteQL and record collections return at most 1000 items per page

LEVELS = ("none", "view", "create", "edit", "full")  # NetSuite's permission levels, in order
# What each method needs on the record type (Create includes View; Edit includes Create; Full adds delete).
METHOD_LEVEL = {"GET": "view", "POST": "create", "PUT": "edit", "PATCH": "edit", "DELETE": "full"}
# REST record type -> the role permission NetSuite names in its Permission Violation message.
RECORD_PERMISSIONS = {
    "customer": "Lists -> Customers",
    "contact": "Lists -> Contacts",
    "employee": "Lists -> Employees",
    "vendor": "Lists -> Vendors",
    "subsidiary": "Lists -> Subsidiaries",
    "inventoryitem": "Lists -> Items",
    "salesorder": "Transactions -> Sales Order",
}
# SuiteQL table -> REST record type whose rows (and permission) it reads. Sales orders live in
# SuiteQL's `transaction` table, which the emulator does not model.
SUITEQL_TABLES = {"customer": "customer", "contact": "contact", "employee": "employee", "vendor": "vendor",
                  "subsidiary": "subsidiary", "item": "inventoryitem"}
DEPLOYMENT_STATUSES = ("released", "testing", "not_scheduled")
ADMINISTRATOR_ROLE_ID = 3  # NetSuite's internal ID of the Administrator role

ROLE_FIELDS = ("id", "name", "rest_web_services", "suiteanalytics_workbook", "records", "restlets")
DEPLOYMENT_FIELDS = ("script", "deploy", "script_id", "deploy_id", "status", "deployed", "audience")

WORKBOOK_PERMISSION = "Reports -> SuiteAnalytics Workbook"
USER_ERROR_DETAIL = "Your current role does not have permission to perform this action."
NONEXISTENT_DETAIL = "The record instance does not exist. Provide a valid record instance ID."
SEARCH_PREFIX = "Invalid search query. Detailed unprocessed description follows. "
INVALID_SCRIPTLET_MESSAGE = "That Suitelet is invalid, disabled, or no longer exists."


class NetSuiteError(Exception):
    """A REST web services error: status, o:errorCode, detail, extra members of the detail
    (o:errorQueryParam, o:errorHeader...)."""

    def __init__(self, status: int, code: str, detail: str, **extra):
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


class RestletError(Exception):
    """A RESTlet error, answered as {"error": {"code", "message"}}; ``cause`` goes to the audit trail."""

    def __init__(self, status: int, code: str, message: str, cause: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.cause = status, code, message, cause


@dataclass
class Answer:
    status: int
    body: object = None  # None: no body (204)
    headers: dict = field(default_factory=dict)


# --- the role ------------------------------------------------------------------------------------

def default_role() -> dict:
    """What an account without "role" gets: everything at Full, and one released RESTlet open to
    all roles, so accounts written before roles existed keep working."""
    return {"id": ADMINISTRATOR_ROLE_ID, "name": "Administrator", "rest_web_services": True,
            "suiteanalytics_workbook": True, "records": {name: "full" for name in RECORD_PERMISSIONS},
            "restlets": [{"script": 100, "deploy": 1, "script_id": "customscript_echo",
                          "deploy_id": "customdeploy_echo", "status": "released", "deployed": True,
                          "audience": "all"}]}


def normalize_role(role) -> dict:
    """A checked copy of the account's "role", defaults filled in; ValueError naming the field.

    Missing keys take the default role's value, except that a given "records" lists every record
    type the role has: the others are "none". A given "restlets" replaces the default deployment.
    """
    if role is None:
        return default_role()
    if not isinstance(role, dict):
        raise ValueError("role must be a JSON object")
    unknown = sorted(set(role) - set(ROLE_FIELDS))
    if unknown:
        raise ValueError(f"unknown role fields: {', '.join(unknown)}")
    normalized = default_role()
    normalized.update(role)
    if not isinstance(normalized["id"], int) or isinstance(normalized["id"], bool):
        raise ValueError("role.id must be an integer (the role's internal ID)")
    if not isinstance(normalized["name"], str):
        raise ValueError("role.name must be a string")
    for flag in ("rest_web_services", "suiteanalytics_workbook"):
        if not isinstance(normalized[flag], bool):
            raise ValueError(f"role.{flag} must be true or false")
    records = normalized["records"]
    if not isinstance(records, dict) or not set(records) <= set(RECORD_PERMISSIONS):
        raise ValueError(f"role.records must map record types ({', '.join(RECORD_PERMISSIONS)}) to levels")
    if not set(records.values()) <= set(LEVELS):
        raise ValueError(f"role.records levels must be one of {', '.join(LEVELS)}")
    normalized["records"] = {name: records.get(name, "none") for name in RECORD_PERMISSIONS}
    if not isinstance(normalized["restlets"], list):
        raise ValueError("role.restlets must be a list of deployments")
    normalized["restlets"] = [_normalize_deployment(d) for d in normalized["restlets"]]
    return normalized


def _normalize_deployment(deployment) -> dict:
    if not isinstance(deployment, dict) or set(deployment) - set(DEPLOYMENT_FIELDS):
        raise ValueError(f"role.restlets items must be objects with keys among {', '.join(DEPLOYMENT_FIELDS)}")
    result = {"script_id": None, "deploy_id": None, "status": "released", "deployed": True, "audience": "all"}
    result.update(deployment)
    for key in ("script", "deploy"):
        if not isinstance(result.get(key), int) or isinstance(result[key], bool):
            raise ValueError(f"role.restlets[].{key} must be an integer (internal ID)")
    for key in ("script_id", "deploy_id"):
        if result[key] is not None and not isinstance(result[key], str):
            raise ValueError(f"role.restlets[].{key} must be a string")
    if result["status"] not in DEPLOYMENT_STATUSES:
        raise ValueError(f"role.restlets[].status must be one of {', '.join(DEPLOYMENT_STATUSES)}")
    if not isinstance(result["deployed"], bool):
        raise ValueError("role.restlets[].deployed must be true or false")
    audience = result["audience"]
    if audience != "all" and not (isinstance(audience, list) and all(isinstance(r, int) for r in audience)):
        raise ValueError('role.restlets[].audience must be "all" or a list of role IDs')
    return result


def level_allows(level: str, needed: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(needed)


def permission_violation(record_type: str, level: str) -> NetSuiteError:
    """Oracle's INSUFFICIENT_PERMISSION texts: "You need the '...' permission" when the role has
    none, "You need a higher level of the '...' permission" when it has too low a level."""
    name = RECORD_PERMISSIONS[record_type]
    need = "the" if level == "none" else "a higher level of the"
    return NetSuiteError(403, "INSUFFICIENT_PERMISSION",
                         f"Permission Violation: You need {need} '{name}' permission to access this page. "
                         "Please contact your account administrator.")


# --- the data ------------------------------------------------------------------------------------

def _seed() -> dict:
    """Small deterministic tables; 25 customers so pagination has several pages."""
    return {
        "subsidiary": [{"id": "1", "name": "Parent Company", "country": "US", "isinactive": "F"},
                       {"id": "2", "name": "Honeycomb Mfg.", "country": "US", "isinactive": "F"},
                       {"id": "3", "name": "Honeycomb UK", "country": "GB", "isinactive": "F"}],
        "customer": [{"id": str(100 + n), "entityid": f"CUST{n:04d}", "companyname": f"Customer {n:02d}",
                      "subsidiary": str(1 + n % 3), "isinactive": "F" if n % 5 else "T"} for n in range(1, 26)],
        "contact": [{"id": "301", "entityid": "Ada Lovelace", "company": "101", "isinactive": "F"},
                    {"id": "302", "entityid": "Alan Turing", "company": "102", "isinactive": "F"}],
        "employee": [{"id": str(n), "entityid": name, "subsidiary": "1", "isinactive": "F"}
                     for n, name in ((-5, "Integration User"), (7, "Grace Hopper"), (8, "Edsger Dijkstra"))],
        "vendor": [{"id": "501", "entityid": "VEND0001", "companyname": "Paper Supplies Inc.", "isinactive": "F"},
                   {"id": "502", "entityid": "VEND0002", "companyname": "Cloud Hosting Ltd", "isinactive": "F"}],
        "inventoryitem": [{"id": "601", "itemid": "WIDGET-1", "displayname": "Widget", "isinactive": "F"},
                          {"id": "602", "itemid": "GADGET-1", "displayname": "Gadget", "isinactive": "F"}],
        "salesorder": [{"id": "701", "tranid": "SO0001", "entity": "101", "status": "pendingFulfillment"},
                       {"id": "702", "tranid": "SO0002", "entity": "102", "status": "billed"}],
    }


def normalize_data(data) -> dict:
    """The account's "data": record type -> rows (objects with an "id"), replacing that type's seed."""
    if data is None:
        return {}
    if not isinstance(data, dict) or not set(data) <= set(RECORD_PERMISSIONS):
        raise ValueError(f"data must map record types ({', '.join(RECORD_PERMISSIONS)}) to lists of rows")
    result = {}
    for record_type, rows in data.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) and isinstance(r.get("id"), (str, int))
                                                 for r in rows):
            raise ValueError(f"data.{record_type} must be a list of objects with an id")
        result[record_type] = [dict(r, id=str(r["id"])) for r in rows]
    return result


class RecordStore:
    """One account's records: type -> {id: fields}, in insertion order; ids are strings."""

    def __init__(self, data: dict):
        tables = _seed()
        tables.update(copy.deepcopy(data))
        self.tables = {t: {row["id"]: dict(row) for row in rows} for t, rows in tables.items()}
        self._next_id = 10000

    def rows(self, record_type: str) -> list[dict]:
        return [dict(row) for row in self.tables[record_type].values()]

    def get(self, record_type: str, record_id: str) -> dict:
        row = self.tables[record_type].get(record_id)
        if row is None:
            raise NetSuiteError(404, "NONEXISTENT_ID", NONEXISTENT_DETAIL)
        return dict(row)

    def create(self, record_type: str, fields: dict) -> str:
        self._next_id += 1
        record_id = str(self._next_id)
        self.tables[record_type][record_id] = dict(fields, id=record_id)
        return record_id

    def update(self, record_type: str, record_id: str, fields: dict):
        self.get(record_type, record_id)  # 404 first
        self.tables[record_type][record_id].update(fields, id=record_id)

    def delete(self, record_type: str, record_id: str):
        self.get(record_type, record_id)
        del self.tables[record_type][record_id]

    def by_external_id(self, record_type: str, external_id: str) -> str | None:
        return next((i for i, row in self.tables[record_type].items() if row.get("externalId") == external_id), None)


# --- paging --------------------------------------------------------------------------------------

def page_bounds(query: str, default_limit: int) -> tuple[int, int]:
    """limit (1..1000) and offset (>= 0) from the query string; 400 INVALID_PARAMETER otherwise."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    values = {}
    for name, default, low, high in (("limit", default_limit, 1, MAX_PAGE), ("offset", 0, 0, None)):
        raw = params.get(name, str(default))
        if not re.fullmatch(r"[0-9]+", raw) or int(raw) < low or (high is not None and int(raw) > high):
            bound = f"from {low} to {high}" if high else f"of at least {low}"
            raise NetSuiteError(400, "INVALID_PARAMETER",
                                f"Invalid value for the query parameter '{name}': it must be an integer {bound}.",
                                **{"o:errorQueryParam": name})
        values[name] = int(raw)
    return values["limit"], values["offset"]


def paged(items: list, limit: int, offset: int, url: str, extra_query: dict | None = None) -> dict:
    """NetSuite's collection shape: links (first/prev/next/last/self), count, hasMore, items,
    offset, totalResults."""
    total = len(items)
    page = items[offset:offset + limit]

    def link(rel, at):
        return {"rel": rel, "href": f"{url}?{urlencode(dict(extra_query or {}, limit=limit, offset=at))}"}
    last = max(0, (total - 1) // limit * limit)
    links = [link("first", 0)]
    if offset > 0:
        links.append(link("prev", max(0, offset - limit)))
    if offset + limit < total:
        links.append(link("next", offset + limit))
    links += [link("last", last), link("self", offset)]
    return {"links": links, "count": len(page), "hasMore": offset + limit < total, "items": page,
            "offset": offset, "totalResults": total}


# --- SuiteQL -------------------------------------------------------------------------------------

@dataclass
class Query:
    columns: list  # ["*"] or column names
    table: str
    where: list  # [(column, value)]
    order: tuple | None  # (column, descending)


_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_VALUE = r"'(?:[^']|'')*'|-?[0-9]+(?:\.[0-9]+)?"
_SUITEQL = re.compile(
    rf"\s*SELECT\s+(?P<cols>\*|{_IDENT}(?:\s*,\s*{_IDENT})*)\s+FROM\s+(?P<table>{_IDENT})"
    rf"(?:\s+WHERE\s+(?P<where>{_IDENT}\s*=\s*(?:{_VALUE})(?:\s+AND\s+{_IDENT}\s*=\s*(?:{_VALUE}))*))?"
    rf"(?:\s+ORDER\s+BY\s+(?P<order>{_IDENT})(?:\s+(?P<dir>ASC|DESC))?)?\s*;?\s*",
    re.IGNORECASE | re.DOTALL)
_CONDITION = re.compile(rf"({_IDENT})\s*=\s*({_VALUE})", re.IGNORECASE)


def search_error(message: str) -> NetSuiteError:
    return NetSuiteError(400, "INVALID_PARAMETER", SEARCH_PREFIX + message, **{"o:errorQueryParam": "q"})


def parse_suiteql(text) -> Query:
    """SELECT cols|* FROM table [WHERE col = value [AND ...]] [ORDER BY col [ASC|DESC]]."""
    match = _SUITEQL.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise search_error("Search error occurred: Invalid or unsupported search.")
    columns = [c.strip().lower() for c in match["cols"].split(",")]
    where = [(name.lower(), value[1:-1].replace("''", "'") if value.startswith("'") else value)
             for name, value in _CONDITION.findall(match["where"] or "")]
    order = (match["order"].lower(), (match["dir"] or "").upper() == "DESC") if match["order"] else None
    return Query(columns, match["table"].lower(), where, order)


def run_suiteql(query: Query, rows: list[dict]) -> list[dict]:
    """Rows of ``query`` over ``rows``, values as strings (as NetSuite's SuiteQL answers)."""
    known = sorted({key for row in rows for key in row} | {"id"})
    named = [c for c in query.columns if c != "*"] + [c for c, _value in query.where] + ([query.order[0]] if query.order else [])
    for name in named:
        if name not in known:
            raise search_error(f"Search error occurred: Unknown identifier '{name}'. "
                               f"Available identifiers are: {{{query.table}={query.table}}}.")
    selected = [r for r in rows if all(str(r.get(c, "")) == v for c, v in query.where)]
    if query.order:
        column, descending = query.order
        selected.sort(key=lambda r: _sort_key(r.get(column)), reverse=descending)
    columns = known if query.columns == ["*"] else query.columns
    return [dict({"links": []}, **{c: r[c] for c in columns if c in r}) for r in selected]


def _sort_key(value):
    text = "" if value is None else str(value)
    return (0, float(text), "") if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text) else (1, 0.0, text)


# --- the services --------------------------------------------------------------------------------

class AccountServices:
    """The role and the records of one account; not thread-safe (the emulator holds its lock)."""

    def __init__(self, role: dict, data: dict):
        self.role, self._data = role, data
        self.store = RecordStore(data)

    def reset(self):
        self.store = RecordStore(self._data)

    # -- REST web services --

    def check_rest_web_services(self):
        """Transport permission for every /services/rest path (not RESTlets)."""
        if not self.role["rest_web_services"]:
            raise NetSuiteError(400, "USER_ERROR", USER_ERROR_DETAIL)

    def suiteql(self, method: str, query: str, prefer: str | None, body: bytes, base_url: str) -> Answer:
        if method != "POST":
            raise NetSuiteError(405, "METHOD_NOT_ALLOWED", f"The HTTP method {method} is not allowed for this resource.")
        if "transient" not in [p.strip().lower() for p in (prefer or "").split(",")]:
            raise NetSuiteError(400, "INVALID_HEADER",
                                "The request header 'Prefer' must be 'transient' to run a SuiteQL query.",
                                **{"o:errorHeader": "Prefer"})
        limit, offset = page_bounds(query, MAX_PAGE)
        text = _json_object(body).get("q")
        if not self.role["suiteanalytics_workbook"]:
            raise NetSuiteError(403, "INSUFFICIENT_PERMISSION",
                                f"Permission Violation: You need the '{WORKBOOK_PERMISSION}' permission to access "
                                "this page. Please contact your account administrator.")
        parsed = parse_suiteql(text)
        record_type = SUITEQL_TABLES.get(parsed.table)
        if record_type is None:
            raise search_error(f"Invalid search type: {parsed.table}.")
        if not level_allows(self.role["records"][record_type], "view"):
            # A role without the record's permission does not see the table at all.
            raise search_error(f"Search error occurred: Record '{parsed.table}' was not found.")
        rows = run_suiteql(parsed, self.store.rows(record_type))
        return Answer(200, paged(rows, limit, offset, base_url + SUITEQL_PATH))

    def record(self, method: str, rest: str, query: str, body: bytes, base_url: str) -> Answer:
        """/services/rest/record/v1/<type>[/<id>]; ``rest`` is the part after record/v1/."""
        parts = rest.split("/")
        record_type = parts[0]
        if record_type not in RECORD_PERMISSIONS or len(parts) > 2 or (len(parts) == 2 and not parts[1]):
            raise NetSuiteError(404, "NOT_FOUND", f"The requested resource {RECORD_PREFIX}{rest} was not found.")
        record_id = parts[1] if len(parts) == 2 else None
        if method not in (("GET", "POST") if record_id is None else ("GET", "PUT", "PATCH", "DELETE")):
            raise NetSuiteError(405, "METHOD_NOT_ALLOWED", f"The HTTP method {method} is not allowed for this resource.")
        level = self.role["records"][record_type]
        if not level_allows(level, METHOD_LEVEL[method]):
            raise permission_violation(record_type, level)
        collection = f"{base_url}{RECORD_PREFIX}{record_type}"
        if method == "GET" and record_id is None:
            limit, offset = page_bounds(query, MAX_PAGE)
            items = [{"links": [{"rel": "self", "href": f"{collection}/{row['id']}"}], "id": row["id"]}
                     for row in self.store.rows(record_type)]
            return Answer(200, paged(items, limit, offset, collection))
        if method == "GET":
            row = self.store.get(record_type, record_id)
            return Answer(200, dict({"links": [{"rel": "self", "href": f"{collection}/{record_id}"}]}, **row))
        if method == "POST":
            new_id = self.store.create(record_type, _fields(body))
            return Answer(204, None, {"Location": f"{collection}/{new_id}"})
        if method == "PUT":  # upsert by external ID: PUT .../customer/eid:<externalId>
            if not record_id.startswith("eid:"):
                raise NetSuiteError(405, "METHOD_NOT_ALLOWED", "PUT needs an external ID (eid:<value>).")
            existing = self.store.by_external_id(record_type, record_id[4:])
            fields = dict(_fields(body), externalId=record_id[4:])
            if existing:
                self.store.update(record_type, existing, fields)
            else:
                existing = self.store.create(record_type, fields)
            return Answer(204, None, {"Location": f"{collection}/{existing}"})
        if method == "PATCH":
            self.store.update(record_type, record_id, _fields(body))
        else:
            self.store.delete(record_type, record_id)
        return Answer(204)

    # -- RESTlets --

    def restlet(self, method: str, query: str, body: bytes) -> Answer:
        """/app/site/hosting/restlet.nl?script=..&deploy=..: the deployment must exist, be deployed
        and Released, and have the role in its audience; then it echoes what it got."""
        params = dict(parse_qsl(query, keep_blank_values=True))
        deployment = self._deployment(params.get("script"), params.get("deploy"))
        invalid = RestletError(400, "SSS_INVALID_SCRIPTLET_ID", INVALID_SCRIPTLET_MESSAGE)
        if deployment is None:
            invalid.cause = "no such script deployment"
            raise invalid
        if not deployment["deployed"]:
            invalid.cause = "deployment not deployed"
            raise invalid
        if deployment["status"] != "released":
            invalid.cause = f"deployment status {deployment['status']}: runs only for the script owner"
            raise invalid
        if deployment["audience"] != "all" and self.role["id"] not in deployment["audience"]:
            invalid.cause = f"role {self.role['id']} not in the deployment audience"
            raise invalid
        echo = {"method": method, "script": params["script"], "deploy": params["deploy"],
                "params": {k: v for k, v in params.items() if k not in ("script", "deploy")}}
        if method in ("POST", "PUT"):
            try:
                echo["body"] = json.loads(body or b"null")
            except ValueError:
                raise RestletError(400, "SYNTAX_ERROR", "SyntaxError: Unexpected token in JSON.",
                                   "request body is not JSON") from None
        return Answer(200, echo)

    def _deployment(self, script: str | None, deploy: str | None) -> dict | None:
        def same(wanted, number, name):
            return wanted is not None and wanted in (str(number), name)
        return next((d for d in self.role["restlets"]
                     if same(script, d["script"], d["script_id"]) and same(deploy, d["deploy"], d["deploy_id"])), None)


def _json_object(body: bytes) -> dict:
    try:
        value = json.loads(body or b"null")
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise NetSuiteError(400, "INVALID_CONTENT", "The request body must be a JSON object.")
    return value


def _fields(body: bytes) -> dict:
    """A record body: JSON object; values kept as strings like the seed rows; "id" is not settable."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in _json_object(body).items() if k != "id"}
