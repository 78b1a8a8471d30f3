#!/usr/bin/env bash
# Every Vault auth method of the test bed (tests/support/vault_auth_bed.py: AppRole, userpass, JWT,
# Kubernetes, cert over TLS, the token file, none through `bao proxy`) through tba_credential at
# -vvvv, on both execution paths; then the verify playbook over a small fleet with AppRole; then
# search all output for every secret of the test bed, the auth bed's included.
set -euo pipefail
config=../../integration_config.yml
config_path="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
# The helper playbooks include the hidden target setup_testbed as a role (aliases: needs/target/).
export ANSIBLE_ROLES_PATH="$PWD/..${ANSIBLE_ROLES_PATH:+:$ANSIBLE_ROLES_PATH}"
# Only the options the playbooks give may choose the Vault, the login and the token.
unset VAULT_ADDR VAULT_TOKEN VAULT_CACERT BAO_ADDR BAO_TOKEN BAO_CACERT VAULT_TOKEN_PATH BAO_TOKEN_PATH
while read -r name; do unset "$name"; done < <(env | sed -n 's/^\(ANSIBLE_HASHI_VAULT_[A-Z_]*\)=.*/\1/p')
out="${OUTPUT_DIR:-/tmp}"
log="$out/vault_auth-vvvv.log"
work="$out/vault_auth-work"
rm -rf "$work"; mkdir -p "$work"; chmod 700 "$work"
: > "$log"
# ansible-core 2.21 leaves module_args out of results unless asked: ask, so a missing no_log shows.
export ANSIBLE_INJECT_INVOCATION=true ANSIBLE_DIFF_ALWAYS=false
run() {
  ansible-playbook -i "$INVENTORY_PATH" -e @"$config" -e vault_auth_config="$config_path" \
    -e fleet_work_dir="$work" -vvvv "$@" 2>&1 | tee -a "$log"
  return "${PIPESTATUS[0]}"
}

for mode in controller module; do
  NETSUITE_OPS_CREDENTIALS_EXECUTION="$mode" run methods.yml
done

# The verify playbook, as installed (FQCN), with tba_verify_vault naming the AppRole login.
run fleet_setup.yml
rc=0
ansible-playbook netsuite_ops.credentials.verify -vvvv -i "$work/inventory.yml" -e @"$config" \
  -e tba_verify_report_path="$work/report.json" > "$work/verify.log" 2>&1 || rc=$?
cat "$work/verify.log" >> "$log"
[ "$rc" -eq 0 ] || { tail -n 40 "$work/verify.log"; echo "verify over the fleet exited $rc, expected 0"; exit 1; }
run fleet_check.yml

python ../setup_testbed/files/leakcheck.py "$config" "$log" "$work/report.json"
# Failures must be one-line causes with hints: no traceback may reach the output, on any core.
if grep -nE "The full traceback|Traceback \(most recent call last\)" "$log"; then
  echo "a traceback reached the output (lines above)"; exit 1
fi
