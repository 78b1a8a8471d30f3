"""Fail when any secret of the test bed, or any 16-character slice of one, appears in any file.

    python leakcheck.py INTEGRATION_CONFIG FILE [FILE ...]

Secrets are every account's four TBA values, every Vault token and the config's
``extra_secrets``. Each is searched in every spelling a server or a log can give it: raw,
percent-encoded (once and twice), JSON-escaped (also every character as \\uXXXX), HTML-escaped,
hex, base64 of each of those at all three byte alignments (standard or urlsafe, padded or not),
and a PEM's body with or without its line breaks. Both the output and every spelling are
normalized first (only letters and digits kept, case folded), so separators and whitespace
anywhere (groups of 4, a tab in a password) change nothing. A spelling is searched whole or as
any 16-character slice (a server or a cut message may show part of one). Each line is searched,
then each file as one text (a secret broken across lines). A hit is reported by secret label,
file and line number, never by value. Written apart from the collection's scrubber on purpose:
the check must not share the code it checks.
"""
import base64
import html
import json
import re
import sys
from urllib.parse import quote, quote_plus

SLICE = 16
# Normalized spellings shorter than this would be found in ordinary words: not searched.
MIN_NEEDLE = 8
_NOT_ALNUM = re.compile(r"[\W_]+")
_PEM_ARMOUR = re.compile(r"-----(?:BEGIN|END) [A-Z0-9 ]{1,64}-----|^[A-Za-z-]{1,32}: [^\n]*$", re.MULTILINE)


def normalize(text):
    return _NOT_ALNUM.sub("", text).casefold()


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


def _base64_at_every_alignment(data):
    """The base64 characters that depend on ``data`` alone, wherever it sits in a longer stream."""
    for skip in range(3):
        encoded = base64.b64encode(b"\0" * skip + data + b"\0\0").decode("ascii")
        yield encoded[-(-8 * skip // 6):(8 * skip + 8 * len(data)) // 6]


# A PEM body opens with its algorithm's identifiers (ecPublicKey and P-256, rsaEncryption...),
# the same in every key and certificate of that type: those characters say nothing secret and
# would match any certificate a run writes. The key's own numbers follow them.
_PEM_PUBLIC_PREFIX = 64


_DER_BASE64 = re.compile(r"MI[A-Za-z0-9+/=\s]{100,}\Z")


def _searched_part(value):
    """What of ``value`` is searched: a PEM's body (armoured, or given bare) after its algorithm
    header, else all of it."""
    if "-----BEGIN " in value:
        return "".join(_PEM_ARMOUR.sub("", value).split())[_PEM_PUBLIC_PREFIX:] or value
    if _DER_BASE64.match(value.strip()):
        return "".join(value.split())[_PEM_PUBLIC_PREFIX:]
    return value


def _forms(value):
    value = _searched_part(value)
    texts = [value, quote(value, safe=""), quote_plus(value), quote(quote(value, safe=""), safe=""),
             json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]]
    if "-----BEGIN " in value:
        lines = _PEM_ARMOUR.sub("", value).split()
        texts += ["".join(lines), "\n".join(lines), "\\n".join(lines)]
    units = value.encode("utf-16-be")
    forms = set(texts) | {html.escape(value), value.encode("utf-8").hex(),
                          "".join("\\u%02x%02x" % (units[i], units[i + 1]) for i in range(0, len(units), 2))}
    for text in set(texts):
        forms.update(_base64_at_every_alignment(text.encode("utf-8")))
    return forms


def fragment_index(secrets):
    """Every SLICE-character slice of every normalized spelling of every secret -> label.
    A spelling shorter than SLICE is searched whole (when at least MIN_NEEDLE long)."""
    index = {}
    for label, value in secrets.items():
        for form in _forms(str(value)):
            form = normalize(form)
            if MIN_NEEDLE <= len(form) < SLICE:
                index.setdefault(form, label)
            for start in range(len(form) - SLICE + 1):
                index.setdefault(form[start:start + SLICE], label)
    return index


def short_needles(index):
    return [(needle, label) for needle, label in index.items() if len(needle) < SLICE]


def _hits_in_line(line, index, short):
    """Labels of the secrets in ``line`` (any text: a line or a whole file)."""
    flat = normalize(line)
    labels = set()
    get = index.get
    for start in range(len(flat) - SLICE + 1):
        label = get(flat[start:start + SLICE])
        if label:
            labels.add(label)
    labels.update(label for needle, label in short if needle in flat)
    return labels


def hits_in_file(path, index, short):
    """(label, line number or None for a hit only the whole file shows), and the line count."""
    hits, lines = [], 0
    with open(path, errors="replace") as handle:
        text = handle.read()
    seen = set()
    for number, line in enumerate(text.splitlines(), 1):
        lines += 1
        for label in sorted(_hits_in_line(line, index, short)):
            seen.add(label)
            hits.append((label, number))
    hits += [(label, None) for label in sorted(_hits_in_line(text, index, short) - seen)]
    return hits, lines


def main(config_path, *paths):
    with open(config_path) as handle:
        secrets = secret_values(json.load(handle))
    index = fragment_index(secrets)
    short = short_needles(index)
    hits = 0
    scanned = 0
    for path in paths:
        found, lines = hits_in_file(path, index, short)
        scanned += lines
        for label, number in found:
            hits += 1
            print("LEAK: %s (whole or a %d-character slice, in some spelling) found in %s %s"
                  % (label, SLICE, path, "line %d" % number if number else "(spanning lines)"))
    print("leakcheck: %d secret values (every spelling, every %d-character slice) searched in %d lines of %d files: %d hits"
          % (len(secrets), SLICE, scanned, len(paths), hits))
    return 1 if hits or not scanned else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
