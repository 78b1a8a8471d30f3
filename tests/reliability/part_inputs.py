"""Bad input corpus: every case in bad_inputs.yml must fail naming the field and the rule, echo
no value, print no traceback, send nothing to NetSuite and write nothing to Vault.

All cases run in ONE ansible-playbook (one task per module, looping over case indices); the
resolved values go to a vars file (mode 0600) in the work folder, never into the playbook.
NetSuite requests are counted by the emulator, Vault writes are looked for at OpenBao (metadata
of every case path, a listing of every KV mount, and the audit log), never taken from the module.
"""
import json
import os
import secrets
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "bad_inputs.yml")
PART = "inputs"
MODULES = ("tba_credential", "credential_check")
SECRET_OPTIONS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
# A value this short is too likely to occur in a message by chance to count as an echo.
ECHO_MIN = 8
# Values from a closed list of choices: naming them is the rule, not an echo.
VOCABULARY = {"production", "sandbox", "release_preview", "test_drive"}
TRACEBACK_MARKERS = ("Traceback (most recent call last)", "Unexpected ", "MODULE FAILURE",
                     'File "/', "Exception")
NO_TRACEBACK = "(traceback unavailable)"
WRITE_OPERATIONS = {"create", "update", "delete", "patch"}
KV_MOUNTS = ("secret", "cas")
# The control case: good values, run in the same loop, must be stored and tested. It proves that
# the values reach the module and that the request count, the metadata read, the key listing and
# the audit log do see a write and a NetSuite request when there is one.
CONTROL_REALM = "7777777"
CONTROL_PATH = "reliability/inputs/control"

OPTIONS = {
    "tba_credential": ("account_id", "consumer_key", "consumer_secret", "token_id", "token_secret",
                       "environment", "strict_format", "token_name", "state", "test_connection",
                       "path", "engine_mount_point", "netsuite_url", "netsuite_timeout",
                       "netsuite_validate_certs", "vault"),
    "credential_check": ("account_id", "consumer_key", "consumer_secret", "token_id", "token_secret",
                         "environment", "strict_format", "path", "engine_mount_point", "version",
                         "max_age_days", "fail_on_error", "require_writable", "netsuite_url",
                         "netsuite_timeout", "netsuite_validate_certs", "vault", "probes"),
}

PLAYBOOK_TASK = """
    - name: Bad inputs for {module} (one case per index; values come from the vars file)
      netsuite_ops.credentials.{module}:
{options}
      vars:
        c: "{{{{ inputs_cases[item] }}}}"
      loop: "{{{{ inputs_{module} }}}}"
      register: inputs_{module}_results
      ignore_errors: true
"""

PLAYBOOK_END = """
    - name: Keep the registered results for the checks (no_log, they are parsed, not printed)
      ansible.builtin.copy:
        content: "{{ {'tba_credential': inputs_tba_credential_results.results | default([]),
                      'credential_check': inputs_credential_check_results.results | default([])} | to_json }}"
        dest: "{{ inputs_results_file }}"
        mode: "0600"
      no_log: true
"""


def load_corpus(path=CORPUS):
    with open(path) as handle:
        cases = yaml.safe_load(handle)["cases"]
    names = [case["name"] for case in cases]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError("duplicate case names in %s: %s" % (path, ", ".join(duplicates)))
    for case in cases:
        unknown = set(case) - {"name", "module", "set", "unset", "account", "field", "rule"}
        if unknown or not {"name", "field", "rule"} <= set(case):
            raise ValueError("case %r: unknown keys %s or missing name/field/rule" % (case.get("name"), sorted(unknown)))
        if case.get("module", MODULES[0]) not in MODULES:
            raise ValueError("case %r: unknown module" % case["name"])
    return cases


# --- the value expressions ---------------------------------------------------------------------

def is_expression(value):
    return isinstance(value, dict) and ("from" in value or "repeat" in value or "random" in value)


class Resolved:
    """A case's values, plus what the checks need to know about them."""

    def __init__(self):
        self.secret_like = []   # must appear nowhere in the result, invocation included
        self.plain = []         # must not be echoed outside the invocation


def resolve(expression, account, label, bed, resolved):
    """Evaluate one expression of bad_inputs.yml (see the file's header)."""
    if "repeat" in expression:
        return str(expression["repeat"]) * int(expression["times"])
    if "random" in expression:
        base = secrets.token_urlsafe(expression["random"])[:expression["random"]]
        bed.add_secret("inputs.%s.random" % label, base)
        resolved.secret_like.append(base)
        source = base
    else:
        source = account[expression["from"]]
        if expression["from"] in SECRET_OPTIONS:
            resolved.secret_like.append(source)
    value = source
    if "cut" in expression:
        value = value[:expression["cut"]]
    if expression.get("upper"):
        value = value.upper()
    if "insert" in expression:
        middle = len(value) // 2
        value = value[:middle] + expression["insert"] + value[middle:]
    value = expression.get("prepend", "") + value + expression.get("append", "")
    if "append_from" in expression:
        value += account[expression["append_from"]]
        resolved.secret_like.append(account[expression["append_from"]])
    if source not in value:
        # A derived value that no longer holds the original (cut, split, upper-cased): the leak
        # hunt must look for it as well.
        bed.add_secret("inputs.%s" % label, value)
        resolved.secret_like.append(value)
    wrap = expression.get("wrap")
    if wrap == "list":
        return [value]
    if wrap == "dict":
        return {"value": value}
    return value


def case_args(index, case, bed):
    """The module options of one case: the base, then unset, then set (vault merged)."""
    module = case.get("module", MODULES[0])
    account = bed.state["netsuite_accounts"][case.get("account", "good_production")]
    args = {name: account[name] for name in ("account_id",) + SECRET_OPTIONS}
    args["netsuite_url"] = bed.state["netsuite_url"]
    args["vault"] = {"url": bed.state["vault_url"], "token": bed.state["vault_tokens"]["tba-writer"]}
    if module == "tba_credential":
        args["path"] = "reliability/inputs/%d" % index
    for name in case.get("unset", ()):
        args.pop(name, None)
    resolved = Resolved()
    for name, value in (case.get("set") or {}).items():
        if name == "vault" and isinstance(value, dict) and not is_expression(value):
            merged = dict(args.get("vault") or {})
            for key, item in value.items():
                merged[key] = (resolve(item, account, "%d.vault.%s" % (index, key), bed, resolved)
                               if is_expression(item) else item)
                resolved.plain.append(merged[key])
            args["vault"] = merged
            continue
        if is_expression(value):
            value = resolve(value, account, "%d.%s" % (index, name), bed, resolved)
        args[name] = value
        (resolved.secret_like if name in SECRET_OPTIONS else resolved.plain).append(value)
    return module, args, resolved


# --- the run -------------------------------------------------------------------------------------

def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def playbook_text():
    tasks = []
    for module in MODULES:
        options = "\n".join('        %s: "{{ c.%s | default(omit) }}"' % (name, name) for name in OPTIONS[module])
        tasks.append(PLAYBOOK_TASK.format(module=module, options=options))
    return ("- name: Bad input corpus\n  hosts: localhost\n  gather_facts: false\n  tasks:"
            + "".join(tasks) + PLAYBOOK_END)


def kv_keys(bed, mount, prefix=""):
    """Every key under a KV v2 mount, listed with the root token (bounded depth and count)."""
    found, pending = [], [prefix]
    while pending and len(found) < 5000:
        folder = pending.pop()
        status, answer = bed.vault.request("LIST", "%s/metadata/%s" % (mount, folder))
        if status == 404:  # nothing under this folder
            continue
        if status != 200:
            raise RuntimeError("OpenBao LIST %s/metadata/%s answered %d" % (mount, folder, status))
        for key in (answer or {}).get("data", {}).get("keys", []):
            (pending if key.endswith("/") else found).append(folder + key)
    return sorted(found)


def kv1_keys(bed):
    status, answer = bed.vault.request("LIST", "kv1/")
    if status not in (200, 404):
        raise RuntimeError("OpenBao LIST kv1/ answered %d" % status)
    return sorted((answer or {}).get("data", {}).get("keys", [])) if status == 200 else []


def vault_snapshot(bed):
    return {mount: kv_keys(bed, mount) for mount in KV_MOUNTS} | {"kv1": kv1_keys(bed)}


def flat_strings(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in flat_strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in flat_strings(item)]
    if value is None or isinstance(value, bool):
        return []
    return [str(value)]


def echoed(values, text):
    lowered = text.lower()
    for value in values:
        for candidate in flat_strings(value):
            if len(candidate) >= ECHO_MIN and candidate not in VOCABULARY and candidate.lower() in lowered:
                return True
    return False


def check_case(case, result, resolved, good_secrets):
    """What went wrong with one case's result, as short phrases (empty when it held)."""
    problems = []
    msg = str(result.get("msg", ""))
    if not result.get("failed"):
        problems.append("task did not fail (changed=%s)" % result.get("changed"))
    if case["field"] not in msg:
        problems.append("msg does not name %r" % case["field"])
    if case["rule"] not in msg:
        problems.append("msg lacks rule %r" % case["rule"])
    outside = {key: value for key, value in result.items() if key != "invocation"}
    outside_text = json.dumps(outside, ensure_ascii=False)
    whole_text = json.dumps(result, ensure_ascii=False)
    # ansible-core 2.19+ puts "exception": "(traceback unavailable)" in every fail_json result.
    if (any(marker in outside_text for marker in TRACEBACK_MARKERS)
            or result.get("exception", NO_TRACEBACK) != NO_TRACEBACK):
        problems.append("traceback or unexpected error")
    if echoed(resolved.plain, outside_text):
        problems.append("a bad value is echoed")
    if echoed(resolved.secret_like, whole_text) or echoed(good_secrets, whole_text):
        problems.append("a secret appears in the result")
    return problems


def excerpt(msg, resolved, limit=150):
    text = str(msg)
    for value in resolved.secret_like + resolved.plain:
        for candidate in flat_strings(value):
            if len(candidate) >= 4:
                text = text.replace(candidate, "<value>")
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def control_account(bed):
    """A fresh emulator account for the control case: its requests are told apart by realm."""
    account = {name: secrets.token_hex(32) for name in SECRET_OPTIONS}
    for name, value in account.items():
        bed.add_secret("inputs.control.%s" % name, value)
    account.update(account_id=CONTROL_REALM, scenario={})
    bed.emulator.add_account(dict(account))
    return account


def control_args(bed, account):
    args = {name: account[name] for name in ("account_id",) + SECRET_OPTIONS}
    args.update(path=CONTROL_PATH, netsuite_url=bed.state["netsuite_url"],
                vault={"url": bed.state["vault_url"], "token": bed.state["vault_tokens"]["tba-writer"]})
    return args


def run(bed, report):
    cases = load_corpus()
    only = os.environ.get("NSO_INPUTS_ONLY")  # for a reviewer adding a case: run just the matches
    if only:
        cases = [case for case in cases if any(word in case["name"] for word in only.split(","))]
    prepared = [case_args(index, case, bed) for index, case in enumerate(cases)]
    account = bed.state["netsuite_accounts"]
    good_secrets = [acc[name] for acc in account.values() for name in SECRET_OPTIONS]
    good_secrets += list(bed.state["vault_tokens"].values()) + [bed.state["vault_root_token"]]

    results_file = os.path.join(bed.work, "inputs-results.json")
    vars_file = os.path.join(bed.work, "inputs-vars.json")
    control = len(prepared)
    indices = {module: [i for i, (name, _a, _r) in enumerate(prepared) if name == module] for module in MODULES}
    write_private(vars_file, json.dumps({
        "inputs_cases": [args for _module, args, _resolved in prepared] + [control_args(bed, control_account(bed))],
        "inputs_tba_credential": indices["tba_credential"] + [control],
        "inputs_credential_check": indices["credential_check"],
        "inputs_results_file": results_file,
    }))
    playbook = bed.write("inputs.yml", playbook_text())

    requests_before = bed.netsuite_requests()
    control_before = len(bed.emulator.requests(CONTROL_REALM))
    audit_before = len(bed.vault.audited_requests())
    keys_before = vault_snapshot(bed)
    started = time.monotonic()
    # -v, not -vvvv: the 1 MB values would otherwise be printed several times over.
    run_ = bed.playbook(playbook, "-e", "@" + vars_file, verbosity="-v", label="inputs")
    seconds = time.monotonic() - started
    requests_after = bed.netsuite_requests()
    control_sent = len(bed.emulator.requests(CONTROL_REALM)) - control_before
    audited = bed.vault.audited_requests()[audit_before:]
    keys_after = vault_snapshot(bed)

    results = {}
    if os.path.exists(results_file):
        with open(results_file) as handle:
            registered = json.load(handle)
        bed.keep(results_file)  # the leak hunt searches what the modules returned, too
        for module in MODULES:
            for result in registered.get(module, []):
                results[int(result["item"])] = result
    report.add(PART, "corpus ran in one playbook",
               "the playbook finishes and registers a result for each of %d cases and the control" % len(cases),
               "rc=%d, %d results, %.1f s" % (run_.rc, len(results), seconds),
               run_.rc == 0 and len(results) == len(cases) + 1, seconds)
    check_control(bed, report, results.get(control), control_sent, audited, keys_after)

    held = 0
    for index, (case, (module, _args, resolved)) in enumerate(zip(cases, prepared)):
        result = results.get(index)
        expected = "fails naming %s and '%s', no echo, no traceback" % (case["field"], case["rule"])
        if result is None:
            report.add(PART, case["name"], expected, "no result registered", False)
            continue
        problems = check_case(case, result, resolved, good_secrets)
        verdict = "; ".join(problems) if problems else "failed as expected"
        observed = "%s; msg: %s" % (verdict, excerpt(result.get("msg", ""), resolved))
        if module != "tba_credential":
            observed = "[%s] %s" % (module, observed)
        held += report.add(PART, case["name"], expected, observed, not problems)
    report.count("bad inputs", len(cases))
    report.count("bad inputs held", held)

    sent = requests_after - requests_before - control_sent
    report.add(PART, "no NetSuite request for any bad input", "0 requests at the emulator (the control's apart)",
               "%d requests at the emulator during the run besides the control's %d" % (sent, control_sent),
               sent == 0)

    written = [(index, "secret/" + args["path"]) for index, (module, args, _r) in enumerate(prepared)
               if isinstance(args.get("path"), str) and args["path"].startswith("reliability/")
               and "?" not in args["path"] and "#" not in args["path"] and "%" not in args["path"]
               and bed.vault.kv2_metadata_raw("secret", args["path"]) is not None]
    report.add(PART, "nothing stored at any case path (metadata read at OpenBao)",
               "no metadata at secret/metadata/<path> of any case",
               "metadata found for cases %s" % [index for index, _p in written] if written else
               "no metadata for %d case paths" % sum(1 for _m, a, _r in prepared if a.get("path")),
               not written)
    new_keys = {mount: sorted(set(keys_after[mount]) - set(keys_before[mount]) - {CONTROL_PATH})
                for mount in keys_after}
    new_keys = {mount: keys for mount, keys in new_keys.items() if keys}
    report.add(PART, "no new secret on any KV mount (listed at OpenBao)",
               "the key lists of secret, cas and kv1 are unchanged",
               "new keys: %s" % new_keys if new_keys else
               "unchanged (%s)" % ", ".join("%s: %d keys" % (m, len(k)) for m, k in keys_after.items()),
               not new_keys)
    writes = [(operation, path) for operation, path in audited
              if operation in WRITE_OPERATIONS and not path.startswith(("sys/", "auth/"))
              and not path.endswith("/" + CONTROL_PATH)]
    report.add(PART, "no write request in the OpenBao audit log",
               "no create/update/delete request on any secret path during the run",
               "%d audited requests, writes: %s" % (len(audited), writes[:5] if writes else "none"),
               not writes)


def check_control(bed, report, result, sent, audited, keys_after):
    """The good values in the same loop were tested and stored, and every detector saw it."""
    result = result or {}
    version, data = bed.stored("secret", CONTROL_PATH)
    writes = [path for operation, path in audited
              if operation in WRITE_OPERATIONS and path.endswith("/" + CONTROL_PATH)]
    problems = []
    if result.get("failed") or not result.get("changed"):
        problems.append("module result failed=%s changed=%s" % (result.get("failed"), result.get("changed")))
    if version != 1 or (data or {}).get("account_id") != CONTROL_REALM:
        problems.append("OpenBao holds version %s" % version)
    if CONTROL_PATH not in keys_after["secret"]:
        problems.append("the key listing misses it")
    if not writes:
        problems.append("the audit log shows no write")
    if sent < 1:
        problems.append("the emulator saw no request")
    report.add(PART, "control: good values in the same loop are tested and stored",
               "stored as version 1, listed, audited as a write, 1+ NetSuite request",
               "; ".join(problems) if problems else
               "version %s, listed, %d audited writes, %d NetSuite requests" % (version, len(writes), sent),
               not problems)
