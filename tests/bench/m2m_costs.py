# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where M2M's extra cost per task comes from, step by step, next to TBA's.

Run by playbook_bench.py with the benchmark venv's Python and PYTHONPATH holding the bench
collections root, so the steps are the collection's own module_utils functions as a task runs
them, under the same Python and libraries as the measured ansible-playbook runs:

    python tests/bench/m2m_costs.py INPUT.json   # INPUT: 0600, written by playbook_bench.py
    python tests/bench/m2m_costs.py INPUT.json --cold KIND   # one first call (run by the above)

INPUT holds the NetSuite (emulator) URL, one TBA account's five values and one M2M account's
five values per key kind ("rsa", "ec"), and the number of rounds. Every step is timed ``rounds``
times in this one warm process (medians, milliseconds); the imports, and the first validation
and NetSuite test of a process (``--cold``: what one task pays, imports and first use of
OpenSSL included), are timed in fresh processes instead. Prints one JSON object of numbers
only: no value of INPUT ever reaches the output.
"""

import json
import statistics
import subprocess
import sys
import time

# What the TBA test imports beyond the module itself, and what the M2M test imports on top.
TBA_IMPORTS = ("requests",)
M2M_IMPORTS = ("cryptography.x509", "cryptography.hazmat.primitives.hashes",
               "cryptography.hazmat.primitives.serialization", "cryptography.hazmat.primitives.asymmetric.rsa",
               "cryptography.hazmat.primitives.asymmetric.ec", "jwt", "oauthlib.oauth2")
IMPORT_PROBE = "import sys, time; t = time.perf_counter(); [__import__(m) for m in sys.argv[1:]]; " \
               "print((time.perf_counter() - t) * 1000)"

_UTILS = "ansible_collections.netsuite_ops.credentials.plugins.module_utils."


def median_ms(step, rounds):
    samples = []
    for unused_round in range(rounds):
        started = time.perf_counter()
        step()
        samples.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(samples)


def import_ms(modules, rounds):
    """Median time of importing ``modules`` in a fresh process (the import statements only)."""
    samples = []
    for unused_round in range(rounds):
        out = subprocess.run([sys.executable, "-c", IMPORT_PROBE] + list(modules), capture_output=True,
                             text=True, check=True).stdout
        samples.append(float(out))
    return statistics.median(samples)


def measure(config):
    import requests
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    import jwt

    m2m_credentials = __import__(_UTILS + "_m2m_credentials", fromlist=["x"])
    tba_credentials = __import__(_UTILS + "_tba_credentials", fromlist=["x"])
    assertion = __import__(_UTILS + "_m2m_assertion", fromlist=["x"])
    token = __import__(_UTILS + "_m2m_token", fromlist=["x"])
    probe = __import__(_UTILS + "_netsuite_probe", fromlist=["x"])
    scrubber = __import__(_UTILS + "_secret_scrub", fromlist=["x"]).Scrubber

    rounds, base_url = config["rounds"], config["netsuite_url"]
    token_url = assertion.token_endpoint(base_url)
    out = {"rounds": rounds, "validate_ms": {}, "key_check_ms": {}, "key_load_ms": {}, "sign_ms": {}, "assertion_ms": {},
           "token_request_ms": {}, "bearer_server_time_ms": {}, "netsuite_test_ms": {}, "algorithm": {},
           "scrubber_ms": {}}

    tba, _warnings = tba_credentials.build_credentials(config["tba"])
    out["validate_ms"]["tba"] = median_ms(lambda: tba_credentials.build_credentials(config["tba"]), rounds)
    # A Scrubber over the secrets a task registers (a task on the controller path builds three:
    # the NetSuite test's, the result's and the controller's); M2M's key body is long.
    out["scrubber_ms"]["tba"] = median_ms(lambda: scrubber(tba.secret_values()), rounds)
    out["netsuite_test_ms"]["tba"] = median_ms(lambda: _must(probe.probe_connection(tba, base_url)), rounds)

    for kind, values in config["m2m"].items():
        credentials, _warnings = m2m_credentials.build_m2m_credentials(values)
        out["algorithm"][kind] = credentials.algorithm
        pem = credentials.private_key_pem.encode("ascii")
        key = load_pem_private_key(pem, None, unsafe_skip_rsa_key_validation=True)
        claims = {"iss": credentials.client_id, "scope": "rest_webservices", "aud": token_url,
                  "iat": int(time.time()), "exp": int(time.time()) + 300}
        out["validate_ms"][kind] = median_ms(lambda v=values: m2m_credentials.build_m2m_credentials(v), rounds)
        registered = [values["private_key"]] + list(credentials.secret_values())
        out["scrubber_ms"][kind] = median_ms(lambda r=registered: scrubber(r), rounds)
        out["key_check_ms"][kind] = median_ms(lambda p=pem: load_pem_private_key(p, None), rounds)
        out["key_load_ms"][kind] = median_ms(
            lambda p=pem: load_pem_private_key(p, None, unsafe_skip_rsa_key_validation=True), rounds)
        out["sign_ms"][kind] = median_ms(
            lambda k=key, c=claims, a=credentials.algorithm: jwt.encode(c, k, algorithm=a), rounds)
        out["assertion_ms"][kind] = median_ms(
            lambda c=credentials: assertion.build_client_assertion(c, token_url), rounds)
        out["token_request_ms"][kind], out["bearer_server_time_ms"][kind] = _token_then_bearer(
            requests, token, credentials, base_url, rounds)
        out["netsuite_test_ms"][kind] = median_ms(
            lambda c=credentials: _must(probe.probe_connection(c, base_url)), rounds)

    import_rounds = max(3, min(rounds, 7))
    out["import_ms"] = {"tba": import_ms(TBA_IMPORTS, import_rounds),
                        "m2m": import_ms(TBA_IMPORTS + M2M_IMPORTS, import_rounds)}
    out["cold_validate_ms"], out["cold_test_ms"] = {}, {}
    for kind in ["tba"] + list(config["m2m"]):
        runs = [json.loads(subprocess.run([sys.executable, __file__, config["path"], "--cold", kind], capture_output=True,
                                          text=True, check=True).stdout) for unused_round in range(import_rounds)]
        out["cold_validate_ms"][kind] = statistics.median(run["validate_ms"] for run in runs)
        out["cold_test_ms"][kind] = statistics.median(run["test_ms"] for run in runs)
    return out


def cold(config, kind):
    """The first validation and NetSuite test of a fresh process, as one task runs them: the
    module_utils and the libraries imported on first use, OpenSSL's first use included."""
    started = time.perf_counter()
    if kind == "tba":
        build = __import__(_UTILS + "_tba_credentials", fromlist=["x"]).build_credentials
        values = config["tba"]
    else:
        build = __import__(_UTILS + "_m2m_credentials", fromlist=["x"]).build_m2m_credentials
        values = config["m2m"][kind]
    credentials, _warnings = build(values)
    validated = time.perf_counter()
    probe = __import__(_UTILS + "_netsuite_probe", fromlist=["x"])
    _must(probe.probe_connection(credentials, config["netsuite_url"]))
    tested = time.perf_counter()
    return {"validate_ms": (validated - started) * 1000.0, "test_ms": (tested - validated) * 1000.0}


def _must(result):
    if not result.ok:
        raise SystemExit("the NetSuite test failed: %s" % result.error_code)


def _token_then_bearer(requests, token, credentials, base_url, rounds):
    """Median milliseconds of the token POST alone (the assertion built before the clock starts)
    and of the bearer serverTime GET after it, each pair on a fresh session as a task has."""
    posts, gets = [], []
    for unused_round in range(rounds):
        request = token.token_request(credentials, base_url, time.time())
        with requests.Session() as session:
            started = time.perf_counter()
            answer = session.post(request.url, data=request.body, headers=token.TOKEN_REQUEST_HEADERS, timeout=30)
            posts.append((time.perf_counter() - started) * 1000.0)
            access = token.access_token_from(answer.json()) if answer.status_code == 200 else None
            if access is None:
                raise SystemExit("the token request failed with HTTP %d" % answer.status_code)
            headers = token.bearer_headers(access, {"Accept": "application/json"})
            started = time.perf_counter()
            answer = session.get(base_url.rstrip("/") + "/services/rest/system/v1/serverTime", headers=headers,
                                 timeout=30)
            gets.append((time.perf_counter() - started) * 1000.0)
            if answer.status_code != 200:
                raise SystemExit("serverTime with the bearer token failed with HTTP %d" % answer.status_code)
    return statistics.median(posts), statistics.median(gets)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8") as handle:
        config = json.load(handle)
    config["path"] = argv[0]
    print(json.dumps(cold(config, argv[2]) if argv[1:2] == ["--cold"] else measure(config)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
