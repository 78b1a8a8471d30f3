"""The reliability suite: leaks, bad input, faults, concurrency and HA failover, with a report.

    python tests/reliability/run.py [--parts inputs,faults,concurrency,ha,newcomer,bounds,errors,untrusted,files,leaks] [--out DIR]

Run by ``scripts/test reliability`` and by ``scripts/test`` (every part; NSO_RELIABILITY_PARTS picks some).
Prints one line per case, then the report; writes DIR/reliability-report.json. Exits 1 if any
case failed.
"""
import argparse
import importlib
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bed import Bed  # noqa: E402
from report import Report  # noqa: E402

# Order matters: the leak hunt runs last so it searches everything the other parts printed.
PARTS = ("inputs", "faults", "concurrency", "ha", "newcomer", "bounds", "errors", "untrusted", "files", "leaks")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--out", default=None, help="folder for logs and the JSON report")
    args = parser.parse_args(argv)
    parts = [part for part in PARTS if part in args.parts.split(",")]
    out = args.out or tempfile.mkdtemp(prefix="nso-reliability-")
    os.makedirs(out, exist_ok=True)
    report = Report()
    with Bed(out) as bed:
        for part in parts:
            module = importlib.import_module("part_%s" % part)
            print("==> part: %s" % part, flush=True)
            report.timed(part, module.run, bed, report)
    for line in report.summary_lines():
        print(line)
    path = os.path.join(out, "reliability-report.json")
    report.write_json(path)
    print("report written to %s" % path)
    return 1 if report.failed or not report.cases else 0


if __name__ == "__main__":
    sys.exit(main())
