"""Fig. 5: μ=σ steer the size of the architecture SWAP-NAS finds (DARTS, CIFAR-10;
``scripts/size_control.py``).

For each μ=σ (thousands of parameters of the scoring network) and seed, :func:`run` runs
the default search (resumable; a finished run's ``result.json`` is reused), and
:func:`write` reports Spearman(μ, evaluation-size parameters, C=36 / 20 cells) with a figure.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Sequence, Tuple

import numpy as np
from scipy import stats

from ..studies.report import finish_figure, read_json_file, write_text_report
from .runner import SearchConfig, run_search

#: (μ, seed, evaluation-size params in M, search seconds, genotype) of one search
Row = Tuple[float, int, float, float, str]


def run(mus: Sequence[float], runs: int, out) -> List[Row]:
    """``runs`` searches (seeds 0..runs-1) per μ = σ under ``out``/mu{μ}_seed{seed}."""
    import torch
    torch.set_num_threads(1)
    rows = []
    for mu in mus:
        for seed in range(runs):
            folder = Path(out) / f"mu{mu}_seed{seed}"
            res = folder / "result.json"
            r = read_json_file(res) if res.exists() else run_search(
                SearchConfig(mu=mu, sigma=mu, seed=seed, out=str(folder)), progress=False)
            rows.append((mu, seed, r["eval_params_M"], r["search_seconds"], r["genotype"]))
            print(f"μ=σ={mu} K seed {seed}: {r['eval_params_M']:.3f} M eval params, {r['search_seconds']:.0f} s", flush=True)
    return rows


def write(rows: Sequence[Row], mus: Sequence[float], results, command: str) -> list:
    """``results``/size_control.md and .png; returns the report's lines."""
    mu_of = np.array([r[0] for r in rows])
    sizes = np.array([r[2] for r in rows])
    rho = stats.spearmanr(mu_of, sizes)[0]
    lines = ["# Model-size control (paper Fig. 5)", "", f"Written by `{command}`.", "",
             "SWAP-NAS on DARTS/CIFAR-10 with the default search (see README); μ=σ in thousands of "
             "parameters of the scoring network (C=3, one cell). Size = parameters of the found genotype "
             "at evaluation size (C=36, 20 cells, auxiliary head excluded).", "",
             f"**Spearman(μ, size) = {rho:.3f}** over {len(rows)} searches.", "",
             "| μ=σ (K) | runs | size mean (M) | size min-max (M) | search s (mean) |", "|---:|---:|---:|---:|---:|"]
    for mu in mus:
        s = sizes[mu_of == mu]
        t = np.array([r[3] for r in rows if r[0] == mu])
        lines.append(f"| {mu} | {len(s)} | {s.mean():.3f} | {s.min():.3f}-{s.max():.3f} | {t.mean():.1f} |")
    lines += ["", "| μ | seed | size (M) | genotype |", "|---:|---:|---:|---|"]
    lines += [f"| {m} | {sd} | {p:.3f} | `{g}` |" for m, sd, p, _, g in rows]
    res_dir = Path(results)
    res_dir.mkdir(parents=True, exist_ok=True)
    write_text_report(res_dir / "size_control.md", "\n".join(lines) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.scatter(mu_of + rng.uniform(-0.06, 0.06, len(mu_of)), sizes, s=18, alpha=0.8)
    ax.plot(mus, [sizes[mu_of == m].mean() for m in mus], "k--", lw=1, label="mean")
    ax.set_xlabel("μ = σ (thousand parameters of the scoring network)")
    ax.set_ylabel("found genotype, params (M)\nC=36, 20 cells")
    finish_figure(fig, ax, res_dir / "size_control.png",
                  title=f"SWAP-NAS model-size control, Spearman {rho:.2f}")
    return lines
