#!/usr/bin/env python
"""Build every TransNAS-Bench-101 arch for one or more task heads, run a forward
pass, and check output shapes and closed-form parameter counts.

    python scripts/check_tnb101_builds.py                      # both spaces, class_scene, 64 px
    python scripts/check_tnb101_builds.py --space micro --task all --limit 50
    python scripts/check_tnb101_builds.py --size 256 --limit 10  # benchmark resolution
    python scripts/check_tnb101_builds.py --meta                 # build only (no forward), fast
    python scripts/check_tnb101_builds.py --shard 0/2 & python scripts/check_tnb101_builds.py --shard 1/2

``--size`` is the input side (jigsaw: the tile side; 64 is its real size, and 64 is the
smallest side every macro arch accepts).  The archs are read from the ground-truth
csv files (``SWAP_DATA_DIR`` / ``../shared/data``) when present, otherwise the spaces
are enumerated.  Exit status 1 when anything failed.
"""
from __future__ import annotations

import argparse
import ast
import csv
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from swap_plugin.spaces import get_space  # noqa: E402
from swap_plugin.spaces.tnb101 import TASKS, param_count  # noqa: E402

CSV = {"micro": "transbench101_micro_all4096_ground_truth.csv",
       "macro": "transbench101_macro_all3256_ground_truth.csv"}


def load_archs(space, kind):
    try:
        from swap_plugin.paths import data_file

        path = data_file("tnb101", CSV[kind])
    except FileNotFoundError:
        return list(space), "enumerated"
    with open(path, newline="") as f:
        return [space.decode(ast.literal_eval(r["naslib_ops"])) for r in csv.DictReader(f)], str(path)


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
    tasks = TASKS if args.task == "all" else tuple(args.task.split(","))
    shard_i, shard_n = (int(v) for v in args.shard.split("/"))
    kinds = ("micro", "macro") if args.space == "both" else (args.space,)
    failures = []
    for kind in kinds:
        space = get_space(f"tnb101_{kind}")
        archs, source = load_archs(space, kind)
        archs = archs[: args.limit or None][shard_i::shard_n]
        print(f"[{kind}] {len(archs)} archs from {source}; tasks {','.join(tasks)}; "
              f"{'meta build' if args.meta else f'forward at {args.size}px, batch {args.batch}'}",
              flush=True)
        for task in tasks:
            t0, n_ok = time.time(), 0
            for i, arch in enumerate(archs):
                try:
                    if args.meta:
                        with torch.device("meta"):
                            net = space.build(arch, task, classes=args.classes)
                    else:
                        net = space.build(arch, task, classes=args.classes).eval()
                    n = sum(p.numel() for p in net.parameters())
                    want = param_count(arch, kind, task, args.classes)
                    if n != want:
                        raise AssertionError(f"params {n} != closed form {want}")
                    if not args.meta:
                        x = torch.randn(args.batch, *space.input_shape(task, args.size))
                        with torch.no_grad():
                            y = net(x)
                        shape = (args.batch, *space.output_shape(arch, task, args.classes, args.size))
                        if tuple(y.shape) != shape:
                            raise AssertionError(f"output {tuple(y.shape)} != {shape}")
                        if not torch.isfinite(y).all():
                            raise AssertionError("non-finite output")
                    n_ok += 1
                except Exception as err:  # report and go on
                    failures.append((kind, task, arch, repr(err)))
                    print(f"  FAIL {kind} {task} {space.to_str(arch)}: {err!r}", flush=True)
                if (i + 1) % 500 == 0:
                    print(f"  {task}: {i + 1}/{len(archs)} ({time.time() - t0:.0f}s)", flush=True)
            print(f"[{kind}] {task}: {n_ok}/{len(archs)} ok in {time.time() - t0:.1f}s", flush=True)
    print(f"SUMMARY: {len(failures)} failure(s)")
    for f in failures[:20]:
        print("  ", *f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
