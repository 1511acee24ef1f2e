"""Why NB101 ρ depends on the arch set: the uniform 1,000 vs NAS-Bench-Suite-Zero's 500.

The two NB101 sets in ../shared/data give params alone ρ 0.48 and 0.72. This shows why:

* ``nb101_1000_decoded.json`` holds the first 1,000 of NB101's 423,624 archs in hash
  order. The hashes are MD5 digests, so this is a uniform sample of the space (the report
  checks the order and the last hash's prefix).
* The NB-Suite-Zero file holds far more weak archs. A wider accuracy spread is easier
  to rank, so every proxy's ρ is higher there.

For each set the report gives the accuracy percentiles, the share of archs below 85 %, and
params ρ computed here. With ``--runs`` (`swap-nas correlate` output trees) it adds the
mean ρ of each proxy found there; with ``--member-runs`` (studies that scored
``swap_ensemble``) the ρ of this project's SynFlow, Jacobian covariance and progressivity,
read from the members in their records.

    python experiments/nb101_sets/nb101_sets.py --runs runs/corr15 runs/zc14 \
        --member-runs runs/s16/nb101_members --command-file CMDS
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Dict, Optional, Sequence

import numpy as np
from scipy import stats

from swap_plugin.benchmarks import get_ground_truth
from swap_plugin.paths import data_file
from swap_plugin.proxies import ENSEMBLE_MEMBERS
from swap_plugin.spaces import get_space
from swap_plugin.studies import RecordStore, sample_archs
from swap_plugin.studies.correlate import record_value
from swap_plugin.studies.heatmap import collect, mean_spearman
from swap_plugin.studies.report import produced_by, read_commands, read_json_file, report_head, write_report

NB101_ARCHS = 423_624
SETS = {None: "uniform 1,000 (nb101_1000_decoded.json)", "zc": "NB-Suite-Zero 500"}
PROXIES = ("swap", "reg_swap", "reg_swap_auto", "flops", "synflow")
WEAK = 85.0  # % validation accuracy


def hash_order_check() -> str:
    """One sentence on the 1,000 set: hash-sorted? how far into the 2**128 hash range?"""
    hashes = [r["hash"] for r in json.loads(data_file("nb101/nb101_1000_decoded.json").read_text())]
    reach = int(hashes[-1], 16) / 16 ** len(hashes[-1])
    return (f"The 1,000 set is {'sorted' if hashes == sorted(hashes) else 'NOT sorted'} by hash; its last "
            f"hash `{hashes[-1][:8]}…` is at {reach:.4%} of the hash range, where "
            f"{reach * NB101_ARCHS:,.0f} of NB101's {NB101_ARCHS:,} uniformly hashed archs would lie.")


def set_stats(source: Optional[str]) -> Dict[str, float]:
    """Accuracy distribution and params ρ of one NB101 ground-truth set (accuracy in %)."""
    gt = get_ground_truth("nb101", "cifar10", source=source)
    archs = gt.archs("cifar10")
    y = np.array([gt.lookup(a, "cifar10") for a in archs], dtype=float)
    y = y * 100 if y.max() <= 1 else y
    space = get_space("nb101")
    params = [space.num_params(a, "cifar10", unit="M") for a in archs]  # = the benchmark's count
    out = {"archs": len(archs), "weak": float(np.mean(y < WEAK)),
           "params": float(stats.spearmanr(params, y)[0])}
    out.update({f"p{q}": float(np.percentile(y, q)) for q in (5, 25, 50, 75, 95)})
    return out


def run_means(runs: Sequence[str]) -> Dict[tuple, float]:
    """{(gt_source, proxy): mean ρ over seeds} of the NB101 records under ``runs``."""
    # only the NB101 part of each tree: the rest is not read (nor warned about)
    trees = [str(Path(r) / "correlation" / "nb101") if (Path(r) / "correlation" / "nb101").is_dir() else r
             for r in runs]
    records = [r for r in collect(trees) if r.space == "nb101" and r.dataset == "cifar10"]
    return mean_spearman(records, "gt_source", "proxy")


def member_means(runs: Sequence[str]) -> Dict[tuple, float]:
    """{(gt_source, member): mean ρ over seeds} of the swap_ensemble members (other than
    reg_swap) recorded by the NB101 studies under ``runs``."""
    space, rhos = get_space("nb101"), {}
    for root in runs:
        for f in sorted(Path(root).glob("correlation/nb101/cifar10/swap_ensemble/*/scores.json")):
            conf, _ = read_json_file(f)
            gt = get_ground_truth("nb101", "cifar10", source=conf.get("gt_source"))
            archs = sample_archs(gt, "cifar10", conf["n"], conf["seed"])
            store = RecordStore(f.parents[2] / f"records_seed{conf['seed']}.jsonl")
            y = [gt.lookup(a, "cifar10", conf["metric"]) for a in archs]
            # the members this study scored (its scores.json names them); reg_swap has its own column
            for m in [m for m in conf.get("ensemble_members", ENSEMBLE_MEMBERS) if m != "reg_swap"]:
                v = [record_value(store.get(space.hash(a)), m) for a in archs]
                rhos.setdefault((conf.get("gt_source"), m), []).append(stats.spearmanr(v, y)[0])
    return {k: float(np.mean(v)) for k, v in rhos.items()}


def main(argv: Optional[Sequence[str]] = None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", nargs="*", default=[], help="correlate output trees to read ρ from")
    ap.add_argument("--member-runs", nargs="*", default=[],
                    help="correlate output trees of studies with swap_ensemble: ρ of its members")
    ap.add_argument("--command-file", default=None, help="the commands that produced the runs (recorded)")
    ap.add_argument("--report", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    means = run_means(a.runs) if a.runs else {}
    means.update({(src, f"{m}, ours"): v for (src, m), v in member_means(a.member_runs).items()})
    ours = list(dict.fromkeys(p for _, p in means if p.endswith(", ours")))
    shown = [p for p in list(PROXIES) + ours if any((s, p) in means for s in SETS)]
    lines = report_head("NB101: the arch set decides the ceiling (uniform sample vs NB-Suite-Zero)",
                        __file__, argv)
    if a.command_file:
        lines += produced_by(read_commands(a.command_file))
    lines += [hash_order_check(), "",
              f"Validation accuracy (%, CIFAR-10, 108 epochs) of each set; weak = below {WEAK:.0f} %. "
              "ρ(params) is computed here from the ground truth."
              + (" The other ρ columns are the mean over the seeds in the runs given; `synflow` is "
                 "NB-Suite-Zero's stored value, `…, ours` this project's proxy on the study's network and "
                 "batch." if shown else ""), "",
              "| set | archs | p5 | p25 | p50 | p75 | p95 | weak | ρ(params) |"
              + "".join(f" ρ({p}) |" for p in shown),
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(shown)]
    for source, label in SETS.items():
        s = set_stats(source)
        cells = [label, str(s["archs"])] + [f"{s[f'p{q}']:.1f}" for q in (5, 25, 50, 75, 95)]
        cells += [f"{s['weak']:.1%}", f"{s['params']:.3f}"]
        cells += [f"{means[(source, p)]:.3f}" if (source, p) in means else "—" for p in shown]
        lines.append("| " + " | ".join(cells) + " |")
    write_report(a.report, lines + [""])


if __name__ == "__main__":
    main()
