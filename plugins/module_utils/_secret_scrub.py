# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""Withhold text that came from elsewhere (a server's answer, an exception) if it holds a secret.

Ansible's own masking replaces a registered value only where it appears whole and raw. A server
that echoes a request shows secrets in other forms: percent-encoded in an OAuth header, inside
base64 of a whole header or body (at any of the three byte alignments), as hex, JSON- or
HTML-escaped, split into groups, or cut off part-way. Hiding only the runs that were recognised
leaves the rest of such a text readable, so a text that holds any of them is withheld whole:

1. search: both the text and every spelling of every secret are *normalized* (everything but
   letters and digits removed, case folded), so separators and whitespace anywhere (groups of
   4, a tab inside a password, line breaks of a PEM) change nothing; every 16-character slice of
   every spelling is looked up in the text (a shorter spelling: whole);
2. terminal control sequences and control characters are removed (they can clear the screen or
   forge a line of Ansible's own output);
3. ``one_line`` cuts to a bound last, so a cut can never hide a secret from the search.

No list of spellings is complete: a server can echo a secret reversed, in base32, compressed,
or 15 characters per answer. So a server's own words are shown only when they read as prose
(``looks_encoded``): NetSuite's and Vault's messages are short English sentences, and a detail
holding anything else (a long mix of letters and digits, a sequence of numbers, text outside
ASCII once Unicode look-alikes are folded) is withheld whatever it holds.

Standard library only; knows nothing of NetSuite, Vault or Ansible.
"""

import base64
import functools
import html
import itertools
import json
import os
import re
import unicodedata
from urllib.parse import quote, quote_plus, unquote

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_decodings import (
    MIN_SEARCHED,
    decoded_views,
)

# What Ansible shows for a masked value; kept for callers that compare with it.
REDACTED = "********"
# What a text that held a secret (in any spelling) is replaced with, whole.
WITHHELD = "(withheld: this text contained a secret)"
# The longest part of a secret the search indexes (see Scrubber.add).
INDEXED_MAX = 20 * 1024
# A server's words that are not prose: they may hold a secret in a spelling no search lists.
ENCODED_WITHHELD = "(withheld: the server's text was not plain prose and may echo a secret)"
# A server's words that read like Ansible's own output: shown inside a task's message, they could
# pass for a line Ansible printed ("ok: [localhost] credentials verified").
FORGED_WITHHELD = "(withheld: the server's text imitated Ansible's output)"
_ANSIBLE_LIKE = re.compile(r"\b(?:ok|changed|fatal|failed|skipping|unreachable|included)\s*:\s*\[|"
                           r"\b(?:PLAY(?: RECAP)?|TASK|RUNNING HANDLER)\s*\[|PLAY RECAP|\*{3,}", re.IGNORECASE)
# A slice this long of one spelling is a secret's; shorter runs of random text say nothing.
SLICE = 16
# Lookups: the ANCHOR-long pieces of a text that start at a multiple of TEXT_STEP are looked up
# among those of every secret that start at a multiple of SECRET_STEP. The steps are coprime and
# their product is at most SLICE - ANCHOR + 1, so every SLICE-long match holds one piece that
# starts at such a multiple in both (Chinese remainder theorem): no match is missed. A secret
# costs one table entry per SECRET_STEP characters (each a memory access in a table of millions),
# a text one lookup per TEXT_STEP.
ANCHOR = 7
TEXT_STEP, SECRET_STEP = 5, 2
# MIN_SEARCHED (8, from _secret_decodings): shorter secrets would withhold every text (a
# 6-character password is in ordinary words); only a text that is exactly such a secret is withheld.

_NOT_ALNUM = re.compile(r"[\W_]+")
# Combining marks (what NFKD splits from an accented letter): dropped at C speed.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_ASCII_NOT_ALNUM = bytes(code for code in range(128) if not chr(code).isalnum())
# PEM armour and headers are public text that every key shares; the lines between are the key.
_PEM_ARMOUR = re.compile(r"-----(?:BEGIN|END) [A-Z0-9 ]{1,64}-----|^[A-Za-z-]{1,32}: [^\n]*$", re.MULTILINE)
# CSI (ESC [ or 0x9B) and OSC/DCS/APC/PM strings (ESC ] P _ ^ or their C1 forms) whole, then
# any other escape, C0 control but newline and tab, DEL and C1 control, and the Unicode
# direction overrides that make shown text read differently from what it is.
_TERMINAL = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]P_^X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Every sequence above starts with one of these: most texts have none and are returned as they are.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# Proxy URLs that requests (and so hvac) takes from the environment, in either case: their user
# information is a secret that any transport error may quote ("Failed to parse: http://u:pw@...").
PROXY_ENV_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")


def url_userinfo(url):
    """The secrets in a URL's user information (user:password@): the whole and the password, as
    written and percent-decoded. Text work only: a URL too broken to parse still has them."""
    rest = str(url or "").strip().partition("://")[2] or str(url or "").strip()
    userinfo = rest.split("/", 1)[0].split("?", 1)[0].rpartition("@")[0]
    if not userinfo:
        return []
    password = userinfo.partition(":")[2]
    return [value for value in dict.fromkeys((userinfo, password, unquote(userinfo), unquote(password))) if value]


def proxy_env_secrets(environ=None):
    """The user information of every proxy URL in the environment (any case of the names)."""
    environ = os.environ if environ is None else environ
    found = []
    for name, value in environ.items():
        if name.upper() in PROXY_ENV_VARS:
            found += url_userinfo(value)
    return found


def normalize(text):
    """Letters and digits only, case folded: the form every search compares. Beyond ASCII,
    compatibility forms are folded first (fullwidth and mathematical letters, composed or
    decomposed accents), so a look-alike spelling compares equal."""
    if text.isascii():  # the usual case, at C speed (a 1 MiB answer in milliseconds)
        return text.encode("ascii").translate(None, _ASCII_NOT_ALNUM).decode("ascii").lower()
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NOT_ALNUM.sub("", folded).casefold()


# A server's own words are prose; these are what prose does not hold (see looks_encoded).
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_NUMBER_SEQUENCE = re.compile(r"(?:\b(?:0[xX])?[0-9A-Fa-f]{1,4}\b[^A-Za-z0-9\n]{1,3}){8,}")
_GROUPED = re.compile(r"(?:[A-Za-z0-9]{1,9}[^A-Za-z0-9\n]{1,4}){3,}[A-Za-z0-9]{1,9}")
_MIXED_RUN_MIN = 10
_LETTER_RUN_MIN = 24
_DIGIT_RUN_MIN = 16


def _mixed(run):
    return len(run) >= _MIXED_RUN_MIN and not run.isalpha() and not run.isdigit()


def looks_encoded(text):
    """True when a server's text holds something other than prose: a long run mixing letters
    and digits (a key, reversed or rotated or in base32 or compressed and base64-encoded, or a
    15-character piece of one), a very long word or number, a sequence of numbers (bytes in
    decimal or hex), short groups that join into such a run, or characters beyond ASCII once
    Unicode look-alikes and HTML entities are folded. Such a text may be an echoed secret in a
    spelling no search lists, so it is not shown."""
    text = html.unescape(unicodedata.normalize("NFKC", str(text)))
    if not text.isascii():
        return True
    text = _TIMESTAMP.sub(" ", text)
    for run in _ALNUM_RUN.findall(text):
        if _mixed(run) or len(run) >= _LETTER_RUN_MIN or (run.isdigit() and len(run) >= _DIGIT_RUN_MIN):
            return True
    if _NUMBER_SEQUENCE.search(text):
        return True
    return any(_mixed("".join(_ALNUM_RUN.findall(match.group(0)))) and _has_short_mixed_groups(match.group(0))
               for match in _GROUPED.finditer(text))


def unshown_server_words(text):
    """Why a server's own words (already known to hold no secret) are not shown, or None: they
    are not plain prose (``looks_encoded``), or they imitate Ansible's output."""
    if looks_encoded(text):
        return ENCODED_WITHHELD
    if _ANSIBLE_LIKE.search(strip_controls(str(text))):
        return FORGED_WITHHELD
    return None


def _has_short_mixed_groups(text):
    """Groups such as 'caab 1ab4 550a' (a key in pieces: most groups mix letters and digits), not
    words such as 'page 2 of 10' or a URL's 'sb1' and 'v1'."""
    groups = _ALNUM_RUN.findall(text)
    mixed = [group for group in groups if not group.isalpha() and not group.isdigit()]
    return len(mixed) >= 3 and 2 * len(mixed) >= len(groups)


def strip_controls(text):
    """``text`` without terminal control sequences and control characters (newline and tab stay)."""
    return _TERMINAL.sub("", text) if _CONTROL.search(text) else text


def _pem_body_lines(text):
    return [line for line in _PEM_ARMOUR.sub("", text).split() if line]


def _json_u(text):
    """Every character as a JSON \\uXXXX escape (UTF-16 code units)."""
    units = text.encode("utf-16-be")
    return "".join("\\u%02x%02x" % (units[i], units[i + 1]) for i in range(0, len(units), 2))


def _base64_aligned(data):
    """Base64 of ``data`` as it appears inside a longer stream at each of the three byte
    alignments: only the characters that depend on ``data`` alone."""
    found = []
    for skip in range(3):
        encoded = base64.b64encode(b"\0" * skip + data + b"\0\0").decode("ascii")
        first = -(-8 * skip // 6)
        last = (8 * skip + 8 * len(data)) // 6
        found.append(encoded[first:last])
    return found


def spellings(secret):
    """The spellings a secret can take in a server's answer or a log (not yet normalized)."""
    raw = str(secret)
    texts = [raw, quote(raw, safe=""), quote(raw, safe="/"), quote_plus(raw),
             quote(quote(raw, safe=""), safe=""), json.dumps(raw)[1:-1],
             json.dumps(raw, ensure_ascii=False)[1:-1]]
    if "-----BEGIN " in raw:
        # The key is the PEM's body: with or without its line breaks, as sent in a JSON body.
        lines = _pem_body_lines(raw)
        texts += ["".join(lines), "\n".join(lines), "\r\n".join(lines), "\\n".join(lines)]
    texts = list(dict.fromkeys(text for text in texts if text))
    found = texts + [html.escape(raw), _json_u(raw), raw.encode("utf-8").hex()]
    for text in texts:
        found += _base64_aligned(text.encode("utf-8"))
    return found


def _written_forms(secret):
    """The secret, and a PEM's body with its lines joined (normalizing drops the breaks, but not
    the armour between the body and a neighbour)."""
    if "-----BEGIN " in secret:
        return [secret, "".join(_pem_body_lines(secret))]
    return [secret]


# Longer flat texts are first looked up all at once: a 2 KB text cost 2.5 times as much in the
# loop below; a short one (a host name, a path) costs less without setting that up.
_LONG_FLAT = 64
_VERDICT_TEXT_MAX = 4096
_VERDICTS_MAX = 65536


def _windows(flat, at):
    """The SLICE-long pieces of ``flat`` that hold its ANCHOR-long piece at ``at``."""
    first, last = max(0, at - (SLICE - ANCHOR)), min(at, len(flat) - SLICE)
    return {flat[start:start + SLICE] for start in range(first, last + 1)}


def _windows_held(known, anchor):
    """The windows around every place that ``known`` (a place in Scrubber's table) gives."""
    if isinstance(known, tuple):
        return _windows(*known)
    found, at = set(), known.find(anchor)
    while at >= 0:
        found |= _windows(known, at)
        at = known.find(anchor, at + 1)
    return found


def _covered(known, flat, at):
    """True when every window of ``flat`` around ``at`` is found through ``known`` already: the
    same characters either side as far as a window reaches (a secret inside another, such as a
    URL's password inside its user information, or the same secret in another case)."""
    reach = SLICE - ANCHOR
    left, right = min(at, reach), min(len(flat) - at - ANCHOR, reach)
    around = flat[at - left:at + ANCHOR + right]
    if isinstance(known, str):
        return around in known
    known_flat, known_at = known
    return (left <= known_at and right <= len(known_flat) - known_at - ANCHOR
            and around == known_flat[known_at - left:known_at + ANCHOR + right])


def _holds_piece(known, piece, offset):
    """True if ``piece``, holding an anchor at ``offset``, is a slice of a secret. ``known`` is
    the one secret that has the anchor (any place in it will do: it is short), or where the
    anchor is in the one long secret that has it, or every window around it in all."""
    if isinstance(known, tuple):
        flat, at = known
        start = at - offset
        return start >= 0 and flat[start:start + SLICE] == piece
    return piece in known  # a substring of the secret, or one of the windows


def _flat_forms(secret):
    """The forms of ``secret`` to index, normalized: as written, and a PEM's body joined."""
    return tuple(normalize(form) for form in _written_forms(secret))


# A secret at least this long (a key, an assertion) is prepared from a cache: a task builds a
# Scrubber over the same key several times, and finding a PEM's body alone costs 0.4 ms. The
# shorter ones (a token, a signature) are mostly seen once: not worth a cache entry.
_CACHED_MIN = 256
_cached_flat_forms = functools.lru_cache(maxsize=16)(_flat_forms)


def _anchors(flat):
    """The ANCHOR-long pieces of ``flat`` that Scrubber indexes, with where they start."""
    starts = range(0, len(flat) - ANCHOR + 1, SECRET_STEP)
    return [flat[at:at + ANCHOR] for at in starts], starts


@functools.lru_cache(maxsize=16)
def _key_places(flat):
    """For a long flat form (a key): its anchors, their places (flat, where it starts), each
    anchor -> its first place (merged into a Scrubber at C speed), and the places where an
    anchor starts again (a PEM's armour says PRIVATE KEY twice)."""
    anchors, starts = _anchors(flat)
    places = list(zip(itertools.repeat(flat), starts))
    first = dict(zip(reversed(anchors), reversed(places)))
    again = tuple((anchor, place) for anchor, place in zip(anchors, places) if first[anchor] is not place)
    return anchors, places, first, again


@functools.lru_cache(maxsize=256)
def _public_slices(text):
    """Every SLICE-long piece of a public text as written (and of a PEM's body joined); cached:
    a task allows the same certificate in every Scrubber it makes."""
    slices = set()
    for form in _written_forms(text):
        flat = normalize(form)
        slices.update(flat[i:i + SLICE] for i in range(len(flat) - SLICE + 1))
    return frozenset(slices)


class Scrubber:
    """Withholds any text that holds a registered secret in any spelling; strips controls."""

    def __init__(self, secrets=(), public=(), environment=True):
        """``environment``: also register the proxy credentials of the environment (every task
        can meet them, in any transport error), so no caller has to remember them."""
        # Where the secrets' slices are: each ANCHOR-long piece of a secret's flat form that
        # starts at a multiple of SECRET_STEP -> the flat form of a short secret, or (flat,
        # where it starts) in a long one, or the set of SLICE-long windows around it when
        # several secrets share it (_add_anchor).
        self._slices = {}
        self._wholes = set()
        self._raws = set()
        self._exact = set()
        self._added = set()  # every secret registered, as given
        self._public = set()
        # Verdicts on texts already searched (a fleet's rows repeat the same hints and names),
        # valid for the generation of secrets they were reached with.
        self._generation = 0
        self._verdicts = {}
        for secret in secrets:
            self.add(secret)
        for secret in (proxy_env_secrets() if environment else ()):
            self.add(secret)
        for text in public:
            self.allow(text)

    def __bool__(self):
        return bool(self._exact)

    def add(self, secret):
        if secret is None:
            return
        secret = str(secret)
        if secret in self._added:  # a fleet registers its Vault token for every account
            return  # nothing changes: verdicts already reached stay right
        stripped = secret.strip()
        if not stripped:
            return
        self._exact.add(secret)
        if stripped != secret:
            self._exact.add(stripped)
        if len(stripped) >= MIN_SEARCHED:
            # Indexing costs time and memory in proportion to the length (a 64 KiB value:
            # seconds). No valid secret is near this long (a PEM key is at most 16 KiB) and a
            # longer one is refused unseen; its first part still finds any echo of it.
            self._index(secret[:INDEXED_MAX])
        # Counted last: a search that ran while this secret was indexed (another thread) stored
        # its verdict under the previous generation, which this makes stale.
        self._added.add(secret)
        self._generation += 1

    def _index(self, secret):
        # Only the secret as written (and a PEM's body joined) is indexed: the other spellings
        # are found by decoding the text (_secret_decodings); indexing every spelling of every
        # secret cost a fleet of 1000 accounts 18 s of CPU.
        flats = (_cached_flat_forms if len(secret) >= _CACHED_MIN else _flat_forms)(secret)
        indexed = ""
        for flat in flats:
            if len(flat) >= SLICE:
                if flat not in indexed:  # a PEM's body is inside the whole: nothing new
                    self._index_flat(flat)
                    indexed = flat
            elif len(flat) >= MIN_SEARCHED:
                self._wholes.add(flat)
        # A secret that is mostly punctuation ("!!#%&/()=?x"): its letters alone are too few to
        # search for, so it is searched as written (case folded).
        if len(flats[0]) < MIN_SEARCHED:
            self._raws.add(secret.casefold())

    def _index_flat(self, flat):
        """Index the ANCHOR-long pieces of ``flat`` that start at a multiple of SECRET_STEP. A
        set of every slice and another of every anchor (two entries per character, in tables
        of millions: a memory access each) cost 74 us per 64-character secret once thousands
        were held; one entry per SECRET_STEP characters, the candidates checked against the
        secret itself, costs a fraction. A short secret is its own place (a candidate is looked
        for in it: no object per anchor); a long one (a key) gives where each anchor is."""
        if len(flat) >= _CACHED_MIN:
            anchors, places, first, again = _key_places(flat)
            if self._slices.keys().isdisjoint(first):  # the usual case for a key
                self._slices.update(first)
                for anchor, (_flat, at) in again:
                    self._add_anchor(anchor, flat, at)
                return
            starts = range(0, len(flat) - ANCHOR + 1, SECRET_STEP)
        else:
            anchors, starts = _anchors(flat)
            places = [flat] * len(anchors)
        # One lookup per anchor, at C speed: each place is stored unless its anchor is held.
        found = list(map(self._slices.setdefault, anchors, places))
        if found != places:  # an anchor held already (rare for random secrets; a PEM's armour)
            for anchor, known, place, at in zip(anchors, found, places, starts):
                if known is not place:
                    self._add_anchor(anchor, flat, at)

    def _add_anchor(self, anchor, flat, at):
        """Another place, ``at`` in ``flat``, for an anchor held: what is held stays while it
        finds every window around the new place too; else the windows around every place are
        held, as a set. What is held is read here, not before: an anchor found twice in one
        secret may have become a set."""
        known = self._slices[anchor]
        if isinstance(known, set):
            known.update(_windows(flat, at))
        elif not _covered(known, flat, at):
            self._slices[anchor] = _windows_held(known, anchor) | _windows(flat, at)

    def allow(self, public_text):
        """Never count slices of ``public_text`` as secret: a private key's body holds its public
        key, which a certificate repeats, and the certificate to upload must arrive intact. The
        rest of the key (its private numbers) is still found wherever it appears."""
        if public_text:
            self._generation += 1
            self._public |= _public_slices(str(public_text))

    def holds_secret(self, text):
        """True if ``text`` holds a registered secret in any spelling, or a slice of one."""
        if text.strip() in self._exact:
            return True
        if len(text) < MIN_SEARCHED:  # no decoding lengthens a text: nothing searched fits
            return False
        generation = self._generation
        known = self._verdicts.get(text) if len(text) <= _VERDICT_TEXT_MAX else None
        if known is not None and known[0] == generation:
            return known[1]
        verdict = any(self._view_holds(view) for view in [text] + decoded_views(text))
        if len(text) <= _VERDICT_TEXT_MAX and len(self._verdicts) < _VERDICTS_MAX:
            self._verdicts[text] = (generation, verdict)
        return verdict

    def _view_holds(self, view):
        if self._raws:
            folded = view.casefold()
            if any(raw in folded for raw in self._raws):
                return True
        flat = normalize(view)
        return any(whole in flat for whole in self._wholes) or self._slice_found(flat)

    def _slice_found(self, flat):
        anchors, public = self._slices, self._public
        if not anchors or len(flat) < SLICE:
            return False
        end = len(flat) - SLICE
        positions = range(0, len(flat) - ANCHOR + 1, TEXT_STEP)
        if len(flat) > _LONG_FLAT and anchors.keys().isdisjoint(flat[i:i + ANCHOR] for i in positions):
            return False  # the common case for a long text (no secret's anchor), at C speed
        for anchor in positions:
            known = anchors.get(flat[anchor:anchor + ANCHOR])
            if known is None:
                continue
            for start in range(max(0, anchor - (SLICE - ANCHOR)), min(anchor, end) + 1):
                piece = flat[start:start + SLICE]
                if piece not in public and _holds_piece(known, piece, anchor - start):
                    return True
        return False

    def scrub(self, text):
        """``text`` withheld whole if it holds a secret, else without terminal controls;
        non-strings are returned as is."""
        if not isinstance(text, str) or not text:
            return text
        if self._exact and self.holds_secret(text):
            return WITHHELD
        return strip_controls(text)

    def scrub_all(self, value):
        """Scrub every string value inside dicts, lists and tuples. Keys are the caller's own
        names and are left alone: masking one would change the result's shape."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {key: self.scrub_all(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.scrub_all(item) for item in value)
        return value

    def one_line(self, text, limit):
        """Scrubbed, whitespace folded to single spaces, then cut to ``limit`` characters."""
        flat = " ".join(self.scrub(str(text)).split())
        return flat if len(flat) <= limit else flat[:max(limit - 3, 0)] + "..."
