# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""What a text may spell a secret as, decoded (``decoded_views``): the Scrubber searches each
view, so it indexes every secret only as written (_secret_scrub). Standard library only."""

import base64
import html
import re
import zlib
from urllib.parse import unquote

# The shortest secret searched inside text (a shorter one is withheld only as a whole value).
MIN_SEARCHED = 8

_PERCENT_ESCAPE = "%"
_JSON_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|([nrtbf"/\\]))')
_JSON_CHARS = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "/": "/", "\\": "\\"}
# Base64 (either alphabet) long enough to hold MIN_SEARCHED characters of a secret, and hex likewise.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{%d,}" % (MIN_SEARCHED * 4 // 3))
_HEX_RUN = re.compile(r"[0-9A-Fa-f]{%d,}" % (MIN_SEARCHED * 2))
_URLSAFE_TO_STANDARD = str.maketrans("-_", "+/")


def _json_char(match):
    return chr(int(match.group(1), 16)) if match.group(1) else _JSON_CHARS[match.group(2)]


def _unescaped(text):
    """``text`` and what its escapes stand for: percent (once and twice), JSON, HTML."""
    views = [text]
    if _PERCENT_ESCAPE in text:
        once = unquote(text)
        views += [once, unquote(once)] if _PERCENT_ESCAPE in once else [once]
    if "\\" in text:
        views.append(_JSON_ESCAPE.sub(_json_char, text))
    if "&" in text:
        views.append(html.unescape(text))
    return views


# Runs longer than this are decoded from their start only (a blob encoded whole), not at every
# alignment and not a second time: a 16 MiB base64 answer cost 37 s of CPU searched that way.
_RUN_FULLY_DECODED_MAX = 64 * 1024
_INFLATED_MAX = 1024 * 1024
_RECURSED_MAX = 8 * 1024 * 1024
_BASE32_RUN = re.compile(r"[A-Z2-7]{%d,}" % (MIN_SEARCHED * 8 // 5))
_ROT13 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                       "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")


def _inflated(data):
    """gzip or zlib data (a compressed echo), decompressed up to a bound, else None."""
    if not (data[:2] == b"\x1f\x8b" or (len(data) > 1 and data[0] == 0x78 and (data[0] * 256 + data[1]) % 31 == 0)):
        return None
    try:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, told apart by zlib
        return inflater.decompress(data, _INFLATED_MAX)
    except zlib.error:
        return None


# Text inside decoded bytes: printable ASCII (with tabs and line breaks) and UTF-8 sequences.
_TEXT_RUN = re.compile(rb"(?:[\t\n\r\x20-\x7e]|[\xc2-\xf4][\x80-\xbf]{1,3}){%d,}" % MIN_SEARCHED)


def _text_of(data):
    """The text runs of decoded bytes (gzip or zlib data inflated first), one per line: random
    bytes, which a long base64 or hex run mostly decodes to, leave almost nothing to search."""
    inflated = _inflated(data)
    return b"\n".join(_TEXT_RUN.findall(inflated if inflated is not None else data)).decode("utf-8", "ignore")


def _base64_decodings(run):
    """What a base64 run decodes to from each of its four character alignments (a secret's
    encoding can start anywhere inside a longer stream)."""
    run = run.translate(_URLSAFE_TO_STANDARD)
    for skip in range(4 if len(run) <= _RUN_FULLY_DECODED_MAX else 1):
        usable = run[skip:]
        # A run without its padding still decodes to its last whole byte.
        usable = usable[:-1] if len(usable) % 4 == 1 else usable + "=" * (-len(usable) % 4)
        if usable:
            yield _text_of(base64.b64decode(usable))


def _base32_decodings(run):
    for skip in range(8 if len(run) <= _RUN_FULLY_DECODED_MAX else 1):
        usable = run[skip:]
        usable = usable[:len(usable) // 8 * 8]
        if usable:
            try:
                yield _text_of(base64.b32decode(usable))
            except ValueError:
                continue


def _hex_decodings(run):
    for skip in range(2 if len(run) <= _RUN_FULLY_DECODED_MAX else 1):
        usable = run[skip:]
        yield _text_of(bytes.fromhex(usable[:len(usable) // 2 * 2]))


def _encoded_runs(view):
    """The texts the base64, base32 and hex runs of ``view`` decode to."""
    for run in _BASE64_RUN.findall(view):
        yield from _base64_decodings(run)
    for run in _HEX_RUN.findall(view):
        yield from _hex_decodings(run)
    for run in _BASE32_RUN.findall(view):
        yield from _base32_decodings(run)


def decoded_views(text, depth=2):
    """What ``text`` may spell a secret as, decoded: its escapes (percent once and twice, JSON,
    HTML), its base64 (either alphabet, any alignment), base32 and hex runs (gzip or zlib data
    inflated) with their own escapes, twice over (base64 of base64, hex of base64...), and the
    text reversed and in ROT13. With the text itself these cover every spelling ``spellings``
    lists and the re-encodings an outside attack used; no list is complete (looks_encoded)."""
    views = _unescaped(text)
    # Every run's decodings joined into one text, searched once: 400,000 short runs searched one
    # by one cost seconds of interpreter work.
    joined = "\n".join(decoded for view in views for decoded in _encoded_runs(view) if decoded)
    if joined:
        views += _unescaped(joined)
        if depth > 1 and len(joined) <= _RECURSED_MAX:
            views += decoded_views(joined, depth - 1)
    views += [text[::-1], text.translate(_ROT13)]
    return views[1:]
