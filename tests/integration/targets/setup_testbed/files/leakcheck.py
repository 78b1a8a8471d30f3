"""Fail when any secret of the test bed appears in any of the given files.

    python leakcheck.py INTEGRATION_CONFIG FILE [FILE ...]

Secrets are every account's four TBA values and every Vault token. A hit is reported by
account, field, file and line number, never by value.
"""
import json
import sys


def secret_values(state):
    found = {"vault root token": state["vault_root_token"]}
    for name, token in state.get("vault_tokens", {}).items():
        found["vault token %s" % name] = token
    for account, values in state["netsuite_accounts"].items():
        for field in ("consumer_key", "consumer_secret", "token_id", "token_secret"):
            found["%s.%s" % (account, field)] = values[field]
    for label, value in state.get("extra_secrets", {}).items():
        found[label] = value
    return found


def main(config_path, *paths):
    with open(config_path) as handle:
        secrets = secret_values(json.load(handle))
    # Case-insensitive: a value re-cased on the way out is still a leak.
    needles = {label: value.lower() for label, value in secrets.items()}
    hits = 0
    scanned = 0
    for path in paths:
        with open(path, errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                scanned += 1
                lowered = line.lower()
                for label, needle in needles.items():
                    if needle in lowered:
                        hits += 1
                        print("LEAK: %s found in %s line %d" % (label, path, number))
    print("leakcheck: %d secret values searched in %d lines of %d files: %d hits"
          % (len(needles), scanned, len(paths), hits))
    return 1 if hits or not scanned else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
