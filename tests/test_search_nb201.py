"""swap_plugin.search.nb201 (scripts/search_nb201.py): SWAP-NAS vs random search vs RE on NB201
(no NASLib needed)."""
import json
from pathlib import Path

import numpy as np
import pytest

from swap_plugin.search import baselines, nb201
from swap_plugin.search.evolution import EvolutionConfig
from swap_plugin.search.fitness import CachedEnsembleFitness, RegSwapFitness, ScoreCache
from swap_plugin.spaces import get_space

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gt(nb201_gt):
    return nb201_gt


def cheap_score(arch):
    """A deterministic stand-in (Ψ, Θ): conv count plus a little arch-dependent noise; Θ = 1.5 M."""
    noise = sum((i + 1) * int(o) for i, o in enumerate(arch)) % 97
    return sum(o in (2, 3) for o in arch) + noise / 1000.0, 1.5


def test_score_cache_roundtrip_and_cut_lines(tmp_path):
    path = tmp_path / "c.jsonl"
    c = ScoreCache(path)
    c.put("cifar10", (1, 2, 3, 4, 0, 1), 1250.0, 0.5, 0.25)
    with open(path, "a") as f:
        f.write('{"dataset": "cifar10", "arch": [0, 0, 0, 0, 0, 0], "score": 3.0, "seconds": 1}\n')  # old format
        f.write('{"dataset": "cifar10", "arch": [1, 2')  # a line cut by a kill
    c2 = ScoreCache(path)
    assert c2.get("cifar10", (1, 2, 3, 4, 0, 1)) == (1250.0, 0.5, 0.25)
    assert c2.get("cifar10", (0, 0, 0, 0, 0, 0)) is None
    assert c2.get("cifar100", (1, 2, 3, 4, 0, 1)) is None
    # another init seed is another landscape: its own key, kept across reloads
    assert c2.get("cifar10", (1, 2, 3, 4, 0, 1), init_seed=3) is None
    c2.put("cifar10", (1, 2, 3, 4, 0, 1), 999.0, 0.5, 0.1, init_seed=3)
    c3 = ScoreCache(path)
    assert c3.get("cifar10", (1, 2, 3, 4, 0, 1), init_seed=3) == (999.0, 0.5, 0.1)
    assert c3.get("cifar10", (1, 2, 3, 4, 0, 1)) == (1250.0, 0.5, 0.25)


def test_fitness_uses_cache_and_counts_seconds(tmp_path):
    space = get_space("nb201")
    cache = ScoreCache(tmp_path / "c.jsonl")
    calls = []
    fit = RegSwapFitness(space, "cifar10", cache, mu=1.0, sigma=0.5,
                               score_fn=lambda a: calls.append(a) or (100.0, 1.5))
    a = (2, 2, 2, 2, 2, 2)
    assert fit(a) == fit(a) == pytest.approx(100.0 * np.exp(-1.0))  # Θ one σ from μ
    assert len(calls) == 1
    assert fit.seconds >= 0 and len(cache.data) == 1
    # the cache holds Ψ and Θ, so another μ/σ reuses it without rescoring
    other = RegSwapFitness(space, "cifar10", cache, mu=1.5, sigma=1.5, score_fn=lambda a: 1 / 0)
    assert other(a) == 100.0


def test_regularized_evolution_budget_and_best(gt):
    space = get_space("nb201")
    seen = []

    def val(a):
        seen.append(a)
        return gt.lookup(a, "cifar10", nb201.VAL_METRIC)

    arch, v, _ = baselines.regularized_evolution(space, val, 30, population_size=8, sample_size=3, seed=0)
    assert len(seen) == 30
    assert v == max(gt.lookup(a, "cifar10", nb201.VAL_METRIC) for a in seen)
    assert arch in seen


def test_run_one_same_budget_for_all_methods(gt, tmp_path):
    space = get_space("nb201")
    cfg = EvolutionConfig(population_size=6, cycles=4, sample_size=3, mutation_times=2,
                          crossover_prob=0.5)
    cache = ScoreCache(tmp_path / "c.jsonl")
    row = nb201.run_one(space, gt, "cifar10", 0, cfg, cache, 16, 1.5, 1.5, score_fn=cheap_score)
    assert row["evaluations"] >= cfg.population_size
    for key in ("swap_nas", "random_regswap", "re_val_acc"):
        r = row[key]
        assert 0 < r["test"] <= 100
        assert r["test"] == gt.lookup(tuple(r["arch"]), "cifar10", nb201.TEST_COLUMN["cifar10"])
    # the random search's best is the best cheap score among its archs
    assert row["random_regswap"]["fitness"] == cheap_score(tuple(row["random_regswap"]["arch"]))[0]
    # SWAP-NAS never returns worse than its best initial member
    assert row["swap_nas"]["fitness"] >= 0


def test_search_end_to_end_with_real_scores_and_resume(gt, tmp_path):
    out = tmp_path / "s.md"
    job = nb201.NB201Search(out=out, seeds=1, datasets=["cifar10"], population_size=4, cycles=1,
                            sample_size=2, mutation_times=1)
    command = "python scripts/search_nb201.py --seeds 1 --datasets cifar10"
    assert nb201.run(job, command) == out
    text = out.read_text()
    assert f"Command: `{command}`" in text and "μ=1.5 M, σ=1.5 M" in text
    assert "| cifar10 | 1 |" in text and "STAND-IN" in text
    rows = json.loads(out.with_suffix(".json").read_text())["rows"]
    assert len(rows) == 1 and rows[0]["swap_nas"]["fitness"] > 0
    n_lines = len(out.with_suffix(".scores.jsonl").read_text().splitlines())
    nb201.run(job, command)  # resumed: nothing recomputed
    assert len(out.with_suffix(".scores.jsonl").read_text().splitlines()) == n_lines
    assert json.loads(out.with_suffix(".json").read_text())["rows"] == rows
    # other settings into the same --out: the finished searches are kept, not started over
    before = out.with_suffix(".json").read_bytes()
    with pytest.raises(FileExistsError, match=r"holds searches run with other settings \(cycles: 1 \(stored\) "
                                              r"vs 2 \(now\)\); pass another --out"):
        nb201.run(nb201.NB201Search(**{**job.__dict__, "cycles": 2}), command)
    assert out.with_suffix(".json").read_bytes() == before


def test_script_passes_every_flag_to_the_search(tmp_path, script_main, capsys):
    """scripts/search_nb201.py: its flags are NB201Search's fields, and bad ones are usage errors."""
    import dataclasses

    main = script_main("search_nb201")
    with pytest.raises(SystemExit) as end:
        main(["--help"])
    flags = {"--" + f.name.replace("_", "-") for f in dataclasses.fields(nb201.NB201Search)}
    out = capsys.readouterr().out
    assert end.value.code == 0 and all(f in out for f in flags), out
    with pytest.raises(SystemExit) as end:
        main(["--fitness", "ensemble", "--reference", "1", "--out", str(tmp_path / "x.md")])
    assert end.value.code == 2 and "--reference must be at least 2 archs" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_real_fitness_is_deterministic_per_arch(tmp_path):
    space = get_space("nb201")
    a = (2, 3, 0, 2, 4, 3)
    f1 = RegSwapFitness(space, "cifar10", ScoreCache(None))
    f2 = RegSwapFitness(space, "cifar10", ScoreCache(None))
    s1 = f1(a)
    assert s1 == f2(a) > 0
    assert np.isfinite(s1)


@pytest.mark.needs_data
def test_fitness_equals_the_correlation_study_record(tmp_path):
    """Search and study score an arch identically, so study records can fill the cache."""
    import torch
    from swap_plugin.studies import RecordStore, StudyConfig, run_study

    cfg = StudyConfig.from_yaml(ROOT / "configs" / "nb201.yaml", dataset="cifar10", n=2, seeds=[0, 2],
                                out=str(tmp_path / "study"), proxies=["swap"], workers=1)
    run_study(cfg, progress=False)
    base = tmp_path / "study" / "correlation" / "nb201" / "cifar10"
    recs = list(RecordStore(base / "records_seed0.jsonl"))
    space = get_space("nb201")
    fit = RegSwapFitness(space, "cifar10", ScoreCache(None), samples=16, mu=1.5, sigma=1.5)
    torch.set_num_threads(1)
    for r in recs:
        assert fit(tuple(r["arch"])) == pytest.approx(r["swap"] * np.exp(-((r["params"] - 1.5) / 1.5) ** 2))
    # --init-per-seed: the search's seed seeds weights and batch exactly as study seed 2
    recs2 = list(RecordStore(base / "records_seed2.jsonl"))
    fit2 = RegSwapFitness(space, "cifar10", ScoreCache(None), samples=16, batch_seed=2)
    assert [fit2(tuple(r["arch"])) for r in recs2] == pytest.approx(
        [r["swap"] * np.exp(-((r["params"] - 1.5) / 1.5) ** 2) for r in recs2])
    assert {r["swap"] for r in recs2} != {r["swap"] for r in recs}  # a different draw
    warm = ScoreCache(None)
    assert warm.warm_from_study("cifar10", tmp_path / "study", 16) == 2
    assert warm.warm_from_study("cifar10", tmp_path / "study", 16, init_seed=2) == 2
    assert warm.get("cifar10", tuple(recs2[0]["arch"]), 2)[:2] == (recs2[0]["swap"], recs2[0]["params"])
    assert warm.get("cifar10", tuple(recs[0]["arch"]))[:2] == (recs[0]["swap"], recs[0]["params"])
    with pytest.raises(ValueError, match="not with this search"):
        ScoreCache(None).warm_from_study("cifar10", tmp_path / "study", 32)
    assert ScoreCache(None).warm_from_study("cifar100", tmp_path / "study", 16) == 0


def test_ensemble_fitness_ranks_against_its_reference_sample(tmp_path):
    """The ensemble fitness of an arch is ReferenceEnsemble over the reference archs' member
    values, all computed directly on the seeded networks and batch; cached values are reused."""
    from swap_plugin.proxies import ENSEMBLE_MEMBERS, PROXIES, ReferenceEnsemble
    from swap_plugin.search.ensemble_fitness import REFERENCE_SEED
    from swap_plugin.studies import RecordStore
    from swap_plugin.studies.correlate import seeded_network

    space = get_space("nb201")
    members = RecordStore(tmp_path / "m.jsonl")
    fit = CachedEnsembleFitness(space, "cifar10", ScoreCache(None), members, reference=3,
                                batch_seed=4)
    a = (2, 3, 0, 2, 4, 3)
    got = fit(a)
    rng, ref = np.random.default_rng(REFERENCE_SEED + 4), []
    while len(ref) < 3:  # the reference draw of EnsembleFitness.ranker
        r = space.sample(rng)
        if r not in ref:
            ref.append(r)
    x = fit.scorer().inputs

    def direct(arch):
        net = seeded_network(space, arch, "cifar10", 4)
        r = fit.scorer().score(net)
        return {"reg_swap": r.swap * np.exp(-((r.params - 1.5) / 1.5) ** 2),
                **{m: PROXIES[m](net, x) for m in ENSEMBLE_MEMBERS[1:]}}

    rows = [direct(r) for r in ref]
    want = ReferenceEnsemble({m: [r[m] for r in rows] for m in ENSEMBLE_MEMBERS})(direct(a))
    assert got == pytest.approx(want, rel=1e-12)
    assert len(members) == 4 and fit.reference_seconds > 0
    again = CachedEnsembleFitness(space, "cifar10", ScoreCache(None), members, reference=3,
                                  batch_seed=4)
    assert again(a) == pytest.approx(got, rel=1e-12) and len(members) == 4  # members read back
