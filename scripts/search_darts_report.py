"""Issue-5 check: the search's scoring network against real DARTS-space accuracies.

    python scripts/search_darts_report.py --out results/search_darts.md

Scores (1) the 1,000 official DARTS_archs_CIFAR10.csv genotypes in the exact official
setting (C=3, one cell, S=16 CIFAR-10 images, 32 Gaussian re-inits, train mode) and
(2) the 1,218 real NB301 genotypes with the search's fitness network (one cell, which
is the reduce cell; and the 3-cell network that sees both cells), then reports Spearman
with the benchmark accuracy, plus the genotypes found by the size-control searches.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch
from scipy import stats
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swap_plugin.studies.report import command_line, read_json_file, write_report  # noqa: E402
from swap_plugin.benchmarks import get_ground_truth  # noqa: E402
from swap_plugin.data import load_batch  # noqa: E402
from swap_plugin.metric import SwapScorer  # noqa: E402
from swap_plugin.spaces import get_space  # noqa: E402


def score_all(space_name, gt_space, layers, repeats, n, samples=16):
    space = get_space(space_name)
    gt = get_ground_truth(gt_space, "cifar10")
    archs = gt.archs("cifar10")[:n]
    x = load_batch("cifar10", samples, seed=0)
    scorer = SwapScorer(x, repeats=repeats, init="gaussian", seed=0, mode="train")
    swap, acc, params = [], [], []
    t0 = time.perf_counter()
    for a in tqdm(archs, desc=f"{gt_space} layers={layers} repeats={repeats}", unit="arch"):
        r = scorer.score(space.build_scoring_network(a, layers=layers))
        swap.append(r.swap)
        params.append(r.params * 1e3)
        acc.append(gt.lookup(a, "cifar10"))
    sec = (time.perf_counter() - t0) / len(archs)
    return {"n": len(archs), "spearman_swap": stats.spearmanr(swap, acc)[0],
            "spearman_params": stats.spearmanr(params, acc)[0], "s_per_arch": sec}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100000, help="limit archs per table (for a quick look)")
    ap.add_argument("--size-control", default="runs/size_control", help="where size_control.py ran")
    ap.add_argument("--out", default="results/search_darts.md")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    rows = [("official DARTS_archs_CIFAR10.csv (normal = reduce)", "official: C=3, 1 cell, S=16, 32 re-inits",
             score_all("darts_swap", "darts_swap", 1, 32, a.n)),
            ("NB301, 1,218 genotypes", "search fitness net: C=3, 1 cell (sees the reduce cell), S=16, 4 re-inits",
             score_all("nb301", "nb301", 1, 4, a.n)),
            ("NB301, 1,218 genotypes", "3 cells (normal, reduce, reduce), S=16, 4 re-inits",
             score_all("nb301", "nb301", 3, 4, a.n))]
    cmd = command_line(__file__, argv)
    lines = ["# SWAP on the DARTS space: scoring network vs real accuracy, and found genotypes", "",
             f"Written by `{cmd}`.", "",
             "| archs | scoring | Spearman Ψ | Spearman Θ | s/arch (1 CPU thread) |", "|---|---|---:|---:|---:|"]
    for name, how, r in rows:
        lines.append(f"| {name} ({r['n']}) | {how} | {r['spearman_swap']:.3f} | {r['spearman_params']:.3f} | {r['s_per_arch']:.3f} |")
    lines += ["", "The official README claims 0.93 for the first row; the exact official semantics "
              "measured 0.90 on 16 CIFAR-10 test images (issue 5).", ""]
    found = sorted(Path(a.size_control).glob("*/result.json"))
    if found:
        lines += ["## Genotypes found by SWAP-NAS (size-control runs)", "",
                  "| μ=σ (K) | seed | eval params (M, C=36, 20 cells) | search s | genotype |", "|---:|---:|---:|---:|---|"]
        for f in found:
            r = read_json_file(f)
            lines.append(f"| {r['mu']} | {r['seed']} | {r['eval_params_M']:.3f} | {r['search_seconds']:.0f} | `{r['genotype']}` |")
    write_report(a.out, lines, echo=12)


if __name__ == "__main__":
    main()
