"""Issue-5 check: the search's scoring network against real DARTS-space accuracies, and the
genotypes the size-control searches found (swap_plugin.search.darts_report).

    python scripts/search_darts_report.py --out results/search_darts.md
"""
import argparse

from swap_plugin.search import darts_report
from swap_plugin.studies.report import command_line


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100000, help="limit archs per table (for a quick look)")
    ap.add_argument("--size-control", default="runs/size_control", help="where size_control.py ran")
    ap.add_argument("--out", default="results/search_darts.md")
    a = ap.parse_args(argv)
    darts_report.run(a.n, a.size_control, a.out, command_line(__file__, argv))


if __name__ == "__main__":
    main()
