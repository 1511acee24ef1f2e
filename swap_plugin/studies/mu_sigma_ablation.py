"""Paper Tables 4-6: Spearman of Ψ' over a μ/σ grid, from already scored study records
(``scripts/ablation_mu_sigma.py``).

Reads records_seed0.jsonl of each space/dataset (no re-scoring: Ψ and Θ are stored),
splits the archs into 5 groups (the paper's "5 groups") and writes three files for all
tasks together: results/ablation_mu_sigma.csv (every grid cell of every task),
results/ablation_mu_sigma.png (one heatmap panel per task) and results/ablation_mu_sigma.md
(``--summary`` names another path for it).

NB101/201/301 use the paper's grids (:mod:`swap_plugin.studies.paper_reference`). Spaces the paper gives no grid for (TransNAS) get
one from the sample's sizes alone: μ at the 0, 10, ..., 100 % quantiles of Θ, σ at
0.05-6.4 × the Θ range (doubling). The markdown table gives, per task, ρ of Ψ, Θ and Ψ'
with the automatic μ/σ, the best grid cell (an oracle: chosen on the archs it is
measured on) and a 5-fold cross-validated choice (the cell best on 4 groups, measured on
the 5th) — what μ/σ tuned on labelled archs of the task can add, and what it cannot.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np
from scipy import stats

from ..benchmarks import get_ground_truth
from . import tree
from .mu_sigma import auto_mu_sigma
from .paper_reference import mu_sigma_grids_m
from .report import check_report_target, head_lines, produced_by, write_figure, write_report, write_text_report
from .store import RecordStore

TITLE = "μ/σ of Ψ' tuned per task: grid oracle and cross-validated choice"
GRIDS_M = mu_sigma_grids_m()  # the paper's grids (Tables 4-6), millions
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
    return tree.Study(Path(study_dir)).config(0)


def check_one_study_per_task(configs: dict) -> None:
    """Outputs name each task (and ground-truth source) once: two studies of one task under
    different roots would give two rows and panels under one name, so refuse them.
    ``configs``: {records file: its study's settings}."""
    seen = {}
    for store, config in configs.items():
        study = store.parent
        task = (study.parent.name, study.name, config.get("gt_source"))
        if task in seen:
            raise ValueError(f"{task[0]}/{task[1]} (ground truth {task[2] or 'default'}) is in two "
                             f"studies, {seen[task]} and {study}: their rows would carry one name; "
                             "pass roots that hold each task once")
        seen[task] = study


@dataclass
class TaskGrid:
    """One task's grid: ``mean`` and ``std`` of ρ over the groups, shape (len(mus), len(sigmas))."""
    space: str
    dataset: str
    source: Optional[str]
    metric: str
    archs: int
    mus: List[float]
    sigmas: List[float]
    mean: np.ndarray
    std: np.ndarray

    @property
    def label(self) -> str:
        return f"{self.space} {self.dataset}" + (f" ({self.source} archs)" if self.source else "")


def output_paths(results, summary=None) -> dict:
    """The three outputs: every grid cell (csv), one panel per task (png), the table (md)."""
    res = Path(results)
    return {"csv": res / "ablation_mu_sigma.csv", "png": res / "ablation_mu_sigma.png",
            "md": Path(summary) if summary else res / "ablation_mu_sigma.md"}


CSV_HEADER = "space,dataset,gt_source,metric,archs,mu_M,sigma_M,spearman_mean,spearman_std"


def grids_csv(grids: Sequence[TaskGrid], command: str, n_groups: int) -> str:
    """Every cell of every task's grid, one row each (gt_source empty: the default table)."""
    lines = [f"# written by: {command}",
             f"# Spearman of Ψ·exp(-((Θ-μ)/σ)²) against each task's metric, Θ μ σ in millions; mean and std "
             f"over {n_groups} random groups of the seed-0 sample", CSV_HEADER]
    for g in grids:
        lines += [f"{g.space},{g.dataset},{g.source or ''},{g.metric},{g.archs},{mu},{sg},"
                  f"{g.mean[i, j]:.4f},{g.std[i, j]:.4f}"
                  for i, mu in enumerate(g.mus) for j, sg in enumerate(g.sigmas)]
    return "\n".join(lines) + "\n"


def grids_figure(grids: Sequence[TaskGrid]):
    """One heatmap panel per task (colours scaled per panel), the cell means written in."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = min(5, len(grids))
    rows = math.ceil(len(grids) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.4 * cols, 3.9 * rows), squeeze=False)
    for ax, g in zip(axes.flat, grids):
        im = ax.imshow(g.mean, cmap="viridis", origin="lower", aspect="auto")
        ax.set_xticks(range(len(g.sigmas)), g.sigmas, rotation=45, fontsize=7)
        ax.set_yticks(range(len(g.mus)), g.mus, fontsize=7)
        ax.set_xlabel("σ (M)", fontsize=8)
        ax.set_ylabel("μ (M)", fontsize=8)
        for i in range(len(g.mus)):
            for j in range(len(g.sigmas)):
                ax.text(j, i, f"{g.mean[i, j]:.2f}", ha="center", va="center", fontsize=5.5, color="w")
        ax.set_title(g.label, fontsize=9)
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03).ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(grids):]:
        ax.axis("off")
    fig.suptitle("Ψ' Spearman over the μ/σ grid (Tables 4-6), mean over groups", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    return fig


def write_outputs(paths: dict, grids: Sequence[TaskGrid], summary_lines: Sequence[str], command: str,
                  n_groups: int) -> None:
    """The csv, the md and the png; none is written when one would replace a file another
    command wrote."""
    csv_text = grids_csv(grids, command, n_groups)
    md_text = "\n".join(summary_lines) + "\n"
    check_report_target(paths["csv"], csv_text)
    check_report_target(paths["md"], md_text)
    write_text_report(paths["csv"], csv_text)
    fig = grids_figure(grids)
    write_figure(fig, paths["png"], dpi=110, palette=True)  # 23 panels: keep the file small
    import matplotlib.pyplot as plt
    plt.close(fig)
    write_report(paths["md"], summary_lines)


def task_grid(store_path: Path, study: dict, n_groups: int):
    """(TaskGrid, summary row) of one study's seed-0 records."""
    space, dataset = tree.study_of(store_path).space, tree.study_of(store_path).dataset
    source, metric = study.get("gt_source"), study.get("metric", "val_accuracy")
    gt = get_ground_truth(space, dataset, source=source)
    # the file's order is the order workers finished in: sort, so that the groups
    # (and every number below) depend only on the sample
    recs = sorted(RecordStore(store_path), key=lambda r: r["key"])
    y = np.array([gt.lookup(r["arch"], dataset, metric) for r in recs])
    psi = np.array([r["swap"] for r in recs])
    theta = np.array([r["params"] for r in recs])
    groups = np.array_split(np.random.default_rng(0).permutation(len(recs)), n_groups)
    mus, sigmas = grid_for(space, theta)
    cells = [(mu, sg) for mu in mus for sg in sigmas]
    preds = np.array([log_reg_swap(psi, theta, mu, sg) for mu, sg in cells])
    table = np.array([spearman_by_group(y, p, groups) for p in preds]).reshape(len(mus), len(sigmas), -1)
    grid = TaskGrid(space, dataset, source, metric, len(recs), mus, sigmas, table.mean(-1), table.std(-1))
    return grid, summary_row(space, dataset, source, y, psi, theta, groups, cells, preds, table)


def run(roots: Sequence, results, command: str, groups: int = 5, summary=None, runs_commands=()) -> dict:
    """Tables 4-6 for every study (seed-0 records) under ``roots``: the csv, png and md of
    :func:`output_paths` (``summary``: another path for the md); ``command`` is what they
    name as the command that wrote them. Returns those paths."""
    paths = output_paths(results, summary)
    stores = tree.records_paths(roots, seed=0)
    if not stores:
        raise ValueError(f"no correlation/<space>/<dataset>/records_seed0.jsonl under {', '.join(map(str, roots))}: "
                         "pass the --out folders of swap-nas correlate runs")
    configs = {p: study_config(p.parent) for p in stores}
    check_one_study_per_task(configs)
    grids, rows = [], []
    for store_path, study in configs.items():
        grid, row = task_grid(store_path, study, groups)
        grids.append(grid)
        rows.append(row)
        best = np.unravel_index(grid.mean.argmax(), grid.mean.shape)
        print(f"{grid.label}: best μ={grid.mus[best[0]]} σ={grid.sigmas[best[1]]} ρ={grid.mean.max():.3f}")
    lines = summary_lines(command, groups, rows, runs_commands, paths)
    write_outputs(paths, grids, lines, command, groups)
    return paths


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


def summary_lines(command: str, n_groups: int, rows: list, runs_commands=(), paths: Optional[dict] = None) -> list:
    """The markdown report: the per-task table, and where the grids are."""
    lines = head_lines(TITLE, command)
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
    if paths:
        where = {k: os.path.relpath(paths[k], paths["md"].parent) for k in ("csv", "png")}
        lines += ["", f"Every task's whole grid (mean and std of ρ per μ/σ cell): `{where['csv']}`; "
                  f"one heatmap panel per task: `{where['png']}`."]
    return lines

