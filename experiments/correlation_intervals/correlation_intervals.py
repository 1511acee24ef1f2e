"""Which gaps to the paper are larger than the sampling error of ρ? Bootstrap intervals.

A study's ρ comes from one sample of archs, the paper's from another (its own 1,000 archs,
Fig. 4). This reads the NASLib-layout ``scores.json`` of correlation studies (the
``full_ytest`` / ``full_testpred`` they store), gives each proxy's ρ a 95 % percentile
bootstrap interval over archs (:func:`swap_plugin.studies.spearman_interval`) and sets it
against the paper's regularised SWAP-Score:

- ``↓`` the whole interval lies below the paper's value (below the low end of its range);
- ``↑`` the whole interval lies above it (above the high end);
- ``≈`` the interval overlaps it: a second sample of archs could give the paper's figure.

    python experiments/correlation_intervals/correlation_intervals.py --runs runs/nb_mu runs/nb_mu_zc \\
        runs/tnb_mu runs/ens_xspace --command-file CMDS --report experiments/correlation_intervals/report.md
"""
from __future__ import annotations

import argparse
from pathlib import Path

from scipy.stats import spearmanr

from swap_plugin.studies import spearman_interval
from swap_plugin.studies.paper_reference import fig4_reg_swap_text
from swap_plugin.studies.report import (produced_by, read_commands, read_json_file, report_head,
                                        scoring_label, write_report)

PROXIES = ("swap", "reg_swap", "reg_swap_auto", "params")
# where a study's archs come from: its ground-truth source
SAMPLES = {None: "table", "table": "table", "zc": "NB-Suite-Zero", "swap": "SWAP authors' csv"}


def paper_range(text: str):
    """"0.87-0.90" -> (0.87, 0.90); "0.75" -> (0.75, 0.75)."""
    lo, _, hi = text.partition("-")
    return float(lo), float(hi or lo)


def verdict(lo: float, hi: float, paper) -> str:
    if paper is None:
        return ""
    if hi < paper[0]:
        return " ↓"
    if lo > paper[1]:
        return " ↑"
    return " ≈"


def collect(roots, seed: int) -> dict:
    """{(space, dataset, sample, setup): {proxy: (y, pred)}}, seed ``seed``; a study that
    two roots hold (same archs, same scoring) is one row, its proxies merged."""
    rows: dict = {}
    for root in roots:
        files = sorted(Path(root).glob(f"correlation/*/*/*/{seed}/scores.json"))
        if not files:
            raise SystemExit(f"no correlation/*/*/*/{seed}/scores.json under {root}: "
                             "pass the --out folder of a correlation study")
        for f in files:
            proxy = f.parent.parent.name
            if proxy not in PROXIES:
                continue
            conf, res = read_json_file(f)
            sample = SAMPLES.get(conf.get("gt_source"), conf.get("gt_source"))
            inits = f", {conf['repeats']} {conf['init']} inits" if conf.get("init") else ""
            setup = scoring_label(conf) + inits
            key = (conf["space"], conf["dataset"], sample, setup)
            rows.setdefault(key, {}).setdefault(proxy, (res["full_ytest"], res["full_testpred"]))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", nargs="+", required=True, help="correlation study output roots (--out)")
    ap.add_argument("--seed", type=int, default=0, help="the study seed to read")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples")
    ap.add_argument("--command-file", default=None, help="the commands that produced the runs (recorded)")
    ap.add_argument("--report", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    rows = collect(a.runs, a.seed)
    lines = report_head("Gaps to the paper against the sampling error of ρ", __file__, argv)
    if a.command_file:
        lines += produced_by(read_commands(a.command_file))
    lines += [f"ρ: Spearman against the benchmark's accuracy (NB-Suite-Zero `val_accuracy` for its sets; "
              f"TransNAS: the task's final validation metric), study seed {a.seed}. In brackets: the 95 % "
              f"percentile bootstrap interval over archs ({a.boot} resamples, seed 0): how far another "
              "sample of as many archs from the same pool could move ρ. It leaves out the draw of weights "
              "and images (the ± over seeds in results/correlation.md) and the images themselves "
              "(ImageNet16-120 and TransNAS use stand-ins here).", "",
              "Sample: `table` = the space's default table (NB201: 1,000 of all 15,625 archs; NB101: "
              "the 1,000 archs of nb101_1000_decoded.json; NB301: all 1,218 NB-Suite-Zero genotypes with "
              "real accuracy; TransNAS: 1,000 of every arch; darts_swap: the SWAP authors' 1,000 DARTS "
              "archs with their own CIFAR-10 training, the official correlation.py set), `NB-Suite-Zero` = "
              "the archs of its zc json for that task.", "",
              "Against the paper's regularised SWAP-Score (Fig. 4; a range where our brief gives one): "
              "↓ the interval lies below it, ↑ above it, ≈ it overlaps it.", "",
              "| space | task | archs | sample | scoring net | paper | "
              + " | ".join(PROXIES) + " |", "|---|---|---:|---|---|---:|" + "---:|" * len(PROXIES)]
    below = []  # rows where every SWAP column lies below the paper: the gaps sampling cannot explain
    for (space, dataset, sample, setup), by_proxy in sorted(rows.items()):
        paper_text = fig4_reg_swap_text(space, dataset)
        paper = paper_range(paper_text) if paper_text else None
        cells, n, marks = [], None, []
        for proxy in PROXIES:
            if proxy not in by_proxy:
                cells.append("—")
                continue
            y, pred = by_proxy[proxy]
            n = len(y)
            rho = spearmanr(pred, y)[0]
            lo, hi = spearman_interval(y, pred, n_boot=a.boot, seed=0)
            mark = verdict(lo, hi, paper) if proxy != "params" else ""
            marks += [mark] if mark else []
            cells.append(f"{rho:.3f} ({lo:.3f}, {hi:.3f}){mark}")
        lines.append(f"| {space} | {dataset} | {n} | {sample} | {setup} | {paper_text or '—'} | "
                     + " | ".join(cells) + " |")
        if marks and set(marks) == {" ↓"}:
            below.append(f"{space} {dataset} ({sample}; {setup})")
    lines += ["", "Every SWAP column below the paper (a gap another sample of archs would not close): "
              + ("; ".join(below) if below else "none") + "."]
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
