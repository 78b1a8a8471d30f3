# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scrubber's index (anchors of each secret, checked against the secret itself) finds what a
plain search for every slice of every secret finds: same verdicts, whatever the order of adds,
allows and searches."""
import random
import string

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _secret_decodings, _secret_scrub
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._secret_scrub import (
    INDEXED_MAX,
    MIN_SEARCHED,
    SLICE,
    WITHHELD,
    Scrubber,
    normalize,
    spellings,
)


class Reference:
    """The scrubber's rules, written the plain way: every SLICE-long piece of every secret in one
    set, and every SLICE-long piece of every view of the text looked up in it."""

    def __init__(self):
        self.exact, self.slices, self.wholes, self.raws, self.public = set(), set(), set(), set(), set()

    def add(self, secret):
        if not secret.strip():
            return
        self.exact |= {secret, secret.strip()}
        if len(secret.strip()) < MIN_SEARCHED:
            return
        secret = secret[:INDEXED_MAX]
        for form in _secret_scrub._written_forms(secret):  # pylint: disable=protected-access
            flat = normalize(form)
            if len(flat) >= SLICE:
                self.slices |= _pieces(flat)
            elif len(flat) >= MIN_SEARCHED:
                self.wholes.add(flat)
        if len(normalize(secret)) < MIN_SEARCHED:
            self.raws.add(secret.casefold())

    def allow(self, text):
        for form in _secret_scrub._written_forms(text):  # pylint: disable=protected-access
            self.public |= _pieces(normalize(form))

    def holds_secret(self, text):
        if text.strip() in self.exact:
            return True
        if len(text) < MIN_SEARCHED:
            return False
        for view in [text] + _secret_decodings.decoded_views(text):
            flat = normalize(view)
            if any(raw in view.casefold() for raw in self.raws) or any(whole in flat for whole in self.wholes):
                return True
            if (_pieces(flat) & self.slices) - self.public:
                return True
        return False


def _pieces(flat):
    return {flat[i:i + SLICE] for i in range(len(flat) - SLICE + 1)}


# Small alphabets make secrets share anchors (one anchor at many places); the others are random.
ALPHABETS = ["0123456789abcdef", string.ascii_letters + string.digits + "+/=-_", "ab01", "xy",
             string.ascii_letters + string.digits + "!#%&/()=?é ß"]


def _pem(rng):
    body = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _count in range(rng.randint(200, 600)))
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n" % "\n".join(lines)


def _secret(rng):
    if rng.random() < 0.1:
        return _pem(rng)  # long, and its armour repeats anchors (PRIVATE KEY twice)
    alphabet = rng.choice(ALPHABETS)
    length = rng.choice([rng.randint(8, 15), rng.randint(16, 24), rng.randint(25, 120), rng.randint(256, 700)])
    secret = "".join(rng.choice(alphabet) for _count in range(length))
    if rng.random() < 0.1:
        secret = "!!#%&/()=?" + secret[:rng.randint(1, 7)]  # mostly punctuation: searched as written
    if rng.random() < 0.1:
        secret = " %s\t" % secret
    return secret


def _texts(rng, secrets):
    """Texts made of secrets: slices around SLICE long at any offset, in any spelling, joined
    across two secrets, embedded in noise at any alignment, and noise alone."""
    texts = []
    for _count in range(40):
        secret = rng.choice(secrets)
        length = rng.randint(SLICE - 3, SLICE + 4)
        start = rng.randint(0, max(0, len(secret) - length))
        piece = secret[start:start + length]
        if rng.random() < 0.3:
            other = rng.choice(secrets)
            piece += other[:rng.randint(1, SLICE)]
        if rng.random() < 0.4:
            piece = rng.choice(spellings(piece))
        if rng.random() < 0.2:
            piece = piece.upper()
        noise = "".join(rng.choice("abcdef0123 ,.") for _count in range(rng.randint(0, 11)))
        texts.append(noise + piece + noise[::-1])
    texts += ["".join(rng.choice("0123456789abcdefxy") for _count in range(rng.randint(8, 60))) for _count in range(10)]
    return texts + [secret.strip() for secret in secrets[:3]]


@pytest.mark.parametrize("seed", range(40))
def test_verdicts_equal_a_plain_search_for_every_slice(seed):
    rng = random.Random(seed)
    secrets = [_secret(rng) for _count in range(rng.randint(1, 30))]
    # Registered twice; a secret inside another; a long one holding an earlier one.
    secrets += [secrets[0], secrets[-1][3:], rng.choice(secrets) + _secret(rng) * 9]
    public = rng.choice(secrets)[rng.randint(0, 5):] if rng.random() < 0.5 else None
    scrubber, reference = Scrubber(environment=False), Reference()
    texts = _texts(rng, secrets)
    for number, secret in enumerate(secrets):
        scrubber.add(secret)
        reference.add(secret)
        if public is not None and number == len(secrets) // 2:
            scrubber.allow(public)
            reference.allow(public)
        # Searched between adds too: a verdict reached earlier must not hide a later secret.
        for text in texts[::7]:
            assert scrubber.holds_secret(text) == reference.holds_secret(text), (seed, text)
    for text in texts:
        assert scrubber.holds_secret(text) == reference.holds_secret(text), (seed, text)


def test_a_secret_added_after_a_verdict_was_reached_withholds_the_text():
    scrubber = Scrubber(["0123456789abcdef0123456789"], environment=False)
    text = "the server said: 9f8e7d6c5b4a39281706f5e4d3c2b1a0 was wrong"
    assert scrubber.scrub(text) == text
    scrubber.add("9f8e7d6c5b4a39281706f5e4d3c2b1a0")
    assert scrubber.scrub(text) == WITHHELD
    assert scrubber.one_line(text, 80) == WITHHELD


def test_a_secret_registered_again_keeps_every_verdict():
    secret = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    scrubber = Scrubber([secret], environment=False)
    assert scrubber.scrub("echo " + secret[5:25]) == WITHHELD
    scrubber.add(secret)
    assert scrubber.scrub("echo " + secret[5:25]) == WITHHELD
    assert scrubber.scrub("nothing secret here") == "nothing secret here"


def test_many_secrets_added_then_searched():
    rng = random.Random(7)
    secrets = ["%064x" % rng.getrandbits(256) for _count in range(3000)]
    scrubber = Scrubber(secrets, environment=False)
    for secret in secrets[::97]:
        start = rng.randint(0, len(secret) - SLICE)
        assert scrubber.holds_secret("token=" + secret[start:start + SLICE] + "&x=1")
        assert scrubber.holds_secret("token=" + secret[start:start + SLICE - 1] + "&x=1") is False
    assert scrubber.scrub_all({"rows": ["ok", "fine", "Bearer " + secrets[-1]]}) == {"rows": ["ok", "fine", WITHHELD]}


@pytest.mark.parametrize("lead", range(10))
def test_a_slice_is_found_at_every_offset_of_a_secret(lead):
    """Every offset in the secret, and (by ``lead``) every alignment in the text (no "o" nor
    "e" in the secret: the lead and the end never lengthen a slice)."""
    secret = "Zq8-Kw3+Lm7/Np2=Rt6_Vx1~Yb5.Cd9%Fg4&Hj0" * 2
    flat = normalize(secret)
    scrubber = Scrubber([secret], environment=False)
    for start in range(len(flat) - SLICE + 1):
        piece = flat[start:start + SLICE]
        assert scrubber.holds_secret("o" * lead + " " + piece + " end"), start
        assert not scrubber.holds_secret("o" * lead + " " + piece[1:] + " end"), start


def test_a_public_text_is_allowed_whether_it_came_before_or_after_the_secrets():
    public = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwQ7yLJr4"
    private = "k3J9xQ2vLp8RtZ6mNw4YcB1sHd7FgU5e"
    key = public + private
    for order in ("before", "after"):
        scrubber = Scrubber(public=[public] if order == "before" else [], environment=False)
        scrubber.add(key)
        if order == "after":
            assert scrubber.holds_secret("cert " + public)  # not public yet
            scrubber.allow(public)
        assert not scrubber.holds_secret("cert " + public), order
        assert scrubber.holds_secret("leak " + private[:SLICE]), order
        assert scrubber.holds_secret("leak " + public[-8:] + private[:8]), order


def test_a_search_while_a_secret_is_indexed_keeps_no_verdict():
    """Another thread may search while a secret is being indexed: its verdict (reached without
    the secret) must not be reused once the secret is registered."""
    secret = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    text = "the server said: %s was wrong" % secret
    scrubber = Scrubber(environment=False)
    index = scrubber._index  # pylint: disable=protected-access

    def index_while_searching(value):
        assert not scrubber.holds_secret(text)  # not indexed yet
        index(value)

    scrubber._index = index_while_searching  # pylint: disable=protected-access
    scrubber.add(secret)
    assert scrubber.holds_secret(text)
