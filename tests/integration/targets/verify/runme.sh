#!/usr/bin/env bash
# Run the verify playbook, as installed (FQCN), over 24 accounts in the emulator and Vault at
# -vvvv with the junit callback; check its summary, report, JUnit files, NetSuite requests and
# Vault state; then a run over the good accounts only must exit 0, and a --limit run started
# elsewhere must check only the chosen accounts and write its relative report path there.
# Finally search all output for every secret.
set -euo pipefail
config=../../integration_config.yml
# The helper playbooks include the hidden target setup_testbed as a role (aliases: needs/target/).
export ANSIBLE_ROLES_PATH="$PWD/..${ANSIBLE_ROLES_PATH:+:$ANSIBLE_ROLES_PATH}"
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
check() { local name="$1"; shift; run -i "$INVENTORY_PATH" -e @"$config" -e verify_work_dir="$work" -e verify_run="$name" "$@" check.yml; }

run -i "$INVENTORY_PATH" -e @"$config" -e verify_work_dir="$work" setup.yml

# 1. Every account; the Vault address and the tba-reader token come from the inventory's group vars.
#    Three worker processes (the default would keep 24 accounts in one): the forked path, checked
#    by the same expectations as the one-process runs below.
verify all -i "$work/inventory_all.yml" -e netsuite_verify_processes=3
[ "$rc" -eq 2 ] || { echo "expected exit code 2 with failing accounts, got $rc"; exit 1; }
grep -q '"processes": 3' "$work/verify_all.log" || { echo "the fleet did not run in 3 processes"; exit 1; }
python files/check_outputs.py "$work/expect.json" all "$work/verify_all.log" "$work/junit_all"
check all

# 2. The good accounts only (tba_verify_hosts), Vault from VAULT_ADDR/VAULT_TOKEN, 3 at a time, 1 per account,
#    in the task's process alone.
VAULT_ADDR="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["vault_url"])' "$config")" \
VAULT_TOKEN="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["vault_tokens"]["tba-reader"])' "$config")" \
  verify good -i "$work/inventory_good.yml" -e tba_verify_hosts=verify_good -e tba_verify_concurrency=3 \
    -e tba_verify_per_account_concurrency=1 -e tba_verify_processes=1
[ "$rc" -eq 0 ] || { echo "expected exit code 0 with good accounts only, got $rc"; exit 1; }
grep -q '"processes": 1' "$work/verify_good.log" || { echo "the fleet did not stay in one process"; exit 1; }
python files/check_outputs.py "$work/expect.json" good "$work/verify_good.log" "$work/junit_good"
check good

# 3. Two accounts chosen with --limit, one good and one failing; started in the work directory with a
#    relative report path, which must resolve there (not next to the playbook).
limit=vfy_good_sandbox,vfy_revoked
pushd "$work" > /dev/null
verify limit -i "$work/inventory_all.yml" --limit "$limit" -e tba_verify_report_path=report_limit.json
popd > /dev/null
[ "$rc" -eq 2 ] || { echo "expected exit code 2 with a failing account in the limit, got $rc"; exit 1; }
[ -f "$work/report_limit.json" ] || { echo "the relative report path did not resolve against the working directory"; exit 1; }
python files/check_outputs.py "$work/expect.json" limit "$work/verify_limit.log" "$work/junit_limit" "$limit"
check limit -e verify_limit="$limit"

python ../setup_testbed/files/leakcheck.py "$config" "$log" "$work"/junit_*/*.xml "$work"/report_*.json
python ../setup_testbed/files/leakcheck.py "$work/leak_secrets.json" "$log" "$work"/junit_*/*.xml "$work"/report_*.json
