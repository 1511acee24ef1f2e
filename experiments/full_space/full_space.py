"""The whole NB201 landscape of Ψ': full-space correlation and what an ideal search finds.

Reads a correlation study that scored EVERY NB201 arch (``swap-nas correlate --space
nb201 --n all ...``; each study seed is one draw of weights and image batch) and
reports, per draw, without re-scoring:

* Spearman ρ over all 15,625 archs of Ψ, of Ψ' for each μ = σ of a grid, and of Θ
  (AZ-NAS reports its NB201 figures on the full space);
* the test accuracy of the archs that Ψ' ranks first (top-1, top-5, top-20 means): what
  a search that always found the landscape's maximum would return;
* with ``--search`` (a ``scripts/search_nb201.py`` result JSON): where each search seed's
  returned arch ranks in the full landscape of the draw it searched;
* with ``--simulate-cycles``: SWAP-NAS (:class:`swap_plugin.search.Evolution`, the
  search's settings) run on each draw with Ψ' looked up instead of scored, for several
  budgets: how often it returns the landscape's maximum. This needs no accuracy, so a
  budget chosen from it is not tuned on the benchmark. μ, σ and the other settings come
  from the ``--search`` JSON (without one: scripts/search_nb201.py's defaults, μ = σ = 1.5 M,
  population 40).

    python experiments/full_space/full_space.py --runs runs/full_in16 --dataset ImageNet16-120 \\
        --search experiments/search_nb201_variants/search_nb201_in16_mu1_c200.json --simulate-cycles 100 200 400 \\
        --simulate-populations 20 40 80 --out experiments/full_space/report_in16.md
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
from scipy.stats import rankdata, spearmanr
from tqdm import tqdm

from swap_plugin.benchmarks import NB201_TEST_COLUMNS, get_ground_truth
from swap_plugin.search.evolution import Evolution, EvolutionConfig
from swap_plugin.spaces import get_space
from swap_plugin.studies import RecordStore
from swap_plugin.studies.report import produced_by, read_commands, read_json_file, report_head, write_report

NB201_SIZE = 15625
TOPS = (1, 5, 20)


def load_draws(runs: Path, dataset: str) -> dict:
    """{draw seed: (archs, Ψ, Θ in millions)} for every study seed that scored the whole space."""
    folder = runs / "correlation" / "nb201" / dataset
    draws = {}
    for path in sorted(folder.glob("records_seed*.jsonl")):
        recs = list(RecordStore(path))
        if len(recs) != NB201_SIZE:  # a partial (still running or killed) seed
            continue
        seed = int(path.stem.removeprefix("records_seed"))
        draws[seed] = ([tuple(r["arch"]) for r in recs], np.array([r["swap"] for r in recs], float),
                       np.array([r["params"] for r in recs], float))
    if not draws:
        raise SystemExit(f"no study seed under {folder} has all {NB201_SIZE} archs; run "
                         f"`swap-nas correlate --space nb201 --dataset {dataset} --n all "
                         f"--proxies swap reg_swap params --out {runs}` first")
    return draws


def reg_swap(psi: np.ndarray, theta: np.ndarray, mu: float, sigma: float = None) -> np.ndarray:
    """Ψ' of many archs with the paper's formula; Θ, μ, σ in millions, σ = μ unless given.
    (:func:`swap_plugin.metric.regulariser` takes one Θ at a time.)"""
    return psi * np.exp(-(((theta - mu) / (mu if sigma is None else sigma)) ** 2))


def mean_std(values) -> str:
    v = np.asarray(values, float)
    return f"{v.mean():.3f}" if len(v) == 1 else f"{v.mean():.3f} ± {v.std(ddof=1):.3f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=Path, required=True, help="study root scored with --n all")
    ap.add_argument("--dataset", default="ImageNet16-120", choices=sorted(NB201_TEST_COLUMNS))
    ap.add_argument("--mus", type=float, nargs="+", default=[0.6, 0.8, 1.0, 1.2, 1.5],
                    help="μ = σ grid (millions of parameters)")
    ap.add_argument("--search", type=Path, help="a scripts/search_nb201.py result JSON")
    ap.add_argument("--simulate-cycles", type=int, nargs="*", default=[],
                    help="budgets (cycles) of the simulated searches")
    ap.add_argument("--simulate-populations", type=int, nargs="+", default=None,
                    help="population sizes of the simulated searches (default: the search's)")
    ap.add_argument("--simulate-seeds", type=int, default=20, help="simulated searches per draw and budget")
    ap.add_argument("--command-file", default=None, help="the commands that produced --runs (recorded)")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("report.md"))
    a = ap.parse_args(argv)

    ds, col = a.dataset, NB201_TEST_COLUMNS[a.dataset]
    gt = get_ground_truth("nb201")
    draws = load_draws(a.runs, ds)
    archs = draws[min(draws)][0]
    val = np.array([gt.lookup(x, ds, "val_accuracy") for x in archs], float)
    test = np.array([gt.lookup(x, ds, col) for x in archs], float)
    where = {x: i for i, x in enumerate(archs)}

    def aligned(seed):  # every draw in the order of the first one
        xs, psi, theta = draws[seed]
        order = np.array([where[x] for x in xs])
        out_psi, out_theta = np.empty(len(xs)), np.empty(len(xs))
        out_psi[order], out_theta[order] = psi, theta
        return out_psi, out_theta

    fields = {seed: aligned(seed) for seed in sorted(draws)}
    seeds = ", ".join(map(str, fields))
    lines = report_head(f"The full NB201 landscape of Ψ' on {ds}", __file__, argv)
    if a.command_file:
        lines += produced_by(read_commands(a.command_file))
    lines += [
        f"All {NB201_SIZE:,} NB201 archs scored under {len(fields)} draw(s) (study seeds {seeds}: "
        "weights seeded by (seed, arch), batch `load_batch(dataset, S, seed)`), read from "
        f"`{a.runs}`. Ψ' = Ψ·exp(-((Θ-μ)/σ)²) with σ = μ, millions of parameters. ρ: Spearman "
        f"against `val_accuracy`; test: `{col}` (%)."
        + (" ImageNet16-120 is scored on the stand-in images." if ds == "ImageNet16-120" else "")]
    lines += correlation_section(fields, val, a.mus) + top_section(fields, test, a.mus)
    result = read_json_file(a.search) if a.search else {"settings": {}}
    if a.search:
        lines += search_section(a.search.name, result, ds, fields, test, where)
    if a.simulate_cycles:
        lines += simulate_section(result["settings"], a.simulate_cycles, a.simulate_populations,
                                  a.simulate_seeds, fields, test, where)
    write_report(a.out, lines)
    return 0


def correlation_section(fields: dict, val: np.ndarray, mus: list) -> list:
    """Full-space ρ of Ψ, of Ψ' per μ = σ and of Θ against the validation accuracy."""
    lines = ["", "## Full-space Spearman ρ (mean ± std over draws)", "", "| fitness | ρ |", "|---|---:|",
             f"| Ψ | {mean_std([spearmanr(p, val)[0] for p, _ in fields.values()])} |"]
    for mu in mus:
        rhos = [spearmanr(reg_swap(p, t, mu), val)[0] for p, t in fields.values()]
        lines.append(f"| Ψ', μ = σ = {mu:g} M | {mean_std(rhos)} |")
    theta = next(iter(fields.values()))[1]
    return lines + [f"| Θ (params) | {spearmanr(theta, val)[0]:.3f} |"]


def top_section(fields: dict, test: np.ndarray, mus: list) -> list:
    """Test accuracy of the archs Ψ' ranks first, per draw and with Ψ' averaged over draws."""
    theta = next(iter(fields.values()))[1]
    lines = ["", "## What an ideal search returns: the top of Ψ' (test %, mean over draws)", "",
             f"Best in space: {test.max():.2f}. Per draw, the arch Ψ' ranks first and the means of its "
             "first 5 and 20.", "",
             "| μ = σ (M) | " + " | ".join(f"top-{k}" for k in TOPS) + " | top-1 per draw | Θ of top-1 (M) |",
             "|---:|" + "---:|" * len(TOPS) + "---|---|"]
    for mu in mus:
        orders = [np.argsort(-reg_swap(p, t, mu), kind="stable") for p, t in fields.values()]
        tops = [np.mean([test[o[:k]].mean() for o in orders]) for k in TOPS]
        lines.append(f"| {mu:g} | " + " | ".join(f"{v:.2f}" for v in tops)
                     + " | " + ", ".join(f"{test[o[0]]:.2f}" for o in orders)
                     + " | " + ", ".join(f"{theta[o[0]]:.2f}" for o in orders) + " |")
    if len(fields) > 1:  # does averaging Ψ' over draws lift the top?
        lines += ["", f"Fitness = Ψ' averaged over all {len(fields)} draws (weights and batches):", "",
                  "| μ = σ (M) | " + " | ".join(f"top-{k}" for k in TOPS) + " |", "|---:|" + "---:|" * len(TOPS)]
        for mu in mus:
            o = np.argsort(-np.mean([reg_swap(p, t, mu) for p, t in fields.values()], axis=0), kind="stable")
            lines.append(f"| {mu:g} | " + " | ".join(f"{test[o[:k]].mean():.2f}" for k in TOPS) + " |")
    return lines


def search_section(name: str, result: dict, ds: str, fields: dict, test: np.ndarray, where: dict) -> list:
    """Rank of each search seed's returned arch (``result``: a search_nb201.py JSON named
    ``name``) in the full landscape of the draw it searched: its own seed's with
    ``--init-per-seed``, else draw 0 for every seed."""
    settings = result["settings"]
    own = bool(settings.get("init_per_seed"))
    mu, sigma = settings["mu"], settings["sigma"]
    lines = ["", f"## Where SWAP-NAS lands (`{name}`: μ = {mu:g}, σ = {sigma:g} M, "
             f"{settings['cycles']} cycles, population {settings['population_size']}, "
             + ("each seed its own draw)" if own else "every seed on draw 0)"), "",
             "| search seed | draw | archs scored | returned arch | its Ψ' rank of 15,625 | test | "
             "test of the draw's Ψ' maximum |", "|---:|---:|---:|---|---:|---:|---:|"]
    for row in result["rows"]:
        draw = row["seed"] if own else 0
        if row["dataset"] != ds or draw not in fields:
            continue
        fit = reg_swap(*fields[draw], mu, sigma)
        rank = 1 + int(np.sum(fit > fit[where[tuple(row["swap_nas"]["arch"])]]))
        best = int(np.argmax(fit))
        lines.append(f"| {row['seed']} | {draw} | {row['evaluations']} | "
                     f"`{''.join(map(str, row['swap_nas']['arch']))}` "
                     f"| {rank} | {row['swap_nas']['test']:.2f} | {test[best]:.2f} |")
    return lines


def simulate_section(settings: dict, budgets: list, populations: list, n_seeds: int, fields: dict,
                     test: np.ndarray, where: dict) -> list:
    """SWAP-NAS on every full draw with Ψ' looked up: how often it returns the maximum."""
    mu = settings.get("mu", 1.5)
    sigma = settings.get("sigma", mu)
    base = {k: settings[k] for k in ("population_size", "sample_size", "mutation_times", "crossover_prob")
            if k in settings}
    cfg = EvolutionConfig(**{"population_size": 40, **base})
    populations = populations or [cfg.population_size]
    space = get_space("nb201")
    lines = ["", f"## Search budget: SWAP-NAS simulated on each full draw (μ = {mu:g}, σ = {sigma:g} M)", "",
             f"{n_seeds} searches (seeds 0-{n_seeds - 1}) per draw and budget; sample size {cfg.sample_size}, "
             f"mutation_times {cfg.mutation_times}, crossover prob. {cfg.crossover_prob:g}; "
             "fitness = the draw's Ψ' looked up. Rank 1 = the draw's Ψ' maximum.", "",
             "| population | cycles | searches | archs scored (mean) | returns rank 1 | mean rank | test of returned |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for population, cycles in ((p, c) for p in populations for c in budgets):
        run_cfg = dataclasses.replace(cfg, population_size=population, cycles=cycles)
        ranks, tests, evals = [], [], []
        for psi, theta in fields.values():
            fit = reg_swap(psi, theta, mu, sigma)
            rank = rankdata(-fit, method="min")
            for seed in tqdm(range(n_seeds), desc=f"P={population}, {cycles} cycles", leave=False):
                evo = Evolution(space, lambda arch: fit[where[tuple(arch)]], run_cfg, seed=seed)
                i = where[tuple(evo.run()[0])]
                ranks.append(rank[i])
                tests.append(test[i])
                evals.append(evo.evaluations)
        lines.append(f"| {population} | {cycles} | {len(ranks)} | {np.mean(evals):.0f} "
                     f"| {np.mean(np.equal(ranks, 1)):.0%} | {np.mean(ranks):.1f} "
                     f"| {np.mean(tests):.2f} ± {np.std(tests, ddof=1):.2f} |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
