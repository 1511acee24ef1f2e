"""Scoring speed: bare forward vs our scorer vs the naive (official) reference, one run
(swap_plugin.tools.bench_scoring).

(a) NB201-size network (C=16, N=5), S=32 CIFAR-10 images, current weights, train mode.
(b) The official DARTS correlation setting: scoring network C=3, one cell, S=16,
    32 Gaussian re-initialisations per arch (pym1024/SWAP correlation.py).
Ratios come from the same run on the same machine; scores are checked to be identical.

    python scripts/bench_scoring.py            # writes results/bench_scoring.md
"""
import argparse

import torch

from swap_plugin.studies.report import write_text_report
from swap_plugin.tools import bench_scoring


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--nb201-archs", type=int, default=5)
    ap.add_argument("--darts-archs", type=int, default=10)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--naive-reps", type=int, default=None,
                    help="timed calls of the naive reference per arch (default: reps // 2); it "
                         "only gives the speed-up over the naive approach, ~1 s a call")
    ap.add_argument("--seed", type=int, default=0, help="seed of the bootstrap over archs")
    ap.add_argument("--out", default="results/bench_scoring.md")
    a = ap.parse_args(argv)
    text = bench_scoring.run(a.device, a.threads, a.nb201_archs, a.darts_archs, a.reps, a.naive_reps, a.seed)
    write_text_report(a.out, text)
    print(text)


if __name__ == "__main__":
    main()
