# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Retries of Vault requests against real loopback servers: scripted HTTP answers, refused and
reset connections, slow answers, and real OpenBao servers (one sealed, then unsealed while the
client waits). Pauses go through an injected sleep, so the tests measure them without waiting.
"""
import json
import secrets
import socket
import threading
import time

import pytest
import requests

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._fleet_check import FleetChecker
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._http_limits import (
    bounded_session,
    response_too_large_error,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_connection import (
    VAULT_ANSWER_MAX_BYTES,
    VaultConnectionError,
    connect,
    translated_errors,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._vault_retry import (
    RetryingAdapter,
    install_retries,
)
from support.faulty import ResetServer
from support.http_stub import StubServer
from support.openbao_cluster import OpenBaoPersistentNode

# A service token as Vault issues them: long and random.
TOKEN = 'hvs.' + secrets.token_urlsafe(72)
SECRET_DATA = {'data': {'data': {'consumer_secret': secrets.token_hex(32)},
                        'metadata': {'version': 3, 'created_time': '2026-01-01T00:00:00Z',
                                     'deletion_time': '', 'destroyed': False, 'custom_metadata': None}}}
VAULT_ERROR = json.dumps({'errors': ['Vault is sealed']})
JSON = {'Content-Type': 'application/json'}


class ScriptedServer(StubServer):
    """Answers its requests from ``answers`` in order (the last one repeats), for any method;
    ``seen`` keeps (method, path) of each request."""

    def __init__(self, *answers):
        self._answers = list(answers)
        self._lock = threading.Lock()
        self.seen = []
        super().__init__(self._next)
        handler = self._httpd.RequestHandlerClass  # StubServer answers GET and POST only
        for method in ('PUT', 'DELETE', 'LIST'):
            setattr(handler, 'do_' + method, handler.do_GET)

    def _next(self, handler):
        with self._lock:
            self.seen.append((handler.command, handler.path))
            answer = self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]
        return answer(handler) if callable(answer) else answer


class Recorder:
    """The warn and sleep given to install_retries: what was said and how long it would wait."""

    def __init__(self):
        self.warnings = []
        self.sleeps = []

    def install(self, session, retries, rng=lambda: 0.5):
        install_retries(session, retries, self.warnings.append, sleep=self.sleeps.append, rng=rng)
        return session


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def serve():
    """serve(*answers) -> a started ScriptedServer, stopped after the test."""
    started = []

    def start(*answers):
        server = ScriptedServer(*answers).start()
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


def vault_session(recorder, retries, timeout=10, max_bytes=VAULT_ANSWER_MAX_BYTES):
    """A session as connect() builds it, with retries."""
    return recorder.install(bounded_session(timeout, max_bytes, refuse_redirects=True), retries)


def vault_client(url, recorder, retries, rng=lambda: 0.5):
    """A client from connect() with our warn and sleep in place of whatever connect() installed."""
    client = connect({'url': url, 'token': TOKEN, 'retries': 0})
    recorder.install(client.adapter.session, retries, rng)
    return client


def read_app(client):
    """What tba_credential does first: read the current version, errors translated."""
    with translated_errors('read', 'secret/data/app'):
        return client.secrets.kv.v2.read_secret_version(path='app', mount_point='secret',
                                                        raise_on_deleted_version=True)


def refused_url():
    """A loopback port that refuses connections (bound, not listening), kept while in use."""
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    return sock, 'http://127.0.0.1:%d' % sock.getsockname()[1]


# -- status answers -----------------------------------------------------------------------------

def test_503_twice_then_200_succeeds_after_two_warnings(serve, recorder):
    server = serve((503, JSON, VAULT_ERROR), (503, JSON, VAULT_ERROR), (200, JSON, json.dumps(SECRET_DATA)))
    answer = read_app(vault_client(server.url, recorder, 3))
    assert answer['data']['data'] == SECRET_DATA['data']['data']
    assert server.seen == [('GET', '/v1/secret/data/app')] * 3
    # rng 0.5: 75 % of the nominal 0.5 s, then of 1 s
    assert recorder.sleeps == [0.375, 0.75]
    assert recorder.warnings == [
        'Vault request GET /v1/secret/data/app to %s failed: 503 Service Unavailable; retry 1 of 3 in 0.4 s'
        % server.url,
        'Vault request GET /v1/secret/data/app to %s failed: 503 Service Unavailable; retry 2 of 3 in 0.8 s'
        % server.url,
    ]


@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_a_write_is_retried_on_a_server_error(serve, recorder, status):
    """Writes carry check-and-set: sending one again cannot overwrite silently."""
    written = {'data': {'version': 4, 'created_time': '2026-01-01T00:00:00Z', 'deletion_time': '',
                        'destroyed': False, 'custom_metadata': None}}
    server = serve((status, JSON, '{"errors": []}'), (200, JSON, json.dumps(written)))
    client = vault_client(server.url, recorder, 2)
    answer = client.secrets.kv.v2.create_or_update_secret(path='app', secret={'k': 'v'}, cas=3, mount_point='secret')
    assert answer['data']['version'] == 4
    assert server.seen == [('POST', '/v1/secret/data/app')] * 2
    assert len(recorder.warnings) == 1 and ' %d ' % status in recorder.warnings[0]


def test_backoff_doubles_up_to_five_seconds_and_the_last_answer_is_translated_as_before(serve, recorder):
    server = serve((503, JSON, VAULT_ERROR))
    with pytest.raises(VaultConnectionError) as without_retries:
        read_app(connect({'url': server.url, 'token': TOKEN, 'retries': 0}))
    with pytest.raises(VaultConnectionError) as with_retries:
        read_app(vault_client(server.url, recorder, 6, rng=lambda: 0.999999))
    assert [round(delay, 2) for delay in recorder.sleeps] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert len(server.seen) == 1 + 7
    assert (with_retries.value.kind, str(with_retries.value)) == (without_retries.value.kind, str(without_retries.value))
    assert with_retries.value.kind == 'sealed'
    assert [line.split('; ')[-1] for line in recorder.warnings] == [
        'retry 1 of 6 in 0.5 s', 'retry 2 of 6 in 1.0 s', 'retry 3 of 6 in 2.0 s', 'retry 4 of 6 in 4.0 s',
        'retry 5 of 6 in 5.0 s', 'retry 6 of 6 in 5.0 s']


def test_jitter_spreads_the_pauses(serve, recorder):
    server = serve((503, JSON, VAULT_ERROR), (503, JSON, VAULT_ERROR), (200, JSON, '{}'))
    draws = iter([0.0, 0.999999])
    session = vault_session(recorder, 3)
    recorder.install(session, 3, rng=lambda: next(draws))
    assert session.get(server.url + '/v1/secret/data/app').status_code == 200
    assert [round(delay, 3) for delay in recorder.sleeps] == [0.25, 1.0]


@pytest.mark.parametrize('header, pause', [('3', 3.0), ('0', 0.0), ('1.5', 1.5), ('120', 5.0), (' 2 ', 2.0)])
def test_429_honours_a_numeric_retry_after_up_to_the_cap(serve, recorder, header, pause):
    quota = json.dumps({'errors': ['request path "secret/data/app": rate limit quota exceeded']})
    server = serve((429, dict(JSON, **{'Retry-After': header}), quota), (200, JSON, json.dumps(SECRET_DATA)))
    read_app(vault_client(server.url, recorder, 2))
    assert recorder.sleeps == [pause]
    assert recorder.warnings == [
        'Vault request GET /v1/secret/data/app to %s failed: 429 Too Many Requests; retry 1 of 2 in %.1f s'
        % (server.url, pause)]


@pytest.mark.parametrize('header', [
    'soon', '-1', '1e3', 'nan', 'inf', '0x10', '\u00b2', '\u00bd', '9' * 5000, '', '1.', '.5', '3, 4',
    'Wed, 21 Oct 2026 07:28:00 GMT',
])
def test_a_garbage_retry_after_is_ignored(serve, recorder, header):
    server = serve((503, {'Retry-After': header}, ''), (200, JSON, '{}'))
    session = vault_session(recorder, 1)
    assert session.get(server.url + '/v1/secret/data/app').status_code == 200
    assert recorder.sleeps == [0.375]  # the backoff's own pause
    assert len(server.seen) == 2 and ' 503 Service Unavailable; ' in recorder.warnings[0]


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_412_is_never_retried(serve, recorder, method):
    server = serve((412, JSON, '{"errors": ["required index state not present"]}'))
    session = vault_session(recorder, 3)
    assert session.request(method, server.url + '/v1/secret/data/app').status_code == 412
    assert len(server.seen) == 1 and recorder.warnings == [] and recorder.sleeps == []


def test_a_412_on_write_reaches_the_caller_as_without_retries(serve, recorder):
    server = serve((412, JSON, '{"errors": ["check-and-set parameter did not match the current version"]}'))
    errors = []
    for client in (connect({'url': server.url, 'token': TOKEN, 'retries': 0}), vault_client(server.url, recorder, 3)):
        with pytest.raises(VaultConnectionError) as caught:
            with translated_errors('write', 'secret/data/app'):
                client.secrets.kv.v2.create_or_update_secret(path='app', secret={'k': 'v'}, cas=1,
                                                             mount_point='secret')
        errors.append((caught.value.kind, str(caught.value)))
    assert errors[0] == errors[1]
    assert len(server.seen) == 2 and recorder.warnings == []


@pytest.mark.parametrize('status', [400, 401, 403, 404, 405, 409, 413, 501])
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_other_client_errors_are_never_retried(serve, recorder, status, method):
    server = serve((status, JSON, '{"errors": ["permission denied"]}'))
    session = vault_session(recorder, 3)
    assert session.request(method, server.url + '/v1/secret/data/app').status_code == status
    assert len(server.seen) == 1 and recorder.warnings == []


def test_a_redirect_is_neither_followed_nor_retried(serve, recorder):
    server = serve((307, {'Location': 'http://127.0.0.2:1/v1/secret/data/app'}, ''))
    with pytest.raises(requests.exceptions.TooManyRedirects):
        vault_session(recorder, 3).get(server.url + '/v1/secret/data/app')
    assert len(server.seen) == 1 and recorder.warnings == []


@pytest.mark.parametrize('status', [429, 503])
def test_the_health_endpoint_status_is_an_answer_not_a_failure(serve, recorder, status):
    """A standby answers sys/health with 429 and a sealed node with 503: nothing to wait for."""
    server = serve((status, JSON, '{"sealed": false, "standby": true}'))
    session = vault_session(recorder, 3)
    assert session.get(server.url + '/v1/sys/health').status_code == status
    assert len(server.seen) == 1 and recorder.warnings == []


def test_retries_zero_sends_once(serve, recorder):
    server = serve((503, JSON, VAULT_ERROR), (200, JSON, '{}'))
    session = vault_session(recorder, 0)
    assert not any(isinstance(adapter, RetryingAdapter) for adapter in session.adapters.values())
    assert session.get(server.url + '/v1/secret/data/app').status_code == 503
    assert len(server.seen) == 1 and recorder.warnings == []


def test_installing_again_replaces_and_zero_removes_the_layer(serve, recorder):
    session = bounded_session(10, VAULT_ANSWER_MAX_BYTES, refuse_redirects=True)
    bounded = session.adapters['https://']
    recorder.install(session, 2)
    recorder.install(session, 5)
    adapters = set(session.adapters.values())
    assert len(adapters) == 1
    (layer,) = adapters
    assert isinstance(layer, RetryingAdapter) and layer.retries == 5 and layer.wrapped is bounded
    recorder.install(session, 0)
    assert session.adapters['https://'] is bounded and session.adapters['http://'] is bounded


@pytest.mark.parametrize('retries', [-1, True, 1.5, '2', None])
def test_retries_must_be_a_whole_number(retries):
    with pytest.raises(ValueError, match='retries must be a whole number, at least 0'):
        install_retries(requests.Session(), retries, print)


def test_a_streamed_body_is_sent_once(serve, recorder):
    server = serve((503, JSON, VAULT_ERROR), (200, JSON, '{}'))
    session = vault_session(recorder, 3)
    answer = session.post(server.url + '/v1/secret/data/app', data=iter([b'{"data": ', b'{}}']))
    assert answer.status_code == 503 and len(server.seen) == 1 and recorder.warnings == []


# -- transport failures ---------------------------------------------------------------------------

@pytest.mark.parametrize('method', ['GET', 'POST', 'PUT', 'DELETE'])
def test_connection_refused_is_retried_then_fails_as_without_retries(recorder, method):
    sock, url = refused_url()
    with sock:
        with pytest.raises(requests.exceptions.ConnectionError) as without_retries:
            vault_session(Recorder(), 0).request(method, url + '/v1/secret/data/app')
        with pytest.raises(requests.exceptions.ConnectionError) as with_retries:
            vault_session(recorder, 2).request(method, url + '/v1/secret/data/app')
    assert type(with_retries.value) is type(without_retries.value)  # pylint: disable=unidiomatic-typecheck
    assert recorder.warnings == [
        'Vault request %s /v1/secret/data/app to %s failed: no connection (ConnectionError); retry %d of 2 in %.1f s'
        % (method, url, number, pause) for number, pause in ((1, 0.4), (2, 0.8))]


def test_connection_refused_reads_as_unreachable_as_before(recorder):
    sock, url = refused_url()
    with sock:
        with pytest.raises(VaultConnectionError) as without_retries:
            read_app(connect({'url': url, 'token': TOKEN, 'retries': 0}))
        with pytest.raises(VaultConnectionError) as with_retries:
            read_app(vault_client(url, recorder, 2))
    assert str(with_retries.value) == str(without_retries.value)
    assert with_retries.value.kind == 'unreachable' and 'Cannot connect to Vault at %s' % url in str(with_retries.value)
    assert len(recorder.warnings) == 2


@pytest.fixture
def slow():
    """A server that answers GET/LIST/POST/PUT/DELETE only after 3 s (or when the test ends)."""
    release = threading.Event()

    def late(handler):
        release.wait(3)
        return 200, JSON, '{}'
    server = ScriptedServer(late).start()
    yield server
    release.set()
    server.stop()


@pytest.mark.parametrize('method, sent', [('GET', 2), ('LIST', 2), ('POST', 1), ('PUT', 1), ('DELETE', 1)])
def test_a_read_timeout_is_retried_for_reads_only(slow, recorder, method, sent):
    """A write (or a login) may have been applied by a server that only failed to answer in time;
    each attempt still ends at the session's total deadline."""
    session = vault_session(recorder, 1, timeout=0.5)
    with pytest.raises(requests.exceptions.ReadTimeout):  # the server answers only after 3 s
        session.request(method, slow.url + '/v1/secret/data/app')
    time.sleep(0.3)  # a retried request would have arrived by now
    assert len(slow.seen) == sent
    assert recorder.warnings == [
        'Vault request %s /v1/secret/data/app to %s failed: no complete answer (ReadTimeout); retry 1 of 1 in 0.4 s'
        % (method, slow.url)] * (sent - 1)


@pytest.mark.parametrize('method, sent', [('GET', 3), ('POST', 1)])
def test_a_reset_mid_request_is_retried_for_reads_only(recorder, method, sent):
    server = ResetServer().start()
    try:
        with pytest.raises(requests.exceptions.ConnectionError):
            vault_session(recorder, 2).request(method, server.url + '/v1/secret/data/app', data=b'{}')
        time.sleep(0.2)
        assert server.connections == sent
    finally:
        server.stop()
    assert len(recorder.warnings) == sent - 1
    assert all('no complete answer (ConnectionError)' in line for line in recorder.warnings)


# -- limits of the session through the layer ---------------------------------------------------------

@pytest.mark.parametrize('status', [200, 503])
def test_the_size_cap_still_applies_and_is_not_retried(serve, recorder, status):
    server = serve((status, JSON, json.dumps({'errors': ['x' * 8192]})))
    with pytest.raises(response_too_large_error()):
        vault_session(recorder, 3, max_bytes=1024).get(server.url + '/v1/secret/data/app')
    assert len(server.seen) == 1 and recorder.warnings == []


def test_a_trickling_answer_still_ends_at_the_deadline(recorder):
    """A server that drips a 100-byte body a byte each 0.3 s: only a total deadline (1 s) per
    attempt ends it with ReadTimeout (a per-read timeout never trips), and the read is retried once."""
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(8)
    accepted = []

    def trickle():
        while not stop.is_set():
            try:
                conn, _peer = listener.accept()
            except OSError:
                return
            accepted.append(conn)
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    def drip(conn):
        try:
            conn.recv(65536)
            conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n')
            while not stop.wait(0.3):
                conn.sendall(b'x')
        except OSError:
            pass

    threading.Thread(target=trickle, daemon=True).start()
    url = 'http://127.0.0.1:%d' % listener.getsockname()[1]
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            vault_session(recorder, 1, timeout=1).get(url + '/v1/secret/data/app')
    finally:
        stop.set()
        listener.close()
        for conn in accepted:
            conn.close()
    assert len(accepted) == 2 and len(recorder.warnings) == 1


def test_the_fleet_still_resizes_the_pools_and_threads_share_the_layer(serve, recorder):
    """FleetChecker._pooled resizes the bounded adapter through the layer; 24 threads then share
    one session, each path failing once: every request succeeds after exactly one retry."""
    failed_once = set()
    lock = threading.Lock()

    def once_then_ok(handler):
        with lock:
            first = handler.path not in failed_once
            failed_once.add(handler.path)
        return (503, JSON, VAULT_ERROR) if first else (200, JSON, '{}')

    server = serve(once_then_ok)
    session = vault_session(recorder, 2)
    bounded = session.adapters['http://'].wrapped
    FleetChecker(concurrency=40)._pooled(session)  # pylint: disable=protected-access
    assert bounded.poolmanager.connection_pool_kw['maxsize'] == 40
    assert session.adapters['http://'].wrapped is bounded and bounded.max_bytes == VAULT_ANSWER_MAX_BYTES
    assert session.adapters['http://'].max_bytes == VAULT_ANSWER_MAX_BYTES  # reads through the layer

    paths = ['/v1/secret/data/app-%02d' % number for number in range(24)]
    barrier = threading.Barrier(len(paths))

    def fetch(path):
        barrier.wait()
        return session.get(server.url + path).status_code

    results = {}
    threads = [threading.Thread(target=lambda path=path: results.__setitem__(path, fetch(path))) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == {path: 200 for path in paths}
    assert sorted(line.split(' ')[3] for line in recorder.warnings) == paths
    assert len(server.seen) == 2 * len(paths)


# -- what a warning may say ------------------------------------------------------------------------

def test_a_warning_holds_no_token_header_body_query_or_user_information(serve, recorder):
    """The server echoes everything it got, in its body and a header; the request carries a
    token, a namespace, a body, a query and user information: none of it may be in a warning."""
    body_secret = secrets.token_hex(32)
    query_secret = secrets.token_urlsafe(40)
    password = secrets.token_urlsafe(30)
    namespace = 'team-' + secrets.token_hex(8)

    def echo(handler):
        length = int(handler.headers.get('Content-Length') or 0)
        received = handler.rfile.read(length).decode()
        dump = json.dumps({'errors': [str(handler.headers), handler.path, received]})
        return 503, {'Content-Type': 'application/json', 'X-Echo': handler.headers.get('X-Vault-Token', '')}, dump

    server = serve(echo)
    host_port = server.url.split('//')[1]
    session = vault_session(recorder, 2)
    answer = session.post('http://operator:%s@%s/v1/secret/data/app?token=%s' % (password, host_port, query_secret),
                          headers={'X-Vault-Token': TOKEN, 'X-Vault-Namespace': namespace},
                          json={'data': {'consumer_secret': body_secret}})
    assert answer.status_code == 503 and TOKEN in answer.text  # the echo worked: there was something to leak
    assert len(recorder.warnings) == 2
    for line in recorder.warnings:
        assert line.startswith('Vault request POST /v1/secret/data/app to %s failed: 503 Service Unavailable; '
                               % server.url)
        for secret in (TOKEN, TOKEN[4:20], body_secret, query_secret, password, namespace, 'operator', 'X-Echo',
                       'X-Vault', '?', 'errors'):
            assert secret not in line
        assert '\n' not in line and not line.endswith('.')


# -- real OpenBao ---------------------------------------------------------------------------------

def test_real_openbao_refusals_are_not_retried(openbao, recorder, token_for, path):
    """A CAS mismatch (400), a missing path (404) and a policy denial (403) from OpenBao reach the
    caller at once and read as they always did."""
    client = connect({'url': openbao.url, 'token': openbao.root_token})
    recorder.install(client.adapter.session, 3)
    with pytest.raises(VaultConnectionError) as missing:
        with translated_errors('read', 'secret/data/' + path):
            client.secrets.kv.v2.read_secret_version(path=path, mount_point='secret', raise_on_deleted_version=True)
    assert missing.value.kind == 'invalid_request'
    openbao.kv2_write_raw('secret', path, {'k': 'v1'})
    with pytest.raises(VaultConnectionError) as conflict:
        with translated_errors('write', 'secret/data/' + path):
            client.secrets.kv.v2.create_or_update_secret(path=path, secret={'k': 'v2'}, cas=0, mount_point='secret')
    assert conflict.value.kind == 'cas_conflict'
    reader = connect({'url': openbao.url, 'token': token_for('path "nothing/*" { capabilities = ["read"] }')})
    recorder.install(reader.adapter.session, 3)
    with pytest.raises(VaultConnectionError) as denied:
        with translated_errors('read', 'secret/data/' + path):
            reader.secrets.kv.v2.read_secret_version(path=path, mount_point='secret', raise_on_deleted_version=True)
    assert denied.value.kind == 'permission_denied'
    assert recorder.warnings == [] and recorder.sleeps == []


@pytest.fixture(scope='module')
def persistent_openbao():
    server = OpenBaoPersistentNode()
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


def test_a_sealed_openbao_unsealed_while_the_client_waits(persistent_openbao, recorder):
    """Sealed (503) at the first attempt; unsealed during the pause; the read then succeeds."""
    server = persistent_openbao
    server.node.kv2_write_raw('secret', 'sealed-then-back', {'consumer_secret': secrets.token_hex(32)})
    server.node.api('PUT', 'sys/seal')
    assert server.node.role() == 'sealed'
    client = connect({'url': server.url, 'token': server.root_token})
    pauses = []

    def unseal_during_the_pause(delay):
        pauses.append(delay)
        if len(pauses) == 1:
            server.unseal(server.node)  # waits until the node is active again
        else:
            time.sleep(delay)
    install_retries(client.adapter.session, 5, recorder.warnings.append, sleep=unseal_during_the_pause)
    with translated_errors('read', 'secret/data/sealed-then-back'):
        answer = client.secrets.kv.v2.read_secret_version(path='sealed-then-back', mount_point='secret',
                                                          raise_on_deleted_version=True)
    assert set(answer['data']['data']) == {'consumer_secret'}
    assert 1 <= len(recorder.warnings) <= 5
    assert recorder.warnings[0].startswith(
        'Vault request GET /v1/secret/data/sealed-then-back to %s failed: 503 Service Unavailable; retry 1 of 5 in '
        % server.url)
    assert server.root_token not in ' '.join(recorder.warnings)


def test_a_sealed_openbao_that_stays_sealed_fails_as_sealed(persistent_openbao, recorder):
    server = persistent_openbao
    server.node.api('PUT', 'sys/seal')
    try:
        client = connect({'url': server.url, 'token': server.root_token})
        recorder.install(client.adapter.session, 2)
        with pytest.raises(VaultConnectionError) as caught:
            with translated_errors('read', 'secret/data/anything'):
                client.secrets.kv.v2.read_secret_version(path='anything', mount_point='secret',
                                                         raise_on_deleted_version=True)
    finally:
        server.unseal(server.node)
    assert caught.value.kind == 'sealed'
    assert str(caught.value) == 'Vault at %s is sealed. Unseal it (bao operator unseal) and retry' % server.url
    assert len(recorder.warnings) == 2
