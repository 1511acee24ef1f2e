"""NB201 exploration: which scoring settings rank best, overall and at the top.

For each variant (scoring network, S) and dataset, the same 1,000 archs (seed 0) are
scored; the table gives Spearman ρ against NB-Suite-Zero val_accuracy (the paper's
metric) and — what a search cares about — the mean 200-epoch TEST accuracy of the top-1
and top-10 archs by the fitness. reg_swap is evaluated post hoc for several (μ, σ).

The base variant (C=16, N=5, S=16) is configs/nb201.yaml itself, so pointing --out at
an existing study root reuses its records.

    python experiments/nb201_settings/nb201_settings.py --datasets cifar100 ImageNet16-120 --out runs/paper
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy import stats

from swap_plugin.benchmarks import NB201_TEST_COLUMNS, get_ground_truth
from swap_plugin.metric import regulariser
from swap_plugin.spaces import get_space
from swap_plugin.studies import RecordStore, StudyConfig, config_path, run_study, sample_archs
from swap_plugin.studies.correlate import study_dir
from swap_plugin.studies.report import report_head, write_report

TEST_COLUMN = NB201_TEST_COLUMNS
# (label, build, S); the first is configs/nb201.yaml
VARIANTS = [
    ("C=16 N=5 (benchmark), S=16", {"C": 16, "N": 5}, 16),
    ("C=16 N=5, S=24", {"C": 16, "N": 5}, 24),
    ("C=16 N=5, S=32", {"C": 16, "N": 5}, 32),
    ("C=8 N=5, S=16", {"C": 8, "N": 5}, 16),
    ("C=16 N=1, S=16", {"C": 16, "N": 1}, 16),
]
MU_SIGMA = [(1.5, 1.5), (1.0, 1.5), (1.0, 1.0)]


def variant_rows(label, build, S, dataset, n, workers, out):
    cfg = StudyConfig.from_yaml(config_path("nb201"), dataset=dataset, n=n, seeds=[0],
                                samples=S, workers=workers, proxies=["swap", "reg_swap", "params"], build=build)
    base = VARIANTS[0]
    cfg.out = out if (build, S) == (base[1], base[2]) else str(Path(out) / "explore" / f"C{build['C']}_N{build['N']}_S{S}")
    try:
        run_study(cfg, progress=False)
    except ValueError as e:  # CIFAR-100 has 20 images here: larger S feeds CIFAR-10 images
        if "images but the source has only" not in str(e):
            raise
        cfg.images, cfg.out = "cifar10", cfg.out + "_cifar10_images"
        label += " (CIFAR-10 images)"
        run_study(cfg, progress=False)
    gt = get_ground_truth("nb201", dataset)
    space = get_space("nb201")
    store = RecordStore(study_dir(cfg) / "records_seed0.jsonl")
    archs = sample_archs(gt, dataset, n, 0)
    recs = [store.get(space.hash(a)) for a in archs]
    val = np.array([gt.lookup(a, dataset) for a in archs])
    test = np.array([gt.lookup(a, dataset, TEST_COLUMN[dataset]) for a in archs])
    swap = np.array([r["swap"] for r in recs])
    theta = np.array([r["params"] for r in recs])
    secs = np.mean([r["build_seconds"] + r["score_seconds"] for r in recs])
    fits = [("swap", swap)] + [(f"reg_swap μ={m} σ={s}", swap * np.array([regulariser(t, m, s) for t in theta]))
                               for m, s in MU_SIGMA]
    rows = []
    for name, f in fits:
        order = np.argsort(-f, kind="stable")
        rows.append((dataset, label, name, stats.spearmanr(f, val)[0], test[order[0]], test[order[:10]].mean(), secs))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="+", default=["cifar100", "ImageNet16-120"])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="runs/paper")
    ap.add_argument("--report", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    rows = []
    for ds in a.datasets:
        gt = get_ground_truth("nb201", ds)
        best = max(gt.lookup(x, ds, TEST_COLUMN[ds]) for x in gt.archs(ds))
        for label, build, S in VARIANTS:
            rows += variant_rows(label, build, S, ds, a.n, a.workers, a.out)
            print(rows[-1], flush=True)
        rows.append((ds, "best in space", "", float("nan"), best, float("nan"), float("nan")))
    title = "NB201: scoring settings, correlation and the top of the ranking (seed 0)"
    lines = report_head(title, __file__, argv) + [
             f"{a.n} archs per dataset (the seed-0 sample of the correlation study). ρ: Spearman against "
             "NB-Suite-Zero val_accuracy. top-1 / top-10: mean 200-epoch test accuracy (%) of the archs the "
             "fitness ranks first, what a search driven by it can at best return from these archs. "
             "ImageNet16-120 is scored on the stand-in images.", "",
             "| dataset | scoring network, S | fitness | ρ | top-1 test | top-10 test | s / arch |",
             "|---|---|---|---:|---:|---:|---:|"]
    for ds, label, name, rho, t1, t10, s in rows:
        lines.append(f"| {ds} | {label} | {name} | {rho:.3f} | {t1:.2f} | {t10:.2f} | {s:.3f} |"
                     .replace("nan", "—"))
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
