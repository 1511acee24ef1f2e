"""Run the paper's correlation tasks (resumable) and write results/correlation.md.

    python scripts/run_correlations.py --tasks nb201:cifar10 nb201:cifar100 nb201:ImageNet16-120 \\
        --seeds 0-4 --n 1000 --workers 2 --out runs/paper

Each task uses configs/<space>.yaml with --dataset/--n/--seeds overridden. A killed run
continues where it stopped when started again with the same arguments.
"""
import argparse
import shlex
import sys

from swap_plugin.studies import correlation_report, parse_seeds
from swap_plugin.studies.report import command_line


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", nargs="+", required=True, help="space:dataset, e.g. nb201:cifar100")
    ap.add_argument("--seeds", default=None, help="e.g. 0-4 (default: the config's)")
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--proxies", nargs="+", default=None)
    ap.add_argument("--gt-source", default=None, help="e.g. zc: the NB-Suite-Zero archs, with baselines")
    ap.add_argument("--samples", type=int, default=None)
    ap.add_argument("--input-size", type=int, default=None)
    ap.add_argument("--out", default="runs/paper")
    ap.add_argument("--report", default=None, help="markdown report to (re)write; default: none")
    ap.add_argument("--report-runs", nargs="+", default=None, help="roots the report covers (default --out)")
    a = ap.parse_args(argv)
    correlation_report.run_tasks(a.tasks, a.out, parse_seeds(a.seeds) if a.seeds else None, n=a.n,
                                 workers=a.workers, proxies=a.proxies, gt_source=a.gt_source,
                                 samples=a.samples, input_size=a.input_size)
    if a.report:
        roots = a.report_runs or [a.out]
        ran = "python scripts/run_correlations.py " + " ".join(map(shlex.quote, argv or sys.argv[1:]))
        report_argv = ["--runs", *roots, "--out", a.report, "--command", ran]
        correlation_report.write(a.report, roots, command_line("correlation_report.py", report_argv), [ran])


if __name__ == "__main__":
    main()
