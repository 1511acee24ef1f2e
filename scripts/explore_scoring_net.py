"""Which scoring network and sample count S for NB101 / NB301 (an exploration, recorded).

Ψ counts distinct S-bit patterns, so it cannot exceed 2**S, nor the V hooked units. The
benchmark-size NB101 network (stem 128) has V ≈ 2-3 M units: with S=16 every arch hits
2**16 and Ψ carries no information; with S≥32 Ψ ≈ 0.95·V, a size count. This script
scores the same archs (seed 0) with several (network, S) settings and writes their
Spearman ρ, so the choice in configs/nb101.yaml and configs/nb301.yaml is on record.
Θ for reg_swap and params is always the benchmark network's (see studies.correlate).

    python scripts/explore_scoring_net.py --n 150 --workers 2 --out runs/explore_net
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _report import report_head, write_report  # noqa: E402
from swap_plugin.studies import StudyConfig, run_study  # noqa: E402

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
    # the official correlation.py setting for DARTS: a C=3 one-cell net, 32 Gaussian re-inits
    ("nb301", None, "C=3, 1 cell, 32 Gaussian re-inits (official)", {"C": 3, "layers": 1}, 16,
     {"init": "gaussian", "repeats": 32}),
    ("nb301", None, "C=16, 8 cells, 4 Gaussian re-inits", {"C": 16, "layers": 8}, 16,
     {"init": "gaussian", "repeats": 4}),
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="runs/explore_net")
    ap.add_argument("--report", default="results/explore_scoring_net.md")
    a = ap.parse_args(argv)
    rows = []
    for space, gt_source, label, build, S, *extra in GRID:
        scoring = extra[0] if extra else {}
        tag = "_".join(f"{k}{v}" for k, v in {**build, **scoring}.items())
        cfg = StudyConfig.from_yaml(ROOT / "configs" / f"{space}.yaml", n=a.n, seeds=[0], samples=S,
                                    out=str(Path(a.out) / f"{tag}_S{S}"), workers=a.workers,
                                    gt_source=gt_source, proxies=["swap", "reg_swap", "params"], build=build,
                                    **scoring)
        s = run_study(cfg)
        rows.append((space, gt_source or "default", label, S, s["swap"][0]["spearman"],
                     s["reg_swap"][0]["spearman"], s["params"][0]["spearman"], s["swap"][0]["query_time"]))
        print(rows[-1], flush=True)
    title = "Scoring network and S for NB101 / NB301 (seed 0, same archs per space)"
    lines = report_head(title, __file__, argv) + [
             f"{a.n} archs per space: NB101 from the NB-Suite-Zero file (`gt_source: zc`), NB301 from "
             "the 1,218 NB-Suite-Zero genotypes. reg_swap with the paper's μ = σ (NB101 40 M, NB301 1.8 M) "
             "on the benchmark network's Θ.", "",
             "| space | ground truth | scoring network | S | swap ρ | reg_swap ρ | params ρ | s / arch |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    rho = lambda v: "n/a" if math.isnan(v) else f"{v:.3f}"  # noqa: E731
    lines += [f"| {sp} | {g} | {lab} | {S} | {rho(sw)} | {rho(rs)} | {rho(p)} | {t:.2f} |"
              for sp, g, lab, S, sw, rs, p, t in rows]
    lines += ["", "n/a: the score was the same for every arch (Ψ = 2**S: every S-bit pattern "
              "occurs), so it ranks nothing. Ψ' keeps a ρ there only through f(Θ)."]
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
