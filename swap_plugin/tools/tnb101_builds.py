"""Build every TransNAS-Bench-101 arch for one or more task heads, run a forward
pass, and check output shapes and closed-form parameter counts (``scripts/check_tnb101_builds.py``).

``size`` is the input side (jigsaw: the tile side; 64 is its real size, and 64 is the
smallest side every macro arch accepts).  The archs are read from the ground-truth
csv files (``SWAP_DATA_DIR`` / ``../shared/data``) when present, otherwise the spaces
are enumerated.
"""
from __future__ import annotations

import ast
import csv
import time
from typing import List, Sequence, Tuple

import torch

from ..spaces import get_space
from ..spaces.tnb101 import param_count

CSV = {"micro": "transbench101_micro_all4096_ground_truth.csv",
       "macro": "transbench101_macro_all3256_ground_truth.csv"}


def load_archs(space, kind):
    try:
        from ..paths import data_file

        path = data_file("tnb101", CSV[kind])
    except FileNotFoundError:
        return list(space), "enumerated"
    with open(path, newline="") as f:
        return [space.decode(ast.literal_eval(r["naslib_ops"])) for r in csv.DictReader(f)], str(path)


def run(kinds: Sequence[str] = ("micro", "macro"), tasks: Sequence[str] = ("class_scene",), size: int = 64,
        batch: int = 2, limit: int = 0, shard: Tuple[int, int] = (0, 1), meta: bool = False,
        classes: str = "transnas") -> List[tuple]:
    """Build (and unless ``meta`` run) every arch of ``kinds`` for ``tasks`` (the first
    ``limit``, 0: all; every ``shard[1]``-th from ``shard[0]``); the failures as
    (kind, task, arch, error), each also printed as it happens."""
    shard_i, shard_n = shard
    failures = []
    for kind in kinds:
        space = get_space(f"tnb101_{kind}")
        archs, source = load_archs(space, kind)
        archs = archs[: limit or None][shard_i::shard_n]
        print(f"[{kind}] {len(archs)} archs from {source}; tasks {','.join(tasks)}; "
              f"{'meta build' if meta else f'forward at {size}px, batch {batch}'}",
              flush=True)
        for task in tasks:
            t0, n_ok = time.time(), 0
            for i, arch in enumerate(archs):
                try:
                    if meta:
                        with torch.device("meta"):
                            net = space.build(arch, task, classes=classes)
                    else:
                        net = space.build(arch, task, classes=classes).eval()
                    n = sum(p.numel() for p in net.parameters())
                    want = param_count(arch, kind, task, classes)
                    if n != want:
                        raise AssertionError(f"params {n} != closed form {want}")
                    if not meta:
                        x = torch.randn(batch, *space.input_shape(task, size))
                        with torch.no_grad():
                            y = net(x)
                        shape = (batch, *space.output_shape(arch, task, classes, size))
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
    return failures
