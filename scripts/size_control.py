"""Fig. 5: μ=σ steer the size of the architecture SWAP-NAS finds (DARTS, CIFAR-10).

    python scripts/size_control.py --mus 0.5 0.9 1.3 1.7 2.1 2.5 --runs 5 --out runs/size_control

For each μ=σ (thousands of parameters of the scoring network) and seed, runs the default
search (resumable; finished runs are reused), then writes results/size_control.md and
results/size_control.png: Spearman(μ, evaluation-size parameters, C=36 / 20 cells).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swap_plugin.studies.report import command_line, read_json_file, write_figure, write_text_report  # noqa: E402
from swap_plugin.search import SearchConfig, run_search  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mus", nargs="+", type=float, default=[0.5, 0.9, 1.3, 1.7, 2.1, 2.5])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default="runs/size_control")
    ap.add_argument("--results", default="results")
    a = ap.parse_args(argv)
    import torch
    torch.set_num_threads(1)
    rows = []
    for mu in a.mus:
        for seed in range(a.runs):
            out = Path(a.out) / f"mu{mu}_seed{seed}"
            res = out / "result.json"
            r = read_json_file(res) if res.exists() else run_search(
                SearchConfig(mu=mu, sigma=mu, seed=seed, out=str(out)), progress=False)
            rows.append((mu, seed, r["eval_params_M"], r["search_seconds"], r["genotype"]))
            print(f"μ=σ={mu} K seed {seed}: {r['eval_params_M']:.3f} M eval params, {r['search_seconds']:.0f} s", flush=True)
    mus = np.array([r[0] for r in rows])
    sizes = np.array([r[2] for r in rows])
    rho = stats.spearmanr(mus, sizes)[0]
    cmd = command_line(__file__, argv)
    lines = ["# Model-size control (paper Fig. 5)", "", f"Written by `{cmd}`.", "",
             "SWAP-NAS on DARTS/CIFAR-10 with the default search (see README); μ=σ in thousands of "
             "parameters of the scoring network (C=3, one cell). Size = parameters of the found genotype "
             "at evaluation size (C=36, 20 cells, auxiliary head excluded).", "",
             f"**Spearman(μ, size) = {rho:.3f}** over {len(rows)} searches.", "",
             "| μ=σ (K) | runs | size mean (M) | size min-max (M) | search s (mean) |", "|---:|---:|---:|---:|---:|"]
    for mu in a.mus:
        s = sizes[mus == mu]
        t = np.array([r[3] for r in rows if r[0] == mu])
        lines.append(f"| {mu} | {len(s)} | {s.mean():.3f} | {s.min():.3f}-{s.max():.3f} | {t.mean():.1f} |")
    lines += ["", "| μ | seed | size (M) | genotype |", "|---:|---:|---:|---|"]
    lines += [f"| {m} | {sd} | {p:.3f} | `{g}` |" for m, sd, p, _, g in rows]
    res_dir = Path(a.results)
    res_dir.mkdir(parents=True, exist_ok=True)
    write_text_report(res_dir / "size_control.md", "\n".join(lines) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.scatter(mus + rng.uniform(-0.06, 0.06, len(mus)), sizes, s=18, alpha=0.8)
    ax.plot(a.mus, [sizes[mus == m].mean() for m in a.mus], "k--", lw=1, label="mean")
    ax.set_xlabel("μ = σ (thousand parameters of the scoring network)")
    ax.set_ylabel("found genotype, params (M)\nC=36, 20 cells")
    ax.set_title(f"SWAP-NAS model-size control, Spearman {rho:.2f}")
    ax.legend()
    fig.tight_layout()
    write_figure(fig, res_dir / "size_control.png", dpi=130)
    print("\n".join(lines[:8]))


if __name__ == "__main__":
    main()
