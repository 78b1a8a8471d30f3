# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Remove secrets from text that came from elsewhere (a server's answer, an exception).

Ansible's own masking replaces a registered value only where it appears whole and raw. A server
that echoes a request shows secrets in other forms: percent-encoded in an OAuth header,
JSON-escaped in an error body, HTML-escaped in an error page, or cut off part-way. ``Scrubber``
hides every run of text that shares ``MIN_FRAGMENT`` or more consecutive characters with any of
those forms, case-insensitively. Scrub first, cut afterwards: a cut made first can leave a
fragment shorter than the whole secret, which an exact match no longer finds.

Standard library only; knows nothing of NetSuite, Vault or Ansible.
"""

import base64
import html
import json
import re
from urllib.parse import quote, quote_plus

REDACTED = "********"
# Shorter shared runs are left alone: 8 characters of a 64-character random key say nothing
# useful, and a shorter window would start hiding ordinary words.
MIN_FRAGMENT = 8
# A PEM's armour ("-----BEGIN PRIVATE KEY-----") and headers ("Proc-Type: 4,ENCRYPTED") are
# public text that certificates and messages share; only the base64 body is secret.
_PEM_ARMOUR = re.compile(r"-----(?:BEGIN|END) [A-Z0-9 ]{1,64}-----|^[A-Za-z-]{1,32}: [^\n]*$", re.MULTILINE)


def _fold(text):
    """Lower case, one character for one, so positions in the folded text match the original."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def secret_forms(secret):
    """The spellings a secret takes on the wire and in logs (folded to lower case)."""
    raw = str(secret)
    encoded = raw.encode("utf-8")
    forms = {
        raw,
        quote(raw, safe=""),
        quote(raw, safe="/"),
        quote_plus(raw),
        json.dumps(raw)[1:-1],
        json.dumps(raw, ensure_ascii=False)[1:-1],
        json.dumps(raw)[1:-1].replace("/", "\\/"),
        html.escape(raw),
        base64.b64encode(encoded).decode("ascii").rstrip("="),
        base64.urlsafe_b64encode(encoded).decode("ascii").rstrip("="),
    }
    return {_fold(form) for form in forms if form}


class Scrubber:
    """Hides registered secrets, whole or in part, in any of their forms."""

    def __init__(self, secrets=(), public=()):
        self._windows = set()
        self._short = set()
        self._public = set()
        for secret in secrets:
            self.add(secret)
        for text in public:
            self.allow(text)

    def __bool__(self):
        return bool(self._windows or self._short)

    def add(self, secret):
        if secret is None or str(secret) == "":
            return
        if "-----BEGIN " in str(secret):
            secret = "".join(_PEM_ARMOUR.sub("", str(secret)).split()) or str(secret)
        for form in secret_forms(secret):
            if len(form) < MIN_FRAGMENT:
                self._short.add(form)
            else:
                self._windows.update(form[i:i + MIN_FRAGMENT] for i in range(len(form) - MIN_FRAGMENT + 1))

    def allow(self, public_text):
        """Never hide runs of ``public_text``: a private key's body holds its public key, which a
        certificate repeats, and the certificate to upload must arrive intact. What remains of
        the key (its private numbers) is still hidden wherever it appears."""
        if public_text and "-----BEGIN " in str(public_text):
            public_text = "".join(_PEM_ARMOUR.sub("", str(public_text)).split())
        for form in secret_forms(public_text or ""):
            self._public.update(form[i:i + MIN_FRAGMENT] for i in range(len(form) - MIN_FRAGMENT + 1))

    def scrub(self, text):
        """``text`` with every secret run replaced by ``REDACTED``; non-strings are returned as is."""
        if not isinstance(text, str) or not self or not text:
            return text
        folded = _fold(text)
        hidden = bytearray(len(text))
        for i in range(len(folded) - MIN_FRAGMENT + 1):
            window = folded[i:i + MIN_FRAGMENT]
            if window in self._windows and window not in self._public:
                hidden[i:i + MIN_FRAGMENT] = b"\x01" * MIN_FRAGMENT
        for short in self._short:
            start = folded.find(short)
            while start != -1:
                hidden[start:start + len(short)] = b"\x01" * len(short)
                start = folded.find(short, start + 1)
        return _replace_runs(text, hidden)

    def scrub_all(self, value):
        """Scrub every string inside dicts, lists and tuples (keys too)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {self.scrub_all(key): self.scrub_all(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.scrub_all(item) for item in value)
        return value

    def one_line(self, text, limit):
        """Scrubbed, whitespace folded to single spaces, then cut to ``limit`` characters."""
        flat = " ".join(self.scrub(str(text)).split())
        return flat if len(flat) <= limit else flat[:limit - 3] + "..."


def _replace_runs(text, hidden):
    if not any(hidden):
        return text
    out = []
    i = 0
    while i < len(text):
        if hidden[i]:
            while i < len(text) and hidden[i]:
                i += 1
            out.append(REDACTED)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
