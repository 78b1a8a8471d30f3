# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""PEM text as people paste it: blocks found and parsed (RFC 7468, with the RFC 1421 headers
of legacy encrypted keys), copy/paste debris removed with a warning, labels told apart (a key, a
certificate, a request, an OpenSSH key...) and encrypted keys recognised. Standard library only:
what the blocks hold is _m2m_credentials' business (with cryptography)."""

import base64
import binascii
import re
from dataclasses import dataclass, field

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import INVISIBLE
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._stored_layout import PEM_MAX

_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9][A-Z0-9 ]*)-----(.*?)-----END ([A-Z0-9][A-Z0-9 ]*)-----", re.S)
# RFC 1421 headers of a legacy encrypted key (Proc-Type, DEK-Info); base64 never holds a colon.
_PEM_HEADER = re.compile(r"([A-Za-z][A-Za-z0-9-]*):[ \t]*(\S.*)\Z")
_BASE64_BODY = re.compile(r"[A-Za-z0-9+/]+={0,2}\Z")
KEY_LABELS = ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")
CERTIFICATE_LABELS = ("CERTIFICATE", "X509 CERTIFICATE")
# `openssl ecparam -genkey` writes the curve's parameters before the key: harmless, skipped.
IGNORED_LABELS = ("EC PARAMETERS",)
# Where NetSuite takes the certificate (and lists its Certificate ID).
CERTIFICATE_SETUP = "OAuth 2.0 Client Credentials (M2M) Setup"


@dataclass(frozen=True)
class PemBlock:
    label: str
    headers: tuple  # ((name, value), ...)
    der: bytes = field(repr=False)
    text: str = field(repr=False)  # canonical: "\n" line endings, 64-column body, final newline


def pem_body(pem):
    return "".join(line for line in pem.splitlines() if line and not line.startswith("-----"))


def _strip_debris(value):
    """PEM text with copy/paste debris removed. Returns (text, debris_found)."""
    debris = False
    text = value
    if "\n" not in text and "\\n" in text:
        # A PEM kept in an environment variable or JSON with its line breaks escaped.
        text = text.replace("\\r\\n", "\n").replace("\\n", "\n")
        debris = True
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        debris = True
    if any(c in INVISIBLE for c in text):
        text = "".join(c for c in text if c not in INVISIBLE)
        debris = True
    core, padded = _stripped_lines(text)
    return core, debris or padded


def _stripped_lines(text):
    """(text with every line stripped and no blank lines around it, whether that changed it)."""
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    # Indentation (a YAML block nested too deep), trailing blanks, tabs.
    debris = stripped != lines
    joined = "\n".join(stripped)
    core = joined.strip("\n")
    # One final newline is how files end; anything else around the text was added on the way.
    return core, debris or joined not in (core, core + "\n")


def _parse_block(match):
    """A PemBlock, or None when BEGIN and END disagree or the body is not base64.
    Second value: whether the block's layout needed repair (e.g. pasted as one line)."""
    label, inner, end_label = match.group(1), match.group(2), match.group(3)
    if label != end_label:
        return None, False
    repaired = not (inner.startswith("\n") and inner.endswith("\n"))
    lines = [line for line in inner.split("\n") if line.strip()]
    headers = _take_headers(lines)
    if any(len(line.split()) > 1 for line in lines):
        repaired = True  # line breaks turned into spaces by a single-line input box
    der = _decoded("".join("".join(line.split()) for line in lines))
    if der is None:
        return None, repaired
    return PemBlock(label=label, headers=tuple(headers), der=der, text=_canonical(label, headers, der)), repaired


def _decoded(body):
    """The bytes of a strict base64 body, or None."""
    if not body or len(body) % 4 or not _BASE64_BODY.match(body):
        return None
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def _take_headers(lines):
    """The RFC 1421 headers at the top of a block's ``lines`` (removed from them)."""
    headers = []
    while lines and _PEM_HEADER.match(lines[0].strip()):
        name, value = _PEM_HEADER.match(lines[0].strip()).groups()
        headers.append((name, value.strip()))
        lines.pop(0)
    return headers


def _canonical(label, headers, der):
    """The block as PEM writes it: "\n" line endings, 64-column body, final newline."""
    body = base64.b64encode(der).decode("ascii")
    text = "-----BEGIN %s-----\n" % label
    if headers:
        text += "".join("%s: %s\n" % pair for pair in headers) + "\n"
    text += "".join(body[i:i + 64] + "\n" for i in range(0, len(body), 64))
    return text + "-----END %s-----\n" % label


def _pem_text(name, value, problems):
    """``value`` as text of at most PEM_MAX characters, or None (with the problem said)."""
    if value is None:
        problems.append("%s: is required" % name)
        return None
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            problems.append("%s: must be PEM text, not binary (DER) data" % name)
            return None
    if not isinstance(value, str):
        problems.append("%s: must be PEM text, not a %s" % (name, {dict: "dictionary", bool: "boolean"}.get(
            type(value), "list" if isinstance(value, (list, tuple, set)) else "number")))
        return None
    if len(value) > PEM_MAX:
        problems.append("%s: must be at most %d characters (got %d)" % (name, PEM_MAX, len(value)))
        return None
    return value


def pem_blocks(name, value, problems, warnings):
    """The PEM blocks of a pasted value, debris removed (with a warning). None on a problem."""
    value = _pem_text(name, value, problems)
    if value is None:
        return None
    text, debris = _strip_debris(value)
    if not text:
        problems.append("%s: must not be empty" % name)
        return None
    blocks, repaired = _parsed_blocks(name, text, problems)
    if blocks is None:
        return None
    debris = debris or repaired
    if not blocks and "-----BEGIN " in text:
        problems.append("%s: holds an incomplete PEM block (a BEGIN line without its END line); copy the "
                        "whole file again" % name)
        return None
    if debris:
        warnings.append("%s: removed whitespace, line-break debris or invisible characters from the PEM "
                        "text (check how the value was copied)" % name)
    if blocks and _PEM_BLOCK.sub("", text).strip():
        warnings.append("%s: ignored text outside the PEM block(s)" % name)
    return blocks


def _parsed_blocks(name, text, problems):
    """(every block in ``text``, whether any needed repair); (None, _) on a damaged one."""
    blocks, repaired_any = [], False
    for match in _PEM_BLOCK.finditer(text):
        block, repaired = _parse_block(match)
        if block is None:
            problems.append("%s: holds a damaged PEM block (BEGIN and END lines differ or the body is "
                            "not base64); copy the whole file again" % name)
            return None, repaired_any
        repaired_any = repaired_any or repaired
        blocks.append(block)
    return blocks, repaired_any


def single_block(value, labels):
    """The one block with one of ``labels`` in stored text, or None (lenient, silent)."""
    blocks = pem_blocks("stored", value, [], [])
    wanted = [b for b in blocks or () if b.label not in IGNORED_LABELS]
    if len(wanted) != 1 or wanted[0].label not in labels:
        return None
    return wanted[0]


def is_encrypted(block):
    return block.label == "ENCRYPTED PRIVATE KEY" or any(
        name.lower() == "proc-type" and "ENCRYPTED" in value.upper() for name, value in block.headers)


def _what_it_holds(label):
    if "CERTIFICATE REQUEST" in label:
        return "a certificate signing request"
    if label == "TRUSTED CERTIFICATE":
        return "OpenSSL's TRUSTED CERTIFICATE form (openssl x509 -in <file> writes the plain form)"
    if label in CERTIFICATE_LABELS:
        return "a certificate"
    if label == "OPENSSH PRIVATE KEY":
        return "an OpenSSH private key"
    if "PRIVATE KEY" in label:
        return "a private key"
    if "PUBLIC KEY" in label:
        return "a public key"
    return "a PEM block of another kind"


def key_block(name, value, describe, problems, warnings):
    blocks = pem_blocks(name, value, problems, warnings)
    if blocks is None:
        return None
    blocks = [b for b in blocks if b.label not in IGNORED_LABELS]
    rule = "%s: must be a PEM private key (-----BEGIN PRIVATE KEY----- ...)" % name
    if not blocks:
        problems.append(rule)
        return None
    if len(blocks) > 1:
        problems.append("%s: holds %d PEM blocks; give only the private key (the certificate goes in %s)"
                        % (name, len(blocks), describe("certificate")))
        return None
    block = blocks[0]
    if block.label == "OPENSSH PRIVATE KEY":
        problems.append("%s: is an OpenSSH private key; convert a copy to PEM (ssh-keygen -p -m PKCS8 -f "
                        "<copy>) or generate the key with this collection" % name)
        return None
    if block.label not in KEY_LABELS:
        problems.append("%s, not %s" % (rule, _what_it_holds(block.label)))
        return None
    return block


def certificate_block(name, value, describe, problems, warnings):
    blocks = pem_blocks(name, value, problems, warnings)
    if blocks is None:
        return None
    blocks = [b for b in blocks if b.label not in IGNORED_LABELS]
    problem = _certificate_problem(name, blocks, describe)
    if problem:
        problems.append(problem)
        return None
    return blocks[0]


def _is_private_key(label):
    return label in KEY_LABELS or "PRIVATE KEY" in label


def _certificate_problem(name, blocks, describe):
    """What keeps ``blocks`` from being exactly one certificate, or None."""
    rule = "%s: must be a PEM X.509 certificate (-----BEGIN CERTIFICATE----- ...)" % name
    if not blocks:
        return rule
    if any(_is_private_key(b.label) for b in blocks):
        # Say it loudly: this value is public (shown, uploaded), a private key here is a leak.
        return ("%s: holds a private key; give only the public certificate (the key goes in %s)"
                % (name, describe("private_key")))
    certificates = [b for b in blocks if b.label in CERTIFICATE_LABELS]
    if len(certificates) > 1:
        return ("%s: holds %d certificates; NetSuite takes exactly one per mapping, so give only "
                "the certificate uploaded in %s" % (name, len(certificates), CERTIFICATE_SETUP))
    if len(blocks) > 1 or not certificates:
        return "%s, not %s" % (rule, _what_it_holds(next(b.label for b in blocks if b.label not in CERTIFICATE_LABELS)))
    return None
