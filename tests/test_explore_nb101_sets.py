"""scripts/explore_nb101_sets.py on the real NB101 files."""
import json

import numpy as np
import pytest
from scipy import stats
from script_loader import load_script

from swap_plugin.paths import data_file

pytestmark = pytest.mark.needs_data
explore = load_script("explore_nb101_sets")


def test_uniform_set_stats_equal_a_reference_read_straight_from_the_json():
    rows = json.loads(data_file("nb101/nb101_1000_decoded.json").read_text())
    acc = np.array([r["val_acc_108"] for r in rows]) * 100
    s = explore.set_stats(None)
    assert s["archs"] == 1000
    assert s["p50"] == pytest.approx(np.percentile(acc, 50))
    assert s["weak"] == pytest.approx(np.mean(acc < 85))
    # the benchmark's own parameter counts: our space counts them identically
    assert s["params"] == pytest.approx(stats.spearmanr([r["params"] for r in rows], acc)[0], abs=1e-9)


def test_the_two_sets_differ_as_the_report_says():
    uniform, zc = explore.set_stats(None), explore.set_stats("zc")
    assert zc["weak"] > 5 * uniform["weak"]
    assert zc["params"] > uniform["params"] + 0.2
    assert "is sorted by hash" in explore.hash_order_check()


def test_run_means_average_seeds_per_set(tmp_path):
    for src, seed, rho in [(None, 0, 0.4), (None, 1, 0.6), ("zc", 0, 0.7)]:
        f = tmp_path / ("zc" if src else "paper") / "correlation" / "nb101" / "cifar10" / "swap" / str(seed) / "scores.json"
        f.parent.mkdir(parents=True)
        f.write_text(json.dumps([{"predictor": "swap", "search_space": "nb101", "dataset": "cifar10",
                                  "seed": seed, "gt_source": src}, {"spearman": rho}]))
    means = explore.run_means([str(tmp_path / "paper"), str(tmp_path / "zc")])
    assert means == {(None, "swap"): pytest.approx(0.5), ("zc", "swap"): pytest.approx(0.7)}


def test_member_means_equal_rho_of_the_members_in_the_records(tmp_path):
    from swap_plugin.benchmarks import get_ground_truth
    from swap_plugin.spaces import get_space
    from swap_plugin.studies import RecordStore, StudyConfig, run_study, sample_archs

    cfg = StudyConfig.from_dict(dict(space="nb101", dataset="cifar10", n=8, seeds=[0, 1], out=str(tmp_path),
                                     proxies=["swap", "swap_ensemble"], samples=8, input_size=8,
                                     build={"stem_channels": 8}))
    with pytest.warns(UserWarning, match="chosen and tested on NB201"):
        run_study(cfg, progress=False)
    base = tmp_path / "correlation" / "nb101" / "cifar10"
    gt, space, rhos = get_ground_truth("nb101", "cifar10"), get_space("nb101"), {}
    for seed in (0, 1):
        archs = sample_archs(gt, "cifar10", 8, seed)
        y = json.loads((base / "swap" / str(seed) / "scores.json").read_text())[1]["full_ytest"]
        assert y == [gt.lookup(a, "cifar10") for a in archs]  # the study's archs, in its order
        store = RecordStore(base / f"records_seed{seed}.jsonl")
        for m in ("synflow", "jacov", "progressivity"):
            rhos.setdefault(m, []).append(stats.spearmanr([store.get(space.hash(a))[m] for a in archs], y)[0])
    means = explore.member_means([str(tmp_path)])
    assert set(means) == {(None, m) for m in rhos}
    for m, v in rhos.items():
        assert means[(None, m)] == pytest.approx(np.mean(v))
