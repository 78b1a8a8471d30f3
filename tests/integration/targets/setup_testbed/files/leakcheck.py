"""Fail when any secret of the test bed, or any 16-character slice of one, appears in any file.

    python leakcheck.py INTEGRATION_CONFIG FILE [FILE ...]

Secrets are every account's four TBA values, every Vault token and the config's
``extra_secrets``. Each is searched raw, percent-encoded and JSON-escaped, in any letter case,
whole or as any 16-character slice (a server or a cut message may show part of one). A hit is
reported by secret label, file and line number, never by value.
"""
import json
import sys
from urllib.parse import quote, quote_plus

SLICE = 16


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


def _forms(value):
    return {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}


def fragment_index(secrets):
    """Every SLICE-character slice of every form of every secret, lower case -> label.
    A secret shorter than SLICE is searched whole."""
    index = {}
    for label, value in secrets.items():
        for form in _forms(str(value)):
            form = form.lower()
            if len(form) < SLICE:
                index.setdefault(form, label)
            for start in range(len(form) - SLICE + 1):
                index.setdefault(form[start:start + SLICE], label)
    return index


def _hits_in_line(line, index, short):
    lowered = line.lower()
    labels = set()
    for start in range(len(lowered) - SLICE + 1):
        label = index.get(lowered[start:start + SLICE])
        if label:
            labels.add(label)
    labels.update(label for needle, label in short if needle in lowered)
    return labels


def main(config_path, *paths):
    with open(config_path) as handle:
        secrets = secret_values(json.load(handle))
    index = fragment_index(secrets)
    short = [(needle, label) for needle, label in index.items() if len(needle) < SLICE]
    hits = 0
    scanned = 0
    for path in paths:
        with open(path, errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                scanned += 1
                for label in sorted(_hits_in_line(line, index, short)):
                    hits += 1
                    print("LEAK: %s (whole or a %d-character slice) found in %s line %d"
                          % (label, SLICE, path, number))
    print("leakcheck: %d secret values (and every %d-character slice) searched in %d lines of %d files: %d hits"
          % (len(secrets), SLICE, scanned, len(paths), hits))
    return 1 if hits or not scanned else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
