"""Which scoring network and sample count S for NB101 / NB301 / DARTS (an exploration, recorded).

Ψ counts distinct S-bit patterns, so it cannot exceed 2**S, nor the V hooked units. The
benchmark-size NB101 network (stem 128) has V ≈ 2-3 M units: with S=16 every arch hits
2**16 and Ψ carries no information; with S≥32 Ψ ≈ 0.95·V, a size count. This script
scores the same archs (seed 0) with several (network, S) settings and writes their
Spearman ρ, so the choice in configs/nb101.yaml and configs/nb301.yaml is on record.
Θ for reg_swap and params is always the benchmark network's (see studies.correlate).

    python experiments/scoring_net/scoring_net.py --n 150 --workers 2 --out runs/explore_net
"""
from __future__ import annotations

import argparse
from pathlib import Path

from swap_plugin.studies import StudyConfig, config_path, run_study
from swap_plugin.studies.report import report_head, rho_text, write_report

# (space, ground-truth source, label, build kwargs, S)
GRID = [
    ("nb101", "zc", "stem 128 (benchmark)", {"stem_channels": 128}, 16),
    ("nb101", "zc", "stem 128 (benchmark)", {"stem_channels": 128}, 32),
    ("nb101", "zc", "stem 32", {"stem_channels": 32}, 16),
    ("nb101", "zc", "stem 32", {"stem_channels": 32}, 32),
    ("nb101", "zc", "stem 16", {"stem_channels": 16}, 16),
    ("nb301", None, "C=32, 8 cells (benchmark)", {"C": 32, "layers": 8}, 16),
    ("nb301", None, "C=32, 8 cells (benchmark)", {"C": 32, "layers": 8}, 32),
    ("nb301", None, "C=16, 8 cells", {"C": 16, "layers": 8}, 16),
    ("nb301", None, "C=16, 8 cells", {"C": 16, "layers": 8}, 12),
    ("nb301", None, "C=16, 8 cells", {"C": 16, "layers": 8}, 20),
    ("nb301", None, "C=16, 8 cells", {"C": 16, "layers": 8}, 24),
    ("nb301", None, "C=16, 8 cells", {"C": 16, "layers": 8}, 32),
    ("nb301", None, "C=8, 8 cells", {"C": 8, "layers": 8}, 16),
    ("nb301", None, "C=16, 5 cells", {"C": 16, "layers": 5}, 16),
    ("nb301", None, "C=8, 5 cells", {"C": 8, "layers": 5}, 16),
    ("nb301", None, "C=3, 1 cell (stem + 1 cell), 32 Gaussian re-inits", {"C": 3, "layers": 1}, 16,
     {"init": "gaussian", "repeats": 32}),
    ("nb301", None, "C=16, 8 cells, 4 Gaussian re-inits", {"C": 16, "layers": 8}, 16,
     {"init": "gaussian", "repeats": 4}),
    # the official correlation.py setting (configs/darts_swap.yaml): no stem, one cell that
    # is a reduction cell (reduce genotype only), C=3, 32 Gaussian re-inits; and 3 cells,
    # which also see the normal genotype
    ("nb301", None, "official: no stem, 1 cell, C=3, 32 Gaussian re-inits",
     {"scoring_network": True, "C": 3, "layers": 1}, 16, {"init": "gaussian", "repeats": 32}),
    ("nb301", None, "official, 3 cells, 32 Gaussian re-inits",
     {"scoring_network": True, "C": 3, "layers": 3}, 16, {"init": "gaussian", "repeats": 32}),
    # the official script's own archs (normal == reduce cell, `none` allowed) and accuracies
    ("darts_swap", None, "official: no stem, 1 cell, C=3, 32 Gaussian re-inits",
     {"scoring_network": True, "C": 3, "layers": 1}, 16),
    ("darts_swap", None, "C=16, 8 cells", {"C": 16, "layers": 8}, 16,
     {"config": "nb301", "space": "darts_swap", "mu": "auto", "sigma": "auto"}),
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="runs/explore_net")
    ap.add_argument("--report", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    rows = []
    for space, gt_source, label, build, S, *extra in GRID:
        scoring = dict(extra[0]) if extra else {}
        config = scoring.pop("config", space)  # the YAML the row starts from (overrides: the rest)
        tag = "_".join(f"{k}{v}" for k, v in {**build, **scoring}.items() if k != "space")
        if config != space:
            tag += f"_from_{config}"
        cfg = StudyConfig.from_yaml(config_path(config), n=a.n, seeds=[0], samples=S,
                                    out=str(Path(a.out) / f"{tag}_S{S}"), workers=a.workers,
                                    gt_source=gt_source, proxies=["swap", "reg_swap", "params"], build=build,
                                    **scoring)
        s = run_study(cfg)
        rows.append((space, gt_source or "default", label, S, s["swap"][0]["spearman"],
                     s["reg_swap"][0]["spearman"], s["params"][0]["spearman"], s["swap"][0]["query_time"]))
        print(rows[-1], flush=True)
    title = "Scoring network and S for NB101 / NB301 / DARTS (seed 0, same archs per space)"
    lines = report_head(title, __file__, argv) + [
             f"{a.n} archs per space: NB101 from the NB-Suite-Zero file (`gt_source: zc`), NB301 from "
             "the 1,218 NB-Suite-Zero genotypes, darts_swap from the SWAP authors' 1,000 DARTS archs "
             "with their own CIFAR-10 training (the official correlation.py set; normal cell = reduce "
             "cell). reg_swap with the paper's μ = σ (NB101 40 M, NB301 1.8 M; darts_swap, which has "
             "none: the automatic rule) on the benchmark network's Θ (darts_swap: the DARTS evaluation "
             "network, C=36, 20 cells).", "",
             "| space | ground truth | scoring network | S | swap ρ | reg_swap ρ | params ρ | s / arch |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {sp} | {g} | {lab} | {S} | {rho_text(sw)} | {rho_text(rs)} | {rho_text(p)} | {t:.2f} |"
              for sp, g, lab, S, sw, rs, p, t in rows]
    lines += ["", "n/a: the score was the same for every arch (Ψ = 2**S: every S-bit pattern "
              "occurs), so it ranks nothing. Ψ' keeps a ρ there only through f(Θ)."]
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
