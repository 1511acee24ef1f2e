"""A proxy and a search space defined outside the package, one file each (tests/plugins/),
loaded with --plugin or SWAP_PLUGINS: correlate, score, search and NASLib's measures use
them like the package's own."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from scipy import stats

from swap_plugin import plugins
from swap_plugin.benchmarks import base as gt_base
from swap_plugin.cli import main
from swap_plugin.proxies import registry
from swap_plugin.spaces import base as space_base

PLUGINS = Path(__file__).resolve().parent / "plugins"
TOY_PROXY, TOY_SPACE = PLUGINS / "toy_proxy.py", PLUGINS / "toy_space.py"
ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "swap_plugin.cli"]


@pytest.fixture
def registries(monkeypatch):
    """The registries as they are, restored after the test: a plugin loaded in it stays
    out of the other tests (which check, e.g., that every space has a study config)."""
    monkeypatch.setattr(space_base, "_SPACES", dict(space_base._SPACES))
    monkeypatch.setattr(registry, "_PROXIES", dict(registry._PROXIES))
    monkeypatch.setattr(gt_base, "_SOURCES", {k: dict(v) for k, v in gt_base._SOURCES.items()})
    monkeypatch.setattr(gt_base, "_DEFAULT_SOURCE", dict(gt_base._DEFAULT_SOURCE))
    monkeypatch.setattr(plugins, "_loaded", {})
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("swap_plugin_user_"):
            del sys.modules[name]


def toy_study(tmp_path, **settings) -> Path:
    cfg = {"space": "toy", "dataset": "cifar10", "n": "all", "seeds": [0], "samples": 8, "input_size": 8,
           "proxies": ["swap", "params", "toy_l1"], "out": str(tmp_path / "run"), **settings}
    path = tmp_path / "toy.yaml"
    path.write_text(json.dumps(cfg))  # JSON is YAML
    return path


@pytest.mark.needs_data
def test_a_proxy_from_outside_runs_in_correlate_and_fills_a_resumed_study(tmp_path, registries, capsys):
    from swap_plugin.benchmarks import get_ground_truth
    from swap_plugin.data import load_batch
    from swap_plugin.proxies import get_proxy
    from swap_plugin.spaces import get_space
    from swap_plugin.studies import RecordStore, sample_archs
    from swap_plugin.studies.correlate import seeded_network

    out = tmp_path / "run"
    flags = ["correlate", "--space", "nb201", "--dataset", "cifar10", "--n", "8", "--seeds", "0",
             "--samples", "4", "--input-size", "8", "--out", str(out), "--quiet"]
    assert main(["--plugin", str(TOY_PROXY)] + flags + ["--proxies", "swap", "toy_l1"]) == 0
    assert "toy_l1" in capsys.readouterr().out
    base = out / "correlation" / "nb201" / "cifar10"
    conf, res = json.loads((base / "toy_l1" / "0" / "scores.json").read_text())
    assert conf["predictor"] == "toy_l1" and conf["values_from"] == str(TOY_PROXY)
    gt = get_ground_truth("nb201", "cifar10")
    archs = sample_archs(gt, "cifar10", 8, 0)
    space, x = get_space("nb201"), load_batch("cifar10", 4, seed=0, size=8)
    want = [get_proxy("toy_l1")(seeded_network(space, a, "cifar10", 0), x) for a in archs]
    assert res["full_testpred"] == pytest.approx(want, rel=1e-12)
    assert res["full_ytest"] == [gt.lookup(a, "cifar10") for a in archs]
    assert res["spearman"] == pytest.approx(stats.spearmanr(res["full_ytest"], want)[0], rel=1e-12)
    assert res["n"] == 8 and res["query_time"] > 0
    swap_before = {r["key"]: r["swap"] for r in RecordStore(base / "records_seed0.jsonl")}
    # flops asked for on resume: computed for the 8 scored archs, nothing rescored
    assert main(["--plugin", str(TOY_PROXY)] + flags + ["--proxies", "toy_l1", "flops"]) == 0
    recs = list(RecordStore(base / "records_seed0.jsonl"))
    assert len(recs) == 8 and all(r["flops"] > 0 and "flops" in r["proxy_seconds"] for r in recs)
    assert {r["key"]: r["swap"] for r in recs} == swap_before
    assert (base / "flops" / "0" / "scores.json").is_file()


def test_a_space_from_outside_is_scored_correlated_and_searched(tmp_path, registries):
    from swap_plugin.data import load_batch
    from swap_plugin.metric import SwapScorer
    from swap_plugin.search.evolution import Evolution, EvolutionConfig
    from swap_plugin.spaces import canonical_space, get_space
    from swap_plugin.studies.correlate import seeded_network

    plugins.load_plugin(str(TOY_SPACE))
    plugins.load_plugin(str(TOY_PROXY))
    space = get_space("toy")
    assert canonical_space("TOY_chain") == "toy" and space.label == "Toy" and len(list(space)) == 12
    assert space.decode("d2w8") == space.decode("(2, 8)") == space.decode([2.0, 8]) == (2, 8)
    with pytest.raises(ValueError, match="a toy arch is"):
        space.decode((4, 8))

    # swap-nas score --space toy: the CLI's network is the space's, seeded by --seed
    score = ["score", "--space", "toy", "--arch", "d2w8", "--samples", "8", "--image-size", "8", "--json"]
    r = subprocess.run(CLI + ["--plugin", str(TOY_SPACE)] + score, capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    torch.manual_seed(0)
    net = space.build((2, 8))
    assert json.loads(r.stdout)["swap"] == SwapScorer(load_batch("cifar10", 8, seed=0, size=8)).score(net).swap
    # ... and named by SWAP_PLUGINS instead of --plugin
    env = {**os.environ, "SWAP_PLUGINS": f"{TOY_PROXY},{TOY_SPACE}"}
    r2 = subprocess.run(CLI + score, capture_output=True, text=True, cwd=ROOT, env=env)
    assert r2.returncode == 0 and json.loads(r2.stdout)["swap"] == json.loads(r.stdout)["swap"], r2.stderr
    # ... and by an abbreviation that argparse accepts (--plug): loaded too, never skipped
    r3 = subprocess.run(CLI + score[:1] + ["--plug", str(TOY_SPACE)] + score[1:], capture_output=True,
                        text=True, cwd=ROOT)
    assert r3.returncode == 0 and json.loads(r3.stdout)["swap"] == json.loads(r.stdout)["swap"], r3.stderr

    # swap-nas correlate --space toy, with the toy proxy, over its 12 archs
    assert main(["correlate", "--space", "toy", "--config", str(toy_study(tmp_path)), "--quiet"]) == 0
    base = tmp_path / "run" / "correlation" / "toy" / "cifar10"
    x = load_batch("cifar10", 8, seed=0, size=8)
    for proxy in ("swap", "params", "toy_l1"):
        conf, res = json.loads((base / proxy / "0" / "scores.json").read_text())
        assert conf["search_space"] == "toy" and res["n"] == 12
        assert res["spearman"] == pytest.approx(stats.spearmanr(res["full_ytest"], res["full_testpred"])[0])
    _, res = json.loads((base / "toy_l1" / "0" / "scores.json").read_text())
    archs = list(space)  # n: all -> the table's archs in table order
    assert res["full_ytest"] == [sys.modules[_module_of(TOY_SPACE)].accuracy(a) for a in archs]
    assert res["full_testpred"] == pytest.approx(
        [plugins_proxy()(seeded_network(space, a, "cifar10", 0), x) for a in archs], rel=1e-12)

    # Algorithm 1 on it, with the toy proxy as the fitness: it finds the best of the 12 archs
    fitness = {a: plugins_proxy()(seeded_network(space, a, "cifar10", 0), x) for a in archs}
    evo = Evolution(space, fitness.__getitem__,
                    EvolutionConfig(population_size=4, cycles=8, sample_size=2, mutation_times=3), seed=0)
    best, fit = evo.run()
    assert all(a in fitness for a, _ in evo.population) and fit == fitness[best] == max(fitness.values())


def plugins_proxy():
    from swap_plugin.proxies import get_proxy

    return get_proxy("toy_l1")


def _module_of(path: Path) -> str:
    return plugins.module_of(str(path)).__name__


def test_a_proxy_from_outside_is_a_naslib_measure_without_naslib(registries):
    import swap_plugin.naslib as sn

    plugins.load_plugin(str(TOY_PROXY))
    assert "toy_l1" in sn.MEASURE_NAMES
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Flatten())
    x = torch.randn(6, 3, 8, 8)
    out = sn.naslib_measure("toy_l1")(net, x, torch.zeros(6, dtype=torch.long), split_data=1, loss_fn=None)
    assert len(out) == 1 and out[0].dtype == torch.float64  # what NASLib's find_measures sums
    with torch.no_grad():
        assert out[0].item() == float(net(x).abs().mean())


def test_naslib_zerocost_runs_a_proxy_from_outside(registries):
    pytest.importorskip("naslib", reason="NASLib is not importable here (not on PyPI; see the README to "
                                         "put it on PYTHONPATH): ZeroCost cannot run the toy proxy")
    try:
        from naslib.predictors import ZeroCost
        from naslib.search_spaces import NasBench201SearchSpace
    except ImportError as e:
        pytest.skip(f"NASLib is on PYTHONPATH but does not import here ({e}); see README")
    import swap_plugin.naslib as sn
    from swap_plugin.data import load_batch, one_batch_loader
    from swap_plugin.proxies import get_proxy

    plugins.load_plugin(str(TOY_PROXY))
    sn.register()  # again: the plugin's proxy joins NASLib's measures
    torch.manual_seed(0)
    g = NasBench201SearchSpace(n_classes=10)
    g.sample_random_architecture()
    g.parse()
    x = load_batch("cifar10", 8, seed=0)
    got = ZeroCost(method_type="toy_l1").query(g, dataloader=one_batch_loader(x))
    assert got == pytest.approx(get_proxy("toy_l1")(g, x), rel=1e-6)


def test_swap_plugins_load_whichever_module_of_the_package_is_imported_first():
    env = {**os.environ, "SWAP_PLUGINS": f"{TOY_SPACE},{TOY_PROXY}"}
    code = ("from swap_plugin.benchmarks import get_ground_truth\n"  # its import registers built-in sources
            "from swap_plugin.proxies import get_proxy\n"
            "print(len(get_ground_truth('toy', 'cifar10').archs('cifar10')), get_proxy('toy_l1').name)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert r.returncode == 0 and r.stdout.split() == ["12", "toy_l1"], r.stderr


def test_plugin_errors_name_the_plugin(tmp_path, registries, capsys):
    bad = tmp_path / "broken.py"
    bad.write_text("raise RuntimeError('boom')\n")
    assert main(["--plugin", str(bad), "score", "--space", "nb201"]) == 2
    assert f"--plugin '{bad}' failed to import: RuntimeError: boom" in capsys.readouterr().err
    assert main(["--plugin", "no_such_module_xyz", "score", "--space", "nb201"]) == 2
    assert "'no_such_module_xyz': no module of that name is importable" in capsys.readouterr().err
    twice = tmp_path / "twice.py"
    twice.write_text("from swap_plugin.proxies import register_proxy\n"
                     "register_proxy('swap')(lambda model, inputs: 0.0)\n")
    with pytest.raises(plugins.PluginError, match="proxy 'swap' is registered twice"):
        plugins.load_plugin(str(twice))


def test_a_module_in_the_current_folder_is_found_without_touching_sys_path(tmp_path, monkeypatch, registries):
    (tmp_path / "my_cwd_proxy_mod.py").write_text(TOY_PROXY.read_text().replace('"toy_l1"', '"cwd_l1"'))
    monkeypatch.chdir(tmp_path)
    path_before = list(sys.path)
    plugins.load_plugin("my_cwd_proxy_mod")
    assert sys.path == path_before and registry.is_registered("cwd_l1")
    monkeypatch.delitem(sys.modules, "my_cwd_proxy_mod")
