#!/usr/bin/env bash
# Run the shipped playbooks netsuite_ops.credentials.bootstrap (TBA and OAuth 2.0 M2M) and
# netsuite_ops.credentials.migrate_to_m2m as an operator would: unattended (CI, AWX, no terminal)
# and at a real pseudo-terminal, at -vvvv, then search every log, the terminal transcripts, the
# runbooks and the certificate files for every secret of the test bed and every private key
# Vault holds.
set -uo pipefail
config=../../integration_config.yml
# The helper playbooks include the hidden target setup_testbed as a role (aliases: needs/target/).
export ANSIBLE_ROLES_PATH="$PWD/..${ANSIBLE_ROLES_PATH:+:$ANSIBLE_ROLES_PATH}"
out="${OUTPUT_DIR:-/tmp}"
log="$out/tba_bootstrap-vvvv.log"
marker='NetSuite TBA set-up for account'        # first line of the instructions
menu='Setup > Integration > Manage Integrations > New'
# ansible-core 2.21 leaves module_args out of results unless asked: ask, so a missing no_log shows.
export ANSIBLE_INJECT_INVOCATION=true ANSIBLE_NOCOLOR=1 ANSIBLE_DIFF_ALWAYS=false
unset CI NETSUITE_CONSUMER_KEY NETSUITE_CONSUMER_SECRET NETSUITE_TOKEN_ID NETSUITE_TOKEN_SECRET \
  NETSUITE_M2M_CLIENT_ID NETSUITE_M2M_CERTIFICATE_ID || true
# The M2M accounts, their Client IDs and certificate IDs (m2m_bed.py setup; mode 0600).
state="$out/tba_bootstrap-m2m-state.json"
: > "$log"
failures=()
files=("$log")

fail() { failures+=("$tc: $*"); echo "FAILED: $tc: $*"; }
# bootstrap CASE LABEL [ansible-playbook args]: one unattended run, stdin not a terminal.
# PLAYBOOK=netsuite_ops.credentials.migrate_to_m2m runs the migration playbook instead.
bootstrap() {
  tc="$1"; label="$2"; shift 2
  caselog="$out/tba_bootstrap-$label.log"
  timeout 120 ansible-playbook -vvvv -i inventory.yml -e @"$config" -e @"$state" \
    "${PLAYBOOK:-netsuite_ops.credentials.bootstrap}" --limit "$tc" "$@" > "$caselog" 2>&1 < /dev/null
  rc=$?
  cat "$caselog" >> "$log"; files+=("$caselog")
  echo "== $label: exit $rc"
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1 (124 = hung)"; }
expect_in() { grep -qF -- "$1" "$caselog" || fail "output lacks: $1"; }
expect_not_in() { ! grep -qF -- "$1" "$caselog" || fail "output has: $1"; }
expect_recap() { grep -qE "^$tc +: ok=[0-9]+ +changed=$1 " "$caselog" || fail "recap is not changed=$1"; }
helper() {
  ansible-playbook -vvvv -e @"$config" "$@" >> "$log" 2>&1 < /dev/null || fail "helper playbook failed: $*"
}
verify() {  # verify PATH VERSION [ACCOUNT] [extra -e]
  local path="$1" version="$2" account="${3:-}"; shift 2; [ $# -gt 0 ] && shift
  helper verify.yml -e verify_path="it/tba_bootstrap/$path" -e verify_version="$version" \
    ${account:+-e verify_account="$account"} "$@"
}
# export_values ACCOUNT [FIELD...]: put test bed values into NETSUITE_* (never on a command line).
export_values() {
  local account="$1"; shift
  eval "$(python - "$config" "$account" "$@" <<'PY'
import json, sys
values = json.load(open(sys.argv[1]))["netsuite_accounts"][sys.argv[2]]
for field in sys.argv[3:] or ["consumer_key", "consumer_secret", "token_id", "token_secret"]:
    print("export NETSUITE_%s=%s" % (field.upper(), values[field]))
PY
)"
}
# at_terminal CASE STEPS_JSON [ansible-playbook args]: run the playbook on a real pseudo-terminal,
# answering prompts.
at_terminal() {
  tc="$1"; caselog="$out/tba_bootstrap-$tc.transcript"
  printf '%s' "$2" > "$out/tba_bootstrap-$tc.steps.json"; shift 2
  python pty_driver.py "$config,$state" "$out/tba_bootstrap-$tc.steps.json" "$caselog" -- \
    ansible-playbook -vvvv -i inventory.yml -e @"$config" -e @"$state" netsuite_ops.credentials.bootstrap \
    --limit "$tc" "$@" > "$out/tba_bootstrap-$tc.driver" 2>&1
  rc=$?
  cat "$out/tba_bootstrap-$tc.driver"
  cat "$caselog" >> "$log"; files+=("$caselog")
  echo "== $tc at a terminal: exit $rc"
}

helper setup.yml
python m2m_bed.py setup "$config" "$state" >> "$log" 2>&1 || { echo "m2m_bed.py setup failed"; tail -5 "$log"; exit 1; }

# --- Already bootstrapped: no instructions, nothing changed, one NetSuite request -------------
helper reset.yml
bootstrap already already -e tba_bootstrap_runbook_path="$out/tba_bootstrap-already.md"
expect_rc 0
expect_in 'Already bootstrapped: NetSuite account 1234567 (production).'
expect_in 'Vault: it/tba_bootstrap/already (mount secret), version 1'
expect_not_in "$marker"; expect_not_in "$menu"
expect_recap 0
[ ! -e "$out/tba_bootstrap-already.md" ] || fail "a runbook was written although nothing was to do"
verify already 1 good_production -e verify_realm=1234567 -e verify_requests=1

# --- Unattended with tba_bootstrap_credentials: stored and tested; re-run changes nothing ------
rm -f "$out/tba_bootstrap-runbook.md"
bootstrap from_vars from_vars -e tba_bootstrap_runbook_path="$out/tba_bootstrap-runbook.md"
expect_rc 0
expect_in "$marker 1234567_SB1 (sandbox)"
expect_in 'Bootstrapped: NetSuite account 1234567_SB1 (sandbox).'
expect_in 'Vault: it/tba_bootstrap/from_vars (mount secret), version 1 (written now; previous version none).'
expect_in 'Connection test: passed (serverTime, HTTP 200'
verify from_vars 1 good_sandbox
helper reset.yml
bootstrap from_vars from_vars-rerun
expect_rc 0
expect_in 'Already bootstrapped: NetSuite account 1234567_SB1 (sandbox).'
expect_not_in "$marker"
expect_recap 0
verify from_vars 1 good_sandbox -e verify_realm=1234567_SB1 -e verify_requests=1

# --- Runbook: written with the instructions, holds no secret --------------------------------
tc=runbook; caselog="$out/tba_bootstrap-runbook.md"
if [ -f "$caselog" ]; then
  files+=("$caselog")
  expect_in "# $marker 1234567_SB1 (sandbox)"
  expect_in "$menu"
  expect_in 'Setup > Users/Roles > Access Tokens > New'
  expect_in 'Setup > Company > Company Information'
  expect_in 'View Login Audit Trail'
  expect_in '2027.1'
  expect_in 'User: Integration User'
  expect_in 'Role: Integration REST Role'
  expect_in 'https://1234567-sb1.app.netsuite.com/'
  python - "$caselog" "$config" <<'PY' || fail "the runbook links somewhere other than Oracle's help or the account's hosts"
import json, re, sys
allowed = ("https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/",
           "https://1234567-sb1.app.netsuite.com/", json.load(open(sys.argv[2]))["netsuite_url"])
urls = re.findall(r"https?://[^\s)]+", open(sys.argv[1]).read())
bad = [url for url in urls if not url.startswith(allowed)]
print("runbook links: %d, not allowed: %s" % (len(urls), bad))
sys.exit(1 if bad or not urls else 0)
PY
  # The console printed the same text: every runbook line appears in the run's output.
  tc=runbook-vs-console
  python - "$caselog" "$out/tba_bootstrap-from_vars.log" <<'PY' || fail "console and runbook differ"
import json, sys
runbook = open(sys.argv[1]).read().splitlines()
console = open(sys.argv[2]).read()
missing = [line for line in runbook if line and json.dumps(line) not in console]
print("runbook lines missing from the console: %d of %d" % (len(missing), len(runbook)))
sys.exit(1 if missing else 0)
PY
else
  fail "no runbook written"
fi

# --- Unattended with NETSUITE_* environment variables ----------------------------------------
(
  before=${#failures[@]}
  export_values good_release_preview
  bootstrap from_env from_env
  expect_rc 0
  expect_in 'Bootstrapped: NetSuite account 1234567_RP (Release Preview).'
  bootstrap from_env from_env-rerun
  expect_rc 0
  expect_in 'Already bootstrapped'
  expect_recap 0
  [ ${#failures[@]} -eq "$before" ]
) || failures+=("from_env: see above")
files+=("$out/tba_bootstrap-from_env.log" "$out/tba_bootstrap-from_env-rerun.log")
verify from_env 1 good_release_preview

# --- Unattended without values: CI set, an AWX job, no terminal, several accounts at once ------
for variant in ci awx off notty; do
  rm -f "$out/tba_bootstrap-no_values-$variant.md"
  args=(-e tba_bootstrap_runbook_path="$out/tba_bootstrap-no_values-$variant.md")
  [ "$variant" = awx ] && args+=(-e awx_job_id=4711)
  [ "$variant" = off ] && args+=(-e tba_bootstrap_interactive=false)
  if [ "$variant" = ci ]; then CI=true bootstrap no_values "no_values-$variant" "${args[@]}"
  else bootstrap no_values "no_values-$variant" "${args[@]}"; fi
  expect_rc 2
  expect_in "$marker TSTDRV7654321 (test drive)"
  expect_in 'missing consumer_key, consumer_secret, token_id, token_secret. Nothing was tested or written to Vault.'
  expect_in 'NETSUITE_CONSUMER_KEY, NETSUITE_CONSUMER_SECRET, NETSUITE_TOKEN_ID, NETSUITE_TOKEN_SECRET'
  expect_in 'tba_bootstrap_credentials'
  case "$variant" in
    ci) expect_in 'Not prompted because: the environment variable CI is set'
        expect_not_in 'Not waiting for response to prompt' ;;
    awx) expect_in 'Not prompted because: this is an AWX/AAP job'
         expect_not_in 'Not waiting for response to prompt' ;;
    off) expect_in 'Not prompted because: tba_bootstrap_interactive is false'
         expect_not_in 'Not waiting for response to prompt' ;;
    notty) expect_in 'Not waiting for response to prompt as stdin is not interactive'
           expect_in 'Not prompted because: nobody typed yes at the prompt' ;;
  esac
  if [ -f "$out/tba_bootstrap-no_values-$variant.md" ]; then files+=("$out/tba_bootstrap-no_values-$variant.md")
  else fail "no runbook for a failed unattended run"; fi
done
verify no_values none

# --- A relative runbook path lands where ansible-playbook was started (issue 11), and its ------
# --- folder is created (0700) when missing (issue 16) ----------------------------------------
tc=relative_runbook; caselog="$out/tba_bootstrap-relative_runbook.log"
target_dir="$PWD"
rm -rf "$out/elsewhere"; mkdir -p "$out/elsewhere"
(cd "$out/elsewhere" && CI=true timeout 120 ansible-playbook -vvvv -i "$target_dir/inventory.yml" \
  -e @"$target_dir/$config" netsuite_ops.credentials.bootstrap --limit no_values \
  -e tba_bootstrap_runbook_path=runbooks/relative.md) > "$caselog" 2>&1 < /dev/null
rc=$?
cat "$caselog" >> "$log"; files+=("$caselog")
expect_rc 2
if [ -f "$out/elsewhere/runbooks/relative.md" ]; then files+=("$out/elsewhere/runbooks/relative.md")
else fail "the relative runbook path did not land in the directory ansible-playbook ran in"; fi
expect_not_in 'does not exist'
[ "$(stat -c %a "$out/elsewhere/runbooks" 2>/dev/null)" = 700 ] || fail "the runbook's folder was not created with mode 0700"
bootstrap 'batch_a:batch_b' batch -e netsuite_bootstrap_serial=2
tc='batch'
expect_rc 2
expect_in 'Not prompted because: 2 accounts run in one batch'
expect_not_in 'Not waiting for response to prompt'
verify batch_a none; verify batch_b none

# --- Wrong credentials: the test fails, nothing is written, the hint is shown ---------------
bootstrap wrong wrong
expect_rc 2
expect_in 'NetSuite account 1234567 was NOT bootstrapped.'
expect_in 'INVALID_LOGIN'
expect_in 'Login Audit Trail'
verify wrong none

# --- Stored credentials NetSuite refuses: instructions again, the old version stays -----------
CI=true bootstrap stale stale
expect_rc 2
expect_in 'is not bootstrapped yet: NetSuite refused the credentials'
expect_in "$marker 2000001 (production)"
verify stale 1 revoked

# --- A token that cannot write: stop before instructions, runbook or questions --------------
rm -f "$out/tba_bootstrap-read_only.md"
bootstrap read_only read_only -e tba_bootstrap_runbook_path="$out/tba_bootstrap-read_only.md"
expect_rc 2
expect_in "Permission denied: the token lacks 'create' on 'secret/data/it/tba_bootstrap/read_only'"
expect_not_in "$marker"
[ ! -e "$out/tba_bootstrap-read_only.md" ] || fail "a runbook was written although nothing could be stored"
verify read_only none

# --- Input problems stop before any instruction --------------------------------------------
CI=true bootstrap other_account other_account
expect_rc 2
expect_in 'holds credentials for NetSuite account 1234567, not 1234567_SB1'
expect_not_in "$marker"
verify other_account 1 good_production
CI=true bootstrap bad_environment bad_environment
expect_rc 2
expect_in 'is a sandbox account, not production'
expect_not_in "$marker"
verify bad_environment none

# --- At a terminal: hidden prompts, an empty answer asked again -----------------------------
at_terminal tty '[
  {"expect": "type yes", "send": "yes"},
  {"expect": "Consumer Key \\(from", "send": "", "hidden": true},
  {"expect": "Consumer Secret \\(from", "secret": ["good_production", "consumer_secret"], "hidden": true},
  {"expect": "Token ID \\(from", "secret": ["good_production", "token_id"], "hidden": true},
  {"expect": "Token Secret \\(from", "secret": ["good_production", "token_secret"], "hidden": true},
  {"expect": "Consumer Key\\s+was empty", "secret": ["good_production", "consumer_key"], "hidden": true}]'
expect_rc 0
expect_in "$marker 1234567 (production)"
expect_in '(output is hidden):'
expect_in 'Bootstrapped: NetSuite account 1234567 (production).'
[ "$(grep -c '(output is hidden):' "$caselog")" -eq 5 ] || fail "expected 5 hidden prompts"
grep -q '(echo off)' "$out/tba_bootstrap-tty.driver" || fail "echo was not off"
verify tty 1 good_production

# Two values from the environment, two prompted; the last one empty twice: nothing proceeds.
(
  before=${#failures[@]}
  export_values good_test_drive consumer_key consumer_secret
  at_terminal tty_partial '[
    {"expect": "type yes and press Enter to enter 2 value\\(s\\)", "send": "yes"},
    {"expect": "Token ID \\(from", "secret": ["good_test_drive", "token_id"], "hidden": true},
    {"expect": "Token Secret \\(from", "send": "", "hidden": true},
    {"expect": "Token Secret\\s+was empty", "send": "", "hidden": true}]'
  expect_rc 2
  expect_not_in 'Consumer Key (from'
  expect_in 'missing token_secret. Nothing was tested or written to Vault.'
  expect_in 'Not prompted because: the answers were empty'
  [ ${#failures[@]} -eq "$before" ]
) || failures+=("tty_partial: see above")
files+=("$out/tba_bootstrap-tty_partial.transcript")
verify tty_partial none

# The operator does not type yes: nothing is asked, nothing proceeds.
at_terminal tty_gate '[{"expect": "type yes", "send": ""}]'
expect_rc 2
expect_not_in '(output is hidden)'
expect_in 'Not prompted because: nobody typed yes at the prompt'
verify tty_gate none

# ============ OAuth 2.0 client credentials (M2M): tba_bootstrap_auth: m2m ====================
# The operator's upload is m2m_bed.py upload: the emulator maps the certificate file the role
# wrote, under the certificate ID NetSuite would show, between the runs (or at the prompt).
m2m_marker='NetSuite OAuth 2.0 M2M set-up for account'
m2m_upload_menu='Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup > Create New'
m2m() { python m2m_bed.py "$@" || fail "m2m_bed.py $1 ${*:4:2}"; }
# with_m2m_values CASE INDEX COMMAND...: COMMAND with the case's Client ID and the ID of its
# certificate INDEX in NETSUITE_M2M_* (never on a command line).
with_m2m_values() {
  local case="$1" index="$2"; shift 2
  eval "$(python m2m_bed.py env "$state" "$case" "$index")"
  "$@"
  unset NETSUITE_M2M_CLIENT_ID NETSUITE_M2M_CERTIFICATE_ID
}
fingerprint() { python -c 'import sys, m2m_bed; print(m2m_bed._fingerprint(open(sys.argv[1]).read()))' "$1"; }
rb="$out/m2m-runbooks"; rm -rf "$rb"; mkdir -p "$rb"
vars_path=it/tba_bootstrap/m2m/vars
cert="$rb/netsuite-m2m-3300001.pem"

# --- No certificate ID yet: instructions, runbook and certificate file; the key only in Vault ---
CI=true bootstrap m2m_vars m2m-first -e tba_bootstrap_runbook_path="$rb/m2m_vars.md"
expect_rc 2
expect_in 'is not bootstrapped yet: no credentials are stored at it/tba_bootstrap/m2m/vars (mount secret).'
expect_in "$m2m_marker 3300001 (production)"
expect_in "$m2m_upload_menu"
expect_in 'missing certificate_id. Nothing was tested or stored at it/tba_bootstrap/m2m/vars (mount secret).'
expect_in "The generated key pair waits at it/tba_bootstrap/m2m/vars/pending (mount secret)"
expect_in "the certificate to upload is $cert."
expect_in 'NETSUITE_M2M_CERTIFICATE_ID'
expect_not_in 'NETSUITE_M2M_CLIENT_ID (AWX'   # the Client ID came from tba_bootstrap_credentials
tc=m2m-files
if [ -f "$cert" ] && [ -f "$rb/m2m_vars.md" ]; then
  files+=("$cert" "$rb/m2m_vars.md")
  if [ "$(grep -c 'BEGIN CERTIFICATE' "$cert")" -ne 1 ] || grep -q 'PRIVATE' "$cert"; then
    fail "the certificate file is not one lone certificate"
  fi
  caselog="$rb/m2m_vars.md"
  expect_in "# $m2m_marker 3300001 (production)"
  expect_in 'check CLIENT CREDENTIALS (MACHINE TO MACHINE) GRANT and the'
  expect_in 'scope REST WEB SERVICES'
  expect_in 'Setup > Company > Enable Features, SuiteCloud subtab'
  expect_in 'check OAUTH 2.0'
  expect_in 'CLIENT ID (labelled CONSUMER KEY / CLIENT ID)'
  expect_in 'CERTIFICATE ID: copy it'
  expect_in 'Entity: Integration User'
  expect_in 'Role: Integration REST Role'
  expect_in 'every refresh'
  expect_in 'click Revoke'
  expect_in "Certificate: upload $cert"
  expect_in "Certificate SHA-256 fingerprint: $(fingerprint "$cert")"
  expect_in "$(sed -n 2p "$cert")"   # the certificate itself, for AWX jobs
  expect_in 'netsuite_verify_min_certificate_days'
  cp "$cert" "$out/m2m-cert-first.pem"
  python - "$caselog" "$out/tba_bootstrap-m2m-first.log" "$config" <<'PY' || fail "the M2M runbook differs from the console or links elsewhere"
import json, re, sys
runbook = open(sys.argv[1]).read()
console = open(sys.argv[2]).read()
missing = [line for line in runbook.splitlines() if line and json.dumps(line) not in console]
allowed = ("https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/", "https://3300001.app.netsuite.com/",
           json.load(open(sys.argv[3]))["netsuite_url"])
bad = [url for url in re.findall(r"https?://[^\s)]+", runbook) if not url.startswith(allowed)]
print("M2M runbook lines missing from the console: %d; links not allowed: %s" % (len(missing), bad))
sys.exit(1 if missing or bad else 0)
PY
else
  fail "no runbook or no certificate file next to it"
fi
verify m2m/vars none
python m2m_bed.py absent "$config" "$vars_path/pending" >/dev/null && fail "no pending key pair in Vault"

# --- A certificate ID NetSuite does not know (not uploaded yet): refused, nothing stored, key kept
CI=true with_m2m_values m2m_vars 0 bootstrap m2m_vars m2m-not-uploaded -e tba_bootstrap_runbook_path="$rb/m2m_vars.md"
expect_rc 2
expect_in 'NetSuite account 3300001 was NOT bootstrapped.'
expect_in 'invalid_client'
expect_in 'The generated key pair stays at it/tba_bootstrap/m2m/vars/pending (mount secret) and the next run uses it'
expect_not_in "missing certificate_id"
cmp -s "$cert" "$out/m2m-cert-first.pem" || fail "the certificate changed although the key pair was pending"
verify m2m/vars none

# --- The operator uploads the certificate; the values from the environment: tested and stored --
m2m upload "$config" "$state" m2m_vars 0 "$cert"
CI=true with_m2m_values m2m_vars 0 bootstrap m2m_vars m2m-stored -e tba_bootstrap_runbook_path="$rb/m2m_vars.md"
expect_rc 0
expect_in 'Bootstrapped: NetSuite account 3300001 (production), OAuth 2.0 client credentials (M2M).'
expect_in 'Vault: it/tba_bootstrap/m2m/vars (mount secret), version 1 (written now; previous version none).'
expect_in 'Connection test: passed (serverTime, HTTP 200, 2 request(s), 0 retries'
expect_in 'M2M certificate: CN=erp-sync 3300001, SHA-256 fingerprint'
expect_in 'the pending copy was removed'
m2m stored "$config" "$state" m2m_vars "$vars_path" 1 --certificate-file "$cert" --certificate-index 0 --fingerprint-in "$caselog"

# --- Re-run: already bootstrapped, a token request and serverTime, nothing changed -------------
helper reset.yml
CI=true bootstrap m2m_vars m2m-rerun
expect_rc 0
expect_in 'Already bootstrapped: NetSuite account 3300001 (production), OAuth 2.0 client credentials (M2M).'
expect_in 'M2M certificate: CN=erp-sync 3300001, valid until'
expect_not_in "$m2m_marker"
expect_recap 0
verify m2m/vars 1 "" -e verify_realm=3300001 -e verify_requests=2

# --- Rotation: a new key pair; the working version stays until the new certificate ID is stored -
CI=true bootstrap m2m_vars m2m-rotate-start -e tba_bootstrap_m2m_rotate=true -e tba_bootstrap_runbook_path="$rb/m2m_vars-rotate.md"
expect_rc 2
expect_in 'is not bootstrapped yet: a rotation was asked for (tba_bootstrap_m2m_rotate)'
expect_in 'This run replaces the key of an existing M2M integration (a rotation).'
expect_in 'missing certificate_id.'
expect_in 'run again with tba_bootstrap_m2m_rotate: true to finish the rotation'
files+=("$rb/m2m_vars-rotate.md")
cmp -s "$cert" "$out/m2m-cert-first.pem" && fail "the rotation wrote no new certificate"
verify m2m/vars 1
m2m upload "$config" "$state" m2m_vars 1 "$cert"
CI=true with_m2m_values m2m_vars 1 bootstrap m2m_vars m2m-rotated -e tba_bootstrap_m2m_rotate=true \
  -e tba_bootstrap_runbook_path="$rb/m2m_vars-rotate.md"
expect_in 'Vault: it/tba_bootstrap/m2m/vars (mount secret), version 2 (written now; previous version 1).'
expect_in 'Earlier version 1 of it/tba_bootstrap/m2m/vars (mount secret) stays readable for rollback.'
expect_in 'The old certificate keeps working in NetSuite until you revoke it.'
m2m stored "$config" "$state" m2m_vars "$vars_path" 2 --certificate-file "$cert" --certificate-index 1 \
  --fingerprint-in "$caselog" --key-differs-from 1
m2m stored "$config" "$state" m2m_vars "$vars_path" 1 --certificate-file "$out/m2m-cert-first.pem" \
  --certificate-index 0 --current 2
# The operator revokes the old certificate once the new one works: version 2 keeps working.
m2m revoke "$config" "$state" m2m_vars 0
CI=true bootstrap m2m_vars m2m-after-revoke
expect_rc 0
expect_in 'Already bootstrapped: NetSuite account 3300001 (production), OAuth 2.0 client credentials (M2M).'
expect_recap 0

# --- At a terminal: the certificate uploaded while the run waits; Client ID hidden ------------
tty_cert="$rb/netsuite-m2m-3300002_SB1.pem"
at_terminal m2m_tty "[
  {\"expect\": \"type yes\", \"send\": \"yes\",
   \"run\": [\"python\", \"m2m_bed.py\", \"upload\", \"$config\", \"$state\", \"m2m_tty\", \"0\", \"$tty_cert\"]},
  {\"expect\": \"Client ID \\\\(from\", \"secret\": [\"m2m_tty\", \"client_id\"], \"hidden\": true},
  {\"expect\": \"Certificate ID \\\\(from\", \"secret\": [\"m2m_tty\", \"certificate_ids\", 0]}]" \
  -e tba_bootstrap_runbook_path="$rb/m2m_tty.md"
expect_rc 0
expect_in "$m2m_marker 3300002_SB1 (sandbox)"
expect_in 'to enter 2 value(s) at prompts (client_id, certificate_id; secrets are not shown as you type)'
expect_in 'Bootstrapped: NetSuite account 3300002_SB1 (sandbox), OAuth 2.0 client credentials (M2M).'
expect_in '(RSA 4096)'
[ "$(grep -c '(output is hidden):' "$caselog")" -eq 1 ] || fail "expected exactly 1 hidden prompt (the Client ID)"
grep -q 'typed secret m2m_tty.client_id (echo off)' "$out/tba_bootstrap-m2m_tty.driver" || fail "the Client ID was typed with echo on"
files+=("$tty_cert" "$rb/m2m_tty.md")
m2m stored "$config" "$state" m2m_tty it/tba_bootstrap/m2m/tty 1 --certificate-file "$tty_cert" --certificate-index 0

# ============ Moving from TBA to M2M: playbook migrate_to_m2m ================================
# --- The M2M path pointed at working TBA credentials stops before anything is generated -------
CI=true bootstrap m2m_on_tba m2m-on-tba
expect_rc 2
expect_in 'holds TBA credentials (NetSuite accepts them) for NetSuite account 3300003_SB1, and tba_bootstrap_auth is m2m. Nothing was changed.'
expect_in 'netsuite_ops.credentials.migrate_to_m2m'
expect_not_in "$m2m_marker"
python m2m_bed.py absent "$config" it/tba_bootstrap/m2m/migrate/tba/pending || fail "a key pair was generated"
m2m unchanged "$config" "$state" migrate it/tba_bootstrap/m2m/migrate/tba 1

# --- Another path (the default: tba -> m2m); the TBA secret only read --------------------------
PLAYBOOK=netsuite_ops.credentials.migrate_to_m2m CI=true bootstrap migrate migrate-first \
  -e tba_bootstrap_runbook_path="$rb/migrate.md"
expect_rc 2
expect_in 'TBA credentials: it/tba_bootstrap/m2m/migrate/tba (mount secret), version 1 (NetSuite accepts them). This run reads them and does not change them; the M2M credentials go to it/tba_bootstrap/m2m/migrate/m2m (mount secret).'
expect_in "$m2m_marker 3300003_SB1 (sandbox)"
expect_in 'This account uses TBA credentials stored at it/tba_bootstrap/m2m/migrate/tba (mount secret). They stay untouched:'
expect_in 'missing client_id, certificate_id.'
files+=("$rb/migrate.md" "$rb/netsuite-m2m-3300003_SB1.pem")
m2m upload "$config" "$state" migrate 0 "$rb/netsuite-m2m-3300003_SB1.pem"
CI=true PLAYBOOK=netsuite_ops.credentials.migrate_to_m2m with_m2m_values migrate 0 bootstrap migrate migrate-done \
  -e tba_bootstrap_runbook_path="$rb/migrate.md"
expect_rc 0
expect_in 'Migrated: NetSuite account 3300003_SB1 has working OAuth 2.0 M2M credentials at it/tba_bootstrap/m2m/migrate/m2m (mount secret).'
expect_in 'The TBA credentials at it/tba_bootstrap/m2m/migrate/tba (mount secret) were not changed (version 1).'
expect_in 'vault kv metadata delete -mount=secret it/tba_bootstrap/m2m/migrate/tba'
m2m stored "$config" "$state" migrate it/tba_bootstrap/m2m/migrate/m2m 1 --certificate-file "$rb/netsuite-m2m-3300003_SB1.pem"
m2m unchanged "$config" "$state" migrate it/tba_bootstrap/m2m/migrate/tba 1
verify m2m/migrate/tba 1
PLAYBOOK=netsuite_ops.credentials.migrate_to_m2m CI=true bootstrap migrate migrate-rerun
expect_rc 0
expect_in 'Already migrated: NetSuite account 3300003_SB1'
expect_not_in "$m2m_marker"
expect_recap 0
verify m2m/migrate/m2m 1; verify m2m/migrate/tba 1

# --- The same path: refused when only named, a new version when asked explicitly --------------
same=it/tba_bootstrap/m2m/migrate_same/tba
PLAYBOOK=netsuite_ops.credentials.migrate_to_m2m CI=true bootstrap migrate_same same-refused -e tba_bootstrap_m2m_path="$same"
expect_rc 2
expect_in "tba_bootstrap_m2m_path is tba_bootstrap_path ($same). To store the M2M credentials as a new version of the TBA secret, set tba_bootstrap_m2m_same_path: true instead"
expect_not_in "$m2m_marker"
verify m2m/migrate_same/tba 1
PLAYBOOK=netsuite_ops.credentials.migrate_to_m2m CI=true bootstrap migrate_same same-first \
  -e tba_bootstrap_m2m_same_path=true -e tba_bootstrap_runbook_path="$rb/migrate_same.md"
expect_rc 2
expect_in "tba_bootstrap_m2m_same_path is true: M2M credentials stored by this run become a new version of this path, and version 1 stays readable."
expect_in 'are to be replaced by M2M credentials, as a new version'
expect_in 'missing client_id, certificate_id.'
files+=("$rb/migrate_same.md" "$rb/netsuite-m2m-3300004.pem")
m2m upload "$config" "$state" migrate_same 0 "$rb/netsuite-m2m-3300004.pem"
CI=true PLAYBOOK=netsuite_ops.credentials.migrate_to_m2m with_m2m_values migrate_same 0 bootstrap migrate_same same-done \
  -e tba_bootstrap_m2m_same_path=true -e tba_bootstrap_runbook_path="$rb/migrate_same.md"
expect_rc 0
expect_in "Vault: $same (mount secret), version 2 (written now; previous version 1)."
expect_in "Readers of the latest version of $same (mount secret) now get the M2M credentials"
m2m stored "$config" "$state" migrate_same "$same" 2 --certificate-file "$rb/netsuite-m2m-3300004.pem"
m2m unchanged "$config" "$state" migrate_same "$same" 1
PLAYBOOK=netsuite_ops.credentials.migrate_to_m2m CI=true bootstrap migrate_same same-rerun -e tba_bootstrap_m2m_same_path=true
expect_rc 0
expect_in 'Already migrated: NetSuite account 3300004'
expect_recap 0

# --- No private key in any file the role wrote or any log ------------------------------------
tc=m2m-leaks
grep -l -- '-----BEGIN PRIVATE KEY-----\|BEGIN EC PRIVATE KEY\|BEGIN RSA PRIVATE KEY' "${files[@]}" && fail "a private key's PEM armour appears in the files above"
python m2m_bed.py leakcheck "$config" "$state" "${files[@]}" || failures+=("m2m leakcheck")

# --- No secret anywhere: logs, terminal transcripts, runbooks --------------------------------
python ../setup_testbed/files/leakcheck.py "$config" "${files[@]}" || failures+=("leakcheck")

if [ ${#failures[@]} -gt 0 ]; then
  printf 'tba_bootstrap: %d failure(s):\n' "${#failures[@]}"; printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "tba_bootstrap: all cases passed"
