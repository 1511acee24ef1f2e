"""Does Ψ averaged over several draws (weights and image batch) rank better than one draw?

Post hoc, from the records of correlation studies whose seeds all scored the same archs
(NB301: all 1,218 genotypes; an NB-Suite-Zero set: all of its archs), so that seed r is
one draw of weights and images on every arch. The k-draw score of an arch is the mean of
its Ψ over k seeds. For each k the report gives the mean ± std of ρ over every k-subset
of the seeds, for Ψ and for Ψ' = Ψ · f(Θ) with the study's μ/σ (f(Θ) is the same in every
draw). No re-scoring.

    python experiments/draws/draws.py --runs runs/corr15 runs/s16/nb101_zc_bench \\
        runs/s16/tnb_all --command-file CMDS --out experiments/draws/report.md
"""
from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from swap_plugin.benchmarks import get_ground_truth
from swap_plugin.metric import regulariser
from swap_plugin.metric.params import SIZE_UNITS
from swap_plugin.spaces import get_space
from swap_plugin.studies import RecordStore
from swap_plugin.studies.correlate import sample_archs
from swap_plugin.studies.report import (produced_by, read_commands, read_json_file, report_head,
                                        scoring_label, write_report)


def study_draws(study: Path):
    """(config of the first seed, archs, y, Ψ per seed as rows, Θ in M, ground-truth source
    name) when every seed of the study drew the same archs (the whole table); None otherwise."""
    seeds = sorted(int(p.parent.name) for p in study.glob("swap/*/scores.json"))
    if len(seeds) < 2:
        return None
    conf, _ = read_json_file(study / "swap" / str(seeds[0]) / "scores.json")
    gt = get_ground_truth(conf["space"], conf["dataset"], source=conf.get("gt_source"))
    archs = sample_archs(gt, conf["dataset"], conf["n"], seeds[0])
    if any(sample_archs(gt, conf["dataset"], conf["n"], s) != archs for s in seeds[1:]):
        return None  # each seed sampled other archs: no draws of one arch to average
    space = get_space(conf["space"])
    keys = [space.hash(a) for a in archs]
    stores = [RecordStore(study / f"records_seed{s}.jsonl") for s in seeds]
    psi = np.array([[store.get(k)["swap"] for k in keys] for store in stores], dtype=float)
    theta = np.array([stores[0].get(k)["params"] for k in keys], dtype=float)
    y = np.array([gt.lookup(a, conf["dataset"], conf["metric"]) for a in archs], dtype=float)
    return conf, archs, y, psi, theta, gt.source


def subset_rhos(scores: np.ndarray, y: np.ndarray, k: int) -> list:
    """ρ of the mean over every k-subset of the rows of ``scores``."""
    return [spearmanr(scores[list(c)].mean(0), y)[0] for c in itertools.combinations(range(len(scores)), k)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", nargs="+", required=True, help="correlation study output roots (--out)")
    ap.add_argument("--command-file", default=None, help="the commands that produced the runs (recorded)")
    ap.add_argument("--out", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    lines = report_head("Ψ averaged over draws of weights and images", __file__, argv)
    if a.command_file:
        lines += produced_by(read_commands(a.command_file))
    lines += ["Studies whose seeds all scored the same archs: seed r is one draw of weights (PyTorch "
              "default init) and image batch. k draws: the mean of an arch's Ψ over k seeds; ρ: Spearman "
              "against the benchmark's accuracy, mean ± std over every k-subset of the seeds (their "
              "number in brackets). Ψ' = mean Ψ · f(Θ) with the study's μ and σ (its preset, or the "
              "automatic rule where the study asked for it). Cost: k forward passes per arch.", "",
              "| space | task | archs | sample | scoring net | μ, σ | k draws | ρ(Ψ) | ρ(Ψ') |",
              "|---|---|---:|---|---|---|---:|---:|---:|"]
    gains = []  # per study: ρ(Ψ) of all draws minus that of one draw
    for root in a.runs:
        for study in sorted(Path(root).glob("correlation/*/*")):
            draws = study_draws(study)
            if draws is None:
                continue
            conf, archs, y, psi, theta, source = draws
            unit = SIZE_UNITS["M"] / SIZE_UNITS[conf["size_unit"]]
            f = np.array([regulariser(t * unit, conf["mu_used"], conf["sigma_used"], conf["formula"])
                          for t in theta])
            sample = "NB-Suite-Zero" if source == "zc" else "table"
            first = None
            for k in range(1, len(psi) + 1):
                plain, reg = subset_rhos(psi, y, k), subset_rhos(psi * f, y, k)
                first = np.mean(plain) if first is None else first
                mu_sigma = f"{conf['mu_used']:.3g}, {conf['sigma_used']:.3g} {conf['size_unit']}"
                lines.append(f"| {conf['space']} | {conf['dataset']} | {len(archs)} | {sample} | "
                             f"{scoring_label(conf)} | {mu_sigma} | {k} ({len(plain)}) | "
                             f"{np.mean(plain):.3f} ± {np.std(plain):.3f} | {np.mean(reg):.3f} ± {np.std(reg):.3f} |")
            gains.append(f"{conf['space']} {conf['dataset']} ({sample}) {np.mean(plain) - first:+.3f}")
    if not gains:
        raise SystemExit("no study under --runs has 2 or more seeds on the same archs: run one with "
                         "--n at least the table's size (or 'all') and --seeds 0-4")
    write_report(a.out, lines + ["", f"ρ(Ψ) with all draws against one draw: {'; '.join(gains)}."])


if __name__ == "__main__":
    main()
