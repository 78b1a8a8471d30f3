#!/usr/bin/env bash
# Capability probes end to end at -vvvv: credential_check with probes on both execution paths
# (the action plugin in the controller's process, and the AnsiballZ module) for stored TBA,
# declared TBA and stored M2M credentials (check.yml); then the verify playbook, as installed
# (FQCN), over a fleet where some accounts lack one permission, with the junit callback as CI
# runs it (files/check_fleet.py checks the report, the JUnit file, the summary and the per-account
# peak at the emulator). Finally every output (results, -vvvv log, report, JUnit) is searched for
# every secret. Every step runs even when an earlier one failed; the target fails at the end.
set -euo pipefail
config=../../integration_config.yml
export ANSIBLE_ROLES_PATH="$PWD/..${ANSIBLE_ROLES_PATH:+:$ANSIBLE_ROLES_PATH}"
# Only the options the playbooks give may choose the Vault and the token.
unset VAULT_ADDR VAULT_TOKEN BAO_ADDR BAO_TOKEN VAULT_TOKEN_PATH BAO_TOKEN_PATH
out="${OUTPUT_DIR:-/tmp}"
log="$out/probes-vvvv.log"
work="$out/probes-work"
rm -rf "$work"; mkdir -p "$work"; chmod 700 "$work"
: > "$log"
# ansible-core 2.21 leaves module_args out of results unless asked: ask, so a missing no_log shows.
export ANSIBLE_INJECT_INVOCATION=true
failed=()
run() {
  ansible-playbook -i "$INVENTORY_PATH" -e @"$config" -e probes_work_dir="$work" -vvvv "$@" 2>&1 | tee -a "$log" "$modelog"
  return "${PIPESTATUS[0]}"
}
step() { run "$@" || failed+=("$*"); }

modelog="$work/setup.log"
step setup.yml
for mode in controller module; do
  export NETSUITE_OPS_CREDENTIALS_EXECUTION="$mode"
  modelog="$work/check-$mode.log"
  : > "$modelog"
  step -e probes_pass="$mode" check.yml
  # Each pass really took its path: the action plugin says where it ran (at -vvv).
  if [ "$mode" = controller ]; then want='runs in the controller'; other='not in the controller'
  else want='not in the controller'; other='runs in the controller'; fi
  grep -q "credential_check: $want" "$modelog" || failed+=("$mode pass: no credential_check task took that path")
  ! grep -q "credential_check: $other" "$modelog" || failed+=("$mode pass: a credential_check task took the other path")
done
unset NETSUITE_OPS_CREDENTIALS_EXECUTION

# The verify playbook over the fleet, answers held 50 ms so requests to one account overlap.
netsuite_url="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["netsuite_url"])' "$config")"
hold() { curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"hold_seconds\": $1}" "$netsuite_url/__emulator/settings" > /dev/null; }
hold 0.05
curl -fsS -X POST "$netsuite_url/__emulator/reset" > /dev/null
others="$(tr ',' '\n' <<< "${ANSIBLE_CALLBACKS_ENABLED:-}" | grep -v -x -e junit -e ansible.builtin.junit | paste -sd, - || true)"
rc=0
ANSIBLE_CALLBACKS_ENABLED="${others:+$others,}ansible.builtin.junit" JUNIT_OUTPUT_DIR="$work/fleet_junit" \
  JUNIT_TEST_CASE_PREFIX="TBA credential check" \
  ansible-playbook netsuite_ops.credentials.verify -vvvv -i "$work/fleet_inventory.yml" \
    -e netsuite_verify_report_path="$work/fleet_report.json" > "$work/fleet_verify.log" 2>&1 || rc=$?
hold 0
cat "$work/fleet_verify.log" >> "$log"
[ "$rc" -eq 2 ] || failed+=("verify over the fleet exited $rc, expected 2 (accounts lacking a permission)")
python files/check_fleet.py "$config" "$work/fleet_report.json" "$work/fleet_junit" "$work/fleet_verify.log" \
  || failed+=("the fleet's report, JUnit or summary (above)")

# Every output: the -vvvv log of every run (results included), the report and the JUnit files.
written=("$work/fleet_report.json" "$work"/fleet_junit/*.xml)
python ../setup_testbed/files/leakcheck.py "$config" "$log" "${written[@]}" || failed+=("leak check (test bed secrets)")
python ../m2m_credential/files/m2m_leakcheck.py "$config" "$log" "${written[@]}" || failed+=("leak check (private keys)")
if grep -nE "The full traceback|Traceback \(most recent call last\)" "$log"; then
  failed+=("a traceback reached the output (lines above)")
fi

if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
