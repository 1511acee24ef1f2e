"""scripts/explore_nb101_sets.py on the real NB101 files."""
import json

import numpy as np
import pytest
from scipy import stats
from script_loader import load_script

from swap_plugin.paths import data_dir, data_file

pytestmark = pytest.mark.skipif(data_dir(required=False) is None, reason="benchmark data (../shared/data) not found")
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
