"""Rebuild the paper's artefacts in results/ from their recorded commands: first the runs
each report lists ("Runs produced by"), each once, then the reports themselves
(swap_plugin.tools.rebuild). The runs take days on a CPU; --dry-run prints the plan.

    python scripts/rebuild_all.py --dry-run            # every command, in order
    python scripts/rebuild_all.py --skip-runs          # the reports, from existing runs
    python scripts/rebuild_all.py --only fig4_heatmap correlation
"""
import argparse
import sys
from pathlib import Path

from swap_plugin.tools import rebuild

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=ROOT / "results", help="the artefacts and their recorded commands")
    ap.add_argument("--only", nargs="+", default=(), metavar="NAME",
                    help=f"these artefacts (file stems in --results), default the paper's: {', '.join(rebuild.PAPER)}")
    ap.add_argument("--all", action="store_true", help="also the benchmark and check reports")
    ap.add_argument("--skip-runs", action="store_true", help="only the report commands (the runs exist)")
    ap.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    a = ap.parse_args(argv)
    try:
        return rebuild.run(a.results, ROOT, a.only, a.all, a.dry_run, a.skip_runs)
    except ValueError as err:
        ap.error(str(err))


if __name__ == "__main__":
    sys.exit(main())
