#!/usr/bin/env bash
# Drive tba_credential through playbooks at -vvvv, on both execution paths (the action plugin in
# the controller's process, and the AnsiballZ module), then search all output for every secret.
set -euo pipefail
config=../../integration_config.yml
# The helper playbooks include the hidden target setup_testbed as a role (aliases: needs/target/).
export ANSIBLE_ROLES_PATH="$PWD/..${ANSIBLE_ROLES_PATH:+:$ANSIBLE_ROLES_PATH}"
log="${OUTPUT_DIR:-/tmp}/tba_credential-vvvv.log"
# ansible-core 2.21 leaves module_args out of results unless asked: ask, so a missing no_log shows.
export ANSIBLE_INJECT_INVOCATION=true ANSIBLE_DIFF_ALWAYS=false
# An absolute async_dir: ansible-core's async_wrapper expands "~/.ansible_async" with $HOME, but
# async_status expands "~" as the account's home (~<user>, from the password database), so
# with any other HOME the async task in env_fallback.yml would report "could not find job".
export ANSIBLE_ASYNC_DIR="${OUTPUT_DIR:-$(mktemp -d)}/ansible_async"
run() { ansible-playbook -i "$INVENTORY_PATH" -e @"$config" -vvvv "$@" 2>&1 | tee -a "$log" "$modelog"; return "${PIPESTATUS[0]}"; }
# OpenBao's own variable names, set for the whole process (see env_fallback.yml).
bao_env=$(python -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["vault_url"], c["vault_tokens"]["tba-writer"])' "$config")
run_with_bao_env() (
  unset VAULT_ADDR VAULT_TOKEN
  export BAO_ADDR="${bao_env% *}" BAO_TOKEN="${bao_env#* }"
  run "$@"
)
# The collection's README, where ansible-test makes Ansible find the collection.
readme=$(python - <<'PY'
import os
for root in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep):
    path = os.path.join(root, "ansible_collections", "netsuite_ops", "credentials", "README.md")
    if root and os.path.isfile(path):
        print(path)
        break
PY
)
[ -n "$readme" ] || { echo "README.md not found under ANSIBLE_COLLECTIONS_PATH"; exit 1; }
: > "$log"
for mode in controller module; do
  export NETSUITE_OPS_CREDENTIALS_EXECUTION="$mode"
  modelog="${OUTPUT_DIR:-/tmp}/tba_credential-$mode.log"
  : > "$modelog"
  run playbook.yml
  run --check --diff check_mode.yml
  run hostile.yml
  run_with_bao_env env_fallback.yml
  # The README's loop example, as written (its vars shape and its task), with BAO_ADDR/BAO_TOKEN.
  readme_dir="${OUTPUT_DIR:-$(mktemp -d)}/readme-$mode"; mkdir -p "$readme_dir"
  python files/readme_example.py "$readme" "$config" "$readme_dir"
  run_with_bao_env readme_loop.yml -e readme_example_dir="$readme_dir"
  # Each pass really took its path: the action plugin says where it ran (at -vvv).
  if [ "$mode" = controller ]; then want='runs in the controller'; other='not in the controller'
  else want='not in the controller'; other='runs in the controller'; fi
  grep -q "tba_credential: $want" "$modelog" || { echo "$mode pass: no task took that path"; exit 1; }
  ! grep -q "tba_credential: $other" "$modelog" || { echo "$mode pass: a task took the other path"; exit 1; }
done
unset NETSUITE_OPS_CREDENTIALS_EXECUTION
# Unforced, a task on localhost takes the controller path by itself.
modelog="${OUTPUT_DIR:-/tmp}/tba_credential-auto.log"
: > "$modelog"
run_with_bao_env env_fallback.yml
grep -q "tba_credential: runs in the controller: the task runs on the controller" "$modelog" \
  || { echo "auto: a local task did not run in the controller"; exit 1; }
python ../setup_testbed/files/leakcheck.py "$config" "$log"
# Failures must be one-line causes with hints: no traceback may reach the output, on any core.
if grep -nE "The full traceback|Traceback \(most recent call last\)" "$log"; then
  echo "a traceback reached the output (lines above)"; exit 1
fi
