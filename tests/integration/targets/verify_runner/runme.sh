#!/usr/bin/env bash
# The verify playbook as AWX / AAP run it: through ansible-runner, from private data directories
# laid out as AWX lays them, once over every account and then as 3 job slices in parallel
# (files/awx_runs.py says what is checked). Then search everything the jobs left behind for every
# secret of the run and of the test bed.
set -euo pipefail
config=../../integration_config.yml
work="${OUTPUT_DIR:-/tmp}/verify-runner-work"
rm -rf "$work"
mkdir -p "$work"
chmod 0700 "$work"
python files/awx_runs.py "$config" "$work" 3
mapfile -t outputs < "$work/leak_files.txt"
python ../setup_testbed/files/leakcheck.py "$config" "${outputs[@]}"
python ../setup_testbed/files/leakcheck.py "$work/leak_secrets.json" "${outputs[@]}"
