"""Training throughput (images/s) of the DARTS CIFAR-10 evaluation network at protocol size:
a few SGD steps of the C=36, 20-cell network, batch 96, through the real augmentation
pipeline (swap_plugin.tools.bench_train).

    python scripts/bench_train.py --steps 3 --device cpu
    python scripts/bench_train.py --steps 50 --warmup 5 --device cuda --out results/train_throughput_cuda.md
"""
import argparse
import os
import shlex
import sys

import torch

from swap_plugin.studies.report import write_text_report
from swap_plugin.tools import bench_train


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--genotype", default="DARTS_V2")
    ap.add_argument("--data", default=None, help="CIFAR-10 source (default SWAP_DATA_DIR/images/cifar10_test_1000_jpeg.npz)")
    ap.add_argument("--batch-size", type=int, default=96)
    ap.add_argument("--channels", type=int, default=36)
    ap.add_argument("--layers", type=int, default=20)
    ap.add_argument("--steps", type=int, default=3, help="timed steps")
    ap.add_argument("--warmup", type=int, default=1, help="untimed steps first")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads (default torch's)")
    ap.add_argument("--out", default="results/train_throughput.md")
    args = ap.parse_args(argv)
    cmd = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(__file__)] + sys.argv[1:]) \
        if argv is None else "bench_train.main(" + repr(argv) + ")"
    try:
        lines = bench_train.run(cmd, args.genotype, args.data, args.batch_size, args.channels, args.layers,
                                args.steps, args.warmup, args.device, args.threads)
    except ValueError as err:  # too few images for the steps asked
        ap.error(str(err))
    write_text_report(args.out, "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
