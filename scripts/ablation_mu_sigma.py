"""Paper Tables 4-6: Spearman of Ψ' over a μ/σ grid, from already scored study records.

    python scripts/ablation_mu_sigma.py --runs runs/paper runs/zc --results results

Reads records_seed0.jsonl of each space/dataset (no re-scoring: Ψ and Θ are stored),
splits the archs into 5 groups (the paper's "5 groups"), and writes
results/ablation_mu_sigma_<space>_<dataset>.csv and a heatmap PNG.

NB101/201/301 use the paper's grids. Spaces the paper gives no grid for (TransNAS) get
one from the sample's sizes alone: μ at the 0, 10, ..., 100 % quantiles of Θ, σ at
0.05-6.4 × the Θ range (doubling). ``--summary`` adds one markdown table: per task, ρ of Ψ, Θ and Ψ'
with the automatic μ/σ, the best grid cell (an oracle: chosen on the archs it is
measured on) and a 5-fold cross-validated choice (the cell best on 4 groups, measured on
the 5th) — what μ/σ tuned on labelled archs of the task can add, and what it cannot.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swap_plugin.studies.report import (command_line, produced_by, read_json_file, report_head, write_figure,  # noqa: E402
                     write_report, write_text_report)
from swap_plugin.benchmarks import get_ground_truth  # noqa: E402
from swap_plugin.studies.mu_sigma import auto_mu_sigma  # noqa: E402
from swap_plugin.studies import RecordStore  # noqa: E402

GRIDS_M = {"nb101": [10, 20, 30, 40, 50, 60], "nb201": [0.5, 1.0, 1.5, 2.0, 2.5, 3.0],
           "nb301": [0.6, 1.2, 1.8, 2.4, 3.0, 3.6]}
MU_QUANTILES = [q / 10 for q in range(11)]
SIGMA_RANGE_FRACTIONS = [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4]


def grid_for(space: str, theta: np.ndarray):
    """(μ values, σ values) in millions: the paper's grid, or one from the sizes alone."""
    if space in GRIDS_M:
        return GRIDS_M[space], GRIDS_M[space]
    span = float(theta.max() - theta.min()) or 1.0
    mus = [float(f"{np.quantile(theta, q):.3g}") for q in MU_QUANTILES]
    return mus, [float(f"{k * span:.3g}") for k in SIGMA_RANGE_FRACTIONS]


def log_reg_swap(psi: np.ndarray, theta: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """log Ψ' (paper formula): the same ranking as Ψ·f(Θ), without f underflowing to a
    tie at 0 for narrow σ."""
    return np.log(psi) - ((theta - mu) / sigma) ** 2


def spearman_by_group(y, pred, groups) -> np.ndarray:
    return np.array([stats.spearmanr(y[idx], pred[idx])[0] for idx in groups])


def cross_validated(y, preds: np.ndarray, groups) -> tuple:
    """For each group: the cell (row of ``preds``) with the best ρ on the other groups'
    archs, and its ρ on this group. Returns (ρ per group, chosen cell per group)."""
    rhos, picks = [], []
    for g, test in enumerate(groups):
        train = np.concatenate([idx for h, idx in enumerate(groups) if h != g])
        best = int(np.nanargmax([stats.spearmanr(y[train], p[train])[0] for p in preds]))
        picks.append(best)
        rhos.append(stats.spearmanr(y[test], preds[best][test])[0])
    return np.array(rhos), picks


def study_config(study_dir: Path) -> dict:
    """The study's settings, as ``swap-nas correlate`` stores them in every scores.json."""

    for f in sorted(study_dir.glob("*/0/scores.json")):
        return read_json_file(f)[0]
    return {}


def check_one_study_per_task(configs: dict) -> None:
    """Outputs are named by task (and ground-truth source): two studies of one task under
    different roots would overwrite each other's CSV and plot, so refuse them.
    ``configs``: {records file: its study's settings}."""
    seen = {}
    for store, config in configs.items():
        study = store.parent
        task = (study.parent.name, study.name, config.get("gt_source"))
        if task in seen:
            raise SystemExit(f"{task[0]}/{task[1]} (ground truth {task[2] or 'default'}) is in two "
                             f"studies, {seen[task]} and {study}: their outputs would overwrite "
                             "each other; pass roots that hold each task once")
        seen[task] = study


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", nargs="+", default=["runs/paper"], help="study roots (swap-nas correlate --out)")
    ap.add_argument("--results", default="results")
    ap.add_argument("--groups", type=int, default=5)
    ap.add_argument("--summary", default=None,
                    help="also write a markdown table per task: Ψ, Θ, automatic μ/σ, grid oracle, "
                         "5-fold cross-validated μ/σ (e.g. results/ablation_mu_sigma.md)")
    ap.add_argument("--runs-command", action="append", default=[],
                    help="the command that produced --runs, named in the summary (repeatable)")
    a = ap.parse_args(argv)
    cmd = command_line(__file__, argv)
    res = Path(a.results)
    res.mkdir(parents=True, exist_ok=True)
    stores = [p for root in a.runs for p in sorted(Path(root).glob("correlation/*/*/records_seed0.jsonl"))]
    configs = {p: study_config(p.parent) for p in stores}
    check_one_study_per_task(configs)
    summary = []
    for store_path, study in configs.items():
        space, dataset = store_path.parent.parent.name, store_path.parent.name
        source, metric = study.get("gt_source"), study.get("metric", "val_accuracy")
        name = f"{space}_{dataset}" + (f"_{source}" if source else "")
        gt = get_ground_truth(space, dataset, source=source)
        # the file's order is the order workers finished in: sort, so that the groups
        # (and every number below) depend only on the sample
        recs = sorted(RecordStore(store_path), key=lambda r: r["key"])
        y = np.array([gt.lookup(r["arch"], dataset, metric) for r in recs])
        psi = np.array([r["swap"] for r in recs])
        theta = np.array([r["params"] for r in recs])
        groups = np.array_split(np.random.default_rng(0).permutation(len(recs)), a.groups)
        mus, sigmas = grid_for(space, theta)
        cells = [(mu, sg) for mu in mus for sg in sigmas]
        preds = np.array([log_reg_swap(psi, theta, mu, sg) for mu, sg in cells])
        table = np.array([spearman_by_group(y, p, groups) for p in preds]).reshape(len(mus), len(sigmas), -1)
        if a.summary:
            summary.append(summary_row(space, dataset, source, y, psi, theta, groups, cells, preds, table))
        lines = [f"# written by: {cmd}", f"# {space}/{dataset} (ground truth {source or 'default'}: {metric}), {len(recs)} archs in {a.groups} groups; "
                 "Spearman of Ψ·exp(-((Θ-μ)/σ)²), Θ μ σ in millions; mean and std over groups",
                 "mu_M,sigma_M,spearman_mean,spearman_std"]
        lines += [f"{mu},{sg},{table[i, j].mean():.4f},{table[i, j].std():.4f}"
                  for i, mu in enumerate(mus) for j, sg in enumerate(sigmas)]
        write_text_report(res / f"ablation_mu_sigma_{name}.csv", "\n".join(lines) + "\n")
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(max(5, 0.75 * len(sigmas) + 1.5), max(4, 0.35 * len(mus) + 1.2)))
        im = ax.imshow(table.mean(-1), cmap="viridis", origin="lower", aspect="auto")
        ax.set_xticks(range(len(sigmas)), sigmas, rotation=45)
        ax.set_yticks(range(len(mus)), mus)
        ax.set_xlabel("σ (M)")
        ax.set_ylabel("μ (M)")
        for i in range(len(mus)):
            for j in range(len(sigmas)):
                ax.text(j, i, f"{table[i, j].mean():.2f}", ha="center", va="center", fontsize=7, color="w")
        ax.set_title(f"Ψ' Spearman, {space} {dataset}" + (f" ({source} archs)" if source else ""))
        fig.colorbar(im)
        fig.tight_layout()
        write_figure(fig, res / f"ablation_mu_sigma_{name}.png", dpi=130)
        plt.close(fig)
        best = np.unravel_index(table.mean(-1).argmax(), table.shape[:2])
        print(f"{name}: best μ={mus[best[0]]} σ={sigmas[best[1]]} ρ={table.mean(-1).max():.3f}")
    if a.summary:
        write_summary(a.summary, argv, a.groups, summary, a.runs_command)


def summary_row(space, dataset, source, y, psi, theta, groups, cells, preds, table) -> list:
    mean_std = lambda r: f"{np.mean(r):.3f} ± {np.std(r):.3f}"  # noqa: E731
    auto_mu, auto_sigma = auto_mu_sigma(theta)
    auto = spearman_by_group(y, log_reg_swap(psi, theta, auto_mu, auto_sigma), groups)
    flat = table.reshape(len(cells), -1).mean(-1)
    best = int(np.nanargmax(flat))
    cv, picks = cross_validated(y, preds, groups)
    picked = ", ".join(f"{cells[p][0]:g}/{cells[p][1]:g}" for p in picks)
    task = dataset + (f" ({source} archs)" if source else "")
    return [space, task, str(len(y)), mean_std(spearman_by_group(y, psi, groups)),
            mean_std(spearman_by_group(y, theta, groups)), mean_std(auto),
            f"{flat[best]:.3f} ({cells[best][0]:g}/{cells[best][1]:g})", mean_std(cv), picked]


def write_summary(path, argv, n_groups: int, rows: list, runs_commands=()) -> None:
    lines = report_head("μ/σ of Ψ' tuned per task: grid oracle and cross-validated choice", __file__, argv)
    if runs_commands:
        lines += produced_by(runs_commands)
    lines += [f"ρ: Spearman against the study's metric, mean ± std over {n_groups} random groups of "
              "the seed-0 sample (the paper's protocol for Tables 4-6). Ψ' = Ψ·exp(-((Θ-μ)/σ)²), Θ μ σ "
              "in millions. 'auto': μ = σ = the 99th percentile of Θ (the study's rule, no labels). "
              "'grid oracle': the best cell, chosen on the archs it is measured on — an upper bound, "
              "not a result. 'cross-validated': for each group, the cell best on the other groups' "
              "archs, measured on this group (labels of 80 % of the sample pick μ/σ). "
              "Grid: the paper's for NB101/201/301; else μ at the 0-100 % quantiles of Θ in steps of "
              "10 %, σ at 0.05-6.4 × the Θ range, doubling (in the table as μ/σ, M).", "",
              "| space | task | archs | ρ Ψ | ρ Θ | ρ Ψ' auto | grid oracle (μ/σ) | cross-validated | "
              "cells picked per group |", "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    write_report(path, lines)


if __name__ == "__main__":
    main()
