# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""What the modules share on the Ansible side: option specs and turning unit errors into results.

The units (_tba_credentials, _netsuite_probe, _vault_*) know nothing of AnsibleModule; this is
the only module_utils file that does.
"""

import difflib
import os
from collections.abc import Mapping

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.validation import check_type_dict
from ansible.module_utils.parsing.convert_bool import BOOLEANS

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._credential_check import load_stored
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure, failure_of
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import Scrubber
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._short_secrets import (
    is_short_secret,
    mask_whole,
    set_aside,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    ENVIRONMENTS,
    CredentialInputError,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import (
    SECRET_FIELDS,
    build_credentials,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._transport_errors import timeout_problem
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_kv2 import Kv2Secret
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    URL_ENV_VARS,
    VAULT_CONNECTION_ARGSPEC,
    VaultConnectionError,
    connect,
    revoke_login,
    url_secrets,
)

KV_ARGSPEC = dict(
    engine_mount_point=dict(type="str", default="secret"),
    path=dict(type="str", required=True),
)

NETSUITE_ARGSPEC = dict(
    netsuite_url=dict(type="str"),
    netsuite_timeout=dict(type="int", default=30),
    netsuite_validate_certs=dict(type="bool", default=True),
)

DECLARED_CREDENTIALS_ARGSPEC = dict(
    account_id=dict(type="str"),
    consumer_key=dict(type="str", no_log=True),
    consumer_secret=dict(type="str", no_log=True),
    token_id=dict(type="str", no_log=True),
    token_secret=dict(type="str", no_log=True),
    environment=dict(type="str", choices=list(ENVIRONMENTS)),
    strict_format=dict(type="bool", default=True),
)


def new_module(argument_spec, module_class=AnsibleModule, params=None, **kwargs):
    """AnsibleModule for ``argument_spec``, after refusing what ansible-core would report badly: a
    ``vault`` that is not a mapping, a list or dict for a text option (converted to its repr, then
    refused for its brackets or quotes), a value outside ``choices`` or not convertible to a
    number or boolean (quoted in ansible-core's message: a secret, maybe), and a NUL character
    (syslog refuses to log it, and ansible-core's error then quotes every parameter)."""
    if params is None:
        params = basic._load_params() or {}  # None under ansible-test validate-modules
    problems, guarded = [], dict(argument_spec)
    vault = params.get("vault")
    if not (vault is None or isinstance(vault, Mapping) or _parses_as_dict(vault)):
        problems.append("vault must be a dictionary of connection options (url, token, ...), not a %s"
                        % type(vault).__name__)
        guarded["vault"] = dict(type="raw", no_log=True)
    elif isinstance(vault, str):
        # JSON or key=value text: checked as the dict ansible-core will make of it.
        params = dict(params, vault=check_type_dict(vault))
    vault_text = vault if isinstance(vault, str) and isinstance(params.get("vault"), Mapping) else None
    keys_guard = None
    if "vault" in argument_spec and isinstance(params.get("vault"), Mapping):
        unknown = unknown_vault_keys(argument_spec["vault"], params["vault"])
        if unknown:
            problems.extend(problem for _key, problem, _masked in unknown)
            # Unknown to ansible-core too, which would print them unmasked in the invocation.
            guarded["vault"] = keys_guard = dict(argument_spec["vault"], options=dict(
                argument_spec["vault"]["options"],
                **{key: dict(type="raw", no_log=masked) for key, _problem, masked in unknown}))
    for name, spec in argument_spec.items():
        value = params.get(name)
        if name == "vault" and isinstance(value, Mapping):
            found = vault_option_problems(spec, value)
        else:
            found = [option_problem(name, spec, value)]
        found = [problem for problem in found if problem]
        if found and (guarded.get(name) is spec or (keys_guard is not None and guarded.get(name) is keys_guard)):
            problems.extend(found)
            guarded[name] = dict(type="raw", no_log=spec.get("no_log", False) or _may_be_secret(value))
    # A private key pasted into an option that is not secret (a certificate swapped with its key,
    # say) would be printed with the invocation: refused, masked whole, before the module exists.
    for name, spec in argument_spec.items():
        value = params.get(name)
        if (isinstance(value, str) and _PRIVATE_KEY_MARK in value and not spec.get("no_log")
                and guarded.get(name) is spec):
            problems.append("%s: holds a private key; a private key goes only in private_key (which is "
                            "never shown)" % name)
            guarded[name] = dict(type="raw", no_log=True)
    # User information in a URL (user:password@, or a token as the user) is a secret: refused
    # before the module is built, with the whole option masked, since ansible-core's own checks
    # (required_if, unknown options...) can fail inside the constructor and print the invocation.
    for name, url in _url_options(params):
        if url_secrets(url):
            problems.append("%s: must not contain user information (user:password@)" % name)
            guarded[name.split(".")[0]] = dict(type="raw", no_log=True)
    module = module_class(argument_spec=guarded if problems else argument_spec, **kwargs)
    for _name, url in _url_options(params):
        # Masked whole while the constructor ran; from here on only its secret parts, or every
        # 8-character run of the URL ('netsuite') would be hidden in our own messages.
        if url_secrets(url):
            module.no_log_values.discard(url)
            hide(module, url_secrets(url))
    if vault_text is not None and vault_text in module.no_log_values:
        # Masked whole while the constructor ran; from here on its values that may be secret,
        # or every run of the text (option names too) would be hidden in our own message.
        module.no_log_values.discard(vault_text)
        hide(module, _secret_like_leaves(argument_spec["vault"], params["vault"]))
    if problems:
        fail_input(module, "; ".join(problems))
    return module


_PRIVATE_KEY_MARK = "PRIVATE KEY-----"


def vault_option_problems(spec, vault):
    """option_problem of every known key of a ``vault`` dict (without values)."""
    return [option_problem("vault." + key, spec["options"][key], vault.get(key))
            for key in sorted(spec.get("options") or {}) if key in vault]


def _secret_like_leaves(spec, vault):
    """The values of a ``vault`` dict to mask: secret options', refused ones' (a secret pasted in
    the wrong place), unknown keys' and any that looks like a secret."""
    options = spec.get("options") or {}
    found = []
    for key, value in vault.items():
        option = options.get(key)
        if (option is None or option.get("no_log") or option_problem(key, option, value)
                or _may_be_secret(value)) and isinstance(value, (str, int, float)):
            found.append(value)
    return found


def unknown_vault_keys(spec, vault):
    """(key, problem, mask) for every key of a ``vault`` dict that is no option: the problem names
    the closest option; ``mask`` when its value may be a secret (a misspelled ``secretid``)."""
    options = spec.get("options") or {}
    known = set(options)
    for option in options.values():
        known.update(option.get("aliases") or ())
    found = []
    for key in sorted(str(key) for key in vault if str(key) not in known):
        close = difflib.get_close_matches(key.lower(), sorted(options), n=1, cutoff=0.6)
        problem = "vault.%s: is not a Vault connection option%s" % (
            key, "; did you mean vault.%s?" % close[0] if close else "")
        secret_like = bool(close) and bool(options[close[0]].get("no_log"))
        found.append((key, problem, secret_like or _may_be_secret(vault.get(key))))
    return found


def _url_options(params):
    """(option, value) of every option that holds a URL, as given (the Vault URL may come from
    the environment)."""
    vault = params.get("vault")
    vault_url = vault.get("url") if isinstance(vault, Mapping) else None
    proxies = vault.get("proxies") if isinstance(vault, Mapping) else None
    candidates = [("netsuite_url", params.get("netsuite_url")), ("account_id", params.get("account_id")),
                  ("vault.url", vault_url)]
    candidates += [("vault.proxies", proxy) for proxy in
                   (proxies.values() if isinstance(proxies, Mapping) else [proxies])]
    if not vault_url:
        candidates += [("vault.url", os.environ.get(name)) for name in URL_ENV_VARS]
    return [(name, value) for name, value in candidates if isinstance(value, str)]


_TEXT_TYPES = ("str", "path")


def option_problem(name, spec, value):
    """What ansible-core would refuse (or mangle) in one option's raw value, without the value."""
    if value is None:
        return None
    kind = spec.get("type", "str")
    if isinstance(value, str) and "\x00" in value:
        return "%s: must not contain control characters" % name
    if kind in _TEXT_TYPES and isinstance(value, (Mapping, list, tuple, set)):
        return "%s: must be a single text value, not a %s" % (name, "dictionary" if isinstance(value, Mapping) else "list")
    if kind == "int" and not _is_whole_number(value):
        return "%s: must be a whole number" % name
    if kind == "bool" and not (isinstance(value, bool) or str(value).lower() in BOOLEANS):
        return "%s: must be true or false" % name
    choices = spec.get("choices")
    if kind == "list" and not isinstance(value, (list, tuple)):
        value = [item.strip() for item in str(value).split(",")]  # Ansible takes "a,b" for a list
    given = value if kind == "list" else [value]
    if choices and any(str(item) not in [str(choice) for choice in choices] for item in given):
        rule = "each entry must" if kind == "list" else "must"
        return "%s: %s be one of %s" % (name, rule, ", ".join(str(choice) for choice in choices))
    return None


def _may_be_secret(value):
    """Whether a refused value must be masked. Not a short or spaced one: Ansible would mask it
    inside our own message too (``prod`` in ``production``). Always one with a NUL: only a masked
    value is kept out of the syslog line that cannot hold it."""
    if isinstance(value, str):
        return "\x00" in value or (len(value) >= 8 and not any(char.isspace() for char in value))
    return isinstance(value, (Mapping, list, tuple, set))


def _is_whole_number(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and value.strip().lstrip("+-").isdigit() and value.strip().isascii()


def _parses_as_dict(value):
    try:
        check_type_dict(value)
    except (TypeError, ValueError):
        return False
    return True


def argument_spec(*groups, **extra):
    spec = {}
    for group in groups + (VAULT_CONNECTION_ARGSPEC, extra):
        spec.update(group)
    return spec


def hide(module, values):
    """Register values the module found itself (trimmed input, data read from Vault) as secret.

    As text: Ansible's masking compares strings, and a malformed stored value may be a number.
    """
    for value in values:
        if value not in (None, ""):
            module.no_log_values.add(str(value))


def validated_credentials(module, values, describe=None):
    """Validate credentials from options or from a stored secret (CredentialInputError names
    each field). Every secret, as given and as trimmed, is registered before anything can fail."""
    hide(module, [values.get(name) for name in SECRET_FIELDS])
    credentials, warnings = build_credentials(
        values, environment=module.params.get("environment"),
        strict_format=module.params.get("strict_format", True), describe=describe)
    hide(module, credentials.secret_values())
    warn(module, warnings)
    return credentials


def validated_stored(module, data, auth_type, custom_metadata=None):
    """Credentials read from Vault, of either kind, every secret registered before anything can
    fail (see _credential_check.load_stored)."""
    credentials, warnings = load_stored(data, auth_type, lambda values: hide(module, values), custom_metadata)
    publish(module, [getattr(credentials, "certificate_pem", None)])
    warn(module, warnings)
    return credentials


def check_minimums(module, **minimums):
    """Numbers Ansible's type checks let through but that make no sense (a timeout of 0)."""
    for name, minimum in minimums.items():
        value = module.params.get(name)
        if value is not None and value < minimum:
            fail_input(module, "%s: must be at least %d" % (name, minimum))
        if name.endswith("timeout") and timeout_problem(name, value):
            # Also bounded above: a timeout of 10^10 overflows the socket layer.
            fail_input(module, timeout_problem(name, value))


class _ModuleWarnings:
    """A warnings sink that warns at once, scrubbed: retries warn during later requests."""

    def __init__(self, module):
        self._module = module

    def append(self, warning):
        warn(self._module, [warning])


def vault_client(module):
    """The task's one Vault client, connected (logged in) on first use; ``finish`` revokes a
    token that a login obtained."""
    client = getattr(module, "_nso_vault_client", None)
    if client is None:
        client = connect(module.params["vault"] or {}, _ModuleWarnings(module),
                         hide=lambda values: hide(module, values))
        module._nso_vault_client = client
    return client


def _end_vault_session(module):
    """Revoke the login token (unless vault.revoke_login_token is false); a failure warns."""
    client = getattr(module, "_nso_vault_client", None)
    if client is not None:
        module._nso_vault_client = None
        revoke_login(client, _ModuleWarnings(module))


def vault_secret(module, path=None):
    """A Kv2Secret for the task's mount and ``path`` (default: the task's path)."""
    return Kv2Secret(vault_client(module), module.params["engine_mount_point"], path or module.params["path"])


def scrubbed(module, value):
    """``value`` with every registered secret hidden in every form (percent-encoded, JSON-escaped,
    partial...). AnsibleModule masks only whole raw values; this covers text from servers. A
    secret too short to be searched for inside text is masked where it is a whole value only
    (_short_secrets): keys and the words around it keep their shape."""
    short = _short_secrets(module)
    secrets = [secret for secret in module.no_log_values if secret not in short]
    return mask_whole(Scrubber(secrets, public=getattr(module, "_nso_public_text", ())).scrub_all(value), short)


def _short_secrets(module):
    return set(getattr(module, "_nso_short_secrets", ())) | {
        secret for secret in module.no_log_values if is_short_secret(secret)}


def release_short_secrets(module):
    """Before the result leaves: take short secrets out of the module's no_log values (Ansible
    would mask them inside keys and words: ``changed`` became ``********d``), warn about each
    option that holds one, and return them for whole-value masking."""
    short, warnings = set_aside(module.no_log_values, getattr(module, "argument_spec", None), module.params)
    module._nso_short_secrets = set(getattr(module, "_nso_short_secrets", ())) | short
    for warning in warnings:
        module.warn(warning)
    return module._nso_short_secrets


def publish(module, values):
    """Register public text (an M2M certificate) that shares runs with a secret (its private
    key holds the same public key): it is shown intact."""
    module._nso_public_text = list(getattr(module, "_nso_public_text", ())) + [value for value in values if value]


def warn(module, warnings):
    for warning in warnings:
        module.warn(scrubbed(module, warning))


def finish(module, failed=False, **result):
    """The one exit of every module: scrubbed, then exit_json or fail_json."""
    _end_vault_session(module)
    short = release_short_secrets(module)
    result = scrubbed(module, result)
    if short:
        # Ansible's own invocation would show them: they are no longer no_log values.
        result["invocation"] = {"module_args": mask_whole(module.params, short)}
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)


def fail(module, msg, **result):
    result.setdefault("changed", False)
    finish(module, failed=True, msg=msg, **result)


def _known_before(exc):
    """What a sync had learned when Vault failed: the versions read and the connection test, so
    a failed write still tells whether NetSuite accepted the credentials."""
    outcome = getattr(exc, "outcome", None)
    if outcome is None or not outcome.vault:
        return {}
    # changed only for a write Vault confirmed: a write whose answer was lost may or may not
    # have been applied, and the message says so.
    return {"vault": outcome.vault, "connection": outcome.connection, "changed": outcome.written}


_INPUT_HINT = "Nothing was tested or written: fix the option(s) named and run again."


def fail_input(module, problems):
    """Invalid options: the failure shape (msg is the reason; that nothing happened is the hint)."""
    failure = Failure("input:invalid", "Invalid input: %s" % problems, _INPUT_HINT)
    fail_with(module, failure)


def fail_with(module, failure, **result):
    """Fail with ``failure``'s message and its reason, hint and failure_code."""
    fail(module, failure.message(), **dict(result, **failure.fields()))


def run_guarded(module, body):
    """Run ``body`` and turn every error into a clean one-line failure, never a traceback."""
    try:
        body()
        return
    except VaultConnectionError as exc:
        failure, result = failure_of(exc, _INPUT_HINT), dict(_known_before(exc), vault_error=exc.kind)
    except CredentialInputError as exc:
        failure, result = None, {"problems": str(exc)}
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # failure_of: a transport failure by setting, or a bug (its text scrubbed by fail_json).
        failure, result = failure_of(exc, _INPUT_HINT), {}
    # Outside the except clauses on purpose: before ansible-core 2.19, fail_json attaches the
    # exception being handled, as a traceback, to the result at -vvv.
    if failure is None:
        fail_input(module, result["problems"])
    fail_with(module, failure, **result)
