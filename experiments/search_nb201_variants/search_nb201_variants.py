#!/usr/bin/env python
"""One table of every NB201 search report: standalone (``scripts/search_nb201.py``) and
under NASLib's Trainer (``scripts/search_nb201_naslib.py``), against the targets.

Reads the per-seed JSONs those scripts write beside their markdown reports (the paper's
run in results/, the variants in this folder); runs nothing.

    python experiments/search_nb201_variants/search_nb201_variants.py   # writes report.md here
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from swap_plugin.studies.paper_reference import search_nb201_targets
from swap_plugin.studies.report import read_json_file, report_head, write_report

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# the targets: mean test accuracy (%) of the found arch over 10 seeds
TARGETS = search_nb201_targets()
STANDALONE = ["search_nb201.json", "search_nb201_init_per_seed.json", "search_nb201_mu1.json",
              "search_nb201_in16_mu1.json", "search_nb201_in16_mu1_c200.json",
              "search_nb201_in16_ensemble.json", "search_nb201_cifar_ensemble.json"]
TRAINER = ["search_nb201_naslib.json", "search_nb201_naslib_in16_mu1.json",
           "search_nb201_naslib_in16_ensemble.json"]


def _mean_std(values) -> str:
    v = np.asarray(values, float)
    return f"{v.mean():.2f} ± {v.std():.2f}"


def _fitness(s: dict) -> str:
    mu, sigma = s.get("mu", s.get("swap_mu")), s.get("sigma", s.get("swap_sigma"))
    if s.get("fitness", s.get("proxy")) in ("ensemble", "swap_ensemble"):
        ref = s.get("reference", s.get("ensemble_reference"))
        return f"rank ensemble, {ref}-arch reference (Ψ' μ = σ = {mu:g} M)"
    return f"Ψ', μ = σ = {mu:g} M" if mu == sigma else f"Ψ', μ = {mu:g} M, σ = {sigma:g} M"


def standalone_rows(path: Path) -> list:
    d = read_json_file(path)
    s = d["settings"]
    budget = f"{s['population_size']} + {s['cycles']} cycles"
    draws = "own per seed" if s.get("init_per_seed") else "one, shared"
    out = []
    for ds in dict.fromkeys(r["dataset"] for r in d["rows"]):
        rs = [r for r in d["rows"] if r["dataset"] == ds]
        out.append((ds, "standalone", _fitness(s), draws, budget, len(rs),
                    np.mean([r["evaluations"] for r in rs]), [r["swap_nas"]["test"] for r in rs],
                    _mean_std([r["random_regswap"]["test"] for r in rs]),
                    _mean_std([r["re_val_acc"]["test"] for r in rs]),
                    np.mean([r["swap_nas"]["seconds"] for r in rs]), path.name))
    return out


def trainer_rows(path: Path) -> list:
    d = read_json_file(path)
    s = d["settings"]
    budget = f"{s['population_size']} + {s['epochs'] - 1} cycles"
    out = []
    for ds in dict.fromkeys(r["dataset"] for r in d["rows"]):
        rs = [r for r in d["rows"] if r["dataset"] == ds]
        out.append((ds, "NASLib Trainer", _fitness(s), "NASLib's, own per seed", budget, len(rs),
                    np.mean([r["evaluations"] for r in rs]), [r["test"] for r in rs], "—", "—",
                    np.mean([r["wall_seconds"] for r in rs]), path.name))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--results", type=Path, nargs="+", default=[REPO / "results", HERE],
                   help="folders of the JSONs, searched in this order (default: results/, then this folder)")
    p.add_argument("--out", type=Path, default=HERE / "report.md")
    a = p.parse_args(argv)
    rows, missing = [], []
    for names, read in ((STANDALONE, standalone_rows), (TRAINER, trainer_rows)):
        for name in names:
            path = next((d / name for d in a.results if (d / name).exists()), None)
            if path is not None:
                rows += read(path)
            else:
                missing.append(name)
    if not rows:
        raise SystemExit(f"no search JSONs in {', '.join(map(str, a.results))}: "
                         "run scripts/search_nb201.py first")
    order = list(TARGETS)
    rows.sort(key=lambda r: order.index(r[0]))
    lines = report_head("SWAP-NAS on NAS-Bench-201: every search report against the targets",
                        __file__, argv)
    lines += ["Test accuracy (%) of the arch each search returns (NB201 200-epoch test columns), mean ± std "
              "over seeds; target: the mean the search should reach. Random search and RE (regularized "
              "evolution on the benchmark's validation accuracy) get the same number of evaluations E as "
              "SWAP-NAS and exist for the standalone runs only. Seconds: standalone = summed scoring time "
              "(including an ensemble's reference archs); Trainer = wall time of the whole NASLib run. "
              "ImageNet16-120 is scored on the stand-in images. Draws: the weights and image batch the "
              "networks are scored with.", "",
              "| dataset | target | where | fitness | draws | budget | seeds | E | SWAP-NAS | ≥ target | "
              "random search | RE on true acc. | s per search | report (JSON) |",
              "|---|---:|---|---|---|---|---:|---:|---|---|---|---|---:|---|"]
    for ds, where, fit, draws, budget, n, e, tests, rnd, re_, sec, name in rows:
        ok = "yes" if np.mean(tests) >= TARGETS[ds] else "no"
        lines.append(f"| {ds} | {TARGETS[ds]:g} | {where} | {fit} | {draws} | {budget} | {n} | {e:.0f} | "
                     f"{_mean_std(tests)} | {ok} | {rnd} | {re_} | {sec:.0f} | {name} |")
    if missing:
        lines += ["", "Not found (not run yet): " + ", ".join(missing)]
    write_report(a.out, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
