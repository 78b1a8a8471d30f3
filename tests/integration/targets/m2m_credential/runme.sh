#!/usr/bin/env bash
# Drive m2m_credential and m2m_key_pair through playbooks at -vvvv on both execution paths (the
# action plugin in the controller's process, and the AnsiballZ module): store, re-run, rotate,
# fail, dry-run; then the verify playbook over a mixed TBA/M2M fleet. Finally search all output
# and every file written for every secret: the test bed's (setup_testbed's leakcheck.py: client
# IDs, passphrases, Vault tokens, TBA secrets) and every private key (files/m2m_leakcheck.py).
# Every step runs even when an earlier one failed (each cleans its own paths first); the target
# fails at the end, naming the steps that failed.
set -euo pipefail
config=../../integration_config.yml
# The helper playbooks include the hidden target setup_testbed as a role (aliases: needs/target/).
export ANSIBLE_ROLES_PATH="$PWD/..${ANSIBLE_ROLES_PATH:+:$ANSIBLE_ROLES_PATH}"
# Only the options the playbooks give may choose the Vault and the token.
unset VAULT_ADDR VAULT_TOKEN BAO_ADDR BAO_TOKEN VAULT_TOKEN_PATH BAO_TOKEN_PATH
out="${OUTPUT_DIR:-/tmp}"
log="$out/m2m_credential-vvvv.log"
work="$out/m2m_credential-work"
rm -rf "$work"; mkdir -p "$work"; chmod 700 "$work"
: > "$log"
# ansible-core 2.21 leaves module_args out of results unless asked: ask, so a missing no_log shows.
export ANSIBLE_INJECT_INVOCATION=true ANSIBLE_DIFF_ALWAYS=false
failed=()
run() {
  ansible-playbook -i "$INVENTORY_PATH" -e @"$config" -e m2m_work_dir="$work" -vvvv "$@" 2>&1 | tee -a "$log" "$modelog"
  return "${PIPESTATUS[0]}"
}
step() { run "$@" || failed+=("$*"); }

for mode in controller module; do
  export NETSUITE_OPS_CREDENTIALS_EXECUTION="$mode"
  modelog="$out/m2m_credential-$mode.log"
  : > "$modelog"
  step -e m2m_pass="$mode" store.yml
  step -e m2m_pass="$mode" key_pair.yml
  step -e m2m_pass="$mode" failures.yml
  # Check and diff mode are the task body's (shared by both paths) and the controller path's own
  # handling; the module path gets AnsiballZ's: one dry run, on the controller path, is enough.
  [ "$mode" = module ] || step -e m2m_pass="$mode" --check --diff check_mode.yml
  # Each pass really took its path: the action plugins say where they ran (at -vvv).
  if [ "$mode" = controller ]; then want='runs in the controller'; other='not in the controller'
  else want='not in the controller'; other='runs in the controller'; fi
  for module in m2m_credential m2m_key_pair; do
    grep -q "$module: $want" "$modelog" || failed+=("$mode pass: no $module task took that path")
    ! grep -q "$module: $other" "$modelog" || failed+=("$mode pass: a $module task took the other path")
  done
done
unset NETSUITE_OPS_CREDENTIALS_EXECUTION

# The verify playbook, as installed (FQCN), over a mixed fleet, with the junit callback as CI runs it.
modelog="$out/m2m_credential-fleet.log"
: > "$modelog"
step fleet_setup.yml
others="$(tr ',' '\n' <<< "${ANSIBLE_CALLBACKS_ENABLED:-}" | grep -v -x -e junit -e ansible.builtin.junit | paste -sd, - || true)"
rc=0
ANSIBLE_CALLBACKS_ENABLED="${others:+$others,}ansible.builtin.junit" JUNIT_OUTPUT_DIR="$work/fleet_junit" \
  JUNIT_TEST_CASE_PREFIX="TBA credential check" \
  ansible-playbook netsuite_ops.credentials.verify -vvvv -i "$work/fleet_inventory.yml" \
    -e netsuite_verify_report_path="$work/fleet_report.json" > "$work/fleet_verify.log" 2>&1 || rc=$?
cat "$work/fleet_verify.log" >> "$log"
[ "$rc" -eq 2 ] || failed+=("verify over the fleet exited $rc, expected 2 (failing accounts)")
step fleet_check.yml
step returned_certificate.yml

# Every file a module or the verify playbook wrote (certificate files, report, JUnit), and the
# test's copies of what results showed; not the inventory, which holds the reader token.
written=("$work"/*.pem "$work/fleet_report.json" "$work"/fleet_junit/*.xml)
python ../setup_testbed/files/leakcheck.py "$config" "$log" "${written[@]}" || failed+=("leak check (test bed secrets)")
python files/m2m_leakcheck.py "$config" "$log" "${written[@]}" || failed+=("leak check (private keys)")
if grep -l "PRIVATE KEY" "${written[@]}"; then failed+=("a written file (above) holds a private key"); fi
# The search can fail: a slice of a key planted in a file is found.
planted="$work/planted.txt"
python -c 'import json, sys; key = json.load(open(sys.argv[1]))["m2m_accounts"]["rsa"]["private_key"]; print(json.dumps(key[1200:1300]))' "$config" > "$planted"
if python files/m2m_leakcheck.py "$config" "$planted" > /dev/null; then failed+=("the leak check missed a planted key"); fi
rm -f "$planted"
# Failures must be one-line causes with hints: no traceback may reach the output, on any core.
if grep -nE "The full traceback|Traceback \(most recent call last\)" "$log"; then
  failed+=("a traceback reached the output (lines above)")
fi

if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
