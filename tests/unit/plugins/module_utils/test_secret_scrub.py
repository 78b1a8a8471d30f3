# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scrubber hides secrets in every form a server or a log can give them."""
import base64
import html
import json
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import (
    REDACTED,
    Scrubber,
)

SECRET = "Ab+/=&%9" + "c0ffee" * 8 + "Z~ é"


@pytest.mark.parametrize("form", [
    SECRET, SECRET.upper(), SECRET.lower(), quote(SECRET, safe=""), quote(SECRET, safe="").lower(),
    quote_plus(SECRET), json.dumps(SECRET)[1:-1], json.dumps(SECRET)[1:-1].replace("/", "\\/"),
    html.escape(SECRET), base64.b64encode(SECRET.encode()).decode(),
], ids=["raw", "upper", "lower", "percent", "percent-lower", "plus", "json", "json-slash", "html", "base64"])
def test_every_form_is_hidden(form):
    text = "before %s after" % form
    scrubbed = Scrubber([SECRET]).scrub(text)
    assert scrubbed.startswith("before ") and scrubbed.endswith(" after")
    assert REDACTED in scrubbed
    for size in (8, 16):
        assert not any(form[i:i + size] in scrubbed for i in range(len(form) - size + 1))


def test_partial_fragments_are_hidden_wherever_they_start():
    secret = "0123456789abcdef" * 4
    for start in range(0, 56):
        text = "x" + secret[start:start + 9] + "y"
        assert Scrubber([secret]).scrub(text) == "x" + REDACTED + "y"


def test_text_without_secrets_is_unchanged_and_short_runs_stay():
    scrubber = Scrubber(["0123456789abcdef" * 4])
    text = "Invalid login attempt 0123456 (abcdef)"
    assert scrubber.scrub(text) == text


def test_short_secrets_are_matched_whole():
    assert Scrubber(["s3cr"]).scrub("a S3CR b") == "a %s b" % REDACTED


def test_scrub_then_cut_never_leaves_a_cut_fragment():
    secret = "f" * 3 + "0123456789abcdef" * 4
    text = "x" * 495 + secret
    assert Scrubber([secret]).one_line(text, 500) == "x" * 495 + REDACTED[:2] + "..."


def test_nested_values_and_empty_scrubber():
    scrubber = Scrubber(["0123456789abcdef" * 4])
    value = {"a": ["0123456789abcdefzzzz", ("x", 3)], "0123456789abcdef": None}
    assert scrubber.scrub_all(value) == {"a": [REDACTED + "zzzz", ("x", 3)], REDACTED: None}
    assert Scrubber([None, ""]).scrub("anything") == "anything"


def test_a_pem_key_hides_its_body_not_the_public_armour():
    body = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vx9Jd0XqT2k8",
            "Zq1tP0wY3rVb6nK9sX2mL4cH8fD1gE5aJ7uR0iO3pQ6wS9yT2vU5xZ8bN1mC4kF"]
    pem = "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n" % "\n".join(body)
    scrubber = Scrubber([pem])
    assert scrubber.scrub("private_key: must be a PEM (-----BEGIN PRIVATE KEY-----)") == \
        "private_key: must be a PEM (-----BEGIN PRIVATE KEY-----)"
    echoed = scrubber.scrub("server said: " + pem.replace("\n", "\\n"))
    assert not any(line[i:i + 16] in echoed for line in body for i in range(len(line) - 15))
    assert scrubber.scrub("-----BEGIN CERTIFICATE-----") == "-----BEGIN CERTIFICATE-----"


def test_public_text_that_shares_runs_with_a_secret_stays_intact():
    secret = "publicPART0123456789" + "privatePART-9f8e7d6c5b4a"
    certificate = "header publicPART0123456789 trailer"
    scrubber = Scrubber([secret], public=[certificate])
    assert scrubber.scrub(certificate) == certificate
    assert scrubber.scrub("leak: privatePART-9f8e7d6c5b4a") == "leak: ********"
