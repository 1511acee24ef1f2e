"""Run the bad-input matrix of issue #25 and write results/reliability.md (swap_plugin.reliability).

Every case must end as a clear error naming the file or flag, or as a recovery equal to a
clean run, with no record lost and no file overwritten; exits 1 when one does not.
``--quick``: the fast subset CI runs (tests/test_reliability.py).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from swap_plugin.reliability import REPO, report_lines, run_matrix, select
from swap_plugin.studies.report import report_head

TITLE = "Reliability matrix: bad inputs, kills and reruns"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only the fast subset (under a minute)")
    ap.add_argument("--cases", help="only cases whose names match: globs or substrings, comma-separated")
    ap.add_argument("--out", default=str(REPO / "results" / "reliability.md"),
                    help="report (default results/reliability.md); a file this script did not write is kept")
    ap.add_argument("--seed", type=int, default=0, help="seed of the kill points and garbage bytes")
    a = ap.parse_args(argv)
    out, cases = Path(a.out), select(a.quick, a.cases)
    if out.exists() and not out.read_text(errors="replace").startswith(f"# {TITLE}"):
        ap.error(f"--out {out} exists and was not written by this script; choose another path")
    if not cases:
        ap.error(f"--cases {a.cases!r} matches no case")
    outs = run_matrix(cases, a.seed, echo=True)
    lines = report_lines(outs, report_head(TITLE, __file__, argv))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_name(out.name + ".tmp").write_text("\n".join(lines) + "\n")
    os.replace(out.with_name(out.name + ".tmp"), out)  # atomic: a kill leaves the old report whole
    print(f"{lines[-1]}\nwrote {out}")
    return 1 if any(o.outcome == "FAIL" for o in outs) else 0


if __name__ == "__main__":
    sys.exit(main())
