"""SwapEvolution (NASLib optimizer), NaslibSpaceAdapter and the NASLib runners.

The adapter logic, the lazy exports and the runners' scipy correlations are tested
without NASLib (a duck-typed fake graph). The tests marked by the ``naslib`` fixture
need NASLib on PYTHONPATH (``export PYTHONPATH=/path/to/NASLib``, README: NASLib) and are skipped, with
the reason, otherwise.
"""
import json
import random
from pathlib import Path

import numpy as np
import pytest

import swap_plugin.naslib as sn
from swap_plugin.naslib.space_adapter import NaslibSpaceAdapter, seed_naslib_rng
from swap_plugin.paths import data_file
from swap_plugin.search.evolution import Evolution, EvolutionConfig
from swap_plugin.naslib import runners as zr

ROOT = Path(__file__).resolve().parents[1]
ZC_725 = ("nb201", "zc", "naslib_zc_nasbench201_725.json")  # in the data directory (needs_data)


# ---- a NASLib-like graph without NASLib -------------------------------------------------
class FakeGraph:
    """Mimics NasBench201SearchSpace's arch API: numpy-int op lists, global numpy RNG."""

    def __init__(self, space_type="nasbench201", n=6):
        self.space_type, self.n, self.op_indices, self.parsed = space_type, n, None, False
        self.instantiate_model = True

    def clone(self):
        g = FakeGraph(self.space_type, self.n)
        g.op_indices = self.op_indices
        return g

    def get_type(self):
        return self.space_type

    def get_hash(self):
        return tuple(np.int64(o) for o in self.op_indices)  # numpy ints, as NASLib may give

    def set_spec(self, spec, dataset_api=None):
        assert self.op_indices is None, "NASLib refuses a second set_spec"
        self.op_indices = list(spec)

    def parse(self):
        self.parsed = True

    def sample_random_architecture(self, dataset_api=None, load_labeled=False):
        self.op_indices = np.random.randint(5, size=self.n).tolist()

    def mutate(self, parent, dataset_api=None):
        ops = list(parent.op_indices)
        e = np.random.randint(self.n)
        ops[e] = int(np.random.choice([o for o in range(5) if o != ops[e]]))
        self.op_indices = ops


def test_adapter_sample_is_plain_int_and_reproducible():
    ad = NaslibSpaceAdapter(FakeGraph())
    a = ad.sample(np.random.default_rng(3))
    assert isinstance(a, tuple) and all(type(o) is int for o in a)
    assert ad.sample(np.random.default_rng(3)) == a
    assert ad.hash(a) == str(a) and ad.decode(list(a)) == a and ad.decode(str(a)) == a


def test_adapter_mutate_changes_one_edge_and_to_graph():
    ad = NaslibSpaceAdapter(FakeGraph())
    rng = np.random.default_rng(0)
    a = ad.sample(rng)
    m = ad.mutate(a, rng)
    assert m != a and sum(x != y for x, y in zip(a, m)) == 1
    g = ad.to_graph(m)
    assert g.parsed and ad.arch_of(g) == m
    assert ad.graph.op_indices is None  # the template graph is never changed


def test_adapter_uniform_crossover_for_nb201():
    ad = NaslibSpaceAdapter(FakeGraph())
    a, b = (0, 0, 0, 0, 0, 0), (4, 4, 4, 4, 4, 4)
    rng = np.random.default_rng(1)
    kids = [ad.crossover(a, b, rng) for _ in range(50)]
    assert all(set(k) <= {0, 4} for k in kids)
    assert any(k not in (a, b) for k in kids)
    # every position comes from both parents across children (uniform per edge)
    for i in range(6):
        assert {k[i] for k in kids} == {0, 4}


def test_adapter_node_crossover_for_nb301():
    from swap_plugin.spaces import get_space

    darts = get_space("nb301")
    rng = np.random.default_rng(0)
    a, b = darts.sample(rng), darts.sample(rng)
    ad = NaslibSpaceAdapter(FakeGraph("nasbench301"))
    child = ad.crossover(a, b, np.random.default_rng(5))
    ref = darts.crossover(a, b, np.random.default_rng(5))
    assert child == ref and child != a


def test_adapter_falls_back_to_mutating_the_fitter_parent():
    ad = NaslibSpaceAdapter(FakeGraph("nasbench101", n=4))
    a, b = (1, 1, 1, 1), (3, 3, 3, 3)
    child = ad.crossover(a, b, np.random.default_rng(0))
    assert sum(x != y for x, y in zip(a, child)) == 1  # one mutation of a, nothing of b
    assert 3 not in child or child.count(3) == 1


def test_seed_naslib_rng_drives_global_state():
    seed_naslib_rng(np.random.default_rng(7))
    x = (np.random.rand(), random.random())
    seed_naslib_rng(np.random.default_rng(7))
    assert (np.random.rand(), random.random()) == x


def test_evolution_runs_on_the_adapter():
    ad = NaslibSpaceAdapter(FakeGraph())
    fitness = lambda a: sum(o == 2 for o in a) + 0.01 * sum(a)  # noqa: E731
    evo = Evolution(ad, fitness, EvolutionConfig(population_size=6, cycles=20, sample_size=3,
                                                 mutation_times=3), seed=0)
    arch, fit = evo.run()
    assert fit >= evo.history[0]["best_fitness"]  # elitist: never worse than the start
    state = json.loads(json.dumps(evo.state_dict()))
    evo2 = Evolution(ad, fitness, evo.config, seed=0)
    evo2.load_state_dict(state)
    assert evo2.best == evo.best


def test_lazy_exports():
    assert sn.NaslibSpaceAdapter is NaslibSpaceAdapter
    assert "SwapEvolution" not in sn.__all__  # star-import must work without NASLib
    if not sn.naslib_available():
        with pytest.raises(ImportError, match="needs NASLib"):
            sn.SwapEvolution
    with pytest.raises(AttributeError):
        sn.no_such_name


def test_naslib_command_without_naslib_says_how_to_get_it(capsys):
    from swap_plugin.cli import main

    if sn.naslib_available():
        pytest.skip("NASLib is importable here: the error path cannot be reached")
    for runner in ("nas", "zc"):
        assert main(["naslib", runner, "--config-file", "configs/naslib/swap_evolution_nb201.yaml"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("swap-nas naslib: error: NASLib is not importable") and "PYTHONPATH" in err
    assert main(["naslib", "nas", "--help"]) == 0
    assert "swap-nas naslib nas --config-file" in capsys.readouterr().out


def test_zc_runner_scipy_correlations():
    y = [1.0, 2.0, 3.0, 4.0]
    c = zr.scipy_correlations(y, [10.0, 20.0, 40.0, 30.0])
    assert c["spearman"] == pytest.approx(0.8) and c["kendalltau"] == pytest.approx(2 / 3)
    assert np.isnan(zr.scipy_correlations([1.0], [2.0])["spearman"])


# ---- with NASLib ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def naslib():
    pytest.importorskip("naslib", reason="NASLib not on PYTHONPATH (export PYTHONPATH=/path/to/NASLib; see docs/naslib.md)")
    try:
        from naslib.search_spaces import NasBench201SearchSpace  # noqa: F401
        from naslib.defaults.trainer import Trainer  # noqa: F401
        from swap_plugin.naslib import optimizer  # noqa: F401
    except Exception as e:  # noqa: BLE001
        pytest.skip(f"NASLib is on PYTHONPATH but does not import here ({e})")
    import naslib as nl
    import naslib.utils as nu

    if not (hasattr(nu, "get_train_val_loaders") and hasattr(nu, "parse_args")):
        pytest.skip("SwapEvolution and the runners target NASLib's Develop branch; this NASLib "
                    "(zerocost branch?) has another Trainer/utils API")
    return nl


class TableNB201Api(dict):
    """A minimal NB201 ``dataset_api`` for tests: ``["nb201_data"][arch_str][dataset]``
    records built on demand from the shared 15,625-arch table (200-epoch accuracies)."""

    def __init__(self):
        from swap_plugin.benchmarks import get_ground_truth, nb201_from_str

        gt = get_ground_truth("nb201")

        class Data(dict):
            def __missing__(self, arch_str):
                a = nb201_from_str(arch_str)
                rec = {}
                for key, ds in (("cifar10-valid", "cifar10"), ("cifar100", "cifar100"),
                                ("ImageNet16-120", "ImageNet16-120")):
                    rec[key] = {"train_acc1es": [gt.lookup(a, ds, "train_accuracy")],
                                "eval_acc1es": [gt.lookup(a, ds, "valid_accuracy_200ep")],
                                "cost_info": {"train_time": 0.0}}
                self[arch_str] = rec
                return rec

        super().__init__(nb201_data=Data())


def nas_config(tmp_path, **search):
    from fvcore.common.config import CfgNode

    cfg = CfgNode.load_cfg(open(ROOT / "configs" / "naslib" / "swap_evolution_nb201.yaml"))
    cfg.search.update(dict(epochs=3, population_size=3, sample_size=2, mutation_times=1,
                           seed=0, swap_loader="swap", swap_batch_size=8))
    cfg.search.update(search)
    cfg.save = str(tmp_path / "run")
    cfg.data = str(tmp_path / "no_data")
    (tmp_path / "run" / "search").mkdir(parents=True)
    return cfg


def test_optimizers_dict(naslib):
    opts = sn.OPTIMIZERS
    assert opts["swap_evolution"] is sn.SwapEvolution
    assert {"rs", "re", "ls", "bananas"} <= set(opts)


def test_real_nb201_adapter(naslib):
    from naslib.search_spaces import NasBench201SearchSpace

    ad = NaslibSpaceAdapter(NasBench201SearchSpace())
    rng = np.random.default_rng(0)
    a = ad.sample(rng)
    assert len(a) == 6 and all(type(o) is int for o in a)
    m = ad.mutate(a, rng)
    assert sum(x != y for x, y in zip(a, m)) == 1
    assert ad.arch_of(ad.to_graph(m, parse=False)) == m


def test_swap_evolution_under_naslib_trainer(naslib, tmp_path):
    from naslib.defaults.trainer import Trainer
    from naslib.search_spaces import NasBench201SearchSpace
    from naslib.search_spaces.core.query_metrics import Metric

    from swap_plugin.benchmarks import get_ground_truth

    cfg = nas_config(tmp_path)
    api = TableNB201Api()
    opt = sn.SwapEvolution(cfg)
    opt.adapt_search_space(NasBench201SearchSpace(), dataset_api=api)
    trainer = Trainer(opt, cfg, lightweight_output=True)
    trainer.search()
    evo = opt.evolution
    assert evo.cycle == cfg.search.epochs - 1 and len(evo.population) == 3
    assert evo.evaluations >= 3
    best = opt.get_final_architecture()
    assert sn.NaslibSpaceAdapter(best).arch_of(best) == evo.best[0]
    gt = get_ground_truth("nb201")
    # the incumbent's accuracies came from graph.query through the dataset_api
    assert trainer.search_trajectory.valid_acc[-1] == gt.lookup(evo.best[0], "cifar10",
                                                               "valid_accuracy_200ep")
    assert trainer.evaluate(dataset_api=api, metric=Metric.VAL_ACCURACY) == \
        trainer.search_trajectory.valid_acc[-1]
    assert (tmp_path / "run" / "search" / "swap_evolution.json").exists()

    # resume: a fresh optimizer continues from the JSON state at the next epoch
    cfg2 = cfg.clone()
    cfg2.search.epochs = 4
    opt2 = sn.SwapEvolution(cfg2)
    opt2.adapt_search_space(NasBench201SearchSpace(), dataset_api=None)
    opt2.evolution.config.cycles = 3
    opt2.evolution_config.cycles = 3
    state = json.loads((tmp_path / "run" / "search" / "swap_evolution.json").read_text())
    state["config"]["cycles"] = 3  # same run, longer budget
    (tmp_path / "run" / "search" / "swap_evolution.json").write_text(json.dumps(state))
    opt2.new_epoch(3)
    assert opt2.evolution.cycle == 3
    assert opt2.evolution.evaluations >= evo.evaluations
    assert opt2.train_statistics() == (-1, -1, -1, -1) and opt2.test_statistics() is None


def test_swap_evolution_fitness_is_the_proxy(naslib, tmp_path):
    from naslib.predictors import ZeroCost
    from naslib.search_spaces import NasBench201SearchSpace
    import torch
    import zlib

    cfg = nas_config(tmp_path)
    opt = sn.SwapEvolution(cfg)
    opt.adapt_search_space(NasBench201SearchSpace())
    arch = (2, 2, 3, 0, 2, 4)
    f = opt.fitness(arch)
    torch.manual_seed(zlib.crc32(str(arch).encode()) ^ 0)
    g = opt.adapter.to_graph(arch)
    assert f == ZeroCost("reg_swap").query(g, dataloader=opt.train_loader) > 0


def test_swap_ensemble_fitness_ranks_members_of_seeded_graphs(naslib, tmp_path):
    """search.proxy swap_ensemble: the fitness is ReferenceEnsemble over the member values of
    the seeded NASLib graphs of the reference archs; reg_swap is the registered measure's."""
    from naslib.predictors import ZeroCost
    from naslib.search_spaces import NasBench201SearchSpace

    from swap_plugin.naslib.ensemble import chain_blocks, member_values
    from swap_plugin.proxies import ENSEMBLE_MEMBERS, ReferenceEnsemble
    from swap_plugin.search.ensemble_fitness import REFERENCE_SEED

    cfg = nas_config(tmp_path, proxy="swap_ensemble", ensemble_reference=3)
    opt = sn.SwapEvolution(cfg)
    opt.adapt_search_space(NasBench201SearchSpace())
    arch = (2, 2, 3, 0, 2, 4)
    f = opt.fitness(arch)
    x = next(iter(opt.train_loader))[0]
    rng, ref = np.random.default_rng(REFERENCE_SEED + 0), {}
    while len(ref) < 3:
        a = opt.adapter.sample(rng)
        ref.setdefault(opt.adapter.hash(a), a)
    rows = [member_values(opt.seeded_graph(a), x) for a in ref.values()]
    want = ReferenceEnsemble({m: [r[m] for r in rows] for m in ENSEMBLE_MEMBERS})(member_values(opt.seeded_graph(arch), x))
    assert f == pytest.approx(want, rel=1e-12)
    g = opt.seeded_graph(arch)
    assert member_values(g, x)["reg_swap"] == pytest.approx(
        ZeroCost("reg_swap").query(opt.seeded_graph(arch), dataloader=opt.train_loader), rel=1e-9)
    assert len(chain_blocks(g)) == 1 + 3 * 5 + 2  # stem, 15 cells, 2 reduction blocks
    with pytest.raises(ValueError, match="at least 2"):
        bad = sn.SwapEvolution(nas_config(tmp_path / "b", proxy="swap_ensemble", ensemble_reference=1))
        bad.adapt_search_space(NasBench201SearchSpace())


@pytest.mark.needs_data
def test_zc_evaluator_reads_swap_from_a_scored_copy(naslib, tmp_path):
    zc_725 = data_file(*ZC_725)
    from fvcore.common.config import CfgNode
    from naslib.evaluators.zc_evaluator import ZeroCostPredictorEvaluator
    from naslib.predictors import ZeroCost
    from naslib.search_spaces import get_search_space

    cfg = CfgNode.load_cfg(open(ROOT / "configs" / "naslib" / "zc_swap_nb201.yaml"))
    cfg.predictor, cfg.test_size = "swap", 16
    cfg.save, cfg.data = str(tmp_path / "zc"), str(tmp_path / "no_data")
    cfg.test_data_file = None
    dst = tmp_path / "zc_copy.json"
    with zr.offline_loaders(cfg) as used:
        assert used
        keys = zr.add_scores_to_copy(cfg, str(zc_725), str(dst), "swap", limit=16)
        zc_api = zr.load_zc_api(str(dst), "nasbench201", "cifar10")
        assert all(zc_api[k]["swap"]["score"] > 0 for k in keys)
        original = json.loads(zc_725.read_text())
        assert "swap" not in next(iter(original["cifar10"].values()))  # the source is untouched

        ss = get_search_space("nasbench201", "cifar10")
        ss.labeled_archs = [eval(k) for k in keys]
        ss.sample_without_replacement = True
        ev = ZeroCostPredictorEvaluator(ZeroCost("swap"), config=cfg, zc_api=zc_api,
                                        use_zc_api=True)
        ev.adapt_search_space(ss, dataset_api=None, load_labeled=True)
        results = ev.evaluate(zc_api)
    assert results[-1]["full_testpred"] is not None and len(results[-1]["full_testpred"]) == 16
    preds = results[-1]["full_testpred"]
    # NASLib draws its labelled archs with replacement, so compare as sets
    assert set(preds) <= {zc_api[k]["swap"]["score"] for k in keys}
    corr = zr.scipy_correlations(results[-1]["full_ytest"], preds)
    assert corr["spearman"] > 0.3  # swap ranks NB201 archs well (about 0.8 on 1,000)
    assert (tmp_path / "zc" / "scores.json").exists()


@pytest.mark.needs_data
def test_zc_runner_main_on_the_scored_copy(naslib, tmp_path):
    """The runner end to end, reusing a scored copy (use_zc_api: no network is built)."""
    zc_725 = data_file(*ZC_725)
    from swap_plugin.benchmarks import add_proxy_scores, read_zc_json

    raw = read_zc_json(zc_725)
    keys = sorted(raw["cifar10"])[:30]
    # a fake "swap" equal to val_accuracy: the runner must report correlation 1
    dst = tmp_path / "copy.json"
    add_proxy_scores(zc_725, dst, "swap", {k: raw["cifar10"][k]["val_accuracy"] for k in keys},
                     space="nb201", dataset="cifar10", layout="current")
    res = zr.run_zc(["--config-file", str(ROOT / "configs" / "naslib" / "zc_swap_nb201.yaml"),
                   "--zc-json", str(dst), "--use-zc-api", "out_dir", str(tmp_path / "out"),
                   "predictor", "swap", "test_size", "25"])
    assert res["n"] == 25 and res["spearman"] == pytest.approx(1.0)
    out = tmp_path / "out" / "nasbench201" / "cifar10" / "swap" / "0" / "scores.json"
    assert json.loads(out.read_text())[1]["kendalltau"] == pytest.approx(1.0)

