# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real, persistent OpenBao servers for the reliability suite: a 3-node Raft cluster on
127.0.0.1-3 and a single node that can be killed and restarted with its data.

Unlike tests/support/openbao.py (``-dev``, in memory, unsealed, root token chosen by us), these
start ``bao server -config=...`` with Raft storage on disk: they are initialised (one unseal
key), unsealed, joined, and come back sealed after a restart, as a production server does.

The root token and the unseal key stay in memory (attributes); nothing here prints them. Each
node's log is kept in the work folder so a caller can copy it for the leak hunt.
"""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from support.openbao import OpenBaoServer, ServerContext, _bao_binary, api_request, end_process  # noqa: E402

START_TIMEOUT = 20
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the child before exec (Linux): the kernel stops the server if the suite dies, even by
    SIGKILL, when no cleanup code runs."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _free_port(host, avoid=()):
    for _attempt in range(50):
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
        if port not in avoid:
            return port
    raise RuntimeError("no free port on %s" % host)


class BaoNode:
    """One `bao server` process with Raft storage in its own folder; stop and start it again
    as often as needed, its data stays. HTTP helpers use the root token once it is known."""

    # The same straight-HTTP helpers as the dev server's (they only use request()/api()).
    api = OpenBaoServer.api
    kv2_read_raw = OpenBaoServer.kv2_read_raw
    kv2_metadata_raw = OpenBaoServer.kv2_metadata_raw
    kv2_write_raw = OpenBaoServer.kv2_write_raw
    enable_kv = OpenBaoServer.enable_kv
    wait_kv_upgraded = OpenBaoServer.wait_kv_upgraded
    put_policy = OpenBaoServer.put_policy
    create_token = OpenBaoServer.create_token

    def __init__(self, node_id, host, workdir, performance_multiplier=1):
        self.node_id = node_id
        self.host = host
        self.port = _free_port(host)
        self.cluster_port = _free_port(host, avoid=(self.port,))
        self.dir = os.path.join(workdir, node_id)
        self.data_dir = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "server.log")
        self.config_path = os.path.join(self.dir, "config.hcl")
        self.root_token = None
        self.starts = 0
        self._process = None
        self._log = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        os.makedirs(self.data_dir, mode=0o700)
        with open(self.config_path, "w") as handle:
            handle.write(
                'storage "raft" {\n  path = "%s"\n  node_id = "%s"\n  performance_multiplier = %d\n}\n'
                'listener "tcp" {\n  address = "%s:%d"\n  cluster_address = "%s:%d"\n  tls_disable = true\n}\n'
                'api_addr = "%s"\ncluster_addr = "https://%s:%d"\nlog_level = "info"\n'
                % (self.data_dir, node_id, performance_multiplier, host, self.port, host, self.cluster_port,
                   self.url, host, self.cluster_port))

    def __repr__(self):
        return "BaoNode(%s, %s)" % (self.node_id, self.url)

    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    @property
    def running(self):
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self):
        return self._process.pid if self._process is not None else None

    def start(self):
        """Start the process and wait until its API answers (it is then sealed or uninitialised)."""
        if self.running:
            return self
        env = {name: value for name, value in os.environ.items() if not name.startswith(("VAULT_", "BAO_"))}
        env["HOME"] = self.dir
        self._log = open(self.log_path, "ab")
        self._process = subprocess.Popen(
            [_bao_binary(), "server", "-config=%s" % self.config_path], env=env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)
        self.starts += 1
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError("OpenBao node %s exited with status %s while starting; log tail:\n%s"
                                   % (self.node_id, self._process.returncode, self.log_tail()))
            if self.health() is not None:
                return self
            time.sleep(0.1)
        raise RuntimeError("OpenBao node %s did not answer within %d s; log tail:\n%s"
                           % (self.node_id, START_TIMEOUT, self.log_tail()))

    def stop(self, sig=signal.SIGTERM):
        """Stop the process with `sig` (SIGKILL: no clean shutdown, as a crash) and wait for it."""
        end_process(self._process, sig)
        if self._log is not None:
            self._log.close()
        self._process = self._log = None

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "r", errors="replace") as log:
                tail = log.read().splitlines()[-lines:]
        except OSError:
            return ""
        if self.root_token:
            tail = [line.replace(self.root_token, "<root token>") for line in tail]
        return "\n".join(tail)

    # --- straight HTTP, independent of the code under test ---

    def request(self, method, path, body=None, token=None, query=None, timeout=10):
        """One API request; (HTTP status, parsed JSON body or None). Status 0: no answer."""
        try:
            return api_request(self._opener, self.url, self.root_token if token is None else token,
                               method, path, body, query, timeout)
        except OSError:
            return 0, None

    def health(self):
        """sys/health as (status, body), or None when the node does not answer. Status 200 active,
        429 standby, 503 sealed, 501 not initialised."""
        status, body = self.request("GET", "sys/health", token="", timeout=3)
        return None if status == 0 else (status, body or {})

    def role(self):
        """'active', 'standby', 'sealed', 'uninitialized', 'down' or 'other:<status>'."""
        health = self.health()
        if health is None:
            return "down"
        return {200: "active", 429: "standby", 503: "sealed", 501: "uninitialized"}.get(
            health[0], "other:%d" % health[0])

    def unseal(self, key):
        status, body = self.request("PUT", "sys/unseal", {"key": key}, token="")
        if status != 200:
            raise RuntimeError("unseal of %s answered %d: %s" % (self.node_id, status, (body or {}).get("errors")))
        return body


def _wait(what, predicate, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise RuntimeError("timed out after %s s waiting for %s" % (timeout, what))
        time.sleep(interval)


def _wait_kv2_ready(node, mount, timeout=30):
    """A new KV v2 mount answers 400 ('upgrade from non-versioned ...') until its upgrade ran;
    ready once a read of a path never written answers 404."""
    _wait("KV v2 at %s/ ready on %s" % (mount, node.node_id),
          lambda: node.request("GET", "%s/data/nso-ready-probe" % mount)[0] == 404, timeout)


class _Servers(ServerContext):
    """What the cluster and the single node share: a work folder, init, unseal, cleanup."""

    def __init__(self, prefix):
        self.workdir = tempfile.mkdtemp(prefix=prefix)
        self.nodes = []
        self.root_token = None
        self.unseal_key = None

    def stop(self):
        for node in self.nodes:
            node.stop()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log_paths(self):
        return [node.log_path for node in self.nodes if os.path.exists(node.log_path)]

    def _init(self, node):
        status, body = node.request("PUT", "sys/init", {"secret_shares": 1, "secret_threshold": 1}, token="")
        if status != 200:
            raise RuntimeError("init of %s answered %d: %s" % (node.node_id, status, (body or {}).get("errors")))
        self.root_token = body["root_token"]
        self.unseal_key = body["keys_base64"][0]
        for each in self.nodes:
            each.root_token = self.root_token

    def unseal(self, node, timeout=30):
        node.unseal(self.unseal_key)
        return _wait("%s to be unsealed" % node.node_id,
                     lambda: node.role() in ("active", "standby"), timeout)


class OpenBaoRaftCluster(_Servers):
    """Three Raft nodes on 127.0.0.1, .2 and .3: initialised, unsealed, joined; KV v2 at secret/."""

    HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")

    def __init__(self, hosts=HOSTS):
        super().__init__("nso-openbao-raft-")
        self.nodes = [BaoNode("node%d" % (index + 1), host, self.workdir) for index, host in enumerate(hosts)]

    def start(self):
        try:
            first = self.nodes[0]
            first.start()
            self._init(first)
            self.unseal(first)
            _wait("the first node to become active", lambda: first.role() == "active", 30)
            # Autopilot promotes a joined node to voter once it has been healthy this long
            # (default 10 s); a short test cluster need not wait that long.
            first.api("POST", "sys/storage/raft/autopilot/configuration", {"server_stabilization_time": "2s"})
            for node in self.nodes[1:]:
                node.start()
                status, body = node.request("POST", "sys/storage/raft/join", {"leader_api_addr": first.url}, token="")
                if status != 200 or not (body or {}).get("joined"):
                    raise RuntimeError("raft join of %s answered %d: %s"
                                       % (node.node_id, status, (body or {}).get("errors")))
                self.unseal(node, timeout=60)
            self.wait_healthy(timeout=90)
            first.enable_kv("secret", version=2)
            for node in self.nodes:
                _wait_kv2_ready(node, "secret")
        except BaseException:
            self.cleanup()
            raise
        return self

    def roles(self):
        return {node.node_id: node.role() for node in self.nodes}

    def leader(self):
        """The node that answers sys/health as active, or None."""
        active = [node for node in self.nodes if node.role() == "active"]
        return active[0] if len(active) == 1 else None

    def standbys(self):
        return [node for node in self.nodes if node.role() == "standby"]

    def node(self, node_id):
        return next(node for node in self.nodes if node.node_id == node_id)

    def raft_voters(self, through):
        """{node_id: voter?} from the Raft configuration, asked through `through`."""
        status, body = through.request("GET", "sys/storage/raft/configuration")
        if status != 200:
            return {}
        return {server["node_id"]: server.get("voter", False) for server in body["data"]["config"]["servers"]}

    def wait_healthy(self, timeout=60, expected_voters=3):
        """One active node, the others standby, every running node a Raft voter (a non-voter can
        not help elect a new leader, so killing the leader before this would stall the cluster)."""
        up = [node for node in self.nodes if node.running]

        def healthy():
            roles = [node.role() for node in up]
            if roles.count("active") != 1 or roles.count("standby") != len(up) - 1:
                return False
            voters = self.raft_voters(self.leader() or up[0])
            return sum(1 for node in self.nodes if voters.get(node.node_id)) >= expected_voters

        return _wait("a healthy cluster (one active, %d standbys, %d voters)" % (len(up) - 1, expected_voters),
                     healthy, timeout, interval=0.5)

    def wait_caught_up(self, node, timeout=30):
        """Wait until `node` has applied the leader's Raft log as committed now (a restarted node
        answers reads from its own copy, which may still lack the writes made while it was down)."""
        leader = self.leader()
        status, body = leader.request("GET", "sys/leader") if leader else (0, None)
        target = (body or {}).get("raft_committed_index") if status == 200 else None
        if not target:
            raise RuntimeError("no leader to compare %s with" % node.node_id)

        def applied():
            status, body = node.request("GET", "sys/leader")
            return status == 200 and (body or {}).get("raft_applied_index", 0) >= target

        return _wait("%s to apply the Raft log up to %d" % (node.node_id, target), applied, timeout)

    def wait_new_leader(self, old, timeout=60):
        """After `old` stopped: wait until another node is active; returns it."""
        def elected():
            leader = self.leader()
            return leader if leader is not None and leader is not old else None
        return _wait("a new leader after %s stopped" % old.node_id, elected, timeout)


class OpenBaoPersistentNode(_Servers):
    """One Raft node on 127.0.0.1 with its data on disk: kill it, start it again, unseal."""

    def __init__(self, host="127.0.0.1"):
        super().__init__("nso-openbao-single-")
        self.node = BaoNode("single", host, self.workdir)
        self.nodes = [self.node]

    @property
    def url(self):
        return self.node.url

    def start(self):
        try:
            self.node.start()
            self._init(self.node)
            self.unseal(self.node)
            _wait("the node to become active", lambda: self.node.role() == "active", 30)
            self.node.enable_kv("secret", version=2)
            _wait_kv2_ready(self.node, "secret")
        except BaseException:
            self.cleanup()
            raise
        return self

    def restart(self):
        """Start the stopped process again on the same data, unseal, wait until active."""
        self.node.start()
        self.unseal(self.node)
        _wait("the restarted node to become active", lambda: self.node.role() == "active", 30)
        return self.node
