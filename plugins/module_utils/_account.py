# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""NetSuite account rules every kind of credentials shares: the account ID people paste, the
environment, paste debris, the REST base URL and the metadata label of a token.

Nothing here touches the network, Vault or Ansible. Every problem names the field and the rule
and never repeats the value: people paste secrets into the wrong box, so any input may be one.
"""

import functools
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

ENVIRONMENTS = ("production", "sandbox", "release_preview", "test_drive")

# Zero-width and BOM characters are not whitespace to str.isspace() but survive copy/paste.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_QUOTES = "\"'`\u2018\u2019\u201c\u201d"
# Digits with an optional letter prefix (TSTDRV, TD...) and a sandbox/release-preview suffix.
_REALM_SHAPE = re.compile(r"(?P<prefix>[A-Z]{0,10})(?P<number>[0-9]{1,12})(?:_(?P<suffix>SB[0-9]{1,2}|RP))?\Z")
_NETSUITE_DOMAIN = ".netsuite.com"
# Longest value any field accepts: a secret is 64 characters, a pasted NetSuite URL a few hundred.
VALUE_MAX = 1024
_REST_SERVICE = "suitetalk.api"


class CredentialInputError(ValueError):
    """One or more declared values break a rule. ``problems`` holds one line per field."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        super(CredentialInputError, self).__init__("; ".join(self.problems))


@dataclass(frozen=True)
class NetSuiteAccount:
    realm: str
    host_label: str
    environment: str

    def default_rest_url(self):
        return "https://%s.%s%s" % (self.host_label, _REST_SERVICE, _NETSUITE_DOMAIN)

    def to_dict(self):
        return {"realm": self.realm, "host_label": self.host_label, "environment": self.environment}


class OfAnAccount:
    """What every kind of credentials says of its account (``account``: a NetSuiteAccount)."""

    @property
    def realm(self):
        return self.account.realm

    @property
    def host_label(self):
        return self.account.host_label

    @property
    def environment(self):
        return self.account.environment


def _is_invisible(char):
    return char.isspace() or char in INVISIBLE


def clean_value(name, value, problems, warnings):
    """Trim paste debris, reject what cannot be part of a key. Returns the value or None."""
    if value is None:
        problems.append("%s: is required" % name)
        return None
    if isinstance(value, (dict, list, tuple, set, bool)):
        problems.append("%s: must be text, not a %s" % (name, {dict: "dictionary", bool: "boolean"}.get(
            type(value), "list")))
        return None
    if not isinstance(value, str):
        value = str(value)  # a number: an account ID stored by another tool, say
    # Before anything walks the value: no field is anywhere near this long, and a megabyte of
    # paste must not cost time (or reach NetSuite with strict_format: false).
    if len(value) > VALUE_MAX:
        problems.append("%s: must be at most %d characters (got %d)" % (name, VALUE_MAX, len(value)))
        return None
    if value.isascii() and value.isalnum():
        return value  # the usual key or token: nothing below can apply (a fleet checks thousands)
    start, end = 0, len(value)
    while start < end and _is_invisible(value[start]):
        start += 1
    while end > start and _is_invisible(value[end - 1]):
        end -= 1
    trimmed = value[start:end]
    if not trimmed:
        problems.append("%s: must not be empty" % name)
        return None
    if trimmed != value:
        warnings.append("%s: removed leading/trailing whitespace or invisible characters "
                        "(check how the value was copied)" % name)
    if any(_is_invisible(c) for c in trimmed):
        problems.append("%s: must not contain whitespace or invisible characters" % name)
        return None
    if any(c in _QUOTES for c in trimmed):
        problems.append("%s: must not contain quotes" % name)
        return None
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in trimmed):
        problems.append("%s: must not contain control characters" % name)
        return None
    return trimmed


def _environment_of(prefix, suffix):
    if suffix == "RP":
        return "release_preview"
    if suffix:
        return "sandbox"
    if prefix in ("TSTDRV", "TD"):
        return "test_drive"
    return "production"


def _host_from(text):
    """The host of a pasted URL or bare host name, lower case, without port or user info."""
    parts = urlsplit(text if "://" in text else "//" + text)
    if parts.username is not None or parts.password is not None:
        return None
    return (parts.hostname or "").lower()


def _account_from_label(text):
    """``1234567-sb1`` / ``1234567_SB1`` / ``tstdrv123`` -> NetSuiteAccount, or None."""
    if not text.isascii():
        # upper() turns look-alikes into ASCII ('\u017f' -> 'S', '\u00df' -> 'SS', '\u0131' -> 'I').
        return None
    match = _REALM_SHAPE.match(text.upper().replace("-", "_"))
    if not match:
        return None
    realm = match.group(0)
    return NetSuiteAccount(
        realm=realm,
        host_label=realm.lower().replace("_", "-"),
        environment=_environment_of(match.group("prefix"), match.group("suffix")),
    )


def parse_account_id(value, name="account_id"):
    """Normalize what people paste as an account ID. Returns (NetSuiteAccount, warnings)."""
    problems, warnings = [], []
    text = clean_value(name, value, problems, warnings)
    if text is None:
        raise CredentialInputError(problems)
    if "/" in text or "." in text:
        host = _host_from(text)
        if not host or not host.endswith(_NETSUITE_DOMAIN):
            raise CredentialInputError(["%s: a URL or host name must be a NetSuite host (*%s)"
                                        % (name, _NETSUITE_DOMAIN)])
        text = host.split(".", 1)[0]
    account = _account_from_label(text)
    if account is None:
        raise CredentialInputError([
            "%s: must be a NetSuite account ID such as 1234567, 1234567_SB1, 1234567_RP or "
            "TSTDRV1234567 (Setup > Company > Company Information > Account ID), or a NetSuite URL"
            % name])
    return account, warnings


def check_environment(account, environment, name="environment"):
    if environment is None:
        return
    if environment not in ENVIRONMENTS:
        raise CredentialInputError(["%s: must be one of %s" % (name, ", ".join(ENVIRONMENTS))])
    if environment != account.environment:
        raise CredentialInputError([
            "%s: account_id %s is a %s account, not %s; fix account_id or environment"
            % (name, account.realm, account.environment.replace("_", " "),
               environment.replace("_", " "))])


# Vault limits each custom metadata value to 512 bytes (UTF-8), not characters.
TOKEN_NAME_MAX = 512


def clean_token_name(value, name="token_name"):
    """The access token's label, kept in Vault custom metadata: trimmed, one line, bounded."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text.encode("utf-8")) > TOKEN_NAME_MAX:
        raise CredentialInputError(["%s: must be at most %d bytes in UTF-8 (Vault's limit for custom "
                                    "metadata; %d characters here)" % (name, TOKEN_NAME_MAX, len(text))])
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in text):
        raise CredentialInputError(["%s: must not contain control characters or line breaks" % name])
    return text


def check_distinct(values, problems):
    """The same value in two fields means one was pasted into the wrong box."""
    seen = {}
    for name, value in values:
        key = value.lower()
        if key in seen:
            problems.append("%s and %s: hold the same value; one was probably pasted into the "
                            "wrong field" % (seen[key], name))
        else:
            seen[key] = name


def declared_account(values, environment, describe, problems, warnings):
    """The NetSuiteAccount of ``values['account_id']`` (checked against ``environment``), or None
    with its problems added: shared by every kind of credentials."""
    try:
        account, account_warnings = parse_account_id(values.get("account_id"), describe("account_id"))
        warnings.extend(account_warnings)
        check_environment(account, environment)
    except CredentialInputError as exc:
        problems.extend(exc.problems)
        return None
    return account


@functools.lru_cache(maxsize=256)
def is_loopback(host):
    """Whether ``host`` names this machine (a test bed). Cached: a fleet asks it for every account."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_netsuite_url(account, netsuite_url=None, name="netsuite_url"):
    """The base URL of the account's REST web services: scheme and host, nothing else.

    Oracle advises copying it from Company URLs rather than building it, so a given value wins;
    we only refuse what cannot be right for this account.
    """
    if netsuite_url is None or not str(netsuite_url).strip():
        return account.default_rest_url()
    problems, warnings = [], []
    text = clean_value(name, netsuite_url, problems, warnings)
    if text is None:
        raise CredentialInputError(problems)
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise CredentialInputError(["%s: must be a URL such as %s" % (name, account.default_rest_url())])
    if parts.username is not None or parts.password is not None:
        raise CredentialInputError(["%s: must not contain user information" % name])
    if parts.scheme == "http" and not is_loopback(host):
        raise CredentialInputError(["%s: must use https (plain http is accepted only for loopback "
                                    "test beds)" % name])
    if not host.endswith(_NETSUITE_DOMAIN) and not is_loopback(host):
        # The signed request carries the consumer key and token ID: only NetSuite may get it
        # (loopback hosts are test beds).
        raise CredentialInputError(["%s: must be a NetSuite host (*%s), such as %s"
                                    % (name, _NETSUITE_DOMAIN, account.default_rest_url())])
    if host.endswith(_NETSUITE_DOMAIN):
        label, service = (host[:-len(_NETSUITE_DOMAIN)].split(".", 1) + [""])[:2]
        if label != account.host_label:
            raise CredentialInputError([
                "%s and account_id: the URL is for account host %s but account_id is %s (host %s)"
                % (name, label, account.realm, account.host_label)])
        if service != _REST_SERVICE:
            raise CredentialInputError([
                "%s: use the SuiteTalk (SOAP and REST web services) URL from Setup > Company > "
                "Company Information > Company URLs, e.g. %s" % (name, account.default_rest_url())])
    try:
        port = parts.port
    except ValueError:
        raise CredentialInputError(["%s: has an invalid port" % name])
    netloc = "[%s]" % host if ":" in host else host
    if port is not None:
        netloc += ":%d" % port
    return "%s://%s" % (parts.scheme, netloc)
