"""Fail when any M2M private key, or any 32-character slice of one, appears in any file.

    python m2m_leakcheck.py INTEGRATION_CONFIG FILE [FILE ...]

Private keys: every M2M account's key of the test bed in each form it was given (PKCS#8,
traditional, both encrypted forms), and every key that OpenBao holds under it/m2m_credential/
(every version, pending paths included: the key pairs m2m_key_pair generated), read with the
root token. Each key's base64 body, and the body itself re-spelled in base64 at each of the three
alignments, is searched whole and as every 32-character slice, on a normalized copy of the text
(only letters and digits, case folded: line breaks raw or escaped, JSON's \\/, groups and
spaces change nothing), percent-decoded too. A key's body also carries its public key, which its
certificate holds as well: a slice found in any certificate of the test bed or of OpenBao (in
the same spellings) is public and not searched.

Also searched: text shaped like an OAuth access token as the emulator issues them (86 base64url
characters standing alone), a bearer Authorization header and a client assertion (a JWT); the
emulator keeps the tokens it issued to itself (no control API returns them), so their shape is
what can be searched. Client IDs and passphrases are in the config's extra_secrets, for
setup_testbed's leakcheck.py. Hits are reported by label, file and line, never by value.
"""
import base64
import json
import re
import sys
import urllib.request
from urllib.parse import unquote

SLICE = 32
PREFIX = "it/m2m_credential/"
_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\n(.*?)\n-----END \1-----", re.S)
_HEADER = re.compile(r"^[A-Za-z-]+: .*$", re.M)
_NOT_ALNUM = re.compile(r"[\W_]+")
SHAPES = {
    "an access token": re.compile(r"(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_-]{86}(?![A-Za-z0-9_+/=-])"),
    "a bearer Authorization header": re.compile(r"Bearer\s+[A-Za-z0-9_.~+/-]{20,}"),
    "a client assertion (JWT)": re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}"),
}


def normalize(text):
    return _NOT_ALNUM.sub("", text).casefold()


def spellings(body):
    """A PEM body as written, and re-spelled in base64 wherever it sits in a longer stream."""
    found = [body]
    for skip in range(3):
        encoded = base64.b64encode(b"\0" * skip + body.encode("ascii") + b"\0\0").decode("ascii")
        found.append(encoded[-(-8 * skip // 6):(8 * skip + 8 * len(body)) // 6])
    return [normalize(form) for form in found]


def pem_bodies(text):
    """(label, base64 body without line breaks and headers) of every PEM block in ``text``."""
    return [(label, "".join(_HEADER.sub("", body).split())) for label, body in _PEM.findall(text or "")]


def _vault(url, token, path):
    request = urllib.request.Request(url + "/v1/" + path, headers={"X-Vault-Token": token})
    if path.startswith("secret/metadata/") and path.endswith("/"):
        request.method = "LIST"
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)["data"]
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def openbao_pems(state):
    """Every PEM text stored under PREFIX, every version: (label, text)."""
    url, token = state["vault_url"], state["vault_root_token"]
    found, folders = [], [PREFIX]
    while folders:
        folder = folders.pop()
        for key in (_vault(url, token, "secret/metadata/" + folder) or {}).get("keys", []):
            if key.endswith("/"):
                folders.append(folder + key)
            else:
                path = folder + key
                metadata = _vault(url, token, "secret/metadata/" + path) or {}
                for version in metadata.get("versions", {}):
                    data = (_vault(url, token, "secret/data/%s?version=%s" % (path, version)) or {}).get("data") or {}
                    for name, value in data.items():
                        if isinstance(value, str) and "-----BEGIN" in value:
                            found.append(("openbao %s v%s %s" % (path, version, name), value))
    return found


def secret_slices(state):
    """{32-character slice: label} of every private key body, less the slices certificates show."""
    pems = []
    for account, values in state.get("m2m_accounts", {}).items():
        for field, value in values.items():
            if isinstance(value, str) and "-----BEGIN" in value:
                pems.append(("m2m_accounts.%s.%s" % (account, field), value))
    pems += openbao_pems(state)
    public = set()
    keys = {}
    for label, text in pems:
        for block, body in pem_bodies(text):
            if "PRIVATE KEY" in block:
                keys.setdefault(body, label)
            elif "CERTIFICATE" in block:
                for form in spellings(body):
                    public.update(form[i:i + SLICE] for i in range(len(form) - SLICE + 1))
    index = {}
    for body, label in keys.items():
        for form in spellings(body):
            for start in range(len(form) - SLICE + 1):
                piece = form[start:start + SLICE]
                if piece not in public:
                    index.setdefault(piece, label)
    return index, len(keys)


def views(line):
    return (line, unquote(line))


def main(config_path, *paths):
    with open(config_path) as handle:
        state = json.load(handle)
    index, key_count = secret_slices(state)
    hits = scanned = 0
    for path in paths:
        with open(path, errors="replace") as handle:
            text = handle.read()
        # Whole text too: a key printed with raw newlines spans lines.
        units = list(enumerate(text.split("\n"), 1)) + [(0, text)]
        scanned += len(units) - 1
        reported = set()
        for number, unit in units:
            labels = set()
            for view in views(unit):
                flat = normalize(view)
                labels.update(index[flat[i:i + SLICE]] for i in range(len(flat) - SLICE + 1) if flat[i:i + SLICE] in index)
                if number:
                    labels.update(shape for shape, pattern in SHAPES.items() if pattern.search(view))
            for label in sorted(labels - reported):
                reported.add(label)
                hits += 1
                print("LEAK: %s (whole or a %d-character slice, or the shape) found in %s %s"
                      % (label, SLICE, path, "line %d" % number if number else "(spanning lines)"))
    print("m2m_leakcheck: %d private keys (every %d-character slice not shown by a certificate: %d), "
          "access-token, bearer and assertion shapes, searched in %d lines of %d files: %d hits"
          % (key_count, SLICE, len(index), scanned, len(paths), hits))
    return 1 if hits or not scanned or not key_count else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
