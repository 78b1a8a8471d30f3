#!/usr/bin/env bash
# Drive netsuite_request through playbooks at -vvvv on both execution paths (the action plugin in
# the controller's process, and the AnsiballZ module) with stored TBA and M2M credentials: every
# method, SuiteQL pages, a RESTlet, check mode with --diff, a POST meeting a 503, an echoing
# server. Then search all output for every secret of the test bed (setup_testbed's leakcheck.py)
# and every private key and access-token-shaped text (m2m_credential's m2m_leakcheck.py). Every
# step runs even when an earlier one failed; the target fails at the end, naming the steps.
set -euo pipefail
config=../../integration_config.yml
export ANSIBLE_ROLES_PATH="$PWD/..${ANSIBLE_ROLES_PATH:+:$ANSIBLE_ROLES_PATH}"
# Only the options the playbooks give may choose the Vault and the token.
unset VAULT_ADDR VAULT_TOKEN BAO_ADDR BAO_TOKEN VAULT_TOKEN_PATH BAO_TOKEN_PATH
out="${OUTPUT_DIR:-/tmp}"
log="$out/netsuite_request-vvvv.log"
: > "$log"
# ansible-core 2.21 leaves module_args out of results unless asked: ask, so a missing no_log shows.
export ANSIBLE_INJECT_INVOCATION=true ANSIBLE_DIFF_ALWAYS=false
failed=()
run() {
  ansible-playbook -i "$INVENTORY_PATH" -e @"$config" -vvvv "$@" 2>&1 | tee -a "$log" "$modelog"
  return "${PIPESTATUS[0]}"
}
step() { run "$@" || failed+=("$*"); }

modelog="$out/netsuite_request-setup.log"
: > "$modelog"
step setup.yml
for mode in controller module; do
  export NETSUITE_OPS_CREDENTIALS_EXECUTION="$mode"
  modelog="$out/netsuite_request-$mode.log"
  : > "$modelog"
  for kind in tba m2m; do
    step -e request_kind="$kind" requests.yml
  done
  # Each pass really took its path: the action plugin says where it ran (at -vvv).
  if [ "$mode" = controller ]; then want='runs in the controller'; other='not in the controller'
  else want='not in the controller'; other='runs in the controller'; fi
  grep -q "netsuite_request: $want" "$modelog" || failed+=("$mode pass: no netsuite_request task took that path")
  ! grep -q "netsuite_request: $other" "$modelog" || failed+=("$mode pass: a netsuite_request task took the other path")
done
unset NETSUITE_OPS_CREDENTIALS_EXECUTION

python ../setup_testbed/files/leakcheck.py "$config" "$log" || failed+=("leak check (test bed secrets)")
python ../m2m_credential/files/m2m_leakcheck.py "$config" "$log" || failed+=("leak check (private keys, tokens)")
if grep -nE "The full traceback|Traceback \(most recent call last\)" "$log"; then
  failed+=("a traceback reached the output (lines above)")
fi

if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
