"""NB201: Ψ' in a log-rank ensemble with other cheap proxies (AZ-NAS's aggregation), chosen
on one set of archs and tested on another. (recorded)

AZ-NAS (0.913 / 0.900 / 0.886 on NB201) sums the log-ranks of four proxies. Here:

A. Selection. On the 725-arch NB-Suite-Zero NB201 sets (seed-0 study records of
   `--zc-runs` for Ψ', the file's stored proxies for the rest), every ensemble of Ψ' with
   1-3 of the 11 stored proxies is scored, per dataset. The best, the same on all three
   datasets, is `swap_plugin.proxies.ENSEMBLE_MEMBERS`.
B. Test. On the correlation study's 1,000-arch samples (seeds of `--paper-runs`; ~5 % of
   them are also in the 725), the members are computed with this project's own
   implementations (`swap_plugin.proxies`) on the study's networks and image batches
   (weights of (seed, arch), S=16), and the ensemble is correlated with val_accuracy.

C. Transfer. The same members on NB101 and NB301 (stored synflow / jacov, no compute).

Per-arch values go to OUT/{dataset}_seed{seed}.jsonl as they are computed (resumable).

    python scripts/explore_ensemble.py --zc-runs /work/runs/zc --paper-runs /work/runs/paper \\
        --seeds 0-4 --out /work/runs/explore_ensemble
"""
from __future__ import annotations

import argparse
import itertools
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch
from scipy.stats import spearmanr
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _report import report_head, write_report  # noqa: E402
from swap_plugin.benchmarks import get_ground_truth  # noqa: E402
from swap_plugin.data import load_batch  # noqa: E402
from swap_plugin.metric import regulariser  # noqa: E402
from swap_plugin.proxies import ENSEMBLE_MEMBERS, PROXIES, log_rank_ensemble  # noqa: E402
from swap_plugin.spaces import get_space  # noqa: E402
from swap_plugin.studies import PAPER_PRESETS_M, RecordStore, StudyConfig, parse_seeds, sample_archs  # noqa: E402
from swap_plugin.studies.correlate import seeded_network  # noqa: E402

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
STORED = ("synflow", "nwot", "jacov", "snip", "grad_norm", "epe_nas", "fisher", "l2_norm", "grasp", "flops",
          "params")
AZ_NAS = {"cifar10": 0.913, "cifar100": 0.900, "ImageNet16-120": 0.886}
STUDY = StudyConfig.from_yaml(ROOT / "configs" / "nb201.yaml")  # its samples, S and n are the ones tested


def reg_swap(rec: dict, space: str = "nb201") -> float:
    """Ψ' of a study record with the paper's μ = σ for ``space``."""
    mu = PAPER_PRESETS_M[space]
    return rec["swap"] * regulariser(rec["params"], mu, mu)


def selection(zc_runs: Path) -> list:
    """Part A rows: (dataset, n, members, ρ) for the best 5 ensembles and the chosen one."""
    rows = []
    for ds in DATASETS:
        path = zc_runs / "correlation" / "nb201" / ds / "records_seed0.jsonl"
        if not path.exists():
            continue
        gt = get_ground_truth("nb201", ds, source="zc")
        recs = list(RecordStore(path))
        archs = [tuple(r["arch"]) for r in recs]
        values = {"reg_swap": np.array([reg_swap(r) for r in recs])}
        for name in STORED:
            values[name] = np.array([gt.proxy(a, ds, name, missing=float("nan")) for a in archs], dtype=float)
        y = np.array([gt.lookup(a, ds) for a in archs])
        ok = np.isfinite(y) & np.all([np.isfinite(v) for v in values.values()], axis=0)
        scored = []
        for k in (0, 1, 2, 3):
            for extra in itertools.combinations(STORED, k):
                members = ("reg_swap", *extra)
                ens = log_rank_ensemble({m: values[m][ok] for m in members})
                scored.append((spearmanr(ens, y[ok])[0], members))
        scored.sort(reverse=True)
        chosen = [s for s in scored if s[1] == ENSEMBLE_MEMBERS]
        alone = [s for s in scored if s[1] == ("reg_swap",)]
        for rho, members in scored[:5] + [s for s in chosen + alone if s not in scored[:5]]:
            rows.append((ds, int(ok.sum()), members, rho, len(scored)))
    return rows


# Part C sets: (space, records of seed 0 under which runs root, ground-truth source)
TRANSFER = (("nb101", "zc_runs", "zc"), ("nb301", "paper_runs", None))


def transfer(space: str, runs: Path, source) -> list:
    """Part C rows: (member, n, ρ) on a space's seed-0 study records, the file's stored
    synflow / jacov (NB-Suite-Zero values), Ψ' with the paper's μ = σ."""
    path = runs / "correlation" / space / "cifar10" / "records_seed0.jsonl"
    if not path.exists():
        return []
    gt = get_ground_truth(space, "cifar10", source=source)
    recs = list(RecordStore(path))
    archs = [_as_arch(r["arch"]) for r in recs]
    y = np.array([gt.lookup(a, "cifar10") for a in archs])
    values = {"reg_swap": np.array([reg_swap(r, space) for r in recs]),
              **{m: np.array([gt.proxy(a, "cifar10", m, missing=float("nan")) for a in archs], dtype=float)
                 for m in ENSEMBLE_MEMBERS if m != "reg_swap"}}
    ok = np.isfinite(y) & np.all([np.isfinite(v) for v in values.values()], axis=0)
    rows = [(m, int(ok.sum()), spearmanr(v[ok], y[ok])[0]) for m, v in values.items()]
    ens = log_rank_ensemble({m: v[ok] for m, v in values.items()})
    return rows + [("ensemble", int(ok.sum()), spearmanr(ens, y[ok])[0])]


def _as_arch(value):
    """A record's JSON arch back to the tuple form the ground truth keys on."""
    return tuple(_as_arch(v) for v in value) if isinstance(value, list) else value


def _work(job) -> dict:
    ds, seed, arch, key = job
    torch.set_num_threads(1)
    space = get_space("nb201")
    net = seeded_network(space, arch, ds, seed).train()
    x = load_batch(ds, STUDY.samples, seed=seed)
    return {"key": key, **{name: fn(net, x) for name, fn in PROXIES.items()}}


def test_rows(paper_runs: Path, seeds: list, out: Path, workers: int, n: int = STUDY.n) -> list:
    """Part B rows: (dataset, seed, n, {name: ρ}); seed by seed, so a partial run has all datasets."""
    space = get_space("nb201")
    rows = []
    for seed in seeds:
        for ds in DATASETS:
            gt = get_ground_truth("nb201", ds)
            study = RecordStore(paper_runs / "correlation" / "nb201" / ds / f"records_seed{seed}.jsonl")
            archs = sample_archs(gt, ds, STUDY.n, seed)[:n]
            keys = [space.hash(a) for a in archs]
            store = RecordStore(out / f"{ds}_seed{seed}.jsonl")
            todo = [(ds, seed, a, k) for a, k in zip(archs, keys) if k not in store]
            with Pool(workers) as pool:
                for rec in tqdm(pool.imap_unordered(_work, todo, chunksize=4), total=len(todo),
                                desc=f"{ds} seed {seed}"):
                    store.append(rec)
            values = {"reg_swap": [reg_swap(study.get(k)) for k in keys],
                      **{name: [store.get(k)[name] for k in keys] for name in PROXIES}}
            y = [gt.lookup(a, ds, "val_accuracy") for a in archs]
            rhos = {name: spearmanr(np.nan_to_num(np.asarray(v, float), nan=-np.inf), y)[0]
                    for name, v in values.items()}
            rhos["ensemble"] = spearmanr(log_rank_ensemble({m: values[m] for m in ENSEMBLE_MEMBERS}), y)[0]
            rows.append((ds, seed, len(archs), rhos))
            print(rows[-1], flush=True)
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zc-runs", type=Path, default=Path("runs/zc"))
    ap.add_argument("--paper-runs", type=Path, default=Path("runs/paper"))
    ap.add_argument("--seeds", default="0-4")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--n", type=int, default=STUDY.n, help="the first n archs of each study sample")
    ap.add_argument("--out", type=Path, default=Path("runs/explore_ensemble"))
    ap.add_argument("--report", default="results/explore_ensemble.md")
    a = ap.parse_args(argv)
    if a.n < 3:
        raise SystemExit("--n must be >= 3 (a rank correlation needs archs)")
    a.out.mkdir(parents=True, exist_ok=True)
    sel = selection(a.zc_runs)
    test = test_rows(a.paper_runs, parse_seeds(a.seeds), a.out, a.workers, a.n)
    lines = report_head("NB201: Ψ' in a log-rank ensemble (AZ-NAS's aggregation), selected and tested",
                        __file__, argv)
    lines += [f"Ensemble score of an arch: Σ over members of log(rank / n) within the set of archs "
              f"(`swap_plugin.proxies.log_rank_ensemble`). Ψ' = Ψ · f(Θ), paper formula, μ = σ = {PAPER_PRESETS_M['nb201']} M, "
              f"S = {STUDY.samples}. ρ: Spearman against val_accuracy. ImageNet16-120 uses the stand-in images.", "",
              "## A. Selection on the 725-arch NB-Suite-Zero sets (stored proxies, seed-0 Ψ')", "",
              f"Every ensemble of Ψ' with 0-3 of {len(STORED)} stored proxies was scored; the top 5 per "
              f"dataset, the chosen members `{' + '.join(ENSEMBLE_MEMBERS)}` and Ψ' alone:", "",
              "| dataset | archs | members | ρ | ensembles tried |", "|---|---:|---|---:|---:|"]
    lines += [f"| {ds} | {n} | {' + '.join(m)} | {rho:.3f} | {k} |" for ds, n, m, rho, k in sel]
    names = ["reg_swap", *PROXIES, "ensemble"]
    lines += ["", f"## B. Test on the study's samples ({a.n} archs each), seeds {a.seeds} (our implementations)", "",
              "| dataset | " + " | ".join(names) + " | AZ-NAS (paper) |",
              "|---|" + "---:|" * (len(names) + 1)]
    for ds in DATASETS:
        per = [r for r in test if r[0] == ds]
        if not per:
            continue
        cells = []
        for name in names:
            v = np.array([r[3][name] for r in per])
            cells.append(f"{v.mean():.3f} ± {v.std():.3f}" if len(v) > 1 else f"{v[0]:.3f}")
        lines.append(f"| {ds} | " + " | ".join(cells) + f" | {AZ_NAS[ds]:.3f} |")
    lines += ["", "Per seed:", "", "| dataset | seed | archs | " + " | ".join(names) + " |",
              "|---|---:|---:|" + "---:|" * len(names)]
    lines += [f"| {ds} | {s} | {n} | " + " | ".join(f"{r[k]:.3f}" for k in names) + " |"
              for ds, s, n, r in test]
    for k, (space, runs, source) in enumerate(TRANSFER, 1):
        rows = transfer(space, getattr(a, runs), source)
        if not rows:
            continue
        lines += ["", f"## C.{k} The same members on {space.upper()} (seed-0 study records, the "
                  f"ground truth's stored synflow / jacov, Ψ' with the paper's μ = σ = {PAPER_PRESETS_M[space]} M)", "",
                  "| member | archs | ρ |", "|---|---:|---:|"]
        lines += [f"| {m} | {n} | {rho:.3f} |" for m, n, rho in rows]
        rho = {m: r for m, _, r in rows}
        if rho["ensemble"] < rho["reg_swap"]:
            worst = min((m for m in rho if m != "ensemble"), key=rho.get)
            lines += ["", f"On {space.upper()} the ensemble ({rho['ensemble']:.3f}) falls below Ψ' alone "
                      f"({rho['reg_swap']:.3f}); its weakest member there is {worst} ({rho[worst]:.3f}). "
                      "The members are chosen and tested for NB201 only."]
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
