"""Paper Tables 4-6: Spearman of Ψ' over a μ/σ grid, from already scored study records.

    python scripts/ablation_mu_sigma.py --runs runs/paper runs/zc --results results

Reads records_seed*.jsonl of each space/dataset (no re-scoring: Ψ and Θ are stored),
splits the archs into 5 groups (the paper's "5 groups"), and writes
results/ablation_mu_sigma_<space>_<dataset>.csv and a heatmap PNG.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _report import command_line  # noqa: E402
from swap_plugin.benchmarks import get_ground_truth  # noqa: E402
from swap_plugin.metric import regulariser  # noqa: E402
from swap_plugin.studies import RecordStore  # noqa: E402

GRIDS_M = {"nb101": [10, 20, 30, 40, 50, 60], "nb201": [0.5, 1.0, 1.5, 2.0, 2.5, 3.0],
           "nb301": [0.6, 1.2, 1.8, 2.4, 3.0, 3.6]}


def study_config(study_dir: Path) -> dict:
    """The study's settings, as ``swap-nas correlate`` stores them in every scores.json."""
    import json

    for f in sorted(study_dir.glob("*/0/scores.json")):
        return json.loads(f.read_text())[0]
    return {}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", nargs="+", default=["runs/paper"], help="study roots (swap-nas correlate --out)")
    ap.add_argument("--results", default="results")
    ap.add_argument("--groups", type=int, default=5)
    a = ap.parse_args(argv)
    cmd = command_line(__file__, argv)
    res = Path(a.results)
    res.mkdir(parents=True, exist_ok=True)
    stores = [p for root in a.runs for p in sorted(Path(root).glob("correlation/*/*/records_seed0.jsonl"))]
    for store_path in stores:
        space, dataset = store_path.parent.parent.name, store_path.parent.name
        if space not in GRIDS_M:
            continue
        study = study_config(store_path.parent)
        source, metric = study.get("gt_source"), study.get("metric", "val_accuracy")
        name = f"{space}_{dataset}" + (f"_{source}" if source else "")
        gt = get_ground_truth(space, dataset, source=source)
        recs = list(RecordStore(store_path))
        y = np.array([gt.lookup(r["arch"], dataset, metric) for r in recs])
        psi = np.array([r["swap"] for r in recs])
        theta = np.array([r["params"] for r in recs])
        groups = np.array_split(np.random.default_rng(0).permutation(len(recs)), a.groups)
        grid = GRIDS_M[space]
        table = np.zeros((len(grid), len(grid), a.groups))
        for i, mu in enumerate(grid):
            for j, sigma in enumerate(grid):
                pred = psi * np.array([regulariser(t, mu, sigma) for t in theta])
                for g, idx in enumerate(groups):
                    table[i, j, g] = stats.spearmanr(y[idx], pred[idx])[0]
        lines = [f"# written by: {cmd}", f"# {space}/{dataset} (ground truth {source or 'default'}: {metric}), {len(recs)} archs in {a.groups} groups; "
                 "Spearman of Ψ·exp(-((Θ-μ)/σ)²), Θ μ σ in millions; mean and std over groups",
                 "mu_M,sigma_M,spearman_mean,spearman_std"]
        lines += [f"{mu},{sg},{table[i, j].mean():.4f},{table[i, j].std():.4f}"
                  for i, mu in enumerate(grid) for j, sg in enumerate(grid)]
        (res / f"ablation_mu_sigma_{name}.csv").write_text("\n".join(lines) + "\n")
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(5, 4))
        im = ax.imshow(table.mean(-1), cmap="viridis", origin="lower")
        ax.set_xticks(range(len(grid)), grid)
        ax.set_yticks(range(len(grid)), grid)
        ax.set_xlabel("σ (M)")
        ax.set_ylabel("μ (M)")
        for i in range(len(grid)):
            for j in range(len(grid)):
                ax.text(j, i, f"{table[i, j].mean():.2f}", ha="center", va="center", fontsize=7, color="w")
        ax.set_title(f"Ψ' Spearman, {space} {dataset}" + (f" ({source} archs)" if source else ""))
        fig.colorbar(im)
        fig.tight_layout()
        fig.savefig(res / f"ablation_mu_sigma_{name}.png", dpi=130)
        best = np.unravel_index(table.mean(-1).argmax(), table.shape[:2])
        print(f"{name}: best μ={grid[best[0]]} σ={grid[best[1]]} ρ={table.mean(-1).max():.3f}")


if __name__ == "__main__":
    main()
