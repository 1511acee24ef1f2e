"""Run the paper's correlation tasks (resumable) and write results/correlation.md.

    python scripts/run_correlations.py --tasks nb201:cifar10 nb201:cifar100 nb201:ImageNet16-120 \\
        --seeds 0-4 --n 1000 --workers 2 --out runs/paper

Each task uses configs/<space>.yaml with --dataset/--n/--seeds overridden. A killed run
continues where it stopped when started again with the same arguments.
"""
from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swap_plugin.studies import StudyConfig, config_path, parse_seeds, run_study  # noqa: E402


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
    for task in a.tasks:
        space, dataset = task.split(":", 1)
        t0 = time.time()
        cfg = StudyConfig.from_yaml(config_path(space), dataset=dataset, n=a.n,
                                    seeds=parse_seeds(a.seeds) if a.seeds else None, out=a.out,
                                    workers=a.workers, proxies=a.proxies, gt_source=a.gt_source,
                                    samples=a.samples, input_size=a.input_size)
        summary = run_study(cfg)
        means = {p: sum(v["spearman"] for v in s.values()) / len(s) for p, s in summary.items()}
        print(f"{task}: " + ", ".join(f"{p} {m:.3f}" for p, m in means.items()) + f"  ({time.time() - t0:.0f} s)",
              flush=True)
    if a.report:
        from correlation_report import main as report

        report(["--runs", *(a.report_runs or [a.out]), "--out", a.report,
                "--command", "python scripts/run_correlations.py " + " ".join(map(shlex.quote, argv or sys.argv[1:]))])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
