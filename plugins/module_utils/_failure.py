# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The one shape of every failure: what happened (reason), what to do (hint), and a
machine-readable code (``failure_code`` in results and report rows), so programs never parse a
message. Each is said once: ``msg`` is the reason, ``hint`` the advice. Other codes in a result (connection.error_code, vault_error) are details of the part
that failed; failure_code is the one to branch on.

Codes are namespaced by where the failure was found:
  input:invalid            a declared value breaks a rule (nothing was tested or written)
  vault:<kind>             Vault failed or refused (kinds: _vault_connection.ERROR_KINDS)
  vault:concurrent_writer  another writer changed the path while the task ran
  netsuite:<code>          the connection test failed: NetSuite's own error code (INVALID_LOGIN,
                           USER_ERROR...), an OAuth 2.0 one from the M2M token endpoint, lower
                           case as sent (invalid_client, invalid_grant...), or a transport one
                           (TIMEOUT, DNS_FAILURE...)
  stored:missing | stored:malformed | stored:too_old   what a check found in Vault
  stored:certificate_expired | stored:certificate_expiring   an M2M certificate's validity
  dependency:missing       a Python package the task needs is not installed where it runs
  file:write_failed        the file system refused a file the task writes (full, read-only...)
  internal:error           a bug in the collection
``failure_of`` is the one mapping of an exception to this shape (modules, action plugins and the
fleet check all use it). Standard library only at import time.
"""

import ssl
from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    code: str
    reason: str
    hint: str = ""

    def message(self):
        """The task's ``msg``: the reason. The hint (NetSuite's login checklist runs to 900
        characters) is said once, in ``hint``, which Ansible prints with every failed result."""
        return self.reason

    def fields(self):
        """The result keys every failure carries besides ``msg``."""
        return {"reason": self.reason, "hint": self.hint, "failure_code": self.code}


def netsuite_failure(status_code, error_code, detail, hint, subject="the credentials", request="the test"):
    """A failed connection test (or ``request``, refusing ``subject``), worded alike wherever one runs."""
    code = error_code or ("HTTP_%s" % status_code if status_code else "UNKNOWN")
    if status_code is None:
        verb = "could not be reached for %s" % request
    elif status_code == 429:  # throttling says nothing of the credentials or the request
        verb = "turned %s away: too many requests at once for the account" % request
    elif 400 <= status_code < 500:
        verb = "refused %s" % subject
    else:  # a redirect, a server error, a 2xx that is not NetSuite's: nothing refused them
        verb = "gave no usable answer to %s" % request
    return Failure("netsuite:%s" % code, "NetSuite %s (%s): %s" % (verb, code, detail or "no detail"), hint or "")


def vault_failure(exc):
    """A VaultConnectionError (or anything with kind, cause and hint) as a Failure."""
    return Failure("vault:%s" % exc.kind, "Vault: %s" % exc.cause, exc.hint or "")


BUG_HINT = "This is a bug in netsuite_ops.credentials: please report it with this reason."


def failure_of(exc, input_hint, settings=None):
    """The Failure of any exception a task or an account check raised: Vault's and input errors
    as they say; an exception of requests, urllib3, ssl, the socket layer or a header encoding
    that escaped the Vault and NetSuite boundaries (which describe their own) as a transport
    failure of ``settings`` (_transport_errors.VAULT_SETTINGS by default: every request outside
    the NetSuite test goes to Vault); anything else is a bug. Never the text of an exception that
    may quote a URL or a header."""
    # pylint: disable=import-outside-toplevel  # they import this module
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import CredentialInputError
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _transport_errors
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
        VaultConnectionError,
        translate_error,
    )
    if isinstance(exc, VaultConnectionError):
        return vault_failure(exc)
    if type(exc).__module__.startswith("hvac."):
        return vault_failure(translate_error(exc, "use", "the Vault API"))
    if isinstance(exc, CredentialInputError):
        return Failure("input:invalid", "Invalid input: %s" % exc, input_hint)
    settings = settings or _transport_errors.VAULT_SETTINGS
    library_error = _is_library_error(exc)
    # Not a bare OSError: outside a request (the boundaries describe theirs) it is about a file.
    problem = _transport_errors.describe(exc, settings) if library_error or isinstance(
        exc, (UnicodeError, OverflowError, ValueError)) else None
    if problem is not None:
        on_netsuite = settings is _transport_errors.NETSUITE_SETTINGS
        return Failure("netsuite:%s" % problem.code if on_netsuite else "vault:%s" % problem.kind,
                       ("NetSuite: " if on_netsuite else "Vault: ") + problem.reason, problem.hint)
    if library_error:
        return Failure("internal:error", "Unexpected %s (its text is withheld: it may quote a URL or a header)"
                       % type(exc).__name__, BUG_HINT)
    # A bug; its text may quote data: callers scrub every registered secret from it.
    return Failure("internal:error", "Unexpected %s: %s" % (type(exc).__name__, exc), BUG_HINT)


_LIBRARY_MODULES = ("requests", "urllib3", "hvac", "ssl", "socket", "http")


def _is_library_error(exc):
    """An exception class of an HTTP or TLS library or the socket layer."""
    return type(exc).__module__.split(".")[0] in _LIBRARY_MODULES or isinstance(exc, ssl.SSLError)
