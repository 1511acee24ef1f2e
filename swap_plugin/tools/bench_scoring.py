"""Scoring speed: bare forward vs our scorer vs the naive (official) reference, one run
(``scripts/bench_scoring.py``).

(a) NB201-size network (C=16, N=5), S=32 CIFAR-10 images, current weights, train mode.
(b) The official DARTS correlation setting: scoring network C=3, one cell, S=16,
    32 Gaussian re-initialisations per arch (pym1024/SWAP correlation.py).
Ratios come from the same run on the same machine; scores are checked to be identical.
"""
from __future__ import annotations

import copy
import os
import platform
import random
import shlex
import statistics
import time
from typing import Optional

import torch

from ..data import load_batch
from ..metric import SwapScorer, naive_swap_score
from ..metric.init import gaussian_init_
from ..spaces import get_space


def timed(fn, reps):
    out, ts = None, []
    for _ in range(reps):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        t = time.perf_counter()
        out = fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        ts.append(time.perf_counter() - t)
    return out, statistics.median(ts)


# environment that changes how the forward allocates, named in the report's command
ALLOCATOR_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "LD_PRELOAD")


def minor_faults() -> int:
    """Minor page faults of this process so far (0 where getrusage is missing). Fresh
    memory from glibc's mmap is faulted in page by page: on this VM that is a large,
    drifting share of a CPU forward, so the report shows it per arm."""
    try:
        import resource
    except ImportError:
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def bench_nb201(device, n_archs, reps, naive_reps=None):
    space = get_space("nb201")
    x = load_batch("cifar10", 32, seed=0).to(device)
    rows = []
    import numpy as np
    rng = np.random.default_rng(0)
    for _ in range(n_archs):
        arch = space.sample(rng)
        torch.manual_seed(len(rows))  # reproducible weights, so a rerun gives the same Ψ
        net = space.build(arch, "cifar10").to(device).train()
        scorer = SwapScorer(x, mode="train")
        with torch.no_grad():
            net(x)  # warm-up
        # interleaved, so drifting machine load hits all arms alike, in a seeded random
        # order per rep: a fixed order lets a position effect (allocator, caches) bias one
        # side. "fwd2" is the same bare forward again: its ratio to "fwd" is the noise floor.
        order = random.Random(len(rows))
        bare = lambda: torch.no_grad()(net)(x)
        calls = {"fwd": bare, "fwd2": bare, "ours": lambda: scorer.score(net)}
        times = {k: [] for k in calls}
        faults = {k: [] for k in calls}
        for _ in range(reps):
            for k in order.sample(sorted(calls), len(calls)):
                f0 = minor_faults()
                out, t = timed(calls[k], 1)
                faults[k].append(minor_faults() - f0)
                times[k].append(t)
                if k == "ours":
                    r = out
        t_fwd, t_ours = statistics.median(times["fwd"]), statistics.median(times["ours"])
        t_fwd2 = statistics.median(times["fwd2"])
        naive, t_naive = timed(lambda: naive_swap_score(net, x), naive_reps or max(1, reps // 2))
        assert naive == r.swap, (arch, naive, r.swap)
        rows.append((space.to_str(arch), t_fwd, t_ours, t_naive, int(r.swap), r.units, t_fwd2,
                     statistics.median(faults["fwd"]), statistics.median(faults["ours"])))
    return rows


def bench_darts_official(device, n_archs, repeats=32):
    from ..benchmarks import get_ground_truth

    space = get_space("darts_swap")
    gt = get_ground_truth("darts_swap", "cifar10")
    archs = gt.archs("cifar10")[:n_archs]
    x = load_batch("cifar10", 16, seed=0).to(device)
    ours = SwapScorer(x, repeats=repeats, init="gaussian", seed=0, mode="train")
    loop = SwapScorer(x, repeats=repeats, init="gaussian", seed=0, mode="train", batch_repeats=False)
    rows = []
    for arch in archs:
        net = space.build_scoring_network(arch).to(device).train()

        def naive():
            work = copy.deepcopy(net)
            return [naive_swap_score(gaussian_init_(work, 0, r), x) for r in range(repeats)]

        ours.score(net)  # warm-up
        r, t_ours = timed(lambda: ours.score(net), 1)
        rl, t_loop = timed(lambda: loop.score(net), 1)
        ref, t_naive = timed(naive, 1)
        assert list(r.per_repeat) == ref == list(rl.per_repeat), "scores differ from the reference"
        rows.append((t_naive, t_loop, t_ours))
    return rows


def bootstrap_total(rows, seed, n=2000):
    """95 % percentile interval of the summed scorer / forward ratio, resampling archs."""
    rng = random.Random(seed)
    totals = sorted(
        sum(r[2] for r in pick) / sum(r[1] for r in pick)
        for pick in ([rng.choice(rows) for _ in rows] for _ in range(n)))
    return totals[int(0.025 * n)], totals[int(0.975 * n) - 1]


def run(device: str, threads: int, nb201_archs: int = 5, darts_archs: int = 10, reps: int = 5,
        naive_reps: Optional[int] = None, seed: int = 0) -> str:
    """Both benchmarks; the markdown report (its command line names these settings)."""
    torch.set_num_threads(threads)
    nb = bench_nb201(device, nb201_archs, reps, naive_reps)
    da = bench_darts_official(device, darts_archs)
    # per-arch ratios (a median of forwards over a median of scorer times would pair
    # different archs), and the aggregate over all archs
    fwd = statistics.median(r[1] for r in nb)
    ours = statistics.median(r[2] for r in nb)
    naive = statistics.median(r[3] for r in nb)
    ratio = statistics.median(r[2] / r[1] for r in nb)
    ratio_naive = statistics.median(r[3] / r[1] for r in nb)
    total = sum(r[2] for r in nb) / sum(r[1] for r in nb)
    noise = [abs(r[6] / r[1] - 1) for r in nb]
    lo, hi = bootstrap_total(nb, seed)
    d_naive = statistics.median(r[0] for r in da)
    d_loop = statistics.median(r[1] for r in da)
    d_ours = statistics.median(r[2] for r in da)
    env = "".join(f"{k}={shlex.quote(os.environ[k])} " for k in ALLOCATOR_ENV if os.environ.get(k))
    fault_fwd = statistics.median(r[7] for r in nb)
    fault_ours = statistics.median(r[8] for r in nb)
    dev = torch.cuda.get_device_name() if device.startswith("cuda") else f"CPU ({platform.processor() or platform.machine()}), {threads} torch thread(s)"
    lines = [
        "# Scoring speed (medians)", "",
        f"Command: `{env}python scripts/bench_scoring.py --threads {threads} --nb201-archs {nb201_archs} "
        f"--darts-archs {darts_archs} --reps {reps}"
        f"{f' --naive-reps {naive_reps}' if naive_reps else ''}{f' --seed {seed}' if seed else ''}`  ",
        f"Device: {dev}; torch {torch.__version__}. All scores identical to the naive reference (asserted).", "",
        "## (a) NB201 size: C=16, N=5, S=32 CIFAR-10 images, one forward, train mode", "",
        "| | ms per arch | vs bare forward |", "|---|---:|---:|",
        f"| bare forward | {fwd * 1e3:.1f} | 1.00 |",
        f"| swap_plugin scorer | {ours * 1e3:.1f} | {ratio:.3f} (overhead {100 * (ratio - 1):.1f} %) |",
        f"| naive reference (float V×S, `torch.unique(dim=0)`) | {naive * 1e3:.1f} | {ratio_naive:.2f} |", "",
        f"Columns: medians over archs; the ratio is the median of per-arch ratios. Summed over all "
        f"{len(nb)} archs the scorer takes {total:.3f}× the bare forward (overhead {100 * (total - 1):.1f} %; "
        f"95 % bootstrap interval over archs {100 * (lo - 1):.1f}-{100 * (hi - 1):.1f} %: how much the "
        "overhead depends on which archs were drawn).", "",
        f"Noise floor: a second, identical bare forward timed in the same shuffled rotation "
        f"differs from the first by {100 * statistics.median(noise):.1f} % (median over archs; "
        f"max {100 * max(noise):.1f} %).", "",
        f"Minor page faults per call (median over archs): bare forward {fault_fwd:.0f}, scorer "
        f"{fault_ours:.0f}. Faulting in fresh allocator memory is part of both arms' time and "
        "drifts between runs; the allocator variables in the command, when set, remove most of it.", "",
        "| arch | forward ms | ours ms | naive ms | Ψ | V units | faults fwd / ours |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *[f"| `{s}` | {f * 1e3:.1f} | {o * 1e3:.1f} | {n * 1e3:.1f} | {p} | {v} | {ff:.0f} / {fo:.0f} |"
          for s, f, o, n, p, v, _, ff, fo in nb], "",
        f"## (b) Official DARTS correlation setting: C=3, 1 cell, S=16, 32 Gaussian re-inits ({len(da)} archs of DARTS_archs_CIFAR10.csv)", "",
        "| | s per arch | speed-up vs naive |", "|---|---:|---:|",
        f"| naive reference (official approach) | {d_naive:.3f} | 1.0× |",
        f"| swap_plugin, repeats in a loop | {d_loop:.3f} | {d_naive / d_loop:.1f}× |",
        f"| swap_plugin, repeats batched (vmap) | {d_ours:.3f} | {d_naive / d_ours:.1f}× |", "",
    ]
    return "\n".join(lines)
