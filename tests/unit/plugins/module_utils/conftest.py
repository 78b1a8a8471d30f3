# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the Vault units: one real OpenBao dev server for the whole session."""

import contextlib
import re
import threading
import time
import traceback
import uuid

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VaultConnectionError,
    connect,
)


@pytest.fixture
def path(request):
    """A path no other test uses, on any mount."""
    return 'tests/%s-%s' % (re.sub(r'\W+', '-', request.node.name)[:40], uuid.uuid4().hex[:8])


@pytest.fixture
def mount(openbao):
    """A fresh KV v2 mount, for tests that change mount-wide settings or policies."""
    name = 'kv-%s' % uuid.uuid4().hex[:8]
    openbao.enable_kv(name)
    return name


@pytest.fixture
def root_client(openbao):
    return connect({'url': openbao.url, 'token': openbao.root_token})


@pytest.fixture
def token_for(openbao):
    """token_for(hcl) -> a token whose only policies are `hcl` and 'default'."""
    def create(hcl):
        name = 'policy-%s' % uuid.uuid4().hex[:8]
        openbao.put_policy(name, hcl)
        return openbao.create_token([name])
    return create


@pytest.fixture
def request_counter():
    """count(client) -> a list that collects the URL of every HTTP response the client gets."""
    def count(client):
        seen = []
        client.adapter.session.hooks['response'].append(lambda response, **kwargs: seen.append(response.url))
        return seen
    return count


@pytest.fixture
def expect_error(openbao):
    """with expect_error(kind, *secrets): the block must raise VaultConnectionError of `kind`,
    in one line, with neither the root token nor any of `secrets` in its text or traceback."""
    @contextlib.contextmanager
    def expect(kind, *secrets):
        with pytest.raises(VaultConnectionError) as caught:
            yield caught
        error = caught.value
        assert error.kind == kind, str(error)
        assert '\n' not in str(error)
        rendered = [str(error), repr(error), error.cause, error.hint,
                    ''.join(traceback.format_exception(type(error), error, error.__traceback__))]
        for secret in (openbao.root_token,) + secrets:
            assert secret, 'an empty secret proves nothing'
            assert not [text for text in rendered if secret in text]
        # The client's own exception (which may quote more than we do) is not chained.
        assert error.__cause__ is None
        assert error.__context__ is None or error.__suppress_context__
    return expect


@pytest.fixture
def inflight(emulator):
    """Make every emulator request take `delay` seconds and record, server side, how many were
    in flight at once: overall and per realm."""
    state = {"now": 0, "max": 0, "realm": {}, "realm_max": {}, "delay": 0.4}
    lock = threading.Lock()
    original = emulator.handle

    def handle(request):
        realm = None
        header = request.authorization or ""
        if 'realm="' in header:
            realm = header.split('realm="', 1)[1].split('"', 1)[0]
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
            state["realm"][realm] = state["realm"].get(realm, 0) + 1
            state["realm_max"][realm] = max(state["realm_max"].get(realm, 0), state["realm"][realm])
        try:
            time.sleep(state["delay"])
            return original(request)
        finally:
            with lock:
                state["now"] -= 1
                state["realm"][realm] -= 1

    emulator.handle = handle
    yield state
    del emulator.handle
