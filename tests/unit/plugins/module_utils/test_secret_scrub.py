# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scrubber withholds, whole, any text that holds a secret in any spelling, and strips
terminal controls from the rest."""
import base64
import gzip
import hashlib
import html
import json
import zlib
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import (
    INDEXED_MAX,
    WITHHELD,
    Scrubber,
    looks_encoded,
    strip_controls,
)

SECRET = "Ab+/=&%9" + "c0ffee" * 8 + "Z~ é"
KEY = "3f9a0c7e5b1d4f2a8c6e0b9d7f5a3c1e2b4d6f8a0c9e7b5d3f1a2c4e6b8d0f9a"
OTHER = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"


def _b64(text, skip=0, urlsafe=False, pad=True):
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    encoded = encode(("x" * skip + text).encode("utf-8")).decode("ascii")
    return encoded if pad else encoded.rstrip("=")


def _json_u(text):
    return "".join("\\u%04x" % ord(c) for c in text)


def spelled(secret):
    """Every spelling of ``secret`` the scrubber must find, by name."""
    forms = {
        "raw": secret, "upper": secret.upper(), "lower": secret.lower(),
        "percent": quote(secret, safe=""), "percent-lower": quote(secret, safe="").lower(),
        "plus": quote_plus(secret), "double-percent": quote(quote(secret, safe=""), safe=""),
        "json": json.dumps(secret)[1:-1], "json-ascii-free": json.dumps(secret, ensure_ascii=False)[1:-1],
        "json-slash": json.dumps(secret)[1:-1].replace("/", "\\/"), "json-u-every-char": _json_u(secret),
        "html": html.escape(secret), "hex": secret.encode().hex(), "HEX": secret.encode().hex().upper(),
        "groups-of-4": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "groups-of-6-dashed": "-".join(secret[i:i + 6] for i in range(0, len(secret), 6)),
    }
    for skip in range(3):
        for urlsafe in (False, True):
            for pad in (False, True):
                forms["base64-%d%s%s" % (skip, "-urlsafe" if urlsafe else "", "" if pad else "-nopad")] = \
                    _b64(secret, skip, urlsafe, pad)
    return forms


FORMS = spelled(SECRET)
# A long secret (an access token, an assertion, a key): every spelling must be found as well.
LONG = "".join(hashlib.sha256(b"%d" % n).hexdigest()[:20] + "+/=é%&"[n % 6] for n in range(16))
LONG_FORMS = spelled(LONG)


@pytest.mark.parametrize("form", list(FORMS.values()), ids=list(FORMS))
def test_every_spelling_withholds_the_whole_text(form):
    assert Scrubber([SECRET]).scrub("before %s after" % form) == WITHHELD


@pytest.mark.parametrize("form", list(LONG_FORMS.values()), ids=list(LONG_FORMS))
def test_every_spelling_of_a_long_secret_withholds_the_whole_text(form):
    assert Scrubber([LONG]).scrub("before %s after" % form) == WITHHELD


@pytest.mark.parametrize("start", range(0, len(LONG) - 16, 37))
@pytest.mark.parametrize("name", ["raw", "percent", "json-u-every-char", "hex", "base64-1", "base64-2-urlsafe-nopad"])
def test_every_16_character_slice_of_a_long_secret_is_found_in_its_spellings(start, name):
    piece = LONG[start:start + 17]  # 16 letters and digits at least: one character is punctuation
    assert Scrubber([LONG]).holds_secret("echo " + spelled(piece)[name] + " end")


@pytest.mark.parametrize("secret", [SECRET, LONG, KEY], ids=["short", "long", "hex"])
def test_a_secret_is_indexed_as_written_only_and_the_text_decoded_instead(secret):
    """Indexing every spelling of every secret cost a fleet of 1000 accounts 18 s of CPU."""
    scrubber = Scrubber([secret], environment=False)
    assert len(scrubber._slices) <= len(secret)  # pylint: disable=protected-access


@pytest.mark.parametrize("skip", range(3))
@pytest.mark.parametrize("body", [
    'Authorization: OAuth realm="1", oauth_consumer_key="%s", oauth_nonce="abc"' % KEY,
    json.dumps({"data": {"consumer_secret": KEY, "account_id": "1234567"}}),
    "grant_type=client_credentials&client_assertion=" + KEY + "&x=1",
], ids=["header", "json", "form"])
def test_a_secret_inside_base64_of_a_longer_text_is_found_at_every_alignment(skip, body):
    detail = {"detail": "Rejected: " + _b64(body, skip), "o:errorCode": "INVALID_LOGIN"}
    assert Scrubber([KEY]).scrub(json.dumps(detail)) == WITHHELD


@pytest.mark.parametrize("start", range(0, 49, 3))
def test_every_16_character_slice_is_found_and_15_are_not(start):
    scrubber = Scrubber([KEY])
    assert scrubber.scrub("x" + KEY[start:start + 16] + "y") == WITHHELD
    assert scrubber.scrub("x " + KEY[start:start + 15] + " y") == "x " + KEY[start:start + 15] + " y"


def test_the_search_fails_for_unrelated_text_and_passes_it_unchanged():
    scrubber = Scrubber([KEY])
    text = "Invalid login attempt 0123456 (%s) for %s" % (OTHER[:40], _b64(OTHER))
    assert scrubber.scrub(text) == text
    assert Scrubber([OTHER]).scrub(text) == WITHHELD


@pytest.mark.parametrize("echo", ["pass\tword  with spaces!", "pass word with spaces!",
                                  "PASS\\tWORD  WITH SPACES", "password\nwith\nspaces"])
def test_whitespace_inside_a_secret_is_never_needed_for_the_search(echo):
    assert Scrubber(["pass\tword  with spaces!"]).scrub("Vault said: invalid " + echo) == WITHHELD


def test_secrets_of_8_to_15_characters_are_searched_whole():
    scrubber = Scrubber(["Sh0rt-Pass9"])
    assert scrubber.scrub("user sh0rtpass9 denied") == WITHHELD
    assert scrubber.scrub("user %s denied" % base64.b64encode(b"Sh0rt-Pass9").decode()) == WITHHELD
    assert scrubber.scrub("user sh0rtpass denied") == "user sh0rtpass denied"


def test_short_secrets_withhold_only_a_text_that_is_exactly_them():
    scrubber = Scrubber(["s3cr", "h"])
    assert scrubber.scrub(" s3cr ") == WITHHELD
    assert scrubber.scrub("h") == WITHHELD
    assert scrubber.scrub("a s3cr b and host") == "a s3cr b and host"
    assert scrubber.scrub_all({"host": "h1", "changed": False}) == {"host": "h1", "changed": False}


def test_a_secret_of_punctuation_is_searched_as_written():
    scrubber = Scrubber(["!#%&/()=?*"])
    assert scrubber.scrub("got !#%&/()=?* back") == WITHHELD
    assert scrubber.scrub("got !#% back") == "got !#% back"


def test_terminal_controls_are_stripped_and_newlines_and_tabs_stay():
    text = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b[32mok: [host] => verified\x1b[0m\r\x07\x00\x9b31m\x85a\tb\nc\u202e"
    assert Scrubber([KEY]).scrub(text) == "ok: [host] => verified" + "a\tb\nc"
    assert Scrubber().scrub(text) == strip_controls(text) == "ok: [host] => verified" + "a\tb\nc"


def test_one_line_withholds_then_strips_then_bounds():
    scrubber = Scrubber([KEY])
    assert scrubber.one_line("x" * 495 + KEY[:20], 500) == WITHHELD
    assert scrubber.one_line("\x1b[31m" + "y" * 600, 100) == "y" * 97 + "..."
    assert scrubber.one_line("a \x1b]0;t\x07 b\n\tc", 100) == "a b c"


def test_keys_are_never_touched_and_values_withheld_whole():
    scrubber = Scrubber([KEY, "ho"])
    value = {"a": [KEY[:20] + "zzzz", ("x", 3)], KEY: None, "host": "ho", "msg": "fine"}
    assert scrubber.scrub_all(value) == {"a": [WITHHELD, ("x", 3)], KEY: None, "host": WITHHELD, "msg": "fine"}
    assert Scrubber([None, "", "  "]).scrub("anything") == "anything"


PEM_LINES = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vx9Jd0XqT2k8",
             "Zq1tP0wY3rVb6nK9sX2mL4cH8fD1gE5aJ7uR0iO3pQ6wS9yT2vU5xZ8bN1mC4kF",
             "q7Hc2Lm9Wn4Rb8Tx1Vz6Yd3Kf0Gs5Jp2Qe7Ua4Oi9Mh1Nj6Bl3Cw8Dv0Ey5Fr2"]
PEM = "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n" % "\n".join(PEM_LINES)


@pytest.mark.parametrize("echo", [
    PEM, PEM.replace("\n", "\r\n"), json.dumps({"private_key": PEM}), "".join(PEM_LINES),
    _b64(json.dumps({"data": {"private_key": PEM}}), 0), _b64(json.dumps({"data": {"private_key": PEM}}), 1),
    _b64(json.dumps({"data": {"private_key": PEM}}), 2), _b64("".join(PEM_LINES), 1),
], ids=["pem", "crlf", "json", "body", "b64-json-0", "b64-json-1", "b64-json-2", "b64-body"])
def test_a_pem_key_is_found_whole_in_every_spelling(echo):
    assert Scrubber([PEM]).scrub("server said: " + echo) == WITHHELD


def test_a_pem_key_leaves_its_public_armour_alone():
    scrubber = Scrubber([PEM])
    for text in ("private_key: must be a PEM (-----BEGIN PRIVATE KEY-----)", "-----BEGIN CERTIFICATE-----"):
        assert scrubber.scrub(text) == text


def test_public_text_that_shares_slices_with_a_secret_stays_intact():
    secret = "publicPART0123456789" + "privatePART-9f8e7d6c5b4a"
    certificate = "header publicPART0123456789 trailer"
    scrubber = Scrubber([secret], public=[certificate])
    assert scrubber.scrub(certificate) == certificate
    assert scrubber.scrub("leak: privatePART-9f8e7d6c5b4a") == WITHHELD


def test_a_large_text_is_searched_whole():
    text = ("ordinary log line, nothing to see %d\n" * 30000) % tuple(range(30000))
    scrubber = Scrubber([KEY, OTHER, PEM])
    assert scrubber.scrub(text) == text
    assert scrubber.scrub(text + _b64("token=" + OTHER, 2)) == WITHHELD


@pytest.mark.parametrize("name", ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_proxy_credentials_in_the_environment_are_registered_by_every_scrubber(monkeypatch, name):
    for other in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(name, "http://ops:Pr0xy%40Passw0rd-77@proxy.example:80800")
    message = "Unexpected InvalidURL: Failed to parse: http://ops:Pr0xy%40Passw0rd-77@proxy.example:80800"
    assert Scrubber().scrub(message) == WITHHELD
    assert Scrubber().scrub("Proxy-Authorization: Basic " + _b64("ops:Pr0xy@Passw0rd-77")) == WITHHELD
    assert Scrubber(environment=False).scrub(message) == message


def test_url_user_information_is_found_even_in_a_url_too_broken_to_parse():
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import url_userinfo
    assert url_userinfo("http://ops:p%40ss@proxy.example:80800") == ["ops:p%40ss", "p%40ss", "ops:p@ss", "p@ss"]
    assert url_userinfo("http://ops:pw@[bad") == ["ops:pw", "pw"]
    assert url_userinfo("http://proxy.example:3128/a@b") == []


# --- the third outside attack: spellings no list holds -----------------------------------------

_KEY = "caab1ab4550ae29b2bcaf5de270c30387019202b54326b30ae56ffd161f20191"


def _spelled(key):
    """A server's echo of ``key`` in spellings the search does not list, each reversible."""
    import codecs
    import gzip
    return {
        "reversed": key[::-1],
        "rot13": codecs.encode(key, "rot13"),
        "html hex entities": "".join("&#x%02x;" % ord(c) for c in key),
        "0x bytes": " ".join("0x%02x" % ord(c) for c in key),
        "base32": base64.b32encode(key.encode()).decode(),
        "gzip base64": base64.b64encode(gzip.compress(key.encode())).decode(),
        "utf-16 hex": key.encode("utf-16-be").hex(),
        "decimal bytes": ",".join(str(ord(c)) for c in key),
        "markup between pieces": "<b>".join(key[i:i + 12] for i in range(0, 64, 12)),
        "a 15-character piece": key[:15],
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in key[:20]),
        "groups of 3": " ".join(key[i:i + 3] for i in range(0, 63, 3)),
        "accented text": "Gr\u00fc\u00dfe-P\u00e4\u00dfw\u00f6rter",
    }


@pytest.mark.parametrize("spelling", sorted(_spelled(_KEY)))
def test_server_text_that_is_not_prose_is_withheld(spelling):
    assert looks_encoded("Invalid login attempt: %s" % _spelled(_KEY)[spelling])


@pytest.mark.parametrize("text", [
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > "
    "Users/Roles > User Management > View Login Audit Trail.",
    "Permission Violation: You need the 'Lists -> Customers' permission to access this page.",
    "1 error occurred: * permission denied",
    "no handler for route 'secret/data/netsuite/1234567_SB1/tba'. route entry not found.",
    "The request timestamp 2026-12-06T23:08:34Z is outside the allowed window",
    "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/42",
    "Error in page 2 of 10, items 1-5",
])
def test_prose_from_netsuite_and_vault_is_shown(text):
    assert not looks_encoded(text)


def test_decomposed_accents_and_fullwidth_forms_compare_equal():
    import unicodedata
    password = "Gr\u00fc\u00dfe-P\u00e4\u00dfw\u00f6rter-\u00dcn\u00efcode-2026"
    scrubber = Scrubber([password], environment=False)
    assert scrubber.holds_secret("password: " + unicodedata.normalize("NFD", password))
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in _KEY)
    assert Scrubber([_KEY], environment=False).holds_secret("key " + wide)


def test_an_over_long_secret_is_indexed_by_its_first_part_only():
    """Registering a 2 MiB value must not cost minutes; an echo of its start is still found."""
    huge = "a1" * (1024 * 1024)
    scrubber = Scrubber([huge], environment=False)
    assert scrubber.holds_secret("echo " + huge[:64])
    assert len(scrubber._slices) < 4 * INDEXED_MAX * 8  # pylint: disable=protected-access


def _reencoded(secret):
    """The re-encodings an outside attack echoed through netsuite_request's data."""
    raw = secret.encode()
    return {
        "reversed": secret[::-1],
        "base64-of-base64": base64.b64encode(base64.b64encode(raw)).decode(),
        "base64-of-base64-urlsafe": base64.urlsafe_b64encode(base64.b64encode(raw)).decode().rstrip("="),
        "hex-of-base64": base64.b64encode(raw).hex(),
        "base32": base64.b32encode(raw).decode(),
        "rot13": secret.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                                                "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")),
        "gzip-base64": base64.b64encode(gzip.compress(b"Authorization: OAuth oauth_token=" + raw)).decode(),
        "zlib-base64": base64.b64encode(zlib.compress(raw)).decode(),
    }


@pytest.mark.parametrize("name", list(_reencoded(KEY)))
@pytest.mark.parametrize("secret", [KEY, LONG], ids=["key", "long"])
def test_re_encoded_echoes_are_withheld(secret, name):
    assert Scrubber([secret]).scrub('{"data": "%s"}' % _reencoded(secret)[name]) == WITHHELD


def test_a_long_run_is_decoded_once_from_its_start(monkeypatch):
    """A 16 MiB base64 answer cost 37 s searched at every alignment and twice over."""
    from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _secret_scrub  # pylint: disable=import-outside-toplevel
    calls = []
    real = _secret_scrub.base64.b64decode
    monkeypatch.setattr(_secret_scrub.base64, "b64decode", lambda data: calls.append(len(data)) or real(data))
    blob = base64.b64encode(b"\x00" * (1024 * 1024)).decode()
    assert not Scrubber([KEY]).holds_secret(blob)
    assert len([size for size in calls if size > 1024]) == 1
