"""How stable is the top of the reg_swap landscape that SWAP-NAS climbs on NB201?

The standalone search (scripts/search_nb201.py) scores every arch with weights and image
batch seeded by seed 0, so its 10 search seeds share ONE draw of the fitness landscape.
This script takes the K fittest archs of that draw (from the search's score cache) and
rescores them under R draws (draw r: weights seeded by (r, arch), batch
``load_batch(dataset, 16, seed=r)``, exactly the correlation study's seed r). It reports
the test accuracy of the arch each draw ranks first, of the winner of the mean over
draws, and of winners when fitness averages several draws ("repeats"), plus the top of
the mean ranking with its spread across draws.

    python experiments/search_plateau/search_plateau.py            # writes experiments/search_plateau/report.md
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from swap_plugin import SwapScorer
from swap_plugin.benchmarks import NB201_TEST_COLUMNS, get_ground_truth
from swap_plugin.data import load_batch
from swap_plugin.metric import regulariser
from swap_plugin.spaces import get_space
from swap_plugin.studies.correlate import seeded_network
from swap_plugin.studies.report import report_head, write_text_report

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")


def top_of_cache(cache: Path, dataset: str, k: int, mu: float, sigma: float) -> list:
    """The k fittest archs of the seed-0 draw in a search_nb201 score cache."""
    fit = {}
    for line in cache.read_text().splitlines():
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        if r.get("dataset") == dataset and r.get("init_seed", 0) == 0 and "swap" in r:
            fit[tuple(r["arch"])] = r["swap"] * regulariser(r["params"], mu, sigma)
    if len(fit) < k:
        raise SystemExit(f"{cache} has {len(fit)} {dataset} scores, fewer than --top {k}; "
                         "run scripts/search_nb201.py first")
    return sorted(fit, key=fit.get, reverse=True)[:k]


def rescore(archs: list, dataset: str, draws: int, samples: int, mu: float, sigma: float,
            init=None) -> np.ndarray:
    space = get_space("nb201")
    out = np.zeros((len(archs), draws))
    with tqdm(total=len(archs) * draws, desc=f"{dataset} rescoring", unit="arch") as bar:
        for d in range(draws):
            scorer = SwapScorer(load_batch(dataset, samples, seed=d), mode="train", mu=mu, sigma=sigma,
                                init=init, seed=d)
            for i, a in enumerate(archs):
                out[i, d] = scorer.score(seeded_network(space, a, dataset, d)).reg_swap
                bar.update()
    return out


def winners_of_means(scores: np.ndarray, r: int) -> list:
    """Arch index each disjoint block of r draws ranks first by its mean fitness."""
    return [int(scores[:, s:s + r].mean(1).argmax()) for s in range(0, scores.shape[1] - r + 1, r)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    ap.add_argument("--top", type=int, default=30, help="K: archs taken from the top of the seed-0 draw")
    ap.add_argument("--draws", type=int, default=10, help="R: landscape draws (seeds 0..R-1)")
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--mu", type=float, default=1.5)
    ap.add_argument("--sigma", type=float, default=1.5)
    ap.add_argument("--init", choices=["gaussian"], default=None,
                    help="re-initialise as the official code does (N(0,1) weights, seeded by the draw) "
                         "instead of the networks' PyTorch default init")
    ap.add_argument("--cache", type=Path, default=Path(__file__).resolve().parents[2] / "results" / "search_nb201.scores.jsonl")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("report.md"))
    a = ap.parse_args(argv)
    if a.top < 5 or a.draws < 5:  # the report compares the top 5 and a fitness of 5 draws
        ap.error(f"--top and --draws must be at least 5 (got {a.top}, {a.draws})")
    torch.set_num_threads(1)
    gt = get_ground_truth("nb201")
    title = "The top of the reg_swap landscape on NB201, across draws of weights and images"
    lines = report_head(title, __file__, argv) + [
             f"K = {a.top} fittest archs of the seed-0 draw (the landscape every standalone search seed "
             f"shares), rescored under R = {a.draws} draws (draw r: weights seeded by (r, arch) and "
             f"`load_batch(dataset, {a.samples}, seed=r)`, as correlation-study seed r). reg_swap with "
             f"μ = {a.mu} M, σ = {a.sigma} M, NB201 net C=16 N=5, train mode, "
             + ("Gaussian re-init (official code: N(0,1) weights, seeded by the draw). " if a.init else
                "PyTorch default init. ") + "Test accuracy (%) is the "
             "NB201 200-epoch test column; ImageNet16-120 is scored on the stand-in images.", "",
             "| dataset | best in space | winner per draw: mean test (min-max) | winner of the mean over "
             "R draws | fitness = mean of 2 draws | mean of 5 draws | Ψ' spread among the top 5 "
             "(max-min of means) vs. its draw-to-draw std |",
             "|---|---:|---|---:|---:|---:|---|"]
    details = []
    for ds in a.datasets:
        col = NB201_TEST_COLUMNS[ds]
        archs = top_of_cache(a.cache, ds, a.top, a.mu, a.sigma)
        scores = rescore(archs, ds, a.draws, a.samples, a.mu, a.sigma, a.init)
        test = np.array([gt.lookup(x, ds, col) for x in archs])
        best = max(gt.values(ds, col).values())
        per_draw = test[scores.argmax(0)]
        mean = scores.mean(1)
        order = np.argsort(-mean)
        w2, w5 = test[winners_of_means(scores, 2)], test[winners_of_means(scores, 5)]
        spread = mean[order[0]] - mean[order[4]]
        noise = float(np.median(scores[order[:5]].std(1)))
        lines.append(f"| {ds} | {best:.2f} | {per_draw.mean():.2f} ({per_draw.min():.2f}-{per_draw.max():.2f}) | "
                     f"{test[order[0]]:.2f} | {w2.mean():.2f} | {w5.mean():.2f} | {spread:.0f} vs {noise:.0f} |")
        details += ["", f"## {ds}: the top 8 by mean Ψ' over the {a.draws} draws", "",
                    "| arch (NASLib op indices) | test | mean Ψ' | std over draws | draws ranking it first |",
                    "|---|---:|---:|---:|---:|"]
        firsts = np.bincount(scores.argmax(0), minlength=len(archs))
        for i in order[:8]:
            details.append(f"| `{''.join(map(str, archs[i]))}` | {test[i]:.2f} | {mean[i]:.0f} | "
                           f"{scores[i].std():.0f} | {firsts[i]} |")
        print(lines[-1], flush=True)
    lines += details + ["", "Reading: where the top archs' mean fitness differs by less than one draw's "
                        "noise, which of them a search returns is decided by the draw, not by the proxy; "
                        "averaging draws converges to the winner of the mean, which need not be the most "
                        "accurate arch.", ""]
    write_text_report(a.out, "\n".join(lines))
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
