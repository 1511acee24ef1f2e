"""NB201: Ψ' in a log-rank ensemble with other cheap proxies (AZ-NAS's aggregation), chosen
on one set of archs and tested on another. (recorded)

AZ-NAS (0.913 / 0.900 / 0.886 on NB201) sums the log-ranks of four proxies. Here:

A. Selection. On the 725-arch NB-Suite-Zero NB201 sets (seed-0 study records of
   `--zc-runs` for Ψ'), every ensemble of Ψ' with 0-3 candidates is scored, per dataset.
   Candidates: the file's 11 stored proxies, and AZ-NAS's expressivity and progressivity
   computed with this project's code on the same study's networks and image batch. The
   ensemble with the highest mean ρ over the three datasets is
   `swap_plugin.proxies.ENSEMBLE_MEMBERS`.
B. Test. On the correlation study's 1,000-arch samples (seeds of `--paper-runs`; ~5 % of
   them are also in the 725), the members are computed with this project's own
   implementations (`swap_plugin.proxies`) on the study's networks and image batches
   (weights of (seed, arch), S=16), and the ensemble is correlated with val_accuracy.
C. Transfer. The same members on NB101 and NB301 (stored synflow / jacov, computed
   progressivity).
D. Full space (`--full-runs`: studies of all 15,625 archs run with `swap_ensemble`, whose
   records hold synflow and jacov): ρ and the test accuracy of the arch each score ranks
   first, per draw.

`--scores-out DIR` also writes part B's ensemble as DIR/correlation/nb201/{dataset}/
swap_ensemble/{seed}/scores.json (NASLib's layout, what `swap-nas heatmap` reads).

Computed proxy values go to OUT/{proxy}/{space}_{dataset}_seed{seed}_{settings}.jsonl as
they are computed (resumable; shared by every part that scores the same networks).

    python experiments/ensemble/ensemble.py --zc-runs runs/zc --paper-runs runs/paper \\
        --full-runs runs/full_in16_ens --seeds 0-4 --out runs/explore_ensemble
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch
from scipy.stats import spearmanr
from tqdm import tqdm

from swap_plugin.benchmarks import NB201_TEST_COLUMNS, get_ground_truth
from swap_plugin.metric import regulariser
from swap_plugin.proxies import ENSEMBLE_MEMBERS, PROXIES, log_rank_ensemble
from swap_plugin.proxies.az_nas import expressivity_profile, progressivity_of
from swap_plugin.spaces import get_space
from swap_plugin.studies import PAPER_PRESETS_M, RecordStore, StudyConfig, config_path, parse_seeds, sample_archs
from swap_plugin.studies import paper_reference
from swap_plugin.studies.correlate import record_value, seeded_network, study_inputs
from swap_plugin.studies.report import (OutputExistsError, atomic_write_text, read_json_file, report_head,
                                        write_report)
from swap_plugin.studies.stats import correlations

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
STORED = ("synflow", "nwot", "jacov", "snip", "grad_norm", "epe_nas", "fisher", "l2_norm", "grasp", "flops",
          "params")
COMPUTED = ("expressivity", "progressivity")  # candidates only this project computes
BEFORE = ("reg_swap", "synflow", "jacov")  # the members before progressivity was a candidate
AZ_NAS = paper_reference.anchor("az_nas")["nb201_spearman"]  # its full-space ρ per dataset
STUDY = StudyConfig.from_yaml(config_path("nb201"))  # its samples, S and n are the ones tested


def reg_swap(rec: dict, space: str = "nb201") -> float:
    """Ψ' of a study record with the paper's μ = σ for ``space``."""
    mu = PAPER_PRESETS_M[space]
    return rec["swap"] * regulariser(rec["params"], mu, mu)


def rho(values, y) -> float:
    """Spearman ρ; a NaN score ranks last."""
    return spearmanr(np.nan_to_num(np.asarray(values, float), nan=-np.inf), y)[0]


def study_of(records: Path) -> StudyConfig:
    """The scoring settings of a study's records file (from its resume key)."""
    key = read_json_file(records.with_name(records.name.replace(".jsonl", ".key.json")))
    key.pop("ensemble_members", None)
    return StudyConfig.from_dict(key)


def _work(job) -> dict:
    cfg_dict, seed, arch, key, names = job
    torch.set_num_threads(1)
    cfg = StudyConfig.from_dict(cfg_dict)
    net = seeded_network(get_space(cfg.space), arch, cfg.dataset, seed, cfg.build).train()
    x = study_inputs(cfg, seed)
    rec = {"key": key}
    if "expressivity" in names and "progressivity" in names:  # one profile gives both
        profile = expressivity_profile(net, x)
        rec.update(expressivity=float(profile.sum()), progressivity=progressivity_of(profile))
    return {**rec, **{name: PROXIES[name](net, x) for name in names if name not in rec}}


def computed(cfg: StudyConfig, seed: int, archs: list, names, out: Path, workers: int) -> dict:
    """{name: [value per arch]} of our proxies ``names`` on the study's networks of
    ``seed`` (weights of (seed, arch)) and its image batch; cached per proxy under ``out``."""
    space = get_space(cfg.space)
    keys = [space.hash(a) for a in archs]
    settings = json.dumps(cfg.scoring_key(), sort_keys=True)
    tag = f"{cfg.space}_{cfg.dataset}_seed{seed}_{hashlib.sha256(settings.encode()).hexdigest()[:8]}"
    stores = {n: RecordStore(out / n / f"{tag}.jsonl") for n in names}
    todo = {}
    for a, k in zip(archs, keys):
        missing = tuple(n for n in names if k not in stores[n])
        if missing and k not in todo:
            todo[k] = (cfg.as_dict(), seed, a, k, missing)
    with Pool(workers) as pool:
        for rec in tqdm(pool.imap_unordered(_work, todo.values(), chunksize=4), total=len(todo),
                        desc=f"{cfg.space}/{cfg.dataset} seed {seed}: {'+'.join(names)}"):
            for n in names:
                if n in rec:
                    stores[n].append({"key": rec["key"], n: rec[n]})
    return {n: [stores[n].get(k)[n] for k in keys] for n in names}


def selection(zc_runs: Path, out: Path, workers: int) -> tuple:
    """Part A: rows (dataset, n, members, ρ, ensembles tried) for the best 5 ensembles per
    dataset, the chosen one, the one before and Ψ' alone; and the best 5 by mean ρ over
    the datasets, (mean ρ, members)."""
    rows, by_members = [], {}
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
        ours = computed(study_of(path), 0, archs, COMPUTED, out, workers)
        values.update({n: np.nan_to_num(np.array(v, float), nan=-np.inf) for n, v in ours.items()})
        y = np.array([gt.lookup(a, ds) for a in archs])
        ok = np.isfinite(y) & np.all([~np.isnan(v) for v in values.values()], axis=0)
        scored = []
        for k in (0, 1, 2, 3):
            for extra in itertools.combinations(STORED + COMPUTED, k):
                members = ("reg_swap", *extra)
                ens = log_rank_ensemble({m: values[m][ok] for m in members})
                scored.append((spearmanr(ens, y[ok])[0], members))
        scored.sort(reverse=True)
        named = [s for s in scored if s[1] in (ENSEMBLE_MEMBERS, BEFORE, ("reg_swap",))]
        for r, members in scored[:5] + [s for s in named if s not in scored[:5]]:
            rows.append((ds, int(ok.sum()), members, r, len(scored)))
        for r, members in scored:
            by_members.setdefault(members, []).append(r)
    means = sorted(((float(np.mean(v)), m) for m, v in by_members.items()
                    if len(v) == len({r[0] for r in rows})), reverse=True)
    return rows, means[:5]


def write_scores_json(root: Path, ds: str, seed: int, y, ensemble, n: int) -> Path:
    """The ensemble's correlations in NASLib's layout, for ``swap-nas heatmap``:
    ``root/correlation/nb201/{ds}/swap_ensemble/{seed}/scores.json``."""
    path = root / "correlation" / "nb201" / ds / "swap_ensemble" / str(seed) / "scores.json"
    written_by = "experiments/ensemble/ensemble.py"
    if path.exists():  # a `swap-nas correlate` study's own swap_ensemble file is never replaced
        try:
            old = json.loads(path.read_text())[0].get("written_by")
        except (ValueError, IndexError, AttributeError, UnicodeDecodeError):
            old = None
        if old != written_by:
            raise OutputExistsError(f"{path} exists and was not written by {written_by}; pass "
                                    "another --scores-out, or move it away (nothing was written)")
    config = {"space": "nb201", "search_space": "nb201", "dataset": ds, "predictor": "swap_ensemble",
              "ensemble_members": list(ENSEMBLE_MEMBERS), "seed": seed, "n": n, "test_size": n,
              "samples": STUDY.samples, "metric": "val_accuracy", "written_by": written_by}
    atomic_write_text(path, json.dumps([config, correlations(y, ensemble)]) + "\n")
    return path


def test_rows(paper_runs: Path, seeds: list, out: Path, workers: int, n: int = STUDY.n,
              scores_out: Path = None) -> list:
    """Part B rows: (dataset, seed, n, {name: ρ}, {score: test % of its top-ranked arch});
    seed by seed, so a partial run has all datasets. ``scores_out``: also write the
    ensemble's ``scores.json`` tree there."""
    space = get_space("nb201")
    rows = []
    for seed in seeds:
        for ds in DATASETS:
            gt = get_ground_truth("nb201", ds)
            path = paper_runs / "correlation" / "nb201" / ds / f"records_seed{seed}.jsonl"
            study = RecordStore(path)
            archs = sample_archs(gt, ds, STUDY.n, seed)[:n]
            values = {"reg_swap": [reg_swap(study.get(space.hash(a))) for a in archs],
                      **computed(study_of(path), seed, archs, tuple(PROXIES), out, workers)}
            y = [gt.lookup(a, ds, "val_accuracy") for a in archs]
            test = np.array([gt.lookup(a, ds, NB201_TEST_COLUMNS[ds]) for a in archs])
            values["before"] = log_rank_ensemble({m: values[m] for m in BEFORE})
            values["ensemble"] = log_rank_ensemble({m: values[m] for m in ENSEMBLE_MEMBERS})
            rhos = {name: rho(v, y) for name, v in values.items()}
            if scores_out is not None:
                write_scores_json(scores_out, ds, seed, y, values["ensemble"], len(archs))
            # what a search that finds each score's maximum in this sample would return
            top1 = {name: float(test[np.argmax(np.nan_to_num(np.asarray(values[name], float), nan=-np.inf))])
                    for name in ("reg_swap", "before", "ensemble")}
            top1["best in the sample"] = float(test.max())
            rows.append((ds, seed, len(archs), rhos, top1))
            print(rows[-1], flush=True)
    return rows


# Part C sets: (space, records of seed 0 under which runs root, ground-truth source)
TRANSFER = (("nb101", "zc_runs", "zc"), ("nb301", "paper_runs", None))


def transfer(space: str, runs: Path, source, out: Path, workers: int) -> list:
    """Part C rows: (member, n, ρ) on a space's seed-0 study records: the file's stored
    synflow / jacov (NB-Suite-Zero values), our progressivity on the study's networks, Ψ'
    with the paper's μ = σ."""
    path = runs / "correlation" / space / "cifar10" / "records_seed0.jsonl"
    if not path.exists():
        return []
    gt = get_ground_truth(space, "cifar10", source=source)
    recs = list(RecordStore(path))
    archs = [_as_arch(r["arch"]) for r in recs]
    y = np.array([gt.lookup(a, "cifar10") for a in archs])
    ours = [m for m in ENSEMBLE_MEMBERS if m in COMPUTED]
    values = {"reg_swap": np.array([reg_swap(r, space) for r in recs]),
              **{m: np.array([gt.proxy(a, "cifar10", m, missing=float("nan")) for a in archs], dtype=float)
                 for m in ENSEMBLE_MEMBERS if m not in ours and m != "reg_swap"},
              **{m: np.nan_to_num(np.array(v, float), nan=-np.inf)
                 for m, v in computed(study_of(path), 0, archs, tuple(ours), out, workers).items()}}
    ok = np.isfinite(y) & np.all([~np.isnan(v) for v in values.values()], axis=0)
    rows = [(m, int(ok.sum()), spearmanr(v[ok], y[ok])[0]) for m, v in values.items()]
    ens = log_rank_ensemble({m: v[ok] for m, v in values.items()})
    return rows + [("ensemble", int(ok.sum()), spearmanr(ens, y[ok])[0])]


def _as_arch(value):
    """A record's JSON arch back to the tuple form the ground truth keys on."""
    return tuple(_as_arch(v) for v in value) if isinstance(value, list) else value


def full_space(full_runs: list, out: Path, workers: int) -> list:
    """Part D rows: (dataset, seed, n, {score: (ρ, test % of its top-ranked arch)}) on
    whole-space studies whose records hold the ensemble's stored members."""
    rows = []
    gt = get_ground_truth("nb201")
    for root in full_runs:
        for path in sorted(Path(root).glob("correlation/nb201/*/records_seed*.jsonl")):
            ds, seed = path.parent.name, int(path.stem.split("seed")[1])
            recs = list(RecordStore(path))
            if not all(record_value(r, "synflow", None) is not None for r in recs):  # no ensemble members
                continue
            archs = [tuple(r["arch"]) for r in recs]
            y = np.array([gt.lookup(a, ds) for a in archs])
            test = np.array([gt.lookup(a, ds, NB201_TEST_COLUMNS[ds]) for a in archs])
            stored = [m for m in PROXIES if record_value(recs[0], m, None) is not None]
            ours = computed(study_of(path), seed, archs, tuple(m for m in PROXIES if m not in stored), out, workers)
            values = {"reg_swap": [reg_swap(r) for r in recs],  # one column order for every row
                      **{m: [record_value(r, m) for r in recs] if m in stored else ours[m] for m in PROXIES}}
            scores = {**values, "ensemble": log_rank_ensemble({m: values[m] for m in ENSEMBLE_MEMBERS}),
                      "before": log_rank_ensemble({m: values[m] for m in BEFORE})}
            res = {}
            for name, v in scores.items():
                v = np.nan_to_num(np.asarray(v, float), nan=-np.inf)
                res[name] = (spearmanr(v, y)[0], float(test[np.argmax(v)]))
            rows.append((ds, seed, len(archs), res))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zc-runs", type=Path, default=Path("runs/zc"))
    ap.add_argument("--paper-runs", type=Path, default=Path("runs/paper"))
    ap.add_argument("--full-runs", type=Path, nargs="*", default=[],
                    help="whole-space studies run with swap_ensemble (part D)")
    ap.add_argument("--seeds", default="0-4")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--n", type=int, default=STUDY.n, help="the first n archs of each study sample")
    ap.add_argument("--out", type=Path, default=Path("runs/explore_ensemble"))
    ap.add_argument("--report", default=str(Path(__file__).with_name("report.md")))
    ap.add_argument("--scores-out", type=Path, default=None,
                    help="also write part B's ensemble as a NASLib-layout scores.json tree here "
                         "(for swap-nas heatmap)")
    a = ap.parse_args(argv)
    if a.n < 3:
        raise SystemExit("--n must be >= 3 (a rank correlation needs archs)")
    a.out.mkdir(parents=True, exist_ok=True)
    sel, best_mean = selection(a.zc_runs, a.out, a.workers)
    test = test_rows(a.paper_runs, parse_seeds(a.seeds), a.out, a.workers, a.n, a.scores_out)
    chosen, before = " + ".join(ENSEMBLE_MEMBERS), " + ".join(BEFORE)
    lines = report_head("NB201: Ψ' in a log-rank ensemble (AZ-NAS's aggregation), selected and tested",
                        __file__, argv)
    lines += [f"Ensemble score of an arch: Σ over members of log(rank / n) within the set of archs "
              f"(`swap_plugin.proxies.log_rank_ensemble`). Ψ' = Ψ · f(Θ), paper formula, μ = σ = {PAPER_PRESETS_M['nb201']} M, "
              f"S = {STUDY.samples}. ρ: Spearman against val_accuracy. ImageNet16-120 uses the stand-in images. "
              f"Members now: `{chosen}`; before progressivity was a candidate: `{before}`.", "",
              "## A. Selection on the 725-arch NB-Suite-Zero sets (stored proxies, our AZ-NAS proxies, seed-0 Ψ')", "",
              f"Every ensemble of Ψ' with 0-3 of {len(STORED)} stored proxies and {len(COMPUTED)} computed ones "
              f"({', '.join(COMPUTED)}: this project's code on the seed-0 study's networks and batch) was scored; "
              "the top 5 per dataset, the chosen members, the members before and Ψ' alone:", "",
              "| dataset | archs | members | ρ | ensembles tried |", "|---|---:|---|---:|---:|"]
    lines += [f"| {ds} | {n} | {' + '.join(m)} | {r:.3f} | {k} |" for ds, n, m, r, k in sel]
    lines += ["", "The rule: the highest mean ρ over the datasets. Best 5:", "",
              "| members | mean ρ | chosen |", "|---|---:|---|"]
    lines += [f"| {' + '.join(m)} | {r:.3f} | {'yes' if m == ENSEMBLE_MEMBERS else ''} |" for r, m in best_mean]
    names = ["reg_swap", *PROXIES, "before", "ensemble"]
    lines += ["", f"## B. Test on the study's samples ({a.n} archs each), seeds {a.seeds} (our implementations)", "",
              f"`before`: the ensemble `{before}`; `ensemble`: `{chosen}`.", "",
              "| dataset | " + " | ".join(names) + " | AZ-NAS (paper, full space) |",
              "|---|" + "---:|" * (len(names) + 1)]
    for ds in DATASETS:
        per = [r for r in test if r[0] == ds]
        if not per:
            continue
        cells = []  # mean ± std over seeds
        for name in names:
            v = np.array([r[3][name] for r in per])
            cells.append(f"{v.mean():.3f} ± {v.std():.3f}" if len(v) > 1 else f"{v[0]:.3f}")
        lines.append(f"| {ds} | " + " | ".join(cells) + f" | {AZ_NAS[ds]:.3f} |")
    lines += ["", "Per seed:", "", "| dataset | seed | archs | " + " | ".join(names) + " |",
              "|---|---:|---:|" + "---:|" * len(names)]
    lines += [f"| {ds} | {s} | {n} | " + " | ".join(f"{r[k]:.3f}" for k in names) + " |"
              for ds, s, n, r, _ in test]
    tops = ("reg_swap", "before", "ensemble", "best in the sample")
    lines += ["", "Top-1, mean over the seeds: the 200-epoch test accuracy (%) of the arch each score ranks "
              "first in the sample (what a search that finds the score's maximum among these archs returns):", "",
              "| dataset | " + " | ".join(tops) + " |", "|---|" + "---:|" * len(tops)]
    for ds in DATASETS:
        per = [r for r in test if r[0] == ds]
        if per:
            lines.append(f"| {ds} | " + " | ".join(f"{np.mean([r[4][t] for r in per]):.2f}" for t in tops) + " |")
    for k, (space, runs, source) in enumerate(TRANSFER, 1):
        rows = transfer(space, getattr(a, runs), source, a.out, a.workers)
        if not rows:
            continue
        lines += ["", f"## C.{k} The same members on {space.upper()} (seed-0 study records, the "
                  f"ground truth's stored synflow / jacov, our progressivity, Ψ' with the paper's "
                  f"μ = σ = {PAPER_PRESETS_M[space]} M)", "",
                  "| member | archs | ρ |", "|---|---:|---:|"]
        lines += [f"| {m} | {n} | {r:.3f} |" for m, n, r in rows]
        rhos = {m: r for m, _, r in rows}
        if rhos["ensemble"] < rhos["reg_swap"]:
            worst = min((m for m in rhos if m != "ensemble"), key=rhos.get)
            lines += ["", f"On {space.upper()} the ensemble ({rhos['ensemble']:.3f}) falls below Ψ' alone "
                      f"({rhos['reg_swap']:.3f}); its weakest member there is {worst} ({rhos[worst]:.3f}). "
                      "The members are chosen and tested for NB201 only."]
    full = full_space(a.full_runs, a.out, a.workers)
    if full:
        scores = list(full[0][3])
        lines += ["", "## D. The whole NB201 space (one draw of weights and batch per seed)", "",
                  "ρ against val_accuracy; top-1: the 200-epoch test accuracy (%) of the arch the score ranks "
                  "first, what a search that finds the score's maximum returns. Members the study's records "
                  "hold (its swap_ensemble members) are read from them, the rest computed on the same networks.", "",
                  "| dataset | seed | archs | " + " | ".join(f"{s} ρ / top-1" for s in scores) + " | AZ-NAS ρ |",
                  "|---|---:|---:|" + "---:|" * (len(scores) + 1)]
        lines += [f"| {ds} | {s} | {n} | " + " | ".join(f"{r[x][0]:.3f} / {r[x][1]:.2f}" for x in scores)
                  + f" | {AZ_NAS[ds]:.3f} |" for ds, s, n, r in full]
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
