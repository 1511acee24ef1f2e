"""SWAP-NAS search quality on NAS-Bench-201, offline and without NASLib
(``scripts/search_nb201.py``).

For each seed and dataset (cifar10, cifar100, ImageNet16-120) three searches with the
same number of architecture evaluations E:

* **SWAP-NAS**: Algorithm 1 (:class:`swap_plugin.search.Evolution`, elitist) with
  fitness = reg_swap (Ψ·exp(-((Θ-μ)/σ)²), μ = σ = 1.5 M) of the NB201 network
  (C=16, N=5, weights seeded per arch) on S=16 images in train mode; the weights and
  the batch use seed 0 in every search (one fitness landscape, as the correlation
  study's seed 0), or the search's own seed with ``--init-per-seed``;
  E = the number of distinct archs it scored.
* **Random (reg_swap)**: the best reg_swap among E uniformly random archs.
* **RE (val acc)**: regularised (ageing) evolution, Real et al. 2019 / NASLib's
  RegularizedEvolution, whose fitness is the benchmark's TRUE 200-epoch validation
  accuracy (``valid_accuracy_200ep``, what NASLib's Metric.VAL_ACCURACY queries);
  E queries. A strong, training-cost-free-only-on-a-benchmark reference.

Every found arch is reported by its NB201 200-epoch test accuracy
(``test_acc_cifar10_trainval_200ep`` / ``test_acc_cifar100_200ep`` /
``test_acc_ImageNet16-120_200ep``). Scores are cached per (dataset, arch) in a JSONL
file (with the seconds each took), so seeds reuse them and a killed run resumes;
finished (seed, dataset) rows are kept in a JSON file and skipped on rerun. The
wall time reported for the proxy searches is the summed scoring time of the archs
each search evaluated (independent of cache hits), plus its own search overhead.

ImageNet16-120 uses ``load_batch("ImageNet16-120", 16)``: a STAND-IN of real ImageNet
images box-downsampled to 16x16 (one per class), not the ImageNet16 pickles.
"""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from ..benchmarks import NB201_TEST_COLUMNS, get_ground_truth
from ..files import OutputExistsError, atomic_write_json, read_json, settings_diff
from ..spaces import get_space
from ..studies import RecordStore
from ..studies.report import write_text_report
from .baselines import random_search, regularized_evolution, swap_nas
from .evolution import EvolutionConfig
from .fitness import CachedEnsembleFitness, RegSwapFitness, ScoreCache

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
TEST_COLUMN = NB201_TEST_COLUMNS
VAL_METRIC = "valid_accuracy_200ep"


@dataclasses.dataclass
class NB201Search:
    """The settings of one sweep (the flags of ``scripts/search_nb201.py``): seeds
    ``first_seed`` .. ``first_seed + seeds - 1`` times ``datasets``, Algorithm 1's budget,
    the fitness (μ, σ in millions; σ None: μ), the report ``out`` (rows in ``out`` with
    suffix .json, scores in ``cache``, default ``out`` with suffix .scores.jsonl)."""
    out: Path
    seeds: int = 10
    first_seed: int = 0
    datasets: Sequence[str] = DATASETS
    population_size: int = 40
    cycles: int = 100
    sample_size: int = 5
    mutation_times: int = 4
    crossover_prob: float = 0.5
    samples: int = 16
    mu: float = 1.5
    sigma: Optional[float] = None
    from_study: Optional[Path] = None
    init_per_seed: bool = False
    fitness: str = "reg_swap"
    reference: int = 200
    cache: Optional[Path] = None
    threads: int = 1

    def __post_init__(self):
        self.out = Path(self.out)
        if self.sigma is None:
            self.sigma = self.mu


def run_one(space, gt, dataset: str, seed: int, cfg: EvolutionConfig, cache: ScoreCache,
            samples: int, mu: float, sigma: float, score_fn=None, init_seed: int = 0,
            members: Optional[RecordStore] = None, reference: int = 0) -> dict:
    """One seed on one dataset: SWAP-NAS, random search and RE. With ``members`` the
    proxy searches use the ensemble fitness (:class:`CachedEnsembleFitness`, ``reference`` archs)."""
    test = lambda a: float(gt.lookup(a, dataset, TEST_COLUMN[dataset]))  # noqa: E731
    val = lambda a: float(gt.lookup(a, dataset, VAL_METRIC))  # noqa: E731

    def fitness():
        if members is not None:
            return CachedEnsembleFitness(space, dataset, cache, members, reference, samples, mu, sigma, init_seed)
        return RegSwapFitness(space, dataset, cache, samples, mu, sigma, init_seed, score_fn=score_fn)

    fit = fitness()
    s_arch, s_fit, evals, s_over, s_sec = swap_nas(space, fit, cfg, seed)
    fit_rs = fitness()
    fit_rs._scorer = fit._scorer
    r_arch, r_fit, r_over, r_sec = random_search(space, fit_rs, evals, seed)
    e_arch, e_val, e_time = regularized_evolution(space, val, evals, cfg.population_size,
                                                  cfg.sample_size, seed)
    extra = {}
    if members is not None:  # both proxy searches pay for scoring the reference sample
        extra = {"reference": reference, "reference_seconds": fit.reference_seconds}
        s_total, r_total = s_sec + fit.reference_seconds, r_sec + fit.reference_seconds
    else:
        s_total, r_total = s_sec + max(0.0, s_over - s_sec), r_sec + max(0.0, r_over - r_sec)
    return {"seed": seed, "dataset": dataset, "evaluations": evals, **extra,
            "swap_nas": {"arch": list(s_arch), "fitness": s_fit, "test": test(s_arch), "seconds": s_total},
            "random_regswap": {"arch": list(r_arch), "fitness": r_fit, "test": test(r_arch), "seconds": r_total},
            "re_val_acc": {"arch": list(e_arch), "fitness": e_val, "test": test(e_arch),
                           "seconds": e_time}}


_BEST: Dict[str, float] = {}


def best_in_space(gt, dataset: str) -> float:
    if dataset not in _BEST:
        _BEST[dataset] = max(gt.values(dataset, TEST_COLUMN[dataset]).values())
    return _BEST[dataset]


def summarise(rows: List[dict], datasets, gt, job, command: str, complete: bool) -> str:
    """The markdown report of ``rows`` (``job``: an :class:`NB201Search`, or any object with
    its fields)."""
    fitness = getattr(job, "fitness", "reg_swap")
    methods = (("swap_nas", f"SWAP-NAS ({fitness}, Algorithm 1)"),
               ("random_regswap", f"Random search (best {fitness})"),
               ("re_val_acc", "RE on true val. accuracy"))
    lines = ["# SWAP-NAS search on NAS-Bench-201 (offline, standalone)", "",
             f"Command: `{command}`", "",
             "Test accuracy (%, NB201 200-epoch: "
             + ", ".join(f"{d}: `{TEST_COLUMN[d]}`" for d in datasets)
             + ") of the architecture each search returns, mean ± std over seeds. "
             f"Budget per search: population {job.population_size}, {job.cycles} cycles, "
             f"sample size {job.sample_size}, mutation_times {job.mutation_times}, crossover "
             f"prob. {job.crossover_prob}; E = distinct archs SWAP-NAS scored, which is also "
             "the budget of the other two searches. reg_swap: S="
             f"{job.samples} images, train mode, μ={job.mu} M, σ={job.sigma} M, NB201 net C=16 N=5, "
             + ("weights and image batch seeded by the search seed (--init-per-seed: each search "
                "sees its own draw of the fitness landscape)" if getattr(job, "init_per_seed", False)
                else "weights seeded per (seed 0, arch) as in the correlation study")
             + f", torch threads {getattr(job, 'threads', 1)} (the seconds of scores read from the cache "
             "are those of the run that scored them).", ""]
    if not complete:
        lines += ["**Partial run**: not every (seed, dataset) pair is done yet; counts below.", ""]
    lines += ["| dataset | seeds | E (mean) | " + " | ".join(m[1] for m in methods)
              + " | best in space |",
              "|---|---|---|" + "---|" * len(methods) + "---|"]
    for ds in datasets:
        rs = [r for r in rows if r["dataset"] == ds]
        if not rs:
            continue
        cells = []
        for key, _ in methods:
            v = np.array([r[key]["test"] for r in rs])
            cells.append(f"{v.mean():.2f} ± {v.std():.2f}")
        lines.append(f"| {ds} | {len(rs)} | {np.mean([r['evaluations'] for r in rs]):.1f} | "
                     + " | ".join(cells) + f" | {best_in_space(gt, ds):.2f} |")
    lines += ["", "Wall time per search (seconds, mean over seeds; proxy searches: summed "
              "scoring time of the archs evaluated, from the cache's per-arch timings, on "
              "a shared, loaded 2-core CPU; RE: table look-ups only):", "",
              "| dataset | " + " | ".join(m[1] for m in methods) + " |",
              "|---|" + "---|" * len(methods)]
    for ds in datasets:
        rs = [r for r in rows if r["dataset"] == ds]
        if rs:
            lines.append(f"| {ds} | " + " | ".join(
                f"{np.mean([r[k]['seconds'] for r in rs]):.1f}" for k, _ in methods) + " |")
    lines += ["", "Notes:",
              "- ImageNet16-120 is scored on a STAND-IN batch: 16 real ImageNet images "
              "(one per class of a 120-class subset) box-downsampled to 16x16 "
              "(`load_batch(\"ImageNet16-120\", 16)`), not the ImageNet16 pickles.",
              "- cifar100 is scored on 16 of the first 20 official CIFAR-100 test images; "
              "cifar10 on 16 of 1,000 JPEG-decoded CIFAR-10 test images.",
              "- RE on validation accuracy uses the benchmark's trained accuracies (cost-free "
              "only because a table exists); it is the reference SWAP-NAS should approach "
              "without any training.",
              "- Per-seed rows (archs, fitness, test accuracy): the JSON next to this file.",
              "- Every NB201 search report (this one, its variants, and the same search under NASLib's "
              "Trainer) against the targets in one table: `experiments/search_nb201_variants/report.md` "
              "(`python experiments/search_nb201_variants/search_nb201_variants.py`)."]
    if fitness == "ensemble":
        lines += [f"- Fitness `ensemble`: Σ over Ψ' (μ = {job.mu}, σ = {job.sigma} M), synflow, jacov and "
                  f"progressivity of log(rank / (n + 1)), each ranked among its values on a reference sample of "
                  f"n = {job.reference} random archs (drawn per seed, scored on the same networks and batch; "
                  "`swap_plugin.proxies.ReferenceEnsemble`). E counts the archs the search scored; the "
                  "reference comes on top of it, and its scoring time is in both proxy searches' seconds."]
    if getattr(job, "init_per_seed", False):
        lines += ["- Each search seed s scores with its own draw of the landscape: weights seeded by "
                  "(s, arch), batch `load_batch(dataset, S, seed=s)` (as correlation-study seed s and "
                  "the NASLib runner), so the spread over seeds includes the proxy's init/batch noise."]
    else:
        lines += ["- All seeds score on ONE draw of the landscape (weights seeded by (0, arch), batch "
                  "seed 0); seeds differ only in the evolution's RNG. `--init-per-seed` "
                  "(experiments/search_nb201_variants/search_nb201_init_per_seed.md) gives each search its own draw; "
                  "experiments/search_plateau/report.md shows how far the top of the landscape moves "
                  "between draws."]
    lines += [""]
    return "\n".join(lines)


def run(job: NB201Search, command: str) -> Path:
    """Run every (seed, dataset) search of ``job`` not yet in its rows file, rewriting the
    report after each; returns the report's path. ``command``: what the report names as
    its command. Rows run with other settings are kept, and refused (OutputExistsError)."""
    torch.set_num_threads(job.threads)
    out: Path = job.out
    cache_path = job.cache or out.with_suffix(".scores.jsonl")
    rows_path = out.with_suffix(".json")
    cfg = EvolutionConfig(population_size=job.population_size, cycles=job.cycles,
                          sample_size=job.sample_size, mutation_times=job.mutation_times,
                          crossover_prob=job.crossover_prob)
    settings = {k: getattr(job, k) for k in ("population_size", "cycles", "sample_size",
                                              "mutation_times", "crossover_prob", "samples", "mu",
                                              "sigma")}
    if job.init_per_seed:  # absent otherwise, so earlier rows files stay valid
        settings["init_per_seed"] = True
    members = None
    if job.fitness == "ensemble":  # likewise
        if job.reference < 2:
            raise ValueError("--reference must be at least 2 archs")
        settings.update(fitness="ensemble", reference=job.reference)
        members = RecordStore(out.with_suffix(".members.jsonl"))
    rows: List[dict] = []
    if rows_path.exists():  # the finished searches of an earlier run: resume, never replace
        saved = read_json(rows_path, "the rows of an earlier search_nb201.py run",
                          "Restore it, or pass another --out (nothing was deleted)")
        diff = settings_diff(saved.get("settings"), settings)
        if diff:
            raise OutputExistsError(f"{rows_path} holds searches run with other settings "
                                    f"({'; '.join(diff)}); pass another --out, or the same settings "
                                    "to resume them (nothing was written)")
        rows = saved["rows"]
    cache = ScoreCache(cache_path)
    seeds = list(range(job.first_seed, job.first_seed + job.seeds))
    if job.from_study is not None:
        for ds in job.datasets:
            init_seeds = seeds if job.init_per_seed else [0]
            n = sum(cache.warm_from_study(ds, job.from_study, job.samples, s) for s in init_seeds)
            print(f"{ds}: {n} scores adopted from {job.from_study}", flush=True)
    space = get_space("nb201")
    gt = get_ground_truth("nb201")
    for seed in seeds:
        for ds in job.datasets:
            if any(r["seed"] == seed and r["dataset"] == ds for r in rows):
                continue
            t0 = time.time()
            row = run_one(space, gt, ds, seed, cfg, cache, job.samples, job.mu, job.sigma,
                          init_seed=seed if job.init_per_seed else 0, members=members,
                          reference=job.reference)
            rows.append(row)
            print(f"seed {seed} {ds}: E={row['evaluations']} swap={row['swap_nas']['test']:.2f} "
                  f"rs={row['random_regswap']['test']:.2f} re={row['re_val_acc']['test']:.2f} "
                  f"({time.time() - t0:.0f}s)", flush=True)
            atomic_write_json(rows_path, {"settings": settings, "rows": rows}, indent=1)
            done = {(r["seed"], r["dataset"]) for r in rows}
            complete = all((s, d) in done for s in seeds for d in job.datasets)
            sel = [r for r in rows if r["seed"] in seeds and r["dataset"] in job.datasets]
            write_text_report(out, summarise(sel, job.datasets, gt, job, command, complete), any_args=True)
    sel = [r for r in rows if r["seed"] in seeds and r["dataset"] in job.datasets]
    write_text_report(out, summarise(sel, job.datasets, gt, job, command, True), any_args=True)
    return out
