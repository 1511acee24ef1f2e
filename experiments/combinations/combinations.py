"""Does Ψ' gain from another cheap proxy? Rank-sum combinations on NB201, post hoc.

Reads already scored study records (no re-scoring) and correlates, against the
benchmark's val_accuracy, reg_swap (paper μ = σ = 1.5 M) alone and the equal-weight sum
of its rank with each NB-Suite-Zero proxy stored for the same archs (the 725-arch
NB-Suite-Zero file, `--zc-runs`) and with the Zen score of the NB201 table (1,000-arch
paper-protocol samples, `--paper-runs`, seed 0).

    python experiments/combinations/combinations.py --zc-runs runs/zc --paper-runs runs/paper --command-file CMDS
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.stats import rankdata, spearmanr

from swap_plugin.benchmarks import get_ground_truth
from swap_plugin.metric import regulariser
from swap_plugin.studies import RecordStore
from swap_plugin.studies.report import produced_by, read_commands, report_head, write_report

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
BASELINES = ("synflow", "nwot", "jacov", "snip", "grad_norm", "epe_nas", "fisher", "l2_norm", "plain",
             "grasp", "flops", "params")


def combos(recs, archs, gt, ds, names, value):
    y = np.array([gt.lookup(a, ds) for a in archs])
    reg = np.array([r["swap"] * regulariser(r["params"], 1.5, 1.5) for r in recs])
    out = [("reg_swap", len(y), spearmanr(reg, y)[0], float("nan"))]
    for name in names:
        v = np.array([value(a, name) for a in archs], dtype=float)
        ok = np.isfinite(v)
        if ok.sum() < 10:
            continue
        both = rankdata(reg[ok]) + rankdata(v[ok])
        out.append((name, int(ok.sum()), spearmanr(v[ok], y[ok])[0], spearmanr(both, y[ok])[0]))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zc-runs", default="runs/zc")
    ap.add_argument("--paper-runs", default="runs/paper")
    ap.add_argument("--command-file", default=None, help="the commands that produced the runs (recorded)")
    ap.add_argument("--out", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    title = "reg_swap combined with one other proxy (rank sum), NB201"
    lines = report_head(title, __file__, argv)
    if a.command_file:
        lines += produced_by(read_commands(a.command_file))
    lines += [
             "ρ: Spearman against NB-Suite-Zero val_accuracy; 'with reg_swap': ρ of rank(reg_swap) + "
             "rank(proxy). No re-scoring: Ψ and Θ come from the study records.", "",
             "| dataset | archs | proxy | n | ρ proxy alone | ρ with reg_swap |", "|---|---|---|---:|---:|---:|"]
    space_gt = get_ground_truth("nb201")
    for ds in DATASETS:
        sets = []
        zc = Path(a.zc_runs) / "correlation" / "nb201" / ds / "records_seed0.jsonl"
        if zc.exists():
            gt = get_ground_truth("nb201", ds, source="zc")
            recs = list(RecordStore(zc))
            stored = lambda arch, name: gt.proxy(arch, ds, name, missing=float("nan"))  # noqa: E731
            sets.append(("NB-Suite-Zero 725", combos(recs, [tuple(r["arch"]) for r in recs], gt, ds,
                                                     BASELINES, stored)))
        paper = Path(a.paper_runs) / "correlation" / "nb201" / ds / "records_seed0.jsonl"
        if paper.exists():
            recs = list(RecordStore(paper))
            zen = lambda arch, name: space_gt.lookup(arch, ds, f"zen_{ds}")  # noqa: E731
            sets.append(("paper sample, seed 0", combos(recs, [tuple(r["arch"]) for r in recs], space_gt, ds,
                                                        ["zen"], zen)))
        for label, rows in sets:
            for name, n, rho, both in rows:
                lines.append(f"| {ds} | {label} | {name} | {n} | {rho:.3f} | "
                             + ("—" if both != both else f"{both:.3f}") + " |")
    write_report(a.out, lines)


if __name__ == "__main__":
    main()
