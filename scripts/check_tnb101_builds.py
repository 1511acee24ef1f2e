#!/usr/bin/env python
"""Build every TransNAS-Bench-101 arch for one or more task heads, run a forward pass, and
check output shapes and closed-form parameter counts (swap_plugin.tools.tnb101_builds).

    python scripts/check_tnb101_builds.py                      # both spaces, class_scene, 64 px
    python scripts/check_tnb101_builds.py --space micro --task all --limit 50
    python scripts/check_tnb101_builds.py --size 256 --limit 10  # benchmark resolution
    python scripts/check_tnb101_builds.py --meta                 # build only (no forward), fast
    python scripts/check_tnb101_builds.py --shard 0/2 & python scripts/check_tnb101_builds.py --shard 1/2

Exit status 1 when anything failed.
"""
import argparse
import sys

import torch

from swap_plugin.spaces.tnb101 import TASKS
from swap_plugin.tools import tnb101_builds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--space", choices=("micro", "macro", "both"), default="both")
    ap.add_argument("--task", default="class_scene", help="a task, comma list, or 'all'")
    ap.add_argument("--size", type=int, default=64, help="input side (jigsaw: tile side)")
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="only the first N archs per space")
    ap.add_argument("--shard", default="0/1", help="i/n: every n-th arch starting at i")
    ap.add_argument("--meta", action="store_true", help="build on the meta device, no forward")
    ap.add_argument("--classes", default="transnas", choices=("transnas", "naslib"))
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    failures = tnb101_builds.run(("micro", "macro") if args.space == "both" else (args.space,),
                                 TASKS if args.task == "all" else tuple(args.task.split(",")), args.size,
                                 args.batch, args.limit, tuple(int(v) for v in args.shard.split("/")),
                                 args.meta, args.classes)
    print(f"SUMMARY: {len(failures)} failure(s)")
    for f in failures[:20]:
        print("  ", *f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
