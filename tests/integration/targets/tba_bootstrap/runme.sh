#!/usr/bin/env bash
# Run the shipped playbook netsuite_ops.credentials.bootstrap as an operator would: unattended
# (CI, AWX, no terminal) and at a real pseudo-terminal, at -vvvv, then search every log, the
# terminal transcripts and the runbooks for every secret of the test bed.
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
unset CI NETSUITE_CONSUMER_KEY NETSUITE_CONSUMER_SECRET NETSUITE_TOKEN_ID NETSUITE_TOKEN_SECRET || true
: > "$log"
failures=()
files=("$log")

fail() { failures+=("$tc: $*"); echo "FAILED: $tc: $*"; }
# bootstrap CASE LABEL [ansible-playbook args]: one unattended run, stdin not a terminal.
bootstrap() {
  tc="$1"; label="$2"; shift 2
  caselog="$out/tba_bootstrap-$label.log"
  timeout 120 ansible-playbook -vvvv -i inventory.yml -e @"$config" netsuite_ops.credentials.bootstrap \
    --limit "$tc" "$@" > "$caselog" 2>&1 < /dev/null
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
# at_terminal CASE STEPS_JSON: run the playbook on a real pseudo-terminal, answering prompts.
at_terminal() {
  tc="$1"; caselog="$out/tba_bootstrap-$tc.transcript"
  printf '%s' "$2" > "$out/tba_bootstrap-$tc.steps.json"
  python pty_driver.py "$config" "$out/tba_bootstrap-$tc.steps.json" "$caselog" -- \
    ansible-playbook -vvvv -i inventory.yml -e @"$config" netsuite_ops.credentials.bootstrap --limit "$tc" \
    > "$out/tba_bootstrap-$tc.driver" 2>&1
  rc=$?
  cat "$out/tba_bootstrap-$tc.driver"
  cat "$caselog" >> "$log"; files+=("$caselog")
  echo "== $tc at a terminal: exit $rc"
}

helper setup.yml

# --- Already bootstrapped: no instructions, nothing changed, one NetSuite request -------------
helper reset.yml
bootstrap already already -e tba_bootstrap_runbook_path="$out/tba_bootstrap-already.md"
expect_rc 0
expect_in 'Already bootstrapped: NetSuite account 1234567 (production).'
expect_in 'Vault: secret/it/tba_bootstrap/already, version 1'
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
expect_in 'Vault: secret/it/tba_bootstrap/from_vars, version 1 (written now; previous version none).'
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

# --- A relative runbook path lands where ansible-playbook was started (issue 11) -------------
tc=relative_runbook; caselog="$out/tba_bootstrap-relative_runbook.log"
target_dir="$PWD"
rm -rf "$out/elsewhere"; mkdir -p "$out/elsewhere/runbooks"
(cd "$out/elsewhere" && CI=true timeout 120 ansible-playbook -vvvv -i "$target_dir/inventory.yml" \
  -e @"$target_dir/$config" netsuite_ops.credentials.bootstrap --limit no_values \
  -e tba_bootstrap_runbook_path=runbooks/relative.md) > "$caselog" 2>&1 < /dev/null
rc=$?
cat "$caselog" >> "$log"; files+=("$caselog")
expect_rc 2
if [ -f "$out/elsewhere/runbooks/relative.md" ]; then files+=("$out/elsewhere/runbooks/relative.md")
else fail "the relative runbook path did not land in the directory ansible-playbook ran in"; fi
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

# --- No secret anywhere: logs, terminal transcripts, runbooks --------------------------------
python ../setup_testbed/files/leakcheck.py "$config" "${files[@]}" || failures+=("leakcheck")

if [ ${#failures[@]} -gt 0 ]; then
  printf 'tba_bootstrap: %d failure(s):\n' "${#failures[@]}"; printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "tba_bootstrap: all cases passed"
