#!/usr/bin/env bash
# Drive tba_credential through playbooks at -vvvv, then search all output for every secret.
set -euo pipefail
config=../../integration_config.yml
log="${OUTPUT_DIR:-/tmp}/tba_credential-vvvv.log"
# ansible-core 2.21 leaves module_args out of results unless asked: ask, so a missing no_log shows.
export ANSIBLE_INJECT_INVOCATION=true ANSIBLE_DIFF_ALWAYS=false
run() { ansible-playbook -i "$INVENTORY_PATH" -e @"$config" -vvvv "$@" 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"; }
: > "$log"
run playbook.yml
run --check --diff check_mode.yml
python ../setup_testbed/files/leakcheck.py "$config" "$log"
