"""Correlation studies: store, statistics, NASLib layout, kill -9 resume."""
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from swap_plugin.benchmarks import get_ground_truth
from swap_plugin.metric import regulariser
from swap_plugin.studies import (RecordStore, StudyConfig, auto_mu_sigma, bootstrap_spearman, correlations,
                                 parse_seeds, resolve_mu_sigma, run_study, sample_archs, score_seed,
                                 spearman_interval)

FAST = dict(samples=8, input_size=8, build={"C": 4, "N": 1})
CONFIGS = Path(__file__).resolve().parent.parent / "configs"


def test_store_ignores_a_torn_last_line(tmp_path):
    s = RecordStore(tmp_path / "r.jsonl")
    s.append({"key": "a", "v": 1})
    s.append({"key": "b", "v": 2})
    with open(tmp_path / "r.jsonl", "a") as fh:
        fh.write('{"key": "c", "v"')  # kill -9 mid-write (or a writer still busy)
    size = (tmp_path / "r.jsonl").stat().st_size
    with pytest.warns(UserWarning, match=r"r.jsonl: skipped line 3 \(cut off at the end of the file\)"):
        again = RecordStore(tmp_path / "r.jsonl")
    assert len(again) == 2 and "c" not in again and again.get("b")["v"] == 2
    assert (tmp_path / "r.jsonl").stat().st_size == size  # reading changes nothing
    with pytest.warns(UserWarning, match="moved line 3"):
        again.append({"key": "c", "v": 3})
    assert [json.loads(l)["key"] for l in open(tmp_path / "r.jsonl")] == ["a", "b", "c"]
    (side,) = tmp_path.glob("r.jsonl.unreadable-*")  # the torn tail is kept aside, not deleted
    assert side.read_text() == '{"key": "c", "v"\n'


def test_correlations_match_scipy_and_naslib_keys():
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=50), rng.normal(size=50)
    r = correlations(y, p)
    assert r["spearman"] == pytest.approx(stats.spearmanr(y, p)[0])
    assert r["kendalltau"] == pytest.approx(stats.kendalltau(y, p)[0])
    assert r["pearson"] == pytest.approx(abs(np.corrcoef(y, p)[0, 1]))
    assert r["full_ytest"] == y.tolist() and r["full_testpred"] == p.tolist()
    assert math.isnan(correlations(y, np.ones(50))["spearman"])
    with pytest.raises(ValueError):
        correlations([1.0], [2.0])


@pytest.mark.parametrize("n", [100, 1000])
def test_bootstrap_interval_of_rho_agrees_with_fisher_z_on_real_nb201_archs(nb201_gt, n):
    """params vs val_accuracy on n sampled NB201 archs: the percentile bootstrap interval
    holds the point ρ and matches the independent Fisher-z interval (SE 1.03/√(n-3) for
    Spearman, Bonett & Wright 2000) to within a quarter of its width, at n = 100 and 1,000."""
    archs = sample_archs(nb201_gt, "cifar10", n, 0)
    y = [nb201_gt.lookup(a, "cifar10") for a in archs]
    p = [nb201_gt.lookup(a, "cifar10", "params") for a in archs]
    rho = stats.spearmanr(p, y)[0]
    lo, hi = spearman_interval(y, p, n_boot=400, seed=0)
    half = 1.96 * 1.03 / math.sqrt(n - 3)
    z_lo, z_hi = math.tanh(math.atanh(rho) - half), math.tanh(math.atanh(rho) + half)
    assert lo < rho < hi
    assert abs(lo - z_lo) < 0.25 * (z_hi - z_lo) and abs(hi - z_hi) < 0.25 * (z_hi - z_lo)
    assert spearman_interval(y, p, n_boot=400, seed=0) == (lo, hi)  # seeded
    assert spearman_interval(y, p, n_boot=400, seed=1) != (lo, hi)


def test_bootstrap_resamples_are_paired_and_checked():
    y = [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0]
    rho = bootstrap_spearman(y, y, [-v for v in y], n_boot=50, seed=3)
    assert rho.shape == (50, 2)
    np.testing.assert_allclose(rho[:, 0], 1.0)  # a series against itself: every resample
    np.testing.assert_allclose(rho[:, 1], -1.0)
    # the same archs in the same resample for every series: a series and its copy never differ
    a = np.random.default_rng(0).normal(size=8)
    both = bootstrap_spearman(y, a, a.copy(), n_boot=50, seed=3)
    np.testing.assert_array_equal(both[:, 0], both[:, 1])
    with pytest.raises(ValueError, match="as long as y"):
        bootstrap_spearman(y, y[:-1])
    with pytest.raises(ValueError, match="≥ 1 prediction"):
        bootstrap_spearman(y)


def test_seeds_and_mu_sigma_rules():
    assert parse_seeds("0-4") == [0, 1, 2, 3, 4]
    assert parse_seeds("0,3,7") == [0, 3, 7]
    assert auto_mu_sigma(np.arange(101) / 100, 0.99) == (pytest.approx(0.99), pytest.approx(0.99))
    assert resolve_mu_sigma("paper", "paper", "nb201", [], size_unit="K") == (1500.0, 1500.0)
    assert resolve_mu_sigma(2, 3, "nb201", []) == (2.0, 3.0)
    with pytest.raises(ValueError, match="no μ/σ"):
        resolve_mu_sigma("paper", "paper", "tnb101_micro", [])
    with pytest.raises(ValueError, match="unknown study option"):
        StudyConfig.from_dict({"spce": "nb201"})
    assert StudyConfig.from_dict({"space": "nb201", "n": "all"}).n == "all"
    for bad in (1, "most", 2.5, True):
        with pytest.raises(ValueError, match="n must be an integer >= 2 .* or 'all'"):
            StudyConfig.from_dict({"space": "nb201", "n": bad})


def test_cli_n_takes_a_count_or_all(capsys):
    from swap_plugin.cli import build_parser

    parse = build_parser().parse_args
    assert parse(["correlate", "--space", "nb201", "--n", "all"]).n == "all"
    assert parse(["correlate", "--space", "nb201", "--n", "725"]).n == 725
    with pytest.raises(SystemExit):
        parse(["correlate", "--space", "nb201", "--n", "most"])
    assert "argument --n: must be a number of archs >= 2 (a correlation needs two) or 'all'" \
        in capsys.readouterr().err


@pytest.mark.needs_data
def test_sampling_is_seeded_and_covers_small_tables():
    gt = get_ground_truth("nb201", "cifar10")
    a = sample_archs(gt, "cifar10", 20, 0)
    assert a == sample_archs(gt, "cifar10", 20, 0) != sample_archs(gt, "cifar10", 20, 1)
    assert len(set(a)) == 20
    assert len(sample_archs(gt, "cifar10", 10**6, 0)) == 15625
    assert sample_archs(gt, "cifar10", "all", 3) == list(gt.archs("cifar10"))  # table order, any seed


@pytest.mark.needs_data
def test_study_writes_naslib_layout(tmp_path):
    cfg = StudyConfig.from_dict(dict(space="nb201", dataset="cifar100", n=12, seeds=[0, 1], out=str(tmp_path),
                                     proxies=["swap", "reg_swap", "params", "zc:synflow"], gt_source="zc",
                                     mu=0.5, sigma=0.4, **FAST))
    summary = run_study(cfg, progress=False)
    base = tmp_path / "correlation" / "nb201" / "cifar100"
    for proxy in cfg.proxies:
        for seed in (0, 1):
            conf, res = json.loads((base / proxy / str(seed) / "scores.json").read_text())
            assert conf["predictor"] == proxy and conf["seed"] == seed and conf["search_space"] == "nb201"
            assert res["spearman"] == pytest.approx(stats.spearmanr(res["full_ytest"], res["full_testpred"])[0])
            assert summary[proxy][seed]["spearman"] == pytest.approx(res["spearman"])
    recs = {r["key"]: r for r in RecordStore(base / "records_seed0.jsonl")}
    _, swap = json.loads((base / "swap" / "0" / "scores.json").read_text())
    _, reg = json.loads((base / "reg_swap" / "0" / "scores.json").read_text())
    syn_conf, syn = json.loads((base / "zc:synflow" / "0" / "scores.json").read_text())
    gt = get_ground_truth("nb201", "cifar100", source="zc")
    archs = sample_archs(gt, "cifar100", 12, 0)
    assert syn["full_testpred"] == [gt.proxy(a, "cifar100", "synflow") for a in archs]
    assert syn_conf["values_from"] == "ground truth file" and syn["query_time"] is None
    assert swap["full_ytest"] == [gt.lookup(a, "cifar100") for a in archs]
    for a, s, r in zip(archs, swap["full_testpred"], reg["full_testpred"]):
        rec = recs[str(a)]
        assert s == rec["swap"] and r == pytest.approx(s * regulariser(rec["params"], 0.5, 0.4))


@pytest.mark.needs_data
def test_transnas_is_scored_at_the_benchmark_input_and_records_say_so(tmp_path):
    from swap_plugin.studies.correlate import with_benchmark_input
    from swap_plugin.spaces import get_space

    cfg = StudyConfig.from_yaml(CONFIGS / "tnb101_micro.yaml", dataset="room_layout", n=3, seeds=[0],
                                samples=4, workers=1, proxies=["swap", "params"], out=str(tmp_path))
    assert cfg.input_size is None  # the config asks for the benchmark's own input
    run_study(cfg, progress=False)
    base = tmp_path / "correlation" / "tnb101_micro" / "room_layout"
    assert json.loads((base / "records_seed0.key.json").read_text())["input_size"] == 256
    assert len(RecordStore(base / "records_seed0.jsonl")) == 3
    conf, _ = json.loads((base / "swap" / "0" / "scores.json").read_text())
    assert conf["input_size"] == 256  # the NASLib-layout config says so too
    # score_seed alone (public) resolves the same way: the stored records resume, no mismatch
    score_seed(cfg, 0, sample_archs(get_ground_truth("tnb101_micro", "room_layout"), "room_layout", 3, 0),
               progress=False)
    nb201 = StudyConfig.from_yaml(CONFIGS / "nb201.yaml")
    assert with_benchmark_input(nb201, get_space("nb201")).input_size is None  # CIFAR's own 32
    jig = StudyConfig.from_yaml(CONFIGS / "tnb101_macro.yaml", dataset="jigsaw")
    assert with_benchmark_input(jig, get_space("tnb101_macro")).input_size == 192
    given = StudyConfig.from_yaml(CONFIGS / "tnb101_macro.yaml", dataset="jigsaw", input_size=64)
    assert with_benchmark_input(given, get_space("tnb101_macro")).input_size == 64


CORR = [sys.executable, "-m", "swap_plugin.cli", "correlate", "--space", "nb201", "--dataset", "cifar10",
        "--n", "40", "--seeds", "0", "--samples", "8", "--input-size", "8", "--quiet",
        "--proxies", "swap", "reg_swap", "params"]


@pytest.mark.needs_data
def test_correlate_killed_and_resumed_equals_uninterrupted(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run(CORR + ["--out", str(tmp_path / "ref")], check=True, capture_output=True, env=env)
    out = tmp_path / "killed"
    proc = subprocess.Popen(CORR + ["--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    records = out / "correlation" / "nb201" / "cifar10" / "records_seed0.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not records.exists() or len(records.read_text().splitlines()) < 5):
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    n_before = len(records.read_text().splitlines())
    assert 5 <= n_before < 40
    subprocess.run(CORR + ["--out", str(out)], check=True, capture_output=True, env=env)
    for proxy in ("swap", "reg_swap", "params"):
        a = json.loads((tmp_path / "ref" / "correlation/nb201/cifar10" / proxy / "0/scores.json").read_text())[1]
        b = json.loads((out / "correlation/nb201/cifar10" / proxy / "0/scores.json").read_text())[1]
        assert a["full_testpred"] == b["full_testpred"] and a["spearman"] == b["spearman"]


@pytest.mark.needs_data
def test_baseline_with_a_missing_value_is_correlated_on_the_archs_it_has(tmp_path):
    # synflow is empty for (3, 2, 4, 0, 4, 4) on cifar10 in the 725-arch NB-Suite-Zero file
    cfg = StudyConfig.from_dict(dict(space="nb201", dataset="cifar10", n=725, seeds=[0], out=str(tmp_path),
                                     proxies=["zc:synflow", "zc:nwot"], gt_source="zc", **FAST))
    from swap_plugin.studies import correlate
    gt = get_ground_truth("nb201", "cifar10", source="zc")
    archs = sample_archs(gt, "cifar10", 725, 0)
    pred = correlate.proxy_values("zc:synflow", [], archs, gt, cfg, None, None)
    assert pred.count(None) == 1 and pred[archs.index((3, 2, 4, 0, 4, 4))] is None


@pytest.mark.needs_data
def test_a_baseline_missing_from_the_file_fails_before_any_scoring(tmp_path):
    from swap_plugin.benchmarks import UnknownMetricError

    with pytest.warns(FutureWarning, match="write zc:nwot"):  # a bare stored name: deprecated, still read
        cfg = StudyConfig.from_dict(dict(space="nb101", dataset="cifar10", n=5, seeds=[0], out=str(tmp_path),
                                         proxies=["swap", "nwot"], samples=8, input_size=8))
    assert cfg.proxies == ["swap", "zc:nwot"]
    with pytest.raises(UnknownMetricError, match="nwot.*stored proxies.*computes: swap, reg_swap"):
        run_study(cfg, progress=False)
    assert not list(tmp_path.rglob("records_seed0.jsonl"))


@pytest.mark.needs_data
def test_a_reduced_scoring_network_keeps_the_benchmark_parameter_count(tmp_path):
    from swap_plugin.metric import count_parameters
    from swap_plugin.spaces import get_space

    cfg = StudyConfig.from_dict(dict(space="nb201", dataset="cifar10", n=4, seeds=[0], out=str(tmp_path),
                                     proxies=["swap", "params"], **FAST))
    run_study(cfg, progress=False)
    space = get_space("nb201")
    recs = list(RecordStore(tmp_path / "correlation/nb201/cifar10/records_seed0.jsonl"))
    assert len(recs) == 4
    for r in recs:
        arch = tuple(r["arch"])
        assert r["params"] == pytest.approx(count_parameters(space.build(arch, "cifar10")))  # C=16, N=5
        assert r["scored_params"] == pytest.approx(count_parameters(space.build(arch, "cifar10", C=4, N=1)))
        assert r["scored_params"] < r["params"]


@pytest.mark.needs_data
def test_too_few_images_fails_fast_with_a_process_pool(tmp_path):
    # CIFAR-100 has 20 images in SWAP_DATA_DIR: a pool initializer that raised would hang
    cfg = StudyConfig.from_dict(dict(space="nb201", dataset="cifar100", n=4, seeds=[0], out=str(tmp_path),
                                     proxies=["swap"], samples=24, workers=2, build={"C": 4, "N": 1}))
    t0 = time.time()
    with pytest.raises(ValueError, match="asked for 24 images"):
        run_study(cfg, progress=False)
    assert time.time() - t0 < 60
    assert not list(tmp_path.rglob("*.key.json"))  # nothing recorded, so a retry with other images works


@pytest.mark.needs_data
def test_darts_swap_config_scores_the_official_network_with_gaussian_repeats(tmp_path):
    """configs/darts_swap.yaml (the official correlation.py setting): each record's Ψ is the
    mean over Gaussian re-inits of the official stem-less one-cell network, the same numbers
    as scoring that network directly; Θ is the DARTS evaluation network's."""
    from swap_plugin.metric import SwapScorer
    from swap_plugin.spaces import get_space
    from swap_plugin.studies.correlate import study_inputs

    cfg = StudyConfig.from_yaml(CONFIGS / "darts_swap.yaml", n=3, repeats=2, out=str(tmp_path))
    assert cfg.build == {"scoring_network": True, "C": 3, "layers": 1} and cfg.init == "gaussian"
    run_study(cfg, progress=False)
    space, x = get_space("darts_swap"), study_inputs(cfg, 0)
    recs = list(RecordStore(tmp_path / "correlation/darts_swap/cifar10/records_seed0.jsonl"))
    assert len(recs) == 3
    for rec in recs:
        direct = SwapScorer(x, repeats=2, init="gaussian", seed=0, mode="train").score(
            space.build_scoring_network(rec["arch"]))
        assert rec["per_repeat"] == list(direct.per_repeat) and rec["swap"] == direct.swap
        assert rec["units"] == direct.units
        assert rec["params"] == pytest.approx(space.num_params(rec["arch"], "cifar10"))
    bad = StudyConfig.from_dict(dict(space="nb201", n=2, out=str(tmp_path / "bad"),
                                     build={"scoring_network": True}, **{k: v for k, v in FAST.items() if k != "build"}))
    with pytest.raises(ValueError, match="has no official scoring network"):
        run_study(bad, progress=False)
