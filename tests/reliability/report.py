"""The reliability suite's report: every case, what was expected, what happened, and totals.

Printed as a short table and written as JSON, for reviewers who want evidence, not promises.
No secret ever enters a case: ``observed`` texts are written by the parts themselves, and the
leak check reports labels, files and line numbers, never values.
"""
import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field


@dataclass
class Case:
    part: str
    name: str
    expected: str
    observed: str
    ok: bool
    seconds: float = 0.0


@dataclass
class Report:
    cases: list = field(default_factory=list)
    totals: Counter = field(default_factory=Counter)
    part_seconds: dict = field(default_factory=dict)

    def add(self, part, name, expected, observed, ok, seconds=0.0):
        case = Case(part, name, expected, str(observed), bool(ok), round(seconds, 2))
        self.cases.append(case)
        mark = "PASS" if case.ok else "FAIL"
        print("[%s] %s / %s: %s" % (mark, part, name, case.observed if not case.ok else case.expected), flush=True)
        return case.ok

    def count(self, name, number=1):
        """Totals a reviewer asks for: secrets searched, hits, bad inputs, writers, versions..."""
        self.totals[name] += number

    def timed(self, part, function, *args):
        started = time.monotonic()
        try:
            function(*args)
        except Exception as exc:  # a part that crashes is a failed case, not a silent gap
            self.add(part, "part ran to completion", "no exception", "%s: %s" % (type(exc).__name__, exc), False)
        self.part_seconds[part] = round(time.monotonic() - started, 1)

    @property
    def failed(self):
        return [case for case in self.cases if not case.ok]

    def summary_lines(self):
        lines = ["", "Reliability report", "=" * 18]
        parts = sorted({case.part for case in self.cases}, key=[c.part for c in self.cases].index)
        for part in parts:
            cases = [case for case in self.cases if case.part == part]
            passed = sum(case.ok for case in cases)
            lines.append("%-12s %4d cases, %4d held, %4d failed  (%s s)"
                         % (part, len(cases), passed, len(cases) - passed, self.part_seconds.get(part, "?")))
        lines.append("totals: " + ", ".join("%s %d" % item for item in sorted(self.totals.items())))
        for case in self.failed:
            lines.append("FAILED %s / %s: expected %s; observed %s" % (case.part, case.name, case.expected, case.observed))
        passed = len(self.cases) - len(self.failed)
        lines.append("reliability: %d passed, %d failed" % (passed, len(self.failed)))
        return lines

    def write_json(self, path):
        with open(path, "w") as handle:
            json.dump({"cases": [asdict(case) for case in self.cases], "totals": dict(self.totals),
                       "part_seconds": self.part_seconds,
                       "passed": len(self.cases) - len(self.failed), "failed": len(self.failed)},
                      handle, indent=2)
