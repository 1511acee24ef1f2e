#!/usr/bin/env python
"""SWAP-NAS search quality on NAS-Bench-201, offline and without NASLib.

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

    python scripts/search_nb201.py                 # 10 seeds x 3 datasets -> results/search_nb201.md
    python scripts/search_nb201.py --seeds 2 --datasets cifar10 --out /tmp/s.md
    python scripts/search_nb201.py --init-per-seed --out experiments/search_nb201_variants/search_nb201_init_per_seed.md
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from swap_plugin.studies.report import write_text_report  # noqa: E402
from swap_plugin.benchmarks import NB201_TEST_COLUMNS, get_ground_truth  # noqa: E402
from swap_plugin.files import OutputExistsError, atomic_write_json, read_json, settings_diff  # noqa: E402
from swap_plugin.metric import regulariser  # noqa: E402
from swap_plugin.search.evolution import Evolution, EvolutionConfig  # noqa: E402
from swap_plugin.spaces import get_space  # noqa: E402
from swap_plugin.studies import RecordStore, StudyConfig, config_path  # noqa: E402
from swap_plugin.studies.correlate import seeded_network, study_dir  # noqa: E402

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
TEST_COLUMN = NB201_TEST_COLUMNS
VAL_METRIC = "valid_accuracy_200ep"


class ScoreCache:
    """Ψ and Θ (millions) per (dataset, init seed, arch), persisted as JSONL lines
    {dataset, init_seed, arch, swap, params, seconds} (init_seed 0 when absent);
    reg_swap is computed from them for any μ/σ."""

    def __init__(self, path: Optional[Path]):
        self.path = path
        self.data: Dict[Tuple[str, int, tuple], Tuple[float, float, float]] = {}
        self._cut = False  # the file ends inside a line (a kill mid-write)
        if path is not None and path.exists():
            text = path.read_text()
            self._cut = bool(text) and not text.endswith("\n")
            skipped = []
            for no, line in enumerate(text.splitlines(), 1):
                try:
                    r = json.loads(line)
                    key = (r["dataset"], int(r.get("init_seed", 0)), tuple(r["arch"]))
                    self.data[key] = (float(r["swap"]), float(r["params"]), float(r["seconds"]))
                except (json.JSONDecodeError, KeyError, TypeError, ValueError):  # cut by a kill, old format
                    if line.strip():
                        skipped.append(no)
            if skipped:  # left in the file (nothing is deleted); those archs are scored again
                print(f"warning: {path}: skipped unreadable line(s) {', '.join(map(str, skipped[:10]))}"
                      + (f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""),
                      file=sys.stderr, flush=True)

    def get(self, dataset: str, arch, init_seed: int = 0) -> Optional[Tuple[float, float, float]]:
        return self.data.get((dataset, init_seed, tuple(arch)))

    def put(self, dataset: str, arch, swap: float, params: float, seconds: float, init_seed: int = 0) -> None:
        self.data[(dataset, init_seed, tuple(arch))] = (swap, params, seconds)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            line = {"dataset": dataset, "arch": list(arch), "swap": swap, "params": params,
                    "seconds": round(seconds, 4)}
            if init_seed:
                line["init_seed"] = init_seed
            with open(self.path, "a") as f:
                f.write(("\n" if self._cut else "") + json.dumps(line) + "\n")
            self._cut = False

    def warm_from_study(self, dataset: str, root: Path, samples: int, init_seed: int = 0) -> int:
        """Adopt the seed-``init_seed`` records of a correlation study under ``root`` (its
        ``--out``) scored exactly as this search scores (configs/nb201.yaml, S = ``samples``)."""
        cfg = StudyConfig.from_yaml(config_path("nb201"), dataset=dataset, samples=samples,
                                    out=str(root))
        key_file = study_dir(cfg) / f"records_seed{init_seed}.key.json"
        if not key_file.exists():
            return 0
        key = read_json(key_file, "the scoring settings of the study's records",
                        "Restore it, or pass another --from-study")
        want = json.loads(json.dumps(cfg.scoring_key()))
        if key != want:
            raise ValueError(f"{key_file.parent} was scored with {key}, not with this search's settings {want}")
        n = 0
        for r in RecordStore(key_file.parent / f"records_seed{init_seed}.jsonl"):
            if self.get(dataset, r["arch"], init_seed) is None:
                self.put(dataset, tuple(r["arch"]), float(r["swap"]), float(r["params"]),
                         float(r["build_seconds"] + r["score_seconds"]), init_seed)
                n += 1
        return n


class RegSwapFitness:
    """reg_swap of ``space.build(arch, dataset)`` (weights seeded by (batch_seed, arch)) on
    the batch ``load_batch(dataset, samples, seed=batch_seed)``."""

    def __init__(self, space, dataset: str, cache: ScoreCache, samples: int = 16, mu: float = 1.5,
                 sigma: float = 1.5, batch_seed: int = 0, score_fn: Optional[Callable] = None):
        self.space, self.dataset, self.cache = space, dataset, cache
        self.samples, self.mu, self.sigma, self.batch_seed = samples, mu, sigma, batch_seed
        self._scorer = None
        self._score_fn = score_fn  # tests inject a cheap function of the arch: (Ψ, Θ)
        self.seconds = 0.0         # scoring seconds of the archs asked for (cache hits included)

    def scorer(self):
        if self._scorer is None:
            from swap_plugin import SwapScorer
            from swap_plugin.data import load_batch

            x = load_batch(self.dataset, self.samples, seed=self.batch_seed)
            self._scorer = SwapScorer(x, mode="train")
        return self._scorer

    def __call__(self, arch) -> float:
        hit = self.cache.get(self.dataset, arch, self.batch_seed)
        if hit is None:
            t0 = time.perf_counter()
            if self._score_fn is not None:
                swap, params = self._score_fn(arch)
            else:
                # the correlation study's network, so its records can fill this cache
                net = seeded_network(self.space, arch, self.dataset, self.batch_seed)
                r = self.scorer().score(net)
                swap, params = float(r.swap), float(r.params)
            hit = (swap, params, time.perf_counter() - t0)
            self.cache.put(self.dataset, arch, *hit, init_seed=self.batch_seed)
        self.seconds += hit[2]
        return hit[0] * regulariser(hit[1], self.mu, self.sigma)


class EnsembleFitness(RegSwapFitness):
    """The rank ensemble of ``swap_plugin.proxies.ENSEMBLE_MEMBERS`` (Ψ' + synflow + jacov +
    progressivity) as a fixed fitness (:class:`swap_plugin.search.ensemble_fitness.EnsembleFitness`):
    each member ranked against its values on ``reference`` random archs of the search's
    draw, scored on the same networks and batch as Ψ'. The members beside Ψ' are cached in
    ``members`` (a RecordStore); their seconds count as scoring."""

    def __init__(self, space, dataset: str, cache: ScoreCache, members: RecordStore, reference: int,
                 samples: int = 16, mu: float = 1.5, sigma: float = 1.5, batch_seed: int = 0):
        from swap_plugin.search.ensemble_fitness import EnsembleFitness as Ranked

        super().__init__(space, dataset, cache, samples, mu, sigma, batch_seed)
        self.store = members
        self.ranked = Ranked(self.values, space.sample, space.hash, reference, batch_seed)
        self.reference_seconds = 0.0  # scoring the reference sample (once per fitness)

    def values(self, arch) -> dict:
        """{member: value} of ``arch``."""
        from swap_plugin.proxies import ensemble_member_values

        key = f"{self.dataset}|{self.batch_seed}|{list(arch)}"
        if key not in self.store:
            t0 = time.perf_counter()
            net = seeded_network(self.space, arch, self.dataset, self.batch_seed)
            x = self.scorer().inputs
            self.store.append({"key": key, **ensemble_member_values(net, x), "seconds": time.perf_counter() - t0})
        rec = self.store.get(key)
        self.seconds += rec["seconds"]
        return {"reg_swap": RegSwapFitness.__call__(self, arch), **{m: v for m, v in rec.items()
                                                                    if m not in ("key", "seconds")}}

    def __call__(self, arch) -> float:
        if not self.ranked.ready:  # the reference's scoring time is kept apart from the search's
            before = self.seconds
            self.ranked.ranker()
            self.reference_seconds, self.seconds = self.seconds - before, before
        return self.ranked(arch)


def swap_nas(space, fitness: RegSwapFitness, cfg: EvolutionConfig, seed: int):
    t0 = time.perf_counter()
    evo = Evolution(space, fitness, cfg, seed=seed)
    arch, fit = evo.run()
    overhead = time.perf_counter() - t0
    return arch, fit, evo.evaluations, overhead, fitness.seconds


def random_search(space, fitness: RegSwapFitness, n: int, seed: int):
    rng = np.random.default_rng(10_000 + seed)
    seen, best = set(), None
    t0 = time.perf_counter()
    while len(seen) < n:
        arch = space.sample(rng)
        if arch in seen:
            continue
        seen.add(arch)
        f = fitness(arch)
        if best is None or f > best[1]:
            best = (arch, f)
    return best[0], best[1], time.perf_counter() - t0, fitness.seconds


def regularized_evolution(space, val_acc: Callable, n: int, population_size: int,
                          sample_size: int, seed: int):
    """Ageing evolution (Real et al.): mutate the best of a random sample, drop the oldest.

    ``n`` benchmark queries in all (the first ``population_size`` random); returns the
    queried arch with the best validation accuracy (as NASLib's get_final_architecture).
    """
    import collections

    rng = np.random.default_rng(20_000 + seed)
    population = collections.deque(maxlen=population_size)
    history: List[Tuple[tuple, float]] = []
    t0 = time.perf_counter()
    while len(history) < n:
        if len(history) < population_size:
            arch = space.sample(rng)
        else:
            idx = rng.choice(len(population), size=min(sample_size, len(population)), replace=False)
            parent = max((population[i] for i in idx), key=lambda m: m[1])[0]
            arch = space.mutate(parent, rng)
        member = (arch, float(val_acc(arch)))
        population.append(member)
        history.append(member)
    best = max(history, key=lambda m: m[1])
    return best[0], best[1], time.perf_counter() - t0


def run_one(space, gt, dataset: str, seed: int, cfg: EvolutionConfig, cache: ScoreCache,
            samples: int, mu: float, sigma: float, score_fn=None, init_seed: int = 0,
            members: Optional[RecordStore] = None, reference: int = 0) -> dict:
    """One seed on one dataset: SWAP-NAS, random search and RE. With ``members`` the
    proxy searches use the ensemble fitness (:class:`EnsembleFitness`, ``reference`` archs)."""
    test = lambda a: float(gt.lookup(a, dataset, TEST_COLUMN[dataset]))  # noqa: E731
    val = lambda a: float(gt.lookup(a, dataset, VAL_METRIC))  # noqa: E731

    def fitness():
        if members is not None:
            return EnsembleFitness(space, dataset, cache, members, reference, samples, mu, sigma, init_seed)
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


def summarise(rows: List[dict], datasets, gt, args, command: str, complete: bool) -> str:
    fitness = getattr(args, "fitness", "reg_swap")
    methods = (("swap_nas", f"SWAP-NAS ({fitness}, Algorithm 1)"),
               ("random_regswap", f"Random search (best {fitness})"),
               ("re_val_acc", "RE on true val. accuracy"))
    lines = ["# SWAP-NAS search on NAS-Bench-201 (offline, standalone)", "",
             f"Command: `{command}`", "",
             "Test accuracy (%, NB201 200-epoch: "
             + ", ".join(f"{d}: `{TEST_COLUMN[d]}`" for d in datasets)
             + ") of the architecture each search returns, mean ± std over seeds. "
             f"Budget per search: population {args.population_size}, {args.cycles} cycles, "
             f"sample size {args.sample_size}, mutation_times {args.mutation_times}, crossover "
             f"prob. {args.crossover_prob}; E = distinct archs SWAP-NAS scored, which is also "
             "the budget of the other two searches. reg_swap: S="
             f"{args.samples} images, train mode, μ={args.mu} M, σ={args.sigma} M, NB201 net C=16 N=5, "
             + ("weights and image batch seeded by the search seed (--init-per-seed: each search "
                "sees its own draw of the fitness landscape)" if getattr(args, "init_per_seed", False)
                else "weights seeded per (seed 0, arch) as in the correlation study")
             + f", torch threads {getattr(args, 'threads', 1)} (the seconds of scores read from the cache "
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
        lines += [f"- Fitness `ensemble`: Σ over Ψ' (μ = {args.mu}, σ = {args.sigma} M), synflow, jacov and "
                  f"progressivity of log(rank / (n + 1)), each ranked among its values on a reference sample of "
                  f"n = {args.reference} random archs (drawn per seed, scored on the same networks and batch; "
                  "`swap_plugin.proxies.ReferenceEnsemble`). E counts the archs the search scored; the "
                  "reference comes on top of it, and its scoring time is in both proxy searches' seconds."]
    if getattr(args, "init_per_seed", False):
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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    p.add_argument("--population-size", type=int, default=40)
    p.add_argument("--cycles", type=int, default=100)
    p.add_argument("--sample-size", type=int, default=5)
    p.add_argument("--mutation-times", type=int, default=4)
    p.add_argument("--crossover-prob", type=float, default=0.5)
    p.add_argument("--samples", type=int, default=16)
    p.add_argument("--mu", type=float, default=1.5, help="μ of reg_swap, millions of params")
    p.add_argument("--sigma", type=float, default=None, help="σ of reg_swap, millions (default: μ)")
    p.add_argument("--from-study", type=Path, default=None,
                   help="a correlation-study root (swap-nas correlate --out) whose seed-0 NB201 records, "
                        "scored with the same settings, pre-fill the score cache")
    p.add_argument("--init-per-seed", action="store_true",
                   help="seed the networks' weights and the image batch with the search seed (as the "
                        "NASLib runner does) instead of seed 0 for every search: each search then sees "
                        "its own draw of the fitness landscape")
    p.add_argument("--fitness", choices=("reg_swap", "ensemble"), default="reg_swap",
                   help="reg_swap (the paper), or the rank ensemble of Ψ' + synflow + jacov + progressivity "
                        "against --reference random archs (swap_plugin.proxies.ReferenceEnsemble)")
    p.add_argument("--reference", type=int, default=200,
                   help="archs in the ensemble fitness's reference sample (scored once per search seed)")
    p.add_argument("--out", type=Path, default=ROOT / "results" / "search_nb201.md")
    p.add_argument("--cache", type=Path, default=None,
                   help="score cache JSONL (default: <out>.scores.jsonl)")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    if args.sigma is None:
        args.sigma = args.mu

    torch.set_num_threads(args.threads)
    out: Path = args.out
    cache_path = args.cache or out.with_suffix(".scores.jsonl")
    rows_path = out.with_suffix(".json")
    cfg = EvolutionConfig(population_size=args.population_size, cycles=args.cycles,
                          sample_size=args.sample_size, mutation_times=args.mutation_times,
                          crossover_prob=args.crossover_prob)
    settings = {k: getattr(args, k) for k in ("population_size", "cycles", "sample_size",
                                              "mutation_times", "crossover_prob", "samples", "mu",
                                              "sigma")}
    if args.init_per_seed:  # absent otherwise, so earlier rows files stay valid
        settings["init_per_seed"] = True
    members = None
    if args.fitness == "ensemble":  # likewise
        if args.reference < 2:
            raise SystemExit("--reference must be at least 2 archs")
        settings.update(fitness="ensemble", reference=args.reference)
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
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    if args.from_study is not None:
        for ds in args.datasets:
            init_seeds = seeds if args.init_per_seed else [0]
            n = sum(cache.warm_from_study(ds, args.from_study, args.samples, s) for s in init_seeds)
            print(f"{ds}: {n} scores adopted from {args.from_study}", flush=True)
    space = get_space("nb201")
    gt = get_ground_truth("nb201")
    command = "python scripts/search_nb201.py" + ("" if argv is None and len(sys.argv) == 1
                                                   else " " + " ".join(sys.argv[1:] if argv is None else argv))
    for seed in seeds:
        for ds in args.datasets:
            if any(r["seed"] == seed and r["dataset"] == ds for r in rows):
                continue
            t0 = time.time()
            row = run_one(space, gt, ds, seed, cfg, cache, args.samples, args.mu, args.sigma,
                          init_seed=seed if args.init_per_seed else 0, members=members,
                          reference=args.reference)
            rows.append(row)
            print(f"seed {seed} {ds}: E={row['evaluations']} swap={row['swap_nas']['test']:.2f} "
                  f"rs={row['random_regswap']['test']:.2f} re={row['re_val_acc']['test']:.2f} "
                  f"({time.time() - t0:.0f}s)", flush=True)
            atomic_write_json(rows_path, {"settings": settings, "rows": rows}, indent=1)
            done = {(r["seed"], r["dataset"]) for r in rows}
            complete = all((s, d) in done for s in seeds for d in args.datasets)
            sel = [r for r in rows if r["seed"] in seeds and r["dataset"] in args.datasets]
            write_text_report(out, summarise(sel, args.datasets, gt, args, command, complete), any_args=True)
    sel = [r for r in rows if r["seed"] in seeds and r["dataset"] in args.datasets]
    write_text_report(out, summarise(sel, args.datasets, gt, args, command, True), any_args=True)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
