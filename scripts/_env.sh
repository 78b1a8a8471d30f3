# shellcheck shell=bash
# Sourced by the project's scripts: picks the newest usable Python, builds (once) a venv with the
# runtime and test dependencies, and exports the paths the other scripts use. Everything lives
# outside the repo so ansible-test and git never see it.
set -euo pipefail

NSO_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NSO_CACHE="${NSO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netsuite_ops.credentials}"
export NSO_REPO NSO_CACHE

nso_log() { printf '==> %s\n' "$*" >&2; }

# cryptography 51 deprecated DSA, and every ansible-core 2.21 command (the CLI starts its ssh-agent
# support, ansible/_internal/_ssh/_ssh_agent.py) imports its DSA names: a
# CryptographyDeprecationWarning on every ansible-playbook and ansible-lint run, about code that
# is neither this collection's nor used by it. Silence exactly that warning from exactly that
# module; any other warning still shows (tests/reliability/part_newcomer.py looks for them).
export PYTHONWARNINGS="ignore:DSA is deprecated::ansible._internal._ssh._ssh_agent${PYTHONWARNINGS:+,$PYTHONWARNINGS}"

# ansible-core 2.20+ needs Python 3.12+; 3.11 still gets 2.19. Try names on PATH first, then
# interpreter folders that version managers commonly leave (probed, never required): pyenv's
# (PYENV_ROOT, else ~/.pyenv), /usr/local/bin, /usr/bin. docs/development.md tells users.
nso_pick_python() {
  local c v best="" bestv=0
  local candidates=(python3.14 python3.13 python3.12 python3.11 python3)
  for d in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[1-4]*/bin /usr/local/bin /usr/bin; do
    for n in python3.14 python3.13 python3.12 python3.11; do
      [ -x "$d/$n" ] && candidates+=("$d/$n")
    done
  done
  for c in "${candidates[@]}"; do
    v=$("$c" -c 'import sys, venv, ensurepip; print(sys.version_info[0]*100+sys.version_info[1])' 2>/dev/null) || continue
    if [ "$v" -ge 311 ] && [ "$v" -le 314 ] && [ "$v" -gt "$bestv" ]; then best="$c"; bestv="$v"; fi
  done
  [ -n "$best" ] || { echo "No usable Python 3.11-3.14 with venv and ensurepip found" >&2; return 1; }
  printf '%s\n' "$best"
}

# pip, minus the warnings some mirrors' configuration prints for every package.
nso_pip() {
  "$NSO_VENV/bin/python" -m pip --quiet "$@" 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
}

# Wait for a background test bed (started with `testbed.py serve`) to say it is ready.
nso_wait_ready() {
  local state="$1" pid="$2"
  for _ in $(seq 1 150); do
    [ -f "$state/ready" ] && return 0
    kill -0 "$pid" 2>/dev/null || { nso_log "test bed exited before it was ready"; return 1; }
    sleep 0.2
  done
  nso_log "test bed not ready after 30 s"; return 1
}

# For a compatibility matrix: NSO_PYTHON picks the interpreter, NSO_ANSIBLE_CORE pins
# ansible-core (a pip requirement such as 'ansible-core~=2.16.0'); each pair gets its own venv.
nso_setup_venv() {
  local py stamp want core_pin=() suffix=""
  py="${NSO_PYTHON:-$(nso_pick_python)}"
  NSO_PYVER="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  if [ -n "${NSO_ANSIBLE_CORE:-}" ]; then
    core_pin=("$NSO_ANSIBLE_CORE")
    suffix="-$(printf '%s' "$NSO_ANSIBLE_CORE" | tr -c 'A-Za-z0-9.' '_')"
  fi
  NSO_VENV="$NSO_CACHE/venv-py$NSO_PYVER$suffix"
  export NSO_PYVER NSO_VENV
  want="$(cat "$NSO_REPO/meta/ee-requirements.txt" "$NSO_REPO/tests/requirements.txt" | sha256sum | cut -c1-16)"
  stamp="$NSO_VENV/.nso-requirements-$want"
  if [ ! -f "$stamp" ]; then
    mkdir -p "$NSO_CACHE"
    # Several runs may start at once (a developer's shells, parallel jobs): one builds, the
    # others wait for it instead of using a half-built venv.
    exec 9>"$NSO_CACHE/.venv-py$NSO_PYVER$suffix.lock"
    command -v flock >/dev/null && flock 9
    if [ ! -f "$stamp" ]; then
      nso_log "Creating $NSO_VENV with $py (Python $NSO_PYVER)"
      "$py" -m venv --clear "$NSO_VENV"
      nso_pip install --upgrade pip
      nso_pip install -r "$NSO_REPO/meta/ee-requirements.txt" -r "$NSO_REPO/tests/requirements.txt" \
        ${core_pin[@]+"${core_pin[@]}"}
      touch "$stamp"
    fi
    exec 9>&-
  fi
  export PATH="$NSO_VENV/bin:$PATH"
  export VIRTUAL_ENV="$NSO_VENV"
}

# Ansible finds the collection through a link: ansible_collections/netsuite_ops/credentials -> repo.
# One link per checkout (keyed by its path), so two clones or worktrees tested at once never
# re-point each other's link mid-run.
nso_collection_tree() {
  NSO_COLLECTIONS_ROOT="$NSO_CACHE/collections-$(printf '%s' "$NSO_REPO" | sha256sum | cut -c1-12)"
  local link="$NSO_COLLECTIONS_ROOT/ansible_collections/netsuite_ops/credentials"
  mkdir -p "$(dirname "$link")"
  ln -sfn "$NSO_REPO" "$link"
  NSO_COLLECTION_DIR="$link"
  export NSO_COLLECTIONS_ROOT NSO_COLLECTION_DIR
  export ANSIBLE_COLLECTIONS_PATH="$NSO_COLLECTIONS_ROOT"
}

# ansible-test resolves its working directory physically, so a link is not enough: it gets a
# fresh copy of the collection's files (what git tracks or would track) under
# ansible_collections/netsuite_ops/credentials, outside the repo. Sets NSO_TEST_TREE.
nso_test_tree() {
  # One tree per run, so runs in parallel never delete each other's copy.
  mkdir -p "$NSO_CACHE"
  NSO_TEST_TREE_ROOT="$(mktemp -d "$NSO_CACHE/test-tree.XXXXXX")"
  NSO_TEST_TREE="$NSO_TEST_TREE_ROOT/ansible_collections/netsuite_ops/credentials"
  mkdir -p "$NSO_TEST_TREE"
  python - "$NSO_REPO" "$NSO_TEST_TREE" <<'PY'
import os, shutil, subprocess, sys
repo, dest = sys.argv[1:]
try:
    listed = subprocess.run(["git", "-C", repo, "ls-files", "-z", "-co", "--exclude-standard"],
                            check=True, capture_output=True).stdout.decode().split("\0")
except (OSError, subprocess.CalledProcessError):  # not a git checkout: take every file
    listed = [os.path.relpath(os.path.join(d, f), repo) for d, _, fs in os.walk(repo) for f in fs]
for rel in filter(None, listed):
    if rel.startswith(("tests/output/", ".git/")) or not os.path.isfile(os.path.join(repo, rel)):
        continue
    os.makedirs(os.path.join(dest, os.path.dirname(rel)), exist_ok=True)
    shutil.copy2(os.path.join(repo, rel), os.path.join(dest, rel))
PY
  export NSO_TEST_TREE NSO_TEST_TREE_ROOT
}
