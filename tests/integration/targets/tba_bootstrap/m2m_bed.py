"""The M2M side of the tba_bootstrap test: NetSuite accounts with an OAuth 2.0 integration, the
operator's certificate uploads, what Vault holds, and the private-key leak search.

    python m2m_bed.py setup CONFIG STATE
    python m2m_bed.py upload CONFIG STATE CASE INDEX CERTIFICATE_FILE
    python m2m_bed.py revoke CONFIG STATE CASE INDEX
    python m2m_bed.py env STATE CASE INDEX            # export lines for NETSUITE_M2M_*
    python m2m_bed.py stored CONFIG STATE CASE PATH VERSION [--certificate-file F] [--certificate-index I]
                             [--fingerprint-in LOG] [--current N] [--key-differs-from N]
    python m2m_bed.py unchanged CONFIG STATE CASE PATH VERSION    # the TBA secret, as setup wrote it
    python m2m_bed.py absent CONFIG PATH
    python m2m_bed.py leakcheck CONFIG STATE FILE [FILE ...]

CONFIG is the test bed's integration_config.yml (JSON). STATE (written by setup, mode 0600, passed
to ansible-playbook with -e @STATE) holds ``m2m_accounts``: per case the account ID, the
integration's Client ID, the certificate IDs NetSuite will show for each upload and, for the
migration cases, the TBA values. The operator's side is played through the emulator's control API
(POST /__emulator/m2m/certificates), after the role wrote the certificate file, as a person would
upload it. Vault is read with the root token over HTTP, never through the code under test.
Standard library only. Failures name the check, never a secret value.
"""
import base64
import hashlib
import json
import os
import re
import secrets
import sys
import urllib.error
import urllib.request

ROOT = "it/tba_bootstrap/m2m"  # every M2M case stores under this path
STORED_KEYS = ["account_id", "certificate", "certificate_id", "client_id", "private_key"]
TBA_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
SLICE = 32  # private key body slices searched
SECRET_SLICE = 16  # other secrets, as leakcheck.py searches them

# case -> (account ID, with TBA values too)
CASES = {
    "m2m_vars": ("3300001", False),
    "m2m_tty": ("3300002_SB1", False),
    "migrate": ("3300003_SB1", True),
    "migrate_same": ("3300004", True),
}


def _load(path):
    with open(path) as handle:
        return json.load(handle)


def _http(method, url, token=None, body=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("X-Vault-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as exc:
        text = exc.read().decode()
        return exc.code, json.loads(text) if text.startswith("{") else text


def _vault(config, method, path, body=None):
    return _http(method, "%s/v1/%s" % (config["vault_url"], path), config["vault_root_token"], body)


def _pem_body(pem):
    return "".join(line.strip() for line in pem.strip().splitlines() if not line.startswith("-----"))


def _fingerprint(pem):
    digest = hashlib.sha256(base64.b64decode(_pem_body(pem))).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def setup(config_path, state_path):
    config = _load(config_path)
    accounts = {}
    for case, (account_id, with_tba) in CASES.items():
        account = {"account_id": account_id, "client_id": secrets.token_hex(32),
                   # What OAuth 2.0 Client Credentials (M2M) Setup lists, one per upload.
                   "certificate_ids": [secrets.token_urlsafe(32)[:43] for upload in range(3)]}
        emulator = {"account_id": account_id, "m2m": {"client_id": account["client_id"], "certificates": {}}}
        if with_tba:
            account.update((field, secrets.token_hex(32)) for field in TBA_FIELDS)
            emulator.update((field, account[field]) for field in TBA_FIELDS)
        status, answer = _http("POST", config["netsuite_url"] + "/__emulator/accounts", body=emulator)
        if status != 200:
            sys.exit("setup: the emulator refused account %s: %s" % (account_id, answer))
        accounts[case] = account
    # Everything under ROOT from an earlier run goes.
    for path in _paths(config, ROOT):
        _vault(config, "DELETE", "secret/metadata/" + path)
    # The TBA credentials an earlier bootstrap stored, written straight through the HTTP API.
    for case in ("migrate", "migrate_same"):
        data = {field: accounts[case][field] for field in ("account_id",) + TBA_FIELDS}
        status = _vault(config, "POST", "secret/data/%s/%s/tba" % (ROOT, case), {"data": data})[0]
        if status != 200:
            sys.exit("setup: could not write the TBA secret of %s (HTTP %s)" % (case, status))
    fd = os.open(state_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"m2m_accounts": accounts, "m2m_root": ROOT}, handle, indent=2)
    print("setup: %d M2M accounts in the emulator, TBA secrets for the migration cases" % len(accounts))
    return 0


def upload(config_path, state_path, case, index, certificate_file):
    """The operator uploads the certificate file in OAuth 2.0 Client Credentials (M2M) Setup."""
    config, account = _load(config_path), _load(state_path)["m2m_accounts"][case]
    with open(certificate_file) as handle:
        pem = handle.read()
    if "PRIVATE KEY" in pem or "BEGIN CERTIFICATE" not in pem:
        sys.exit("upload: %s is not a lone certificate" % certificate_file)
    status, answer = _http("POST", "%s/__emulator/m2m/certificates?realm=%s" % (config["netsuite_url"], account["account_id"]),
                           body={"certificate_id": account["certificate_ids"][int(index)], "certificate": pem})
    if status != 200:
        sys.exit("upload: the emulator refused the certificate: %s" % answer)
    print("upload: %s certificate %s mapped (SHA-256 %s)" % (case, index, _fingerprint(pem)))
    return 0


def revoke(config_path, state_path, case, index):
    config, account = _load(config_path), _load(state_path)["m2m_accounts"][case]
    status, answer = _http("POST", "%s/__emulator/m2m/revoke?realm=%s" % (config["netsuite_url"], account["account_id"]),
                           body={"certificate_id": account["certificate_ids"][int(index)]})
    if status != 200:
        sys.exit("revoke: the emulator refused: %s" % answer)
    print("revoke: %s certificate %s revoked" % (case, index))
    return 0


def env(state_path, case, index):
    account = _load(state_path)["m2m_accounts"][case]
    print("export NETSUITE_M2M_CLIENT_ID=%s NETSUITE_M2M_CERTIFICATE_ID=%s"
          % (account["client_id"], account["certificate_ids"][int(index)]))
    return 0


def _data(config, path, version=None):
    """The secret's data (one version, default the latest), or None."""
    status, answer = _vault(config, "GET", "secret/data/%s%s" % (path, "?version=%d" % version if version else ""))
    return answer["data"]["data"] if status == 200 else None


def _metadata(config, path):
    status, answer = _vault(config, "GET", "secret/metadata/" + path)
    return answer["data"] if status == 200 else None


def _read(config, path, version=None):
    return _data(config, path, version), _metadata(config, path)


def _check(problems, condition, message):
    if not condition:
        problems.append(message)


def stored(config_path, state_path, case, path, version, *options):
    """The M2M secret at PATH, version VERSION, is exactly what the contract says (and nothing
    waits at PATH/pending); with --certificate-file, its certificate is that file's (and with
    --fingerprint-in, the run printed that file's fingerprint); VERSION is the current one unless
    --current says which is; with --key-differs-from, that version holds another private key."""
    config, account = _load(config_path), _load(state_path)["m2m_accounts"][case]
    opts = dict(zip(options[::2], options[1::2]))
    data, meta = _read(config, path, int(version))
    problems = []
    if data is None or meta is None:
        sys.exit("stored: %s version %s: nothing there" % (path, version))
    current = int(opts.get("--current", version))
    _check(problems, meta["current_version"] == current, "current version is %s, not %s" % (meta["current_version"], current))
    _check(problems, sorted(data) == STORED_KEYS, "data keys are %s" % sorted(data))
    _check(problems, data.get("account_id") == account["account_id"], "account_id is not the realm")
    _check(problems, data.get("client_id") == account["client_id"], "client_id is not the integration's")
    index = int(opts.get("--certificate-index", 0))
    _check(problems, data.get("certificate_id") == account["certificate_ids"][index], "certificate_id is not upload %d's" % index)
    _check(problems, "BEGIN PRIVATE KEY" in data.get("private_key", ""), "private_key is not PKCS#8 PEM")
    custom = meta.get("custom_metadata") or {}
    _check(problems, custom.get("auth_type") == "m2m", "custom metadata auth_type is %r" % custom.get("auth_type"))
    _check(problems, re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", custom.get("certificate_not_after") or ""),
           "custom metadata certificate_not_after is %r" % custom.get("certificate_not_after"))
    _check(problems, custom.get("managed_by"), "custom metadata managed_by is missing")
    if "--key-differs-from" in opts:
        other = _data(config, path, int(opts["--key-differs-from"]))
        _check(problems, other and other.get("private_key") and _pem_body(other["private_key"]) != _pem_body(data.get("private_key", "")),
               "version %s does not hold another private key" % opts["--key-differs-from"])
    pending = _data(config, path + "/pending")
    _check(problems, pending is None, "a pending key pair is still at %s/pending" % path)
    if "--certificate-file" in opts:
        with open(opts["--certificate-file"]) as handle:
            pem = handle.read()
        _check(problems, _pem_body(pem) == _pem_body(data.get("certificate", "")),
               "the stored certificate is not the one in %s" % opts["--certificate-file"])
        if "--fingerprint-in" in opts:
            with open(opts["--fingerprint-in"], errors="replace") as handle:
                _check(problems, _fingerprint(pem) in handle.read(), "the run did not print the file's SHA-256 fingerprint")
    for problem in problems:
        print("stored: %s version %s: %s" % (path, version, problem))
    if not problems:
        print("stored: %s version %s holds %s's M2M credentials, certificate %d, auth_type m2m, no pending pair"
              % (path, version, case, index))
    return 1 if problems else 0


def unchanged(config_path, state_path, case, path, version):
    """The TBA secret the migration read: same version, same five values."""
    config, account = _load(config_path), _load(state_path)["m2m_accounts"][case]
    data, meta = _read(config, path, int(version))
    expected = {field: account[field] for field in ("account_id",) + TBA_FIELDS}
    ok = data == expected and meta is not None
    if not ok:
        print("unchanged: %s version %s does not hold the TBA values written by setup" % (path, version))
    return 0 if ok else 1


def absent(config_path, path):
    meta = _metadata(_load(config_path), path)
    if meta is not None:
        print("absent: %s exists (version %s)" % (path, meta["current_version"]))
        return 1
    return 0


def _paths(config, prefix):
    """Every secret path under prefix (recursively)."""
    status, answer = _vault(config, "LIST", "secret/metadata/" + prefix)
    if status != 200:
        return []
    found = []
    for key in answer["data"]["keys"]:
        child = prefix + "/" + key.rstrip("/")
        if key.endswith("/"):
            found.extend(_paths(config, child))
            if _data(config, child) is not None:  # a folder may be a secret too (path and path/pending)
                found.append(child)
        else:
            found.append(child)
    return sorted(set(found))


def _stored_secrets(config):
    """Every private key (and its certificate) held at any version of any path under ROOT."""
    keys = []
    for path in _paths(config, ROOT):
        meta = _metadata(config, path)
        for version in sorted(int(v) for v in (meta or {}).get("versions", {})):
            data = _data(config, path, version)
            if data and data.get("private_key"):
                keys.append(("%s v%d" % (path, version), data["private_key"], data.get("certificate", "")))
    return keys


def leakcheck(config_path, state_path, *files):
    """No private key (any 32-character slice of its base64 body), Client ID or TBA value of the
    M2M cases (any 16-character slice) in any file. Key slices that are also in the key's own
    certificate are public (the public key is in both) and are not searched."""
    config, accounts = _load(config_path), _load(state_path)["m2m_accounts"]
    needles = {}
    public_slices = 0
    keys = _stored_secrets(config)
    for label, pem, certificate in keys:
        body, public = _pem_body(pem), _pem_body(certificate)
        for start in range(len(body) - SLICE + 1):
            piece = body[start:start + SLICE]
            if piece in public:
                public_slices += 1
            else:
                needles.setdefault(piece, "private key at " + label)
    for case, account in accounts.items():
        for field in ("client_id",) + TBA_FIELDS:
            value = account.get(field)
            if value:
                for start in range(len(value) - SECRET_SLICE + 1):
                    needles.setdefault(value[start:start + SECRET_SLICE].lower(), "%s.%s" % (case, field))
    if len(keys) < 5:
        print("leakcheck: only %d private keys found in Vault, expected at least 5" % len(keys))
        return 1
    hits = scanned = 0
    for path in files:
        with open(path, errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                scanned += 1
                lowered = line.lower()
                labels = {needles[line[i:i + SLICE]] for i in range(len(line) - SLICE + 1) if line[i:i + SLICE] in needles}
                labels |= {needles[lowered[i:i + SECRET_SLICE]] for i in range(len(lowered) - SECRET_SLICE + 1)
                           if lowered[i:i + SECRET_SLICE] in needles}
                for label in sorted(labels):
                    hits += 1
                    print("LEAK: %s found in %s line %d" % (label, path, number))
    print("leakcheck (M2M): %d private keys (%d slices of %d characters; %d public ones skipped), %d client IDs "
          "and TBA values searched in %d lines of %d files: %d hits"
          % (len(keys), sum(1 for label in needles.values() if label.startswith("private key")), SLICE,
             public_slices, len(accounts), scanned, len(files), hits))
    return 1 if hits or not scanned else 0


COMMANDS = {"setup": setup, "upload": upload, "revoke": revoke, "env": env, "stored": stored,
            "unchanged": unchanged, "absent": absent, "leakcheck": leakcheck}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]](*sys.argv[2:]))
