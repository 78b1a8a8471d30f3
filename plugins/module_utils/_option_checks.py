# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""What a task refuses before AnsibleModule exists, because ansible-core would report it badly.

A ``vault`` that is not a mapping, a list or dict for a text option (converted to its repr, then
refused for its brackets or quotes), a value outside ``choices`` or not convertible to a number
or boolean (quoted in ansible-core's message: a secret, maybe), a NUL character (syslog refuses
to log it, and ansible-core's error then quotes every parameter), a private key or URL user
information in an option that is not secret. Each refused option is handed to the module as a
raw (masked) one, so the constructor neither quotes nor mangles it; the problems name the option
and the rule, never the value.
"""

import difflib
import os
from collections.abc import Mapping

from ansible.module_utils.common.validation import check_type_dict
from ansible.module_utils.parsing.convert_bool import BOOLEANS

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._task_context import add_secrets
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import URL_ENV_VARS, url_secrets

_PRIVATE_KEY_MARK = "PRIVATE KEY-----"
_TEXT_TYPES = ("str", "path")


class Prechecked:
    """The outcome of ``precheck``: ``problems`` and the spec to build the module with (refused
    options made raw and masked); ``params`` as ansible-core will see them."""

    def __init__(self, argument_spec, params):
        self.argument_spec = argument_spec
        self.params = params
        self.problems = []
        self.spec = dict(argument_spec)
        self.vault_text = None  # the vault option given as text that parses as a dict
        self.keys_guard = None  # the vault spec with its unknown keys declared

    def refuse(self, name, problems, masked):
        self.problems.extend(problems)
        self.spec[name] = dict(type="raw", no_log=masked)

    def untouched(self, name):
        return self.spec.get(name) is self.argument_spec.get(name)

    def refusable(self, name):
        """Not refused whole already (a vault with unknown keys may still be)."""
        return self.untouched(name) or (self.keys_guard is not None and self.spec.get(name) is self.keys_guard)


def precheck(argument_spec, params):
    """Every check, in the order their problems are reported."""
    checked = Prechecked(argument_spec, params)
    _check_vault_shape(checked)
    _check_vault_keys(checked)
    _check_values(checked)
    _check_private_keys(checked)
    _check_url_user_info(checked)
    return checked


def _check_vault_shape(checked):
    """``vault`` is a mapping, or text ansible-core turns into one (checked as that dict)."""
    vault = checked.params.get("vault")
    if vault is None or isinstance(vault, Mapping):
        return
    if not _parses_as_dict(vault):
        checked.refuse("vault", ["vault must be a dictionary of connection options (url, token, ...), not a %s"
                                 % type(vault).__name__], True)
        return
    checked.params = dict(checked.params, vault=check_type_dict(vault))
    checked.vault_text = vault


def _check_vault_keys(checked):
    """Unknown keys of ``vault``: refused, and declared raw (masked when they may be secret), since
    ansible-core would print them unmasked in the invocation."""
    vault = checked.params.get("vault")
    if "vault" not in checked.argument_spec or not isinstance(vault, Mapping):
        return
    spec = checked.argument_spec["vault"]
    unknown = unknown_vault_keys(spec, vault)
    if not unknown:
        return
    checked.problems.extend(problem for _key, problem, _masked in unknown)
    checked.spec["vault"] = checked.keys_guard = dict(spec, options=dict(
        spec["options"], **{key: dict(type="raw", no_log=masked) for key, _problem, masked in unknown}))


def _check_values(checked):
    """option_problem of every option (every known key of ``vault``) not refused already."""
    for name, spec in checked.argument_spec.items():
        value = checked.params.get(name)
        found = _value_problems(name, spec, value)
        if found and checked.refusable(name):
            checked.refuse(name, found, spec.get("no_log", False) or may_be_secret(value))


def _value_problems(name, spec, value):
    if name == "vault" and isinstance(value, Mapping):
        found = vault_option_problems(spec, value)
    else:
        found = [option_problem(name, spec, value)]
    return [problem for problem in found if problem]


def _check_private_keys(checked):
    """A private key pasted into an option that is not secret (a certificate swapped with its
    key, say) would be printed with the invocation: refused, masked whole."""
    for name, spec in checked.argument_spec.items():
        value = checked.params.get(name)
        if isinstance(value, str) and _PRIVATE_KEY_MARK in value and not spec.get("no_log") and checked.untouched(name):
            checked.refuse(name, ["%s: holds a private key; a private key goes only in private_key (which is "
                                  "never shown)" % name], True)


def _check_url_user_info(checked):
    """User information in a URL (user:password@, or a token as the user) is a secret: refused
    with the whole option masked, since ansible-core's own checks (required_if, unknown
    options...) can fail inside the constructor and print the invocation."""
    for name, url in url_options(checked.params):
        if url_secrets(url):
            checked.refuse(name.split(".")[0], ["%s: must not contain user information (user:password@)" % name], True)


def unmask_whole_values(no_log_values, checked):
    """After the constructor: a URL or a vault text masked whole while it ran is from here on
    masked in its secret parts only, or every 8-character run of it ('netsuite', option names)
    would be hidden in our own messages."""
    for _name, url in url_options(checked.params):
        if url_secrets(url):
            no_log_values.discard(url)
            add_secrets(no_log_values, url_secrets(url))
    if checked.vault_text is not None and checked.vault_text in no_log_values:
        no_log_values.discard(checked.vault_text)
        add_secrets(no_log_values, _secret_like_leaves(checked.argument_spec["vault"], checked.params["vault"]))


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
                or may_be_secret(value)) and isinstance(value, (str, int, float)):
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
        found.append((key, problem, secret_like or may_be_secret(vault.get(key))))
    return found


def url_options(params):
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


def option_problem(name, spec, value):
    """What ansible-core would refuse (or mangle) in one option's raw value, without the value."""
    if value is None:
        return None
    if isinstance(value, str) and "\x00" in value:
        return "%s: must not contain control characters" % name
    kind = spec.get("type", "str")
    return (_type_problem(name, kind, value) or _elements_problem(name, kind, spec.get("elements"), value)
            or _choice_problem(name, kind, spec.get("choices"), value))


def _type_problem(name, kind, value):
    """A value ansible-core cannot convert to the option's type without quoting or mangling it."""
    if kind in _TEXT_TYPES and isinstance(value, (Mapping, list, tuple, set)):
        return "%s: must be a single text value, not a %s" % (name, "dictionary" if isinstance(value, Mapping) else "list")
    if kind == "int" and not _is_whole_number(value):
        return "%s: must be a whole number" % name
    if kind == "bool" and not (isinstance(value, bool) or str(value).lower() in BOOLEANS):
        return "%s: must be true or false" % name
    return None


def _elements_problem(name, kind, elements, value):
    """A list of dictionaries (probes) given as anything else: ansible-core would split text on
    commas and parse key=value pairs out of it, or quote it in its error."""
    if kind != "list" or elements != "dict":
        return None
    if not isinstance(value, (list, tuple)):
        return "%s: must be a list of dictionaries" % name
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            return "%s[%d]: must be a dictionary" % (name, index)
    return None


def _choice_problem(name, kind, choices, value):
    """A value (each entry of a list) outside ``choices``."""
    if not choices:
        return None
    if kind == "list" and not isinstance(value, (list, tuple)):
        value = [item.strip() for item in str(value).split(",")]  # Ansible takes "a,b" for a list
    given = value if kind == "list" else [value]
    allowed = [str(choice) for choice in choices]
    if all(str(item) in allowed for item in given):
        return None
    rule = "each entry must" if kind == "list" else "must"
    return "%s: %s be one of %s" % (name, rule, ", ".join(allowed))


def may_be_secret(value):
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
