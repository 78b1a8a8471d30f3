#!/usr/bin/env bash
# Run the verify playbook, as installed (FQCN), over 24 accounts in the emulator and Vault at
# -vvvv with the junit callback; check its summary, report, JUnit file, NetSuite requests and
# Vault state; then a run over the good accounts only must exit 0. Finally search all output
# for every secret.
set -euo pipefail
config=../../integration_config.yml
work="${OUTPUT_DIR:-/tmp}/verify-work"
log="${OUTPUT_DIR:-/tmp}/verify-vvvv.log"
rm -rf "$work"
mkdir -p "$work"
: > "$log"
# ansible-core 2.21 leaves module_args out of results unless asked: ask, so a missing no_log shows.
export ANSIBLE_INJECT_INVOCATION=true
run() { ansible-playbook -vvvv --forks 25 "$@" 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"; }
# The verify playbook with the junit callback; its output also goes to a per-run log.
verify() {
  local name="$1" others; shift
  # Keep callbacks ansible-test enabled (its timeout), but exactly one junit, writing to our dir.
  others="$(tr ',' '\n' <<< "${ANSIBLE_CALLBACKS_ENABLED:-}" | grep -v -x -e junit -e ansible.builtin.junit | paste -sd, - || true)"
  ANSIBLE_CALLBACKS_ENABLED="${others:+$others,}ansible.builtin.junit" JUNIT_OUTPUT_DIR="$work/junit_$name" \
    JUNIT_TEST_CASE_PREFIX="TBA credential check" \
    ansible-playbook netsuite_ops.credentials.verify -vvvv -e tba_verify_report_path="$work/report_$name.json" "$@" \
    > "$work/verify_$name.log" 2>&1 && rc=0 || rc=$?
  cat "$work/verify_$name.log" >> "$log"
  echo "verify run '$name' exited $rc"
}
check() { run -i "$INVENTORY_PATH" -e @"$config" -e verify_work_dir="$work" -e verify_run="$1" check.yml; }

run -i "$INVENTORY_PATH" -e @"$config" -e verify_work_dir="$work" setup.yml

# 1. Every account; the Vault address and the tba-reader token come from the inventory's group vars.
verify all -i "$work/inventory_all.yml"
[ "$rc" -eq 2 ] || { echo "expected exit code 2 with failing accounts, got $rc"; exit 1; }
python files/check_outputs.py "$work/expect.json" all "$work/verify_all.log" "$work/junit_all"
check all

# 2. The good accounts only (tba_verify_hosts), Vault from VAULT_ADDR/VAULT_TOKEN, at forks 3.
VAULT_ADDR="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["vault_url"])' "$config")" \
VAULT_TOKEN="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["vault_tokens"]["tba-reader"])' "$config")" \
  verify good -i "$work/inventory_good.yml" -e tba_verify_hosts=verify_good --forks 3
[ "$rc" -eq 0 ] || { echo "expected exit code 0 with good accounts only, got $rc"; exit 1; }
python files/check_outputs.py "$work/expect.json" good "$work/verify_good.log" "$work/junit_good"
check good

python ../setup_testbed/files/leakcheck.py "$config" "$log" "$work"/junit_*/*.xml "$work"/report_*.json
python ../setup_testbed/files/leakcheck.py "$work/leak_secrets.json" "$log" "$work"/junit_*/*.xml "$work"/report_*.json
