"""Throughput of a correlation study: NB201, n archs, C=16 N=5, S images, one seed, with a
process pool and with one process (swap_plugin.tools.bench_correlate).

    python scripts/bench_correlate.py --n 1000 --samples 32 --workers 2   # writes results/bench_correlate.md
"""
import argparse

import torch

from swap_plugin.studies.report import command_line, write_report
from swap_plugin.tools import bench_correlate


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dataset", default="cifar10")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--skip-single", action="store_true", help="do not time the 1-process run")
    ap.add_argument("--out", default="results/bench_correlate.md")
    a = ap.parse_args(argv)
    write_report(a.out, bench_correlate.run(a.n, a.samples, a.workers, a.dataset, a.device, a.skip_single,
                                            command_line(__file__, argv)))


if __name__ == "__main__":
    main()
