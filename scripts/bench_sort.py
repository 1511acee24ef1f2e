"""The scorer's final sort: numpy's in-place sort against ``torch.sort`` on 1 and 2 threads,
and the 2- and 4-word patterns' ``unique_rows`` against ``torch.unique(dim=0)``, interleaved
in one run (swap_plugin.tools.bench_sort).

    python scripts/bench_sort.py            # writes results/bench_sort.md
"""
import argparse

from swap_plugin.studies.report import command_line, write_report
from swap_plugin.tools import bench_sort


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, nargs="+", default=[300_000, 471_040, 757_760],
                    help="keys per sort (V after repeat skipping; 471,040 and 757,760 are bench archs' V)")
    ap.add_argument("--multi-word-units", type=int, default=471_040,
                    help="keys for the 2- and 4-word patterns (torch.unique(dim=0) is slow: one size)")
    ap.add_argument("--seconds", type=float, default=10.0, help="per case")
    ap.add_argument("--out", default="results/bench_sort.md")
    a = ap.parse_args(argv)
    try:
        lines = bench_sort.run(a.units, a.multi_word_units, a.seconds, command_line(__file__, argv))
    except ValueError as err:
        ap.error(str(err))
    write_report(a.out, lines)


if __name__ == "__main__":
    main()
